"""Text rules: control characters, formula-like text, long text, placeholders, cleanup notes."""

from __future__ import annotations

import dataclasses

import pytest

from helpers_validate import CONFIG, cell_of, sample_matrix, summary, with_values
from matrix_tools.model import HeaderValue, ReadNote, UnknownRow, Value
from matrix_tools.validation.rules.text import (
    check_text,
    check_text_normalised,
    find_placeholder,
    formula_prefix,
)

FIELD = ("OP2.NW.manufacture", "source")

TEXT_CASES = [
    ("Criminal Code (2009), art. 142", []),
    ("Act No. 5 of 1990\nsect. 3", []),
    ("+41 22 917 1234", []),  # a phone number is not a formula
    ("- 12 cases reported", []),
    ("=HYPERLINK(\"http://evil\")", [("text-formula-like", "warning")]),
    ("@SUM(A1)", [("text-formula-like", "warning")]),
    ("+Act on export control", [("text-formula-like", "warning")]),
    ("-Criminal Code", [("text-formula-like", "warning")]),
    ("Act\x07 on export", [("text-control-characters", "warning")]),
    ("Act of {date}", [("text-placeholder", "warning")]),
    ("{State's name} Criminal Code", [("text-placeholder", "warning")]),
    ("[STATE] Export Control Act", [("text-placeholder", "warning")]),
    ("Ratified on (date)", [("text-placeholder", "warning")]),
    ("Source: TBD", [("text-placeholder", "warning")]),
    ("Act XXX of 1990", []),  # roman numerals are not placeholders
    ("Outbound [1] reference", []),
    ("x" * 5001, [("text-too-long", "warning")]),
    ("x" * 5000, []),
]


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES, ids=[c[0][:30] for c in TEXT_CASES])
def test_text_cell_gives_expected_findings_at_its_cell(text: str, expected) -> None:
    matrix = with_values(sample_matrix(), {FIELD: Value(text)})
    cell = cell_of(matrix, *FIELD)
    assert summary(check_text(matrix, CONFIG)) == [(c, s, cell) for c, s in expected]


def test_long_text_threshold_comes_from_the_configuration() -> None:
    matrix = sample_matrix({FIELD: "y" * 300})
    assert list(check_text(matrix, CONFIG)) == []
    (finding,) = check_text(matrix, dataclasses.replace(CONFIG, long_text_chars=200))
    assert finding.message == "The text is 300 characters long (more than 200)"


def test_placeholder_and_formula_detection() -> None:
    assert find_placeholder("Submitted by <insert name>") == "<insert name>"
    assert find_placeholder("the tbd plan") is None  # only the capital abbreviation
    assert formula_prefix("=1+1") == "="
    assert formula_prefix("") is None


def test_header_and_unknown_rows_are_checked_too() -> None:
    matrix = sample_matrix()
    header = dict(matrix.header)
    header["title"] = HeaderValue("title", "DRAFT 1540 COMMITTEE MATRIX OF [STATE]", "'About'!B2")
    unknown = UnknownRow("OP2.NW", "OP2 NW", 30, "Comment", "", {"remarks": Value("=cmd|' /C calc'!A0", "'OP2 NW'!G30")})
    matrix = dataclasses.replace(matrix, header=header, unknown_rows=(unknown,))
    found = summary(check_text(matrix, CONFIG))
    assert ("text-formula-like", "warning", "'OP2 NW'!G30") in found
    assert ("text-placeholder", "warning", "'About'!B2") in found


def test_mark_cells_are_left_to_the_mark_rules() -> None:
    matrix = with_values(sample_matrix(), {("OP2.NW.manufacture", "status"): Value("=1", recognised=False)})
    assert list(check_text(matrix, CONFIG)) == []


NORMALISED_CASES = [
    (FIELD, Value("Act 1", raw="Act\u00a01", notes=(ReadNote("spaces-plain"),)),
     [("text-normalised", "info")]),
    (FIELD, Value("Act 1"), []),
    (("OP2.NW.manufacture", "status"), Value("X", raw=" X ", notes=(ReadNote("spaces-trimmed"),)),
     [("text-normalised", "info")]),
    (("OP2.NW.manufacture", "status"), Value("X", raw=" x ", notes=(ReadNote("spaces-trimmed"), ReadNote(ReadNote.MARK_READ_AS, written="x", read="X"))),
     []),  # reported as mark-normalised instead
]


@pytest.mark.parametrize(("key", "value", "expected"), NORMALISED_CASES)
def test_cosmetic_cleanup_is_information(key, value: Value, expected) -> None:
    matrix = with_values(sample_matrix(), {key: value})
    cell = cell_of(matrix, *key)
    findings = list(check_text_normalised(matrix, CONFIG))
    assert summary(findings) == [(c, s, cell) for c, s in expected]
    if findings:
        assert findings[0].message.startswith("Text cleaned up when read: ")
