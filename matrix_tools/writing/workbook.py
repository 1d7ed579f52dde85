"""Write matrix workbooks: the one writer behind templates, samples, merge, annotate and diff.

Every generated workbook has the same shape (``layout.py``): an About sheet with the header
items, a Legend sheet, then one sheet per catalogue table with captions in row 5, data from
row 6, the label in column B and a grey "Field ID" column last, so the reader finds rows by
id even after people insert or move rows. Cells can carry notes (``CellNote``): a highlight
style and an Excel comment, used by merge (conflicts), validate --annotate (findings) and diff
(changed cells).

Submitted text is always written with ``write_string`` on a workbook that does not turn
strings into formulas, URLs or numbers: nothing a State typed becomes active (design.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from matrix_tools import layout
from matrix_tools.errors import CatalogueError
from matrix_tools.model import (
    Catalogue,
    Column,
    Grade,
    Matrix,
    Table,
    UnknownRow,
    Value,
    cell_ref,
    key_unknown_rows,
)
from matrix_tools.writing.cells import (
    CellKey,
    CellNote,
    clip,
    height_for,
    merge_notes,
    notes_by_cell,
    write_comment,
)
from matrix_tools.writing.front import (
    Purpose,
    add_about_sheet,
    add_legend_sheet,
    matrix_title,
    state_name,
)
from matrix_tools.writing.output import write_with
from matrix_tools.writing.rows import row_gap_note, row_order
from matrix_tools.writing.unplaced import add_extra_sheets, write_unknown_columns
from matrix_tools.writing.xlsx import Styles, header_text, new_workbook, set_print

if TYPE_CHECKING:  # xlsxwriter is imported lazily: only writing commands need it
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet


_COLUMN_WIDTHS = {"info": 40.0, "source": 34.0, "enforcement_source": 34.0, "remarks": 38.0}
_MARK_WIDTH = 13.0
_TEXT_WIDTH = 34.0
_NUMBER_WIDTH = 5.5
_LABEL_WIDTH = 46.0
_FIELD_ID_WIDTH = 22.0


# --- workbook ----------------------------------------------------------------------------


def write_matrix_workbook(
    path: str | Path,
    matrix: Matrix,
    *,
    notes: Sequence[CellNote] = (),
    title: str | None = None,
    extra_sheets: Callable[[Workbook, Styles, dict[CellKey, str]], None] | None = None,
    first_sheets: Sequence[str] = (),
    inputs: Iterable[str | Path] = (),
    created: dt.datetime | None = None,
    purpose: Purpose = "template",
) -> dict[CellKey, str]:
    """Write ``matrix`` as a complete workbook (About, Legend, one sheet per table).

    ``notes`` highlight cells and attach comments; ``extra_sheets(wb, styles, cells)`` may add
    sheets such as "Conflicts" or "Findings" after the tables (``cells`` maps every written
    (field, column) to its ``'Sheet'!A1``), or fill the empty ``first_sheets`` created before
    the About sheet (``wb.get_worksheet_by_name``). ``purpose`` says who reads the workbook:
    "template" (a State official: no expert notes), "expert" (merge, annotate: grades of the
    row wording, highlight colours), "report" (the copy inside a change report). The file is
    written atomically and never over a path in ``inputs`` (OutputError). Returns the cell map.
    """

    cells: dict[CellKey, str] = {}

    def build(tmp: Path) -> None:
        cat = matrix.catalogue
        about = f"Catalogue {cat.id} version {cat.version} ({cat.source or 'built in'})."
        comments = {
            "template": f"Written by matrix-tools. Fill in the table sheets; see the Legend sheet. {about}",
            "expert": f"Written by matrix-tools for the 1540 Committee's experts. {about}",
            "report": f"Written by matrix-tools. {about}",
        }[purpose]
        workbook = new_workbook(tmp, title=title or matrix_title(matrix), created=created, comments=comments)
        styles = Styles(workbook)
        cells.clear()
        for name in first_sheets:  # e.g. "Conflicts": the tab a reader must see first
            workbook.add_worksheet(name)
        cells.update(add_about_sheet(workbook, styles, matrix, title=title, notes=notes, purpose=purpose,
                                    activate=not first_sheets))
        add_legend_sheet(workbook, styles, matrix.catalogue, highlights=bool(notes), purpose=purpose)
        cells.update(add_table_sheets(workbook, styles, matrix, notes, purpose=purpose))
        if extra_sheets is not None:
            extra_sheets(workbook, styles, dict(cells))
        add_extra_sheets(workbook, styles, matrix)  # the State's own sheets, last (issue 11)
        workbook.close()

    write_with(path, build, inputs)
    return cells


# --- table sheets --------------------------------------------------------------------------


def add_table_sheets(
    wb: Workbook,
    styles: Styles,
    matrix: Matrix,
    notes: Sequence[CellNote] = (),
    *,
    validations: bool = True,
    purpose: Purpose = "template",
) -> dict[CellKey, str]:
    """One sheet per catalogue table, laid out as ``layout.py`` says.

    Rows the catalogue does not know (``matrix.unknown_rows``) stay where the State put them
    (after the catalogue row above them in the State's sheet; at the end when that cannot be
    told), with an empty Field ID. Returns {(field, column): "'Sheet'!A1"} for every value cell
    written (unknown rows under their ``model.key_unknown_rows`` key): reports link to these
    cells rather than predicting them.
    """
    by_cell = notes_by_cell(notes)
    cells: dict[CellKey, str] = {}
    title = matrix_title(matrix)
    state = state_name(matrix)
    keyed = key_unknown_rows(matrix.unknown_rows)
    for table in matrix.catalogue.tables:
        ws = _add_sheet(wb, table)
        _write_table_head(ws, styles, table, title, state, purpose, matrix.catalogue)
        extra_cols: dict[str, int] = {}
        written_at: dict[str, int] = {}  # field -> the sheet row it was written in
        excel_row = layout.FIRST_DATA_ROW
        for item in row_order(matrix, table, keyed):
            if isinstance(item, str):
                _write_unknown_row(ws, styles, table, item, keyed[item], excel_row, by_cell, cells, extra_cols)
                excel_row += 1
                continue
            row = item
            written_at[row.field] = excel_row
            heights = [(row.label, _LABEL_WIDTH)]
            ws.write_string(excel_row, layout.NUMBER_COL, row.number, styles.get("number"))
            ws.write_string(excel_row, layout.LABEL_COL, row.label, styles.get("label"))
            if row.note:
                write_comment(ws, excel_row, layout.LABEL_COL, f"About this row: {row.note}")
            for col in table.columns:
                key = (row.field, col.key)
                text = _cell_text(matrix.value(row.field, col.key), col)
                cells[key] = _write_value(
                    ws, styles, excel_row, table, col, text, by_cell.pop(key, [])
                )
                heights.append((text, _width(col)))
            grade_fmt = "field_id" if row.grade is Grade.VERIFIED else "field_id_unverified"
            ws.write_string(excel_row, layout.field_id_col(table), row.field, styles.get(grade_fmt))
            ws.set_row(excel_row, height_for(heights, minimum=2))
            excel_row += 1
        # columns the State inserted, beside the table, each cell in its field's row (issue 11)
        cells.update(write_unknown_columns(ws, styles, table, matrix, extra_cols, written_at))
        last_row = excel_row - 1
        if validations and last_row >= layout.FIRST_DATA_ROW:
            for col in table.columns:
                if col.is_mark:
                    _add_mark_validation(ws, table, col, last_row)
        _set_print(ws, table, title, state, last_row)
    return cells


def _write_unknown_row(
    ws: Worksheet,
    styles: Styles,
    table: Table,
    row_key: str,
    unknown: UnknownRow,
    excel_row: int,
    by_cell: dict[CellKey, list[CellNote]],
    cells: dict[CellKey, str],
    extra_cols: dict[str, int],
) -> None:
    """A row the State added: its number and label, its values, an empty Field ID."""
    ws.write_string(excel_row, layout.NUMBER_COL, unknown.number, styles.get("number"))
    # The label cell stands for the whole row: notes on (row key, "") land there.
    style, comment = merge_notes(by_cell.pop((row_key, ""), []))
    ws.write_string(excel_row, layout.LABEL_COL, unknown.label, styles.get(f"label:{style}" if style else "label"))
    if comment:
        write_comment(ws, excel_row, layout.LABEL_COL, comment)
    cells[(row_key, "")] = cell_ref(table.sheet, excel_row, layout.LABEL_COL)
    heights = [(unknown.label, _LABEL_WIDTH)]
    for name, value in unknown.values.items():
        found = _find_column(table, name)
        if found is None:  # a column the State added: kept beside the table
            where = extra_cols.setdefault(name, layout.field_id_col(table) + 1 + len(extra_cols))
            ws.write_string(layout.CAPTION_ROW, where, name, styles.get("caption"))
            ws.set_column(where, where, _TEXT_WIDTH)
            ws.write_string(excel_row, where, value.text, styles.get("text"))
            cells[(row_key, name)] = cell_ref(table.sheet, excel_row, where)
            heights.append((value.text, _TEXT_WIDTH))
            continue
        text = _cell_text(value, found)
        key = (row_key, found.key)
        cells[key] = _write_value(ws, styles, excel_row, table, found, text, by_cell.pop(key, []))
        heights.append((text, _width(found)))
    if unknown.duplicate_of:  # a copied row keeps its Field ID, so it reads back as a copy
        ws.write_string(excel_row, layout.field_id_col(table), unknown.duplicate_of, styles.get("field_id"))
    else:
        ws.write_blank(excel_row, layout.field_id_col(table), None, styles.get("field_id"))
    ws.set_row(excel_row, height_for(heights, minimum=2))


def _add_sheet(wb: Workbook, table: Table) -> Worksheet:
    """A worksheet named as the catalogue says; CatalogueError when Excel cannot take the name."""
    from xlsxwriter.exceptions import XlsxWriterException

    try:
        return wb.add_worksheet(table.sheet)
    except (
        XlsxWriterException
    ) as exc:  # e.g. "[", "]", ":", "*", "?", "/", "\\" or a duplicate name
        raise CatalogueError(
            f"the catalogue's sheet name {table.sheet!r} (table {table.id}) cannot be used in Excel: {exc}"
        ) from None


def _write_table_head(
    ws: Worksheet, styles: Styles, table: Table, title: str, state: str, purpose: Purpose, catalogue: Catalogue
) -> None:
    ws.write_string(layout.TITLE_ROW, layout.NUMBER_COL, title, styles.get("title"))
    ws.write_string(layout.SUBTITLE_ROW, layout.NUMBER_COL, table.title, styles.get("subtitle"))
    ws.write_string(layout.STATE_ROW, layout.NUMBER_COL, "State:", styles.get("state_label"))
    ws.write_string(layout.STATE_ROW, layout.LABEL_COL, state, styles.get("state"))
    # Row wording grades are for the experts; the State's copy only explains gaps in numbering.
    notes = [] if purpose == "template" else [_grade_note(table, legend=purpose == "expert")]
    notes.append(row_gap_note(catalogue, table))
    note = " ".join(n for n in notes if n)
    if note:
        ws.write_string(layout.CAPTION_ROW - 1, layout.LABEL_COL, note, styles.get("grade_note"))
    ws.write_string(
        layout.CAPTION_ROW, layout.NUMBER_COL, layout.NUMBER_CAPTION, styles.get("caption")
    )
    ws.write_string(
        layout.CAPTION_ROW, layout.LABEL_COL, table.label_caption, styles.get("caption_left")
    )
    ws.set_column(layout.NUMBER_COL, layout.NUMBER_COL, _NUMBER_WIDTH)
    ws.set_column(layout.LABEL_COL, layout.LABEL_COL, _LABEL_WIDTH)
    heights = [(table.label_caption, _LABEL_WIDTH)]
    for col in table.columns:
        where = layout.value_col(table, col.key)
        ws.write_string(layout.CAPTION_ROW, where, col.caption, styles.get("caption"))
        ws.set_column(where, where, _width(col))
        heights.append((col.caption, _width(col)))
    where = layout.field_id_col(table)
    ws.write_string(
        layout.CAPTION_ROW, where, layout.FIELD_ID_CAPTION, styles.get("field_id_caption")
    )
    ws.set_column(where, where, _FIELD_ID_WIDTH)
    ws.set_row(layout.CAPTION_ROW, height_for(heights, bold=True))
    ws.freeze_panes(layout.FIRST_DATA_ROW, layout.FIRST_VALUE_COL)


def _grade_note(table: Table, *, legend: bool) -> str:
    counts = {grade: sum(1 for row in table.rows if row.grade is grade) for grade in Grade}
    parts = [f"{n} {grade.value}" for grade, n in counts.items() if n]
    unverified_captions = [c.caption for c in table.columns if c.grade is not Grade.VERIFIED]
    text = f"Row wording: {', '.join(parts)}{' (see Legend)' if legend else ''}."
    if unverified_captions:
        text += " Column captions reconstructed."
    return text


def _write_value(
    ws: Worksheet,
    styles: Styles,
    row: int,
    table: Table,
    col: Column,
    text: str,
    notes: Sequence[CellNote],
) -> str:
    """Write one value cell (as a string, or blank) with its highlight and comment."""
    where = layout.value_col(table, col.key)
    style, comment = merge_notes(notes)
    fmt = styles.cell("mark" if col.is_mark else "text", style)
    if text:
        ws.write_string(row, where, text, fmt)
    else:
        ws.write_blank(row, where, None, fmt)
    if comment:
        write_comment(ws, row, where, comment)
    return cell_ref(table.sheet, row, where)


def _cell_text(value: Value, col: Column) -> str:
    """What goes in the cell: the canonical mark for a recognised mark, else the normalised text."""
    if col.is_mark and value.mark is not None:
        return value.mark.value
    return value.text


def _find_column(table: Table, name: str) -> Column | None:
    for col in table.columns:
        if name == col.key or name.casefold() == col.caption.casefold():
            return col
    return None


def _add_mark_validation(ws: Worksheet, table: Table, col: Column, last_row: int) -> None:
    """A drop-down of the column's marks; a *warning* alert so a typed comment stays possible."""
    where = layout.value_col(table, col.key)
    marks = [m.value for m in col.marks if m.value]
    ws.data_validation(
        layout.FIRST_DATA_ROW,
        where,
        last_row,
        where,
        {
            "validate": "list",
            "source": marks,
            "ignore_blank": True,
            "input_title": clip(col.caption, 32),
            "input_message": clip(col.help or f"Choose {', '.join(marks)} or leave blank.", 255),
            "error_type": "warning",
            "error_title": "Not one of the marks",
            "error_message": clip(
                f"This column takes {', '.join(marks)} or blank. Put explanations in the Remarks "
                "column. Keep this entry anyway?",
                255,
            ),
        },
    )


def _set_print(ws: Worksheet, table: Table, title: str, state: str, last_row: int) -> None:
    """Landscape A4, one page wide, caption row repeated, State and page in header/footer."""
    set_print(
        ws,
        repeat_row=layout.CAPTION_ROW,
        area=(0, 0, max(last_row, layout.CAPTION_ROW), layout.field_id_col(table)),
        header=f"&L&8{header_text(state)}&R&8{header_text(table.section, 30)} {header_text(table.weapon or '', 4)}",
        footer=f"&L&8{header_text(title, 90)}&R&8Page &P of &N",
    )


def _width(col: Column) -> float:
    if col.is_mark:
        return _MARK_WIDTH
    return _COLUMN_WIDTHS.get(col.key, _TEXT_WIDTH)
