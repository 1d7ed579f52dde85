"""Notes typed into a report survive a re-run (issue 12, item 2): Outcome in "For consultation",
Decision in the merged workbook's "Conflicts"; notes that no longer match go on their own sheet."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import build_matrix
from helpers_diff import BASE_ENTRIES
from helpers_merge import three_versions
from matrix_tools.cli import cli
from matrix_tools.reading.typed_notes import TypedNote
from matrix_tools.reports.carry import EARLIER_SHEET, NoteCarrier
from matrix_tools.reports.diff_xlsx import CONSULTATION_SHEET, OUTCOME_CAPTION
from matrix_tools.reports.merge import CONFLICTS_SHEET, DECISION_CAPTION
from matrix_tools.writing.workbook import write_matrix_workbook

DOWNGRADE = {("OP2.NW.manufacture", "status"): "?"}


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def column_of(ws, caption: str, head_row: int = 1) -> int:
    return next(c.column for c in ws[head_row] if str(c.value or "").startswith(caption))


def row_with(ws, text: str) -> int:
    return next(row[0].row for row in ws.iter_rows() if any(c.value == text for c in row))


def type_note(path: Path, sheet: str, caption: str, head_row: int, field_text: str, note: str) -> None:
    """What an expert does in Excel: type a note in the row about ``field_text`` and save."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    cell = ws.cell(row_with(ws, field_text), column_of(ws, caption, head_row), note)
    cell.data_type = "s"  # typed text (a leading "=" typed as '= in Excel), not a formula
    wb.save(path)


@pytest.fixture
def versions(tmp_path: Path) -> dict[str, Path]:
    """The approved matrix, a return with two points to raise, and a corrected return with one."""
    paths = {}
    first = {**BASE_ENTRIES, **DOWNGRADE}
    del first[("OP1.bwc", "status")]  # a measure no longer recorded
    for name, entries in (("old", BASE_ENTRIES), ("new", first), ("corrected", {**BASE_ENTRIES, **DOWNGRADE})):
        paths[name] = tmp_path / f"{name}.xlsx"
        write_matrix_workbook(paths[name], build_matrix(entries))
    return paths


def test_outcomes_typed_in_the_consultation_sheet_are_carried_into_the_rerun(versions, tmp_path):
    report = tmp_path / "changes.xlsx"
    assert run("diff", versions["old"], versions["new"], "-o", report).exit_code == 0
    type_note(report, CONSULTATION_SHEET, "Outcome", 1, "manufacture/produce", "State to send the 2019 decree")
    type_note(report, CONSULTATION_SHEET, "Outcome", 1, "Biological Weapons Convention (BWC)", "Still party: typo")

    result = run("diff", versions["old"], versions["corrected"], "-o", report)

    assert result.exit_code == 0, result.output
    assert "Carried 1 note typed in the earlier report forward; 1 no longer matches a row" in result.output
    wb = openpyxl.load_workbook(report)
    ws = wb[CONSULTATION_SHEET]
    row = row_with(ws, "manufacture/produce")
    assert ws.cell(row, column_of(ws, OUTCOME_CAPTION)).value == "State to send the 2019 decree"
    earlier = wb[EARLIER_SHEET]
    kept = [[c.value for c in r] for r in earlier.iter_rows(min_row=5)]
    assert len(kept) == 1 and "Still party: typo" in kept[0] and "Biological Weapons Convention (BWC)" in kept[0]


def test_a_rerun_without_typed_notes_says_nothing_about_notes(versions, tmp_path):
    report = tmp_path / "changes.xlsx"
    run("diff", versions["old"], versions["new"], "-o", report)
    result = run("diff", versions["old"], versions["corrected"], "-o", report)
    assert result.exit_code == 0 and "Carried" not in result.output
    assert EARLIER_SHEET not in openpyxl.load_workbook(report).sheetnames


def test_an_unreadable_earlier_report_is_left_alone_unless_forced(versions, tmp_path):
    report = tmp_path / "changes.xlsx"
    report.write_bytes(b"PK\x03\x04 this is no workbook")
    result = run("diff", versions["old"], versions["new"], "-o", report)
    assert result.exit_code == 2
    assert "notes typed in it could not be read" in result.output and "--force" in result.output
    assert report.read_bytes() == b"PK\x03\x04 this is no workbook"
    forced = run("diff", versions["old"], versions["new"], "-o", report, "--force")
    assert forced.exit_code == 0, forced.output
    assert "was replaced (--force); nothing typed in it was carried over" in forced.output
    assert CONSULTATION_SHEET in openpyxl.load_workbook(report).sheetnames


@pytest.fixture
def merge_inputs(make_matrix, tmp_path: Path) -> list[Path]:
    paths = []
    for name, matrix in zip(("base", "ours", "theirs"), three_versions(make_matrix), strict=True):
        paths.append(tmp_path / f"{name}.xlsx")
        write_matrix_workbook(paths[-1], matrix)
    return paths


