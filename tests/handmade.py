"""Build matrix workbooks for reader tests, with the quirks people introduce.

Independent of matrix_tools.writing.workbook on purpose: the reader must not only read what our own
writer produces. Each option reproduces one way real workbooks come back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from matrix_tools import layout
from matrix_tools.model import Catalogue


def write_workbook(
    path: Path,
    catalogue: Catalogue,
    values: Mapping[tuple[str, str], Any] | None = None,
    *,
    header: Mapping[str, Any] | None = None,
    sheet_names: Mapping[str, str] | None = None,  # table id -> sheet name
    sheet_order: Sequence[str] | None = None,  # table ids in order
    column_order: Mapping[str, Sequence[str]] | None = None,  # table id -> column keys
    captions: Mapping[str, str] | None = None,  # column key -> caption used instead
    insert_rows: Mapping[str, Sequence[tuple[int, Sequence[Any]]]] | None = None,  # table -> [(before index, cells)]
    drop_rows: Sequence[str] = (),  # field ids left out
    row_order: Mapping[str, Sequence[str]] | None = None,  # table id -> field ids in order
    with_field_ids: bool = True,
    skip_tables: Sequence[str] = (),
    extra_columns: Mapping[str, int] | None = None,  # table id -> index where an empty column is inserted
    merge: Sequence[tuple[str, str]] = (),  # (table id, 'C6:C7') ranges to merge
    about: bool = True,
    header_in_sheet: str | None = None,  # table id whose top rows hold the header instead of About
    leading_blank_rows: int = 0,
) -> Path:
    values = dict(values or {})
    header = dict(header or {"state": "Republic of Testland", "iso3": "XTL", "date_of_report": "12 October 2004"})
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    labels = {item.key: item.label for item in catalogue.header}

    def write_any(ws: Any, r: int, c: int, v: Any) -> None:
        if hasattr(v, "year"):
            ws.write_datetime(r, c, v, wb.add_format({"num_format": "d mmmm yyyy"}))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            ws.write_number(r, c, v)
        else:
            ws.write_string(r, c, str(v))

    if about:
        ws = wb.add_worksheet("About")
        ws.write_string(0, 0, "1540 COMMITTEE MATRIX")
        for i, (key, v) in enumerate(header.items()):
            ws.write_string(layout.ABOUT_FIRST_ROW + i, 0, labels.get(key, key))
            write_any(ws, layout.ABOUT_FIRST_ROW + i, 1, v)
    tables = {t.id: t for t in catalogue.tables}
    order = list(sheet_order or tables)
    for tid in order:
        if tid in skip_tables:
            continue
        table = tables[tid]
        ws = wb.add_worksheet((sheet_names or {}).get(tid, table.sheet))
        top = leading_blank_rows
        ws.write_string(top + 0, 0, "DRAFT 1540 COMMITTEE MATRIX")
        ws.write_string(top + 1, 0, table.title)
        if header_in_sheet == tid:
            for i, (key, v) in enumerate(header.items()):
                ws.write_string(top + 1 + i, 8, labels.get(key, key))
                write_any(ws, top + 1 + i, 9, v)
        cols = list((column_order or {}).get(tid, [c.key for c in table.columns]))
        heads: list[str | None] = [layout.NUMBER_CAPTION, table.label_caption]
        heads += [(captions or {}).get(k, table.column(k).caption) for k in cols]
        if with_field_ids:
            heads.append(layout.FIELD_ID_CAPTION)
        keys: list[str | None] = [None, None, *cols, "__id__"]
        if extra_columns and tid in extra_columns:
            at = extra_columns[tid]
            heads.insert(at, "Notes (added by the State)")
            keys.insert(at, None)
        cap = top + layout.CAPTION_ROW
        for c, h in enumerate(heads):
            if h is not None:
                ws.write_string(cap, c, h)
        rows = [catalogue.row(f) for f in (row_order or {}).get(tid, [r.field for r in table.rows])]
        lines: list[list[Any]] = []
        for row in rows:
            if row.field in drop_rows:
                continue
            line: list[Any] = []
            for k in keys:
                if k is None and not line:
                    line.append(row.number)
                elif k is None and len(line) == 1:
                    line.append(row.label)
                elif k is None:
                    line.append("")
                elif k == "__id__":
                    line.append(row.field if with_field_ids else "")
                else:
                    line.append(values.pop((row.field, k), ""))
            lines.append(line)
        for before, cells in sorted((insert_rows or {}).get(tid, ()), key=lambda x: -x[0]):
            lines.insert(before, list(cells))
        for i, line in enumerate(lines):
            for c, v in enumerate(line):
                if v != "":
                    write_any(ws, cap + 1 + i, c, v)
        for mtid, rng in merge:
            if mtid == tid:
                first = rng.split(":")[0]
                ws.merge_range(rng, "")
                del first
    wb.close()
    return path
