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
        "template", "export", "validate", "validate", "diff", "diff", "diff", "merge",
        "resolve", "registry", "registry", "registry", "registry", "registry", "diff", "registry",
        "consolidate", "consolidate", "batch"]
    for name in ("testland-changes.xlsx", "testland-changes.html", "testland-merged.xlsx", "all-states.xlsx",
                 "testland-returned-annotated.xlsx", "batch/summary.xlsx", "testland-final.xlsx",
                 "testland-history.xlsx", "matrix-registry.sqlite", "coverage-over-time.xlsx"):
        assert (tmp_path / "out" / name).is_file(), name
        assert name in result.output
    assert "matrix-tools serve" in result.output  # the page is mentioned, not started
    assert {p.name: p.read_bytes() for p in SAMPLES.glob("*.xlsx")} == before  # samples untouched
    # The consultation cycle: the conflict decided (theirs), resolved, three versions stored.
    assert "1 decision typed" in result.output
    assert "Approved XTL@3" in result.output  # the final version, added third
    from matrix_tools.reading.parse import load_matrix
    from matrix_tools.registry.store import Registry

    final = load_matrix(tmp_path / "out" / "testland-final.xlsx")
    assert final.text("OP3ab.NW.personnel_reliability", "source") == "Nuclear Security Regulation (2019), art. 22"
    with Registry(tmp_path / "out" / "matrix-registry.sqlite") as registry:
        assert [(v.ref, v.status) for v in registry.versions("XTL")] == [
            ("XTL@1", "approved"), ("XTL@2", "received"), ("XTL@3", "approved")]


def test_the_demo_can_run_twice_into_the_same_folder(tmp_path):
    args = ["demo", "--samples", str(SAMPLES), "-o", str(tmp_path / "out")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    from matrix_tools.registry.store import Registry

    with Registry(tmp_path / "out" / "matrix-registry.sqlite") as registry:
        assert [v.ref for v in registry.versions("XTL")] == ["XTL@1", "XTL@2", "XTL@3"]


def test_demo_without_samples_says_where_to_run_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("matrix_tools.commands.demo.find_samples", lambda start: None)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 3 and "sample workbooks were not found" in result.stderr
