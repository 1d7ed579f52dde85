"""The inbox of a batch run: which files are submissions, their content hash, their State key."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from matrix_tools.validation.config import CONFIG_NAME
from matrix_tools.validation.rules.header import load_iso_codes

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


_ISO3_IN_NAME = re.compile(r"^([A-Za-z]{3})(?![A-Za-z])")


_SAFE_KEY = re.compile(r"[^A-Za-z0-9._-]+")


def iter_candidates(folder: Path, *, ignore: Path | None = None) -> tuple[list[Path], list[dict[str, str]]]:
    """Workbooks in ``folder`` (sorted), and the other entries skipped with the reason.

    ``ignore`` (the output folder, when it lies inside ``folder``) is left out silently.
    """
    files: list[Path] = []
    skipped: list[dict[str, str]] = []
    # realpath, not Path.resolve(): it never raises, even on a symlink loop (resolve() does
    # before Python 3.13, which stopped the whole batch).
    ignored = os.path.realpath(ignore) if ignore is not None else None
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if ignored is not None and os.path.realpath(path) == ignored:
            continue
        if path.name.startswith("~$"):
            skipped.append({"file": path.name, "reason": "Excel lock file (the workbook is open somewhere)"})
        elif path.name.startswith("."):
            continue  # hidden files (.DS_Store, our own temporary files) are not submissions
        elif not path.is_file():
            skipped.append({"file": path.name, "reason": "not a file"})
        elif path.name.lower() == CONFIG_NAME:
            skipped.append({"file": path.name, "reason": "a configuration file in the inbox is not used "
                                                        "(settings come only from --config)"})
        elif path.suffix.lower() not in WORKBOOK_SUFFIXES:
            skipped.append({"file": path.name, "reason": f"not a workbook ({path.suffix or 'no extension'})"})
        else:
            files.append(path)
    return files, skipped


def read_sha256(path: Path) -> tuple[str, int]:
    """Content hash and size (a file that cannot be opened gives an empty hash)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        return "", 0
    return digest.hexdigest(), size


def key_from_name(path: Path) -> str:
    """A State key from a file name: 'xaa-2024.xlsx' -> 'XAA'; otherwise the file stem."""
    match = _ISO3_IN_NAME.match(path.stem)
    return match.group(1).upper() if match else path.stem


def report_dir_name(key: str) -> str:
    """A folder name for a State key, safe on every file system and never shared by two keys.

    Only a validated ISO 3166-1 alpha-3 code (assigned, former or user-assigned, as the
    header rule knows them) names a folder as it is: ``XTL``. Any other key (``XTL.``, a
    300-letter code, ``CON``, a file name with line breaks) goes under a derived name,
    ``other-<up to 40 safe characters>-<10 hex digits of its SHA-256>``: short, ASCII, never
    a Windows device name, and distinct for distinct keys, so one submission cannot write
    over (or delete) another State's reports.
    """
    if is_known_iso3(key):
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    slug = _SAFE_KEY.sub("_", key).strip("._-")[:40]
    return f"other-{slug}-{digest}" if slug else f"other-{digest}"


def is_known_iso3(code: str) -> bool:
    """Whether ``code`` is exactly an ISO 3166-1 alpha-3 code the tool knows (capital letters)."""
    if len(code) != 3 or not code.isascii() or not code.isupper() or not code.isalpha():
        return False
    codes = load_iso_codes()
    return code in codes.assigned or code in codes.former or codes.is_user_assigned(code)
