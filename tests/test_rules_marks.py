"""Mark rules: each case is a mark cell's content as read and the findings it must give."""

from __future__ import annotations

import dataclasses

import pytest

from helpers_validate import CONFIG, cell_of, sample_matrix, summary, with_values
from matrix_tools.model import Mark, ReadNote, Value
from matrix_tools.validation.rules.marks import allowed_marks, check_marks

FIELD = ("OP2.NW.manufacture", "status")

CASES = [
    # (value as the reader gives it, expected [(code, severity)])
    (Value("X"), []),
    (Value("?"), []),
    (Value("NA"), []),
    (Value(""), []),
    (Value("X", raw=" X ", notes=(ReadNote("spaces-trimmed"),)), []),  # cosmetic: the text rule's business
    (Value("X", raw="x", notes=(ReadNote(ReadNote.MARK_READ_AS, written="x", read="X"),)), [("mark-normalised", "warning")]),
    (Value("X", raw="Yes", notes=(ReadNote(ReadNote.MARK_READ_AS, written="Yes", read="X"),)), [("mark-normalised", "warning")]),
    (Value("NA", raw="N/A", notes=(ReadNote(ReadNote.MARK_READ_AS, written="N/A", read="NA"),)), [("mark-normalised", "warning")]),
    (Value("", raw="-", notes=(ReadNote(ReadNote.MARK_READ_AS, written="-", read="blank"),)), [("mark-normalised", "warning")]),
    (Value("maybe", recognised=False), [("mark-invalid", "error")]),
    (Value("see Act 12", recognised=False), [("mark-invalid", "error")]),
    (Value("=1+1", recognised=False), [("mark-invalid", "error")]),
]


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[repr(c[0].original) for c in CASES])
def test_mark_cell_gives_expected_findings_at_its_cell(value: Value, expected: list[tuple[str, str]]) -> None:
    matrix = with_values(sample_matrix(), {FIELD: value})
    cell = cell_of(matrix, *FIELD)
    assert summary(check_marks(matrix, CONFIG)) == [(code, sev, cell) for code, sev in expected]


def test_normalised_mark_says_what_it_was_read_as() -> None:
    matrix = with_values(sample_matrix(), {FIELD: Value("X", raw="x", notes=(ReadNote(ReadNote.MARK_READ_AS, written="x", read="X"),))})
    (finding,) = check_marks(matrix, CONFIG)
    assert finding.message == "Read 'x' as 'X'"
    assert (finding.value, finding.expected, finding.field, finding.column) == ("x", "X", *FIELD)


def test_invalid_mark_message_lists_the_allowed_marks() -> None:
    matrix = with_values(sample_matrix(), {FIELD: Value("maybe", recognised=False)})
    (finding,) = check_marks(matrix, CONFIG)
    assert finding.message == "'maybe' is not a mark; allowed: X, ?, NA or blank"
    assert finding.table == "OP2.NW"


def test_na_where_the_catalogue_does_not_allow_it_is_an_error(catalogue) -> None:
    table = catalogue.table("OP1")
    status = table.column("status")
    narrowed = dataclasses.replace(status, marks=(Mark.X, Mark.QUERY))
    new_table = dataclasses.replace(table, columns=tuple(narrowed if c.key == "status" else c for c in table.columns))
    new_cat = dataclasses.replace(catalogue, tables=tuple(new_table if t.id == "OP1" else t for t in catalogue.tables))
    matrix = sample_matrix({("OP1.npt", "status"): "NA", ("OP1.cwc", "status"): "X"}, catalogue=new_cat)
    findings = list(check_marks(matrix, CONFIG))
    assert summary(findings) == [("mark-not-allowed", "error", "'OP1'!C6")]
    assert findings[0].message == "'NA' is not allowed in 'YES'; allowed: X, ? or blank"
    assert allowed_marks(narrowed) == "X, ? or blank"


def test_text_columns_are_not_checked_as_marks() -> None:
    matrix = sample_matrix({("OP2.NW.manufacture", "source"): "maybe"})
    assert list(check_marks(matrix, CONFIG)) == []
