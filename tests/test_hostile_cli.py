"""Every hostile file of checklist A through the real commands: exit 3, one line, no traceback.

The files come from ``hostile.py`` (built in tmp_path). ``export`` and ``validate`` are run
through click's CliRunner on ``matrix_tools.cli.cli``, the way users and cron jobs run them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from hostile import REFUSED, HostileCase, cfb_bytes
from matrix_tools.cli import cli
from matrix_tools.errors import EXIT_INPUT

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "examplia.xlsx"
TIME_LIMIT = 5.0  # includes loading the catalogue; the pre-flight check itself is < 2 s


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def build(case: HostileCase, folder: Path) -> Path:
    return case.build(folder / f"{case.name.replace(' ', '_')}.xlsx")


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_export_refuses_hostile_file_with_exit_3_and_one_line(case: HostileCase, tmp_path: Path) -> None:
    path = build(case, tmp_path)
    before = digest(path)
    out = tmp_path / "out" / "export.json"
    out.parent.mkdir()
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["export", str(path), "-o", str(out)])
    elapsed = time.perf_counter() - started
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    if case.name == "folder instead of file":  # a usage error in every command (issue 12)
        assert result.exit_code == 2 and lines[0].startswith(f"Error: {path} is a folder, not a file"), lines[0]
    else:
        assert result.exit_code == EXIT_INPUT, result.output
        assert lines[0].startswith(f"Error: {path}: "), lines[0]
    assert not [line for line in result.output.splitlines() if line.startswith(("Traceback", "  File "))]
    assert result.stdout == ""
    assert not out.exists() and list(out.parent.iterdir()) == []  # no partial output
    assert digest(path) == before
    assert elapsed < TIME_LIMIT, f"{case.name}: {elapsed:.2f} s"


# `validate FOLDER` validates the workbooks in the folder (a feature), so a folder is not an
# unreadable file there; an empty folder is a usage error, tested below.
FILE_CASES = tuple(c for c in REFUSED if c.name != "folder instead of file")


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.name for c in FILE_CASES])
def test_validate_reports_hostile_file_with_its_code_and_exit_3(case: HostileCase, tmp_path: Path) -> None:
    path = build(case, tmp_path)
    before = digest(path)
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(path)])
    assert result.exit_code == EXIT_INPUT, result.output
    assert not [line for line in result.output.splitlines() if line.startswith(("Traceback", "  File "))]
    report = json.loads(result.stdout)
    (entry,) = report["files"]
    assert entry["valid"] is False
    assert entry["error"]["code"] == case.code
    assert "\n" not in entry["error"]["message"]
    assert digest(path) == before


def test_validate_of_a_folder_without_workbooks_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 2 and "no files to check in" in result.output and "folder is empty" in result.output


def test_validate_text_names_the_code_on_one_line(tmp_path: Path) -> None:
    case = next(c for c in REFUSED if c.name == "billion laughs in sharedStrings")
    path = build(case, tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == EXIT_INPUT
    flagged = [line for line in result.stdout.splitlines() if "[xml-dtd]" in line]
    assert len(flagged) == 1 and "DTD" in flagged[0]


def test_one_bad_file_in_a_folder_does_not_stop_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "examplia.xlsx")
    for name in ("zip bomb", "legacy xls", "billion laughs in workbook", "truncated zip"):
        build(next(c for c in REFUSED if c.name == name), folder)
    (folder / "~$examplia.xlsx").write_bytes(b"\x0bJane Expert" + b"\x00" * 150)  # Excel's lock file
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(folder)])
    assert result.exit_code == EXIT_INPUT, result.output
    report = json.loads(result.stdout)
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert "~$examplia.xlsx" not in by_name  # skipped (checklist A42), with a line on stderr saying so
    assert "Skipped" in result.stderr and "Excel lock file" in result.stderr
    assert by_name["examplia.xlsx"]["valid"] is True
    assert by_name["examplia.xlsx"]["state"]["iso3"] == "XEX"
    codes = sorted(f["error"]["code"] for f in report["files"] if f.get("error"))
    assert codes == ["legacy-xls", "xml-dtd", "zip-compression-ratio", "zip-corrupt"]


def with_extra_parts(target: Path, extra: dict[str, bytes], rels: str = "") -> Path:
    """The sample matrix with parts added (and relationships appended to the workbook's)."""
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels" and rels:
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            out.writestr(info, data)
        for name, data in extra.items():
            out.writestr(name, data)
    return target


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_macros_are_reported_as_a_finding_and_the_file_still_read(tmp_path: Path) -> None:
    path = with_extra_parts(
        tmp_path / "examplia.xlsm", {"xl/vbaProject.bin": cfb_bytes(["VBA", "PROJECT", "dir"])},
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin"/>')
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(path)])
    assert result.exit_code in (0, 1), result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert "macros-present" in {f["code"] for f in entry["findings"]}
    assert entry["state"]["iso3"] == "XEX"


def test_external_links_are_reported_and_never_followed(tmp_path: Path) -> None:
    link = (f'<?xml version="1.0" encoding="UTF-8"?>\n<externalLink xmlns="{MAIN}" xmlns:r="{REL}">'
            '<externalBook r:id="rId1"/></externalLink>')
    link_rels = ('<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/'
                 f'package/2006/relationships"><Relationship Id="rId1" Type="{REL}/externalLinkPath" '
                 'Target="file:///\\\\srv\\share\\secret.xlsx" TargetMode="External"/></Relationships>')
    path = with_extra_parts(
        tmp_path / "linked.xlsx",
        {"xl/externalLinks/externalLink1.xml": link.encode(),
         "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode()},
        f'<Relationship Id="rIdLink" Type="{REL}/externalLink" Target="externalLinks/externalLink1.xml"/>')
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(path)])
    assert result.exit_code in (0, 1), result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert "external-links-present" in {f["code"] for f in entry["findings"]}


def test_export_of_a_macro_workbook_carries_no_macro(tmp_path: Path) -> None:
    path = with_extra_parts(tmp_path / "examplia.xlsm", {"xl/vbaProject.bin": cfb_bytes(["VBA"])})
    out = tmp_path / "examplia.json"
    result = CliRunner().invoke(cli, ["export", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "vbaProject" not in text and json.loads(text)["entries"]


def test_reading_refuses_to_use_openpyxl_without_defusedxml(tmp_path: Path) -> None:
    # Checklist A48. A far cell sends the reader to openpyxl; OPENPYXL_DEFUSEDXML is read when
    # openpyxl is imported, hence a fresh interpreter.
    import os
    import subprocess
    import sys

    far = '<row r="200000"><c r="A200000" t="inlineStr"><is><t>far</t></is></c></row></sheetData>'
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(tmp_path / "far.xlsx", "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = data.replace(b"</sheetData>", far.encode(), 1)
            out.writestr(info, data)
    env = {**os.environ, "OPENPYXL_DEFUSEDXML": "False"}
    done = subprocess.run([sys.executable, "-m", "matrix_tools", "export", str(tmp_path / "far.xlsx")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: openpyxl is not using defusedxml") and "OPENPYXL_DEFUSEDXML" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""
