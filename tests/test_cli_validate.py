"""`matrix-tools validate` and `matrix-tools findings` through click's CliRunner."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from handmade import write_workbook
from matrix_tools import resources
from matrix_tools.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "examplia.xlsx"
HEADER = {"title": "DRAFT 1540 COMMITTEE MATRIX", "state": "Republic of Examplia", "iso3": "XEX",
          "date_of_report": "12 October 2004", "dates_of_additional_reports": "",
          "date_of_committee_approval": ""}


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args, "--today", "2026-06-01"])


@pytest.fixture
def clean(tmp_path: Path, catalogue) -> Path:
    return write_workbook(tmp_path / "clean.xlsx", catalogue, {("OP1.npt", "status"): "X",
                                                              ("OP1.npt", "info"): "Accession 5 March 1970"},
                          header=HEADER)


@pytest.fixture
def warned(tmp_path: Path, catalogue) -> Path:
    return write_workbook(tmp_path / "warned.xlsx", catalogue, {("OP1.npt", "status"): "x",
                                                               ("OP1.npt", "info"): "Accession 5 March 1970"},
                          header=HEADER)


@pytest.fixture
def wrong(tmp_path: Path, catalogue) -> Path:
    return write_workbook(tmp_path / "wrong.xlsx", catalogue, {("OP1.npt", "status"): "maybe"}, header=HEADER)


@pytest.fixture
def unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "unreadable.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    return path


def test_bundled_sample_validates_with_exit_zero() -> None:
    result = run(str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output and "OK: 1 file checked" in result.output


def test_exit_codes_follow_the_threshold(clean: Path, warned: Path, wrong: Path) -> None:
    assert run(str(clean)).exit_code == 0
    assert run(str(warned)).exit_code == 0
    assert run(str(warned), "--fail-on", "warning").exit_code == 1
    result = run(str(wrong))
    assert result.exit_code == 1
    assert "'OP1'!C6" in result.output and "mark-invalid" in result.output


def test_an_unreadable_file_gives_exit_3_and_the_others_are_still_reported(clean: Path, wrong: Path,
                                                                          unreadable: Path) -> None:
    result = run(str(clean), str(unreadable), str(wrong), "--format", "json")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in data["files"]] == ["clean.xlsx", "unreadable.xlsx", "wrong.xlsx"]
    assert data["files"][1]["error"]["code"] == "text-file"
    assert data["files"][2]["counts"]["error"] == 1


def test_json_output_follows_its_schema(clean: Path, wrong: Path) -> None:
    result = run(str(clean), str(wrong), "--format", "json")
    data = json.loads(result.stdout)
    jsonschema.validate(data, resources.load_schema("validate.schema.json"))
    assert data["summary"]["files"] == 2 and data["summary"]["valid"] == 1
    finding = next(f for f in data["files"][1]["findings"] if f["code"] == "mark-invalid")
    assert (finding["code"], finding["cell"], finding["field"], finding["column"], finding["value"]) == (
        "mark-invalid", "'OP1'!C6", "OP1.npt", "status", "maybe")


def test_junit_output_to_a_file(tmp_path: Path, wrong: Path) -> None:
    out = tmp_path / "junit.xml"
    result = run(str(wrong), "--format", "junit", "-o", str(out))
    assert result.exit_code == 1
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    assert f"to {out}" in result.stderr


def test_a_folder_stands_for_its_workbooks(tmp_path: Path, clean: Path, wrong: Path) -> None:
    (tmp_path / "~$clean.xlsx").write_bytes(b"lock file")  # Excel's lock file is skipped
    result = run(str(tmp_path), "--format", "json")
    names = [Path(f["path"]).name for f in json.loads(result.stdout)["files"]]
    assert names == ["clean.xlsx", "wrong.xlsx"]


def test_annotate_writes_a_commented_copy(tmp_path: Path, wrong: Path) -> None:
    out = tmp_path / "checked.xlsx"
    result = run(str(wrong), "--annotate", str(out))
    assert result.exit_code == 1 and out.exists()
    book = openpyxl.load_workbook(out)
    assert "mark-invalid" in book["OP1"]["C6"].comment.text
    assert "Findings" in book.sheetnames


def test_annotate_several_files_needs_a_folder(tmp_path: Path, clean: Path, wrong: Path, unreadable: Path) -> None:
    result = run(str(clean), str(wrong), "--annotate", str(tmp_path / "one.xlsx"))
    assert result.exit_code == 2 and "existing folder" in result.output
    folder = tmp_path / "annotated"
    folder.mkdir()
    result = run(str(clean), str(wrong), str(unreadable), "--annotate", str(folder))
    assert result.exit_code == 3
    assert sorted(p.name for p in folder.iterdir()) == ["clean.annotated.xlsx", "wrong.annotated.xlsx"]
    assert "Not annotated" in result.stderr


def test_output_never_overwrites_an_input(wrong: Path) -> None:
    before = wrong.read_bytes()
    result = run(str(wrong), "-o", str(wrong))
    assert result.exit_code == 2 and "one of the input files" in result.stderr
    assert wrong.read_bytes() == before


def test_configuration_file_changes_the_outcome(tmp_path: Path, warned: Path) -> None:
    config = tmp_path / "strict.json"
    config.write_text(json.dumps({"severity": {"mark-normalised": "error"}}), encoding="utf-8")
    result = run(str(warned), "--config", str(config))
    assert result.exit_code == 1
    assert "mark-normalised" in result.output and "error" in result.output


def test_configuration_beside_the_workbooks_is_used(tmp_path: Path, warned: Path) -> None:
    (tmp_path / "matrix-tools.json").write_text(json.dumps({"severity": {"mark-normalised": "error"}}),
                                                encoding="utf-8")
    result = run(str(warned))
    assert result.exit_code == 1
    assert "mark-normalised" in result.output
    assert f"Settings from {tmp_path / 'matrix-tools.json'}" in result.stderr  # said, not silent


def test_invalid_configuration_is_a_usage_error(tmp_path: Path, clean: Path) -> None:
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"severity": {"no-such-code": "error"}}), encoding="utf-8")
    result = run(str(clean), "--config", str(config))
    assert result.exit_code == 2 and "no-such-code" in result.stderr and "Traceback" not in result.output


def test_another_catalogue_can_be_given(clean: Path) -> None:
    catalogue = resources.schema_file("catalogue-1540.json")
    result = run(str(clean), "--catalogue", str(catalogue))
    assert result.exit_code == 0
    assert "clean.xlsx" in result.output and "mark-invalid" not in result.output


@pytest.mark.parametrize("fmt", ["text", "json", "md"])
def test_findings_command_lists_the_catalogue(fmt: str) -> None:
    result = CliRunner().invoke(cli, ["findings", "--format", fmt])
    assert result.exit_code == 0
    assert "mark-invalid" in result.output and "source-missing" in result.output
    if fmt == "json":
        jsonschema.validate(json.loads(result.output), resources.load_schema("findings.schema.json"))


def test_annotate_into_a_missing_folder_is_refused_before_validating(tmp_path):
    from click.testing import CliRunner

    from matrix_tools.cli import cli

    sample = Path(__file__).resolve().parent.parent / "samples" / "examplia.xlsx"
    result = CliRunner().invoke(cli, ["validate", str(sample), "--annotate", str(tmp_path / "nodir" / "x.xlsx")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and result.stdout == ""
