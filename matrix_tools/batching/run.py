"""Validate a folder of State submissions unattended (``matrix-tools batch``), with a summary.

    >>> result = batch("incoming/", baseline="approved/", output="reports/")   # doctest: +SKIP
    >>> result.exit_code, result.summary["states"]                             # doctest: +SKIP
    (1, 193)

The run, step by step:

1. list the folder (``submissions.scan_folder``): every file is read, whatever its name, so a
   legacy .xls, an .ods or a PDF sent instead of the workbook is refused with its code and
   advice; only Excel's ``~$`` lock files, hidden dot-files, the tool's own files and
   sub-folders are skipped, each with its reason in the summary;
2. with a baseline folder, identify each approved matrix by its ISO code (cached by content
   hash in ``OUTDIR/state.json``, so an unchanged baseline is read once);
3. read, validate and (with a baseline) diff every submission in warm child processes, each
   with a memory limit and a per-file time limit (``batch_work.py``, ``isolation.py``): a file that crashes or
   exhausts the reader is reported and the run goes on;
4. refuse two files claiming one State (both are reported, neither is used);
5. write the per-State reports as they arrive, then ``summary.json``, ``summary.xlsx``,
   ``junit.xml`` and ``state.json``, each atomically (``output.py``).

Incremental: a file whose content hash, baseline and settings are unchanged since the last
run into the same OUTDIR is not read again (``full=True`` reads everything); its earlier
result is reused and marked ``"reused": true``.

Exit code (the worst wins, 3 > 1 > 0): 3 when any file could not be processed (unreadable,
unsafe, crashed the reader, or refused as a second file for one State); else 1 when any State
has a finding at or above ``fail_on``; else 0.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matrix_tools.batching.folders import ReportWriter, refuse_duplicates
from matrix_tools.batching.isolation import default_jobs
from matrix_tools.batching.lock import locked_output
from matrix_tools.batching.state import (
    STATE_FILE,
    STATE_FORMAT,
    STATUSES,
    FileRecord,
    StateEntry,
    fingerprint,
    previous_records,
    read_state,
    record_outcome,
    still_valid,
    tool_version,
)
from matrix_tools.batching.work import (
    Checked,
    Identified,
    Outcome,
    WorkContext,
    Worker,
    identify_file,
    iter_processed,
    process_file,
)
from matrix_tools.catalogue import load_catalogue
from matrix_tools.errors import EXIT_DATA, EXIT_INPUT, EXIT_OK, InputError, OutputError
from matrix_tools.identity import DuplicateStateError
from matrix_tools.model import Catalogue
from matrix_tools.reports.batch import (
    render_junit_document,
    render_summary_json,
    write_summary_xlsx,
)
from matrix_tools.reports.findings import render_junit
from matrix_tools.safety import safe_json_dumps
from matrix_tools.submissions import check_input_folder, read_sha256, require_files, scan_folder
from matrix_tools.validation.config import DEFAULT_CONFIG, Config, read_config
from matrix_tools.validation.engine import unreadable_result
from matrix_tools.validation.findings import Severity
from matrix_tools.writing.output import output_error, write_text

DEFAULT_TIMEOUT = 120.0  # seconds per file; a real matrix takes well under one
DEFAULT_MEMORY_MB = 2048  # address space per worker (RLIMIT_AS); a real matrix needs ~100 MB
# Failures that may depend on the machine (load, memory) rather than the file: tried again.

Progress = Callable[[int, int, "StateEntry"], None]


@dataclass(frozen=True)
class BatchResult:
    """What a batch run found and wrote."""

    folder: str
    entries: tuple[StateEntry, ...]
    skipped: tuple[Mapping[str, str], ...]  # {"file", "code", "reason"}
    summary: Mapping[str, Any]
    document: Mapping[str, Any]  # the summary.json content
    junit: str
    output: str | None
    written: tuple[str, ...]

    @property
    def exit_code(self) -> int:
        return int(self.summary["exit_code"])

    def __repr__(self) -> str:
        """One line for the prompt: the folder, how many files, the exit code (not every entry)."""
        return (
            f"<BatchResult {self.folder!r}: {len(self.entries)} files processed, "
            f"{len(self.skipped)} skipped, exit code {self.exit_code}>"
        )

    def to_dict(self) -> dict[str, Any]:
        """The run as ``summary.json`` holds it (schemas/batch.schema.json)."""
        return dict(self.document)


# --- the run ------------------------------------------------------------------------------


@locked_output(lambda output, source, base_dir: _output_dir(output, source, base_dir))  # one run per OUTDIR
def batch(
    folder: str | Path,
    *,
    baseline: str | Path | None = None,
    output: str | Path | None = None,
    jobs: int | None = None,
    full: bool = False,
    config: Any = None,
    catalogue: Catalogue | str | Path | None = None,
    progress: Progress | None = None,
    fail_on: Severity | str = Severity.ERROR,
    junit: str | Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    worker: Worker = process_file,
) -> BatchResult:
    """Validate every workbook in ``folder`` and write the reports into ``output`` (if given).

    ``config`` is a Config or the path of a configuration file (default: the built-in settings;
    a ``matrix-tools.json`` inside ``folder`` is never used: submissions do not choose the
    checks). ``jobs`` child processes at a time (default: the CPUs, at most 8). With ``output``,
    the output folder is locked for the run (``OutputError`` "output-locked" for a second run).
    Raises InputError when the folder does not exist, UsageError when it is a file or holds
    nothing to read; everything about single files is in the result. ``worker`` replaces the
    per-file work (tests use it to simulate a crash).
    """

    started = time.time()
    source = check_input_folder(folder, what="the folder of submissions")
    base_dir = check_input_folder(baseline, what="the baseline folder") if baseline is not None else None
    threshold = Severity(fail_on)
    cfg = _config(config)
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    out_dir = _output_dir(output, source, base_dir)
    previous = read_state(out_dir) if out_dir is not None and not full else {}
    settings = fingerprint(cat, cfg, threshold)
    if previous.get("fingerprint") != settings:
        previous = {}

    workers = max(1, jobs or default_jobs())
    inbox = scan_folder(source, ignore=[p for p in (out_dir, junit) if p is not None])
    # An empty inbox is more often a wrong folder than a quiet week: say so, do not pass.
    files = list(require_files(inbox, [source]))
    skipped = [s.as_dict() for s in inbox.skipped]
    hashes = {p.name: _hash(p) for p in files}

    # Baselines: whose is each approved matrix (cached by content hash).
    base_map, base_info, base_notes = _identify_baselines(base_dir, previous, cat, cfg, threshold, workers,
                                                          timeout, memory_mb, out_dir)
    staging = _new_staging(out_dir)
    ctx = WorkContext(cat, cfg, threshold, {iso: str(p) for iso, p in base_map.items()},
                      staging=str(staging) if staging is not None else None)

    # Reuse what has not changed.
    old_files = previous_records(previous)
    records: dict[str, FileRecord] = {}
    to_read: list[Path] = []
    for path in files:
        sha, _size = hashes[path.name]
        prior = old_files.get(path.name)
        if prior is not None and sha and prior.entry.sha256 == sha and still_valid(prior, ctx.baselines, base_info,
                                                                                   out_dir):
            records[path.name] = prior
        else:
            to_read.append(path)

    writer = ReportWriter(out_dir, [source, *( [base_dir] if base_dir else [])])
    total = len(files)
    done = 0
    for _name, record in sorted(records.items()):
        done += 1
        writer.claim(record.entry)
        if progress is not None:
            progress(done, total, record.entry)
    try:
        for name, outcome in iter_processed(worker, [str(p) for p in to_read], ctx, jobs=workers,
                                            timeout=timeout, memory_mb=memory_mb):
            p = Path(name)
            sha, size = _what_was_read(outcome, hashes[p.name])
            record = record_outcome(p, sha, size, outcome, base_info, ctx)
            entry = writer.write(record.entry, outcome)
            record = FileRecord(entry, record.junit)
            records[p.name] = record
            done += 1
            if progress is not None:
                progress(done, total, entry)
    finally:
        if staging is not None:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)  # reports of refused or interrupted files

    entries = refuse_duplicates([r.entry for _name, r in sorted(records.items())], writer)
    entries.sort(key=lambda e: (e.key.casefold(), e.file))
    writer.prune(entries)
    junit_text = _junit(entries, records, skipped, threshold)
    summary = _summary(entries, skipped, threshold)
    finished = time.time()
    document = {
        "matrix_tools": tool_version(),
        "run": {
            "folder": str(source), "baseline": str(base_dir) if base_dir else None,
            "output": str(out_dir) if out_dir else None,
            "started": _iso(started), "finished": _iso(finished), "seconds": round(finished - started, 3),
            "jobs": workers, "full": full, "fail_on": threshold.value,
            "catalogue": {"id": cat.id, "version": cat.version},
            "read": len(to_read), "reused": len(files) - len(to_read),
        },
        "summary": summary,
        "states": [e.as_dict() for e in entries],
        "skipped": skipped,
        "baseline_notes": base_notes,
    }
    written: list[str] = list(writer.written)
    if out_dir is not None:
        inputs = writer.inputs
        written.append(str(write_text(out_dir / "summary.json", render_summary_json(document), inputs)))
        written.append(str(write_summary_xlsx(document, out_dir / "summary.xlsx", inputs=inputs)))
        written.append(str(write_text(out_dir / "junit.xml", junit_text, inputs)))
        state = {"format": STATE_FORMAT, "fingerprint": settings,
                 "files": {name: r.as_dict() for name, r in records.items()}, "baselines": base_info}
        written.append(str(write_text(out_dir / STATE_FILE, safe_json_dumps(state),
                                      inputs)))
    if junit is not None:
        written.append(str(write_text(junit, junit_text, writer.inputs)))
    return BatchResult(str(source), tuple(entries), tuple(skipped), summary, document, junit_text,
                       str(out_dir) if out_dir else None, tuple(written))


def _what_was_read(outcome: Outcome, listed: tuple[str, int]) -> tuple[str, int]:
    """The hash and size a result is stored under: of the bytes the worker read, not of what
    the folder held when the run began (a file replaced meanwhile). An output fault (disk full)
    in a worker stops the run here, with its one line, instead of blaming the file."""
    if outcome.output_error is not None:
        raise OutputError(outcome.output_error.message, code=outcome.output_error.code)
    read = outcome.result
    return (read.sha256, read.size) if isinstance(read, Checked) and read.sha256 else listed


def _config(config: Any) -> Any:
    if isinstance(config, Config):
        return config
    if config is not None:
        return read_config(config)
    # Settings come from the operator, never from the folder of submissions: a
    # matrix-tools.json dropped into the inbox must not switch checks off for everyone.
    return DEFAULT_CONFIG


STAGING_PREFIX = ".staging-"


def _new_staging(out_dir: Path | None) -> Path | None:
    """A fresh staging folder in OUTDIR for the children's reports (earlier, interrupted ones removed)."""
    import shutil
    import tempfile

    if out_dir is None:
        return None
    for old in out_dir.glob(STAGING_PREFIX + "*"):  # ours: the output folder is locked
        shutil.rmtree(old, ignore_errors=True)
    try:
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as exc:
        raise output_error(out_dir, exc) from None


