"""Benchmark: diff 193 States' matrices (two versions, ~2% of cells edited) with the
matrix-tools engine, and the same data flattened to one long CSV table with daff.

Not a test: run it by hand.

    .venv/bin/python benchmarks/bench_diff.py            # 193 States, 2% edits, seed 1540
    .venv/bin/python benchmarks/bench_diff.py --states 50 --edit-rate 0.05

Both sides get the same data. matrix-tools compares in-memory ``Matrix`` pairs keyed by
(field, column); daff compares two tables (state, field, column, value) keyed by
state + field + column, read from CSV text. Times exclude generating the data; the daff time
is shown with and without parsing its CSV. The number of changed cells each tool finds is
printed so the two can be checked against each other.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import time
from collections.abc import Iterator

from matrix_tools import layout
from matrix_tools.catalogue import load_catalogue
from matrix_tools.diffing.engine import compare_matrices
from matrix_tools.model import Catalogue, HeaderValue, Matrix, State, Value, cell_ref

MARK_WEIGHTS = (("X", 0.5), ("?", 0.1), ("NA", 0.05), ("", 0.35))
LAWS = ("Atomic Energy Act", "Penal Code", "Customs Act", "Chemical Weapons Act", "Export Control Law",
        "Biosafety Regulation", "Strategic Goods Act", "Nuclear Safety Law")


def random_mark(rng: random.Random) -> str:
    return rng.choices([m for m, _ in MARK_WEIGHTS], [w for _, w in MARK_WEIGHTS])[0]


def random_source(rng: random.Random) -> str:
    return f"{rng.choice(LAWS)} {rng.randint(1960, 2024)}, art. {rng.randint(1, 200)}"


def fill(catalogue: Catalogue, rng: random.Random) -> dict[tuple[str, str], str]:
    """A realistic matrix: about half the marks X, sources beside most X, a few remarks."""
    values: dict[tuple[str, str], str] = {}
    for table in catalogue.tables:
        keys = {c.key for c in table.columns}
        for row in table.rows:
            status = random_mark(rng)
            values[(row.field, "status")] = status
            text_col = "source" if "source" in keys else "info"
            values[(row.field, text_col)] = random_source(rng) if status == "X" and rng.random() < 0.8 else ""
            if "enforcement" in keys:
                enf = random_mark(rng)
                values[(row.field, "enforcement")] = enf
                values[(row.field, "enforcement_source")] = random_source(rng) if enf == "X" else ""
            values[(row.field, "remarks")] = f"National report, p. {rng.randint(1, 90)}" if rng.random() < 0.2 else ""
    return values


def edit(catalogue: Catalogue, values: dict[tuple[str, str], str], rate: float, rng: random.Random) -> dict[tuple[str, str], str]:
    """Another version with about ``rate`` of the cells edited (marks changed, texts amended)."""
    new = dict(values)
    for key in list(new):
        if rng.random() >= rate:
            continue
        if catalogue.column(*key).is_mark:
            new[key] = rng.choice([m for m, _ in MARK_WEIGHTS if m != new[key]])
        elif new[key] and rng.random() < 0.7:
            new[key] = new[key] + rng.choice([" as amended", ", sect. 2", " (2019)"])
        else:
            new[key] = "" if new[key] else random_source(rng)
    return new


def to_matrix(catalogue: Catalogue, state: str, iso3: str, values: dict[tuple[str, str], str]) -> Matrix:
    entries = {}
    for table in catalogue.tables:
        for index, row in enumerate(table.rows):
            for col in table.columns:
                cell = cell_ref(table.sheet, layout.data_row(index), layout.value_col(table, col.key))
                entries[(row.field, col.key)] = Value(values[(row.field, col.key)], cell)
    header = {"state": HeaderValue("state", state, "'About'!B3")}
    return Matrix(catalogue, State(state, iso3), header, entries, sheets={t.id: t.sheet for t in catalogue.tables})


def iter_csv_rows(states: list[tuple[str, dict[tuple[str, str], str]]]) -> Iterator[list[str]]:
    yield ["state", "field", "column", "value"]
    for iso3, values in states:
        for (field, column), value in values.items():
            yield [iso3, field, column, value]


def to_csv(states: list[tuple[str, dict[tuple[str, str], str]]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(iter_csv_rows(states))
    return out.getvalue()


def run_daff(old_csv: str, new_csv: str) -> tuple[float, float, int]:
    """(seconds including CSV parsing, seconds comparing only, changed cells found)."""
    import daff

    start = time.perf_counter()
    t1 = daff.Csv().makeTable(old_csv)
    t2 = daff.Csv().makeTable(new_csv)
    parsed = time.perf_counter()
    flags = daff.CompareFlags()
    for key in ("state", "field", "column"):
        flags.addPrimaryKey(key)
    alignment = daff.Coopy.compareTables(t1, t2, flags).align()
    output = daff.PythonTableView([])
    daff.TableDiff(alignment, flags).hilite(output)
    end = time.perf_counter()
    rows = output.data if hasattr(output, "data") else []
    changed = sum(1 for row in rows if row and row[0] == "->")
    return end - start, end - parsed, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=193)
    parser.add_argument("--edit-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1540)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the matrix-tools diff (best is shown)")
    parser.add_argument("--skip-daff", action="store_true")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    catalogue = load_catalogue()
    olds, news = [], []
    for i in range(args.states):
        iso3 = f"S{i:02d}"[:3] if i < 100 else f"T{i - 100:02d}"
        values = fill(catalogue, rng)
        olds.append((iso3, values))
        news.append((iso3, edit(catalogue, values, args.edit_rate, rng)))
    pairs = [
        (to_matrix(catalogue, f"State {iso3}", iso3, a), to_matrix(catalogue, f"State {iso3}", iso3, b))
        for (iso3, a), (_, b) in zip(olds, news, strict=True)
    ]
    cells = sum(len(a) for _, a in olds)
    edited = sum(1 for (_, a), (_, b) in zip(olds, news, strict=True) for k in a if a[k] != b[k])
    print(f"{args.states} States, {cells:,} cells per version, {edited:,} cells edited ({edited / cells:.1%})")

    best = float("inf")
    found = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        found = sum(len(compare_matrices(a, b).changes) for a, b in pairs)
        best = min(best, time.perf_counter() - start)
    print(f"matrix-tools: {best:.3f} s for {len(pairs)} pairs ({best / len(pairs) * 1000:.2f} ms per State), "
          f"{found:,} changes found")
    if found != edited:
        print(f"  WARNING: expected {edited:,} changes")
    if args.skip_daff:
        return
    old_csv, new_csv = to_csv(olds), to_csv(news)
    total, compare_only, daff_found = run_daff(old_csv, new_csv)
    print(f"daff:         {total:.3f} s with CSV parsing, {compare_only:.3f} s comparing only, "
          f"{daff_found:,} changed rows found")
    print(f"ratio: matrix-tools is {total / best:.0f}x faster than daff ({compare_only / best:.0f}x on comparing only)")


if __name__ == "__main__":
    main()
