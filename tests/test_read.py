"""The tolerant reader: each way a workbook comes back from people, values AND cells asserted."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from handmade import write_workbook
from matrix_tools.errors import InputError
from matrix_tools.model import Mark
from matrix_tools.reading.parse import load_matrix


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def codes(matrix) -> list[str]:
    return [o.code for o in matrix.observations]


def test_clean_workbook_reads_every_field_with_its_cell(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {
        ("OP1.npt", "status"): "X",
        ("OP1.npt", "info"): "Ratification 5 March 1970",
        ("OP2.NW.manufacture", "source"): "Atomic Energy Act (1998), sect. 57",
    })
    m = load_matrix(path, catalogue)
    assert m.value("OP1.npt", "status").text == "X"
    assert m.value("OP1.npt", "status").cell == "'OP1'!C6"
    assert m.value("OP1.npt", "info").cell == "'OP1'!D6"
    assert m.value("OP2.NW.manufacture", "source").text == "Atomic Energy Act (1998), sect. 57"
    assert m.value("OP2.NW.manufacture", "source").cell == "'OP2 NW'!D6"
    assert len(m.entries) == sum(1 for _ in catalogue.iter_keys())
    assert all(v.cell for v in m.entries.values())
    assert m.state.name == "Republic of Testland" and m.state.iso3 == "XTL"
    assert not [c for c in codes(m) if c not in ("header-missing",)]
    assert m.source is not None and m.source.sha256 == sha(path)


def test_renamed_and_reordered_sheets_are_found_by_content(tmp_path, catalogue):
    order = [t.id for t in reversed(catalogue.tables)]
    path = write_workbook(
        tmp_path / "m.xlsx", catalogue, {("OP2.NW.use", "status"): "X", ("OP2.CW.use", "status"): "?"},
        sheet_names={"OP2.NW": "Sheet7", "OP2.CW": "OP 2 chemical"}, sheet_order=order,
    )
    m = load_matrix(path, catalogue)
    assert m.value("OP2.NW.use", "status").text == "X"
    assert m.value("OP2.NW.use", "status").cell == "'Sheet7'!C13"
    assert m.value("OP2.CW.use", "status").cell == "'OP 2 chemical'!C13"
    assert m.sheets["OP2.NW"] == "Sheet7"
    assert "sheet-renamed" in codes(m)


def test_renamed_sheets_without_field_ids_are_told_apart_by_title(tmp_path, catalogue):
    names = {t.id: f"Sheet{i}" for i, t in enumerate(catalogue.tables)}
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP3ab.BW.genetic_engineering", "status"): "X",
                                                           ("OP3ab.CW.secure_use", "status"): "X"},
                          sheet_names=names, with_field_ids=False)
    m = load_matrix(path, catalogue)
    assert m.sheets == {t.id: names[t.id] for t in catalogue.tables}
    assert m.value("OP3ab.BW.genetic_engineering", "status").text == "X"
    assert m.value("OP3ab.CW.secure_use", "status").text == "X"
    assert m.value("OP3ab.NW.secure_use", "status").text == ""


def test_inserted_and_reordered_columns_are_found_by_caption(tmp_path, catalogue):
    table = catalogue.table("OP2.NW")
    order = ["remarks", "enforcement", "status", "source", "enforcement_source"]
    path = write_workbook(tmp_path / "m.xlsx", catalogue,
                          {("OP2.NW.possess", "status"): "X", ("OP2.NW.possess", "remarks"): "p. 4"},
                          column_order={"OP2.NW": order}, extra_columns={"OP2.NW": 3})
    m = load_matrix(path, catalogue)
    assert [c.key for c in table.columns] != order
    # columns: A No., B label, C remarks, D (inserted), E enforcement, F status
    assert m.value("OP2.NW.possess", "remarks").cell == "'OP2 NW'!C8"
    assert m.value("OP2.NW.possess", "status").cell == "'OP2 NW'!F8"
    assert m.value("OP2.NW.possess", "status").text == "X"


def test_inserted_row_does_not_shift_identity(tmp_path, catalogue):
    path = write_workbook(
        tmp_path / "m.xlsx", catalogue, {("OP3cd.NW.brokering", "status"): "X"},
        insert_rows={"OP3cd.NW": [(2, ["", "Note from the State: see annex", "", "Annex 3"])]},
    )
    m = load_matrix(path, catalogue)
    value = m.value("OP3cd.NW.brokering", "status")
    assert value.text == "X" and value.cell == "'OP3cd NW'!C10"  # one row lower than in the template
    [extra] = m.unknown_rows
    assert extra.label == "Note from the State: see annex" and extra.row == 8
    assert extra.values["source"].text == "Annex 3" and extra.values["source"].cell == "'OP3cd NW'!D8"
    assert "row-unknown" in codes(m)


def test_deleted_row_is_reported_and_left_blank(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, drop_rows=["OP2.BW.finance"])
    m = load_matrix(path, catalogue)
    assert m.value("OP2.BW.finance", "status").text == "" and m.value("OP2.BW.finance", "status").cell == ""
    assert [o.field for o in m.observations if o.code == "field-missing"] == ["OP2.BW.finance"]


def test_moved_rows_keep_their_identity_with_or_without_field_ids(tmp_path, catalogue):
    rows = [r.field for r in catalogue.table("OP2.CW").rows]
    moved = [rows[-1], *rows[:-1]]
    for with_ids in (True, False):
        path = write_workbook(tmp_path / f"m{with_ids}.xlsx", catalogue,
                              {("OP2.CW.terrorist_purposes", "status"): "X"},
                              row_order={"OP2.CW": moved}, with_field_ids=with_ids)
        m = load_matrix(path, catalogue)
        assert m.value("OP2.CW.terrorist_purposes", "status").cell == "'OP2 CW'!C6"
        assert m.value("OP2.CW.terrorist_purposes", "status").text == "X"
        assert m.value("OP2.CW.manufacture", "status").cell == "'OP2 CW'!C7"


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [("x", "X"), (" X ", "X"), ("Yes", "X"), ("N/A", "NA"), ("n.a.", "NA"), ("?", "?"), ("\u00a0X\u200b", "X")],
)
def test_marks_typed_by_hand_are_normalised_with_a_note(tmp_path, catalogue, typed, read_as):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.cwc", "status"): typed})
    value = load_matrix(path, catalogue).value("OP1.cwc", "status")
    assert value.text == read_as and value.mark == Mark(read_as) and value.recognised
    assert value.cell == "'OP1'!C12"
    if typed != read_as:
        assert value.raw == typed and value.notes


def test_unknown_mark_is_kept_as_text_and_flagged_unrecognised(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.cwc", "status"): "partly"})
    value = load_matrix(path, catalogue).value("OP1.cwc", "status")
    assert value.text == "partly" and not value.recognised and value.mark is None


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("Criminal\u00a0Code (2009), art.\u00a0142", "Criminal Code (2009), art. 142"),
        ("Customs\u200b Code", "Customs Code"),
        ("Code pe\u0301nal", "Code p\u00e9nal"),  # NFD -> NFC
        ("Act 1_x000D_\nAct 2", "Act 1\nAct 2"),
        ("Act 1\r\nAct 2  ", "Act 1\nAct 2"),
    ],
)
def test_text_is_normalised_and_the_original_kept(tmp_path, catalogue, typed, clean):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP2.NW.use", "source"): typed})
    value = load_matrix(path, catalogue).value("OP2.NW.use", "source")
    assert value.text == clean and value.raw == typed and value.notes


def test_merged_cells_give_their_value_to_the_whole_range(tmp_path, catalogue):
    # status of rows 1 and 2 of OP2 NW merged (C6:C7) holding one X
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP2.NW.manufacture", "status"): "X"},
                          merge=[("OP2.NW", "C6:C7")])
    m = load_matrix(path, catalogue)
    assert m.value("OP2.NW.manufacture", "status").text == "X"
    second = m.value("OP2.NW.acquire", "status")
    assert second.text == "X" and second.cell == "'OP2 NW'!C7" and second.notes[-1].code == "from-merged-cell"


def test_dates_typed_as_text_or_stored_as_excel_dates(tmp_path, catalogue):
    header = {
        "state": "Republic of Testland",
        "iso3": "XTL",
        "date_of_report": dt.datetime(2004, 10, 12),
        "dates_of_additional_reports": "13 September 2005; 21 December 2007",
        "date_of_committee_approval": "March 15, 2012",
    }
    m = load_matrix(write_workbook(tmp_path / "m.xlsx", catalogue, header=header), catalogue)
    assert m.header["date_of_report"].dates == (dt.date(2004, 10, 12),)
    assert m.header["date_of_report"].text == "12 October 2004"
    assert m.header["dates_of_additional_reports"].dates == (dt.date(2005, 9, 13), dt.date(2007, 12, 21))
    assert m.header["date_of_committee_approval"].date == dt.date(2012, 3, 15)
    assert m.header["date_of_report"].cell == "'About'!B5"


def test_header_of_the_2013_layout_inside_a_table_sheet(tmp_path, catalogue):
    header = {"state": "UNITED STATES OF AMERICA", "date_of_report": "24 October 2004",
              "Date of First Addendum:": "13 September 2005", "Date of Second Addendum:": "21 December 2007"}
    path = write_workbook(tmp_path / "m.xlsx", catalogue, header=header, about=False, header_in_sheet="OP1")
    m = load_matrix(path, catalogue)
    assert m.state.name == "UNITED STATES OF AMERICA"
    assert m.header["dates_of_additional_reports"].dates == (dt.date(2005, 9, 13), dt.date(2007, 12, 21))
    assert m.header["title"].text == "DRAFT 1540 COMMITTEE MATRIX"


def test_leading_blank_rows_keep_excel_absolute_cells(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.npt", "status"): "X"}, leading_blank_rows=3)
    assert load_matrix(path, catalogue).value("OP1.npt", "status").cell == "'OP1'!C9"


def test_missing_table_is_reported_not_fatal(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, skip_tables=["OP6_8d"])
    m = load_matrix(path, catalogue)
    assert [o.table for o in m.observations if o.code == "table-missing"] == ["OP6_8d"]
    assert m.value("OP6_8d.training", "status").text == ""


def test_reading_never_modifies_the_file(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.npt", "status"): "x"})
    before, mtime = sha(path), path.stat().st_mtime_ns
    load_matrix(path, catalogue)
    assert sha(path) == before and path.stat().st_mtime_ns == mtime


def test_a_file_that_is_not_a_workbook_is_an_input_error(tmp_path, catalogue):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("State,Mark\nTestland,X\n")
    with pytest.raises(InputError) as err:
        load_matrix(bad, catalogue)
    assert err.value.exit_code == 3
    assert "\n" not in str(err.value) and "notes.xlsx" in str(err.value)


def test_a_workbook_without_any_matrix_table_is_not_a_matrix(tmp_path, catalogue):
    import xlsxwriter

    path = tmp_path / "budget.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Budget").write_row(0, 0, ["Item", "Cost"])
    wb.close()
    with pytest.raises(InputError) as err:
        load_matrix(path, catalogue)
    assert err.value.code == "not-a-matrix" and "'Budget'" in str(err.value)
