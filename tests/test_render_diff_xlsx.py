"""The xlsx change report: re-reads with openpyxl, matches its golden dump, holds no formula."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from conftest import build_matrix
from helpers_diff import check_golden, formula_cells, report_scenario
from inert import HOSTILE_TEXTS, assert_html_inert, assert_json_valid, assert_xlsx_inert
from matrix_tools.diffing.engine import diff
from matrix_tools.reports.diff_html import render_diff_html
from matrix_tools.reports.diff_json import render_diff_json
from matrix_tools.reports.diff_md import render_diff_md
from matrix_tools.reports.diff_xlsx import write_diff_xlsx

REPORT_SHEETS = ("Summary", "Changes", "For consultation")


def dump(path: Path) -> str:
    """Cell values of the report sheets and every comment of the workbook, one per line."""
    wb = openpyxl.load_workbook(path)
    lines = ["sheets: " + ", ".join(wb.sheetnames)]
    for name in REPORT_SHEETS:
        for row in wb[name].iter_rows():
            lines += [f"{name}!{c.coordinate}\t{json.dumps(c.value, ensure_ascii=False)}"
                      for c in row if c.value not in (None, "")]
    for ws in wb.worksheets:
        if ws.title in REPORT_SHEETS:
            continue
        for row in ws.iter_rows():
            lines += [f"comment {ws.title}!{c.coordinate}\t{json.dumps(c.comment.text, ensure_ascii=False)}"
                      for c in row if c.comment is not None]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory, catalogue) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "changes.xlsx"
    write_diff_xlsx(report_scenario(catalogue), path)
    return path


def test_xlsx_report_matches_golden_dump(report):
    check_golden("report.xlsx.txt", dump(report))


def test_xlsx_report_has_the_sheets_experts_use(report, catalogue):
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:4] == ["Summary", "Changes", "For consultation", "About"]
    assert set(wb.sheetnames[4:]) == {t.sheet for t in catalogue.tables} | {"Legend"} - {"Legend"}
    changes = wb["Changes"]
    assert changes.freeze_panes == "D2" and changes.auto_filter.ref
    consultation = wb["For consultation"]
    assert consultation["I1"].value.startswith("Outcome")
    assert all(consultation.cell(row=r, column=9).value is None for r in range(2, consultation.max_row + 1))
    # the new matrix: changed cell highlighted with the old value in its comment
    cell = wb["OP2 NW"]["C6"]
    assert cell.value == "?" and cell.comment.text.startswith("Was: X")
    assert cell.fill.fgColor.rgb.endswith("FFF2A8")


def test_xlsx_summary_has_a_native_chart(report):
    import zipfile

    with zipfile.ZipFile(report) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert charts
        xml = zf.read(charts[0]).decode()
    assert "<c:barChart>" in xml and "Summary" in xml


def test_xlsx_report_holds_no_formula_at_all(report):
    assert formula_cells(report) == []


def test_hostile_texts_stay_inert_in_every_report_format(tmp_path, catalogue):
    rows = catalogue.table("OP3cd.NW").rows
    new_entries = {(rows[i].field, "remarks"): text for i, text in enumerate(HOSTILE_TEXTS)}
    new_entries[(rows[0].field, "status")] = "X"
    result = diff(build_matrix({}), build_matrix(new_entries))
    path = tmp_path / "hostile.xlsx"
    write_diff_xlsx(result, path)
    assert_xlsx_inert(path, HOSTILE_TEXTS)
    values = {c.value for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows() for c in row}
    assert '=HYPERLINK("http://evil.example/x","click")' in values  # shown as text, not lost
    assert_html_inert(render_diff_html(result), HOSTILE_TEXTS)
    assert_json_valid(render_diff_json(result))
    assert "<script>" not in render_diff_md(result)


def test_report_of_identical_versions_says_there_is_nothing(tmp_path):
    m = build_matrix({("OP1.npt", "status"): "X"})
    path = tmp_path / "same.xlsx"
    write_diff_xlsx(diff(m, m), path)
    wb = openpyxl.load_workbook(path)
    assert wb["Changes"]["A2"].value == "No changes."
    assert wb["For consultation"]["A2"].value.startswith("Nothing to raise")
