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
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from matrix_tools import layout
from matrix_tools.errors import CatalogueError
from matrix_tools.model import (
    Catalogue,
    Column,
    Grade,
    HeaderKind,
    Matrix,
    Table,
    Value,
    cell_ref,
    column_letter,
    key_unknown_rows,
)
from matrix_tools.reading.normalise import format_date
from matrix_tools.writing.unplaced import add_extra_sheets, write_unknown_columns
from matrix_tools.writing.xlsx import (  # noqa: F401 - re-exported for the writers of reports
    FILLS,
    NOTE_STYLES,
    STYLE_MEANINGS,
    STYLE_PRIORITY,
    Styles,
    new_workbook,
)

if TYPE_CHECKING:  # xlsxwriter is imported lazily: only writing commands need it
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

CellKey = tuple[str, str]
"""(field id, column key); ("header:<key>", "") for a header item on the About sheet."""

COMMENT_AUTHOR = "matrix-tools"
DEFAULT_TITLE = "1540 COMMITTEE MATRIX"
_COLUMN_WIDTHS = {"info": 40.0, "source": 34.0, "enforcement_source": 34.0, "remarks": 38.0}
_MARK_WIDTH = 13.0
_TEXT_WIDTH = 34.0
_NUMBER_WIDTH = 5.5
_LABEL_WIDTH = 46.0
_FIELD_ID_WIDTH = 22.0
_LINE_HEIGHT = 14.5  # points per line of 10-11 pt text


@dataclass(frozen=True)
class CellNote:
    """A highlight and a comment for one cell of a written matrix."""

    field: str  # field id, or "header:<key>" for a header item (e.g. "header:date_of_report")
    column: str  # column key ("" for header items)
    style: str  # one of NOTE_STYLES
    comment: str  # plain text, shown as an Excel comment (cell note) on that cell

    @property
    def key(self) -> CellKey:
        return (self.field, self.column)


# --- workbook ----------------------------------------------------------------------------


def write_matrix_workbook(
    path: str | Path,
    matrix: Matrix,
    *,
    notes: Sequence[CellNote] = (),
    title: str | None = None,
    extra_sheets: Callable[[Workbook, Styles, dict[CellKey, str]], None] | None = None,
    inputs: Iterable[str | Path] = (),
    created: dt.datetime | None = None,
) -> dict[CellKey, str]:
    """Write ``matrix`` as a complete workbook (About, Legend, one sheet per table).

    ``notes`` highlight cells and attach comments; ``extra_sheets(wb, styles, cells)`` may add
    sheets such as "Conflicts" or "Findings" after the tables (``cells`` maps every written
    (field, column) to its ``'Sheet'!A1``). The file is written atomically and never over a
    path in ``inputs`` (OutputError). Returns the cell map.
    """
    from matrix_tools.writing.output import write_with

    cells: dict[CellKey, str] = {}

    def build(tmp: Path) -> None:
        workbook = new_workbook(tmp, title=title or matrix_title(matrix), created=created)
        styles = Styles(workbook)
        cells.clear()
        cells.update(add_about_sheet(workbook, styles, matrix, title=title, notes=notes))
        add_legend_sheet(workbook, styles, matrix.catalogue, highlights=bool(notes))
        cells.update(add_table_sheets(workbook, styles, matrix, notes))
        if extra_sheets is not None:
            extra_sheets(workbook, styles, dict(cells))
        add_extra_sheets(workbook, styles, matrix)  # the State's own sheets, last (issue 11)
        workbook.close()

    write_with(path, build, inputs)
    return cells


def matrix_title(matrix: Matrix) -> str:
    """The matrix's own title (header item "title"), or the generic one."""
    item = matrix.header.get("title")
    return item.text if item is not None and item.text else DEFAULT_TITLE


def _state_name(matrix: Matrix) -> str:
    item = matrix.header.get("state")
    return item.text if item is not None and item.text else matrix.state.name


# --- About ---------------------------------------------------------------------------------


def header_text(matrix: Matrix, key: str) -> str:
    """A header item as written: dates in the matrix style ("12 October 2004"), lists with "; "."""
    item = matrix.catalogue.header_item(key)
    value = matrix.header.get(key)
    if value is None:
        fallback = {"state": matrix.state.name, "iso3": matrix.state.iso3}
        return fallback.get(key, "")
    if (
        item is not None
        and item.kind in (HeaderKind.DATE, HeaderKind.DATE_LIST)
        and value.dates
        and not value.unparsed
    ):
        return "; ".join(format_date(d) for d in value.dates)
    return value.text


