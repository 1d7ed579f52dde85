"""Benchmark: consolidate 193 States' workbooks and write xlsx (with charts), csv and parquet;
and merge 193 triples of in-memory matrices.

Not a test: run it by hand (generates the workbooks on first use, seeded).

    .venv/bin/python benchmarks/bench_consolidate.py              # 193 States
    .venv/bin/python benchmarks/bench_consolidate.py --states 50

Prints wall times per step and the peak memory of the process (ru_maxrss). No targets: the
rows are for information. Parquet needs pyarrow (``pip install -e .[parquet]``); without it
that row is skipped with a note.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_states import ensure_states  # noqa: E402
from results import Row, emit, load_note, require  # noqa: E402

from matrix_tools.consolidating.engine import (  # noqa: E402
    check_unique_states,
    consolidate_matrices,
    read_matrices,
)
from matrix_tools.merging.engine import merge_matrices  # noqa: E402
from matrix_tools.reports.consolidated import write_consolidated  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


ROWS: list[Row] = []


def timed(label: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s   peak {peak_mb():7.0f} MB", file=sys.stderr)
    ROWS.append(Row(label, f"{seconds:.3g} s", note=f"peak memory {peak_mb():.0f} MB"))
    return value


def has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def edit(matrix, rng: random.Random, rate: float):  # type: ignore[no-untyped-def]
    entries = dict(matrix.entries)
    for key, value in entries.items():
        if rng.random() < rate:
            entries[key] = replace(
                value, text=rng.choice(["X", "?", "NA", "", "Law 12/2024, art. 3"])
            )
    return replace(matrix, entries=entries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=193)
    parser.add_argument("--edit-rate", type=float, default=0.02)
    args = parser.parse_args()
    paths = ensure_states(count=args.states)
    require(len(paths) == args.states, f"expected {args.states} workbooks, found {len(paths)}")
    matrices, failed = timed(f"consolidate: read {len(paths)} workbooks (load_matrix)", read_matrices, paths)
    require(len(matrices) == len(paths) and not failed, f"{len(failed)} workbooks could not be read: {failed[:1]}")
    check_unique_states(matrices)
    df = timed(f"consolidate: long table of {len(matrices)} States", consolidate_matrices, matrices)
    print(f"  {len(matrices)} States, {len(failed)} unreadable, {len(df)} rows", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".xlsx", ".csv", ".parquet"):
            if suffix == ".parquet" and not has_pyarrow():
                ROWS.append(Row("consolidate: write .parquet", "skipped", met="skipped",
                                note="pyarrow is not installed (pip install -e .[parquet])"))
                continue
            out = Path(tmp) / f"all{suffix}"
            timed(f"consolidate: write {suffix}", write_consolidated, df, out)
            print(f"  {out.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
    rng = random.Random(1540)
    triples = [(m, edit(m, rng, args.edit_rate), edit(m, rng, args.edit_rate)) for m, _ in matrices]
    results = timed(
        f"merge {len(triples)} triples in memory", lambda: [merge_matrices(*t) for t in triples]
    )
    print(
        f"  {sum(len(r.conflicts) for r in results)} conflicts, {sum(len(r.applied) for r in results)} applied",
        file=sys.stderr,
    )
    print()
    print(f"## consolidate and merge: {len(matrices)} States, {load_note()}")
    print()
    emit(ROWS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
