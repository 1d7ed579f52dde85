"""Three-way merge of inserted columns and added sheets (merging/unplaced.py), in memory."""

from __future__ import annotations

import dataclasses

from conftest import build_matrix
from matrix_tools.merging.engine import merge_matrices
from matrix_tools.merging.result import Side
from matrix_tools.model import ExtraSheet, Matrix, UnknownColumn, Value

BASE_TEXT = {"OP2.NW.manufacture": "Draft law before parliament", "OP2.NW.acquire": "See annual report"}


def with_column(matrix: Matrix, texts: dict[str, str], caption: str = "Our comments") -> Matrix:
    values = {f: Value(t, f"'OP2 NW'!I{i + 6}") for i, (f, t) in enumerate(texts.items()) if t}
    column = UnknownColumn("OP2.NW", "OP2 NW", 8, caption, "'OP2 NW'!I5", values)
    return dataclasses.replace(matrix, unknown_columns=(column,))


def with_sheet(matrix: Matrix, cells: dict[str, str]) -> Matrix:
    sheet = ExtraSheet("Notes of the State", {k: Value(v, f"'Notes of the State'!{k}") for k, v in cells.items()})
    return dataclasses.replace(matrix, extra_sheets=(sheet,))


def texts(matrix: Matrix) -> dict[str, str]:
    (column,) = matrix.unknown_columns
    return {f: v.text for f, v in column.values.items()}


def test_each_sides_edit_of_an_inserted_column_is_applied() -> None:
    base = with_column(build_matrix(), BASE_TEXT)
    ours = with_column(build_matrix(), {**BASE_TEXT, "OP2.NW.acquire": "See annual report 2023"})
    theirs = with_column(build_matrix(), {**BASE_TEXT, "OP2.NW.possess": "Customs Code (2015)"})
    result = merge_matrices(base, ours, theirs)
    assert texts(result.matrix) == {**BASE_TEXT, "OP2.NW.acquire": "See annual report 2023",
                                    "OP2.NW.possess": "Customs Code (2015)"}
    assert {(a.side, a.column) for a in result.applied} == {("ours", "OP2.NW.acquire"), ("theirs", "OP2.NW.possess")}
    assert result.conflicts == ()


def test_a_cell_changed_differently_on_both_sides_is_a_conflict_keeping_the_preferred_side() -> None:
    base = with_column(build_matrix(), BASE_TEXT)
    ours = with_column(build_matrix(), {**BASE_TEXT, "OP2.NW.manufacture": "Law adopted 2024"})
    theirs = with_column(build_matrix(), {**BASE_TEXT, "OP2.NW.manufacture": "Law withdrawn"})
    sides: tuple[tuple[Side, str], ...] = (("ours", "Law adopted 2024"), ("theirs", "Law withdrawn"))
    for prefer, kept in sides:
        result = merge_matrices(base, ours, theirs, prefer=prefer)
        (conflict,) = result.conflicts
        assert (conflict.column, conflict.base, conflict.ours, conflict.theirs, conflict.kept) == (
            "OP2.NW.manufacture", "Draft law before parliament", "Law adopted 2024", "Law withdrawn", prefer)
        assert texts(result.matrix)["OP2.NW.manufacture"] == kept


def test_a_column_only_the_state_added_is_kept_and_a_removed_one_goes() -> None:
    plain = build_matrix()
    added = merge_matrices(plain, plain, with_column(plain, BASE_TEXT))
    assert texts(added.matrix) == BASE_TEXT
    removed = merge_matrices(with_column(plain, BASE_TEXT), with_column(plain, BASE_TEXT), plain)
    assert removed.matrix.unknown_columns == ()
    assert {a.side for a in removed.applied} == {"theirs"}


def test_a_sheet_of_the_state_is_merged_cell_by_cell() -> None:
    base = with_sheet(build_matrix(), {"A1": "Notes", "A2": "Licensing since 2021"})
    ours = with_sheet(build_matrix(), {"A1": "Notes", "A2": "Licensing since 2021", "B5": "checked by experts"})
    theirs = with_sheet(build_matrix(), {"A1": "Notes of the State", "A2": "Licensing since 2021"})
    result = merge_matrices(base, ours, theirs)
    (sheet,) = result.matrix.extra_sheets
    assert {k: v.text for k, v in sheet.cells.items()} == {
        "A1": "Notes of the State", "A2": "Licensing since 2021", "B5": "checked by experts"}
    assert result.conflicts == ()
