"""Grid extents judged by cells that hold data (issue 11): property-based, and against calamine.

LibreOffice writes an empty ``<row r="1048576">`` and styled empty cells after a row deletion;
Excel writes styled empty cells for formatted areas. Neither holds data, so neither may send
a file to the streaming reader. The extent pre-flight reports must still bound every cell a
reader would allocate: the largest row and column of a cell with a value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import minimal_xlsx_parts, write_zip
from matrix_tools.model import column_letter
from matrix_tools.reading.preflight import check_file

SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><sheetData>')

cell = st.tuples(st.integers(0, 3_000), st.integers(0, 200), st.booleans())  # (row, col, holds data)


def sheet_xml(cells: list[tuple[int, int, bool]], empty_last_row: bool) -> str:
    rows: dict[int, list[tuple[int, bool]]] = {}
    for r, c, data in cells:
        rows.setdefault(r, []).append((c, data))
    out = [SHEET_HEAD]
    for r in sorted(rows):
        out.append(f'<row r="{r + 1}">')
        for c, data in sorted(set(rows[r])):
            ref = f"{column_letter(c)}{r + 1}"
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>' if data else f'<c r="{ref}" s="1"/>')
        out.append("</row>")
    if empty_last_row:
        out.append('<row r="1048576" ht="12.8" customHeight="false"></row>')
    return "".join(out) + "</sheetData></worksheet>"


@settings(max_examples=60, deadline=None, database=None)
@given(cells=st.lists(cell, max_size=40), empty_last_row=st.booleans())
def test_extents_are_the_largest_cell_holding_data(tmp_path_factory: pytest.TempPathFactory,
                                                   cells: list[tuple[int, int, bool]], empty_last_row: bool) -> None:
    parts = minimal_xlsx_parts()
    parts["xl/worksheets/sheet1.xml"] = sheet_xml(cells, empty_last_row).encode()
    path = write_zip(tmp_path_factory.mktemp("extent") / "e.xlsx", parts)
    result = check_file(path)
    data = [(r, c) for r, c, held in cells if held]
    expected = (max(r for r, _ in data), max(c for _, c in data)) if data else (-1, -1)
    assert (result.max_row, result.max_col) == expected


def test_calamine_allocates_no_more_than_the_extents_say(tmp_path: Path) -> None:
    import python_calamine as pc

    cells = [(4, 2, True), (900, 150, False), (30, 7, True)]
    parts = minimal_xlsx_parts()
    parts["xl/worksheets/sheet1.xml"] = sheet_xml(cells, True).encode()
    path = write_zip(tmp_path / "e.xlsx", parts)
    result = check_file(path)
    sheet = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert (result.max_row, result.max_col) == (30, 7)
    assert sheet.height - 1 <= result.max_row and sheet.width - 1 <= result.max_col
