"""Merged cell ranges: every cell of a range shows the range's top-left value, as in Excel.

Linear in the cells read plus the ranges (issue 13: the earlier version was quadratic, and
20,000 ranges in a 37 kB file took minutes).
"""

from __future__ import annotations

from dataclasses import replace

from matrix_tools.reading.grid import SheetGrid


def unmerge(sheet: SheetGrid) -> SheetGrid:
    """Give every cell of a merged range the top-left value, as Excel shows it.

    Linear in the cells read plus the ranges: only the area that was read is filled, and each
    cell is filled once. Ranges that overlap (Excel never writes them) keep the first range's
    value: a range stops at the first cell an earlier range already covers, so 20,000
    overlapping ranges cost no more than one (issue 13: this was quadratic).
    """
    if not sheet.merged:
        return sheet
    rows = [list(r) for r in sheet.rows]
    origins: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(rows) or (r0, c0) in origins:
            continue
        top = rows[r0][c0] if c0 < len(rows[r0]) else ""
        origin = (r0, c0)
        origins[origin] = origin
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            cells = rows[r]
            for c in range(c0, min(c1, len(cells) - 1) + 1):
                if (r, c) == origin:
                    continue
                if (r, c) in origins:
                    break  # an overlapping range: stop here (see above)
                origins[(r, c)] = origin
                cells[c] = top
            else:
                continue
            break
    return replace(sheet, rows=tuple(tuple(r) for r in rows), merge_origins=origins)


def merged_origin(sheet: SheetGrid, row: int, col: int) -> tuple[int, int] | None:
    """The top-left cell of the merged range covering (row, col), if another cell (one lookup)."""
    origin = sheet.merge_origins.get((row, col))
    return origin if origin is not None and origin != (row, col) else None
