"""Mark rules: each mark cell holds X, ?, NA or blank, as the column allows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from matrix_tools.model import Column, Mark, Matrix, ReadNote, Value
from matrix_tools.reading.normalise import normalise_text
from matrix_tools.validation.config import Config
from matrix_tools.validation.findings import Finding, make_finding, shorten


def allowed_marks(column: Column) -> str:
    """'X, ?, NA or blank' for the marks a column allows (blank is always allowed)."""
    return ", ".join(m.value for m in column.marks if m is not Mark.BLANK) + " or blank"


def mark_rewrite(value: Value) -> tuple[str, str] | None:
    """(as written, as read) when a recognised mark was written another way (``x`` -> ``X``).

    Cosmetic cleanup alone (spaces around ``X``) is not a rewrite: the text rule reports that.
    """
    if not value.recognised:
        return None
    if value.raw is not None:
        cleaned, _ = normalise_text(value.raw)
        if cleaned != value.text:
            return value.raw.strip(), Mark(value.text).display if value.text in ("X", "?", "NA", "") else value.text
    for note in value.notes:
        if note.code == ReadNote.MARK_READ_AS:
            return note.written, note.read
    return None


def check_marks(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """Marks that are not marks (error), written another way (warning), or not allowed (error)."""
    catalogue = matrix.catalogue
    for table, row, column in catalogue.iter_keys():
        if not column.is_mark:
            continue
        value = matrix.entries.get((row.field, column.key))
        if value is None:
            continue
        where: dict[str, Any] = {"cell": value.cell, "field": row.field, "column": column.key, "table": table.id}
        if not value.recognised:
            yield make_finding(
                "mark-invalid", value=value.original, expected=allowed_marks(column),
                allowed=allowed_marks(column), **where,
            )
            continue
        rewrite = mark_rewrite(value)
        if rewrite is not None:
            yield make_finding("mark-normalised", value=rewrite[0], expected=rewrite[1], **where)
        mark = value.mark
        if mark is not None and mark is not Mark.BLANK and mark not in column.marks:
            yield make_finding(
                "mark-not-allowed", value=value.text, expected=allowed_marks(column),
                allowed=allowed_marks(column), caption=shorten(column.caption, 40), **where,
            )
