"""Terminal view of a diff."""

from __future__ import annotations

from conftest import build_matrix
from helpers_diff import check_golden, report_scenario
from matrix_tools.diffing.engine import diff
from matrix_tools.reports.diff_text import render_diff_text, summary_sentence


def test_text_report_matches_golden_file(catalogue):
    check_golden("report.txt", render_diff_text(report_scenario(catalogue)))


def test_text_report_with_cosmetic_edits_matches_golden_file(catalogue):
    check_golden("report-cosmetic.txt", render_diff_text(report_scenario(catalogue, include_cosmetic=True)))


def test_identical_versions_say_so_in_one_sentence():
    m = build_matrix({("OP1.npt", "status"): "X"})
    assert summary_sentence(diff(m, m)) == "The two versions are identical."
    assert "identical" in render_diff_text(diff(m, m))


def test_text_view_flattens_multiline_text_to_one_line():
    key = ("OP1.npt", "info")
    text = render_diff_text(diff(build_matrix({}), build_matrix({key: "Signed 1968\nRatified 1970"})))
    assert "Signed 1968 ⏎ Ratified 1970" in text
