"""Builders shared by the resolve tests: a merged workbook with several kinds of conflict, and
a way to type decisions into its agenda as a person would (openpyxl, then saved)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from helpers_merge import added_row, with_rows
from matrix_tools.cli import cli
from matrix_tools.writing.workbook import write_matrix_workbook

NPT = ("OP1.npt", "status")  # a mark: ? / X / NA
CWC = ("OP1.cwc", "info")  # a text
BWC = ("OP1.bwc", "status")  # a mark both sides changed
MAKE = ("OP2.NW.manufacture", "source")  # changed by ours only: no conflict
KEYS = {
    "npt": "OP1.npt|status",
    "cwc": "OP1.cwc|info",
    "bwc": "OP1.bwc|status",
    "date": "header:date_of_report|",
    "row": "row:OP1::comment|remarks",
}


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def write_versions(make_matrix, folder: Path) -> list[Path]:
    """BASE, OURS, THEIRS with five conflicts (two marks, a text, a header date, an added row's
    cell) and one change on one side only."""
    base = with_rows(make_matrix({NPT: "?", CWC: "Signed 1993", BWC: ""}), added_row("Comment", "first"))
    ours = with_rows(
        make_matrix({NPT: "X", CWC: "Ratified 1995", BWC: "X", MAKE: "Atomic Energy Act 1954, sect. 57"},
                    header={"date_of_report": "13 October 2004"}),
        added_row("Comment", "experts' wording"),
    )
    theirs = with_rows(
        make_matrix({NPT: "NA", CWC: "Acceded 1996", BWC: "?"}, header={"date_of_report": "14 October 2004"}),
        added_row("Comment", "State's wording"),
    )
    paths = []
    for name, matrix in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = folder / f"{name}.xlsx"
        write_matrix_workbook(path, matrix)
        paths.append(path)
    return paths


def make_merged(make_matrix, folder: Path) -> Path:
    out = folder / "merged.xlsx"
    result = run("merge", *write_versions(make_matrix, folder), "-o", out)
    assert result.exit_code == 1, result.output  # conflicts to decide
    return out


def agenda_columns(ws) -> dict[str, int]:
    """Caption -> 1-based column of the Conflicts sheet's caption row (row 5)."""
    return {cell.value: cell.column for cell in ws[5] if cell.value}


def fill_decisions(merged: Path, out: Path, decisions: Mapping[str, tuple[str | None, str | None]],
                   *, edit=None) -> Path:
    """Type (Decision, Decided value) per agenda Key name (see KEYS) and save as ``out``;
    ``edit(workbook)`` may also change other cells, as a person would."""
    wb = openpyxl.load_workbook(merged)
    ws = wb["Conflicts"]
    cols = agenda_columns(ws)
    rows = {ws.cell(r, cols["Key"]).value: r for r in range(6, ws.max_row + 1)}
    for name, (decision, value) in decisions.items():
        r = rows[KEYS[name]]
        ws.cell(r, cols["Decision"]).value = decision
        ws.cell(r, cols["Decided value"]).value = value
    if edit is not None:
        edit(wb)
    wb.save(out)
    return out