def _about_title(matrix: Matrix) -> str:
    """The matrix title, with the State's name unless the title already holds it."""
    title, state = matrix_title(matrix), _state_name(matrix)
    return title if state.casefold() in title.casefold() else f"{title}: {state}"


def add_about_sheet(
    wb: Workbook,
    styles: Styles,
    matrix: Matrix,
    *,
    title: str | None = None,
    notes: Sequence[CellNote | str] = (),
) -> dict[CellKey, str]:
    """The About sheet: header items (label in A, value in B from ``layout.ABOUT_FIRST_ROW``).

    ``notes`` may hold CellNotes (those for "header:<key>" highlight that value) and plain
    strings (paragraphs written below the header). Dates are written as text in the matrix
    style so Excel does not reformat them. Returns {("header:<key>", ""): cell}.
    """
    ws = wb.add_worksheet(layout.ABOUT_SHEET)
    catalogue = matrix.catalogue
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 70)
    ws.write_string(0, 0, title or _about_title(matrix), styles.get("title"))
    ws.write_string(
        1,
        0,
        "Header of the matrix. Fill in the table sheets; the Legend sheet explains the marks.",
        styles.get("hint"),
    )
    by_cell = _notes_by_cell(n for n in notes if isinstance(n, CellNote))
    cells: dict[CellKey, str] = {}
    row = layout.ABOUT_FIRST_ROW
    for item in catalogue.header:
        key = (f"header:{item.key}", "")
        ws.write_string(row, 0, item.label, styles.get("about_label"))
        note_style, comment = _merge_notes(by_cell.pop(key, []))
        fmt = styles.get(note_style) if note_style else styles.get("about_value")
        text = header_text(matrix, item.key)
        if text:
            ws.write_string(row, 1, text, fmt)
        else:
            ws.write_blank(row, 1, None, fmt)
        if comment:
            _comment(ws, row, 1, comment)
        cells[key] = cell_ref(layout.ABOUT_SHEET, row, 1)
        if item.kind is not HeaderKind.TEXT:
            ws.data_validation(row, 1, row, 1, {
                "validate": "any",
                "input_title": _clip(item.label, 32),
                "input_message": "Write dates as text, like 12 October 2004"
                + ("; separate several with ;" if item.kind is HeaderKind.DATE_LIST else "."),
            })  # fmt: skip
        row += 1
    for label, value in (
        ("Catalogue:", catalogue.id),
        ("Catalogue version:", catalogue.version),
        ("Catalogue file:", catalogue.source or "(built in)"),
    ):
        ws.write_string(row, 0, label, styles.get("about_label"))
        ws.write_string(row, 1, value, styles.get("about_value"))
        row += 1
    row += 1
    ws.write_string(row, 0, "How to fill in this workbook", styles.get("heading"))
    row += 1
    for line in _GUIDE:
        ws.write_string(row, 0, "•", styles.get("about_label"))
        ws.write_string(row, 1, line, styles.get("paragraph"))
        ws.set_row(row, _height_for([(line, 70.0)]))
        row += 1
    paragraphs = [n for n in notes if isinstance(n, str)]
    leftover = [n for group in by_cell.values() for n in group]
    if paragraphs or leftover:
        row += 1
        ws.write_string(row, 0, "Notes", styles.get("heading"))
        row += 1
        for text in paragraphs:
            ws.write_string(row, 1, text, styles.get("paragraph"))
            ws.set_row(row, _height_for([(text, 70.0)]))
            row += 1
        for note in leftover:  # notes naming no written cell: listed, never dropped
            where = f"{note.field} / {note.column}" if note.column else note.field
            ws.write_string(row, 0, where, styles.get("about_label"))
            ws.write_string(
                row, 1, note.comment, styles.get(note.style if note.style in FILLS else "info")
            )
            ws.set_row(row, _height_for([(note.comment, 70.0)]))
            row += 1
    _set_print_portrait(ws)
    ws.activate()
    return cells