def _output_dir(output: str | Path | None, source: Path, base_dir: Path | None) -> Path | None:
    if output is None:
        return None
    out = Path(output)
    for folder in (source, base_dir):
        if folder is not None and out.resolve() == folder.resolve():
            raise OutputError(f"refusing to write the reports into {output}: it is an input folder; "
                              "choose another output folder", path=output)
    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot write the reports into {output}: it is a file, not a folder", path=output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {output}: {exc.strerror}", path=output) from None
    return out


def _identify_baselines(
    base_dir: Path | None, previous: Mapping[str, Any], cat: Catalogue, cfg: Any, threshold: Severity,
    workers: int, timeout: float, memory_mb: int | None, out_dir: Path | None,
) -> tuple[dict[str, Path], dict[str, Any], list[str]]:
    """ISO code -> baseline file, the info recorded in state.json, and notes for the summary."""
    if base_dir is None:
        return {}, {}, []
    files = scan_folder(base_dir, ignore=[out_dir] if out_dir is not None else []).files
    known: Mapping[str, Any] = previous.get("baselines", {})
    info: dict[str, Any] = {}
    unknown: list[Path] = []
    for path in files:
        sha, _size = _hash(path)
        prior = known.get(path.name)
        if prior is not None and prior.get("sha256") == sha and sha:
            info[path.name] = dict(prior)
        else:
            info[path.name] = {"sha256": sha, "iso3": "", "state": "", "error": None}
            unknown.append(path)
    ctx = WorkContext(cat, cfg, threshold, {})
    for done, outcome in iter_processed(identify_file, [str(p) for p in unknown], ctx, jobs=workers,
                                        timeout=timeout, memory_mb=memory_mb):
        name = Path(done).name
        if outcome.error is not None:
            info[name]["error"] = outcome.error.as_dict()
        elif isinstance(outcome.result, Identified):
            info[name].update(iso3=outcome.result.iso3, state=outcome.result.state)
    notes: list[str] = []
    by_iso: dict[str, list[str]] = {}
    for name, item in sorted(info.items()):
        if item.get("error"):
            notes.append(f"baseline {name} could not be read: {item['error']['message']}")
        elif not item.get("iso3"):
            notes.append(f"baseline {name} names no ISO code on its About sheet, so it matches no State")
        else:
            by_iso.setdefault(item["iso3"], []).append(name)
    chosen: dict[str, Path] = {}
    for iso, names in by_iso.items():
        if len(names) > 1:
            notes.append(f"the baseline folder has {len(names)} files for {iso} ({', '.join(names)}); "
                         f"no change report for {iso} until only one is left")
            for name in names:
                info[name]["ambiguous"] = True
        else:
            chosen[iso] = base_dir / names[0]
    return chosen, info, notes


