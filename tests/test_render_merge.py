"""Rendering a merge: text and JSON reports (golden files, JSON Schema) and the merged workbook."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from helpers_merge import check_golden, three_versions
from matrix_tools.errors import OutputError
from matrix_tools.merging.engine import merge
from matrix_tools.reports.merge import (
    CONFLICTS_SHEET,
    merge_report,
    render_merge_json,
    render_merge_text,
    write_merge_workbook,
)
from matrix_tools.resources import load_schema

GOLDEN = Path(__file__).parent / "golden" / "merge"


@pytest.fixture
def result(make_matrix, tmp_path):
    """The merge as the command reports it: with the cells the workbook writer used."""
    return write_merge_workbook(merge(*three_versions(make_matrix)), tmp_path / "merged.xlsx")


def test_text_report_matches_the_golden_file(result):
    check_golden(GOLDEN / "report.txt", render_merge_text(result, output="merged.xlsx"))


def test_json_report_matches_the_golden_file_and_the_schema(result):
    text = render_merge_json(result, output="merged.xlsx")
    check_golden(GOLDEN / "report.json", text)
    jsonschema.validate(json.loads(text), load_schema("merge.schema.json"))


def test_json_report_lists_the_conflict_with_base_ours_theirs(result):
    report = merge_report(result)
    assert report["output"] is None
    (conflict,) = report["conflicts"]
    assert {
        k: conflict[k] for k in ("field", "column", "base", "ours", "theirs", "kept", "cell")
    } == {
        "field": "OP1.npt",
        "column": "status",
        "base": "?",
        "ours": "X",
        "theirs": "NA",
        "kept": "ours",
        "cell": "'OP1'!C6",
    }
    assert report["summary"]["conflicts"] == 1 and report["summary"]["rows_added"] == 2


def test_text_report_keeps_each_item_on_one_line(result):
    text = render_merge_text(result)
    assert "law in preparation / second line" in text
    assert "kept ours text 'Ratified 1995'" in text


def test_merged_workbook_highlights_conflicts_and_lists_them_on_the_agenda(result, tmp_path):
    out = tmp_path / "merged.xlsx"
    located = write_merge_workbook(result, out)
    wb = openpyxl.load_workbook(out)
    # With conflicts to decide, the agenda is the first tab and the one the workbook opens on.
    assert wb.sheetnames[0] == CONFLICTS_SHEET and wb.sheetnames[-1] == "Changes applied"
    assert wb.active.title == CONFLICTS_SHEET
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == [CONFLICTS_SHEET]
    cell = wb["OP1"]["C6"]
    assert cell.value == "X"
    assert cell.comment is not None and "Base: ?\nOurs: X\nTheirs: NA" in cell.comment.text
    agenda = wb[CONFLICTS_SHEET]
    rows = [r for r in agenda.iter_rows(min_row=5, values_only=True)]
    assert rows[0] == (
        "No.", "Table", "Row", "Label", "Column", "Base (last agreed)", "Ours (experts)",
        "Theirs (State)", "Kept in this workbook", "Decision", "Decided value", "Cell", "Key",
    )  # fmt: skip
    assert rows[1][:9] == (
        "1",
        "OP 1",
        "1",
        "Nuclear Non-Proliferation Treaty (NPT)",
        "YES",
        "?",
        "X",
        "NA",
        "ours",
    )
    assert rows[1][9] is None  # Decision: left empty for the consultation
    assert rows[1][10] is None  # Decided value: for a new text decided in the consultation
    assert rows[1][12] == "OP1.npt|status"  # hidden Key: how resolve finds the cell
    assert agenda.column_dimensions["M"].hidden
    (choices,) = agenda.data_validations.dataValidation
    assert choices.formula1 == '"ours,theirs,base,blank"' and str(choices.sqref) == "J6"
    assert agenda["L6"].hyperlink.location == "'OP1'!C6"
    assert located.conflicts[0].cell == "'OP1'!C6"
    # Changes taken over are in the workbook, added rows included.
    assert wb["OP2 NW"]["D6"].value == "Atomic Energy Act 1954, sect. 57"
    assert wb["OP1"]["D6"].value == "Deposit 5 March 1970"
    assert wb["About"]["B6"].value == "13 October 2004"
    labels = [wb["OP1"].cell(r, 2).value for r in range(30, 32)]
    assert labels == ["Experts' note", "Comment of the State"]


def test_merged_workbook_carries_no_formula(make_matrix, tmp_path):
    base, ours, theirs = three_versions(make_matrix)
    theirs = make_matrix({("OP1.npt", "info"): '=HYPERLINK("http://x","y")'})
    ours = make_matrix({("OP1.npt", "info"): "=1+1"})
    out = tmp_path / "merged.xlsx"
    write_merge_workbook(merge(base, ours, theirs), out)
    with zipfile.ZipFile(out) as z:
        xml = "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        )
    assert not re.search(r"<f[ >]", xml)


def test_merged_workbook_refuses_an_input_path(result, tmp_path):
    target = tmp_path / "ours.xlsx"
    target.write_bytes(b"original")
    with pytest.raises(OutputError, match="one of the input files"):
        write_merge_workbook(result, target, inputs=[tmp_path / "base.xlsx", target])
    assert target.read_bytes() == b"original"
