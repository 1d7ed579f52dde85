"""How counts are said in messages and reports: "1 change", "3 changes", "2 rows outside the template"."""

from __future__ import annotations


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` with the word in the number it takes (``plural`` when adding an "s" is wrong)."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
