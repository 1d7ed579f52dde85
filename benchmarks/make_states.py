"""Generate realistic State matrix workbooks (seeded) into a folder, for the benchmarks.

Each workbook is a filled 1540 matrix of a fictional State (ISO codes XAA-XZZ, user-assigned),
written by the project's own writer (``matrix_tools.writing.workbook.write_matrix_workbook``): marks in
most mark cells, legal references and sources in the text columns, a few remarks, report dates.
A small share carries the kinds of problems real returns have (unknown marks, an X without a
source, a question without a remark), so validation has findings to produce.

    python benchmarks/make_states.py benchmarks/.data/states --count 193 --seed 1540
    python benchmarks/make_states.py DIR --baseline   # the approved (2020) versions of the same States

The same seed gives the same content (the files' zip timestamps are fixed too through
SOURCE_DATE_EPOCH), so repeated runs are comparable.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import string
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE / ".data" / "states"
DEFAULT_BASELINE_DIR = HERE / ".data" / "baseline"  # ensure_states(DEFAULT_BASELINE_DIR, year=BASE_YEAR)

_LAWS = (
    "Criminal Code, Art. {n}", "Law No. {n}/{y} on Export Control", "Decree {n} of {y}",
    "Act on Nuclear Energy ({y}), s. {n}", "Regulation {n}/{y} on Dual-Use Items",
    "Customs Code, Art. {n}", "Law on Biological Safety ({y}), Art. {n}",
)
_REMARKS = (
    "Information provided in the national report of {y}.",
    "The Committee would welcome further information on enforcement.",
    "See the additional report of {y}, section {n}.",
    "Measures under review by the national authority.",
)


def _iso3(index: int) -> str:
    """XAA, XAB, ... then YAA: user-assigned codes, never a real State's."""
    first = "XYZ"[index // 676]
    rest = index % 676
    return first + string.ascii_uppercase[rest // 26] + string.ascii_uppercase[rest % 26]


def _state_name(rng: random.Random, index: int) -> str:
    syllables = ("ta", "lo", "ne", "ri", "sa", "mo", "ka", "du", "ve", "li", "bo", "ra")
    stem = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()
    return rng.choice(("Republic of {}", "{}", "Kingdom of {}", "{}ia", "United {}s")).format(stem) + f" {index}"


def fill_matrix(matrix, rng: random.Random, *, year: int, sloppy: bool):  # type: ignore[no-untyped-def]
    """A copy of ``matrix`` with realistic values in its cells (sloppy: a few typical problems)."""
    from matrix_tools.model import Value

    entries = dict(matrix.entries)
    cat = matrix.catalogue
    for _table, row, col in cat.iter_keys():
        key = (row.field, col.key)
        old = entries[key]
        roll = rng.random()
        text = ""
        status = entries[(row.field, "status")].text if (row.field, "status") in entries else ""
        if col.is_mark and col.key != "status":  # enforcement: mostly where a legal basis is marked
            if status == "X" and roll < 0.6:
                text = "X"
            elif status == "X" and roll < 0.65:
                text = "?"
            elif sloppy and roll > 0.98:
                text = "X"
        elif col.is_mark:
            if roll < 0.55:
                text = "X"
            elif roll < 0.62:
                text = "?"
            elif roll < 0.66:
                text = "NA"
            if sloppy and rng.random() < 0.01:
                text = rng.choice(("x ", "Yes", "v"))
        elif col.key in ("source", "enforcement_source"):
            status = entries.get((row.field, "status" if col.key == "source" else "enforcement"))
            if status is not None and status.text == "X" and not (sloppy and rng.random() < 0.05):
                text = rng.choice(_LAWS).format(n=rng.randint(1, 400), y=rng.randint(1990, year))
        elif col.key == "remarks":
            queried = any(entries[(row.field, k)].text == "?" for k in ("status", "enforcement")
                          if (row.field, k) in entries)
            if roll < (0.5 if sloppy else 0.95) if queried else roll < 0.05:
                text = rng.choice(_REMARKS).format(n=rng.randint(1, 9), y=rng.randint(2004, year))
        elif roll < (0.9 if status == "X" else 0.1):  # "info": where the measure is found
            text = rng.choice(_LAWS).format(n=rng.randint(1, 400), y=rng.randint(1990, year))
        entries[key] = Value(text, old.cell)
    return dataclasses.replace(matrix, entries=entries)


BASE_YEAR = 2020  # the approved versions; later years are these with a few edits (as real returns are)
GENERATOR_VERSION = 6  # part of the cache stamp: bump when the content changes


def evolve_matrix(matrix, rng: random.Random, *, share: float = 0.03):  # type: ignore[no-untyped-def]
    """A later version: ``share`` of the cells edited the way States update their matrix."""
    from matrix_tools.model import Value

    entries = dict(matrix.entries)
    for key, old in list(entries.items()):
        if rng.random() >= share:
            continue
        field, column = key
        if column in ("status", "enforcement"):
            text = {"": "X", "?": "X", "X": rng.choice(("X", "?")), "NA": "NA"}.get(old.text, "X")
        elif column in ("source", "enforcement_source", "info"):
            text = (old.text + "; " if old.text else "") + rng.choice(_LAWS).format(
                n=rng.randint(1, 400), y=rng.randint(2021, 2024))
        else:
            text = rng.choice(_REMARKS).format(n=rng.randint(1, 9), y=rng.randint(2021, 2024))
        entries[key] = Value(text, old.cell)
    return dataclasses.replace(matrix, entries=entries)


def make_states(folder: Path, *, count: int = 193, seed: int = 1540, year: int = 2024,
                sloppy_share: float = 0.2) -> list[Path]:
    """Write ``count`` State workbooks into ``folder`` (created) and return their paths.

    Year ``BASE_YEAR`` gives each State's approved version; a later year gives the same
    matrix with ~3% of its cells edited and later report dates, so a diff against the
    approved version shows a realistic number of changes.
    """
    from matrix_tools.catalogue import load_catalogue
    from matrix_tools.writing.template import blank_matrix
    from matrix_tools.writing.workbook import write_matrix_workbook

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue()
    paths = []
    for i in range(count):
        rng = random.Random(f"{seed}-{i}")  # per State: the same State is the same in every run
        name = _state_name(rng, i)
        iso3 = _iso3(i)
        # The first national report (2004-2008), then additional reports in later years.
        first = dt.date(2004 + rng.randint(0, 4), rng.randint(1, 12), rng.randint(1, 28))
        extra = [dt.date(first.year + 3 * k, rng.randint(1, 12), rng.randint(1, 28)) for k in range(1, rng.randint(1, 5))]
        sloppy = rng.random() < sloppy_share
        if year > BASE_YEAR:  # its own generator: the content below must match the approved version's
            later = random.Random(f"{seed}-{i}-{year}-date")
            extra = [*extra, dt.date(year - later.randint(0, 2), later.randint(1, 12), later.randint(1, 28))]
        matrix = blank_matrix(catalogue, name, iso3, date_of_report=first, additional_reports=extra,
                              title="DRAFT 1540 COMMITTEE MATRIX")
        matrix = fill_matrix(matrix, rng, year=BASE_YEAR, sloppy=sloppy)
        if year > BASE_YEAR:
            matrix = evolve_matrix(matrix, random.Random(f"{seed}-{i}-{year}"))
        path = folder / f"{iso3.lower()}-{year}.xlsx"
        write_matrix_workbook(path, matrix)
        paths.append(path)
    return paths


def ensure_states(folder: Path = DEFAULT_DIR, *, count: int = 193, seed: int = 1540, year: int = 2024) -> list[Path]:
    """The generated workbooks, written only when the folder does not hold them yet (a cache)."""
    stamp = folder / f".complete-{count}-{seed}-{year}-v{GENERATOR_VERSION}"
    if stamp.exists():
        return sorted(folder.glob("*.xlsx"))
    for old in [*folder.glob("*.xlsx"), *folder.glob(".complete-*")] if folder.is_dir() else ():
        old.unlink()
    paths = make_states(folder, count=count, seed=seed, year=year)
    stamp.write_text("generated by benchmarks/make_states.py\n", encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--count", type=int, default=193)
    parser.add_argument("--seed", type=int, default=1540)
    parser.add_argument("--year", type=int, default=2024, help="year of the versions (2020 for a baseline)")
    parser.add_argument("--baseline", action="store_true", help="write older versions (year 2020)")
    args = parser.parse_args(argv)
    year = BASE_YEAR if args.baseline else args.year
    paths = make_states(args.folder, count=args.count, seed=args.seed, year=year)
    print(f"Wrote {len(paths)} State workbooks to {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
