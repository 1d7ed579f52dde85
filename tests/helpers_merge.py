"""Builders shared by the merge tests: added rows and matrices with them."""

from __future__ import annotations

from dataclasses import replace

from golden_files import check_golden  # noqa: F401 - re-exported for the merge tests
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


def three_versions(make_matrix):
    """BASE, OURS, THEIRS of one State with each kind of outcome: a conflict, one-sided edits,
    an identical edit, a cosmetic difference, a header edit, rows added on both sides."""
    npt, info, make = ("OP1.npt", "status"), ("OP1.npt", "info"), ("OP2.NW.manufacture", "source")
    cwc = ("OP1.cwc", "info")
    base = make_matrix({npt: "?", cwc: "Signed 1993"})
    ours = with_rows(
        make_matrix({npt: "X", make: "Atomic Energy Act 1954, sect. 57", cwc: "Ratified 1995"}),
        added_row("Experts' note", "see national report p. 4"),
    )
    theirs = with_rows(
        make_matrix(
            {npt: "NA", info: "Deposit 5 March 1970", cwc: "ratified  1995"},
            header={"date_of_report": "13 October 2004"},
        ),
        added_row("Comment of the State", "law in preparation\nsecond line", row=31),
    )
    return base, ours, theirs