_GUIDE = (
    "There is one sheet per table of the matrix: OP 1, then OP 2, OP 3 (a)(b) and OP 3 (c)(d) "
    "for nuclear (NW), chemical (CW) and biological (BW) weapons, then OP 6 / OP 8 (d).",
    "In a mark column, choose X, ? or NA from the drop-down list, or leave the cell blank. "
    "The Legend sheet says what each mark means.",
    "Next to each X, name the law or official source: act and article or section, "
    'e.g. "Criminal Code (2009), art. 142". Use Remarks for pages of the national report.',
    "You may insert rows for comments; they are kept. Please do not delete rows, rename sheets "
    "or change the grey Field ID column: it lets the Committee's experts match your answers.",
)


# --- Legend --------------------------------------------------------------------------------


def add_legend_sheet(
    wb: Workbook, styles: Styles, catalogue: Catalogue, *, highlights: bool = False
) -> None:
    """The Legend sheet: the marks in plain words, what the matrix is (and is not), grades.

    ``highlights`` adds the meaning of the highlight colours (for merge, annotate, diff).
    """
    ws = wb.add_worksheet(layout.LEGEND_SHEET)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, "Legend", styles.get("title"))
    intro = (
        "Matrix entries are indicators of fact, not indicators of the degree of compliance with "
        "resolution 1540 (2004). The matrix is not a grade or a score: it records which measures "
        "the Committee has found, and where the information comes from."
    )
    ws.merge_range(2, 0, 2, 1, intro, styles.get("paragraph"))
    ws.set_row(2, _height_for([(intro, 100.0)]))
    row = 4
    ws.write_string(row, 0, "Mark", styles.get("caption"))
    ws.write_string(row, 1, "Meaning", styles.get("caption_left"))
    row += 1
    for definition in catalogue.marks:
        ws.write_string(
            row, 0, definition.label or definition.mark.display, styles.get("legend_mark")
        )
        text = definition.meaning
        if definition.aliases and definition.mark.value:
            typed = ", ".join(a for a in definition.aliases if a.isascii() or a.isalpha())
            text += f" (Also read when typed as: {typed}.)"
        ws.write_string(row, 1, text, styles.get("legend_text"))
        ws.set_row(row, _height_for([(text, 90.0)]))
        row += 1
    row += 1
    ws.write_string(row, 0, "Row wording", styles.get("heading"))
    row += 1
    for grade, meaning in _GRADE_MEANINGS:
        ws.write_string(row, 0, grade, styles.get("legend_mark"))
        ws.write_string(row, 1, meaning, styles.get("legend_text"))
        ws.set_row(row, _height_for([(meaning, 90.0)]))
        row += 1
    source = (
        f"Catalogue: {catalogue.id} version {catalogue.version} ({catalogue.source or 'built in'})."
    )
    ws.write_string(row + 1, 0, source, styles.get("hint"))
    row += 3
    _set_print_portrait(ws)
    if highlights:
        ws.write_string(row, 0, "Highlights", styles.get("heading"))
        row += 1
        for name in NOTE_STYLES:
            ws.write_string(row, 0, name, styles.get(name))
            ws.write_string(row, 1, STYLE_MEANINGS[name], styles.get("legend_text"))
            row += 1


_GRADE_MEANINGS = (
    ("verified", "The row and its wording were read in a published matrix or template."),
    ("inferred", "The row follows from verified facts; its exact wording is to be confirmed."),
    (
        "reconstructed",
        "The wording was reconstructed from resolution 1540 (2004) and is not verified against the "
        "official template. Its Field ID is shown in italics; the note above each table says how "
        "many rows are reconstructed.",
    ),
)


# --- table sheets --------------------------------------------------------------------------


