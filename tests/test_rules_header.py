"""Header rules: State name, ISO code and dates; each case asserts code, severity and cell."""

from __future__ import annotations

import dataclasses

import pytest

from helpers_validate import CONFIG, TODAY, sample_matrix, summary
from matrix_tools.model import State
from matrix_tools.validation.rules.header import (
    check_dates,
    check_iso3,
    check_state,
    load_iso_codes,
)

ISO_CELL = "'About'!B4"  # cells of the in-memory header: state B3, iso3 B4, date_of_report B5, ...

ISO_CASES = [
    ("FRA", []),
    ("XEX", [("iso3-user-assigned", "info")]),
    ("XTL", [("iso3-user-assigned", "info")]),
    ("AAB", [("iso3-user-assigned", "info")]),
    ("QMZ", [("iso3-user-assigned", "info")]),
    ("ZZZ", [("iso3-user-assigned", "info")]),
    ("SCG", [("iso3-former", "warning")]),
    ("YUG", [("iso3-former", "warning")]),
    ("TST", [("iso3-invalid", "error")]),
    ("QLA", [("iso3-invalid", "error")]),
    ("fra", [("iso3-invalid", "error")]),
    ("FR", [("iso3-invalid", "error")]),
    ("F1A", [("iso3-invalid", "error")]),
    ("", [("iso3-missing", "error")]),
]


@pytest.mark.parametrize(("code", "expected"), ISO_CASES)
def test_iso_code_is_checked_against_iso_3166(code: str, expected) -> None:
    matrix = sample_matrix(iso3=code)
    assert summary(check_iso3(matrix, CONFIG)) == [(c, s, ISO_CELL) for c, s in expected]


def test_iso_messages_explain_the_problem() -> None:
    (lower,) = check_iso3(sample_matrix(iso3="fra"), CONFIG)
    assert lower.message == "ISO code 'fra' is not valid: write it in capital letters (FRA)"
    (unknown,) = check_iso3(sample_matrix(iso3="TST"), CONFIG)
    assert "no country has this code" in unknown.message
    (former,) = check_iso3(sample_matrix(iso3="SCG"), CONFIG)
    assert "Serbia and Montenegro" in former.message


def test_iso_list_has_every_assigned_code() -> None:
    codes = load_iso_codes()
    assert len(codes.assigned) == 249
    assert codes.assigned["FRA"] == "France"
    assert "SCG" in codes.former and "SCG" not in codes.assigned


@pytest.mark.parametrize(("name", "expected"), [("Republic of Examplia", []), ("", [("state-missing", "error")]),
                                                ("   ", [("state-missing", "error")])])
def test_state_name_is_present(name: str, expected) -> None:
    matrix = sample_matrix(state=name)
    assert summary(check_state(matrix, CONFIG)) == [(c, s, "'About'!B3") for c, s in expected]


def test_state_name_from_the_header_when_the_state_record_is_empty() -> None:
    matrix = dataclasses.replace(sample_matrix(state="Examplia"), state=State("", "FRA"))
    assert list(check_state(matrix, CONFIG)) == []


# Expected: (code, severity, header item whose cell the finding names).
DATE_CASES = [
    ({"date_of_report": "12 October 2004"}, []),
    ({"date_of_report": "12 October 2004", "dates_of_additional_reports": "13 September 2005; 21 December 2007",
      "date_of_committee_approval": "3 March 2008"}, []),
    ({"date_of_report": ""}, [("date-of-report-missing", "warning", "date_of_report")]),
    ({"date_of_report": "sometime in 2004"}, [("date-unparsed", "error", "date_of_report")]),
    ({"date_of_report": "31 February 2004"}, [("date-unparsed", "error", "date_of_report")]),
    ({"date_of_report": "12 October 2004", "dates_of_additional_reports": "13 September 2005; soon"},
     [("date-unparsed", "error", "dates_of_additional_reports")]),
    ({"date_of_report": "12 October 2004", "dates_of_additional_reports": "1 June 2003"},
     [("additional-report-before-first", "error", "dates_of_additional_reports")]),
    ({"date_of_report": "12 October 2004", "dates_of_additional_reports": "12 October 2004"},
     [("additional-report-before-first", "error", "dates_of_additional_reports")]),
    ({"date_of_report": "12 October 2004", "dates_of_additional_reports": "21 December 2007; 13 September 2005"},
     [("additional-reports-out-of-order", "warning", "dates_of_additional_reports")]),
    ({"date_of_report": "12 October 2004", "dates_of_additional_reports": "13 September 2005",
      "date_of_committee_approval": "1 January 2005"}, [("approval-before-report", "error", "date_of_committee_approval")]),
    ({"date_of_report": "12 October 2004", "date_of_committee_approval": "12 October 2004"}, []),
    ({"date_of_report": "12 October 2004", "date_of_committee_approval": "2 June 2026"},
     [("date-in-future", "error", "date_of_committee_approval")]),
    ({"date_of_report": "1 June 2026"}, []),  # today itself is not the future
    ({"date_of_report": "12 October 2040"}, [("date-in-future", "error", "date_of_report")]),
]


@pytest.mark.parametrize(("header", "expected"), DATE_CASES)
def test_header_dates_parse_and_follow_each_other(header, expected) -> None:
    matrix = sample_matrix(header=header)
    want = [(c, s, matrix.header[key].cell) for c, s, key in expected]
    assert summary(check_dates(matrix, CONFIG)) == want


def test_date_messages_name_the_dates() -> None:
    matrix = sample_matrix(header={"date_of_report": "12 October 2004", "dates_of_additional_reports": "1 June 2003"})
    (finding,) = check_dates(matrix, CONFIG)
    assert finding.message == "Additional report dated 1 June 2003 is not after the first report (12 October 2004)"
    assert finding.field == "header:dates_of_additional_reports"
    future = sample_matrix(header={"date_of_report": "12 October 2040"})
    (late,) = check_dates(future, CONFIG)
    assert late.message == (
        f"Date 12 October 2040 in Date of Report is in the future (today is {TODAY.day} June {TODAY.year})"
    )