def test_decisions_typed_in_the_conflicts_sheet_are_carried_into_the_rerun(merge_inputs, tmp_path):
    out = tmp_path / "merged.xlsx"
    assert run("merge", *merge_inputs, "-o", out).exit_code == 1
    type_note(out, CONFLICTS_SHEET, DECISION_CAPTION, 5, "Nuclear Non-Proliferation Treaty (NPT)", "Keep X: see 1970 deposit")

    result = run("merge", *merge_inputs, "-o", out)

    assert result.exit_code == 1
    assert "Carried 1 note typed in the earlier report forward." in result.output
    ws = openpyxl.load_workbook(out)[CONFLICTS_SHEET]
    row = row_with(ws, "Nuclear Non-Proliferation Treaty (NPT)")
    assert ws.cell(row, column_of(ws, DECISION_CAPTION, 5)).value == "Keep X: see 1970 deposit"


def test_a_decision_whose_conflict_changed_goes_to_the_earlier_notes_sheet(merge_inputs, make_matrix, tmp_path):
    out = tmp_path / "merged.xlsx"
    run("merge", *merge_inputs, "-o", out)
    type_note(out, CONFLICTS_SHEET, DECISION_CAPTION, 5, "Nuclear Non-Proliferation Treaty (NPT)", "Ask the State")
    theirs = {("OP1.npt", "status"): "?", ("OP1.cwc", "info"): "ratified  1995"}  # NPT back to base: no conflict
    write_matrix_workbook(merge_inputs[2], build_matrix(theirs))

    result = run("merge", *merge_inputs, "-o", out)

    assert result.exit_code == 0, result.output  # no conflict any more
    assert "1 note typed in the earlier report no longer matches a row" in result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] != CONFLICTS_SHEET  # nothing to decide: the workbook opens on About
    values = [c.value for r in wb[EARLIER_SHEET].iter_rows(min_row=5) for c in r]
    assert "Ask the State" in values


def test_a_note_that_looks_like_a_formula_is_carried_as_text(versions, tmp_path):
    import zipfile

    report = tmp_path / "changes.xlsx"
    run("diff", versions["old"], versions["new"], "-o", report)
    hostile = '=HYPERLINK("http://evil.example","click")'
    type_note(report, CONSULTATION_SHEET, "Outcome", 1, "manufacture/produce", hostile)
    type_note(report, CONSULTATION_SHEET, "Outcome", 1, "Biological Weapons Convention (BWC)", "+cmd|' /C calc'!A0")
    assert run("diff", versions["old"], versions["corrected"], "-o", report).exit_code == 0
    with zipfile.ZipFile(report) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s for s in sheets)  # no formula anywhere: typed notes stay inert
    wb = openpyxl.load_workbook(report)
    assert hostile in [c.value for r in wb[CONSULTATION_SHEET].iter_rows() for c in r]
    assert "+cmd|' /C calc'!A0" in [c.value for r in wb[EARLIER_SHEET].iter_rows() for c in r]


texts = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@given(
    notes=st.lists(st.tuples(st.tuples(texts, texts), texts.filter(str.strip)), max_size=12),
    rows=st.lists(st.tuples(texts, texts), max_size=12),
)
def test_no_typed_note_is_lost_whatever_the_new_report_holds(notes, rows):
    """Every note is either put in a row with the same key texts or left over: never dropped."""
    typed = [TypedNote("For consultation", i + 2, key, note, {}) for i, (key, note) in enumerate(notes)]
    carrier = NoteCarrier(typed)
    taken = [(row, carrier.take(row)) for row in rows]
    placed = [(row, note) for row, note in taken if note]
    assert all(any(n.key == row and n.note == note for n in typed) for row, note in placed)
    assert len(placed) + len(carrier.leftover()) == len(typed)
    assert carrier.outcome().carried == len(placed) and carrier.outcome().unmatched == len(carrier.leftover())


def test_a_report_of_another_kind_is_not_replaced_unasked(versions, merge_inputs, tmp_path):
    # A change report with an Outcome typed in it, given by mistake as the merge's -o: the
    # merge would write no Outcome column, so the typed note would be lost. Refused, untouched.
    report = tmp_path / "changes.xlsx"
    assert run("diff", versions["old"], versions["new"], "-o", report).exit_code == 0
    before = report.read_bytes()
    result = run("merge", *merge_inputs, "-o", report)
    assert result.exit_code == 2
    assert "it is not this kind of report (it has no 'Conflicts' sheet)" in result.output
    assert "--force" in result.output and report.read_bytes() == before
    # and the other way round: a merged workbook is not replaced by a change report
    merged = tmp_path / "merged.xlsx"
    run("merge", *merge_inputs, "-o", merged)
    refused = run("diff", versions["old"], versions["new"], "-o", merged)
    assert refused.exit_code == 2 and "no 'For consultation' sheet" in refused.output
    forced = run("merge", *merge_inputs, "-o", report, "--force")
    assert forced.exit_code == 1 and CONFLICTS_SHEET in openpyxl.load_workbook(report).sheetnames
