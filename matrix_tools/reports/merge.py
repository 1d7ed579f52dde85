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

from matrix_tools.merging.agenda import BLANK_SHOWN
from matrix_tools.merging.result import ROW_PRESENCE, Conflict, MergeResult, merge_report
from matrix_tools.merging.result import row_number as _row_number
from matrix_tools.merging.result import source_path as _source
from matrix_tools.model import ItemKey, key_unknown_rows
from matrix_tools.reports.carry import (
    CarryOutcome,
    NoteCarrier,
    add_earlier_notes_sheet,
    load_notes,
)
from matrix_tools.reports.textline import one_line
from matrix_tools.safety import safe_json_dumps
from matrix_tools.writing.cells import CellNote, height_for
from matrix_tools.writing.output import check_output_path
from matrix_tools.writing.workbook import write_matrix_workbook
from matrix_tools.writing.xlsx import PAGE_FOOTER, header_text, set_print

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from matrix_tools.writing.cells import CellKey
    from matrix_tools.writing.xlsx import Styles

CONFLICTS_SHEET = "Conflicts"
DECISION_CAPTION = "Decision"
DECIDED_CAPTION = "Decided value"
# The columns that say what a conflict is about: a Decision typed in an earlier merged
# workbook is carried into the row with the same texts (same field, column and values).
CONFLICT_KEYS = ("Table", "Row", "Label", "Column", "Base (last agreed)", "Ours (experts)", "Theirs (State)")
APPLIED_SHEET = "Changes applied"
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
    (DECIDED_CAPTION, 30),  # a new text decided in the consultation (read by `resolve`)
    ("Cell", 16),
    ("Key", 24),  # hidden: field|column, so `resolve` finds the cell even if rows are sorted
)
KEY_COLUMN = len(CONFLICT_COLUMNS) - 1
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
    """The writer's cell key for a merge item (inserted-row items name the writer's row keys)."""
    row = ItemKey.row_of(field)
    if row is not None:
        return (row, column)
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


def write_merge_workbook(
    result: MergeResult, path: str | Path, *, inputs: Iterable[str | Path] = ()
) -> MergeResult:
    """Write the merged matrix with highlighted conflicts and the agenda sheets; atomically,
    never over one of ``inputs`` (nor over the merged matrices' own source files).

    Returns the result with cells as written in the new workbook (``write_merge_workbook_carrying``
    also says what became of Decisions typed in a workbook already at ``path``).
    """
    return write_merge_workbook_carrying(result, path, inputs=inputs)[0]


def write_merge_workbook_carrying(
    result: MergeResult, path: str | Path, *, inputs: Iterable[str | Path] = (), force: bool = False
) -> tuple[MergeResult, CarryOutcome]:
    """``write_merge_workbook``, carrying forward the Decisions typed in the Conflicts sheet of
    the workbook already at ``path`` (matched by field, column and the three values; the others
    listed on an "Earlier notes" sheet). When there are conflicts, the Conflicts sheet is the
    first tab and the one the workbook opens on.

    An existing ``path`` whose notes cannot be read is not replaced (OutputError) unless ``force``.
    """
    sources = [m.source.path for m in (result.base, result.ours, result.theirs) if m.source]
    inputs = [*inputs, *sources]
    check_output_path(path, inputs)  # refuse a bad path before reading what is there
    carrier = load_notes(path, CONFLICTS_SHEET, DECISION_CAPTION, CONFLICT_KEYS, force=force)
    decided = load_notes(path, CONFLICTS_SHEET, DECIDED_CAPTION, CONFLICT_KEYS, force=force)
    holder: dict[str, MergeResult] = {}

    def extra(wb: Workbook, styles: Styles, cells: dict[CellKey, str]) -> None:
        located = with_cells(result, cells)
        holder["result"] = located
        add_conflicts_sheet(wb, styles, located, carrier, decided)
        add_applied_sheet(wb, styles, located)
        # a row whose Decision and Decided value both no longer match is listed once
        leftover = list({(n.sheet, n.row): n for n in [*carrier.leftover(), *decided.leftover()]}.values())
        if leftover:
            add_earlier_notes_sheet(wb, styles, leftover)

    write_matrix_workbook(
        path,
        result.matrix,
        notes=iter_conflict_notes(result),
        extra_sheets=extra,
        first_sheets=[CONFLICTS_SHEET] if result.conflicts else [],
        inputs=inputs,
        purpose="expert",
    )
    ours, value = carrier.outcome(), decided.outcome()
    unmatched = len({(n.sheet, n.row) for n in [*carrier.leftover(), *decided.leftover()]})
    return holder["result"], CarryOutcome(ours.carried + value.carried, unmatched, ours.replaced_unread)


