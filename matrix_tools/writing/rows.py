"""Where the rows of a table sheet go: the catalogue's rows, the State's own rows among them,
and why row numbers jump (rows that belong to another weapon's table).

Pure functions over the model; ``workbook.py`` writes what they order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from matrix_tools.model import Catalogue, Matrix, Row, Table, UnknownRow

_ROW_OF_CELL = re.compile(r"!\$?[A-Z]{1,3}\$?(\d+)$")


def _source_row(matrix: Matrix, row: Row, table: Table) -> int | None:
    """The row (1-based) a catalogue row had in the State's sheet, from where its values were read."""
    for col in table.columns:
        match = _ROW_OF_CELL.search(matrix.value(row.field, col.key).cell)
        if match:
            return int(match.group(1))
    return None


def row_order(matrix: Matrix, table: Table, keyed: Mapping[str, UnknownRow]) -> list[Row | str]:
    """The catalogue rows of ``table`` with the State's own rows (their keys) where it put them:
    each after the last catalogue row above it in the State's sheet; at the end when unknown."""
    unknown = [(key, row) for key, row in keyed.items() if row.table == table.id]
    if not unknown:
        return list(table.rows)
    placed: dict[int, list[str]] = {}  # index of the catalogue row it follows (-1: before all)
    trailing: list[str] = []
    rows_at = [(at, i) for i, row in enumerate(table.rows) if (at := _source_row(matrix, row, table)) is not None]
    for key, extra in unknown:
        if not rows_at:  # nothing tells where the State's rows were: after the table, as read
            trailing.append(key)
            continue
        above = [i for at, i in rows_at if at < extra.row]
        placed.setdefault(max(above, default=-1), []).append(key)
    order: list[Row | str] = list(placed.get(-1, []))
    for i, row in enumerate(table.rows):
        order.append(row)
        order.extend(placed.get(i, []))
    return order + trailing


def row_gap_note(catalogue: Catalogue, table: Table) -> str:
    """Why row numbers jump in a table (OP 3 (a)(b) NW has no 12, 13: those rows are BW only)."""
    numbers = {int(r.number) for r in table.rows if r.number.isdigit()}
    if not numbers:
        return ""
    missing = [n for n in range(min(numbers), max(numbers) + 1) if n not in numbers]
    if not missing:
        return ""
    wanted = {str(n) for n in missing}
    others = [t for t in catalogue.tables if t.family == table.family and t.id != table.id
              and wanted <= {r.number for r in t.rows}]
    shown = f"{missing[0]}" if len(missing) == 1 else ", ".join(str(n) for n in missing[:-1]) + f" and {missing[-1]}"
    text = f"Row{'s' if len(missing) > 1 else ''} {shown} {'are' if len(missing) > 1 else 'is'} not in this table"
    if others:
        where = " and ".join(f"{t.weapon or t.display} (sheet {t.sheet})" for t in others)
        return text + f": {'they apply' if len(missing) > 1 else 'it applies'} to {where} only."
    return text + "."
