"""Write what the catalogue has no place for: columns a State inserted, sheets it added.

The merged workbook (and every workbook written from a Matrix) is a new file in the
catalogue's layout, so content outside the catalogue needs a place of its own or it would be
lost there: an inserted column goes beside its table, after the Field ID column, under its
caption (rows keep their own row); an added worksheet is written after the tables with every
cell at its coordinate. Text only, with ``write_string``: nothing becomes a formula or link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from matrix_tools import layout
from matrix_tools.model import Matrix, Table, cell_ref

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from matrix_tools.writing.xlsx import Styles

TEXT_WIDTH = 34.0
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_COORDINATE = re.compile(r"([A-Z]{1,3})([0-9]+)")


def write_unknown_columns(ws: Worksheet, styles: Styles, table: Table, matrix: Matrix,
                          places: dict[str, int], rows: Mapping[str, int]) -> dict[tuple[str, str], str]:
    """The table's inserted columns beside it: caption in the caption row, each cell in the row
    its field was written in (``rows``: field -> sheet row). ``places`` (caption -> worksheet
    column) is shared with the rows the catalogue does not know, so their cells under the same
    caption land in the same column. Returns {(field, caption): "'Sheet'!A1"} for the cells written."""
    cells: dict[tuple[str, str], str] = {}
    for column in matrix.unknown_columns:
        if column.table != table.id:
            continue
        where = places.setdefault(column.name, layout.field_id_col(table) + 1 + len(places))
        ws.write_string(layout.CAPTION_ROW, where, column.name, styles.get("caption"))
        ws.set_column(where, where, TEXT_WIDTH)
        for field, value in column.values.items():
            if field not in rows or not value.text:
                continue
            row = rows[field]
            ws.write_string(row, where, value.text, styles.get("text"))
            cells[(field, column.name)] = cell_ref(table.sheet, row, where)
    return cells


def add_extra_sheets(wb: Workbook, styles: Styles, matrix: Matrix) -> list[str]:
    """One worksheet per sheet the State added, after everything else; its name kept where
    Excel allows it (else made unique). Returns the names used."""
    names: list[str] = []
    for sheet in matrix.extra_sheets:
        ws = _add_named(wb, sheet.name)
        names.append(ws.get_name())
        ws.set_column(0, 10, TEXT_WIDTH / 2)
        for coordinate, value in sheet.cells.items():
            found = _COORDINATE.fullmatch(coordinate)
            if found is None or not value.text:
                continue
            col = 0
            for letter in found.group(1):
                col = col * 26 + ord(letter) - 64
            ws.write_string(int(found.group(2)) - 1, col - 1, value.text, styles.get("text"))
        if not sheet.visible:
            ws.hide()
    return names


def _add_named(wb: Workbook, name: str) -> Worksheet:
    from xlsxwriter.exceptions import XlsxWriterException

    base = _BAD_SHEET_CHARS.sub(" ", name).strip("' ")[:31] or "Sheet of the State"
    for n in range(1, 100):
        candidate = base if n == 1 else f"{base[:26]} ({n})"
        try:
            return wb.add_worksheet(candidate)
        except XlsxWriterException:  # a name taken (case-insensitively) or refused
            continue
    return wb.add_worksheet()
