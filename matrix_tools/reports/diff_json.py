"""The diff as JSON text (the JSON contract of design.md, schemas/diff.schema.json).

The plain data itself comes from ``DiffResult.to_dict()`` (``diffing/plain.py``), the one
place that turns a result into dicts; the Markdown and HTML renderers read the same dict, so
every format shows the same facts.
"""

from __future__ import annotations

from matrix_tools.diffing.plain import (
    change_to_dict,
    diff_to_dict,
    header_change_to_dict,
    side_to_dict,
    unknown_row_to_dict,
)
from matrix_tools.diffing.result import DiffResult
from matrix_tools.safety import safe_json_dumps

SCHEMA = "diff.schema.json"

__all__ = [
    "SCHEMA", "change_to_dict", "diff_to_dict", "header_change_to_dict", "render_diff_json",
    "side_to_dict", "unknown_row_to_dict",
]


def render_diff_json(result: DiffResult) -> str:
    """Indented JSON text, ending with a newline (``allow_nan=False``: always valid JSON)."""
    return safe_json_dumps(diff_to_dict(result), indent=2) + "\n"
