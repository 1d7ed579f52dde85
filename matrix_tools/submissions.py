"""Which files in a folder are submissions to read, and the content hash of a file.

The one home for folder scanning: ``validate FOLDER``, ``consolidate FOLDER`` and ``batch``
all use ``scan_folder`` / ``expand_inputs``, so they agree on what they read. Every entry of a
folder is accounted for (issue 12): it is read, or skipped for a stated reason. Only these
are skipped:

- Excel's ``~$`` lock files (the workbook is open somewhere; the real file is beside it);
- hidden files: dot-files (``.DS_Store``, and the tool's own half-written ``.NAME.part``
  outputs), files with the Windows hidden attribute, and Windows' ``Thumbs.db`` / ``desktop.ini``;
- the tool's own files: the output of this run, annotated copies (``*.annotated.xlsx``), the
  configuration file ``matrix-tools.json``;
- sub-folders (only the files directly in the folder are read).

Everything else is read whatever its extension: the reader's pre-flight check names a
legacy ``.xls``, an ``.ods``, a PDF or a Word file sent instead of the workbook and refuses it
with a code and advice, so no submission disappears because of its name.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from matrix_tools.errors import InputError, UsageError

CONFIG_NAME = "matrix-tools.json"  # validation settings found beside the workbooks (config.py)
ANNOTATED_SUFFIX = ".annotated.xlsx"  # what `validate --annotate FOLDER` writes
PART_MARKER = ".part"  # writing/output.py's temporaries: ".NAME.<random>.part.xlsx"
HASH_CHUNK = 1 << 20
# Hidden system files Windows Explorer writes into folders (Thumbs.db is an OLE file the reader
# would call a legacy .xls); on a share seen from macOS or Linux they are not marked hidden.
WINDOWS_HIDDEN = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini"})
FILE_ATTRIBUTE_HIDDEN = 0x2


@dataclass(frozen=True)
class Skipped:
    """A folder entry that is not a submission, with the reason (``code`` is stable)."""

    path: Path
    code: str  # lock-file, hidden-file, unfinished-output, own-output, configuration, folder
    reason: str

    @property
    def file(self) -> str:
        return self.path.name

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "code": self.code, "reason": self.reason}


@dataclass(frozen=True)
class Inbox:
    """The files to read (in order) and the entries skipped, each with its reason."""

    files: tuple[Path, ...]
    skipped: tuple[Skipped, ...] = ()


def skip_reason(path: Path, *, ignored: frozenset[Path] = frozenset()) -> Skipped | None:
    """Why the folder entry ``path`` is not a submission, or None when it is one to read."""
    name = path.name
    if ignored and _resolved(path) in ignored:
        return Skipped(path, "own-output", "the output of this matrix-tools run")
    if name.startswith("~$"):
        return Skipped(path, "lock-file", "Excel lock file (the workbook is open in Excel somewhere); "
                                          "the workbook itself is read")
    if name.startswith("."):
        if PART_MARKER in name and path.is_file():
            return Skipped(path, "unfinished-output", "unfinished output of an interrupted matrix-tools run; "
                                                      "it can be deleted")
        return Skipped(path, "hidden-file", "hidden file (its name starts with a dot)")
    if name.casefold() in WINDOWS_HIDDEN or _hidden_on_windows(path):
        return Skipped(path, "hidden-file", "hidden file (Windows keeps it in folders; not a submission)")
    if path.is_dir():
        return Skipped(path, "folder", "a folder: only the files directly in the folder are read; "
                                       "move a submission out of it to have it checked")
    if name.casefold().endswith(ANNOTATED_SUFFIX):
        return Skipped(path, "own-output", "an annotated copy written by matrix-tools validate --annotate")
    if name.casefold() == CONFIG_NAME:
        return Skipped(path, "configuration", "the matrix-tools configuration file: not a submission (validate "
                                              "applies it to the workbooks beside it; it is not used by batch, "
                                              "whose settings come only from --config)")
    return None


def scan_folder(folder: str | Path, *, ignore: Iterable[str | Path] = ()) -> Inbox:
    """Every entry of ``folder`` (sorted by name): the files to read and the ones skipped.

    ``ignore`` are this run's own outputs when they lie inside the folder (the batch output
    folder, a report file): they are listed as skipped, never read.
    """
    ignored = frozenset(_resolved(Path(p)) for p in ignore)
    files: list[Path] = []
    skipped: list[Skipped] = []
    for path in sorted(Path(folder).iterdir(), key=lambda p: (p.name.casefold(), p.name)):
        reason = skip_reason(path, ignored=ignored)
        if reason is None:
            files.append(path)
        else:
            skipped.append(reason)
    return Inbox(tuple(files), tuple(skipped))


def expand_inputs(items: Iterable[str | Path], *, ignore: Iterable[str | Path] = ()) -> Inbox:
    """Files as given (the reader judges them), and each given folder scanned by ``scan_folder``."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    ignore = tuple(ignore)
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = scan_folder(path, ignore=ignore)
            files.extend(found.files)
            skipped.extend(found.skipped)
        else:
            files.append(path)
    return Inbox(tuple(files), tuple(skipped))


def require_files(inbox: Inbox, items: Iterable[str | Path]) -> tuple[Path, ...]:
    """The files to read; UsageError (exit 2) when there is none: an empty inbox is more often a
    wrong folder than a quiet week."""
    if inbox.files:
        return inbox.files
    where = ", ".join(str(i) for i in items)
    if not inbox.skipped:
        raise UsageError(f"no files to check in {where}: the folder is empty; check the folder name")
    codes = Counter(s.code for s in inbox.skipped)
    listed = ", ".join(f"{n} {code}" for code, n in sorted(codes.items()))
    raise UsageError(f"no files to check in {where}: all {len(inbox.skipped)} entries are skipped ({listed}); "
                     "check the folder name")


def check_input_file(path: str | Path, *, what: str = "the workbook") -> Path:
    """``path`` when it names a file: a folder is a usage error (exit 2), a missing file an
    input error (exit 3). Every command says these two the same way (issue 12)."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a file: give {what}, e.g. {path / 'name.xlsx'}",
                         code="input-is-folder", path=path)
    if not path.exists():
        raise InputError(f"{path}: no such file: check the name and the folder", code="input-not-found",
                         path=path)
    return path


def check_input_folder(path: str | Path, *, what: str = "the folder") -> Path:
    """``path`` when it names a folder: a file is a usage error (exit 2), a missing folder an
    input error (exit 3)."""
    path = Path(path)
    if path.is_dir():
        return path
    if path.exists():
        raise UsageError(f"{path} is a file, not a folder: give {what} (the folder that holds the workbooks)",
                         code="input-is-file", path=path)
    raise InputError(f"{path}: no such folder: check the name ({what})", code="input-not-found", path=path)


def read_sha256(path: str | Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file's content. Raises OSError when it cannot be read."""
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(HASH_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _hidden_on_windows(path: Path) -> bool:
    """The Windows "hidden" attribute (``st_file_attributes`` exists only on Windows)."""
    try:
        attributes = getattr(path.lstat(), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & FILE_ATTRIBUTE_HIDDEN)


def _resolved(path: Path) -> Path:
    # realpath, not Path.resolve(): it never raises, even on a symlink loop (resolve() does
    # before Python 3.13, which would stop the whole batch)
    return Path(os.path.realpath(path))
