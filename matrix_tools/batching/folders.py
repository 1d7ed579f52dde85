"""The per-State report folders of a batch run (``OUTDIR/states/<KEY>/``): written, claimed, pruned."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path

from matrix_tools.batching.inbox import report_dir_name
from matrix_tools.batching.state import StateEntry
from matrix_tools.batching.work import REPORT_NAMES, Checked, Outcome
from matrix_tools.identity import DuplicateStateError, duplicate_message
from matrix_tools.writing.output import output_error

STATES_DIR = "states"


class ReportWriter:
    """Writes each State's reports into OUTDIR/states/<KEY>/ (atomically) and tracks claims."""

    def __init__(self, out_dir: Path | None, inputs: Iterable[Path]):
        self.out_dir = out_dir
        self.inputs: list[Path] = [p for folder in inputs for p in folder.iterdir() if p.is_file()]
        self.claims: dict[str, list[str]] = {}
        self.written: list[str] = []

    def claim(self, entry: StateEntry) -> None:
        if entry.status != "unreadable":
            self.claims.setdefault(entry.key.casefold(), []).append(entry.file)

    def write(self, entry: StateEntry, outcome: Outcome) -> StateEntry:
        """Write the reports of a file just processed; return the entry with their paths."""
        checked = outcome.result
        if outcome.error is not None or not isinstance(checked, Checked) or self.out_dir is None:
            return entry
        self.claim(entry)
        if len(self.claims[entry.key.casefold()]) > 1:
            return entry  # a second file for this State: refused later, nothing written
        folder = self.out_dir / STATES_DIR / report_dir_name(entry.key)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(folder, exc) from None
        reports: dict[str, str] = {}
        for kind, staged in checked.reports.items():
            target = folder / REPORT_NAMES[kind]
            try:
                os.replace(staged, target)  # same folder tree: an atomic rename, like output.py's
            except OSError as exc:
                raise output_error(target, exc) from None
            reports[kind] = target.relative_to(self.out_dir).as_posix()
        for kind, name in REPORT_NAMES.items():
            if kind not in reports:
                (folder / name).unlink(missing_ok=True)  # from an earlier run: no longer true
        self.written.extend(str(self.out_dir / r) for r in reports.values())
        return dataclasses.replace(entry, reports=reports)

    def prune(self, entries: Iterable[StateEntry]) -> None:
        """Remove report folders of States no longer in the folder (their file was taken out)."""
        if self.out_dir is None or not (self.out_dir / STATES_DIR).is_dir():
            return
        keep = {report_dir_name(e.key) for e in entries if e.reports}
        for folder in (self.out_dir / STATES_DIR).iterdir():
            if folder.is_dir() and folder.name not in keep:
                self.drop_folder(folder)

    def drop(self, key: str) -> None:
        """Remove a refused State's reports, so no earlier report is mistaken for this run's."""
        if self.out_dir is None:
            return
        self.drop_folder(self.out_dir / STATES_DIR / report_dir_name(key))

    @staticmethod
    def drop_folder(folder: Path) -> None:
        """Delete our reports in ``folder``, and the folder when nothing else is in it."""
        for name in REPORT_NAMES.values():
            (folder / name).unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def refuse_duplicates(entries: list[StateEntry], writer: ReportWriter) -> list[StateEntry]:
    """Two or more readable files for one State: each becomes a 'duplicate' entry naming the others."""
    by_key: dict[str, list[StateEntry]] = {}
    for entry in entries:
        if entry.status != "unreadable":
            by_key.setdefault(entry.key.casefold(), []).append(entry)
    out: list[StateEntry] = []
    for entry in entries:
        group = by_key.get(entry.key.casefold(), [])
        if entry.status == "unreadable" or len(group) < 2:
            out.append(entry)
            continue
        message = duplicate_message(entry.key, [e.file for e in group])
        out.append(dataclasses.replace(entry, status="duplicate", reports={},
                                       error={"code": DuplicateStateError.code, "message": message}))
    for group in by_key.values():
        if len(group) > 1:
            for key in {e.key for e in group}:
                writer.drop(key)
    return out
