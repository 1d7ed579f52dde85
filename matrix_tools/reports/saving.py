"""Save any result as the report a person reads, the format named by the file's extension.

    >>> import matrix_tools
    >>> result = matrix_tools.diff("testland-2013.xlsx", "testland-2024.xlsx")   # doctest: +SKIP
    >>> matrix_tools.save(result, "changes.xlsx")                                # doctest: +SKIP
    PosixPath('changes.xlsx')

The same renderers as the commands, so a file saved from Python is the file the command writes:
``diff -o``, ``merge -o`` / ``--report``, ``validate -o`` / ``--annotate``, ``consolidate -o``.
Writing is atomic and never over an input (``writing/output.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from matrix_tools.diffing.result import DiffResult
from matrix_tools.errors import OutputError
from matrix_tools.merging.result import MergeResult
from matrix_tools.model import Matrix
from matrix_tools.reports.annotate import write_annotated_workbook
from matrix_tools.reports.consolidated import write_consolidated
from matrix_tools.reports.diff_html import render_diff_html
from matrix_tools.reports.diff_json import render_diff_json
from matrix_tools.reports.diff_md import render_diff_md
from matrix_tools.reports.diff_text import render_diff_text
from matrix_tools.reports.diff_xlsx import write_diff_xlsx
from matrix_tools.reports.findings import render_json, render_junit, render_text
from matrix_tools.reports.merge import render_merge_json, render_merge_text, write_merge_workbook
from matrix_tools.validation.engine import ValidationResult
from matrix_tools.writing.output import write_text

_DIFF_TEXT: Mapping[str, Callable[[DiffResult], str]] = {
    ".txt": render_diff_text, ".json": render_diff_json, ".md": render_diff_md, ".html": render_diff_html,
}
_VALIDATION_TEXT: Mapping[str, Callable[[Sequence[ValidationResult]], str]] = {
    ".txt": render_text, ".json": render_json, ".xml": render_junit,
}
_MERGE_TEXT: Mapping[str, Callable[..., str]] = {".txt": render_merge_text, ".json": render_merge_json}


def save(result: Any, path: str | Path) -> Path:
    """Write ``result`` (of ``diff``, ``merge``, ``validate`` or ``consolidate``) to ``path``.

    Formats by extension: a diff -> .xlsx .html .md .json .txt; a merge -> .xlsx (the merged
    workbook with its Conflicts sheet) or its report as .json .txt; a validation (one result or
    a list) -> .txt .json .xml (JUnit), or .xlsx (the annotated copy of the workbook); a
    consolidation (a pandas DataFrame) -> .xlsx .csv .parquet. Another extension is an
    ``OutputError`` naming the ones that work. Returns the path written.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if isinstance(result, DiffResult):
        if suffix == ".xlsx":
            return write_diff_xlsx(result, out, inputs=_sources(result.old_matrix, result.new_matrix))
        return _write(out, _DIFF_TEXT, suffix, result, "a diff", ".xlsx")
    if isinstance(result, MergeResult):
        if suffix == ".xlsx":
            write_merge_workbook(result, out)
            return out
        return _write(out, _MERGE_TEXT, suffix, result, "a merge", ".xlsx")
    if isinstance(result, ValidationResult) or (
        isinstance(result, Sequence) and result and all(isinstance(r, ValidationResult) for r in result)
    ):
        results = [result] if isinstance(result, ValidationResult) else list(result)
        if suffix == ".xlsx":
            if len(results) != 1:
                raise OutputError(f"cannot write {out}: an annotated workbook holds one validated file, not {len(results)}")
            return write_annotated_workbook(out, results[0])
        return _write(out, _VALIDATION_TEXT, suffix, results, "a validation", ".xlsx")
    if type(result).__name__ == "DataFrame":  # consolidate(): no need to import pandas to know
        return write_consolidated(result, out)
    raise OutputError(
        f"cannot save a {type(result).__name__}: save takes the result of diff, merge, validate or consolidate"
    )


def _write(out: Path, renderers: Mapping[str, Callable[..., str]], suffix: str, result: Any, what: str, *more: str) -> Path:
    renderer = renderers.get(suffix)
    if renderer is None:
        formats = ", ".join([*more, *renderers])
        raise OutputError(f"cannot write {out}: {what} is saved as {formats} (name the file with one of these)")
    return write_text(out, renderer(result))


def _sources(*matrices: Matrix | None) -> list[str]:
    return [m.source.path for m in matrices if m is not None and m.source is not None]
