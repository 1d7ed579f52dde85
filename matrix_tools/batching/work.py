"""The work of a batch run done in child processes: read, validate, diff, write reports.

``iter_processed`` runs a worker (``process_file``) over chunks of files in isolated children
(``isolation.iter_isolated``): one child per chunk keeps imports and the catalogue warm, and a
chunk whose child crashed, ran out of memory or time is run again one file per child, so only
the file at fault is reported. Children write each State's reports into a staging folder and
send back only small results, as frozen dataclasses (``Outcome`` holding a ``Checked`` or an
``Identified``, or a ``FileError``); ``run.py`` moves the reports into place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matrix_tools.batching.isolation import DEFAULT_MEMORY_MB as ISOLATION_MEMORY_MB
from matrix_tools.batching.isolation import iter_isolated
from matrix_tools.diffing.engine import compare_matrices
from matrix_tools.errors import InputError, OutputError
from matrix_tools.model import Catalogue
from matrix_tools.reading.parse import load_matrix
from matrix_tools.reports.diff_json import render_diff_json
from matrix_tools.reports.diff_md import render_diff_md
from matrix_tools.reports.diff_xlsx import write_diff_xlsx
from matrix_tools.reports.findings import render_json, render_junit, render_text
from matrix_tools.safety import one_line
from matrix_tools.validation.engine import validate_matrix
from matrix_tools.validation.findings import Severity
from matrix_tools.writing.output import output_error, write_text

REPORT_NAMES = {
    "validation_json": "validation.json",
    "validation_text": "validation.txt",
    "changes_json": "changes.json",
    "changes_md": "changes.md",
    "changes_xlsx": "changes.xlsx",
}


@dataclass(frozen=True)
class WorkContext:
    """What every worker needs, set once per worker (inherited on fork, pickled on spawn)."""

    catalogue: Catalogue
    config: Any  # matrix_tools.validation.config.Config
    threshold: Severity
    baselines: Mapping[str, str]  # ISO code -> baseline path
    staging: str | None = None  # folder where children write the per-State reports (None: no reports)


@dataclass(frozen=True)
class FileError:
    """Why a file was not processed: a stable code and a one-line message for the sender."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Identified:
    """Whose a baseline workbook is (``identify_file``)."""

    iso3: str
    state: str


@dataclass(frozen=True)
class Checked:
    """What ``process_file`` learned about one submission, small enough to cross the process boundary."""

    state: str
    iso3: str
    counts: Mapping[str, int]
    dates: Mapping[str, tuple[str, ...]]  # header dates, ISO format
    junit: str  # the file's JUnit testsuite
    reports: Mapping[str, str] = field(default_factory=dict)  # kind -> staged path
    notes: tuple[str, ...] = ()
    changes: Mapping[str, Any] | None = None  # counts of the diff against the baseline
    baseline_sha256: str = ""  # of the baseline as read, when compared
    # the hash and size of the bytes actually read (load_matrix refuses a file that changed meanwhile)
    sha256: str = ""
    size: int = 0


@dataclass(frozen=True)
class Outcome:
    """One file's result from a child: what the worker returned, or the error; and the time taken."""

    result: Checked | Identified | None = None
    error: FileError | None = None
    seconds: float = 0.0
    output_error: FileError | None = None  # the output folder's fault (disk full): stops the run


def identify_file(path: str, ctx: WorkContext) -> Identified:
    """Read a baseline workbook only to learn whose it is."""

    matrix = load_matrix(path, catalogue=ctx.catalogue)
    return Identified(iso3=matrix.state.iso3, state=matrix.state.name)


def process_file(path: str, ctx: WorkContext) -> Checked:
    """Read, validate and (with a baseline) diff one submission.

    The per-State reports are written by the child itself into ``ctx.staging`` (the parent
    moves them into place, or drops them for a refused duplicate), so only small results cross
    the process boundary: counts, dates, the junit fragment, and the staged report paths.
    InputError (an unreadable file) propagates to the caller.
    """

    matrix = load_matrix(path, catalogue=ctx.catalogue)
    result = validate_matrix(matrix, config=ctx.config, path=path)
    stage = _stage_dir(path, ctx)
    reports: dict[str, str] = {}
    notes: list[str] = []
    if stage is not None:
        for kind, text in (("validation_json", render_json([result], threshold=ctx.threshold)),
                           ("validation_text", render_text([result], threshold=ctx.threshold))):
            reports[kind] = str(write_text(stage / REPORT_NAMES[kind], text))
    checked = Checked(state=matrix.state.name, iso3=matrix.state.iso3, counts=dict(result.counts),
                      dates=_dates(matrix), junit=render_junit([result], threshold=ctx.threshold),
                      sha256=matrix.source.sha256 if matrix.source else "",
                      size=matrix.source.size if matrix.source else 0)
    baseline = ctx.baselines.get(matrix.state.iso3) if matrix.state.iso3 else None
    if baseline is not None:
        try:
            changes, baseline_sha256, diff_reports = _changes(baseline, matrix, ctx, stage)
        except InputError as exc:
            notes.append(f"the baseline {Path(baseline).name} could not be read, so no change report: "
                         f"{exc.message}")
        else:
            reports.update(diff_reports)
            checked = dataclasses.replace(checked, changes=changes, baseline_sha256=baseline_sha256)
    return dataclasses.replace(checked, reports=reports, notes=tuple(notes))


def _stage_dir(path: str, ctx: WorkContext) -> Path | None:
    """This file's private folder for its reports inside the run's staging folder (None: no reports)."""
    if ctx.staging is None:
        return None
    folder = Path(ctx.staging) / hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # the output folder's fault (disk full), not the file's
        raise output_error(folder, exc) from None
    return folder


