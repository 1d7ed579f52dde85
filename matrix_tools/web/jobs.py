"""The page's jobs: the CLI's library call on matrices already read, and the reports to download.

Each job takes matrices (read from the uploads in isolated children) and a private work
folder, makes the same reports as the command (``diff -o .xlsx/.md/.json/.html``,
``validate --format json|junit --annotate``, ``merge -o merged.xlsx --format json|text``,
``resolve MERGED -o final.xlsx --report FILE``) and returns what the page shows plus the files to download, as bytes. Workbooks are written
by the reports' own writers into the work folder (deleted after the response) and read back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.batching.isolation import run_isolated
from matrix_tools.diffing.engine import diff
from matrix_tools.errors import MatrixToolsError
from matrix_tools.merging.engine import merge as merge_matrices
from matrix_tools.merging.resolve import resolve as resolve_merged
from matrix_tools.merging.result import merge_report
from matrix_tools.model import Matrix
from matrix_tools.reports.annotate import write_annotated_workbook
from matrix_tools.reports.diff_html import render_diff_html
from matrix_tools.reports.diff_json import diff_to_dict, render_diff_json
from matrix_tools.reports.diff_md import render_diff_md
from matrix_tools.reports.diff_text import summary_sentence
from matrix_tools.reports.diff_xlsx import write_diff_xlsx
from matrix_tools.reports.findings import _group_title, iter_groups, render_json, render_junit
from matrix_tools.reports.merge import render_merge_json, render_merge_text, write_merge_workbook
from matrix_tools.reports.registry import (
    history_dict,
    render_history_html,
    render_history_json,
    render_history_md,
    write_history_xlsx,
)
from matrix_tools.reports.resolve import (
    render_resolve_json,
    render_resolve_text,
    resolve_report,
    write_final_workbook,
)
from matrix_tools.validation.engine import summary_counts, unreadable_result, validate_matrix
from matrix_tools.web.security import download_name
from matrix_tools.web.store import Download
from matrix_tools.web.uploads import READ_MEMORY_MB, READ_TIMEOUT

if TYPE_CHECKING:
    from matrix_tools.registry.history import History

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"
MARKDOWN = "text/markdown; charset=utf-8"
HTML = "text/html; charset=utf-8"
XML = "application/xml"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class JobOutcome:
    """What a job gives the page: values for its template and the files to download."""
    context: Mapping[str, Any]
    downloads: tuple[Download, ...] = ()
    report: str | None = field(default=None)  # name of the download shown framed in the page
    status: int = 200


def _iso(*matrices: Matrix) -> str:
    return next((m.state.iso3 for m in matrices if m.state.iso3), "")


def compare(old: Matrix, new: Matrix, work: Path, *, include_cosmetic: bool = False) -> JobOutcome:
    """``matrix-tools diff OLD NEW``: the change report in all its formats."""
    result = diff(old, new, include_cosmetic=include_cosmetic)
    iso = _iso(new, old)
    xlsx = work / "changes.xlsx"
    write_diff_xlsx(result, xlsx)
    html_name = download_name(iso, "changes", "html")
    downloads = (
        Download(download_name(iso, "changes", "xlsx"), XLSX, xlsx.read_bytes(),
                 "Change report for the consultation (Excel)"),
        Download(html_name, HTML, render_diff_html(result).encode("utf-8"), "Change report (web page, prints well)"),
        Download(download_name(iso, "changes", "md"), MARKDOWN, render_diff_md(result).encode("utf-8"),
                 "Change report (Markdown)"),
        Download(download_name(iso, "changes", "json"), JSON, render_diff_json(result).encode("utf-8"),
                 "Change report (JSON, for programs)"),
    )
    data = diff_to_dict(result)
    context = {
        # The CLI's sentence names its option; the page has a tick box for it.
        "sentence": summary_sentence(result).replace(
            "use --include-cosmetic to see them", 'tick "Also list edits of spacing..." to see them'),
        "summary": data["summary"],
        "state": result.new.state or result.old.state,
        "old_name": data["old"]["file"],
        "new_name": data["new"]["file"],
    }
    return JobOutcome(context, downloads, report=html_name)


def check(outcomes: Sequence[tuple[str, Matrix | MatrixToolsError]], work: Path) -> JobOutcome:
    """``matrix-tools validate FILE... --format json|junit --annotate``: findings by table."""
    results = [
        validate_matrix(item, path=name) if isinstance(item, Matrix) else unreadable_result(name, item)
        for name, item in outcomes
    ]
    downloads = [
        Download("validation.json", JSON, render_json(results).encode("utf-8"), "Findings (JSON, for programs)"),
        Download("validation-junit.xml", XML, render_junit(results).encode("utf-8"),
                 "Findings (JUnit XML, for CI dashboards)"),
    ]
    files = []
    for number, result in enumerate(results, start=1):
        annotated = None
        if result.matrix is not None:
            target = work / f"annotated-{number}.xlsx"
            write_annotated_workbook(target, result)
            name = download_name(result.iso3, "annotated", "xlsx", number=number if len(results) > 1 else None)
            downloads.append(Download(name, XLSX, target.read_bytes(),
                                      f"Annotated workbook of {result.path} (Excel)"))
            annotated = name
        catalogue = result.matrix.catalogue if result.matrix is not None else None
        files.append({
            "result": result,
            "annotated": annotated,
            "groups": [(_group_title(group, catalogue), findings) for group, findings in iter_groups(result)],
        })
    unreadable = any(r.error is not None for r in results)
    context = {"files": files, "summary": summary_counts(results)}
    # An unreadable file is the CLI's exit 3: the page still shows the others' findings.
    return JobOutcome(context, tuple(downloads), status=422 if unreadable else 200)


def merge(base: Matrix, ours: Matrix, theirs: Matrix, work: Path, *, prefer: str = "ours") -> JobOutcome:
    """``matrix-tools merge BASE OURS THEIRS -o merged.xlsx``: the agenda and the merged workbook."""
    result = merge_matrices(base, ours, theirs, prefer=prefer)  # type: ignore[arg-type]
    iso = _iso(theirs, ours, base)
    merged_name = download_name(iso, "merged", "xlsx")
    target = work / "merged.xlsx"
    result = write_merge_workbook(result, target)
    downloads = (
        Download(merged_name, XLSX, target.read_bytes(),
                 "Merged workbook with the conflict agenda (Excel)"),
        Download(download_name(iso, "merge-report", "json"), JSON,
                 render_merge_json(result, output=merged_name).encode("utf-8"), "Merge report (JSON)"),
        Download(download_name(iso, "merge-report", "txt"), TEXT,
                 render_merge_text(result, output=merged_name).encode("utf-8"), "Merge report (text)"),
    )
    report = merge_report(result, output=merged_name)
    context = {"report": report, "state": result.matrix.state.name, "merged_name": merged_name}
    return JobOutcome(context, downloads)


def resolve(merged: Path, shown_name: str, work: Path, *, isolate: bool = True) -> JobOutcome:
    """``matrix-tools resolve MERGED -o final.xlsx``: the final matrix and the record of decisions,
    or the conflicts still to decide (status 422 and nothing to download: the command's exit 1).

    The merged workbook is read (pre-flight, then the bounded reader) in an isolated child
    like every upload; ``shown_name`` replaces the private copy's path in every report.
    """

    if isolate:
        result = run_isolated(resolve_merged, merged, timeout=READ_TIMEOUT, memory_mb=READ_MEMORY_MB,
                              label=str(merged))
    else:
        result = resolve_merged(merged)
    iso = result.matrix.state.iso3
    final_name = download_name(iso, "final", "xlsx")
    final = work / "final.xlsx"
    if result.ok:
        write_final_workbook(result, final, inputs=[merged])
    result = replace(result, merged=shown_name)
    downloads: tuple[Download, ...] = ()
    if result.ok:
        downloads = (
            Download(final_name, XLSX, final.read_bytes(), "Final matrix (Excel)"),
            Download(download_name(iso, "decisions", "json"), JSON,
                     render_resolve_json(result, output=final_name).encode("utf-8"), "Record of decisions (JSON)"),
            Download(download_name(iso, "decisions", "txt"), TEXT,
                     render_resolve_text(result, output=final_name).encode("utf-8"), "Record of decisions (text)"),
        )
    context = {"report": resolve_report(result, output=final_name), "state": result.matrix.state.name,
               "merged_name": shown_name, "final_name": final_name}
    return JobOutcome(context, downloads, status=200 if result.ok else 422)


def history(timeline: History, work: Path) -> JobOutcome:
    """``matrix-tools registry history ISO -o FILE``: the State's timeline in every format; the
    HTML report is the one framed in the page."""

    iso = timeline.iso3
    html_name = download_name(iso, "history", "html")
    xlsx = work / "history.xlsx"
    write_history_xlsx(timeline, xlsx)
    xlsx_bytes = xlsx.read_bytes()
    downloads = (
        Download(download_name(iso, "history", "xlsx"), XLSX, xlsx_bytes, "History of the State's matrix (Excel)"),
        Download(html_name, HTML, render_history_html(timeline).encode("utf-8"), "History (web page, prints well)"),
        Download(download_name(iso, "history", "md"), MARKDOWN, render_history_md(timeline).encode("utf-8"),
                 "History (Markdown)"),
        Download(download_name(iso, "history", "json"), JSON, render_history_json(timeline).encode("utf-8"),
                 "History (JSON, for programs)"),
    )
    return JobOutcome(history_dict(timeline), downloads, report=html_name)
