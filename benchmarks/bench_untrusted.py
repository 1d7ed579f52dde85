"""What hostile files cost now (issue 13): the pre-flight check on each class, and merged ranges.

    python benchmarks/bench_untrusted.py      # or: python benchmarks/run_all.py untrusted

The hostile files are the ones the tests use (``tests/hostile.py``), built in a temporary
folder. Each line: the file, what the check said, the best of 5 runs. Not part of the tests
(they guard the work done, in counted Python lines, not seconds).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import hostile  # noqa: E402 - the test corpus of hostile files
from matrix_tools.errors import UnsafeInputError  # noqa: E402
from matrix_tools.reading.grid import SheetGrid  # noqa: E402
from matrix_tools.reading.merged import merged_origin, unmerge  # noqa: E402
from matrix_tools.reading.preflight import check_file  # noqa: E402

CASES = ("minimal workbook", "cell reference with 4 column letters", "two zip archives in one file",
         "data between entries", "entries with data descriptors", "sheet names differing only in case",
         "20000 merged ranges", "one shared string of 1.6 MB in rich-text runs", "one inline string in rich-text runs")


def best_of(runs: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def verdict(path: Path) -> str:
    try:
        check_file(path)
    except UnsafeInputError as error:
        return error.code
    return "accepted"


def main() -> int:
    print(f"{'pre-flight check of':<50} {'result':<26} {'size':>10} {'time':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for name in CASES:
            case = next(c for c in hostile.CASES if c.name == name)
            path = case.build(Path(folder) / (name.replace(" ", "_") + ".xlsx"))
            seconds = best_of(5, lambda p=path: verdict(p))
            print(f"{name:<50} {verdict(path):<26} {path.stat().st_size:>10,} {seconds * 1000:>7.1f} ms")
    sample = HERE.parent / "samples" / "examplia.xlsx"
    print(f"{'a filled matrix (samples/examplia.xlsx)':<50} {verdict(sample):<26} {sample.stat().st_size:>10,} "
          f"{best_of(20, lambda: verdict(sample)) * 1000:>7.1f} ms")
    rows = tuple(tuple("v" for _ in range(60)) for _ in range(2000))  # the whole area read
    print(f"\n{'merged ranges on 2,000 x 60 cells':<50} {'time':>9}")
    for count in (100, 1_000, 10_000):
        merged = tuple((0, 0, 1999, 59) for _ in range(count))  # all overlapping, all over the area

        def fill(m: tuple[tuple[int, int, int, int], ...] = merged) -> None:
            sheet = unmerge(SheetGrid("S", rows, m))
            for r in range(2000):
                merged_origin(sheet, r, 3)

        print(f"{f'{count:,} overlapping whole-area ranges':<50} {best_of(3, fill) * 1000:>7.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
