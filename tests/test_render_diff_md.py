"""Markdown diff report: golden file, and submitted text cannot become Markdown or HTML."""

from __future__ import annotations

import re

from helpers_diff import check_golden, report_scenario
from matrix_tools.reports.diff_md import escape_md, render_diff_md


def test_markdown_report_matches_golden_file(catalogue):
    check_golden("report.md", render_diff_md(report_scenario(catalogue)))


def test_submitted_text_cannot_make_links_html_or_break_a_table_row(catalogue):
    md = render_diff_md(report_scenario(catalogue))
    assert "<script>" not in md and "<b>" not in md
    assert not re.search(r"(?<!\\)\]\(", md) and "http://" not in md  # no live [text](link)
    assert escape_md("a|b") == "a\\|b"
    assert escape_md("line one\nline two") == "line one<br>line two"


def test_markdown_names_the_consultation_points(catalogue):
    md = render_diff_md(report_scenario(catalogue))
    assert "## For consultation" in md and "Mark downgraded to ?" in md
    assert "not compliance scores" in md