def _link(ws: Any, row: int, col: int, cell: str, fmt: Any) -> None:
    """An internal link to a cell of this workbook (our own sheet names, never submitted text)."""
    if cell:
        ws.write_url(row, col, f"internal:{cell}", fmt, string=cell, tip="Go to the cell")
    else:
        ws.write_string(row, col, "", fmt)


def _header(ws: Any, styles: Styles, row: int, columns: tuple[tuple[str, int], ...]) -> None:
    """Captions of an agenda table, their row tall enough that no caption is cut off."""
    for col, (caption, width) in enumerate(columns):
        ws.write_string(row, col, caption, styles.get("caption"))
        ws.set_column(col, col, width)
    ws.set_row(row, height_for([(c, float(w)) for c, w in columns], bold=True))


def _table_label(field: str, table: str, result: MergeResult) -> str:
    if ItemKey.is_header(field):
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
    if ItemKey.is_header(field):
        item = cat.header_item(ItemKey.header_of(field) or "")
        return item.label.rstrip(":") if item else column
    table = cat.table_of(field) if cat.has_field(field) else None
    row_key = ItemKey.row_of(field)
    if table is None and row_key is not None:  # a row someone added: its table's captions
        added = key_unknown_rows(result.matrix.unknown_rows).get(row_key)
        table = next((t for t in cat.tables if added is not None and t.id == added.table), None)
    if table is None:
        return column
    try:
        return table.column(column).caption.split(" (")[0]  # OP 1's long captions: the first words
    except KeyError:
        return column


def add_conflicts_sheet(
    wb: Workbook, styles: Styles, result: MergeResult, carrier: NoteCarrier | None = None,
    decided: NoteCarrier | None = None,
) -> None:
    """The agenda: one row per conflict, with base / ours / theirs, what was kept, a Decision
    column for the consultation (empty, or the Decision typed in the earlier workbook), and a
    link to the cell. Fills the sheet already created first when there is one."""
    ws = wb.get_worksheet_by_name(CONFLICTS_SHEET) or wb.add_worksheet(CONFLICTS_SHEET)
    carrier = carrier or NoteCarrier()
    decided = decided or NoteCarrier()
    ws.write_string(0, 0, f"Conflicts to decide: {result.matrix.state.name}", styles.get("title"))
    count = len(result.conflicts)
    intro = (
        f"{count} conflict{'s' if count != 1 else ''}: both the experts' copy (ours) and the "
        f"State's return (theirs) changed these cells differently since the last agreed matrix "
        f"(base). This workbook keeps {result.prefer}. Write ours, theirs or base in the Decision "
        f"column, or type a new text in Decided value; then run `matrix-tools resolve` on this workbook."
    )
    last_col = len(CONFLICT_COLUMNS) - 1
    # Merged across the table's width so the sentences wrap instead of spilling into one column.
    ws.merge_range(1, 0, 1, last_col, intro, styles.get("paragraph"))
    width = float(sum(w for _, w in CONFLICT_COLUMNS))
    ws.set_row(1, height_for([(intro, width)]))
    sources = "Base: {}   Ours: {}   Theirs: {}".format(
        *(_source(m) or "(in memory)" for m in (result.base, result.ours, result.theirs))
    )
    ws.merge_range(2, 0, 2, last_col, sources, styles.get("paragraph"))
    ws.set_row(2, height_for([(sources, width)]))
    head_row = 4
    _header(ws, styles, head_row, CONFLICT_COLUMNS)
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
        # What was typed in the earlier workbook for this same conflict (a Decision, a Decided
        # value) is carried forward: a re-run never wipes a person's notes.
        key = [*values[1:], *(shown(v) for v in (c.base, c.ours, c.theirs))]
        typed, typed_value = carrier.take(key), decided.take(key)
        shown_values = [*values, shown(c.base), shown(c.ours), shown(c.theirs), c.kept, typed, typed_value]
        ws.set_row(r, height_for([(v, float(CONFLICT_COLUMNS[i][1])) for i, v in enumerate(shown_values)]))
        for col, note in ((9, typed), (10, typed_value)):
            if note:
                ws.write_string(r, col, note, decision)
            else:
                ws.write_blank(r, col, None, decision)
        _link(ws, r, 11, c.cell, text)
        ws.write_string(r, KEY_COLUMN, f"{c.field}|{c.column}", text)
    if not result.conflicts:
        ws.write_string(head_row + 1, 0, "No conflicts.", styles.get("small"))
    ws.set_column(KEY_COLUMN, KEY_COLUMN, None, None, {"hidden": True})
    if result.conflicts:  # a drop-down for the Decision cells; other words are still accepted
        ws.data_validation(head_row + 1, 9, head_row + count, 9, {
            "validate": "list", "source": ["ours", "theirs", "base", "blank"], "show_error": False,
            "input_title": "Decision", "input_message": "ours, theirs or base (or blank); for a new "
            "text, type it in Decided value",
        })
    ws.freeze_panes(head_row + 1, 0)
    last = head_row + max(count, 1)
    ws.autofilter(head_row, 0, last, len(CONFLICT_COLUMNS) - 1)
    set_print(ws, repeat_row=head_row, area=(0, 0, last, last_col),
              header=f"&L&8Conflicts to decide: {header_text(result.matrix.state.name)}", footer=PAGE_FOOTER)
    if result.conflicts:  # first tab, and the workbook opens here: the agenda is what the reader came for
        ws.activate()


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
        ws.set_row(r, height_for([(v, float(APPLIED_COLUMNS[i][1])) for i, v in enumerate(values)]))
    if not result.applied:
        ws.write_string(head_row + 1, 0, "No changes.", styles.get("small"))
    ws.freeze_panes(head_row + 1, 0)
    last = head_row + max(len(result.applied), 1)
    ws.autofilter(head_row, 0, last, len(APPLIED_COLUMNS) - 1)
    set_print(ws, repeat_row=head_row, area=(0, 0, last, len(APPLIED_COLUMNS) - 1),
              header=f"&L&8Changes applied: {header_text(result.matrix.state.name)}", footer=PAGE_FOOTER)


