"""`matrix-tools demo` runs every main job on the bundled samples."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from matrix_tools.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_demo_runs_every_step_and_lists_its_outputs(tmp_path):
    before = {p.name: p.read_bytes() for p in SAMPLES.glob("*.xlsx")}
    result = CliRunner().invoke(cli, ["demo", "--samples", str(SAMPLES), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    commands = [line for line in result.output.splitlines() if line.startswith("$ matrix-tools ")]
    assert [c.split()[2] for c in commands] == [
        "template", "export", "validate", "validate", "diff", "diff", "diff", "merge", "consolidate", "batch"]
    for name in ("testland-changes.xlsx", "testland-changes.html", "testland-merged.xlsx", "all-states.xlsx",
                 "testland-returned-annotated.xlsx", "batch/summary.xlsx"):
        assert (tmp_path / "out" / name).is_file(), name
        assert name in result.output
    assert "matrix-tools serve" in result.output  # the page is mentioned, not started
    assert {p.name: p.read_bytes() for p in SAMPLES.glob("*.xlsx")} == before  # samples untouched


def test_demo_without_samples_says_where_to_run_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("matrix_tools.commands.demo.find_samples", lambda start: None)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 3 and "sample workbooks were not found" in result.stderr
