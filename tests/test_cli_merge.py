"""``matrix-tools merge`` end to end on real workbooks written to tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from helpers_merge import three_versions
from matrix_tools.cli import cli
from matrix_tools.reading.parse import load_matrix
from matrix_tools.resources import load_schema
from matrix_tools.writing.workbook import write_matrix_workbook


@pytest.fixture
def versions(make_matrix, tmp_path):
    paths = []
    for name, matrix in zip(("base", "ours", "theirs"), three_versions(make_matrix), strict=True):
        path = tmp_path / f"{name}.xlsx"
        write_matrix_workbook(path, matrix)
        paths.append(path)
    return paths


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_merge_with_a_conflict_exits_1_and_writes_the_merged_workbook(versions, tmp_path):
    out = tmp_path / "merged.xlsx"
    result = run("merge", *versions, "-o", out)
    assert result.exit_code == 1, result.output
    assert "1 conflict to decide" in result.output
    merged = load_matrix(out)
    assert merged.text("OP1.npt", "status") == "X"
    assert merged.text("OP1.npt", "info") == "Deposit 5 March 1970"
    assert merged.text("OP2.NW.manufacture", "source") == "Atomic Energy Act 1954, sect. 57"
    assert merged.header["date_of_report"].text == "13 October 2004"
    assert {r.label for r in merged.unknown_rows} == {"Experts' note", "Comment of the State"}


def test_prefer_theirs_keeps_the_states_value(versions, tmp_path):
    out = tmp_path / "merged.xlsx"
    assert run("merge", *versions, "-o", out, "--prefer", "theirs").exit_code == 1
    assert load_matrix(out).text("OP1.npt", "status") == "NA"


def test_merge_without_conflict_exits_0(make_matrix, tmp_path):
    base, ours, _ = three_versions(make_matrix)
    paths = []
    for name, matrix in (("base", base), ("ours", ours), ("theirs", base)):
        paths.append(tmp_path / f"{name}.xlsx")
        write_matrix_workbook(paths[-1], matrix)
    result = run("merge", *paths, "-o", tmp_path / "merged.xlsx")
    assert result.exit_code == 0, result.output
    assert "No conflicts." in result.output


def test_json_report_to_a_file_follows_the_schema(versions, tmp_path):
    out, report = tmp_path / "merged.xlsx", tmp_path / "report.json"
    result = run("merge", *versions, "-o", out, "--format", "json", "--report", report)
    assert result.exit_code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(data, load_schema("merge.schema.json"))
    assert data["output"] == str(out)
    assert data["base"]["path"] == str(versions[0])
    assert [c["cell"] for c in data["conflicts"]] == ["'OP1'!C6"]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_an_input_given_as_output_is_refused_and_left_untouched(versions, which):
    before = versions[which].read_bytes()
    result = run("merge", *versions, "-o", versions[which])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "refusing to write" in lines[0]
    assert versions[which].read_bytes() == before


def test_an_unreadable_input_exits_3(versions, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    result = run("merge", versions[0], versions[1], broken, "-o", tmp_path / "merged.xlsx")
    assert result.exit_code == 3
    assert result.output.startswith("Error:")
    assert not (tmp_path / "merged.xlsx").exists()


def test_the_agenda_sheet_links_to_the_conflict_cell(versions, tmp_path):
    out = tmp_path / "merged.xlsx"
    run("merge", *versions, "-o", out)
    agenda = openpyxl.load_workbook(out)["Conflicts"]
    assert agenda["L6"].hyperlink.location == "'OP1'!C6"


SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_the_testland_samples_merge_with_the_one_conflict_their_readme_describes(tmp_path):
    out, report = tmp_path / "merged.xlsx", tmp_path / "merge.json"
    names = ("testland-approved.xlsx", "testland-working.xlsx", "testland-returned.xlsx")
    result = run(
        "merge", *(SAMPLES / n for n in names), "-o", out, "--format", "json", "--report", report
    )
    assert result.exit_code == 1, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    (conflict,) = data["conflicts"]
    assert (conflict["field"], conflict["column"], conflict["row_number"]) == (
        "OP3ab.NW.personnel_reliability",
        "source",
        "11",
    )
    assert conflict["base"] == "Atomic Energy Act (1998), sect. 69"
    assert conflict["ours"] == "Radiation Protection Decree No. 45 (2010), art. 17"
    assert conflict["theirs"] == "Nuclear Security Regulation (2019), art. 22"
    merged = load_matrix(out)
    # The experts' edit, the State's edits and the identical edit are all in the merged matrix.
    assert (
        merged.text("OP3cd.CW.end_user_controls", "source") == "Export Control Act (2007), art. 18"
    )
    assert merged.text("OP3ab.NW.personnel_reliability", "status") == "X"  # same on both sides
    assert merged.text("OP1.psi", "status") == "X"  # the State typed "Yes"
    assert merged.header["dates_of_additional_reports"].text.endswith("2 June 2023")
    assert any(
        r.label.startswith("Comment of the Republic of Testland") for r in merged.unknown_rows
    )
    assert data["summary"]["applied_both"] >= 3  # OP 6 / OP 8 (d) row 14, made identically


@pytest.mark.parametrize("name", ["merged.csv", "merged.xls", "merged"])
def test_the_output_must_be_an_xlsx_file(versions, tmp_path, name):
    result = run("merge", *versions, "-o", tmp_path / name)
    assert result.exit_code == 2
    assert "must be an .xlsx file" in result.output
    assert not (tmp_path / name).exists()


def test_the_report_may_not_overwrite_the_merged_workbook_or_an_input(versions, tmp_path):
    out = tmp_path / "merged.xlsx"
    assert run("merge", *versions, "-o", out, "--report", out).exit_code == 2
    before = versions[2].read_bytes()
    assert run("merge", *versions, "-o", out, "--report", versions[2]).exit_code == 2
    assert versions[2].read_bytes() == before
    assert not out.exists()


def test_a_workbook_that_is_not_a_matrix_exits_3(versions, tmp_path):
    other = tmp_path / "budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Item", "Cost"])
    wb.active.append(["Travel", 1200])
    wb.save(other)
    result = run("merge", versions[0], versions[1], other, "-o", tmp_path / "merged.xlsx")
    assert result.exit_code == 3
    assert "not a 1540 matrix workbook" in result.output


def test_a_base_newer_than_ours_or_theirs_gets_a_warning_naming_both(make_matrix, tmp_path):
    base, ours, theirs = three_versions(make_matrix)
    import dataclasses

    from matrix_tools.model import HeaderValue
    from matrix_tools.reading.normalise import parse_date_list

    later = dict(base.header)
    old = later["date_of_report"]
    later["date_of_committee_approval"] = HeaderValue("date_of_committee_approval", "2 June 2023", old.cell,
                                                      dates=parse_date_list("2 June 2023")[0])
    paths = []
    for name, matrix in (("base", dataclasses.replace(base, header=later)), ("ours", ours), ("theirs", theirs)):
        paths.append(tmp_path / f"{name}.xlsx")
        write_matrix_workbook(paths[-1], matrix)
    result = CliRunner().invoke(cli, ["merge", *map(str, paths), "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 1, result.output  # the conflict of three_versions: the merge still runs
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 2
    assert warnings[0].startswith("Warning: BASE (base.xlsx) looks newer than OURS (ours.xlsx)")
    assert warnings[1].startswith("Warning: BASE (base.xlsx) looks newer than THEIRS (theirs.xlsx)")
    assert all("BASE should be the oldest" in w for w in warnings)
    in_order = CliRunner().invoke(cli, ["merge", str(paths[1]), str(paths[1]), str(paths[2]),
                                        "-o", str(tmp_path / "m2.xlsx")])
    assert "Warning" not in in_order.stderr
