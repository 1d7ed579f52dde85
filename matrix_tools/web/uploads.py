"""Uploaded workbooks: kept in a private temporary folder, read as batch reads a submission.

Each request gets its own folder (``tempfile.mkdtemp``: readable by this user only), removed
when the page has been made, whatever happened; so nothing a person uploads stays on disk,
and two requests never see each other's files. Each file is read by ``load_matrix`` (the
pre-flight check first, then the bounded reader) in a child process with memory and time
limits (``batching.isolation``), so a crafted file that crashes or exhausts the reader
costs one 4xx page, never the server.

The uploaded file's name is shown to the person (it names the file in reports and
messages), but is never used as a path: files are saved as ``<n>/upload<.suffix>``, and the
matrices read get their shown name back (``SourceInfo``) so no temporary path reaches a page.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from matrix_tools.batching.isolation import iter_isolated
from matrix_tools.errors import (
    CatalogueError,
    ConfigError,
    MatrixToolsError,
    OutputError,
    UsageError,
)
from matrix_tools.model import Matrix
from matrix_tools.reading.parse import load_matrix

KNOWN_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".pdf", ".zip")  # kept so messages make sense
MAX_NAME_CHARS = 120
READ_TIMEOUT = 60.0  # a real matrix reads in well under a second
READ_MEMORY_MB = 1024


class FileField(Protocol):
    """What the page needs of an uploaded file (werkzeug's ``FileStorage`` has it)."""
    filename: str | None

    def save(self, dst: str) -> None: ...


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name to show and where the private copy is."""
    name: str
    path: Path
    role: str  # "old", "new", "base", "file 2", ...


class UploadError(UsageError):
    """An upload the page cannot work with (none chosen, too many): HTTP 400."""
    code = "upload-refused"


def shown_name(raw: str | None, fallback: str) -> str:
    """The file name a browser sent, made safe to show: last path part, no control characters."""
    text = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = " ".join(text.split())[:MAX_NAME_CHARS]
    return text or fallback


@contextlib.contextmanager
def private_folder(root: str | Path | None = None) -> Iterator[Path]:
    """A fresh folder only this user can read, removed on exit (also after an error)."""
    folder = Path(tempfile.mkdtemp(prefix="matrix-tools-web-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def save_uploads(fields: Sequence[tuple[str, FileField | None]], folder: Path) -> list[Upload]:
    """Save each ``(role, field)`` into ``folder``; refuses a missing file with one line."""
    uploads = []
    for number, (role, field) in enumerate(fields, start=1):
        if field is None or not field.filename:
            raise UploadError(f"no file was chosen for the {role}: choose a workbook (.xlsx) and send again")
        name = shown_name(field.filename, f"{role}.xlsx")
        suffix = Path(name).suffix.lower()
        target = folder / str(number)
        target.mkdir()
        path = target / f"upload{suffix if suffix in KNOWN_SUFFIXES else '.bin'}"
        field.save(str(path))
        uploads.append(Upload(name, path, role))
    return uploads


def read_uploads(uploads: Sequence[Upload], *, isolate: bool = True) -> list[Matrix | MatrixToolsError]:
    """Read every upload as a matrix (in isolated children); an unreadable one gives its error.

    Errors name the uploaded file as the person knows it, never the temporary path.
    Exceptions that are not a ``MatrixToolsError`` (a bug) are raised.
    """

    outcomes: list[Matrix | BaseException]
    if isolate:
        outcomes = [outcome for _path, outcome in iter_isolated(
            load_matrix, [u.path for u in uploads], jobs=min(2, len(uploads)),
            timeout=READ_TIMEOUT, memory_mb=READ_MEMORY_MB)]
    else:
        outcomes = []
        for upload in uploads:
            try:
                outcomes.append(load_matrix(upload.path))
            except MatrixToolsError as exc:
                outcomes.append(exc)
    results: list[Matrix | MatrixToolsError] = []
    for upload, outcome in zip(uploads, outcomes, strict=True):
        if isinstance(outcome, MatrixToolsError):
            results.append(renamed_error(outcome, uploads))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            results.append(with_shown_name(outcome, upload))
    return results


def read_all(uploads: Sequence[Upload], *, isolate: bool = True) -> list[Matrix]:
    """Like :func:`read_uploads`, but the first unreadable upload raises its error."""
    matrices = []
    for outcome in read_uploads(uploads, isolate=isolate):
        if isinstance(outcome, MatrixToolsError):
            raise outcome
        matrices.append(outcome)
    return matrices


def with_shown_name(matrix: Matrix, upload: Upload) -> Matrix:
    """``matrix`` with the uploaded name as its source (reports then name the person's file)."""
    if matrix.source is None:
        return matrix
    source = dataclasses.replace(matrix.source, path=upload.name, name=upload.name)
    return dataclasses.replace(matrix, source=source)


def renamed_error(exc: MatrixToolsError, uploads: Sequence[Upload]) -> MatrixToolsError:
    """``exc`` with every temporary path (in its message and its path) replaced by the uploaded
    file's name; the same type, code and exit code."""

    def rename(text: str) -> str:
        for upload in uploads:
            text = text.replace(str(upload.path), upload.name).replace(str(upload.path.parent), upload.name)
        return text

    renamed = copy.copy(exc)
    renamed.args = (rename(str(exc.args[0])), *exc.args[1:]) if exc.args else ()
    renamed.path = rename(exc.path) if exc.path is not None else None
    return renamed


def status_for(exc: MatrixToolsError) -> int:
    """The HTTP status for an error of the CLI: 422 for an input that could not be processed
    (exit 3), 400 for a usage problem (exit 2, e.g. two different States), 500 otherwise."""
    if isinstance(exc, UploadError):
        return 400
    if isinstance(exc, (OutputError, CatalogueError, ConfigError)):  # the server's side, not the files
        return 500
    return {3: 422, 2: 400}.get(exc.exit_code, 500)

