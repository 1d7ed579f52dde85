"""``matrix-tools batch --registry``: baselines ISO@approved and submissions recorded as received."""

from __future__ import annotations

import json
from pathlib import Path

from helpers_registry import NPT, run, write_versions
from matrix_tools.registry.store import Registry


def _setup(make_matrix, tmp_path: Path) -> tuple[Path, Path, list[Path]]:
    files = write_versions(make_matrix, tmp_path)
    registry = tmp_path / "r.sqlite"
    with Registry(registry) as r:
        r.add(files[0], status="approved")
        r.add(files[1])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "testland.xlsx").write_bytes(files[2].read_bytes())
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    return registry, inbox, files


def test_batch_compares_with_the_approved_version_and_records_the_submission(make_matrix, tmp_path):
    registry, inbox, files = _setup(make_matrix, tmp_path)
    out = tmp_path / "reports"
    result = run("batch", inbox, "-o", out, "--registry", registry, env={"MATRIX_TOOLS_PLAIN": "1"})
    assert result.exit_code == 3, result.output  # broken.xlsx could not be read
    assert "Baselines from the registry (ISO@approved): TST@1" in result.output
    assert "Registry: testland.xlsx: TST@3 recorded as received" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    state = next(s for s in summary["states"] if s["file"] == "testland.xlsx")
    assert state["baseline"]["file"] == "TST@1.xlsx"  # the report says which version it compared with
    assert state["changes"]["has_differences"]
    with Registry(registry) as r:
        versions = r.versions("TST")
        assert [(v.ref, v.status, v.file_name) for v in versions][-1] == ("TST@3", "received", "testland.xlsx")
        assert len(versions) == 3  # broken.xlsx was not recorded
        assert r.get("TST@latest").text(*NPT) == "?"


def test_a_second_run_records_nothing_new(make_matrix, tmp_path):
    registry, inbox, _files = _setup(make_matrix, tmp_path)
    (inbox / "broken.xlsx").unlink()
    out = tmp_path / "reports"
    env = {"MATRIX_TOOLS_PLAIN": "1"}
    # Exit 1: TST is not a real ISO code (an error finding); such a return is still recorded.
    assert run("batch", inbox, "-o", out, "--registry", registry, env=env).exit_code == 1
    again = run("batch", inbox, "-o", out, "--registry", registry, env=env)
    assert again.exit_code == 1
    assert "TST@3 already in the registry" in again.output
    with Registry(registry) as r:
        assert len(r.versions()) == 3


def test_an_explicit_baseline_folder_wins_over_the_registry(make_matrix, tmp_path):
    registry, inbox, files = _setup(make_matrix, tmp_path)
    (inbox / "broken.xlsx").unlink()
    baseline = tmp_path / "approved"
    baseline.mkdir()
    (baseline / "testland-v3.xlsx").write_bytes(files[2].read_bytes())
    out = tmp_path / "reports"
    result = run("batch", inbox, "--baseline", baseline, "-o", out, "--registry", registry,
                 env={"MATRIX_TOOLS_PLAIN": "1"})
    assert result.exit_code == 1, result.output  # the invalid ISO code TST, nothing else
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["states"][0]["baseline"]["file"] == "testland-v3.xlsx"
    assert not summary["states"][0]["changes"]["has_differences"]
