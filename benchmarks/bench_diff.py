"""Benchmark: diff two consolidated 193-State tables with matrix-tools and with daff, like for like.

    python benchmarks/bench_diff.py                      # 193 States, 2% edits, seed 1540
    python benchmarks/bench_diff.py --states 50 --edit-rate 0.05 --runs 3

Both tools start from the same two CSV texts: the consolidated long table (one line per State,
field and column: ``state, iso3, field, column, value, cell``, as ``matrix-tools consolidate``
writes it), old and new. Both are timed the same way, end to end, from the CSV text to the
count of changed cells, in CPU time (both in this one process, one after the other, so a
busy machine slows neither more than the other; wall time is shown too), median of ``--runs``:

- matrix-tools: parse the CSV (csv module), build each State's two ``Matrix`` objects, compare
  them with the diff engine (``compare_matrices``), count the changes;
- daff: parse the CSV (``daff.Csv().makeTable``), compare keyed by iso3 + field + column,
  render the highlighter diff, count the changed rows (one row is one cell here).

Both counts must equal the number of cells edited, or the benchmark fails. Target (issue 14):
matrix-tools at least 20x faster than daff.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from results import emit, load_note, ratio_row, require  # noqa: E402

from matrix_tools import layout  # noqa: E402
from matrix_tools.catalogue import load_catalogue  # noqa: E402
from matrix_tools.diffing.engine import compare_matrices  # noqa: E402
from matrix_tools.model import Catalogue, HeaderValue, Matrix, State, Value, cell_ref  # noqa: E402

TARGET = 20.0
COLUMNS = ("state", "iso3", "field", "column", "value", "cell")

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


def cells_of(catalogue: Catalogue) -> dict[tuple[str, str], str]:
    """The cell each (field, column) has in a generated workbook."""
    cells = {}
    for table in catalogue.tables:
        for index, row in enumerate(table.rows):
            for col in table.columns:
                cells[(row.field, col.key)] = cell_ref(table.sheet, layout.data_row(index), layout.value_col(table, col.key))
    return cells


def to_csv(catalogue: Catalogue, states: list[tuple[str, dict[tuple[str, str], str]]]) -> str:
    """The consolidated long table of ``states`` as CSV text."""
    cells = cells_of(catalogue)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for iso3, values in states:
        for (field, column), value in values.items():
            writer.writerow([f"State {iso3}", iso3, field, column, value, cells[(field, column)]])
    return out.getvalue()


def matrices_from_csv(catalogue: Catalogue, text: str, values: dict[tuple[str, str], Value]) -> dict[str, Matrix]:
    """iso3 -> the State's matrix, from consolidated CSV text. ``values`` holds the Value of each
    (text, cell) already seen: the two versions share most of their cells, built once."""
    rows = csv.reader(io.StringIO(text))
    head = next(rows)
    require(tuple(head) == COLUMNS, f"unexpected CSV columns {head}")
    by_state: dict[str, tuple[str, dict[tuple[str, str], Value]]] = {}

    def value_of(text: str, cell: str) -> Value:
        known = values.get((text, cell))
        if known is None:
            known = values[(text, cell)] = Value(text, cell)
        return known

    # the table lists each State's lines together (as consolidate writes it)
    for (name, iso3), lines in itertools.groupby(rows, key=lambda line: (line[0], line[1])):
        entries = {(field, column): value_of(value, cell) for _, _, field, column, value, cell in lines}
        require(iso3 not in by_state, f"the lines of {iso3} are not together in the CSV")
        by_state[iso3] = (name, entries)
    sheets = {t.id: t.sheet for t in catalogue.tables}
    return {
        iso3: Matrix(catalogue, State(name, iso3), {"state": HeaderValue("state", name, "'About'!B3")}, entries,
                     sheets=sheets)
        for iso3, (name, entries) in by_state.items()
    }


def run_matrix_tools(catalogue: Catalogue, old_csv: str, new_csv: str) -> tuple[float, float, int]:
    """(CPU seconds and wall seconds from the CSV texts to the count, changed cells found)."""
    start, cpu = time.perf_counter(), time.process_time()
    values: dict[tuple[str, str], Value] = {}
    old, new = matrices_from_csv(catalogue, old_csv, values), matrices_from_csv(catalogue, new_csv, values)
    found = 0
    for iso3, matrix in new.items():
        result = compare_matrices(old[iso3], matrix, include_cosmetic=True)
        found += len(result.changes)
    return time.process_time() - cpu, time.perf_counter() - start, found


def run_daff(old_csv: str, new_csv: str) -> tuple[float, float, int]:
    """(CPU seconds and wall seconds from the CSV texts to the count, changed cells found)."""
    import daff

    start, cpu = time.perf_counter(), time.process_time()
    t1 = daff.Csv().makeTable(old_csv)
    t2 = daff.Csv().makeTable(new_csv)
    flags = daff.CompareFlags()
    for key in ("iso3", "field", "column"):
        flags.addPrimaryKey(key)
    alignment = daff.Coopy.compareTables(t1, t2, flags).align()
    output = daff.PythonTableView([])
    daff.TableDiff(alignment, flags).hilite(output)
    rows = output.data if hasattr(output, "data") else []
    changed = sum(1 for row in rows if row and row[0] == "->")
    return time.process_time() - cpu, time.perf_counter() - start, changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=193)
    parser.add_argument("--edit-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1540)
    parser.add_argument("--runs", type=int, default=1, help="runs of each tool, the same for both (median shown)")
    args = parser.parse_args(argv)
    try:
        import daff  # noqa: F401
    except ImportError:
        require(False, "daff is not installed: pip install -e .[bench] (or: make bench)")

    rng = random.Random(args.seed)
    catalogue = load_catalogue()
    olds, news = [], []
    for i in range(args.states):
        iso3 = f"X{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}"
        values = fill(catalogue, rng)
        olds.append((iso3, values))
        news.append((iso3, edit(catalogue, values, args.edit_rate, rng)))
    cells = sum(len(a) for _, a in olds)
    edited = sum(1 for (_, a), (_, b) in zip(olds, news, strict=True) for k in a if a[k] != b[k])
    require(edited > 0, "no cell was edited: nothing to compare")
    old_csv, new_csv = to_csv(catalogue, olds), to_csv(catalogue, news)
    print(f"{args.states} States, {cells:,} cells per version, {edited:,} cells edited ({edited / cells:.1%}); "
          f"CSV {len(old_csv) / 1e6:.1f} MB each; {load_note()}", file=sys.stderr)

    ours_runs, theirs_runs, ours_wall, theirs_wall = [], [], [], []
    for _ in range(args.runs):  # alternate, so background load hits both alike
        cpu, wall, found = run_matrix_tools(catalogue, old_csv, new_csv)
        require(found == edited, f"matrix-tools found {found:,} changes, {edited:,} cells were edited")
        ours_runs.append(cpu)
        ours_wall.append(wall)
        cpu, wall, daff_found = run_daff(old_csv, new_csv)
        require(daff_found == edited, f"daff found {daff_found:,} changed rows, {edited:,} cells were edited")
        theirs_runs.append(cpu)
        theirs_wall.append(wall)
    ours, theirs = statistics.median(ours_runs), statistics.median(theirs_runs)
    wall_ratio = statistics.median(theirs_wall) / statistics.median(ours_wall)
    print()
    print(f"## diff of two consolidated tables: {args.states} States, {edited:,} changed cells, {load_note()}")
    print()
    emit([ratio_row(f"diff of two consolidated {args.states}-State tables, CSV text to change count (CPU)", ours,
                    theirs, limit=TARGET, better="higher", baseline_name="daff",
                    note=f"both found {edited:,} changed cells; median of {args.runs} run(s) each; "
                    f"wall time {wall_ratio:.0f}x faster")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
