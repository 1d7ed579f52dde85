"""The work of a batch run done in child processes: read, validate, diff, write reports.

``iter_processed`` runs a worker (``process_file``) over chunks of files in isolated children
(``isolation.iter_isolated``): one child per chunk keeps imports and the catalogue warm, and a
chunk whose child crashed, ran out of memory or time is run again one file per child, so only
the file at fault is reported. Children write each State's reports into a staging folder and
send back only small results; ``batch.py`` moves the reports into place.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
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


def identify_file(path: str, ctx: WorkContext) -> dict[str, Any]:
    """Read a baseline workbook only to learn whose it is."""

    matrix = load_matrix(path, catalogue=ctx.catalogue)
    return {"iso3": matrix.state.iso3, "state": matrix.state.name}


def process_file(path: str, ctx: WorkContext) -> dict[str, Any]:
    """Read, validate and (with a baseline) diff one submission.

    The per-State reports are written by the child itself into ``ctx.staging`` (the parent
    moves them into place, or drops them for a refused duplicate), so only small results cross
    the process boundary: counts, dates, the junit fragment, and the staged report paths.
    InputError (an unreadable file) propagates to the caller.
    """

    matrix = load_matrix(path, catalogue=ctx.catalogue)
    result = validate_matrix(matrix, config=ctx.config, path=path)
    stage = _stage_dir(path, ctx)
    out: dict[str, Any] = {
        "state": matrix.state.name,
        "iso3": matrix.state.iso3,
        "counts": result.counts,
        "dates": _dates(matrix),
        "reports": {},
        "junit": render_junit([result], threshold=ctx.threshold),
        "notes": [],
        # the hash of the bytes actually read (load_matrix refuses a file that changed meanwhile)
        "sha256": matrix.source.sha256 if matrix.source else "",
        "size": matrix.source.size if matrix.source else 0,
    }
    if stage is not None:
        for kind, text in (("validation_json", render_json([result], threshold=ctx.threshold)),
                           ("validation_text", render_text([result], threshold=ctx.threshold))):
            out["reports"][kind] = str(write_text(stage / REPORT_NAMES[kind], text))
    baseline = ctx.baselines.get(matrix.state.iso3) if matrix.state.iso3 else None
    if baseline is not None:
        try:
            changes = _changes(baseline, matrix, ctx, stage)
        except InputError as exc:
            out["notes"].append(f"the baseline {Path(baseline).name} could not be read, so no change report: "
                                f"{exc.message}")
        else:
            out["reports"].update(changes.pop("reports"))
            out.update(changes)
    return out


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


def _dates(matrix: Any) -> dict[str, Any]:
    header = matrix.header
    out: dict[str, Any] = {}
    for key in ("date_of_report", "dates_of_additional_reports", "date_of_committee_approval"):
        item = header.get(key)
        out[key] = [d.isoformat() for d in item.dates] if item is not None else []
    return out


def _changes(baseline: str, matrix: Any, ctx: WorkContext, stage: Path | None) -> dict[str, Any]:
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
    return {
        "changes": {
            "changes": summary["changes"], "by_kind": summary["by_kind"], "concerns": summary["concerns"],
            "header_changes": summary["header_changes"], "cosmetic": summary["cosmetic"],
            "has_differences": summary["has_differences"],
        },
        "baseline_sha256": old.source.sha256 if old.source else "",
        "reports": reports,
    }


# --- running in isolated children -----------------------------------------------------------


Worker = Callable[[str, WorkContext], dict[str, Any]]


def _rebuild_mappingproxy(data: dict[Any, Any]) -> Any:
    from types import MappingProxyType

    return MappingProxyType(data)


def _reduce_mappingproxy(proxy: Any) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _rebuild_mappingproxy, (dict(proxy),)


# Imported once by multiprocessing's fork server, so every child starts with them loaded
# (~0.2 s less per child; measured 10-20% of a 193-file batch on 2 CPUs). ImportErrors there
# are ignored by multiprocessing, and the setting only matters before the server starts.
PRELOAD = ("matrix_tools.batching.work", "matrix_tools.reading.parse", "matrix_tools.validation.engine", "matrix_tools.reports.findings",
           "matrix_tools.validation.rules.schema", "jsonschema", "python_calamine")


def _preload_children() -> None:
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.get_context("forkserver").set_forkserver_preload(list(PRELOAD))


def _allow_sending_model() -> None:
    """Let multiprocessing send the catalogue and config to children (they hold mappingproxy).

    Registered on multiprocessing's own pickler only, not on ``copyreg`` for the whole process.
    """
    from multiprocessing.reduction import ForkingPickler
    from types import MappingProxyType

    ForkingPickler.register(MappingProxyType, _reduce_mappingproxy)


def process_chunk(worker: Worker, paths: tuple[str, ...], ctx: WorkContext) -> list[dict[str, Any]]:
    """Run ``worker`` on several files in one child (warm imports, catalogue unpickled once).

    Each file gives ``{"ok": result}`` or ``{"error": {"code", "message"}}``, plus ``seconds``:
    a file the reader refuses does not stop the chunk. A crash, timeout or memory exhaustion
    ends the child; the caller then runs that chunk's files one per child to find the culprit.
    """
    out: list[dict[str, Any]] = []
    for path in paths:
        start = time.perf_counter()
        item: dict[str, Any]
        try:
            item = {"ok": worker(path, ctx)}
        except InputError as exc:
            item = {"error": {"code": exc.code, "message": exc.message}}
        except OutputError as exc:
            # The output folder's fault (disk full, read-only), not the file's: the parent
            # stops the run with this one line instead of blaming every submission.
            item = {"output_error": {"code": exc.code, "message": exc.message}}
        except MemoryError:
            raise  # the whole child is suspect: isolation reports it, the chunk is split
        except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the others
            text = one_line(str(exc), width=300, squeeze=True)
            item = {"error": {"code": "processing-failed",
                              "message": f"matrix-tools failed on this file ({type(exc).__name__}: {text}); "
                                         "please report it with the file"}}
        item["seconds"] = time.perf_counter() - start
        out.append(item)
    return out


def iter_processed(worker: Worker, paths: list[str], ctx: WorkContext, *, jobs: int, timeout: float,
                   memory_mb: int | None, chunk_size: int | None = None) -> Iterable[tuple[str, dict[str, Any]]]:
    """``(path, outcome)`` for every path, read in isolated children, a chunk of files per child.

    Chunks keep children warm (one start-up and one catalogue per chunk instead of per file);
    a chunk whose child crashed, timed out or ran out of memory is run again one file per
    child, so only the file at fault is reported. Outcomes come in the order of ``paths``.
    """

    if not paths:
        return
    _allow_sending_model()
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


def _failure(exc: BaseException, path: str) -> dict[str, Any]:
    code = getattr(exc, "code", "processing-failed")
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    prefix = f"{Path(path).name}: "
    if message.startswith(prefix):
        message = message[len(prefix):]
    return {"error": {"code": code, "message": message}, "seconds": 0.0}


