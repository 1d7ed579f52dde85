"""Benchmark: no super-linear path. Time grows at most linearly with what a State can make long.

    python benchmarks/bench_linear.py           # or: python benchmarks/run_all.py linear
    python benchmarks/bench_linear.py --runs 5

Each figure compares a workbook built here with one 8x larger in one respect, and shows the
ratio. Times are CPU times (user + system, less disturbed by a busy machine than wall time),
the median (whole processes) or the least (in-process) of ``--runs``:

- ``matrix-tools diff`` of two versions whose remark differs, 4,000 and 32,000 characters long,
  whole process (issue 14: at most 3x including start-up; a quadratic word diff took a minute
  at 32,000 characters);
- ``matrix-tools diff`` of two versions with 200 and 1,600 inserted rows sharing one label,
  whole process (at most 8x: linear);
- reading and validating (``validate_files``, in-process) a workbook with 1,000 and 8,000
  merged ranges, 10 and 80 extra sheets, 200 and 1,600 inserted rows, 12,000 and 96,000 extra
  cells. The figure is the time *added* to a plain workbook's (``(big - plain) / (small -
  plain)``): linear growth gives about 8x, quadratic about 64x. Target: at most 12x (8x, with
  room for noise).

The workbooks are written with the tests' independent builder (tests/handmade.py).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from results import Row, emit, load_note, ratio_row, require, run_process_cpu  # noqa: E402

CLI = [sys.executable, "-m", "matrix_tools"]
REMARK_TARGET = 3.0
ADDED_TARGET = 12.0
ROWS_TARGET = 8.0


@contextmanager
def extra_sheets(sheets: int = 0, cells: int = 0) -> Iterator[None]:
    """While active, every workbook the builder closes gets ``sheets`` annex sheets and a sheet
    of ``cells`` extra text cells (60 to a row) before it is written."""
    import xlsxwriter

    real_close = xlsxwriter.Workbook.close

    def close(self: Any) -> Any:
        for i in range(sheets):
            ws = self.add_worksheet(f"Annex {i + 1}")
            ws.write_string(0, 0, f"Annex {i + 1}: national legislation")
            for r in range(1, 41):
                ws.write_string(r, 0, f"Act {r} of {1990 + r}")
                ws.write_string(r, 1, "in force; see the national report, p. 12")
        if cells:
            ws = self.add_worksheet("Data")
            for n in range(cells):
                ws.write_string(n // 60, n % 60, f"v{n}")
        return real_close(self)

    xlsxwriter.Workbook.close = close
    try:
        yield
    finally:
        xlsxwriter.Workbook.close = real_close


def remark(length: int, seed: int) -> str:
    rng = random.Random(seed)
    words = ["the", "Act", "of", "law", "licence", "export", "control", "art.", "and", "in", "penalty", "customs"]
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < length:
        out.append(rng.choice(words) if rng.random() < 0.6 else f"{rng.choice(words)}{rng.randrange(10_000)}")
    return " ".join(out)[:length]


def edit_words(text: str, seed: int, share: float = 0.03) -> str:
    rng = random.Random(seed)
    return " ".join(w if rng.random() >= share else f"amended{rng.randrange(1000)}" for w in text.split(" "))


def inserted(count: int, label: str = "Comment from the State") -> list[tuple[int, list[str]]]:
    return [(1 + i % 10, ["", label, "", "", "", f"note {i}"]) for i in range(count)]


def timed(argv: list[str], runs: int) -> float:
    return statistics.median(run_process_cpu(argv, ok=(0, 1)) for _ in range(runs))


def validate_cpu(path: Path, runs: int) -> float:
    """Least CPU seconds of reading and validating ``path`` in this process."""
    import time

    from matrix_tools.validation.engine import validate_files

    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        [result] = validate_files([path])
        best = min(best, time.process_time() - start)
        require(result.error is None, f"{path.name} could not be read: {result.error}")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each command; the median is used")
    args = parser.parse_args(argv)
    from handmade import write_workbook
    from matrix_tools.catalogue import load_catalogue

    cat = load_catalogue()
    key = ("OP2.NW.manufacture", "remarks")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def book(name: str, values: dict[tuple[str, str], str] | None = None, **options: Any) -> Path:
            sheets, cells = options.pop("sheets", 0), options.pop("cells", 0)
            with extra_sheets(sheets, cells):
                return write_workbook(folder / f"{name}.xlsx", cat, values or {}, **options)

        def diff_time(old: Path, new: Path, check: Callable[[dict[str, Any]], bool]) -> float:
            out = folder / "d.json"
            seconds = timed([*CLI, "diff", str(old), str(new), "--format", "json", "-o", str(out)], args.runs)
            found = json.loads(out.read_text(encoding="utf-8"))
            require(check(found), f"diff of {old.name} and {new.name} did not find the edit: {found.get('summary')}")
            return seconds

        # remarks 4,000 -> 32,000 characters
        times = {}
        for length in (4_000, 32_000):
            text = remark(length, length)
            times[length] = diff_time(book(f"r{length}a", {key: text}), book(f"r{length}b", {key: edit_words(text, 1)}),
                                      lambda d: [(c["field"], c["column"]) for c in d["changes"]] == [key])
        rows.append(ratio_row("diff, remark of 32,000 vs 4,000 characters (whole process, CPU)", times[32_000],
                              times[4_000], limit=REMARK_TARGET, baseline_name="4,000 characters"))
        # inserted rows sharing one label
        times = {}
        for count in (200, 1_600):
            old = book(f"i{count}a", insert_rows={"OP1": inserted(count)})
            new = book(f"i{count}b", {("OP1.npt", "status"): "X"}, insert_rows={"OP1": inserted(count + 1)})
            times[count] = diff_time(old, new, lambda d: len(d["changes"]) == 1
                                     and [u["kind"] for u in d.get("unknown_rows", [])] == ["added"])
        rows.append(ratio_row("diff, 1,600 vs 200 inserted rows sharing a label (whole process, CPU)", times[1_600],
                              times[200], limit=ROWS_TARGET, baseline_name="200 rows"))
        # validate: time added by merged ranges, sheets, rows, cells
        runs = max(3, args.runs)
        validate_cpu(book("warm-up"), 1)  # imports, catalogue, caches
        plain = validate_cpu(book("plain"), runs)

        def merges(n: int) -> list[tuple[str, str]]:
            tables = [t.id for t in cat.tables]
            return [(tables[i % len(tables)], f"K{1 + 2 * (i // len(tables))}:L{2 + 2 * (i // len(tables))}")
                    for i in range(n)]

        cases: list[tuple[str, Callable[[int], dict[str, Any]], int]] = [
            ("merged ranges", lambda n: {"merge": merges(n)}, 1_000),
            ("extra sheets", lambda n: {"sheets": n}, 10),
            ("inserted rows", lambda n: {"insert_rows": {"OP1": inserted(n, "Row added")}}, 200),
            ("extra cells", lambda n: {"cells": n}, 12_000),
        ]
        for what, options, small in cases:
            t_small = validate_cpu(book(f"{what}-small", **options(small)), runs)
            t_big = validate_cpu(book(f"{what}-big", **options(8 * small)), runs)
            added_small, added_big = t_small - plain, t_big - plain
            require(added_small > 0.001, f"validate: {small} {what} added no measurable time "
                    f"({added_small * 1000:.1f} ms): the case does not test anything")
            ratio = added_big / added_small
            rows.append(Row(f"read + validate, CPU time added by {8 * small:,} vs {small:,} {what}",
                            f"{added_big * 1000:.0f} ms", f"{added_small * 1000:.0f} ms", f"{ratio:.2f}x",
                            f"<= {ADDED_TARGET:g}x", "yes" if ratio <= ADDED_TARGET else "NO",
                            f"plain workbook {plain * 1000:.0f} ms"))
    print()
    print(f"## growth with input size (median of {args.runs} runs), {load_note()}")
    print()
    emit(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
