"""What to raise with the State at the bilateral consultation, drawn from a diff.

Five kinds of point (issue 4, issue 11): a measure no longer recorded, a mark downgraded to
``?``, an ``X`` without a source document, a row the State added outside the template, and
text the State wrote in a column or sheet of its own. Only
points touched by this round of changes are listed: what was agreed before stays agreed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from matrix_tools.diffing.engine import Change, DiffResult
from matrix_tools.model import Matrix

REMOVED = "Measure no longer recorded"
DOWNGRADED = "Mark downgraded to ?"
NO_SOURCE = "X without a source"
ROW_ADDED = "Row added by the State"
TEXT_OUTSIDE = "Text outside the template"  # a column or sheet the State added (issue 11)


@dataclass(frozen=True)
class ConsultationPoint:
    """One question for the meeting, with where to find it in the new workbook."""

    topic: str
    table: str
    row_number: str
    label: str
    column: str  # caption of the column concerned
    old: str
    new: str
    cell: str  # in the new workbook ("" when the cell is gone)
    question: str


def iter_consultation_points(result: DiffResult) -> Iterator[ConsultationPoint]:
    """The points to raise, in report order (table, row), concerns first within a row."""
    new = result.new_matrix
    touched: set[tuple[str, str]] = set()
    for change in result.real_changes:
        touched.add((change.field, change.column))
        if change.template is not None or change.transition is None:
            continue
        if change.transition == "X->?":
            yield _point(change, DOWNGRADED, "Which reference supports this measure now? What is incomplete?")
        elif change.concern:
            yield _point(
                change,
                REMOVED,
                f"Is this measure still in force? ({change.meaning})",
            )
    if new is not None:
        yield from _iter_missing_sources(result, new, touched)
    for row in result.unknown_rows:
        if row.kind == "added":
            text = "; ".join(f"{k}: {v}" for k, v in row.new_values.items())
            yield ConsultationPoint(
                ROW_ADDED,
                row.table,
                "",
                row.label,
                "",
                "",
                text,
                f"'{row.sheet}'!A{row.new_row}" if row.new_row else "",
                "This row repeats a row of the matrix: which of the two is right, and can they be "
                "made one?" if row.duplicate_of else
                "This row is not part of the matrix template: which data field does it belong to?",
            )
    for cell in result.unplaced:
        if cell.kind == "removed":
            continue
        where = f"column '{cell.name}'" if cell.place == "column" else f"worksheet '{cell.name}'"
        yield ConsultationPoint(
            TEXT_OUTSIDE,
            cell.table,
            "",
            cell.label if cell.place == "column" else cell.item,
            cell.name if cell.place == "column" else "",
            cell.old,
            cell.new,
            cell.new_cell,
            f"The State wrote this in a {where} that is not part of the matrix: does it belong in a data field?",
        )


def _point(change: Change, topic: str, question: str) -> ConsultationPoint:
    return ConsultationPoint(
        topic,
        change.table,
        change.row_number,
        change.label,
        change.column_caption,
        change.old,
        change.new,
        change.new_cell,
        question,
    )


def _iter_missing_sources(result: DiffResult, new: Matrix, touched: set[tuple[str, str]]) -> Iterator[ConsultationPoint]:
    """X marks in the new matrix whose source cell is empty, where the mark or source changed."""
    cat = new.catalogue
    for table in cat.tables:
        pairs = [(c.key, src.key) for c in table.columns if c.is_mark
                 for src in (table.source_column(c.key),) if src is not None]
        for row in table.rows:
            for mark_col, source_col in pairs:
                if (row.field, mark_col) not in touched and (row.field, source_col) not in touched:
                    continue
                if new.text(row.field, mark_col) != "X" or new.text(row.field, source_col):
                    continue
                col = table.column(mark_col)
                yield ConsultationPoint(
                    NO_SOURCE,
                    table.id,
                    row.number,
                    row.label,
                    col.caption,
                    "",
                    "X",
                    new.value(row.field, source_col).cell or new.value(row.field, mark_col).cell,
                    f"Which document is the source for this measure? ({table.column(source_col).caption} is empty)",
                )
