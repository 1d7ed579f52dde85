"""Builders shared by the registry tests: versions of one State written as real workbooks."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from matrix_tools.cli import cli
from matrix_tools.writing.workbook import write_matrix_workbook

NPT = ("OP1.npt", "status")
NPT_INFO = ("OP1.npt", "info")
CWC = ("OP1.cwc", "status")
CWC_INFO = ("OP1.cwc", "info")


def run(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def write_versions(make_matrix, folder: Path) -> list[Path]:
    """Four versions of TST: NPT blank -> X (with info) -> ? -> blank; CWC X throughout (its
    information added in the fourth, so no two versions have the same bytes)."""
    steps = [
        {CWC: "X"},
        {CWC: "X", NPT: "X", NPT_INFO: "Deposit 5 March 1970"},
        {CWC: "X", NPT: "?", NPT_INFO: "Deposit 5 March 1970"},
        {CWC: "X", CWC_INFO: "Ratified 1995"},
    ]
    paths = []
    for i, entries in enumerate(steps, start=1):
        path = folder / f"testland-v{i}.xlsx"
        write_matrix_workbook(path, make_matrix(entries))
        paths.append(path)
    return paths
