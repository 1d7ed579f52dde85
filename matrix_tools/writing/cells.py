"""Cells of generated workbooks: notes (highlight + comment) and their placement, text fitting.

A ``CellNote`` marks one cell of a written matrix (merge conflicts, findings, changes);
``CellKey`` is (field id, column key), with (ItemKey.header(key), "") for a header item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matrix_tools.writing.xlsx import FILLS, NOTE_STYLES, STYLE_PRIORITY

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CellKey = tuple[str, str]


COMMENT_AUTHOR = "matrix-tools"


LINE_HEIGHT = 14.5  # points per line of 10-11 pt text
MAX_ROW_HEIGHT = 409.0  # Excel's limit for one row


@dataclass(frozen=True)
class CellNote:
    """A highlight and a comment for one cell of a written matrix."""

    field: str  # field id, or ItemKey.header(key) for a header item
    column: str  # column key ("" for header items)
    style: str  # one of NOTE_STYLES
    comment: str  # plain text, shown as an Excel comment (cell note) on that cell

    @property
    def key(self) -> CellKey:
        return (self.field, self.column)


def notes_by_cell(notes: Iterable[CellNote]) -> dict[CellKey, list[CellNote]]:
    grouped: dict[CellKey, list[CellNote]] = {}
    for note in notes:
        if note.style not in FILLS:
            raise ValueError(
                f"unknown note style {note.style!r}; use one of {', '.join(NOTE_STYLES)}"
            )
        grouped.setdefault(note.key, []).append(note)
    return grouped


def merge_notes(notes: Sequence[CellNote]) -> tuple[str | None, str]:
    """The most pressing style of the notes on one cell, and their comments joined."""
    if not notes:
        return None, ""
    style = min((n.style for n in notes), key=lambda s: STYLE_PRIORITY[s])
    comment = "\n\n".join(dict.fromkeys(n.comment for n in notes if n.comment))
    return style, comment


def write_comment(ws: Worksheet, row: int, col: int, text: str) -> None:
    """An Excel comment sized to be readable without resizing."""
    text = clip(text, 32_000)
    lines = sum(max(1, math.ceil(len(part) / 48)) for part in text.split("\n"))
    ws.write_comment(
        row,
        col,
        text,
        {"author": COMMENT_AUTHOR, "width": 340, "height": min(400, 24 + 15 * lines)},
    )


def height_for(
    texts: Sequence[tuple[str, float]], *, minimum: int = 1, bold: bool = False
) -> float:
    """Row height (points) that shows every text in full, given each column's width in characters.

    Lines are counted as a spreadsheet wraps them, word by word (``textwrap``): counting
    characters alone undercounts a narrow column of long words ("Date of Committee Approval"
    takes three lines at width 14, not two). Capped at Excel's 409 points.
    """
    lines = minimum
    for text, width in texts:
        per_line = max(4, int(width * (1.0 if bold else 1.1) - 2))
        lines = max(lines, sum(_wrapped_lines(part, per_line) for part in text.split("\n")))
        if lines * LINE_HEIGHT >= MAX_ROW_HEIGHT:
            break
    return min(MAX_ROW_HEIGHT, round(LINE_HEIGHT * lines + 3, 1))


def _wrapped_lines(text: str, per_line: int) -> int:
    if len(text) <= per_line:
        return 1
    if len(text) > 40 * per_line:  # far beyond 409 points anyway: no need to wrap it all
        return math.ceil(len(text) / per_line)
    return max(1, len(textwrap.wrap(text, width=per_line, break_long_words=True, break_on_hyphens=False)))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