def add_table_sheets(
    wb: Workbook,
    styles: Styles,
    matrix: Matrix,
    notes: Sequence[CellNote] = (),
    *,
    validations: bool = True,
) -> dict[CellKey, str]:
    """One sheet per catalogue table, laid out as ``layout.py`` says.

    Rows the catalogue does not know (``matrix.unknown_rows``) follow the table's rows, with
    an empty Field ID. Returns {(field, column): "'Sheet'!A1"} for every value cell written
    (unknown rows under their ``model.key_unknown_rows`` key).
    """
    by_cell = _notes_by_cell(notes)
    cells: dict[CellKey, str] = {}
    title = matrix_title(matrix)
    state = _state_name(matrix)
    for table in matrix.catalogue.tables:
        ws = _add_sheet(wb, table)
        _write_table_head(ws, styles, table, title, state)
        for index, row in enumerate(table.rows):
            excel_row = layout.data_row(index)
            heights = [(row.label, _LABEL_WIDTH)]
            ws.write_string(excel_row, layout.NUMBER_COL, row.number, styles.get("number"))
            ws.write_string(excel_row, layout.LABEL_COL, row.label, styles.get("label"))
            if row.note:
                _comment(ws, excel_row, layout.LABEL_COL, f"About this row: {row.note}")
            for col in table.columns:
                key = (row.field, col.key)
                text = _cell_text(matrix.value(row.field, col.key), col)
                cells[key] = _write_value(
                    ws, styles, excel_row, table, col, text, by_cell.pop(key, [])
                )
                heights.append((text, _width(col)))
            grade_fmt = "field_id" if row.grade is Grade.VERIFIED else "field_id_unverified"
            ws.write_string(excel_row, layout.field_id_col(table), row.field, styles.get(grade_fmt))
            ws.set_row(excel_row, _height_for(heights, minimum=2))
        excel_row = layout.data_row(len(table.rows))
        extra_cols: dict[str, int] = {}
        cells.update(write_unknown_columns(ws, styles, table, matrix, extra_cols))  # issue 11
        for row_key, unknown in key_unknown_rows(matrix.unknown_rows).items():
            if unknown.table != table.id:
                continue
            ws.write_string(excel_row, layout.NUMBER_COL, unknown.number, styles.get("number"))
            # The label cell stands for the whole row: notes on (row key, "") land there.
            style, comment = _merge_notes(by_cell.pop((row_key, ""), []))
            ws.write_string(excel_row, layout.LABEL_COL, unknown.label,
                            styles.get(f"label:{style}" if style else "label"))
            if comment:
                _comment(ws, excel_row, layout.LABEL_COL, comment)
            cells[(row_key, "")] = cell_ref(table.sheet, excel_row, layout.LABEL_COL)
            heights = [(unknown.label, _LABEL_WIDTH)]
            for name, value in unknown.values.items():
                found = _find_column(table, name)
                if found is None:  # a column the State added: kept beside the table
                    where = extra_cols.setdefault(
                        name, layout.field_id_col(table) + 1 + len(extra_cols)
                    )
                    ws.write_string(layout.CAPTION_ROW, where, name, styles.get("caption"))
                    ws.set_column(where, where, _TEXT_WIDTH)
                    ws.write_string(excel_row, where, value.text, styles.get("text"))
                    cells[(row_key, name)] = cell_ref(table.sheet, excel_row, where)
                    continue
                text = _cell_text(value, found)
                key = (row_key, found.key)
                cells[key] = _write_value(
                    ws, styles, excel_row, table, found, text, by_cell.pop(key, [])
                )
                heights.append((text, _width(found)))
            if unknown.duplicate_of:  # a copied row keeps its Field ID, so it reads back as a copy
                ws.write_string(excel_row, layout.field_id_col(table), unknown.duplicate_of, styles.get("field_id"))
            else:
                ws.write_blank(excel_row, layout.field_id_col(table), None, styles.get("field_id"))
            ws.set_row(excel_row, _height_for(heights, minimum=2))
            excel_row += 1
        last_row = excel_row - 1
        if validations and last_row >= layout.FIRST_DATA_ROW:
            for col in table.columns:
                if col.is_mark:
                    _add_mark_validation(ws, table, col, last_row)
        _set_print(ws, table, title, state, last_row)
    return cells


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


def _write_table_head(ws: Worksheet, styles: Styles, table: Table, title: str, state: str) -> None:
    ws.write_string(layout.TITLE_ROW, layout.NUMBER_COL, title, styles.get("title"))
    ws.write_string(layout.SUBTITLE_ROW, layout.NUMBER_COL, table.title, styles.get("subtitle"))
    ws.write_string(layout.STATE_ROW, layout.NUMBER_COL, "State:", styles.get("state_label"))
    ws.write_string(layout.STATE_ROW, layout.LABEL_COL, state, styles.get("state"))
    ws.write_string(
        layout.CAPTION_ROW - 1, layout.LABEL_COL, _grade_note(table), styles.get("grade_note")
    )
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
    ws.set_row(layout.CAPTION_ROW, _height_for(heights, bold=True))
    ws.freeze_panes(layout.FIRST_DATA_ROW, layout.FIRST_VALUE_COL)