# --- report -------------------------------------------------------------------------------


def render_merge_json(result: MergeResult, *, output: str | Path | None = None) -> str:
    return (
        safe_json_dumps(merge_report(result, output=output), indent=2)
        + "\n"
    )


def _where(result: MergeResult, field: str, column: str, table: str, row_number: str, label: str) -> str:
    """Where an item is, as the matrix names it: table title, row number and label, column caption."""
    if ItemKey.is_header(field):
        return f"Header: {label.rstrip(':')}"
    sheet = ItemKey.sheet_of(field)
    if sheet is not None:  # a sheet the State added; ``column`` is the cell
        return f"worksheet {sheet!r}: {column}"
    title = _table_label(field, table, result)
    if ItemKey.column_of(field) is not None:  # a column the State inserted; ``column`` is the row's field
        return f"{title}, inserted column {label!r}: {column}"
    if ItemKey.is_row(field):
        if column == ROW_PRESENCE:
            return f"{title}, added row {label!r}"
        return f"{title}, added row {label!r}: {_column_label(field, column, result)}"
    return f"{title}, row {row_number} {label!r}: {_column_label(field, column, result)}"


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
            where = _where(result, c.field, c.column, c.table, c.row_number, one_line(c.label))
            lines.append(f"  {i}. {where}{cell}")
            lines.append(
                f"     base: {one_line(c.base)} | ours: {one_line(c.ours)} | "
                f"theirs: {one_line(c.theirs)} | kept: {c.kept}"
            )
    else:
        lines.append("No conflicts.")
    if result.applied:
        lines.append("Changes applied:")
        for a in result.applied:
            where = _where(result, a.field, a.column, a.table, _row_number(result, a), one_line(a.label))
            if a.column == ROW_PRESENCE:
                lines.append(f"  - {where}: {a.value} ({a.side})")
            else:
                lines.append(f"  - {where}: {one_line(a.base)} -> {one_line(a.value)} ({a.side})")
            if a.note:
                lines.append(f"    note: {one_line(a.note)}")
    return "\n".join(lines) + "\n"
