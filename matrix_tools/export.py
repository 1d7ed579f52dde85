"""The canonical form of a matrix (design.md, "export"): every catalogue (field, column) with
its value and cell, the header, and the rows the catalogue does not know.

``export_matrix`` is pure; ``render_export_json`` / ``render_export_csv`` make the text the
``export`` command writes. The JSON follows ``schemas/export.schema.json``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from matrix_tools import __version__
from matrix_tools.model import ItemKey, Matrix, Value
from matrix_tools.safety import csv_safe, safe_json_dumps

SCHEMA = "export.schema.json"
CSV_COLUMNS = ("field", "column", "value", "cell", "table", "row_number", "label", "original", "formula")


def export_matrix(matrix: Matrix) -> dict[str, Any]:
    """A plain dict of the matrix, in catalogue order; JSON-ready."""
    cat = matrix.catalogue
    entries = []
    for table, row, col in cat.iter_keys():
        value = matrix.value(row.field, col.key)
        entry: dict[str, Any] = {
            "field": row.field,
            "column": col.key,
            "value": value.text,
            "cell": value.cell,
            "table": table.id,
            "row_number": row.number,
            "label": row.label,
            "kind": col.kind.value,
        }
        if value.raw is not None:
            entry["original"] = value.raw
        if value.notes:
            entry["notes"] = [str(note) for note in value.notes]
        if not value.recognised:
            entry["recognised"] = False
        if value.formula is not None:
            entry["formula"] = value.formula
        entries.append(entry)
    header: dict[str, Any] = {}
    for item in cat.header:
        hv = matrix.header.get(item.key)
        if hv is None:
            continue
        h: dict[str, Any] = {"label": hv.label or item.label, "value": hv.text, "cell": hv.cell}
        if item.kind.value != "text":
            h["dates"] = [d.isoformat() for d in hv.dates]
            if hv.unparsed:
                h["unparsed"] = list(hv.unparsed)
        if hv.raw is not None:
            h["original"] = hv.raw
        header[item.key] = h
    out: dict[str, Any] = {
        "matrix_tools": __version__,
        "state": {"name": matrix.state.name, "iso3": matrix.state.iso3},
        "catalogue": {"id": cat.id, "version": cat.version, "source": cat.source},
        "header": header,
        "entries": entries,
        "unknown_rows": [
            {
                "table": u.table,
                "sheet": u.sheet,
                "row": u.row,
                "number": u.number,
                "label": u.label,
                "values": [_cell_dict({"column": k}, v) for k, v in u.values.items()],
                **({"duplicate_of": u.duplicate_of} if u.duplicate_of else {}),
            }
            for u in matrix.unknown_rows
        ],
        "unknown_columns": [
            {
                "table": c.table,
                "sheet": c.sheet,
                "caption": c.caption,
                "cell": c.cell,
                "values": [_cell_dict({"field": f}, v) for f, v in c.values.items()],
            }
            for c in matrix.unknown_columns
        ],
        "extra_sheets": [
            {"sheet": x.name, "visible": x.visible,
             "cells": [_cell_dict({}, v) for v in x.cells.values()]}
            for x in matrix.extra_sheets
        ],
        "sheets": dict(matrix.sheets),
        "observations": [
            {k: v for k, v in (("code", o.code), ("message", o.message), ("cell", o.cell), ("table", o.table),
                               ("field", o.field), ("column", o.column), ("value", o.value)) if v or k in ("code", "message", "cell")}
            for o in matrix.observations
        ],
    }
    if matrix.source is not None:
        out["file"] = {"name": matrix.source.name, "path": matrix.source.path,
                       "sha256": matrix.source.sha256, "size": matrix.source.size}
    return out


def _cell_dict(head: dict[str, Any], value: Value) -> dict[str, Any]:
    out = {**head, "value": value.text, "cell": value.cell}
    if value.formula is not None:
        out["formula"] = value.formula
    return out


def render_export_json(data: dict[str, Any]) -> str:
    return safe_json_dumps(data, indent=2) + "\n"


def render_export_csv(data: dict[str, Any]) -> str:
    """One line per (field, column), then the header items (field ``ItemKey.header(key)``) and the
    rows the catalogue does not know (empty field, their label and cells), so nothing read is
    left out. Text is made safe for spreadsheets (no live formulas)."""

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def line(field: str, column: str, value: str, cell: str, table: str, number: str, label: str,
             original: str = "", formula: str = "") -> None:
        # Every field, not only values: a column caption, row number, label or sheet name (in
        # the cell reference) typed by the State can be "=HYPERLINK(...)" too.
        writer.writerow([csv_safe(str(item))
                         for item in (field, column, value, cell, table, number, label, original, formula)])

    for entry in data["entries"]:
        line(entry["field"], entry["column"], entry["value"], entry["cell"], entry["table"],
             entry["row_number"], entry["label"], entry.get("original", ""), entry.get("formula", ""))
    for key, item in data["header"].items():
        line(ItemKey.header(key), "", item["value"], item["cell"], "", "", item["label"], item.get("original", ""))
    for row in data["unknown_rows"]:
        for value in row["values"]:
            line("", value["column"], value["value"], value["cell"], row["table"], row.get("number", ""), row["label"])
        if not row["values"]:
            line("", "", "", "", row["table"], row.get("number", ""), row["label"])
    # Columns inserted into a table: one line per cell, the field it stands beside and the
    # column's caption; sheets that hold no table: field "sheet:<name>", column the cell.
    for column in data.get("unknown_columns", ()):
        for value in column["values"]:
            line(value["field"], column["caption"] or "", value["value"], value["cell"], column["table"], "", "",
                 formula=value.get("formula", ""))
    for sheet in data.get("extra_sheets", ()):
        for value in sheet["cells"]:
            coordinate = value["cell"].rsplit("!", 1)[-1]
            line(f"sheet:{sheet['sheet']}", coordinate, value["value"], value["cell"], "", "", "",
                 formula=value.get("formula", ""))
    return buf.getvalue()
