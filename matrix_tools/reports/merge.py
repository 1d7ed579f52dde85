"""Render a merge: the merged workbook with a "Conflicts" agenda, and the text / JSON report.

The workbook is a fresh one in the catalogue's layout (``workbook.write_matrix_workbook``),
never a re-save of an input: conflict cells are highlighted with a comment giving base / ours /
theirs, and a "Conflicts" sheet lists them, one row each with a link to the cell and an empty
Decision column for the consultation. A "Changes applied" sheet lists what was taken over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.merging.engine import (
    HEADER_PREFIX,
    ROW_PREFIX,
    ROW_PRESENCE,
    Applied,
    Conflict,
    MergeResult,
)
from matrix_tools.model import Matrix
from matrix_tools.safety import one_line, safe_json_dumps
from matrix_tools.writing.cells import CellNote
from matrix_tools.writing.workbook import write_matrix_workbook

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from matrix_tools.writing.cells import CellKey
    from matrix_tools.writing.xlsx import Styles

CONFLICTS_SHEET = "Conflicts"
APPLIED_SHEET = "Changes applied"
BLANK_SHOWN = "(blank)"
CONFLICT_COLUMNS = (
    ("No.", 5),
    ("Table", 10),
    ("Row", 6),
    ("Label", 40),
    ("Column", 14),
    ("Base (last agreed)", 24),
    ("Ours (experts)", 24),
    ("Theirs (State)", 24),
    ("Kept in this workbook", 12),
    ("Decision", 30),
    ("Cell", 16),
)
APPLIED_COLUMNS = (
    ("Table", 10),
    ("Row", 6),
    ("Label", 40),
    ("Column", 14),
    ("From", 8),
    ("Base (last agreed)", 28),
    ("Now", 28),
    ("Note", 40),
    ("Cell", 16),
)


def shown(text: str) -> str:
    """A value as people should read it in a report: blank cells say so."""
    return text if text else BLANK_SHOWN


def note_key(field: str, column: str) -> tuple[str, str]:
    """The writer's cell key for a merge item ("row:<key>" items are the writer's row keys)."""
    if field.startswith(ROW_PREFIX):
        return (field[len(ROW_PREFIX) :], column)
    return (field, column)


def conflict_comment(conflict: Conflict) -> str:
    return (
        f"Conflict ({conflict.kept} kept)\n"
        f"Base: {shown(conflict.base)}\n"
        f"Ours: {shown(conflict.ours)}\n"
        f"Theirs: {shown(conflict.theirs)}"
    )


def iter_conflict_notes(result: MergeResult) -> list[CellNote]:
    """Highlight + comment for every conflict cell (whole-row conflicts go on the agenda only)."""

    return [
        CellNote(*note_key(c.field, c.column), style="conflict", comment=conflict_comment(c))
        for c in result.conflicts
        if c.column != ROW_PRESENCE
    ]


def with_cells(result: MergeResult, cells: Mapping[tuple[str, str], str]) -> MergeResult:
    """The result with every item's cell taken from the written workbook's cell map."""

    def cell_of(field: str, column: str, old: str) -> str:
        return cells.get(note_key(field, column), old)

    conflicts = tuple(replace(c, cell=cell_of(c.field, c.column, c.cell)) for c in result.conflicts)
    applied = tuple(replace(a, cell=cell_of(a.field, a.column, a.cell)) for a in result.applied)
    return replace(result, conflicts=conflicts, applied=applied)


def _source(matrix: Matrix) -> str:
    return matrix.source.path if matrix.source else ""


def write_merge_workbook(
    result: MergeResult, path: str | Path, *, inputs: Iterable[str | Path] = ()
) -> MergeResult:
    """Write the merged matrix with highlighted conflicts and the agenda sheets; atomically,
    never over one of ``inputs`` (nor over the merged matrices' own source files).

    Returns the result with cells as written in the new workbook.
    """

    sources = [m.source.path for m in (result.base, result.ours, result.theirs) if m.source]
    holder: dict[str, MergeResult] = {}

    def extra(wb: Workbook, styles: Styles, cells: dict[CellKey, str]) -> None:
        located = with_cells(result, cells)
        holder["result"] = located
        add_conflicts_sheet(wb, styles, located)
        add_applied_sheet(wb, styles, located)

    write_matrix_workbook(
        path,
        result.matrix,
        notes=iter_conflict_notes(result),
        extra_sheets=extra,
        inputs=[*inputs, *sources],
    )
    return holder["result"]


def _link(ws: Any, row: int, col: int, cell: str, fmt: Any) -> None:
    """An internal link to a cell of this workbook (our own sheet names, never submitted text)."""
    if cell:
        ws.write_url(row, col, f"internal:{cell}", fmt, string=cell, tip="Go to the cell")
    else:
        ws.write_string(row, col, "", fmt)


def _header(ws: Any, styles: Styles, row: int, columns: tuple[tuple[str, int], ...]) -> None:
    for col, (caption, width) in enumerate(columns):
        ws.write_string(row, col, caption, styles.get("caption"))
        ws.set_column(col, col, width)


def _row_height(*texts: tuple[str, int]) -> float:
    """Points for a row whose wrapped texts sit in columns of the given widths (no autofit in xlsx)."""
    lines = 1
    for text, width in texts:
        per_line = max(int(width * 1.1), 1)
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")))
    return 15.0 * min(lines, 20)


def _table_label(field: str, table: str, result: MergeResult) -> str:
    if field.startswith(HEADER_PREFIX):
        return "About"
    try:
        return result.matrix.catalogue.table(table).display
    except KeyError:
        return table


def _column_label(field: str, column: str, result: MergeResult) -> str:
    """The column as the matrix captions it ("National legal framework"), not its key."""
    if column == ROW_PRESENCE:
        return "whole row"
    cat = result.matrix.catalogue
    if field.startswith(HEADER_PREFIX):
        item = cat.header_item(field[len(HEADER_PREFIX):])
        return item.label.rstrip(":") if item else column
    table = cat.table_of(field) if cat.has_field(field) else None
    if table is None:
        return column  # a column of a row the State added
    try:
        return table.column(column).caption.split(" (")[0]  # OP 1's long captions: the first words
    except KeyError:
        return column


def add_conflicts_sheet(wb: Workbook, styles: Styles, result: MergeResult) -> None:
    """The agenda: one row per conflict, with base / ours / theirs, what was kept, a Decision
    column left empty for the consultation, and a link to the cell."""
    ws = wb.add_worksheet(CONFLICTS_SHEET)
    ws.write_string(0, 0, f"Conflicts to decide: {result.matrix.state.name}", styles.get("title"))
    count = len(result.conflicts)
    intro = (
        f"{count} conflict{'s' if count != 1 else ''}: both the experts' copy (ours) and the "
        f"State's return (theirs) changed these cells differently since the last agreed matrix "
        f"(base). This workbook keeps {result.prefer}. Write the outcome in the Decision column."
    )
    last_col = len(CONFLICT_COLUMNS) - 1
    # Merged across the table's width so the sentences wrap instead of spilling into one column.
    ws.merge_range(1, 0, 1, last_col, intro, styles.get("paragraph"))
    ws.set_row(1, 30)
    sources = "Base: {}   Ours: {}   Theirs: {}".format(
        *(_source(m) or "(in memory)" for m in (result.base, result.ours, result.theirs))
    )
    ws.merge_range(2, 0, 2, last_col, sources, styles.get("paragraph"))
    head_row = 4
    _header(ws, styles, head_row, CONFLICT_COLUMNS)
    ws.set_row(head_row, 30)
    text = styles.get("text")
    mark = styles.get("mark")
    kept_fmt = styles.get("conflict")
    decision = styles.get("text")
    for i, c in enumerate(result.conflicts, start=1):
        r = head_row + i
        values = [str(i), _table_label(c.field, c.table, result), c.row_number, c.label,
                  _column_label(c.field, c.column, result)]
        for col, value in enumerate(values):
            ws.write_string(r, col, value, mark if col in (0, 2) else text)
        for col, value in enumerate((c.base, c.ours, c.theirs), start=5):
            ws.write_string(r, col, shown(value), text)
        ws.write_string(r, 8, c.kept, kept_fmt)
        ws.set_row(r, _row_height((c.label, 40), (c.base, 24), (c.ours, 24), (c.theirs, 24)))
        ws.write_blank(r, 9, None, decision)
        _link(ws, r, 10, c.cell, text)
    if not result.conflicts:
        ws.write_string(head_row + 1, 0, "No conflicts.", styles.get("small"))
    ws.freeze_panes(head_row + 1, 0)
    last = head_row + max(count, 1)
    ws.autofilter(head_row, 0, last, len(CONFLICT_COLUMNS) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(head_row)


def add_applied_sheet(wb: Workbook, styles: Styles, result: MergeResult) -> None:
    """Every change taken over without conflict, with where it came from."""
    ws = wb.add_worksheet(APPLIED_SHEET)
    ws.write_string(0, 0, "Changes applied without conflict", styles.get("title"))
    head_row = 2
    _header(ws, styles, head_row, APPLIED_COLUMNS)
    text = styles.get("text")
    for i, a in enumerate(result.applied, start=1):
        r = head_row + i
        row_number = _row_number(result, a)
        values = [_table_label(a.field, a.table, result), row_number, a.label,
                  _column_label(a.field, a.column, result), a.side]
        values += [shown(a.base), shown(a.value), a.note]
        for col, value in enumerate(values):
            ws.write_string(r, col, value, text)
        _link(ws, r, 8, a.cell, text)
        ws.set_row(r, _row_height((a.label, 40), (a.base, 28), (a.value, 28), (a.note, 40)))
    if not result.applied:
        ws.write_string(head_row + 1, 0, "No changes.", styles.get("small"))
    ws.freeze_panes(head_row + 1, 0)
    ws.autofilter(head_row, 0, head_row + max(len(result.applied), 1), len(APPLIED_COLUMNS) - 1)


def _row_number(result: MergeResult, item: Applied | Conflict) -> str:
    catalogue = result.matrix.catalogue
    if catalogue.has_field(item.field):
        return catalogue.row(item.field).number
    return ""


# --- report -------------------------------------------------------------------------------


def _side_info(matrix: Matrix) -> dict[str, Any]:
    return {"path": _source(matrix) or None, "state": matrix.state.name, "iso3": matrix.state.iso3}


def merge_report(result: MergeResult, *, output: str | Path | None = None) -> dict[str, Any]:
    """The merge report as plain data (the JSON contract, schemas/merge.schema.json)."""
    return {
        "output": str(output) if output is not None else None,
        "base": _side_info(result.base),
        "ours": _side_info(result.ours),
        "theirs": _side_info(result.theirs),
        "prefer": result.prefer,
        "catalogue": {"id": result.matrix.catalogue.id, "version": result.matrix.catalogue.version},
        "applied": [
            {
                "field": a.field,
                "column": a.column,
                "side": a.side,
                "base": a.base,
                "value": a.value,
                "cell": a.cell,
                "table": a.table,
                "label": a.label,
                "row_number": _row_number(result, a),
                "note": a.note,
            }
            for a in result.applied
        ],
        "conflicts": [
            {
                "field": c.field,
                "column": c.column,
                "base": c.base,
                "ours": c.ours,
                "theirs": c.theirs,
                "kept": c.kept,
                "kept_value": c.kept_text,
                "cell": c.cell,
                "table": c.table,
                "label": c.label,
                "row_number": c.row_number,
                "ours_cell": c.ours_cell,
                "theirs_cell": c.theirs_cell,
            }
            for c in result.conflicts
        ],
        "summary": result.summary(),
    }


def render_merge_json(result: MergeResult, *, output: str | Path | None = None) -> str:
    return (
        safe_json_dumps(merge_report(result, output=output), indent=2)
        + "\n"
    )


def _one_line(text: str) -> str:
    """A value on one terminal line: line breaks shown as " / ", control characters escaped."""
    return one_line(shown(text))


def _where(field: str, column: str, table: str, row_number: str, label: str) -> str:
    if field.startswith(HEADER_PREFIX):
        return f"Header: {label.rstrip(':')}"
    if field.startswith(ROW_PREFIX):
        if column == ROW_PRESENCE:
            return f"{table}, added row {label!r}"
        return f"{table}, added row {label!r}: {column}"
    return f"{table} row {row_number} {label!r}: {column}"


def render_merge_text(result: MergeResult, *, output: str | Path | None = None) -> str:
    """The merge report for a person: what was applied, and the conflicts to decide."""
    s = result.summary()
    lines = [f"Merge of the 1540 matrix of {result.matrix.state.name} ({result.matrix.state.iso3})"]
    for name, matrix in (
        ("base  ", result.base),
        ("ours  ", result.ours),
        ("theirs", result.theirs),
    ):
        lines.append(f"  {name}: {_source(matrix) or '(in memory)'}")
    if output is not None:
        lines.append(f"Output: {output}")
    lines.append(
        f"Applied {s['applied']} change{'s' if s['applied'] != 1 else ''} without conflict "
        f"(ours {s['applied_ours']}, theirs {s['applied_theirs']}, same on both sides {s['applied_both']})."
    )
    count = len(result.conflicts)
    if count:
        switch = "theirs" if result.prefer == "ours" else "ours"
        lines.append(
            f"{count} conflict{'s' if count != 1 else ''} to decide: the workbook keeps {result.prefer} "
            f"(--prefer {switch} keeps the other side); see its Conflicts sheet."
        )
        for i, c in enumerate(result.conflicts, start=1):
            cell = f"  [{c.cell}]" if c.cell else ""
            where = _where(c.field, c.column, c.table, c.row_number, _one_line(c.label))
            lines.append(f"  {i}. {where}{cell}")
            lines.append(
                f"     base: {_one_line(c.base)} | ours: {_one_line(c.ours)} | "
                f"theirs: {_one_line(c.theirs)} | kept: {c.kept}"
            )
    else:
        lines.append("No conflicts.")
    if result.applied:
        lines.append("Changes applied:")
        for a in result.applied:
            where = _where(a.field, a.column, a.table, _row_number(result, a), _one_line(a.label))
            if a.column == ROW_PRESENCE:
                lines.append(f"  - {where}: {a.value} ({a.side})")
            else:
                lines.append(f"  - {where}: {_one_line(a.base)} -> {_one_line(a.value)} ({a.side})")
            if a.note:
                lines.append(f"    note: {_one_line(a.note)}")
    return "\n".join(lines) + "\n"
