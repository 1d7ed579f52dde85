"""Builders shared by the merge tests: added rows and matrices with them."""

from __future__ import annotations

from dataclasses import replace

from matrix_tools.model import Matrix, UnknownRow, Value


def added_row(
    label: str, remarks: str, *, table: str = "OP1", sheet: str = "OP1", row: int = 30
) -> UnknownRow:
    """A comment row a State inserted under a table (not in the catalogue)."""
    return UnknownRow(
        table=table,
        sheet=sheet,
        row=row,
        label=label,
        number="",
        values={"remarks": Value(remarks, f"'{sheet}'!E{row}")},
    )


def with_rows(matrix: Matrix, *rows: UnknownRow) -> Matrix:
    """The matrix with these added rows."""
    return replace(matrix, unknown_rows=tuple(rows))
