"""What a batch run remembers between runs (``OUTDIR/state.json``) and its per-file entries.

A StateEntry is one submitted file in the summary; ``record_outcome`` turns what a worker
returned (an ``Outcome``) into a FileRecord (the entry and its JUnit fragment), kept as
dataclasses through the run and turned into dicts only for state.json and summary.json, so
an unchanged file is not read again next time (``still_valid``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matrix_tools import __version__
from matrix_tools.batching.work import Checked, FileError, Outcome, WorkContext
from matrix_tools.errors import InputError
from matrix_tools.identity import state_key
from matrix_tools.model import Catalogue
from matrix_tools.reports.findings import render_junit
from matrix_tools.validation.engine import unreadable_result
from matrix_tools.validation.findings import Severity

STATE_FILE = "state.json"


STATE_FORMAT = 1


STATUSES = ("ok", "warnings", "errors", "unreadable", "duplicate")


TRANSIENT_ERRORS = frozenset({"reader-crashed", "reader-timeout", "reader-out-of-memory", "processing-failed",
                              "input-changed"})  # a file still being copied: read it again next time


@dataclass(frozen=True)
class StateEntry:
    """One submitted file in the summary: its State, status, counts and reports."""

    file: str  # file name inside the batch folder
    path: str
    key: str  # ISO code, or a name derived from the file when the workbook names no ISO code
    state: str
    iso3: str
    status: str  # one of STATUSES
    counts: Mapping[str, int]
    sha256: str
    size: int
    error: Mapping[str, str] | None = None  # {"code", "message"} when not processed
    dates: Mapping[str, Any] = field(default_factory=dict)
    baseline: Mapping[str, str] | None = None  # {"file", "sha256"} of the approved matrix compared
    changes: Mapping[str, Any] | None = None  # counts of the diff against the baseline
    notes: tuple[str, ...] = ()
    reports: Mapping[str, str] = field(default_factory=dict)  # kind -> path relative to OUTDIR
    reused: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "path": self.path, "key": self.key,
            "state": {"name": self.state, "iso3": self.iso3}, "status": self.status,
            "counts": dict(self.counts), "sha256": self.sha256, "size": self.size,
            "error": dict(self.error) if self.error else None, "dates": dict(self.dates),
            "baseline": dict(self.baseline) if self.baseline else None,
            "changes": dict(self.changes) if self.changes is not None else None,
            "notes": list(self.notes), "reports": dict(self.reports), "reused": self.reused,
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, reused: bool = False) -> StateEntry:
        return cls(
            file=data["file"], path=data["path"], key=data["key"], state=data["state"]["name"],
            iso3=data["state"]["iso3"], status=data["status"], counts=dict(data["counts"]),
            sha256=data["sha256"], size=data["size"], error=data.get("error"), dates=data.get("dates", {}),
            baseline=data.get("baseline"), changes=data.get("changes"), notes=tuple(data.get("notes", ())),
            reports=dict(data.get("reports", {})), reused=reused, seconds=float(data.get("seconds", 0.0)),
        )


@dataclass(frozen=True)
class FileRecord:
    """One file's result as state.json keeps it: the summary entry and its JUnit testsuite."""

    entry: StateEntry
    junit: str

    def as_dict(self) -> dict[str, Any]:
        return {"entry": self.entry.as_dict(), "junit": self.junit}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, reused: bool = False) -> FileRecord:
        return cls(StateEntry.from_dict(data["entry"], reused=reused), str(data["junit"]))


def previous_records(previous: Mapping[str, Any]) -> dict[str, FileRecord]:
    """The records of the last run (from ``read_state``); one that cannot be understood is left out
    (its file is simply read again)."""
    out: dict[str, FileRecord] = {}
    files = previous.get("files", {})
    for name, data in files.items() if isinstance(files, Mapping) else ():
        try:
            out[name] = FileRecord.from_dict(data, reused=True)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return out