def _dates(matrix: Any) -> dict[str, tuple[str, ...]]:
    header = matrix.header
    out: dict[str, tuple[str, ...]] = {}
    for key in ("date_of_report", "dates_of_additional_reports", "date_of_committee_approval"):
        item = header.get(key)
        out[key] = tuple(d.isoformat() for d in item.dates) if item is not None else ()
    return out


def _changes(baseline: str, matrix: Any, ctx: WorkContext,
             stage: Path | None) -> tuple[dict[str, Any], str, dict[str, str]]:
    """The diff against the baseline: its counts, the baseline's hash, and the staged reports."""
    old = load_matrix(baseline, catalogue=ctx.catalogue)
    result = compare_matrices(old, matrix)
    summary = result.summary()
    reports: dict[str, str] = {}
    if stage is not None:
        reports["changes_json"] = str(write_text(stage / REPORT_NAMES["changes_json"], render_diff_json(result)))
        reports["changes_md"] = str(write_text(stage / REPORT_NAMES["changes_md"], render_diff_md(result)))
        if not summary["identical"]:
            # The slowest report (the whole new matrix, highlighted): only when something changed.
            reports["changes_xlsx"] = str(write_diff_xlsx(result, stage / REPORT_NAMES["changes_xlsx"]))
    changes = {
        "changes": summary["changes"], "by_kind": summary["by_kind"], "concerns": summary["concerns"],
        "header_changes": summary["header_changes"], "cosmetic": summary["cosmetic"],
        "total": summary["total"], "has_differences": summary["has_differences"],
    }
    return changes, old.source.sha256 if old.source else "", reports


# --- running in isolated children -----------------------------------------------------------


Worker = Callable[[str, WorkContext], Any]  # returns Checked (process_file) or Identified


# Imported once by multiprocessing's fork server, so every child starts with them loaded
# (~0.2 s less per child; measured 10-20% of a 193-file batch on 2 CPUs). ImportErrors there
# are ignored by multiprocessing, and the setting only matters before the server starts.
PRELOAD = ("matrix_tools.batching.work", "matrix_tools.reading.parse", "matrix_tools.validation.engine", "matrix_tools.reports.findings",
           "matrix_tools.validation.rules.schema", "jsonschema", "python_calamine")


def _preload_children() -> None:
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.get_context("forkserver").set_forkserver_preload(list(PRELOAD))


def process_chunk(worker: Worker, paths: tuple[str, ...], ctx: WorkContext) -> list[Outcome]:
    """Run ``worker`` on several files in one child (warm imports, catalogue unpickled once).

    Each file gives an Outcome: the worker's result, or the error with its code (a file the
    reader refuses does not stop the chunk). A crash, timeout or memory exhaustion ends the
    child; the caller then runs that chunk's files one per child to find the culprit.
    """
    out: list[Outcome] = []
    for path in paths:
        start = time.perf_counter()
        result, error = None, None
        try:
            result = worker(path, ctx)
        except InputError as exc:
            error = FileError(exc.code, exc.message)
        except OutputError as exc:
            # The output folder's fault (disk full, read-only), not the file's: the parent
            # stops the run with this one line instead of blaming every submission.
            out.append(Outcome(output_error=FileError(exc.code, exc.message), seconds=time.perf_counter() - start))
            continue
        except MemoryError:
            raise  # the whole child is suspect: isolation reports it, the chunk is split
        except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the others
            text = one_line(str(exc), width=300, squeeze=True)
            error = FileError("processing-failed", f"matrix-tools failed on this file ({type(exc).__name__}: {text}); "
                                                   "please report it with the file")
        out.append(Outcome(result, error, time.perf_counter() - start))
    return out


def iter_processed(worker: Worker, paths: list[str], ctx: WorkContext, *, jobs: int, timeout: float,
                   memory_mb: int | None, chunk_size: int | None = None) -> Iterable[tuple[str, Outcome]]:
    """``(path, outcome)`` for every path, read in isolated children, a chunk of files per child.

    Chunks keep children warm (one start-up and one catalogue per chunk instead of per file);
    a chunk whose child crashed, timed out or ran out of memory is run again one file per
    child, so only the file at fault is reported. Outcomes come in the order of ``paths``.
    """

    if not paths:
        return
    _preload_children()
    size = chunk_size or max(1, min(64, -(-len(paths) // (jobs * 3))))
    chunks = [tuple(paths[i:i + size]) for i in range(0, len(paths), size)]
    memory = memory_mb or ISOLATION_MEMORY_MB
    items = [(worker, files, ctx) for files in chunks]
    # A chunk of real matrices takes seconds; one that reaches the per-file limit is run again
    # file by file (each with the full limit), so a hanging file costs at most two limits.
    for (_w, chunk, _c), outcome in iter_isolated(process_chunk, items, jobs=jobs, timeout=timeout,
                                                  memory_mb=memory, label=lambda item: Path(item[1][0]).name):
        if isinstance(outcome, list):
            yield from zip(chunk, outcome, strict=True)
            continue
        if len(chunk) == 1:
            yield chunk[0], _failure(outcome, chunk[0])
            continue
        singles = [(worker, (path,), ctx) for path in chunk]
        for (_w, (path,), _c), single in iter_isolated(process_chunk, singles, jobs=jobs, timeout=timeout,
                                                       memory_mb=memory, label=lambda item: Path(item[1][0]).name):
            yield path, single[0] if isinstance(single, list) else _failure(single, path)


def _failure(exc: BaseException, path: str) -> Outcome:
    code = getattr(exc, "code", "processing-failed")
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    prefix = f"{Path(path).name}: "
    if message.startswith(prefix):
        message = message[len(prefix):]
    return Outcome(error=FileError(code, message))


