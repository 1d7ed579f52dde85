"""``matrix-tools resolve`` end to end: merge -> decisions typed in the agenda -> final matrix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import openpyxl
import pytest

import matrix_tools
from helpers_resolve import BWC, CWC, MAKE, NPT, agenda_columns, fill_decisions, make_merged, run
from matrix_tools.reading.parse import load_matrix
from matrix_tools.resources import load_schema

FIXTURES = Path(__file__).parent / "fixtures" / "resolve"
ALL_DECIDED = {
    "npt": ("theirs", None),
    "cwc": (None, "Ratified 1995 (instrument deposited 2 May 1995)"),
    "bwc": ("Experts’ copy", None),  # the agenda's own words, curly apostrophe as Excel types it
    "date": ("BASE", None),
    "row": ("State's return.", None),
}


@pytest.fixture
def merged(make_matrix, tmp_path):
    return make_merged(make_matrix, tmp_path)


def test_every_conflict_decided_writes_the_final_matrix_with_the_decided_values(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED)
    final = tmp_path / "final.xlsx"
    result = run("resolve", decided, "-o", final)
    assert result.exit_code == 0, result.output
    matrix = load_matrix(final)
    assert matrix.text(*NPT) == "NA"
    assert matrix.text(*CWC) == "Ratified 1995 (instrument deposited 2 May 1995)"
    assert matrix.text(*BWC) == "X"
    assert matrix.header["date_of_report"].text == "12 October 2004"
    assert {r.label: r.values["remarks"].text for r in matrix.unknown_rows} == {"Comment": "State's wording"}
    assert matrix.text(*MAKE) == "Atomic Energy Act 1954, sect. 57"  # applied by the merge, kept
    assert "All decided: 1 from ours, 2 from theirs, 1 from base, 1 typed." in result.output


def test_the_final_workbook_is_a_clean_matrix_without_the_agenda_sheets(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED)
    final = tmp_path / "final.xlsx"
    assert run("resolve", decided, "-o", final).exit_code == 0
    names = openpyxl.load_workbook(final).sheetnames
    assert "Conflicts" not in names and "Changes applied" not in names
    assert names[:2] == ["About", "Legend"]
    report = json.loads(run("validate", final, "--format", "json").output)
    codes = {f["code"] for f in report["files"][0]["findings"]}
    assert "sheet-unrecognised" not in codes and "file-unreadable" not in codes


def test_the_json_record_names_each_decision_and_the_file_it_came_from(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED)
    record = tmp_path / "decisions.json"
    result = run("resolve", decided, "-o", tmp_path / "final.xlsx", "--report", record, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(record.read_text(encoding="utf-8"))
    jsonschema.validate(data, load_schema("resolve.schema.json"))
    by_field = {(d["field"], d["column_key"]): d for d in data["decisions"]}
    assert by_field[NPT]["choice"] == "theirs" and by_field[NPT]["from"].endswith("theirs.xlsx")
    assert by_field[CWC]["choice"] == "value" and by_field[CWC]["from"] == ""
    assert by_field[("header:date_of_report", "")]["from"].endswith("base.xlsx")
    assert data["summary"] == {"conflicts": 5, "decided": 5, "undecided": 0, "not_understood": 0,
                               "from_ours": 1, "from_theirs": 2, "from_base": 1, "typed": 1, "ok": True}


def test_an_undecided_conflict_exits_1_lists_it_and_writes_nothing(merged, tmp_path):
    partly = dict(ALL_DECIDED)
    del partly["cwc"]
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", partly)
    final, record = tmp_path / "final.xlsx", tmp_path / "record.txt"
    result = run("resolve", decided, "-o", final, "--report", record)
    assert result.exit_code == 1
    assert "1 undecided" in result.output
    assert "OP 1 8" not in result.output  # only the undecided row is listed
    assert "Convention" in result.output or "cwc" in result.output.lower() or "Chemical" in result.output
    assert "'Conflicts'!J" in result.output  # where to type the decision
    assert not final.exists() and not record.exists()


def test_a_decision_not_understood_exits_1_with_the_reason(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", {**ALL_DECIDED, "npt": ("maybe later", None)})
    final = tmp_path / "final.xlsx"
    result = run("resolve", decided, "-o", final)
    assert result.exit_code == 1
    assert "'maybe later' is not understood" in result.output
    assert not final.exists()


def test_a_decided_value_that_is_not_a_mark_is_refused_for_a_mark_cell(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", {**ALL_DECIDED, "npt": (None, "probably")})
    result = run("resolve", decided, "-o", tmp_path / "final.xlsx")
    assert result.exit_code == 1
    assert "'probably' is not a mark" in result.output


def test_a_typed_mark_is_stored_in_its_canonical_form(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", {**ALL_DECIDED, "npt": (None, " x ")})
    final = tmp_path / "final.xlsx"
    assert run("resolve", decided, "-o", final).exit_code == 0
    assert load_matrix(final).text(*NPT) == "X"


def test_a_decision_and_a_different_decided_value_are_ambiguous(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", {**ALL_DECIDED, "cwc": ("ours", "Something else")})
    result = run("resolve", decided, "-o", tmp_path / "final.xlsx")
    assert result.exit_code == 1
    assert "keep one of the two" in result.output


def test_blank_as_a_decision_empties_the_cell(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", {**ALL_DECIDED, "cwc": ("blank", None)})
    final = tmp_path / "final.xlsx"
    assert run("resolve", decided, "-o", final).exit_code == 0
    assert load_matrix(final).text(*CWC) == ""


def test_a_cell_corrected_by_hand_in_a_table_sheet_is_kept(merged, tmp_path):
    def correct(wb):
        wb["OP2 NW"]["D6"] = "Atomic Energy Act 1954, sect. 57 and 92"

    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED, edit=correct)
    final = tmp_path / "final.xlsx"
    assert run("resolve", decided, "-o", final).exit_code == 0
    assert load_matrix(final).text(*MAKE) == "Atomic Energy Act 1954, sect. 57 and 92"


def test_agenda_rows_sorted_by_a_person_still_find_their_cells(merged, tmp_path):
    def sort_rows(wb):
        ws = wb["Conflicts"]
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6, max_row=ws.max_row)]
        for r, values in enumerate(reversed(rows), start=6):
            for c, value in enumerate(values, start=1):
                ws.cell(r, c).value = value

    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED, edit=sort_rows)
    final = tmp_path / "final.xlsx"
    assert run("resolve", decided, "-o", final).exit_code == 0
    assert load_matrix(final).text(*NPT) == "NA"


def test_without_the_key_column_the_cell_column_identifies_the_conflict(merged, tmp_path):
    def drop_key(wb):
        ws = wb["Conflicts"]
        ws.delete_cols(agenda_columns(ws)["Key"])

    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED, edit=drop_key)
    final = tmp_path / "final.xlsx"
    result = run("resolve", decided, "-o", final)
    assert result.exit_code == 0, result.output
    matrix = load_matrix(final)
    assert matrix.text(*NPT) == "NA" and matrix.text(*BWC) == "X"
    assert matrix.header["date_of_report"].text == "12 October 2004"


def test_a_workbook_without_a_conflicts_sheet_exits_3(make_matrix, tmp_path):
    from matrix_tools.writing.workbook import write_matrix_workbook

    plain = tmp_path / "plain.xlsx"
    write_matrix_workbook(plain, make_matrix())
    result = run("resolve", plain, "-o", tmp_path / "final.xlsx")
    assert result.exit_code == 3
    assert "no 'Conflicts' sheet" in result.output
    assert "Traceback" not in result.output


def test_the_final_workbook_may_not_replace_the_merged_one(merged, tmp_path):
    before = merged.read_bytes()
    result = run("resolve", merged, "-o", merged)
    assert result.exit_code == 2
    assert merged.read_bytes() == before


def test_submitted_text_in_a_decided_value_stays_text(merged, tmp_path):
    def type_formula_text(wb):
        ws = wb["Conflicts"]
        cols = agenda_columns(ws)
        row = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, cols["Key"]).value == "OP1.cwc|info")
        cell = ws.cell(row, cols["Decided value"])
        cell.value, cell.data_type = '=HYPERLINK("http://x")', "s"  # text, as Excel keeps '=... typed

    partly = {k: v for k, v in ALL_DECIDED.items() if k != "cwc"}
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", partly, edit=type_formula_text)
    final = tmp_path / "final.xlsx"
    assert run("resolve", decided, "-o", final).exit_code == 0
    import zipfile

    with zipfile.ZipFile(final) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert load_matrix(final).text(*CWC) == '=HYPERLINK("http://x")'


def test_the_python_twin_returns_the_final_matrix_or_the_problems(merged, tmp_path):
    result = matrix_tools.resolve(merged)
    assert not result.ok and result.summary()["undecided"] == 5
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED)
    result = matrix_tools.resolve(decided)
    assert result.ok and result.matrix.text(*NPT) == "NA"


def test_an_agenda_saved_by_libreoffice_is_read(tmp_path):
    """tests/fixtures/resolve/merged-libreoffice.xlsx: the samples' merge with the Decision typed
    and one table cell corrected, re-saved by LibreOffice (scripts/make_resolve_fixture.py)."""
    source = FIXTURES / "merged-libreoffice.xlsx"
    copy = tmp_path / "merged.xlsx"
    shutil.copyfile(source, copy)
    final = tmp_path / "final.xlsx"
    result = run("resolve", copy, "-o", final, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(d["choice"], d["from"]) for d in data["decisions"]] == [("theirs", "samples/testland-returned.xlsx")]
    matrix = load_matrix(final)
    assert matrix.text("OP3ab.NW.personnel_reliability", "source") == "Nuclear Security Regulation (2019), art. 22"
    assert matrix.text("OP1.npt", "remarks") == "Corrected during the consultation"
    assert copy.read_bytes() == source.read_bytes()  # the input is never modified


def test_a_merge_without_conflicts_resolves_to_the_merged_values(make_matrix, tmp_path):
    from matrix_tools.writing.workbook import write_matrix_workbook

    base, ours = make_matrix(), make_matrix({NPT: "X"})
    paths = [tmp_path / f"{n}.xlsx" for n in ("base", "ours", "theirs")]
    for path, matrix in zip(paths, (base, ours, base), strict=True):
        write_matrix_workbook(path, matrix)
    merged = tmp_path / "merged.xlsx"
    assert run("merge", *paths, "-o", merged).exit_code == 0
    final = tmp_path / "final.xlsx"
    result = run("resolve", merged, "-o", final)
    assert result.exit_code == 0, result.output
    assert "0 conflicts" in result.output
    assert load_matrix(final).text(*NPT) == "X"


def test_a_deleted_agenda_row_is_reported_not_silently_kept(merged, tmp_path):
    def delete_third(wb):
        wb["Conflicts"].delete_rows(8)

    decided = fill_decisions(merged, tmp_path / "decided.xlsx", {k: v for k, v in ALL_DECIDED.items() if k != "cwc"},
                             edit=delete_third)
    final = tmp_path / "final.xlsx"
    result = run("resolve", decided, "-o", final)
    assert result.exit_code == 1
    assert "conflict No. 3 is no longer on the Conflicts sheet" in result.output
    assert not final.exists()


def test_a_conflict_copied_with_two_different_decisions_is_refused(merged, tmp_path):
    def duplicate_first(wb):
        ws = wb["Conflicts"]
        last = ws.max_row + 1
        for c in range(1, ws.max_column + 1):
            ws.cell(last, c).value = ws.cell(6, c).value
        ws.cell(last, agenda_columns(ws)["Decision"]).value = "ours"  # row 6 says base

    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED, edit=duplicate_first)
    result = run("resolve", decided, "-o", tmp_path / "final.xlsx")
    assert result.exit_code == 1
    assert "also on row 6 with another decision" in result.output


def test_a_key_edited_into_nonsense_falls_back_to_the_cell_or_is_refused(merged, tmp_path):
    def break_keys(wb):
        ws = wb["Conflicts"]
        cols = agenda_columns(ws)
        ws.cell(7, cols["Key"]).value = "OP9.nothing|status"  # the NPT row: its Cell still names it
        ws.cell(8, cols["Key"]).value = "OP9.nothing|status"
        ws.cell(8, cols["Cell"]).value = "'Nowhere'!A1"

    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED, edit=break_keys)
    result = run("resolve", decided, "-o", tmp_path / "final.xlsx")
    assert result.exit_code == 1
    assert "names no cell of the merged workbook" in result.output
    assert result.output.count("names no cell") == 1
