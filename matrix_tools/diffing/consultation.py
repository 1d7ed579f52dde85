"""What to raise with the State at the bilateral consultation, drawn from a diff.

Six kinds of point (issues 4, 11, 16): a measure no longer recorded, a row the State deleted, a
mark downgraded to ``?``, an ``X`` without a source document, a row the State added outside
the template, and text the State wrote in a column or sheet of its own. Only points touched by
this round of changes are listed: what was agreed before stays agreed. The engine computes them
once into ``DiffResult.consultation``; every report (text, JSON, Markdown, HTML, xlsx) reads
them from there.
"""

from __future__ import annotations

from collections.abc import Iterator

from matrix_tools.diffing.result import Change, ConsultationPoint, DiffResult
from matrix_tools.model import Matrix

REMOVED = "Measure no longer recorded"
ROW_DELETED = "Row deleted by the State"
DOWNGRADED = "Mark downgraded to ?"
NO_SOURCE = "X without a source"
ROW_ADDED = "Row added by the State"
TEXT_OUTSIDE = "Text outside the template"  # a column or sheet the State added (issue 11)
TOPICS = (REMOVED, ROW_DELETED, DOWNGRADED, NO_SOURCE, ROW_ADDED, TEXT_OUTSIDE)

__all__ = ["TOPICS", "ConsultationPoint", "iter_consultation_points"]


def iter_consultation_points(result: DiffResult) -> Iterator[ConsultationPoint]:
    """The points to raise, in report order (table, row), concerns first within a row."""
    new = result.new_matrix
    touched: set[tuple[str, str]] = set()
    deleted: set[str] = set()
    for change in result.real_changes:
        touched.add((change.field, change.column))
        if change.row_deleted and change.template is None:
            if change.field not in deleted:
                deleted.add(change.field)
                yield _deleted_row_point(result, change)
            continue
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
        field=change.field,
        column_key=change.column,
    )


def _deleted_row_point(result: DiffResult, first: Change) -> ConsultationPoint:
    """One point for a row the State deleted: what it recorded, and the question."""
    gone = [c for c in result.real_changes if c.field == first.field and c.row_deleted]
    recorded = "; ".join(f"{c.column_caption.split(' (')[0]}: {c.old}" for c in gone)
    marks = [c for c in gone if c.transition is not None and c.old == "X"]
    question = "The State deleted this row from its workbook."
    if marks:
        question += " Is this measure still in force?"
    else:
        question += " Was this on purpose, or should the row be restored?"
    return ConsultationPoint(
        ROW_DELETED,
        first.table,
        first.row_number,
        first.label,
        "",
        recorded,
        "(row deleted)",
        "",
        question,
        field=first.field,
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
                    field=row.field,
                    column_key=mark_col,
                )
