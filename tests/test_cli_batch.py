"""``matrix-tools batch`` through click: exit codes, outputs, messages (no tracebacks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matrix_tools.cli import cli
from matrix_tools.model import Catalogue
from test_batch import GOOD, INVALID, X_WITHOUT_SOURCE, validate_schema, write_state


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["batch", *args])
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path, catalogue: Catalogue) -> Path:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    write_state(incoming / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    write_state(incoming / "xbb.xlsx", catalogue, "XBB", "Bebland", X_WITHOUT_SOURCE)
    return incoming


def test_a_clean_folder_exits_0_and_writes_every_report(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, stdout, stderr = run(str(folder), "-o", str(out), "--jobs", "2", "--junit", str(tmp_path / "junit.xml"))
    assert code == 0
    assert "2 file(s) checked: 1 OK, 1 with warnings only" in stdout
    assert stdout.rstrip().endswith("OK: exit code 0.")
    assert "[1/2] read xaa.xlsx: XAA: ok" in stderr and "[2/2] read xbb.xlsx: XBB: warnings" in stderr  # plain log lines
    assert f"Reports written to {out}" in stderr
    for name in ("summary.json", "summary.xlsx", "junit.xml", "state.json", "states/XAA/validation.json",
                 "states/XBB/validation.txt"):
        assert (out / name).is_file(), name
    validate_schema(json.loads((out / "summary.json").read_text(encoding="utf-8")))
    assert (tmp_path / "junit.xml").read_bytes() == (out / "junit.xml").read_bytes()


def test_warnings_fail_the_run_with_fail_on_warning(folder: Path) -> None:
    code, stdout, _ = run(str(folder), "--fail-on", "warning", "--jobs", "1")
    assert code == 1
    assert "FAILED (data problems): exit code 1." in stdout


def test_a_matrix_with_errors_exits_1_and_is_listed(folder: Path, catalogue: Catalogue) -> None:
    write_state(folder / "xcc.xlsx", catalogue, "XCC", "Cebland", INVALID)
    code, stdout, _ = run(str(folder), "--jobs", "2")
    assert code == 1
    assert "  Errors: xcc.xlsx: Cebland (XCC): 1 error(s)" in stdout


def test_an_unreadable_file_exits_3_and_the_others_are_still_checked(folder: Path) -> None:
    (folder / "xdd.xlsx").write_text("Country,Status\nDedland,X\n", encoding="utf-8")
    (folder / "~$xaa.xlsx").write_bytes(b"lock")
    code, stdout, stderr = run(str(folder), "--jobs", "2")
    assert code == 3
    assert "Not readable: xdd.xlsx: XDD:" in stdout and "[csv-file]" in stdout
    assert "Skipped: ~$xaa.xlsx: Excel lock file" in stdout
    assert "xaa.xlsx: XAA: ok" in stderr and "xbb.xlsx: XBB: warnings" in stderr


def test_the_second_run_reuses_unchanged_files_and_full_reads_again(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert run(str(folder), "-o", str(out))[0] == 0
    code, stdout, stderr = run(str(folder), "-o", str(out))
    assert code == 0 and "2 unchanged since the last run" in stdout and stderr.count(", unchanged") == 2
    code, stdout, _ = run(str(folder), "-o", str(out), "--full")
    assert code == 0 and "0 unchanged since the last run" in stdout


def test_baseline_changes_are_counted(folder: Path, tmp_path: Path, catalogue: Catalogue) -> None:
    approved = tmp_path / "approved"
    approved.mkdir()
    write_state(approved / "aland.xlsx", catalogue, "XAA", "Aland", {})
    out = tmp_path / "reports"
    code, stdout, _ = run(str(folder), "--baseline", str(approved), "-o", str(out), "--jobs", "2")
    assert code == 0
    assert "1 of 1 State(s) compared with their baseline have changes." in stdout
    assert (out / "states" / "XAA" / "changes.xlsx").is_file()


@pytest.mark.parametrize("which", ["folder", "baseline"])
def test_a_missing_folder_is_one_line_and_exit_3(folder: Path, tmp_path: Path, which: str) -> None:
    missing = tmp_path / "nowhere"
    args = [str(missing)] if which == "folder" else [str(folder), "--baseline", str(missing)]
    code, _, stderr = run(*args)
    assert code == 3
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("Error: ") and "nowhere" in stderr


def test_writing_the_reports_into_the_input_folder_is_refused(folder: Path) -> None:
    code, _, stderr = run(str(folder), "-o", str(folder))
    assert code == 2
    assert stderr.startswith("Error: refusing to write the reports into")
    assert sorted(p.name for p in folder.iterdir()) == ["xaa.xlsx", "xbb.xlsx"]
