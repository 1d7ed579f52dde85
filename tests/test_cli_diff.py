"""``matrix-tools diff`` end to end on real workbooks written to tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from helpers_diff import BASE_ENTRIES, formula_cells, set_cell, write_pair
from matrix_tools.cli import cli
from matrix_tools.resources import load_schema

EDITED = {**BASE_ENTRIES, ("OP2.NW.manufacture", "status"): "?", ("OP1.ctbt", "status"): "X"}


@pytest.fixture
def pair(tmp_path):
    return write_pair(tmp_path, BASE_ENTRIES, EDITED)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_text_report_goes_to_the_screen_and_exits_0(pair):
    result = run("diff", *pair)
    assert result.exit_code == 0, result.output
    assert "2 changes: 2 cells (1 added, 1 changed)" in result.output
    assert "X -> ?: downgraded: reference now considered incomplete" in result.output


def test_fail_if_diff_exits_1_when_versions_differ_and_0_when_only_cosmetic(tmp_path, catalogue):
    old, new = write_pair(tmp_path, BASE_ENTRIES, EDITED)
    assert run("diff", old, new, "--fail-if-diff").exit_code == 1
    noise = tmp_path / "noise"
    noise.mkdir()
    old2, new2 = write_pair(noise, BASE_ENTRIES, edits=(
        set_cell(catalogue.table("OP1"), "OP1.npt", "info", "ratification\u00a05 march 1970 "),))
    quiet = run("diff", old2, new2, "--fail-if-diff")
    assert quiet.exit_code == 0, quiet.output
    assert "1 cosmetic edit" in quiet.output
    listed = run("diff", old2, new2, "--include-cosmetic", "--format", "json")
    assert [c["cosmetic"] for c in json.loads(listed.output)["changes"]] == [True]


def test_json_output_follows_the_schema(pair):
    result = run("diff", *pair, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    jsonschema.validate(data, load_schema("diff.schema.json"))
    assert {(c["field"], c["column"], c.get("transition")) for c in data["changes"]} == {
        ("OP2.NW.manufacture", "status", "X->?"), ("OP1.ctbt", "status", "blank->X"),
    }
    assert data["old"]["file"] == "old.xlsx" and len(data["new"]["sha256"]) == 64


@pytest.mark.parametrize(("fmt", "suffix"), [("md", ".md"), ("html", ".html"), ("json", ".json"), ("text", ".txt")])
def test_every_text_format_writes_a_file_with_o(pair, tmp_path, fmt, suffix):
    out = tmp_path / f"changes{suffix}"
    result = run("diff", *pair, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert "manufacture/produce" in out.read_text(encoding="utf-8")
    assert f"Wrote {out}" in result.output


def test_xlsx_report_format_is_taken_from_the_file_name(pair, tmp_path):
    out = tmp_path / "changes.xlsx"
    result = run("diff", *pair, "-o", out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["Summary", "Changes", "For consultation"]
    assert wb["OP2 NW"]["C6"].comment.text.startswith("Was: X")
    assert formula_cells(out) == []


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_file_formats_without_o_are_a_usage_error(pair, fmt):
    result = run("diff", *pair, "--format", fmt)
    assert result.exit_code == 2
    assert f"-o changes.{fmt}" in result.output


def test_unreadable_input_exits_3_with_one_line(pair, tmp_path):
    missing = run("diff", pair[0], tmp_path / "nope.xlsx")
    assert missing.exit_code == 3
    assert "Traceback" not in missing.output and "nope.xlsx" in missing.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    assert run("diff", pair[0], junk).exit_code == 3


def test_output_over_an_input_is_refused_and_the_input_kept(pair):
    before = pair[1].read_bytes()
    result = run("diff", *pair, "-o", pair[1])
    assert result.exit_code == 2
    assert "input" in result.output
    assert pair[1].read_bytes() == before


def test_identical_files_say_so(tmp_path):
    old, new = write_pair(tmp_path, BASE_ENTRIES)
    result = run("diff", old, new, "--fail-if-diff")
    assert result.exit_code == 0
    assert "The two versions are identical." in result.output


def test_bundled_samples_give_the_documented_changes():
    samples = Path(__file__).resolve().parent.parent / "samples"
    old, new = samples / "testland-approved.xlsx", samples / "testland-returned.xlsx"
    result = run("diff", old, new, "--format", "json", "--fail-if-diff")
    assert result.exit_code == 1
    s = json.loads(result.output)["summary"]
    # docs/samples.md, "Expected results"
    assert (s["changes"], s["by_kind"]["added"], s["by_kind"]["changed"]) == (19, 14, 5)
    assert (s["header_changes"], s["unknown_rows"]["added"], s["cosmetic"]) == (3, 1, 2)


def test_matrices_of_two_different_states_are_refused(tmp_path):
    from click.testing import CliRunner

    from matrix_tools.cli import cli

    samples = Path(__file__).resolve().parent.parent / "samples"
    result = CliRunner().invoke(cli, ["diff", str(samples / "examplia.xlsx"), str(samples / "nordmark.xlsx")])
    assert result.exit_code == 2
    assert "cannot compare matrices of different States: old XEX" in result.stderr


def test_a_format_that_contradicts_the_file_name_is_refused(tmp_path):
    from click.testing import CliRunner

    from matrix_tools.cli import cli

    samples = Path(__file__).resolve().parent.parent / "samples"
    out = tmp_path / "changes.html"
    result = CliRunner().invoke(cli, ["diff", str(samples / "testland-approved.xlsx"),
                                      str(samples / "testland-returned.xlsx"), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 2 and "does not match the file name changes.html" in result.output
    assert not out.exists()


@pytest.mark.parametrize("name", ["changes.pdf", "changes", "changes.docx"])
def test_an_output_name_of_no_known_format_is_a_usage_error_and_nothing_is_written(pair, tmp_path, name):
    out = tmp_path / name
    result = run("diff", *pair, "-o", out)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    for fmt in ("text (.txt)", "json (.json)", "md (.md, .markdown)", "html (.html, .htm)", "xlsx (.xlsx)"):
        assert fmt in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["new.xlsx", "old.xlsx"]


def test_an_explicit_format_with_a_foreign_extension_is_refused_and_without_one_is_written(pair, tmp_path):
    refused = run("diff", *pair, "--format", "text", "-o", tmp_path / "changes.pdf")
    assert refused.exit_code == 2 and ".pdf" in refused.output
    written = run("diff", *pair, "--format", "json", "-o", tmp_path / "changes")
    assert written.exit_code == 0, written.output
    assert json.loads((tmp_path / "changes").read_text(encoding="utf-8"))["summary"]


def test_swapped_versions_get_a_one_line_warning_and_the_report_is_still_made(tmp_path):
    old, new = write_pair(tmp_path, BASE_ENTRIES, EDITED, new_header={"dates_of_additional_reports": "2 June 2023"})
    result = CliRunner().invoke(cli, ["diff", str(new), str(old)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == [
        "Warning: OLD (new.xlsx) looks newer than NEW (old.xlsx): its latest report or approval is dated "
        "2 June 2023, after 12 October 2004; were OLD and NEW given the other way round? "
        "(matrix-tools diff OLD NEW: the earlier version first)"]
    assert "2 cells (" in result.stdout
    in_order = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert in_order.exit_code == 0 and "Warning" not in in_order.stderr
