"""validate(): rules together, configuration applied, files read, unreadable files reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handmade import write_workbook
from helpers_validate import CONFIG, TODAY, sample_matrix, summary, with_values
from matrix_tools.errors import InputError
from matrix_tools.validation.config import Config
from matrix_tools.validation.engine import RULES, validate, validate_file, validate_files
from matrix_tools.validation.findings import Severity

FULL_HEADER = {"title": "DRAFT 1540 COMMITTEE MATRIX", "state": "Republic of Examplia", "iso3": "XEX",
               "date_of_report": "12 October 2004", "dates_of_additional_reports": "",
               "date_of_committee_approval": ""}


def test_clean_matrix_is_valid_without_findings() -> None:
    matrix = sample_matrix({("OP1.npt", "status"): "X", ("OP1.npt", "info"): "Deposit 5 March 1970"})
    result = validate(matrix, config=CONFIG)
    assert result.valid and result.findings == ()
    assert result.counts == {"error": 0, "warning": 0, "info": 0}
    assert not result.failed(Severity.INFO)


def test_findings_come_in_workbook_order() -> None:
    matrix = sample_matrix({("OP3cd.BW.border_control", "status"): "X", ("OP1.npt", "status"): "X",
                            ("OP2.NW.manufacture", "status"): "X"}, iso3="")
    cells = [f.cell for f in validate(matrix, config=CONFIG).findings]
    assert cells[0] == "'About'!B4"  # header first
    assert cells[1].startswith("'OP1'!") and cells[2].startswith("'OP2 NW'!") and cells[3].startswith("'OP3cd BW'!")


def test_errors_make_the_result_invalid_and_thresholds_apply() -> None:
    result = validate(sample_matrix({("OP2.NW.manufacture", "status"): "X"}), config=CONFIG)
    assert summary(result.findings) == [("source-missing", "warning", "'OP2 NW'!D6")]
    assert result.valid and not result.failed(Severity.ERROR) and result.failed(Severity.WARNING)


def test_configuration_changes_severity_and_switches_codes_and_rules_off() -> None:
    matrix = sample_matrix({("OP2.NW.manufacture", "status"): "X", ("OP2.NW.manufacture", "remarks"): "=cmd"})
    stricter = dataclasses.replace(CONFIG, severity={"source-missing": Severity.ERROR})
    result = validate(matrix, config=stricter)
    assert ("source-missing", "error", "'OP2 NW'!D6") in summary(result.findings)
    assert not result.valid
    quiet = dataclasses.replace(CONFIG, severity={"source-missing": None}, rules={"text": False})
    assert validate(matrix, config=quiet).findings == ()


def test_every_rule_group_can_be_switched_off() -> None:
    matrix = sample_matrix({("OP2.NW.manufacture", "status"): "X"}, iso3="TST", state="",
                           header={"date_of_report": "soon", "title": "[STATE]"})
    every_group = {group for group, _ in RULES}
    config = dataclasses.replace(CONFIG, rules={group: False for group in every_group})
    assert validate(matrix, config=config).findings == ()
    assert validate(matrix, config=CONFIG).findings != ()


def test_today_is_a_parameter() -> None:
    matrix = sample_matrix(header={"date_of_report": "1 July 2026"})
    assert validate(matrix, config=Config(today=TODAY)).counts["error"] == 1
    assert validate(matrix, config=Config(today=TODAY.replace(year=2027))).counts["error"] == 0


def test_a_clean_workbook_file_validates_without_errors(tmp_path: Path, catalogue) -> None:
    path = write_workbook(tmp_path / "examplia.xlsx", catalogue, {
        ("OP1.npt", "status"): "X", ("OP1.npt", "info"): "Accession 5 March 1970",
        ("OP2.NW.manufacture", "status"): "X", ("OP2.NW.manufacture", "source"): "Atomic Energy Act, sect. 5",
    }, header=FULL_HEADER)
    result = validate_file(path, config=CONFIG)
    assert result.valid, result.findings
    assert summary(result.findings) == [("iso3-user-assigned", "info", "'About'!B5")]  # title in B3
    assert result.path == str(path) and result.state == "Republic of Examplia" and result.iso3 == "XEX"


def test_a_returned_workbook_gives_findings_at_its_own_cells(tmp_path: Path, catalogue) -> None:
    path = write_workbook(tmp_path / "returned.xlsx", catalogue, {
        ("OP1.npt", "status"): "x", ("OP1.npt", "info"): "Accession 5 March 1970",
        ("OP1.cwc", "status"): "maybe",
        ("OP2.NW.manufacture", "enforcement"): "X", ("OP2.NW.manufacture", "enforcement_source"): "Penal Code",
    }, header={**FULL_HEADER, "iso3": "FRA"},
        sheet_order=["OP2.NW", "OP1"] + [t.id for t in catalogue.tables if t.id not in ("OP1", "OP2.NW")])
    result = validate_file(path, config=CONFIG)
    found = summary(result.findings)
    assert ("mark-normalised", "warning", "'OP1'!C6") in found
    assert ("mark-invalid", "error", "'OP1'!C12") in found
    assert ("enforcement-without-legal-framework", "warning", "'OP2 NW'!C6") in found
    assert not result.valid


def test_validate_raises_for_an_unreadable_file_and_validate_files_reports_it(tmp_path: Path, catalogue) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("this is not a workbook", encoding="utf-8")
    good = write_workbook(tmp_path / "good.xlsx", catalogue)
    with pytest.raises(InputError):
        validate(bad)
    results = validate_files([bad, good], config=CONFIG)
    assert [r.path for r in results] == [str(bad), str(good)]
    assert results[0].error is not None and results[0].error.code == "text-file"
    assert summary(results[0].findings) == [("file-unreadable", "error", "")]
    assert not results[0].valid and results[0].failed()
    assert results[1].error is None


_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mark=_ANY_TEXT, text=_ANY_TEXT, recognised=st.booleans(), iso3=_ANY_TEXT, date=_ANY_TEXT,
       day=st.dates() | st.datetimes())
def test_any_content_gives_findings_never_an_exception(mark, text, recognised, iso3, date, day) -> None:
    from matrix_tools.model import HeaderValue, ReadNote, Value
    from matrix_tools.validation.findings import load_finding_catalogue

    matrix = sample_matrix(iso3=iso3, header={"date_of_report": date})
    header = dict(matrix.header)
    header["date_of_committee_approval"] = HeaderValue("date_of_committee_approval", str(day), "'About'!B9",
                                                       dates=(day,))
    matrix = with_values(dataclasses.replace(matrix, header=header), {
        ("OP2.NW.manufacture", "status"): Value(mark, raw=text or None, recognised=recognised),
        ("OP2.NW.manufacture", "source"): Value(text, raw=mark or None, notes=(ReadNote(ReadNote.MARK_READ_AS, written=mark, read=text),)),
    })
    result = validate(matrix, config=CONFIG)
    kinds = load_finding_catalogue()
    assert all(f.code in kinds and f.message for f in result.findings)
