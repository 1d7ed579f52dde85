"""Three small States with known marks, written as real workbooks, and the counts by hand."""

from __future__ import annotations

from pathlib import Path

from matrix_tools.writing.workbook import write_matrix_workbook

NPT, CWC = ("OP1.npt", "status"), ("OP1.cwc", "status")
MAKE, MAKE_ENF = ("OP2.NW.manufacture", "status"), ("OP2.NW.manufacture", "enforcement")

STATES = {
    "alpha.xlsx": (
        "Alphaland",
        "AAA",
        {NPT: "X", CWC: "X", MAKE: "?", MAKE_ENF: "NA", ("OP1.npt", "info"): "NA"},
    ),
    "beta.xlsx": (
        "Betaland",
        "BBB",
        {NPT: "X", CWC: "?", ("OP2.NW.manufacture", "source"): "Act 2001"},
    ),
    "gamma.xlsx": ("Gammaland", "CCC", {NPT: "NA", MAKE: "X"}),
}

# Counted by hand from STATES (OP 1: 24 rows x 1 mark; OP 2: 3 tables x 14 rows x 2 marks).
EXPECTED_BY_FIELD = {
    "OP1.npt": {"X": 2, "?": 0, "NA": 1, "blank": 0, "other": 0},
    "OP1.cwc": {"X": 1, "?": 1, "NA": 0, "blank": 1, "other": 0},
    "OP2.NW.manufacture": {"X": 1, "?": 1, "NA": 0, "blank": 1, "other": 0},
    "OP2.NW.manufacture (enforcement)": {"X": 0, "?": 0, "NA": 1, "blank": 2, "other": 0},
    "OP1.bwc": {"X": 0, "?": 0, "NA": 0, "blank": 3, "other": 0},
}
EXPECTED_BY_SECTION = {
    "OP 1": {"X": 3, "?": 1, "NA": 1, "blank": 24 * 3 - 5, "other": 0, "fields": 24},
    "OP 2": {"X": 1, "?": 1, "NA": 1, "blank": 84 * 3 - 3, "other": 0, "fields": 84},
    "OP 3 (a)(b)": {"X": 0, "?": 0, "NA": 0, "blank": 88 * 3, "other": 0, "fields": 88},
}


def write_states(folder: Path, make_matrix, states=STATES) -> list[Path]:
    """Write one workbook per State into ``folder``; return the paths."""
    paths = []
    for name, (state, iso3, entries) in states.items():
        path = folder / name
        write_matrix_workbook(path, make_matrix(entries, state=state, iso3=iso3))
        paths.append(path)
    return paths
