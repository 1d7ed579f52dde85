"""Blank matrices and template workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from matrix_tools import layout
from matrix_tools.errors import EXIT_USAGE
from matrix_tools.model import Catalogue
from matrix_tools.reading.parse import load_matrix
from matrix_tools.writing.template import (
    APPROVED_TITLE,
    DRAFT_TITLE,
    TemplateUsageError,
    blank_matrix,
    check_iso3,
    write_template,
)


def test_blank_matrix_has_every_field_blank_at_its_template_cell(
    catalogue: Catalogue, make_matrix
) -> None:
    blank = blank_matrix(catalogue, "Republic of Testland", "XTL")
    expected = make_matrix()
    assert {k: (v.text, v.cell) for k, v in blank.entries.items()} == {
        k: ("", v.cell) for k, v in expected.entries.items()
    }
    assert blank.header["title"].text == DRAFT_TITLE
    assert blank.header["date_of_report"].text == ""


def test_blank_matrix_header_dates_are_parsed_sorted_and_styled(catalogue: Catalogue) -> None:
    blank = blank_matrix(
        catalogue,
        "  Republic   of Testland ",
        "xtl",
        date_of_report="2004-10-12",
        additional_reports=["21 December 2007", dt.date(2005, 9, 13)],
    )
    assert (blank.state.name, blank.state.iso3) == ("Republic of Testland", "XTL")
    assert blank.header["date_of_report"].dates == (dt.date(2004, 10, 12),)
    assert blank.header["dates_of_additional_reports"].text == "13 September 2005; 21 December 2007"
    assert blank.header["date_of_report"].cell == f"'About'!B{layout.ABOUT_FIRST_ROW + 4}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("XTL", "XTL"), ("xtl", "XTL"), (" deu ", "DEU"), (None, ""), ("", "")],
)
def test_iso3_is_upper_cased_or_left_blank(given: str | None, expected: str) -> None:
    assert check_iso3(given) == expected


@pytest.mark.parametrize("given", ["XT", "XTLA", "X1L", "ÄBC", "X-L"])
def test_malformed_iso3_is_a_usage_error(given: str) -> None:
    with pytest.raises(TemplateUsageError, match="three letters") as info:
        check_iso3(given)
    assert info.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize(
    ("state", "message"), [("   ", "empty"), ("A\x00B", "control"), ("x" * 500, "at most")]
)
def test_unusable_state_names_are_refused(catalogue: Catalogue, state: str, message: str) -> None:
    with pytest.raises(TemplateUsageError, match=message):
        blank_matrix(catalogue, state, "XTL")


def test_unreadable_date_is_a_usage_error_naming_the_option(catalogue: Catalogue) -> None:
    with pytest.raises(TemplateUsageError, match="--date-of-report 'next Tuesday' is not a date"):
        blank_matrix(catalogue, "Testland", "XTL", date_of_report="next Tuesday")


def test_approval_date_makes_the_title_approved(tmp_path: Path) -> None:
    out = write_template(
        tmp_path / "a.xlsx", "Republic of Testland", "XTL", approval="15 March 2012"
    )
    ws = openpyxl.load_workbook(out)["OP1"]
    assert ws["A1"].value == APPROVED_TITLE.format(STATE="REPUBLIC OF TESTLAND")


def test_template_has_eleven_tables_and_a_drop_down_per_mark_column(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    out = write_template(
        tmp_path / "t.xlsx", "Republic of Testland", "XTL", date_of_report="12 October 2004"
    )
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == 2 + 11
    marks = sum(1 for t in catalogue.tables for c in t.columns if c.is_mark)
    assert (
        sum(len(book[t.sheet].data_validations.dataValidation) for t in catalogue.tables) == marks
    )
    about = {
        row[0].value: row[1].value
        for row in book["About"].iter_rows(min_row=layout.ABOUT_FIRST_ROW + 1)
    }
    assert about["Date of Report:"] == "12 October 2004"
    assert about["Matrix:"] == DRAFT_TITLE


def test_output_must_be_an_xlsx_name(tmp_path: Path) -> None:
    with pytest.raises(TemplateUsageError, match=".xlsx"):
        write_template(tmp_path / "t.xls", "Testland", "XTL")


def test_template_reads_back_as_a_blank_matrix_with_every_cell(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    out = write_template(
        tmp_path / "t.xlsx", "Republic of Testland", "XTL", date_of_report="12 October 2004"
    )
    back = load_matrix(out)
    blank = blank_matrix(catalogue, "Republic of Testland", "XTL")
    assert {k: (v.text, v.cell) for k, v in back.entries.items()} == {
        k: (v.text, v.cell) for k, v in blank.entries.items()
    }
    assert (back.state.name, back.state.iso3) == ("Republic of Testland", "XTL")
    assert back.header["date_of_report"].date == dt.date(2004, 10, 12)
    assert not back.observations