def _junit(entries: list[StateEntry], records: Mapping[str, FileRecord], skipped: list[dict[str, str]],
           threshold: Severity) -> str:
    """One JUnit document: each file's testsuite as validation rendered it; refusals as errors;
    skipped entries as skipped test cases, so every file of the folder is accounted for."""

    fragments = []
    for entry in entries:
        if entry.status == "duplicate" and entry.error is not None:
            exc = InputError(entry.error["message"], code=DuplicateStateError.code)
            fragments.append(render_junit([unreadable_result(entry.path, exc)], threshold=threshold))
        else:
            fragments.append(records[entry.file].junit)
    return render_junit_document(fragments, skipped=skipped)


def _summary(entries: list[StateEntry], skipped: list[dict[str, str]], threshold: Severity) -> dict[str, Any]:
    statuses = {s: sum(1 for e in entries if e.status == s) for s in STATUSES}
    counted = [e for e in entries if e.status in ("ok", "warnings", "errors")]
    totals = {sev: sum(e.counts.get(sev, 0) for e in counted) for sev in ("error", "warning", "info")}
    failing = [e for e in counted
               if any(e.counts.get(sev.value, 0) for sev in Severity if sev.at_least(threshold))]
    not_processed = statuses["unreadable"] + statuses["duplicate"]
    exit_code = EXIT_INPUT if not_processed else EXIT_DATA if failing else EXIT_OK
    return {
        "files": len(entries),
        "states": len({e.key for e in entries}),
        **statuses,
        **totals,
        "skipped": len(skipped),
        "reused": sum(1 for e in entries if e.reused),
        "changed_since_baseline": sum(1 for e in entries if e.changes and e.changes.get("has_differences")),
        "compared_with_baseline": sum(1 for e in entries if e.changes is not None),
        "fail_on": threshold.value,
        "failed": bool(failing or not_processed),
        "exit_code": exit_code,
    }


def _hash(path: Path) -> tuple[str, int]:
    """Content hash and size; a file that cannot be opened gives an empty hash (the reader then
    reports why it cannot be read)."""
    try:
        return read_sha256(path)
    except OSError:
        return "", 0


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).isoformat(timespec="seconds")


__all__ = ["BatchResult", "StateEntry", "batch"]
