"""The registry's SQLite schema and its migrations (``PRAGMA user_version``).

Each migration is a list of statements run in one transaction; the database records how many
have run in ``user_version``, so an older file is brought up to date on first use and a newer
one (written by a later matrix-tools) is refused instead of being misread.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from matrix_tools.errors import InputError

BUSY_TIMEOUT_MS = 30_000  # a second process adding at the same time waits, it does not fail

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        # 1: blobs by content, versions, entries.
        """CREATE TABLE blob (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            data BLOB NOT NULL
        )""",
        """CREATE TABLE version (
            id INTEGER PRIMARY KEY,
            iso3 TEXT NOT NULL,
            n INTEGER NOT NULL,
            state TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE REFERENCES blob(sha256),
            status TEXT NOT NULL CHECK (status IN ('received', 'working', 'approved')),
            received TEXT NOT NULL,
            added_at TEXT NOT NULL,
            file_name TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            catalogue TEXT NOT NULL,
            date_of_report TEXT NOT NULL DEFAULT '',
            date_of_approval TEXT NOT NULL DEFAULT '',
            stored_values INTEGER NOT NULL DEFAULT 0,
            UNIQUE (iso3, n)
        )""",
        """CREATE TABLE entry (
            version_id INTEGER NOT NULL REFERENCES version(id),
            field TEXT NOT NULL,
            col TEXT NOT NULL,
            kind TEXT NOT NULL,
            section TEXT NOT NULL,
            value TEXT NOT NULL,
            cell TEXT NOT NULL,
            PRIMARY KEY (version_id, field, col)
        ) WITHOUT ROWID""",
        """CREATE TABLE header (
            version_id INTEGER NOT NULL REFERENCES version(id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            dates TEXT NOT NULL,
            PRIMARY KEY (version_id, key)
        ) WITHOUT ROWID""",
        """CREATE TABLE event (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES version(id),
            at TEXT NOT NULL,
            what TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        )""",
        # Marks per version and section, counted once when the version is added, so listing
        # and coverage over time read a few rows per version instead of every value.
        """CREATE TABLE mark_count (
            version_id INTEGER NOT NULL REFERENCES version(id),
            section TEXT NOT NULL,
            mark TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (version_id, section, mark)
        ) WITHOUT ROWID""",
        "CREATE INDEX version_by_state ON version (iso3, n)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the registry at ``path``.

    WAL lets readers work while a writer adds; ``synchronous=FULL`` with WAL makes every
    committed add durable, and a process killed mid-add leaves only an uncommitted WAL tail
    that SQLite discards on the next open. Raises InputError when the file is not a registry.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"the registry {path} is a folder: give a file name such as matrix-registry.sqlite",
                         path=path)
    if not path.parent.is_dir():
        raise InputError(f"cannot open the registry {path}: folder {path.parent} does not exist", path=path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        raise InputError(
            f"cannot open the registry {path}: {exc} (is it a matrix-tools registry file?)", path=path
        ) from None
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > SCHEMA_VERSION:
        raise InputError(
            f"the registry {path} was written by a newer matrix-tools (schema {current}, this one "
            f"knows {SCHEMA_VERSION}): update matrix-tools", path=path,
        )
    if current == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again inside the write lock: another process may have migrated meanwhile.
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        for number in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