def read_state(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return {}
    # A damaged or hand-edited state.json is a cache to rebuild, never a reason to stop: keep
    # only the records that have the shape this version writes; the rest are read again.
    files = data.get("files")
    baselines = data.get("baselines")
    data["files"] = ({name: record for name, record in files.items() if _usable(record)}
                     if isinstance(files, dict) else {})
    data["baselines"] = ({name: info for name, info in baselines.items()
                          if isinstance(info, dict) and isinstance(info.get("sha256"), str)}
                         if isinstance(baselines, dict) else {})
    return data


def _usable(record: Any) -> bool:
    """Whether a state.json record can be reused as it is."""
    try:
        entry = StateEntry.from_dict(record["entry"])
        return (isinstance(record.get("junit"), str) and entry.status in STATUSES
                and all(isinstance(v, str) for v in (entry.file, entry.key, entry.sha256, entry.iso3, entry.state))
                and all(isinstance(v, str) for v in entry.reports.values())
                and (entry.baseline is None or isinstance(entry.baseline.get("sha256"), str))
                and (entry.error is None or isinstance(entry.error.get("code"), str)))
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


def fingerprint(cat: Catalogue, cfg: Any, threshold: Severity) -> str:
    """What earlier results depend on besides the file: tool version, catalogue, config, fail-on."""
    # The real "today" is left out on purpose, or every nightly run would read everything again;
    # a date check on an unchanged file is refreshed when the file changes or with --full.
    text = repr((tool_version(), cat, cfg.severity, cfg.rules, cfg.long_text_chars, cfg.today, threshold.value))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def still_valid(prior: FileRecord, baselines: Mapping[str, str], base_info: Mapping[str, Any],
                out_dir: Path | None) -> bool:
    """An earlier result can be reused: same baseline, its reports still there, not a transient failure."""
    entry = prior.entry
    if entry.error and entry.error.get("code") in TRANSIENT_ERRORS:
        return False
    chosen = baselines.get(entry.iso3) if entry.iso3 else None
    current = base_info[Path(chosen).name]["sha256"] if chosen is not None else None
    used = (entry.baseline or {}).get("sha256")
    if current != used:
        return False
    if out_dir is None:
        return True
    return all((out_dir / rel).is_file() for rel in entry.reports.values())


def record_outcome(path: Path, sha: str, size: int, outcome: Outcome, base_info: Mapping[str, Any],
                   ctx: WorkContext) -> FileRecord:
    """The record of one file just processed: its summary entry and junit fragment."""
    checked = outcome.result
    if outcome.error is not None or not isinstance(checked, Checked):
        error = outcome.error or FileError("processing-failed", "the worker returned no result")
        entry = StateEntry(path.name, str(path), state_key("", "", path), "", "", "unreadable",
                           {"error": 0, "warning": 0, "info": 0}, sha, size, error=error.as_dict(),
                           seconds=outcome.seconds)
        exc = InputError(error.message, code=error.code)
        return FileRecord(entry, render_junit([unreadable_result(path, exc)], threshold=ctx.threshold))
    counts = checked.counts
    status = "errors" if counts.get("error") else "warnings" if counts.get("warning") else "ok"
    baseline = None
    if checked.iso3 and checked.iso3 in ctx.baselines:
        bname = Path(ctx.baselines[checked.iso3]).name
        baseline = {"file": bname, "sha256": base_info.get(bname, {}).get("sha256", "")}
    notes = list(checked.notes)
    if not checked.iso3:
        notes.append("the workbook names no ISO code; the State is identified by "
                     + ("its name" if checked.state.strip() else "the file name"))
    entry = StateEntry(path.name, str(path), state_key(checked.iso3, checked.state, path), checked.state,
                       checked.iso3, status, dict(counts), sha, size,
                       dates={k: list(v) for k, v in checked.dates.items()}, baseline=baseline,
                       changes=checked.changes, notes=tuple(notes), seconds=outcome.seconds)
    return FileRecord(entry, checked.junit)


def tool_version() -> str:
    return __version__
