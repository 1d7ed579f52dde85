"""HTML diff report: self-contained, escaped, same facts as the other formats."""

from __future__ import annotations

import re

from helpers_diff import check_golden, report_scenario
from matrix_tools import __version__
from matrix_tools.reports.diff_html import render_diff_html


def test_html_report_matches_golden_file(catalogue):
    html = render_diff_html(report_scenario(catalogue)).replace(__version__, "VERSION")
    check_golden("report.html", html)


def test_html_escapes_everything_from_the_submission(catalogue):
    html = render_diff_html(report_scenario(catalogue))
    assert "<script>" not in html and "<b>see annex</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;see annex&lt;/b&gt;" in html
    assert 'href="http' not in html


def test_html_loads_nothing_from_outside(catalogue):
    html = render_diff_html(report_scenario(catalogue))
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert "url(" not in html and "@import" not in html


def test_html_shows_word_diffs_and_the_consultation_list(catalogue):
    html = render_diff_html(report_scenario(catalogue))
    assert "<del>Atomic</del> <ins>Nuclear</ins>" in html  # two phrases, not "AtomicNuclear"
    assert "For consultation" in html and "Outcome" in html
    assert "not compliance scores" in html
