"""Names in a batch run's output: the folder name of a State's reports.

Finding the submissions, hashing them and telling which State a file is have one home each
outside batching (``submissions.py``, ``identity.py``), shared with validate and consolidate.
"""

from __future__ import annotations

import re

_SAFE_KEY = re.compile(r"[^A-Za-z0-9._-]+")


def report_dir_name(key: str) -> str:
    """A folder name for a State key, safe on every file system."""
    return _SAFE_KEY.sub("_", key).strip("._") or "unnamed"
