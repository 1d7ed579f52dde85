"""Merged ranges (``reading/merged.py``): Excel's view, in linear work (issue 13, class 4)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from matrix_tools.reading.grid import SheetGrid
from matrix_tools.reading.merged import merged_origin, unmerge


def line_events(func: Callable[[], object]) -> int:
    """How many Python lines ``func`` runs: a measure of work that does not depend on the machine."""
    count = 0

    def tracer(frame: object, event: str, arg: object) -> object:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)  # type: ignore[arg-type]
    try:
        func()
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", ["overlapping whole-area ranges", "one range per row"])
def test_merged_ranges_cost_linear_work(shape: str) -> None:
    rows = tuple(tuple(f"r{r}c{c}" for c in range(20)) for r in range(200))

    def work(count: int) -> int:
        if shape == "one range per row":
            merged = tuple((r % 100, 0, r % 100, 19) for r in range(count))  # the same 100 rows
        else:
            merged = tuple((0, 0, 199, 19) for _ in range(count))

        def run() -> None:
            sheet = unmerge(SheetGrid("S", rows, merged))
            for r in range(200):
                for c in range(0, 20, 5):
                    merged_origin(sheet, r, c)

        return line_events(run)

    small, large = work(100), work(1_000)
    # 900 more ranges may cost a few lines each, never a pass over the 4,000 cells each
    # (the quadratic version ran ~3.6 million more lines here).
    assert large - small <= 900 * 12, (small, large)
    sheet = unmerge(SheetGrid("S", rows, ((0, 0, 1, 1), (0, 0, 5, 5))))
    assert sheet.rows[1][1] == "r0c0" and sheet.rows[5][5] == "r5c5"  # the first range wins an overlap
    assert merged_origin(sheet, 1, 0) == (0, 0) and merged_origin(sheet, 0, 0) is None
