"""Names in a batch run's output: the folder name of a State's reports.

Finding the submissions, hashing them and telling which State a file is have one home each
outside batching (``submissions.py``, ``identity.py``), shared with validate and consolidate.
"""

from __future__ import annotations

import hashlib
import re

from matrix_tools.validation.rules.header import load_iso_codes

_SAFE_KEY = re.compile(r"[^A-Za-z0-9._-]+")


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
