"""Each defect of issue 11, on a file LibreOffice Calc saved (tests/fixtures).

Row deleted (empty row 1048576), merged ranges in both readers, inserted columns, duplicated
rows, added sheets, formulas with and without a cached value, the Committee layout's repeated
header, the row read limit, and what was already read right (booleans, date cells in any
locale, hidden rows and sheets, sorting, autofilters, rich text) kept under test.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from helpers_fixtures import ROOT, fixture
from matrix_tools.catalogue import load_catalogue
from matrix_tools.cli import cli
from matrix_tools.diffing.engine import diff
from matrix_tools.export import export_matrix, render_export_csv
from matrix_tools.limits import DEFAULT_LIMITS
from matrix_tools.merging.engine import merge
from matrix_tools.reading.grid import _read_calamine, _read_openpyxl
from matrix_tools.reading.parse import load_matrix, parse_matrix
from matrix_tools.reading.preflight import check_file
from matrix_tools.reports.merge import write_merge_workbook
from matrix_tools.validation.engine import validate_file

SAMPLES = ROOT / "samples"
APPROVED = SAMPLES / "testland-approved.xlsx"
WORKING = SAMPLES / "testland-working.xlsx"


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- 1. a row deleted in LibreOffice ---------------------------------------------------------

def test_libreoffice_row_deletion_leaves_row_1048576_and_extents_ignore_it() -> None:
    path = fixture("row-deleted.xlsx").path
    with zipfile.ZipFile(path) as z:
        sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b'<row r="1048576"' in sheets and b'ref="A1:F1048576"' in sheets  # the real artefact
    pre = check_file(path)
    assert pre.max_row < 100 and pre.max_col < 10


def test_a_merged_mark_survives_a_row_deletion() -> None:
    matrix = load_matrix(fixture("row-deleted.xlsx").path)
    acquire = matrix.value("OP2.NW.acquire", "status")  # C7, covered by the merge C6:C7
    assert acquire.text == "X" and any(n.code == "from-merged-cell" for n in acquire.notes)
    assert not [o for o in matrix.observations if o.code == "data-outside-matrix"]


@pytest.mark.parametrize("name", ["row-deleted.xlsx", "cells-merged.xlsx", "row-duplicated.xlsx",
                                  "column-inserted.xlsx", "sheet-added.xlsx", "resave/testland-returned.xlsx"])
def test_both_readers_give_the_same_matrix(name: str) -> None:
    catalogue = load_catalogue()
    path = fixture(name).path
    streamed = parse_matrix(_read_openpyxl(path, DEFAULT_LIMITS), catalogue)
    dense = parse_matrix(_read_calamine(path, DEFAULT_LIMITS), catalogue)
    assert streamed.entries == dense.entries
    assert streamed.header == dense.header
    assert streamed.unknown_rows == dense.unknown_rows
    assert streamed.unknown_columns == dense.unknown_columns
    assert streamed.extra_sheets == dense.extra_sheets


def test_the_streaming_reader_reads_merged_ranges() -> None:
    grid = _read_openpyxl(fixture("cells-merged.xlsx").path, DEFAULT_LIMITS)
    merged = {s.name: set(s.merged) for s in grid.sheets}
    assert (5, 2, 7, 2) in merged["OP2 BW"]  # C6:C8
    assert (0, 0, 0, 5) in merged["OP1"]  # A1:F1


# --- 2. a column the State inserted ----------------------------------------------------------

def test_an_inserted_column_is_kept_in_the_model_export_and_validate() -> None:
    path = fixture("column-inserted.xlsx").path
    matrix = load_matrix(path)
    (column,) = matrix.unknown_columns
    assert (column.caption, column.cell) == ("Our comments", "'OP2 NW'!G5")
    assert column.values["OP2.NW.manufacture"].cell == "'OP2 NW'!G6"
    assert matrix.value("OP2.NW.manufacture", "remarks").cell == "'OP2 NW'!H6"  # the shift followed
    data = export_matrix(matrix)
    assert data["unknown_columns"][0]["values"][0]["value"] == "Draft law on dual-use goods before parliament"
    rows = list(csv.reader(io.StringIO(render_export_csv(data))))
    assert ["OP2.NW.possess", "Our comments", "See also the 2023 annual report", "'OP2 NW'!G8"] in [r[:4] for r in rows]
    finding = next(f for f in validate_file(path).findings if f.code == "column-unknown")
    assert finding.cell == "'OP2 NW'!G5" and "Our comments" in finding.message


def test_export_json_with_new_content_follows_its_schema() -> None:
    import jsonschema

    from matrix_tools.resources import load_schema

    for name in ("column-inserted.xlsx", "sheet-added.xlsx", "formula.xlsx", "row-duplicated.xlsx"):
        jsonschema.validate(export_matrix(load_matrix(fixture(name).path)), load_schema("export.schema.json"))


def test_diff_shows_the_text_of_an_inserted_column_added_changed_and_removed(tmp_path: Path) -> None:
    inserted = fixture("column-inserted.xlsx").path
    wb = openpyxl.load_workbook(inserted)
    wb["OP2 NW"]["G6"] = "Draft law adopted on 3 May 2024"
    wb["OP2 NW"]["G8"] = None
    wb["OP2 NW"]["G9"] = "New remark"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    result = diff(inserted, edited)
    assert {(u.kind, u.item, u.old, u.new) for u in result.unplaced} == {
        ("changed", "OP2.NW.manufacture", "Draft law on dual-use goods before parliament", "Draft law adopted on 3 May 2024"),
        ("removed", "OP2.NW.possess", "See also the 2023 annual report", ""),
        ("added", "OP2.NW.stockpile", "", "New remark"),
    }
    assert result.changes == ()
    text = run("diff", inserted, edited, "--fail-if-diff")
    assert text.exit_code == 1 and "Our comments" in text.output and "New remark" in text.output


def test_the_merged_workbook_keeps_an_inserted_column(tmp_path: Path) -> None:
    result = merge(APPROVED, WORKING, fixture("column-inserted.xlsx").path)
    assert not result.conflicts
    write_merge_workbook(result, tmp_path / "merged.xlsx")
    back = load_matrix(tmp_path / "merged.xlsx")
    (column,) = back.unknown_columns
    assert column.caption == "Our comments"
    assert {f: v.text for f, v in column.values.items()} == {
        "OP2.NW.manufacture": "Draft law on dual-use goods before parliament",
        "OP2.NW.possess": "See also the 2023 annual report",
    }


# --- 3. a duplicated row and an added sheet --------------------------------------------------

def test_a_duplicated_row_is_a_finding_and_a_change_with_its_cells() -> None:
    path = fixture("row-duplicated.xlsx").path
    matrix = load_matrix(path)
    (copy,) = matrix.unknown_rows
    assert copy.duplicate_of == "OP2.NW.acquire" and copy.row == 8
    assert copy.values["remarks"].text == "Second source: Customs Code (2015), art. 12"
    assert matrix.value("OP2.NW.acquire", "remarks").cell == "'OP2 NW'!G7"  # the first one is the field
    (row,) = diff(APPROVED, path).unknown_rows
    assert row.kind == "added" and row.duplicate_of == "OP2.NW.acquire"
    assert row.new_values["remarks"] == "Second source: Customs Code (2015), art. 12"
    result = run("diff", APPROVED, path, "--fail-if-diff", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["unknown_rows"][0]["duplicate_of"] == "OP2.NW.acquire"


def test_a_duplicated_row_stays_a_copy_through_merge(tmp_path: Path) -> None:
    path = fixture("row-duplicated.xlsx").path
    merged = tmp_path / "merged.xlsx"
    write_merge_workbook(merge(APPROVED, WORKING, path), merged)
    back = load_matrix(merged)
    (copy,) = back.unknown_rows
    assert copy.duplicate_of == "OP2.NW.acquire"
    assert copy.values["remarks"].text == "Second source: Customs Code (2015), art. 12"
    assert diff(path, merged).unknown_rows == ()


def test_an_added_sheet_is_shown_by_diff_and_kept_by_merge(tmp_path: Path) -> None:
    path = fixture("sheet-added.xlsx").path
    result = run("diff", APPROVED, path, "--fail-if-diff", "--format", "md")
    assert result.exit_code == 1
    assert "Notes of the State" in result.output and "took over licensing in 2021" in result.output
    merged = tmp_path / "merged.xlsx"
    write_merge_workbook(merge(APPROVED, WORKING, path), merged)
    back = load_matrix(merged)
    assert [(s.name, len(s.cells)) for s in back.extra_sheets] == [("Notes of the State", 3)]
    assert diff(path, merged).unplaced == ()  # nothing of the State's sheet lost on the way


def test_a_removed_sheet_of_the_state_is_a_difference() -> None:
    result = diff(fixture("sheet-added.xlsx").path, APPROVED)
    assert {u.kind for u in result.unplaced} == {"removed"} and len(result.unplaced) == 3
    assert result.has_differences


def test_report_sheets_of_matrix_tools_are_not_taken_for_the_states(tmp_path: Path) -> None:
    merged = tmp_path / "m.xlsx"
    write_merge_workbook(merge(APPROVED, WORKING, SAMPLES / "testland-returned.xlsx"), merged)
    matrix = load_matrix(merged)
    assert matrix.extra_sheets == ()
    from matrix_tools import layout
    from matrix_tools.reports import annotate
    from matrix_tools.reports import merge as merge_report

    assert {merge_report.CONFLICTS_SHEET, merge_report.APPLIED_SHEET, annotate.FINDINGS_SHEET} <= set(layout.REPORT_SHEETS)


# --- 4. formulas -----------------------------------------------------------------------------

def test_a_formula_is_recorded_with_its_cached_value_and_reported() -> None:
    path = fixture("formula.xlsx").path
    matrix = load_matrix(path)
    remark = matrix.value("OP1.iaea_member", "remarks")
    assert remark.text == "IAEA members"
    assert remark.formula == '=HYPERLINK("http://www.iaea.example.org/members","IAEA members")'
    entry = next(e for e in export_matrix(matrix)["entries"]
                 if (e["field"], e["column"]) == ("OP1.iaea_member", "remarks"))
    assert entry["formula"] == remark.formula
    found = [f for f in validate_file(path).findings if f.code == "cell-formula"]
    assert {f.cell for f in found} == {"'OP1'!E16", "'OP2 NW'!G6"}
    assert all(f.severity.value == "warning" for f in found)
    assert "=HYPERLINK(" in next(f.message for f in found if f.cell == "'OP1'!E16")


def test_a_formula_without_a_cached_value_is_never_read_as_blank(tmp_path: Path) -> None:
    # openpyxl, like many programs that write files without calculating, saves no cached value
    wb = openpyxl.load_workbook(fixture("resave/testland-approved.xlsx").path)
    wb["OP1"]["E16"] = '=HYPERLINK("http://www.iaea.example.org/members","IAEA members")'
    path = tmp_path / "no-cache.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        assert b"<v>" not in z.read("xl/worksheets/sheet3.xml").split(b'r="E16"')[1][:200].split(b"</c>")[0]
    matrix = load_matrix(path)
    remark = matrix.value("OP1.iaea_member", "remarks")
    assert remark.text == remark.formula == '=HYPERLINK("http://www.iaea.example.org/members","IAEA members")'
    assert any(n.code == "formula-uncomputed" and "without a computed value" in str(n) for n in remark.notes)
    finding = next(f for f in validate_file(path).findings if f.code == "cell-formula")
    assert "no computed value" in finding.message


def test_formulas_reach_every_report_as_plain_text(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(fixture("resave/testland-approved.xlsx").path)
    wb["OP1"]["E16"] = '=HYPERLINK("http://evil.example/x","click")'
    path = tmp_path / "no-cache.xlsx"
    wb.save(path)
    csv_out = run("export", path, "--format", "csv")
    assert "'=HYPERLINK(" in csv_out.output and ',=HYPERLINK(' not in csv_out.output
    report = tmp_path / "changes.xlsx"
    assert run("diff", APPROVED, path, "-o", report).exit_code == 0
    shown = openpyxl.load_workbook(report)["Changes"]
    cells = [c for row in shown.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)  # a string, never a live formula
    annotated = tmp_path / "annotated.xlsx"
    run("validate", path, "--annotate", annotated)
    back = openpyxl.load_workbook(annotated)
    live = [c for ws in back.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert live == []


# --- 5. the Committee's layout: the header block above every table -------------------------

def test_the_repeated_header_block_is_read_once() -> None:
    matrix = load_matrix(fixture("committee-layout.xlsx").path)
    expected = fixture("committee-layout.xlsx").expect["header"]
    for key, dates in expected.items():
        assert [d.isoformat() for d in matrix.header[key].dates] == dates
    assert not [o for o in matrix.observations if o.code == "header-inconsistent"]


def test_copies_of_the_header_that_disagree_are_a_finding() -> None:
    item = fixture("committee-layout-disagree.xlsx")
    matrix = load_matrix(item.path)
    assert [d.isoformat() for d in matrix.header["date_of_report"].dates] == item.expect["header"]["date_of_report"]
    (finding,) = [f for f in validate_file(item.path).findings if f.code == "header-inconsistent"]
    assert finding.cell == "'OP3ab CW'!B4" and "12 October 2004" in finding.message


# --- 6. the row read limit -------------------------------------------------------------------

def test_rows_past_the_old_limit_are_read(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(fixture("resave/testland-approved.xlsx").path)
    wb["OP1"].insert_rows(6, 2_500)  # the table now starts below row 2,500
    path = tmp_path / "long.xlsx"
    wb.save(path)
    matrix = load_matrix(path)
    assert matrix.value("OP1.npt", "status").cell == "'OP1'!C2506"
    assert not [o for o in matrix.observations if o.code in ("field-missing", "data-outside-matrix")]
    assert diff(APPROVED, path).has_differences is False


def test_data_past_the_hard_limit_is_a_finding_naming_the_first_cell_not_read(tmp_path: Path) -> None:
    limit = DEFAULT_LIMITS.max_rows_read
    wb = openpyxl.load_workbook(fixture("resave/testland-approved.xlsx").path)
    wb["OP2 NW"].cell(row=limit + 7, column=3, value="X")
    wb["OP2 NW"].cell(row=limit + 9, column=1, value="later")
    path = tmp_path / "beyond.xlsx"
    wb.save(path)
    (found,) = [f for f in validate_file(path).findings if f.code == "data-outside-matrix"]
    assert found.cell == f"'OP2 NW'!C{limit + 7}"
    assert f"C{limit + 7}" in found.message


# --- 7. already read right, kept under test --------------------------------------------------

def test_booleans_dates_hidden_rows_sheets_filters_and_rich_text_read_right() -> None:
    item = fixture("values-typed.xlsx")
    actions = {e["action"] for e in item.record["edits"]}
    assert {"date", "rich-text", "autofilter", "hide-row", "hide-sheet"} <= actions
    matrix, sample = load_matrix(item.path), load_matrix(item.source)
    assert matrix.value("OP1.cppnm_2005_amendment", "info").text == "TRUE"  # a logical cell
    for key in ("date_of_report", "date_of_committee_approval"):  # real date cells, de-DE and en-US
        assert matrix.header[key].dates == sample.header[key].dates
    assert matrix.value("OP1.npt", "info") == sample.value("OP1.npt", "info")  # rich text, in full
    assert matrix.value("OP2.NW.stockpile", "status").text == "X"  # a hidden row
    with zipfile.ZipFile(item.path) as z:
        # Calc saves a filtered range as a table part with an autoFilter
        assert b'state="hidden"' in z.read("xl/workbook.xml") and b"autoFilter" in z.read("xl/tables/table1.xml")


@pytest.mark.parametrize(("name", "code"), [("marks-text.xls", "legacy-xls"), ("marks-text.ods", "ods-file")])
def test_xls_and_ods_saved_by_libreoffice_are_refused_with_what_to_do(name: str, code: str) -> None:
    # Not read (yet): neither format lets the pre-flight pass bound the grid before a parser
    # allocates it. The sender is told what to do instead, and the command exits 3.
    for command in ("validate", "export"):
        result = run(command, fixture(name).path)
        assert result.exit_code == 3, result.output
        assert name in result.output and "Save As... > Excel 2007-365 (.xlsx)" in result.output  # Excel and LibreOffice both named
        assert "Traceback" not in result.output
    assert f"[{code}]" in run("validate", fixture(name).path).output


def test_the_consultation_list_asks_about_text_outside_the_template_and_copied_rows() -> None:
    from matrix_tools.diffing.consultation import ROW_ADDED, TEXT_OUTSIDE, iter_consultation_points

    points = list(iter_consultation_points(diff(APPROVED, fixture("column-inserted.xlsx").path)))
    assert [(p.topic, p.label, p.cell) for p in points] == [
        (TEXT_OUTSIDE, "manufacture/produce", "'OP2 NW'!G6"), (TEXT_OUTSIDE, "possess", "'OP2 NW'!G8")]
    (copied,) = iter_consultation_points(diff(APPROVED, fixture("row-duplicated.xlsx").path))
    assert copied.topic == ROW_ADDED and "repeats a row of the matrix" in copied.question


def test_overlapping_merged_ranges_give_each_cell_one_origin() -> None:
    # Thousands of overlapping sheet-wide merges (Excel never writes them): each cell read gets
    # the first range's value once (the cost guard is tests/test_merged.py).
    from matrix_tools.reading.grid import SheetGrid
    from matrix_tools.reading.merged import unmerge

    ranges = tuple((i % 200, 0, i % 200, 16_383) for i in range(10_000))  # each row merged again and again
    rows = tuple(tuple(f"r{r}" if c == 0 else "" for c in range(10)) for r in range(200))
    sheet = unmerge(SheetGrid("OP1", rows, ranges))
    assert len([k for k, v in sheet.merge_origins.items() if k != v]) == 200 * 9  # every cell but the first
    assert all(sheet.rows[r] == (f"r{r}",) * 10 for r in range(200))


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html"])
def test_diff_reports_show_the_formula_of_a_changed_cell_as_text(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"changes.{ {'text': 'txt'}.get(fmt, fmt) }"
    result = run("diff", APPROVED, fixture("formula.xlsx").path, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    shown = out.read_text(encoding="utf-8")
    assert "HYPERLINK(" in shown
    if fmt == "json":
        change = next(c for c in json.loads(shown)["changes"] if c["field"] == "OP1.iaea_member")
        assert change["new_formula"].startswith("=HYPERLINK(") and change["new"] == "IAEA members"
    else:
        assert "formula in the new file" in shown
    if fmt == "html":
        assert 'href="http' not in shown  # the formula's address is text, never a live link
