"""What a person sees in the written reports (issue 16): each test reads the file back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import build_matrix
from helpers_diff import BASE_ENTRIES, data_row, edit_workbook, insert_row, set_cell, write_pair
from matrix_tools.batching.run import batch
from matrix_tools.cli import cli
from matrix_tools.diffing.engine import diff
from matrix_tools.merging.engine import merge
from matrix_tools.reports.diff_text import render_diff_text
from matrix_tools.reports.diff_xlsx import (
    CHANGES_SHEET,
    CONSULTATION_SHEET,
    LINK_CAPTION,
    write_diff_xlsx,
)
from matrix_tools.reports.merge import write_merge_workbook
from matrix_tools.validation.engine import validate, validate_file
from matrix_tools.writing.template import write_template
from matrix_tools.writing.workbook import write_matrix_workbook


def rows_of(ws) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def caption_index(ws, caption: str, row: int = 1) -> int:
    return next(c.column for c in ws[row] if c.value == caption)


def line_with(ws, text: str) -> list[object]:
    return next(r for r in rows_of(ws) if text in r)


@pytest.fixture
def report(tmp_path: Path, catalogue) -> Path:
    """Approval date removed, a source changed word by word, NPT's row deleted, an invalid mark,
    and a comment row inserted by the State above OP 2 NW row 3."""
    nw = catalogue.table("OP2.NW")
    op1 = catalogue.table("OP1")
    new_entries = dict(BASE_ENTRIES)
    new_entries[("OP2.NW.acquire", "source")] = "Atomic Energy Act 1954, sect. 69 Nuclear Security Act 2019"
    old, new = write_pair(
        tmp_path, BASE_ENTRIES, new_entries,
        new_header={"date_of_committee_approval": ""},
        edits=(set_cell(op1, "OP1.cwc", "status", "Yes, ratified 1970"),
               insert_row(nw, "OP2.NW.possess", ("", "Comment of the State: see annex")),
               lambda wb: wb[op1.sheet].delete_rows(data_row(op1, "OP1.npt"))),
    )
    old_m = build_matrix(BASE_ENTRIES, header={"date_of_committee_approval": "15 March 2012"})
    write_matrix_workbook(old, old_m)
    out = tmp_path / "changes.xlsx"
    write_diff_xlsx(diff(old, new), out)
    return out


def test_changes_sheet_lists_header_changes_with_their_kind_removed_in_red(report):
    ws = openpyxl.load_workbook(report)[CHANGES_SHEET]
    line = line_with(ws, "Date of Committee Approval")
    assert [v or None for v in line[:7]] == [
        "Header", None, "Date of Committee Approval", None, "removed", "15 March 2012", "(empty)"]
    row = next(r for r in ws.iter_rows() if r[2].value == "Date of Committee Approval")
    assert row[4].font.color.rgb.endswith("9C1C14") and row[0].fill.fgColor.rgb.endswith("F8D0CE")


def test_changes_link_to_the_copy_of_the_matrix_in_the_report_and_name_the_states_cells(report):
    wb = openpyxl.load_workbook(report)
    ws = wb[CHANGES_SHEET]
    assert ws.cell(1, 12).value == "Cell in the State's new workbook"
    col = caption_index(ws, LINK_CAPTION)
    row = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "acquire")
    link = row[col - 1].hyperlink
    sheet, cell = link.location.rsplit("!", 1)
    assert sheet.strip("'") in wb.sheetnames  # a sheet of this report, not of the State's file
    assert wb[sheet.strip("'")][cell].value == "Atomic Energy Act 1954, sect. 69 Nuclear Security Act 2019"


def test_the_word_diff_keeps_deleted_and_inserted_words_apart(tmp_path):
    old, new = write_pair(tmp_path, BASE_ENTRIES, {**BASE_ENTRIES, ("OP2.NW.acquire", "source"): "Nuclear Security Regulation (2019), art. 22"})
    out = tmp_path / "c.xlsx"
    write_diff_xlsx(diff(old, new), out)
    ws = openpyxl.load_workbook(out, rich_text=True)[CHANGES_SHEET]
    text = "".join(str(part) for part in ws.cell(2, 8).value)
    assert "sect. 58 Nuclear" in text and "58Nuclear" not in text


def test_the_states_inserted_row_stays_where_the_state_put_it_in_the_report_copy(report, catalogue):
    ws = openpyxl.load_workbook(report)["OP2 NW"]
    labels = [ws.cell(r, 2).value for r in range(6, 12)]
    nw = catalogue.table("OP2.NW")
    assert labels[:4] == [nw.rows[0].label, nw.rows[1].label, "Comment of the State: see annex", nw.rows[2].label]


def test_a_deleted_row_is_one_change_and_the_consultation_says_it_was_deleted(report):
    wb = openpyxl.load_workbook(report)
    changes = [r for r in rows_of(wb[CHANGES_SHEET]) if r[2] == "Nuclear Non-Proliferation Treaty (NPT)"]
    assert len(changes) == 1 and changes[0][3:5] == ["(whole row)", "row deleted"]
    assert "YES: X" in changes[0][5]
    point = line_with(wb[CONSULTATION_SHEET], "Row deleted by the State")
    assert "The State deleted this row from its workbook. Is this measure still in force?" in point


def test_an_invalid_mark_shows_what_the_cell_says(tmp_path, catalogue):
    op1 = catalogue.table("OP1")
    old, new = write_pair(tmp_path, BASE_ENTRIES, edits=(set_cell(op1, "OP1.cwc", "status", "Yes, ratified 1970"),))
    text = render_diff_text(diff(old, new))
    assert "X -> 'Yes, ratified 1970'" in text and "X -> other" not in text


def test_the_report_copy_does_not_tell_how_to_fill_it_in_nor_refer_to_a_missing_legend(report):
    wb = openpyxl.load_workbook(report)
    assert "Legend" not in wb.sheetnames
    about = " ".join(str(v) for r in rows_of(wb["About"]) for v in r if v)
    assert "How to fill in" not in about and "Legend" not in about
    assert "for reading, not for filling in" in about
    summary = " ".join(str(v) for r in rows_of(wb["Summary"]) for v in r if v)
    assert "--include-cosmetic" not in summary
    grade_notes = [wb[s].cell(4, 2).value or "" for s in wb.sheetnames[4:]]  # the line above the captions
    assert any("Row wording" in n for n in grade_notes)  # for the experts reading the report
    assert not any("see Legend" in n for n in grade_notes)


def test_long_texts_get_rows_tall_enough_to_be_read(report):
    for sheet in (CONSULTATION_SHEET, CHANGES_SHEET):
        ws = openpyxl.load_workbook(report)[sheet]
        # xlsxwriter stores neighbouring columns of one width as one range (min..max).
        widths = {i: d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
        for row in range(2, ws.max_row + 1):
            lines = max(-(-len(str(ws.cell(row, c).value or "")) // int(w)) for c, w in widths.items() if w)
            assert ws.row_dimensions[row].height >= 14.5 * lines, (sheet, row)


def test_merged_workbook_agenda_sheets_print_one_page_wide_with_headings(tmp_path, make_matrix):
    from helpers_merge import three_versions

    out = tmp_path / "merged.xlsx"
    write_merge_workbook(merge(*three_versions(make_matrix)), out)
    wb = openpyxl.load_workbook(out)
    for name, head_row in (("Conflicts", 5), ("Changes applied", 3)):
        ws = wb[name]
        # One page wide (1 is the file format's default, left out), as many pages down as needed.
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth in (None, 1)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == f"${head_row}:${head_row}"
        widths = {i: d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
        needed = max(-(-len(str(c.value)) // int(widths[c.column])) for c in ws[head_row]
                     if c.value and int(widths[c.column]))  # a hidden column (resolve's Key) prints nothing
        assert ws.row_dimensions[head_row].height >= 14.5 * needed  # no caption cut off
        assert needed >= 2 or name != "Conflicts"  # "Kept in this workbook" takes two lines


def test_merged_workbook_keeps_the_states_inserted_row_in_place(tmp_path, catalogue):
    nw = catalogue.table("OP2.NW")
    base = tmp_path / "base.xlsx"
    write_matrix_workbook(base, build_matrix(BASE_ENTRIES))
    theirs = tmp_path / "theirs.xlsx"
    write_matrix_workbook(theirs, build_matrix(BASE_ENTRIES))
    edit_workbook(theirs, insert_row(nw, "OP2.NW.possess", ("", "Comment of the State: see annex")))
    out = tmp_path / "merged.xlsx"
    write_merge_workbook(merge(base, base, theirs), out)
    ws = openpyxl.load_workbook(out)["OP2 NW"]
    assert ws.cell(8, 2).value == "Comment of the State: see annex"
    assert ws.cell(9, 2).value == nw.rows[2].label


def test_template_for_a_state_shows_no_expert_notes_and_explains_missing_row_numbers(tmp_path, catalogue):
    out = tmp_path / "template.xlsx"
    write_template(out, state="Republic of Examplia", iso3="XEX")
    wb = openpyxl.load_workbook(out)
    texts = " ".join(str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
    assert "Row wording" not in texts and "reconstructed" not in texts and "Catalogue file" not in texts
    assert "un1540-matrix" in wb.properties.description  # the expert's detail is in the properties
    note = wb["OP3ab NW"].cell(4, 2).value  # the line above the captions
    assert note == "Rows 12 and 13 are not in this table: they apply to BW (sheet OP3ab BW) only."


def test_the_legend_and_validate_agree_that_yes_is_read_as_x_and_should_be_corrected(tmp_path, catalogue):
    out = tmp_path / "template.xlsx"
    write_template(out, state="Republic of Examplia", iso3="XEX")
    legend = " ".join(str(v) for r in openpyxl.load_workbook(out)["Legend"].iter_rows(values_only=True) for v in r if v)
    assert "Please type X itself" in legend and "yes" in legend and "validation asks for them to be corrected" in legend
    op1 = catalogue.table("OP1")
    edit_workbook(out, set_cell(op1, "OP1.npt", "status", "yes"))
    findings = validate_file(out).findings
    marks = [f for f in findings if f.field == "OP1.npt" and f.code.startswith("mark-")]
    assert [(f.code, f.severity.value) for f in marks] == [("mark-normalised", "warning")]


def test_batch_and_diff_give_the_same_count_of_changes(tmp_path, catalogue):
    incoming, approved = tmp_path / "in", tmp_path / "approved"
    incoming.mkdir()
    approved.mkdir()
    old = build_matrix(BASE_ENTRIES, header={"date_of_committee_approval": "15 March 2012"})
    write_matrix_workbook(approved / "xtl-2013.xlsx", old)
    write_matrix_workbook(incoming / "xtl-2024.xlsx", build_matrix({**BASE_ENTRIES, ("OP1.ctbt", "status"): "X"}))
    result = batch(incoming, baseline=approved, output=tmp_path / "out", jobs=1)
    total = diff(approved / "xtl-2013.xlsx", incoming / "xtl-2024.xlsx").summary()["total"]
    assert total == 2  # one cell + the approval date
    assert result.entries[0].changes is not None and result.entries[0].changes["total"] == total
    summary = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")["Summary"]
    assert total in [c.value for r in summary.iter_rows(min_row=6) for c in r]
    text = CliRunner().invoke(cli, ["diff", str(approved / "xtl-2013.xlsx"), str(incoming / "xtl-2024.xlsx")]).output
    assert f"{total} changes: 1 cell (1 added), 1 header item" in text


def test_notes_that_name_no_cell_are_listed_in_the_words_of_the_matrix(catalogue):
    from matrix_tools.writing.front import describe_key

    assert describe_key(catalogue, "OP1.psi", "status") == "OP 1 · 22 Proliferation Security Initiative (PSI) · YES"
    assert describe_key(catalogue, "header:date_of_report", "") == "Header · Date of Report"
    assert describe_key(catalogue, "OP3cd.NW::comment of the state", "remarks") == (
        "OP 3 (c)(d) NW · row added by the State ('comment of the state') · remarks")


def test_findings_sheet_names_rows_and_columns_and_prints_one_page_wide(tmp_path, catalogue):
    from matrix_tools.reports.annotate import FINDINGS_SHEET, write_annotated_workbook

    op1 = catalogue.table("OP1")
    path = tmp_path / "m.xlsx"
    write_matrix_workbook(path, build_matrix({("OP1.psi", "status"): "X"}))
    edit_workbook(path, set_cell(op1, "OP1.psi", "status", "maybe"))
    out = write_annotated_workbook(tmp_path / "annotated.xlsx", validate(path))
    ws = openpyxl.load_workbook(out)[FINDINGS_SHEET]
    row = next(r for r in rows_of(ws) if r[1] == "mark-invalid")
    assert row[2:5] == ["OP 1", "22 Proliferation Security Initiative (PSI)", "YES"]
    assert "A2:J2" in {str(r) for r in ws.merged_cells.ranges}  # the intro wraps across the table instead of being cut off
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_html_and_markdown_say_a_row_was_deleted(tmp_path, catalogue):
    from matrix_tools.reports.diff_html import render_diff_html
    from matrix_tools.reports.diff_md import render_diff_md

    op1 = catalogue.table("OP1")
    old, new = write_pair(tmp_path, BASE_ENTRIES, edits=(lambda wb: wb[op1.sheet].delete_rows(data_row(op1, "OP1.npt")),))
    result = diff(old, new)
    assert {c.row_deleted for c in result.changes if c.field == "OP1.npt"} == {True}
    assert "row deleted by the State" in render_diff_html(result)
    assert "row deleted by the State" in render_diff_md(result)
    assert [p.topic for p in result.consultation] == ["Row deleted by the State"]
