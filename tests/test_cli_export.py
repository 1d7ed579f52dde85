"""`matrix-tools export` through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from handmade import write_workbook
from matrix_tools.cli import cli


def test_export_json_to_stdout(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.npt", "status"): "X"})
    result = CliRunner().invoke(cli, ["export", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["entries"][0]["cell"] == "'OP1'!C6"


def test_export_csv_to_a_file_leaves_the_input_alone(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.npt", "status"): "X"})
    before = path.read_bytes()
    out = tmp_path / "m.csv"
    result = CliRunner().invoke(cli, ["export", str(path), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel on Windows reads UTF-8
    assert out.read_text(encoding="utf-8-sig").startswith("field,column,value,cell")
    assert path.read_bytes() == before


def test_export_refuses_to_write_over_its_input(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue)
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["export", str(path), "-o", str(path)])
    assert result.exit_code == 2
    assert "refusing to write" in result.stderr and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_unreadable_file_is_one_line_and_exit_3(tmp_path):
    bad = tmp_path / "report.xlsx"
    bad.write_bytes(b"%PDF-1.7 not a workbook")
    result = CliRunner().invoke(cli, ["export", str(bad)])
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and "report.xlsx" in lines[0]


def test_missing_file_is_exit_3(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 3 and "nope.xlsx" in result.stderr


def test_the_export_format_follows_the_file_name_and_a_mismatch_is_refused(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.npt", "status"): "X"})
    csv_out, json_out = tmp_path / "m.csv", tmp_path / "m.json"
    assert CliRunner().invoke(cli, ["export", str(path), "-o", str(csv_out)]).exit_code == 0
    assert csv_out.read_text(encoding="utf-8-sig").startswith("field,column,value,cell")
    assert CliRunner().invoke(cli, ["export", str(path), "-o", str(json_out)]).exit_code == 0
    assert json.loads(json_out.read_text(encoding="utf-8"))["entries"]
    mismatch = CliRunner().invoke(cli, ["export", str(path), "--format", "json", "-o", str(tmp_path / "x.csv")])
    assert mismatch.exit_code == 2 and "does not match the file name x.csv" in mismatch.stderr
    unknown = CliRunner().invoke(cli, ["export", str(path), "-o", str(tmp_path / "x.txt")])
    assert unknown.exit_code == 2 and "cannot write a .txt export: the formats are json (.json), csv (.csv)" in unknown.stderr
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.txt").exists()


def test_a_misspelt_version_reference_says_what_a_reference_looks_like(tmp_path, catalogue):
    result = CliRunner().invoke(cli, ["export", "XTL@approvd"])
    assert result.exit_code == 2
    assert "XTL@approvd is neither a file nor a version reference" in result.stderr
    assert "ISO@approved" in result.stderr
