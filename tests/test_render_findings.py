"""Renderers: text for people, JSON against its schema, JUnit XML; golden files under tests/golden/validate/.

Refresh the golden files on purpose only: MATRIX_TOOLS_UPDATE_GOLDEN=1 pytest tests/test_render_findings.py
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

import golden_files
from helpers_validate import CONFIG, sample_matrix, with_values
from matrix_tools import resources
from matrix_tools.errors import InputError
from matrix_tools.model import ReadNote, Value
from matrix_tools.reports.findings import (
    render_catalogue_md,
    render_catalogue_text,
    render_json,
    render_junit,
    render_text,
)
from matrix_tools.validation.engine import unreadable_result, validate
from matrix_tools.validation.findings import Severity, load_finding_catalogue

GOLDEN = Path(__file__).parent / "golden" / "validate"


def check_golden(name: str, text: str) -> None:
    golden_files.check_golden(GOLDEN / name, text)


@pytest.fixture(scope="module")
def results():
    matrix = sample_matrix({
        ("OP1.npt", "status"): "X",
        ("OP2.NW.manufacture", "status"): "?",
        ("OP2.NW.manufacture", "source"): "Act\x01 on <nuclear> & \"energy\"",
        ("OP2.NW.acquire", "enforcement"): "X",
    }, iso3="XEX", header={"date_of_report": "12 October 2004", "dates_of_additional_reports": "1 June 2003"})
    matrix = with_values(matrix, {("OP1.cwc", "status"): Value("maybe", recognised=False),
                                  ("OP1.bwc", "status"): Value("X", raw="x", notes=(ReadNote(ReadNote.MARK_READ_AS, written="x", read="X"),))})
    checked = validate(matrix, config=CONFIG)
    checked = type(checked)("returns/examplia.xlsx", checked.findings, None, checked.state, checked.iso3, matrix)
    clean = validate(sample_matrix(iso3="FRA"), config=CONFIG)
    clean = type(clean)("returns/francia.xlsx", clean.findings, None, clean.state, clean.iso3, clean.matrix)
    broken = unreadable_result("returns/old.xls", InputError("this is a legacy .xls file: save it as .xlsx",
                                                             code="legacy-xls"))
    return [checked, clean, broken]


def test_text_report_groups_findings_by_table_with_cells(results) -> None:
    text = render_text(results)
    check_golden("report.txt", text)
    assert "\x1b[" not in text
    assert "  OP1: " in text and "'OP1'!C12" in text
    assert text.rstrip().endswith("(fail on: error).")


def test_text_report_has_colour_only_when_asked(results) -> None:
    assert "\x1b[31m" in render_text(results, color=True)


def test_text_report_can_hide_notes(results) -> None:
    text = render_text(results, min_severity=Severity.WARNING)
    assert "iso3-user-assigned" not in text and "mark-invalid" in text


def test_json_report_follows_its_schema(results) -> None:
    text = render_json(results)
    data = json.loads(text)
    jsonschema.validate(data, resources.load_schema("validate.schema.json"))
    data["matrix_tools"] = "(version)"
    check_golden("report.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    assert data["summary"]["unreadable"] == 1 and data["summary"]["failed"] is True
    unreadable = data["files"][2]
    assert unreadable["error"] == {"code": "legacy-xls", "message": "this is a legacy .xls file: save it as .xlsx"}
    assert unreadable["findings"][0]["code"] == "file-unreadable" and unreadable["valid"] is False
    first = data["files"][0]
    assert {"code": "mark-invalid", "cell": "'OP1'!C12"}.items() <= next(
        f for f in first["findings"] if f["code"] == "mark-invalid").items()


def test_junit_report_has_a_suite_per_file_and_a_case_per_table(results) -> None:
    text = render_junit(results)
    check_golden("report.xml", text)
    root = ET.fromstring(text.encode("utf-8"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["returns/examplia.xlsx", "returns/francia.xlsx", "returns/old.xls"]
    first = suites[0]
    names = [case.get("name") for case in first.findall("testcase")]
    assert names[:3] == ["Workbook", "Header", "OP1"] and len(names) == 13
    op1 = first.find("testcase[@name='OP1']")
    assert op1 is not None and op1.find("failure") is not None
    assert "'OP1'!C12" in (op1.find("failure").text or "")  # type: ignore[union-attr]
    assert first.get("failures") == "2" and suites[1].get("failures") == "0"
    assert suites[2].get("errors") == "1"
    assert "\x01" not in text  # control characters cannot go into XML


def test_junit_threshold_decides_what_fails(results) -> None:
    strict = ET.fromstring(render_junit(results, threshold=Severity.WARNING).encode("utf-8"))
    lenient = ET.fromstring(render_junit(results).encode("utf-8"))
    assert int(strict.get("failures") or 0) > int(lenient.get("failures") or 0)


def test_catalogue_renderings_list_every_code() -> None:
    kinds = load_finding_catalogue()
    text, md = render_catalogue_text(kinds), render_catalogue_md(kinds)
    for kind in kinds:
        assert kind.code in text and f"`{kind.code}`" in md
    assert md.count("\n") == len(kinds) + 2
