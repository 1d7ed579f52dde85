"""Golden files for rendered reports, shared by every report test.

Refresh on purpose only: ``MATRIX_TOOLS_UPDATE_GOLDEN=1 make pytest``, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def check_golden(path: str | Path, text: str) -> None:
    """``text`` must equal the golden file ``path`` (absolute, or relative to tests/golden/).

    With MATRIX_TOOLS_UPDATE_GOLDEN=1 the file is (re)written instead; a missing file fails
    the test rather than passing silently.
    """
    golden = Path(path) if Path(path).is_absolute() else GOLDEN / path
    if os.environ.get("MATRIX_TOOLS_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="\n")
    assert golden.exists(), f"golden file {golden} missing: run with MATRIX_TOOLS_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), f"differs from the golden file {golden}"
