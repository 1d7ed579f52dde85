"""The workbook writer: layout, drop-downs, notes, print set-up, safety, round trip."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matrix_tools import layout
from matrix_tools.errors import OutputError
from matrix_tools.model import Catalogue, Matrix, UnknownRow, Value
from matrix_tools.reading.parse import load_matrix
from matrix_tools.writing.cells import CellNote
from matrix_tools.writing.workbook import write_matrix_workbook

FIXED = dt.datetime(2024, 1, 2, 3, 4, 5)

VALUES = {
    ("OP1.npt", "status"): "X",
    ("OP1.npt", "info"): "Ratification 5 March 1970",
    ("OP1.npt", "remarks"): "National report (2004), p. 7",
    ("OP2.NW.manufacture", "status"): "X",
    ("OP2.NW.manufacture", "source"): "Atomic Energy Act (1998), sect. 57",
    ("OP2.NW.manufacture", "enforcement"): "?",
    ("OP3cd.BW.catch_all", "status"): "NA",
    ("OP6_8d.other_information", "info"): "Line one\nLine two",
}


@pytest.fixture(scope="module")
def written(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Matrix, dict[tuple[str, str], str]]:
    from conftest import build_matrix

    matrix = build_matrix(VALUES, state="Republic of Testland", iso3="XTL")
    path = tmp_path_factory.mktemp("wb") / "matrix.xlsx"
    notes = [
        CellNote("OP2.NW.manufacture", "status", "changed", "Was: blank"),
        CellNote("OP2.NW.manufacture", "status", "conflict", "State: X; experts: ?"),
        CellNote("OP1.npt", "remarks", "info", "Checked"),
        CellNote("header:date_of_report", "", "warning", "Earlier version said 24 October 2004"),
        CellNote("OP9.nothing", "status", "error", "A note about a field this catalogue lacks"),
    ]
    cells = write_matrix_workbook(path, matrix, notes=notes, created=FIXED)
    return path, matrix, cells


@pytest.fixture(scope="module")
def book(written: tuple[Path, Matrix, dict[tuple[str, str], str]]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(written[0])


def _split(ref: str) -> tuple[str, str]:
    sheet, coordinate = ref.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), coordinate


def test_sheets_are_about_legend_then_one_per_table(
    book: openpyxl.Workbook, catalogue: Catalogue
) -> None:
    assert book.sheetnames == [layout.ABOUT_SHEET, layout.LEGEND_SHEET] + [
        t.sheet for t in catalogue.tables
    ]


def test_returned_cells_are_the_cells_layout_py_defines(written, catalogue: Catalogue) -> None:
    _, matrix, cells = written
    table_cells = {key: ref for key, ref in cells.items() if not key[0].startswith("header:")}
    assert table_cells == {key: value.cell for key, value in matrix.entries.items()}
    assert len(table_cells) == sum(1 for _ in catalogue.iter_keys())


def test_values_sit_in_the_returned_cells(written, book: openpyxl.Workbook) -> None:
    _, _, cells = written
    for key, text in VALUES.items():
        sheet, coordinate = _split(cells[key])
        assert book[sheet][coordinate].value == text, key


def test_captions_labels_numbers_and_field_ids_follow_the_layout(
    book: openpyxl.Workbook, catalogue: Catalogue
) -> None:
    for table in catalogue.tables:
        ws = book[table.sheet]
        caption = [c.value for c in ws[layout.CAPTION_ROW + 1]]
        expected = [layout.NUMBER_CAPTION, table.label_caption, *(c.caption for c in table.columns)]
        assert caption == [*expected, layout.FIELD_ID_CAPTION]
        for index, row in enumerate(table.rows):
            excel_row = layout.data_row(index) + 1
            assert ws.cell(excel_row, layout.NUMBER_COL + 1).value == row.number
            assert ws.cell(excel_row, layout.LABEL_COL + 1).value == row.label
            assert ws.cell(excel_row, layout.field_id_col(table) + 1).value == row.field


def test_title_table_title_and_state_head_each_table_sheet(
    book: openpyxl.Workbook, catalogue: Catalogue
) -> None:
    for table in catalogue.tables:
        ws = book[table.sheet]
        assert ws["A1"].value == "1540 COMMITTEE MATRIX"
        assert ws["A2"].value == table.title
        assert (ws["A3"].value, ws["B3"].value) == ("State:", "Republic of Testland")


def test_every_mark_cell_has_a_warning_style_drop_down_with_help(
    book: openpyxl.Workbook, catalogue: Catalogue
) -> None:
    for table in catalogue.tables:
        ws = book[table.sheet]
        validations = ws.data_validations.dataValidation
        for col in (c for c in table.columns if c.is_mark):
            letter = openpyxl.utils.get_column_letter(layout.value_col(table, col.key) + 1)
            first, last = layout.data_row(0) + 1, layout.data_row(len(table.rows) - 1) + 1
            matching = [
                dv for dv in validations if f"{letter}{first}:{letter}{last}" in str(dv.sqref)
            ]
            assert len(matching) == 1, (table.id, col.key)
            dv = matching[0]
            assert (dv.type, dv.formula1, dv.errorStyle) == ("list", '"X,?,NA"', "warning")
            assert dv.prompt == col.help and dv.showInputMessage
        text_letters = {
            openpyxl.utils.get_column_letter(layout.value_col(table, c.key) + 1)
            for c in table.columns
            if not c.is_mark
        }
        for dv in validations:
            assert not any(str(dv.sqref).startswith(letter) for letter in text_letters)


def test_notes_highlight_the_cell_and_attach_one_comment(written, book: openpyxl.Workbook) -> None:
    _, _, cells = written
    sheet, coordinate = _split(cells[("OP2.NW.manufacture", "status")])
    cell = book[sheet][coordinate]
    assert cell.comment is not None
    assert "Was: blank" in cell.comment.text and "State: X; experts: ?" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("F9B46B")  # conflict wins over changed
    with zipfile.ZipFile(written[0]) as archive:  # openpyxl does not read comment sizes back
        vml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".vml")).decode()
    widths = [float(w) for w in re.findall(r"width:([0-9.]+)pt", vml)]
    assert widths and min(widths) >= 200
    sheet, coordinate = _split(cells[("OP1.npt", "remarks")])
    assert book[sheet][coordinate].fill.fgColor.rgb.endswith("D6E8F7")
    plain_sheet, plain = _split(cells[("OP1.npt", "status")])
    assert book[plain_sheet][plain].comment is None


def test_header_note_lands_on_the_about_value(written, book: openpyxl.Workbook) -> None:
    _, _, cells = written
    sheet, coordinate = _split(cells[("header:date_of_report", "")])
    assert sheet == layout.ABOUT_SHEET
    assert book[sheet][coordinate].comment.text.startswith("Earlier version")


def test_note_for_an_unknown_cell_is_listed_on_the_about_sheet(book: openpyxl.Workbook) -> None:
    texts = [c.value for row in book[layout.ABOUT_SHEET].iter_rows() for c in row if c.value]
    assert "A note about a field this catalogue lacks" in texts


def test_about_sheet_lists_header_items_and_catalogue(
    book: openpyxl.Workbook, catalogue: Catalogue
) -> None:
    ws = book[layout.ABOUT_SHEET]
    first = layout.ABOUT_FIRST_ROW + 1
    labels = [ws.cell(first + i, 1).value for i in range(len(catalogue.header))]
    assert labels == [item.label for item in catalogue.header]
    values = {
        ws.cell(first + i, 1).value: ws.cell(first + i, 2).value
        for i in range(len(catalogue.header) + 3)
    }
    assert values["State:"] == "Republic of Testland"
    assert values["ISO 3166 alpha-3 code:"] == "XTL"
    assert values["Date of Report:"] == "12 October 2004"
    assert values["Catalogue:"] == catalogue.id
    assert values["Catalogue version:"] == catalogue.version
    header_labels = {item.label for item in catalogue.header} | {
        a for i in catalogue.header for a in i.aliases
    }
    assert not {"Catalogue:", "Catalogue version:", "Catalogue file:"} & header_labels


def test_dates_are_written_in_the_matrix_style_as_text(tmp_path: Path, make_matrix) -> None:
    matrix = make_matrix(
        header={
            "date_of_report": "2004-10-12",
            "dates_of_additional_reports": "21/12/2007; 13 Sept 2005",
        }
    )
    cells = write_matrix_workbook(tmp_path / "d.xlsx", matrix)
    ws = openpyxl.load_workbook(tmp_path / "d.xlsx")[layout.ABOUT_SHEET]
    report = ws[_split(cells[("header:date_of_report", "")])[1]]
    extra = ws[_split(cells[("header:dates_of_additional_reports", "")])[1]]
    assert (report.value, report.data_type) == ("12 October 2004", "s")
    assert extra.value == "21 December 2007; 13 September 2005"


def test_frozen_panes_and_print_set_up(book: openpyxl.Workbook, catalogue: Catalogue) -> None:
    for table in catalogue.tables:
        ws = book[table.sheet]
        assert ws.freeze_panes == "C6"
        assert ws.print_title_rows == "$5:$5"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (
            1,
            0,
        )  # absent means 1
        assert "Republic of Testland" in ws.oddHeader.left.text
        assert "&P" in ws.oddFooter.right.text


def test_multi_line_text_gets_a_row_tall_enough(written, book: openpyxl.Workbook) -> None:
    _, _, cells = written
    sheet, coordinate = _split(cells[("OP6_8d.other_information", "info")])
    ws = book[sheet]
    row = int(re.sub(r"[A-Z]", "", coordinate))
    assert ws[coordinate].alignment.wrap_text
    assert ws.row_dimensions[row].height >= 2 * 14


def test_unknown_rows_stay_where_the_state_put_them_with_an_empty_field_id(
    tmp_path: Path, make_matrix, catalogue
) -> None:
    base = make_matrix()
    comment = UnknownRow(
        table="OP3cd.NW",
        sheet="OP3cd NW",
        row=12,
        label="Comment of the State: see the new Customs Code",
        number="",
        values={
            "remarks": Value("Customs Code (2015), art. 210-214"),
            "Added by State": Value("note"),
        },
    )
    matrix = Matrix(
        base.catalogue,
        base.state,
        base.header,
        base.entries,
        unknown_rows=(comment,),
        sheets=base.sheets,
    )
    cells = write_matrix_workbook(tmp_path / "u.xlsx", matrix)
    table = catalogue.table("OP3cd.NW")
    ws = openpyxl.load_workbook(tmp_path / "u.xlsx")[table.sheet]
    # The State's row 12 came after the catalogue row read from row 11 (the sixth): it stays there,
    # and the catalogue rows below it move down by one.
    excel_row = 12
    assert ws.cell(excel_row - 1, layout.field_id_col(table) + 1).value == table.rows[5].field
    assert ws.cell(excel_row, layout.LABEL_COL + 1).value == comment.label
    assert ws.cell(excel_row + 1, layout.field_id_col(table) + 1).value == table.rows[6].field
    assert cells[(table.rows[6].field, "status")] == f"'OP3cd NW'!C{excel_row + 1}"
    assert ws.cell(excel_row, layout.field_id_col(table) + 1).value is None
    assert cells[(comment.key, "remarks")] == f"'OP3cd NW'!G{excel_row}"
    sheet, coordinate = _split(cells[(comment.key, "Added by State")])
    assert ws[coordinate].value == "note"


def test_formula_like_text_is_stored_as_a_string(tmp_path: Path, make_matrix) -> None:
    hostile = '=HYPERLINK("http://x")'
    matrix = make_matrix(
        {("OP1.npt", "remarks"): hostile, ("OP1.cwc", "info"): "http://www.example.gov/law"}
    )
    cells = write_matrix_workbook(tmp_path / "f.xlsx", matrix)
    with zipfile.ZipFile(tmp_path / "f.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
        assert not any("hyperlink" in n for n in archive.namelist())
    sheet, coordinate = _split(cells[("OP1.npt", "remarks")])
    assert openpyxl.load_workbook(tmp_path / "f.xlsx")[sheet][coordinate].value == hostile


def test_refuses_to_write_over_an_input(tmp_path: Path, make_matrix) -> None:
    target = tmp_path / "in.xlsx"
    target.write_bytes(b"original")
    with pytest.raises(OutputError, match="input"):
        write_matrix_workbook(target, make_matrix(), inputs=[target])
    assert target.read_bytes() == b"original"
    assert list(tmp_path.iterdir()) == [target]


def test_same_matrix_and_creation_date_give_identical_bytes(tmp_path: Path, make_matrix) -> None:
    matrix = make_matrix(VALUES)
    write_matrix_workbook(tmp_path / "a.xlsx", matrix, created=FIXED)
    write_matrix_workbook(tmp_path / "b.xlsx", matrix, created=FIXED)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_extra_sheets_come_after_the_tables_and_see_the_cells(tmp_path: Path, make_matrix) -> None:
    seen = {}

    def conflicts(wb, styles, cells) -> None:
        seen.update(cells)
        ws = wb.add_worksheet("Conflicts")
        ws.write_string(0, 0, "Field", styles.get("caption"))

    write_matrix_workbook(tmp_path / "e.xlsx", make_matrix(), extra_sheets=conflicts)
    assert openpyxl.load_workbook(tmp_path / "e.xlsx").sheetnames[-1] == "Conflicts"
    assert seen[("OP1.npt", "status")] == "'OP1'!C6"


def test_unknown_note_style_is_refused(tmp_path: Path, make_matrix) -> None:
    with pytest.raises(ValueError, match="unknown note style"):
        write_matrix_workbook(
            tmp_path / "x.xlsx", make_matrix(), notes=[CellNote("OP1.npt", "status", "pink", "")]
        )
    assert not list(tmp_path.iterdir())


def test_written_matrix_reads_back_with_the_same_entries_and_cells(
    tmp_path: Path, make_matrix
) -> None:
    matrix = make_matrix(VALUES, state="Republic of Testland", iso3="XTL")
    write_matrix_workbook(tmp_path / "r.xlsx", matrix)
    back = load_matrix(tmp_path / "r.xlsx")
    assert {k: (v.text, v.cell) for k, v in back.entries.items()} == {
        k: (v.text, v.cell) for k, v in matrix.entries.items()
    }
    assert back.state == matrix.state
    assert back.header["date_of_report"].dates == (dt.date(2004, 10, 12),)
    assert back.unknown_rows == ()


def _realistic_text():

    from matrix_tools.reading.normalise import normalise_text

    alphabet = st.characters(
        whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Po", "Pd", "Ps", "Pe", "Sm"),
        blacklist_characters="\u00a0\u2007\u202f\u3000",
    )
    words = st.text(alphabet, min_size=1, max_size=40) | st.sampled_from(
        [
            '=HYPERLINK("http://x")',
            "+1 (555) 0100",
            "-art. 5",
            "http://www.example.gov/law",
            "12 October 2004",
        ]
    )
    lines = st.lists(words, min_size=1, max_size=3).map("\n".join)
    return lines.map(lambda t: normalise_text(t)[0]).filter(bool)


def test_any_values_written_read_back_identical(
    tmp_path_factory: pytest.TempPathFactory, catalogue
) -> None:
    """Round trip, property-based: whatever the values, write then read gives the same entries."""

    from conftest import build_matrix
    from matrix_tools.reading.parse import load_matrix

    keys = [(row.field, col.key, col.is_mark) for _, row, col in catalogue.iter_keys()]

    @settings(max_examples=12, deadline=None, database=None)
    @given(
        st.dictionaries(
            st.sampled_from(keys),
            st.one_of(st.sampled_from(["X", "?", "NA"]), _realistic_text()),
            min_size=1,
            max_size=12,
        )
    )
    def check(chosen: dict) -> None:
        values = {
            (f, c): (text if not is_mark or text in ("X", "?", "NA") else "X")
            for (f, c, is_mark), text in chosen.items()
        }
        matrix = build_matrix(values, catalogue=catalogue)
        path = tmp_path_factory.mktemp("prop") / "m.xlsx"
        write_matrix_workbook(path, matrix)
        back = load_matrix(path, catalogue=catalogue)
        got = {k: (v.text, v.cell) for k, v in back.entries.items() if v.text}
        assert got == {k: (v.text, v.cell) for k, v in matrix.entries.items() if v.text}
        assert back.unknown_rows == ()

    check()


def test_source_date_epoch_fixes_the_creation_date(
    tmp_path: Path, make_matrix, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_matrix_workbook(tmp_path / "a.xlsx", make_matrix())
    write_matrix_workbook(tmp_path / "b.xlsx", make_matrix())
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    created = openpyxl.load_workbook(tmp_path / "a.xlsx").properties.created
    assert created == dt.datetime(2023, 11, 14, 22, 13, 20)


@pytest.mark.parametrize("sheet", ["OP1?", "About", "Legend"])
def test_catalogue_sheet_name_excel_refuses_is_a_catalogue_error(
    tmp_path: Path, catalogue, sheet: str
) -> None:
    from dataclasses import replace

    from matrix_tools.errors import CatalogueError
    from matrix_tools.writing.template import blank_matrix

    odd = replace(
        catalogue, tables=(replace(catalogue.tables[0], sheet=sheet), *catalogue.tables[1:])
    )
    with pytest.raises(CatalogueError, match="cannot be used in Excel"):
        write_matrix_workbook(tmp_path / "c.xlsx", blank_matrix(odd, "Testland", "XTL"))
    assert not list(tmp_path.iterdir())


def test_about_date_cells_say_how_to_write_dates(written, book: openpyxl.Workbook) -> None:
    _, _, cells = written
    _, coordinate = _split(cells[("header:dates_of_additional_reports", "")])
    prompts = {
        str(dv.sqref): dv.prompt for dv in book[layout.ABOUT_SHEET].data_validations.dataValidation
    }
    assert "12 October 2004" in prompts[coordinate] and ";" in prompts[coordinate]


def test_two_inserted_rows_with_the_same_label_keep_their_own_cells_and_notes(tmp_path: Path, make_matrix) -> None:
    import dataclasses

    first = UnknownRow("OP1", "OP1", 30, "Comment", "", {"remarks": Value("first")})
    second = UnknownRow("OP1", "OP1", 31, "Comment", "", {"remarks": Value("second")})
    matrix = dataclasses.replace(make_matrix(), unknown_rows=(first, second))
    notes = [CellNote("OP1::comment#2", "remarks", "added", "the second comment row")]
    cells = write_matrix_workbook(tmp_path / "two.xlsx", matrix, notes=notes)
    one, two = cells[("OP1::comment", "remarks")], cells[("OP1::comment#2", "remarks")]
    assert one != two
    ws = openpyxl.load_workbook(tmp_path / "two.xlsx")["OP1"]
    assert ws[one.split("!")[1]].value == "first" and ws[two.split("!")[1]].value == "second"
    assert ws[two.split("!")[1]].comment.text.startswith("the second comment row")
    assert ws[one.split("!")[1]].comment is None
