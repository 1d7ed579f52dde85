"""Normalisation decides what is 'the same' for reading, diff and merge."""

from __future__ import annotations

import datetime as dt

import pytest

from matrix_tools.model import Mark
from matrix_tools.reading.normalise import (
    build_mark_lookup,
    cosmetic_key,
    format_date,
    normalise_text,
    parse_date_list,
    parse_date_text,
    parse_mark,
)


@pytest.mark.parametrize(
    ("typed", "mark", "noted"),
    [("X", Mark.X, False), ("x", Mark.X, True), (" X ", Mark.X, True), ("Yes", Mark.X, True),
     ("N/A", Mark.NA, True), ("NA", Mark.NA, False), ("?", Mark.QUERY, False), ("", Mark.BLANK, False),
     ("-", Mark.BLANK, True), ("partly", None, False), ("XX", None, False)],
)
def test_parse_mark(catalogue, typed, mark, noted):
    found, notes = parse_mark(typed, build_mark_lookup(catalogue.marks))
    assert found is mark
    assert bool(notes) is noted


def test_normalise_text_keeps_line_breaks_and_says_what_changed():
    text, notes = normalise_text("  Act\u00a01 \r\n\u200bAct 2_x000D_ ")
    assert text == "Act 1\nAct 2"
    assert len(notes) >= 3


def test_cosmetic_key_ignores_only_cosmetic_differences():
    assert cosmetic_key("Criminal Code  (2009)") == cosmetic_key("criminal\u00a0code (2009) ")
    assert cosmetic_key("Code pe\u0301nal") == cosmetic_key("Code p\u00e9nal")
    assert cosmetic_key("\u201cAct\u201d") == cosmetic_key('"Act"')
    assert cosmetic_key("Criminal Code (2009)") != cosmetic_key("Criminal Code (2010)")


@pytest.mark.parametrize(
    ("text", "date"),
    [("12 October 2004", dt.date(2004, 10, 12)), ("October 12, 2004", dt.date(2004, 10, 12)),
     ("2004-10-12", dt.date(2004, 10, 12)), ("12.10.2004", dt.date(2004, 10, 12)),
     ("1st March 2010", dt.date(2010, 3, 1)), ("12 octobre 2004", dt.date(2004, 10, 12)),
     ("31 February 2004", None), ("soon", None), ("", None)],
)
def test_parse_date_text(text, date):
    assert parse_date_text(text) == date


def test_parse_date_list_splits_the_2017_layout_and_reports_the_rest():
    dates, bad = parse_date_list("13 September 2005 21 December 2007; pending")
    assert dates == (dt.date(2005, 9, 13), dt.date(2007, 12, 21))
    assert bad == ("pending",)


def test_format_date_is_the_matrix_style():
    assert format_date(dt.date(2004, 10, 2)) == "2 October 2004"
