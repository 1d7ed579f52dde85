"""Assigning tables to sheets: a sheet that says which table it holds gets it directly; the
other pairs are tried only for what is left over, and swapped or renamed sheets still land
where their content says."""

from __future__ import annotations

import pytest

from handmade import write_workbook
from matrix_tools.reading import locate
from matrix_tools.reading.parse import load_matrix


@pytest.fixture
def fits_tried(monkeypatch):
    """Count the table/sheet pairs the reader fits (its cost per workbook)."""
    calls: list[tuple[str, str]] = []
    real = locate.layout_table

    def counting(table, sheet, *args, **kwargs):
        calls.append((table.id, sheet.name))
        return real(table, sheet, *args, **kwargs)

    monkeypatch.setattr(locate, "layout_table", counting)
    return calls


def test_a_workbook_as_generated_costs_one_fit_per_sheet(tmp_path, catalogue, fits_tried):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.npt", "status"): "X"})
    m = load_matrix(path, catalogue)
    assert m.sheets == {t.id: t.sheet for t in catalogue.tables}
    assert sorted(fits_tried) == sorted((t.id, t.sheet) for t in catalogue.tables)


def test_only_the_sheets_left_over_are_tried_against_every_table_left(tmp_path, catalogue, fits_tried):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP2.NW.use", "status"): "X"},
                          sheet_names={"OP2.NW": "Sheet7"})
    m = load_matrix(path, catalogue)
    assert m.sheets["OP2.NW"] == "Sheet7" and m.value("OP2.NW.use", "status").text == "X"
    # the ten sheets that kept their names once each, then Sheet7 against the one table left
    assert len(fits_tried) == len(catalogue.tables) and ("OP2.NW", "Sheet7") in fits_tried


def test_swapped_sheet_names_are_read_by_their_field_ids(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue,
                          {("OP2.NW.use", "status"): "X", ("OP2.CW.use", "status"): "?"},
                          sheet_names={"OP2.NW": "OP2 CW", "OP2.CW": "OP2 NW"})
    m = load_matrix(path, catalogue)
    assert (m.sheets["OP2.NW"], m.sheets["OP2.CW"]) == ("OP2 CW", "OP2 NW")
    assert m.value("OP2.NW.use", "status").text == "X"
    assert m.value("OP2.NW.use", "status").cell.startswith("'OP2 CW'!")
    assert m.value("OP2.CW.use", "status").text == "?"


def test_a_sheet_named_for_one_table_holding_another_is_not_taken_at_its_name(tmp_path, catalogue):
    # the State deleted OP3ab CW and renamed OP3ab BW's sheet to it
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP3ab.BW.genetic_engineering", "status"): "X"},
                          sheet_names={"OP3ab.BW": "OP3ab CW"}, skip_tables=["OP3ab.CW"])
    m = load_matrix(path, catalogue)
    assert m.sheets.get("OP3ab.BW") == "OP3ab CW" and "OP3ab.CW" not in m.sheets
    assert m.value("OP3ab.BW.genetic_engineering", "status").text == "X"
