"""What the registry stores, as the rest of matrix-tools sees it: versions and their values.

Pure data and the one mapping from a read ``Matrix`` to the rows stored for it; no SQL here
(``store`` holds the database work).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from matrix_tools.errors import UsageError
from matrix_tools.model import ColumnKind, ItemKey, Matrix, key_unknown_rows

STATUSES = ("received", "working", "approved")
MARKS_COUNTED = ("X", "?", "NA")


@dataclass(frozen=True)
class Version:
    """One stored version of a State's matrix."""

    def __repr__(self) -> str:
        return f"<Version {self.ref} {self.state!r} {self.status}, received {self.received}, from {self.file_name!r}>"

    id: int
    iso3: str
    number: int
    state: str
    sha256: str
    status: str
    received: dt.date
    added_at: str  # UTC timestamp, ISO 8601
    file_name: str
    note: str
    catalogue: str
    date_of_report: str
    date_of_approval: str
    marks: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def ref(self) -> str:
        """The reference that names this version: ``XTL@3``."""
        return f"{self.iso3}@{self.number}"


@dataclass(frozen=True)
class Added:
    """What ``Registry.add`` did with one file: a new version, or the one already holding its bytes."""

    version: Version
    new: bool
    path: str


@dataclass(frozen=True)
class StoredEntry:
    """One stored value of a version: where it sits in the matrix and what it holds."""

    field: str
    column: str
    kind: str  # "mark" or "text"
    section: str
    value: str
    cell: str


VERSION_COLUMNS = ("id, iso3, n, state, sha256, status, received, added_at, file_name, note, "
                    "catalogue, date_of_report, date_of_approval")


def version_from_row(row: tuple[Any, ...], marks: dict[str, int] | None = None) -> Version:
    """A Version from a row selected with ``VERSION_COLUMNS``."""
    return Version(row[0], row[1], row[2], row[3], row[4], row[5], dt.date.fromisoformat(row[6]),
                   row[7], row[8], row[9], row[10], row[11], row[12], marks or {})


def iter_entry_rows(matrix: Matrix) -> Iterator[tuple[str, str, str, str, str, str]]:
    """(field, column, kind, section, value, cell) for every value a version holds: entries and
    the values of rows the catalogue does not know. Blank cells are not stored (a missing entry
    reads as blank), which keeps the registry about the size of the workbooks themselves."""
    cat = matrix.catalogue
    for (fid, col), value in matrix.entries.items():
        if not value.text:
            continue
        kind, section = "text", ""
        if cat.has_field(fid):
            table = cat.table_of(fid)
            section = table.section
            with contextlib.suppress(KeyError):
                kind = "mark" if table.column(col).kind is ColumnKind.MARK else "text"
        yield fid, col, kind, section, value.text, value.cell
    for key, row in key_unknown_rows(matrix.unknown_rows).items():
        try:
            section = cat.table(row.table).section
        except KeyError:
            section = ""
        for col, value in row.values.items():
            if value.text:
                yield ItemKey.row(key), col, "text", section, value.text, value.cell


def check_status(status: str) -> None:
    """UsageError (exit 2) for a status other than received, working or approved."""
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")


def in_force(versions: Sequence[Version], end: dt.date, *, approved_first: bool = True) -> list[Version]:
    """Per State, the version in force at ``end``: its latest approved one received by then, else
    its latest one (``approved_first=False``: always the latest)."""
    by_state: dict[str, list[Version]] = {}
    for v in sorted(versions, key=lambda v: (v.iso3, v.number)):
        if v.received <= end:
            by_state.setdefault(v.iso3, []).append(v)
    chosen = []
    for iso in sorted(by_state):
        items = by_state[iso]
        approved = [v for v in items if v.status == "approved"]
        chosen.append((approved if approved and approved_first else items)[-1])
    return chosen
