"""``Registry``: add, list, find, export, approve and read back stored versions.

Every write is one ``BEGIN IMMEDIATE`` transaction, so two processes adding at once are
serialised by SQLite (the second waits, then numbers its version after the first), and a
process killed mid-add leaves the database as it was before that add.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.errors import InputError, UsageError
from matrix_tools.model import Catalogue, Matrix, SourceInfo

if TYPE_CHECKING:
    from matrix_tools.registry.history import History
from matrix_tools.catalogue import load_catalogue
from matrix_tools.reading.parse import load_matrix
from matrix_tools.reading.preflight import check_file
from matrix_tools.registry.history import build_history
from matrix_tools.registry.records import (
    MARKS_COUNTED,
    VERSION_COLUMNS,
    Added,
    StoredEntry,
    Version,
    check_status,
    in_force,
    iter_entry_rows,
    version_from_row,
)
from matrix_tools.registry.refs import Reference, Selector, parse_reference
from matrix_tools.registry.schema import connect

DEFAULT_FILE = "matrix-registry.sqlite"
ENV_VAR = "MATRIX_TOOLS_REGISTRY"


def default_registry_path(path: str | Path | None = None) -> Path:
    """``path`` if given, else ``$MATRIX_TOOLS_REGISTRY``, else ./matrix-registry.sqlite."""
    if path is not None and str(path) != "":
        return Path(path)
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else Path.cwd() / DEFAULT_FILE


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Registry:
    """The registry file: ``Registry(path)``; ``path=None`` uses ``default_registry_path()``."""
    def __init__(self, path: str | Path | None = None, *, create: bool = True) -> None:
        self.path = default_registry_path(path)
        if not create and not self.path.exists():
            raise InputError(
                f"no registry at {self.path}: add versions first with `matrix-tools registry add FILE`, "
                f"or point to it with --registry PATH or {ENV_VAR}", path=self.path,
            )
        self._conn = connect(self.path)

    def close(self) -> None:
        """Close the database connection (``with Registry(...)`` does it)."""
        self._conn.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or none of it."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._cannot_write(exc) from None
        try:
            yield self._conn
        except sqlite3.OperationalError as exc:
            self._conn.execute("ROLLBACK")
            raise self._cannot_write(exc) from None
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise self._cannot_write(exc) from None

    def _cannot_write(self, exc: sqlite3.OperationalError) -> InputError:
        return InputError(
            f"cannot write to the registry {self.path}: {exc} (is the folder writable, and is no other "
            "program holding the file for long?); nothing was changed", path=self.path,
        )

    # --- adding -----------------------------------------------------------------------------

    def add(self, path: str | Path, *, status: str = "received", note: str = "",
            received: dt.date | None = None, catalogue: Catalogue | None = None) -> Added:
        """Pre-flight, read and store one workbook; the same bytes twice give the stored version.

        Raises InputError (exit 3) for an unreadable or unsafe file, or one whose header has no
        ISO code: nothing is stored then.
        """

        check_status(status)
        path = Path(path)
        check_file(path)  # the size and safety checks before the bytes are read into memory
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        known = self._conn.execute(f"SELECT {VERSION_COLUMNS} FROM version WHERE sha256 = ?", (sha,)).fetchone()
        if known is not None:  # these bytes were read and stored before: nothing to read again
            return Added(version_from_row(known), new=False, path=str(path))
        matrix = load_matrix(path, catalogue)
        if matrix.source is not None and matrix.source.sha256 != sha:
            raise InputError(f"{path} changed while it was being read; add it again", path=path)
        return self.add_matrix(matrix, data, file_name=path.name, status=status, note=note,
                               received=received, path=str(path))

    def add_matrix(self, matrix: Matrix, data: bytes, *, file_name: str, status: str = "received",
                   note: str = "", received: dt.date | None = None, path: str = "") -> Added:
        """Store a matrix already read together with the bytes it was read from."""
        check_status(status)
        iso = matrix.state.iso3.strip().upper()
        if not iso:
            raise InputError(
                f"{file_name}: the matrix has no ISO code in its header (State code, e.g. XTL); the "
                "registry keeps versions by ISO code: fill it in on the About sheet and add it again",
                code="no-iso3", path=path or None,
            )
        if not (len(iso) == 3 and iso.isascii() and iso.isalpha()):
            # References (XTL@3) and staged file names are built from the code: letters only.
            raise InputError(
                f"{file_name}: the ISO code {iso[:20]!r} in its header is not three letters (e.g. XTL); "
                "correct it on the About sheet and add it again", code="iso3-invalid", path=path or None,
            )
        sha = hashlib.sha256(data).hexdigest()
        header = matrix.header
        with self._write() as conn:
            row = conn.execute(f"SELECT {VERSION_COLUMNS} FROM version WHERE sha256 = ?", (sha,)).fetchone()
            if row is not None:
                return Added(version_from_row(row), new=False, path=path)
            number = conn.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM version WHERE iso3 = ?",
                                  (iso,)).fetchone()[0]
            conn.execute("INSERT OR IGNORE INTO blob (sha256, size, data) VALUES (?, ?, ?)",
                         (sha, len(data), data))
            when = _now()
            cur = conn.execute(
                "INSERT INTO version (iso3, n, state, sha256, status, received, added_at, file_name, "
                "note, catalogue, date_of_report, date_of_approval) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (iso, number, matrix.state.name, sha, status, (received or dt.date.today()).isoformat(),
                 when, file_name, note, matrix.catalogue.ref,
                 _header_text(header, "date_of_report"), _header_text(header, "date_of_committee_approval")),
            )
            version_id = cur.lastrowid
            conn.executemany(
                "INSERT OR REPLACE INTO entry (version_id, field, col, kind, section, value, cell) "
                "VALUES (?,?,?,?,?,?,?)",
                ((version_id, *entry) for entry in iter_entry_rows(matrix)),
            )
            conn.execute(
                "INSERT INTO mark_count (version_id, section, mark, n) SELECT version_id, section, value, "
                "COUNT(*) FROM entry WHERE version_id = ? AND kind = 'mark' GROUP BY section, value",
                (version_id,),
            )
            # Recorded so an integrity check can tell a complete version from a damaged one.
            conn.execute("UPDATE version SET stored_values = (SELECT COUNT(*) FROM entry WHERE version_id = ?) "
                         "WHERE id = ?", (version_id, version_id))
            conn.executemany(
                "INSERT INTO header (version_id, key, value, dates) VALUES (?,?,?,?)",
                ((version_id, key, hv.text, json.dumps([d.isoformat() for d in hv.dates]))
                 for key, hv in header.items()),
            )
            conn.execute("INSERT INTO event (version_id, at, what, detail) VALUES (?,?,?,?)",
                         (version_id, when, "added", f"{status}; from {file_name}"))
            row = conn.execute(f"SELECT {VERSION_COLUMNS} FROM version WHERE id = ?", (version_id,)).fetchone()
        return Added(version_from_row(row), new=True, path=path)

    def approve(self, ref: str | Reference | Version, *, note: str = "") -> Version:
        """Mark a version approved (the Committee's decision); returns it as now stored."""
        version = ref if isinstance(ref, Version) else self.find(ref)
        with self._write() as conn:
            conn.execute("UPDATE version SET status = 'approved' WHERE id = ?", (version.id,))
            conn.execute("INSERT INTO event (version_id, at, what, detail) VALUES (?,?,?,?)",
                         (version.id, _now(), "approved", note))
        return replace(version, status="approved")

    # --- reading ----------------------------------------------------------------------------

    def versions(self, iso3: str | None = None) -> builtins.list[Version]:
        """Every stored version (of one State when ``iso3`` is given), by State then number."""
        where, args = ("WHERE iso3 = ?", (iso3.strip().upper(),)) if iso3 else ("", ())
        rows = self._conn.execute(f"SELECT {VERSION_COLUMNS} FROM version {where} ORDER BY iso3, n",
                                  args).fetchall()
        counts: dict[int, dict[str, int]] = {}
        for vid, value, count in self._conn.execute(
            "SELECT version_id, mark, SUM(n) FROM mark_count GROUP BY version_id, mark"
        ):
            counts.setdefault(vid, {})[value] = count
        return [version_from_row(r, {m: counts.get(r[0], {}).get(m, 0) for m in MARKS_COUNTED}) for r in rows]

    def list(self, iso3: str | None = None) -> builtins.list[Version]:
        """Same as ``versions``: the Python twin of ``registry list``."""
        return self.versions(iso3)

    def find(self, ref: str | Reference) -> Version:
        """The version a reference names; UsageError (exit 2) saying what exists when none does."""
        reference = ref if isinstance(ref, Reference) else parse_reference(ref)
        sql = f"SELECT {VERSION_COLUMNS} FROM version WHERE iso3 = ?"
        args: tuple[Any, ...] = (reference.iso3,)
        if reference.selector is Selector.APPROVED:
            sql += " AND status = 'approved'"
        elif reference.selector is Selector.NUMBER:
            sql += " AND n = ?"
            args += (reference.number,)
        elif reference.selector is Selector.DATE:
            assert reference.date is not None
            sql += " AND received <= ?"
            args += (reference.date.isoformat(),)
        row = self._conn.execute(sql + " ORDER BY n DESC LIMIT 1", args).fetchone()
        if row is None:
            raise UsageError(self._missing(reference))
        return version_from_row(row)

    def _missing(self, reference: Reference) -> str:
        known = [v.ref for v in self.versions(reference.iso3)]
        if not known:
            return (f"{reference}: the registry {self.path} holds no version of {reference.iso3}; "
                    "add one with `matrix-tools registry add FILE`")
        what = {
            Selector.APPROVED: "no version is approved yet (mark one with `matrix-tools registry approve REF`)",
            Selector.NUMBER: f"there is no version {reference.number}",
            Selector.DATE: f"no version was received on or before {reference.date}",
            Selector.LATEST: "no version",
        }[reference.selector]
        return f"{reference}: {what}; stored: {', '.join(known)}"

    def read_bytes(self, ref: str | Reference | Version) -> bytes:
        """The stored workbook, byte for byte as it was added."""
        version = ref if isinstance(ref, Version) else self.find(ref)
        row = self._conn.execute("SELECT data FROM blob WHERE sha256 = ?", (version.sha256,)).fetchone()
        data = bytes(row[0])
        if hashlib.sha256(data).hexdigest() != version.sha256:
            raise InputError(f"{version.ref}: the stored bytes do not match their SHA-256; the registry "
                             f"{self.path} is damaged", path=self.path)
        return data

    def get(self, ref: str | Reference | Version, catalogue: Catalogue | None = None) -> Matrix:
        """The version read as a Matrix (from its stored bytes, as any workbook is read).

        Its ``source`` names the reference (``XTL@3``) and the original file name, so reports
        say which version they show.
        """

        version = ref if isinstance(ref, Version) else self.find(ref)
        data = self.read_bytes(version)
        suffix = ".xlsm" if version.file_name.lower().endswith(".xlsm") else ".xlsx"
        with tempfile.TemporaryDirectory(prefix="matrix-registry-") as folder:
            tmp = Path(folder) / f"{version.iso3}-{version.number}{suffix}"
            tmp.write_bytes(data)
            matrix = load_matrix(tmp, catalogue)
        label = f"{version.ref} ({version.file_name})"
        return replace(matrix, source=SourceInfo(path=label, name=version.file_name,
                                                 sha256=version.sha256, size=len(data)))

    def entries(self, version: Version) -> dict[tuple[str, str], StoredEntry]:
        """The stored entries of a version, by (field, column): no workbook is read."""
        rows = self._conn.execute(
            "SELECT field, col, kind, section, value, cell FROM entry WHERE version_id = ?", (version.id,)
        )
        return {(r[0], r[1]): StoredEntry(*r) for r in rows}

    def measure_counts(self, mark: str = "X") -> dict[int, dict[str, int]]:
        """Per version id, per section: how many mark cells hold ``mark`` (one query)."""
        counts: dict[int, dict[str, int]] = {}
        for vid, section, count in self._conn.execute(
            "SELECT version_id, section, n FROM mark_count WHERE mark = ?", (mark,)
        ):
            counts.setdefault(vid, {})[section] = count
        return counts

    def latest_per_state(self, *, as_of: dt.date | None = None, approved_first: bool = True) -> builtins.list[Version]:
        """Per State: its latest approved version received by ``as_of`` (or its latest, when none
        is approved or ``approved_first`` is false)."""
        return in_force(self.versions(), as_of or dt.date.max, approved_first=approved_first)

    def history(self, iso3: str) -> History:
        """The State's timeline (``registry.history.History``)."""
        versions = self.versions(iso3)
        if not versions:
            raise UsageError(f"the registry {self.path} holds no version of {iso3.strip().upper()}; "
                             "see `matrix-tools registry list`")
        return build_history(versions, [self.entries(v) for v in versions], load_catalogue())

    def integrity(self) -> builtins.list[str]:
        """Problems found by SQLite's integrity check and the registry's own rules (empty: fine)."""
        problems = [r[0] for r in self._conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        orphans = self._conn.execute(
            "SELECT COUNT(*) FROM version v LEFT JOIN blob b ON b.sha256 = v.sha256 WHERE b.sha256 IS NULL"
        ).fetchone()[0]
        if orphans:
            problems.append(f"{orphans} version(s) without their stored bytes")
        partial = self._conn.execute(
            "SELECT COUNT(*) FROM version v WHERE v.stored_values != "
            "(SELECT COUNT(*) FROM entry e WHERE e.version_id = v.id)"
        ).fetchone()[0]
        if partial:
            problems.append(f"{partial} version(s) whose stored values are incomplete")
        return problems


def _header_text(header: Any, key: str) -> str:
    value = header.get(key)
    return value.text if value is not None else ""
