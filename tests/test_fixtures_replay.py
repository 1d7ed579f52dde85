"""Replay every LibreOffice edit record against diff, export and validate (issue 11).

Each fixture in tests/fixtures was saved by a real LibreOffice Calc (scripts/make_fixtures.py);
its record says what was edited and what the tools must report. Diff must list exactly the
recorded changes (no false change, no missed change, the right cells), export must hold every
text the State typed, and validate must report the recorded findings at their cells.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from helpers_fixtures import ROOT, Fixture, all_fixtures, written_texts
from matrix_tools.cli import cli
from matrix_tools.diffing.engine import diff
from matrix_tools.export import export_matrix
from matrix_tools.reading.parse import load_matrix
from matrix_tools.validation.engine import validate_file

XLSX = all_fixtures(".xlsx")
REPLAYED = [f for f in XLSX if "header" not in f.expect]  # the Committee-layout ones: test_fixtures_reading


def ids(items: list[Fixture]) -> list[str]:
    return [item.name for item in items]


def test_every_sample_and_every_edit_has_a_fixture() -> None:
    resaved = {f.path.name for f in XLSX if f.path.parent.name == "resave"}
    assert resaved == {p.name for p in (ROOT / "samples").glob("*.xlsx")}
    actions = {edit["action"] for f in XLSX for edit in f.record["edits"]}
    assert {"type", "insert-row", "delete-row", "move-row", "sort", "merge", "rename-sheet", "move-sheet",
            "hide-sheet", "insert-column", "formula", "copy-row", "add-sheet"} <= actions
    assert all(f.record["program"].startswith("LibreOffice") for f in XLSX)


@pytest.mark.parametrize("item", REPLAYED, ids=ids(REPLAYED))
def test_diff_reports_exactly_the_recorded_changes(item: Fixture) -> None:
    old = load_matrix(item.source)
    result = diff(old, load_matrix(item.path))
    expected = {
        (c["field"], c["column"], c["kind"], old.text(c["field"], c["column"]) if c["old"] is None else c["old"],
         c["new"], c["new_cell"])
        for c in item.expect.get("changes", [])
    }
    got = {(c.field, c.column, c.kind, c.old, c.new, c.new_cell) for c in result.changes}
    assert got - expected == set(), "false changes"
    assert expected - got == set(), "missed changes"
    assert {(u.kind, u.table, u.label) for u in result.unknown_rows} == {
        (u["kind"], u["table"], u["label"]) for u in item.expect.get("unknown_rows", [])}
    assert {(u.kind, u.place, u.name, u.item, u.new) for u in result.unplaced} == {
        (u["kind"], u["place"], u["name"], u["item"], u["new"]) for u in item.expect.get("extra", [])}
    assert result.header_changes == ()
    assert result.has_differences == bool(expected or item.expect.get("unknown_rows") or item.expect.get("extra"))


@pytest.mark.parametrize("item", REPLAYED, ids=ids(REPLAYED))
def test_fail_if_diff_counts_everything_recorded(item: Fixture) -> None:
    result = CliRunner().invoke(cli, ["diff", str(item.source), str(item.path), "--fail-if-diff"])
    differs = bool(item.expect.get("changes") or item.expect.get("unknown_rows") or item.expect.get("extra"))
    assert result.exit_code == (1 if differs else 0), result.output


@pytest.mark.parametrize("item", XLSX, ids=ids(XLSX))
def test_export_holds_every_text_the_state_typed(item: Fixture) -> None:
    matrix = load_matrix(item.path)
    text = json.dumps(export_matrix(matrix), ensure_ascii=False)
    missing = [t for t in written_texts(item) if json.dumps(t, ensure_ascii=False)[1:-1] not in text]
    assert missing == []


@pytest.mark.parametrize("item", XLSX, ids=ids(XLSX))
def test_validate_reports_the_recorded_findings_at_their_cells(item: Fixture) -> None:
    findings = validate_file(item.path).findings
    for want in item.expect.get("findings", []):
        at = [f for f in findings if f.code == want["code"] and (want["cell"] is None or f.cell == want["cell"])]
        assert at, f"{want} not among {[(f.code, f.cell) for f in findings]}"
    # a real LibreOffice save never looks like data far outside the matrix
    assert not [f for f in findings if f.code == "data-outside-matrix"]


@pytest.mark.parametrize("item", [f for f in XLSX if f.path.parent.name == "resave"],
                         ids=ids([f for f in XLSX if f.path.parent.name == "resave"]))
def test_a_plain_resave_diffs_as_identical_and_validates_as_the_sample(item: Fixture) -> None:
    result = diff(item.source, item.path)
    assert result.summary()["identical"], result.summary()
    before = {(f.code, f.cell) for f in validate_file(item.source).findings}
    assert {(f.code, f.cell) for f in validate_file(item.path).findings} == before