def _grade_note(table: Table) -> str:
    counts = {grade: sum(1 for row in table.rows if row.grade is grade) for grade in Grade}
    parts = [f"{n} {grade.value}" for grade, n in counts.items() if n]
    unverified_captions = [c.caption for c in table.columns if c.grade is not Grade.VERIFIED]
    text = f"Row wording: {', '.join(parts)} (see Legend)."
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
    style, comment = _merge_notes(notes)
    fmt = styles.cell("mark" if col.is_mark else "text", style)
    if text:
        ws.write_string(row, where, text, fmt)
    else:
        ws.write_blank(row, where, None, fmt)
    if comment:
        _comment(ws, row, where, comment)
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
            "input_title": _clip(col.caption, 32),
            "input_message": _clip(col.help or f"Choose {', '.join(marks)} or leave blank.", 255),
            "error_type": "warning",
            "error_title": "Not one of the marks",
            "error_message": _clip(
                f"This column takes {', '.join(marks)} or blank. Put explanations in the Remarks "
                "column. Keep this entry anyway?",
                255,
            ),
        },
    )


def _set_print(ws: Worksheet, table: Table, title: str, state: str, last_row: int) -> None:
    """Landscape A4, one page wide, caption row repeated, State and page in header/footer."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(layout.CAPTION_ROW)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    last_col = layout.field_id_col(table)
    ws.print_area(0, 0, max(last_row, layout.CAPTION_ROW), last_col)

    def amp(text: str, limit: int) -> str:  # "&" starts a control code in Excel headers
        return _clip(text, limit).replace("&", "&&")

    ws.set_header(f"&L&8{amp(state, 80)}&R&8{amp(table.section, 30)} {amp(table.weapon or '', 4)}")
    ws.set_footer(f"&L&8{amp(title, 90)}&R&8Page &P of &N")


def _set_print_portrait(ws: Worksheet) -> None:
    ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_footer("&L&8&A&R&8Page &P of &N")


# --- helpers -------------------------------------------------------------------------------


def _notes_by_cell(notes: Iterable[CellNote]) -> dict[CellKey, list[CellNote]]:
    grouped: dict[CellKey, list[CellNote]] = {}
    for note in notes:
        if note.style not in FILLS:
            raise ValueError(
                f"unknown note style {note.style!r}; use one of {', '.join(NOTE_STYLES)}"
            )
        grouped.setdefault(note.key, []).append(note)
    return grouped


def _merge_notes(notes: Sequence[CellNote]) -> tuple[str | None, str]:
    """The most pressing style of the notes on one cell, and their comments joined."""
    if not notes:
        return None, ""
    style = min((n.style for n in notes), key=lambda s: STYLE_PRIORITY[s])
    comment = "\n\n".join(dict.fromkeys(n.comment for n in notes if n.comment))
    return style, comment


def _comment(ws: Worksheet, row: int, col: int, text: str) -> None:
    """An Excel comment sized to be readable without resizing."""
    text = _clip(text, 32_000)
    lines = sum(max(1, math.ceil(len(part) / 48)) for part in text.split("\n"))
    ws.write_comment(
        row,
        col,
        text,
        {"author": COMMENT_AUTHOR, "width": 340, "height": min(400, 24 + 15 * lines)},
    )


def _width(col: Column) -> float:
    if col.is_mark:
        return _MARK_WIDTH
    return _COLUMN_WIDTHS.get(col.key, _TEXT_WIDTH)


def _height_for(
    texts: Sequence[tuple[str, float]], *, minimum: int = 1, bold: bool = False
) -> float:
    """Row height (points) that shows every text in full, given each column's width in characters."""
    lines = minimum
    for text, width in texts:
        per_line = max(4.0, width * (1.0 if bold else 1.1) - 2)
        lines = max(
            lines, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        )
    return round(_LINE_HEIGHT * lines + 3, 1)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def column_range(table: Table, column_key: str) -> str:
    """Letter of a catalogue column in a generated sheet (for report sheets that point at it)."""
    return column_letter(layout.value_col(table, column_key))
