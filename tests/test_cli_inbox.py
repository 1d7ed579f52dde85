"""Every file of an inbox is accounted for, in batch, validate and consolidate (issue 12, item 1).

Processed, refused with its code and advice (exit 3), or skipped for a stated reason (only
Excel lock files, hidden files and the tool's own files): never left out because of its name.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hostile import CASES, cfb_bytes
from matrix_tools.cli import cli
from matrix_tools.model import Catalogue
from test_batch import GOOD, validate_schema, write_state

REFUSED = {  # file -> code the reader gives it
    "xbb.xls": "legacy-xls",
    "xcc.ods": "ods-file",
    "xdd-letter.pdf": "pdf-file",
    "xee.docx": "not-a-workbook",
}
SKIPPED = {"~$xaa.xlsx": "lock-file", ".DS_Store": "hidden-file", "matrix-tools.json": "configuration"}


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def inbox(tmp_path: Path, catalogue: Catalogue) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    (folder / "xbb.xls").write_bytes(cfb_bytes(["Workbook", "\x05SummaryInformation"]))
    next(c for c in CASES if c.name == "ods").build(folder / "xcc.ods")
    (folder / "xdd-letter.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    next(c for c in CASES if c.name == "docx renamed").build(folder / "xee.docx")
    (folder / "~$xaa.xlsx").write_bytes(b"\x0bJane Expert" + b"\x00" * 150)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "matrix-tools.json").write_text("{}", encoding="utf-8")
    return folder


def test_batch_accounts_for_every_file_in_text_json_xlsx_and_junit(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, stdout, _stderr = run("batch", inbox, "-o", out, "--jobs", "1")
    assert code == 3  # refused files: exit 3, not a silent 0
    for name, refusal in REFUSED.items():
        line = next(line for line in stdout.splitlines() if f": {name}:" in line)
        assert line.lstrip().startswith("Not readable") and f"[{refusal}]" in line
    for name in SKIPPED:
        assert any(line.strip().startswith(f"Skipped: {name}:") for line in stdout.splitlines()), name
    assert "5 file(s) checked: 1 OK" in stdout and "4 not readable" in stdout and "3 skipped" in stdout

    document = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    validate_schema(document)
    assert {s["file"]: (s["error"] or {}).get("code") for s in document["states"]} == {"xaa.xlsx": None, **REFUSED}
    assert {s["file"]: s["code"] for s in document["skipped"]} == SKIPPED
    assert document["summary"]["files"] + document["summary"]["skipped"] == len(list(inbox.iterdir()))

    wb = openpyxl.load_workbook(out / "summary.xlsx", read_only=True)
    files = {row[10] for row in wb["Summary"].iter_rows(min_row=6, values_only=True)}
    skipped = {row[0] for row in wb["Skipped"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert files == {"xaa.xlsx", *REFUSED} and skipped == set(SKIPPED)

    root = ET.parse(out / "junit.xml").getroot()
    errors = {case.get("classname", ""): error.get("type", "")
              for case in root.iter("testcase") if (error := case.find("error")) is not None}
    assert sorted(errors.values()) == sorted(REFUSED.values())
    assert {case.get("name") for case in root.iter("testcase") if case.find("skipped") is not None} == set(SKIPPED)


def test_the_advice_for_xls_and_ods_names_excel_and_libreoffice(inbox: Path) -> None:
    code, stdout, _stderr = run("validate", inbox / "xbb.xls", inbox / "xcc.ods")
    assert code == 3
    for name in ("xbb.xls", "xcc.ods"):
        assert f"{name}: could not be read" in stdout
    assert stdout.count("Excel 2007-365 (.xlsx)") == 2 and stdout.count("Excel Workbook (*.xlsx)") == 2


def test_validate_of_a_folder_refuses_what_it_cannot_read_and_says_what_it_skipped(inbox: Path) -> None:
    code, stdout, stderr = run("validate", inbox, "--format", "json")
    assert code == 3
    report = json.loads(stdout)
    assert {Path(f["path"]).name: (f.get("error") or {}).get("code") for f in report["files"]} == {
        "xaa.xlsx": None, **REFUSED}
    for name in SKIPPED:
        assert f"Skipped '{inbox / name}':" in stderr


def test_consolidate_of_a_folder_reports_each_refused_file_and_consolidates_the_rest(inbox: Path, tmp_path: Path) -> None:
    code, _stdout, stderr = run("consolidate", inbox, "-o", tmp_path / "all.csv")
    assert code == 3
    for name, refusal in REFUSED.items():
        assert any(line.startswith("Error:") and name in line for line in stderr.splitlines()), (name, refusal)
    assert "Consolidated 1 State" in stderr and "4 files could not be read" in stderr


def test_an_xlsx_renamed_xls_or_ods_is_read_by_its_content_not_refused_by_a_parser_message(
    tmp_path: Path, catalogue: Catalogue,
) -> None:
    good = write_state(tmp_path / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    for name in ("xaa.xls", "xaa.ods", "xaa"):
        shutil.copy(good, tmp_path / name)
        code, stdout, _stderr = run("validate", tmp_path / name, "--format", "json")
        assert code == 0, stdout
        assert "Cfb error" not in stdout and json.loads(stdout)["files"][0]["state"]["iso3"] == "XAA"
