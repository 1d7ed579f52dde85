"""The front sheets of every generated matrix workbook: About (title, header items) and Legend.

The About sheet holds the header items in the layout the reader expects (``layout.py``); the
Legend explains the marks and, when cells carry notes, the highlight colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from matrix_tools import layout
from matrix_tools.model import Catalogue, HeaderKind, ItemKey, Matrix, cell_ref, split_row_key
from matrix_tools.reading.normalise import format_date
from matrix_tools.writing.cells import (
    CellKey,
    CellNote,
    clip,
    height_for,
    merge_notes,
    notes_by_cell,
    write_comment,
)
from matrix_tools.writing.xlsx import FILLS, NOTE_STYLES, STYLE_MEANINGS, Styles, set_print_portrait

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

# Who reads a workbook: a State official filling in the template; an expert working on a merge
# or an annotated copy; anyone reading the copy of the matrix inside a change report.
Purpose = Literal["template", "expert", "report"]

_ABOUT_HINTS = {
    "template": "Header of the matrix. Fill in the table sheets; the Legend sheet explains the marks.",
    "expert": "Header of the matrix. The Legend sheet explains the marks and the highlight colours.",
    "report": "Header of the NEW version of the matrix, as the State returned it. This copy is part of "
              "the change report: for reading, not for filling in.",
}


def describe_key(catalogue: Catalogue, field: str, column: str) -> str:
    """Where a cell key points, in the words of the matrix: "OP 1 · 22 Proliferation Security
    Initiative (PSI) · YES", "Header · Date of Report", "OP 3 (c)(d) NW · added row 'Comment'"."""
    header_key = ItemKey.header_of(field)
    if header_key is not None:
        item = catalogue.header_item(header_key)
        return f"Header · {(item.label if item else header_key).rstrip(':')}"
    if catalogue.has_field(field):
        table = catalogue.table_of(field)
        row = catalogue.row(field)
        where = f"{table.display} · {row.number} {row.label}"
        if column:
            try:
                where += f" · {table.column(column).caption.split(' (')[0]}"
            except KeyError:
                where += f" · {column}"
        return where
    added = split_row_key(field)
    if added is not None:
        table_id, label = added
        try:
            name = catalogue.table(table_id).display
        except KeyError:
            name = table_id
        text = f"{name} · row added by the State ({label!r})"
        return f"{text} · {column}" if column else text
    return f"{field} · {column}" if column else field


def matrix_title(matrix: Matrix) -> str:
    """The matrix's own title (header item "title"), or the generic one."""
    item = matrix.header.get("title")
    return item.text if item is not None and item.text else DEFAULT_TITLE


def state_name(matrix: Matrix) -> str:
    item = matrix.header.get("state")
    return item.text if item is not None and item.text else matrix.state.name


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
    title, state = matrix_title(matrix), state_name(matrix)
    return title if state.casefold() in title.casefold() else f"{title}: {state}"


def add_about_sheet(
    wb: Workbook,
    styles: Styles,
    matrix: Matrix,
    *,
    title: str | None = None,
    notes: Sequence[CellNote | str] = (),
    purpose: Purpose = "template",
    activate: bool = True,
) -> dict[CellKey, str]:
    """The About sheet: header items (label in A, value in B from ``layout.ABOUT_FIRST_ROW``).

    ``notes`` may hold CellNotes (those for an ItemKey.header highlight that value) and plain
    strings (paragraphs written below the header). Dates are written as text in the matrix
    style so Excel does not reformat them. ``purpose`` (see ``Purpose``) decides the guide:
    how to fill in the workbook for a template or an expert's copy, none in a report; the
    catalogue file (an expert's detail) is shown only to experts. Returns
    {(ItemKey.header(key), ""): cell}.
    """
    ws = wb.add_worksheet(layout.ABOUT_SHEET)
    catalogue = matrix.catalogue
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 70)
    ws.write_string(0, 0, title or _about_title(matrix), styles.get("title"))
    ws.write_string(1, 0, _ABOUT_HINTS[purpose], styles.get("hint"))
    by_cell = notes_by_cell(n for n in notes if isinstance(n, CellNote))
    cells: dict[CellKey, str] = {}
    row = layout.ABOUT_FIRST_ROW
    for item in catalogue.header:
        key = (ItemKey.header(item.key), "")
        ws.write_string(row, 0, item.label, styles.get("about_label"))
        note_style, comment = merge_notes(by_cell.pop(key, []))
        fmt = styles.get(note_style) if note_style else styles.get("about_value")
        text = header_text(matrix, item.key)
        if text:
            ws.write_string(row, 1, text, fmt)
        else:
            ws.write_blank(row, 1, None, fmt)
        if comment:
            write_comment(ws, row, 1, comment)
        cells[key] = cell_ref(layout.ABOUT_SHEET, row, 1)
        if item.kind is not HeaderKind.TEXT:
            ws.data_validation(row, 1, row, 1, {
                "validate": "any",
                "input_title": clip(item.label, 32),
                "input_message": "Write dates as text, like 12 October 2004"
                + ("; separate several with ;" if item.kind is HeaderKind.DATE_LIST else "."),
            })  # fmt: skip
        row += 1
    facts = [("Catalogue:", catalogue.id), ("Catalogue version:", catalogue.version)]
    if purpose == "expert":
        facts.append(("Catalogue file:", catalogue.source or "(built in)"))
    for label, value in facts:
        ws.write_string(row, 0, label, styles.get("about_label"))
        ws.write_string(row, 1, value, styles.get("about_value"))
        row += 1
    if purpose != "report":
        row += 1
        ws.write_string(row, 0, "How to fill in this workbook", styles.get("heading"))
        row += 1
        for line in _GUIDE:
            ws.write_string(row, 0, "•", styles.get("about_label"))
            ws.write_string(row, 1, line, styles.get("paragraph"))
            ws.set_row(row, height_for([(line, 70.0)]))
            row += 1
    paragraphs = [n for n in notes if isinstance(n, str)]
    leftover = [n for group in by_cell.values() for n in group]
    if paragraphs or leftover:
        row += 1
        ws.write_string(row, 0, "Notes", styles.get("heading"))
        row += 1
        for text in paragraphs:
            ws.write_string(row, 1, text, styles.get("paragraph"))
            ws.set_row(row, height_for([(text, 70.0)]))
            row += 1
        for note in leftover:  # notes naming no written cell: listed, never dropped
            where = describe_key(catalogue, note.field, note.column)
            ws.write_string(row, 0, where, styles.get("about_label"))
            ws.write_string(
                row, 1, note.comment, styles.get(note.style if note.style in FILLS else "info")
            )
            ws.set_row(row, height_for([(where, 30.0), (note.comment, 70.0)]))
            row += 1
    set_print_portrait(ws)
    if activate:  # the sheet the workbook opens on (only one may be: two would be grouped)
        ws.activate()
    return cells


def add_legend_sheet(
    wb: Workbook, styles: Styles, catalogue: Catalogue, *, highlights: bool = False,
    purpose: Purpose = "template",
) -> None:
    """The Legend sheet: the marks in plain words, what the matrix is (and is not), grades.

    ``highlights`` adds the meaning of the highlight colours (for merge, annotate, diff). The
    grades of the row wording are an expert's matter: a template leaves them out.
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
    ws.set_row(2, height_for([(intro, 100.0)]))
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
            # Validation reads these as the mark and asks for the mark itself (a warning):
            # the Legend says both, so it and ``validate`` agree.
            typed = ", ".join(a for a in definition.aliases if a.isascii() or a.isalpha())
            text += (f" Please type {definition.mark.display} itself: {typed} are read as "
                     f"{definition.mark.display}, and validation asks for them to be corrected.")
        ws.write_string(row, 1, text, styles.get("legend_text"))
        ws.set_row(row, height_for([(text, 90.0)]))
        row += 1
    if purpose != "template":
        row += 1
        ws.write_string(row, 0, "Row wording", styles.get("heading"))
        row += 1
        for grade, meaning in _GRADE_MEANINGS:
            ws.write_string(row, 0, grade, styles.get("legend_mark"))
            ws.write_string(row, 1, meaning, styles.get("legend_text"))
            ws.set_row(row, height_for([(meaning, 90.0)]))
            row += 1
    source = f"Catalogue: {catalogue.id} version {catalogue.version}"
    if purpose == "expert":
        source += f" ({catalogue.source or 'built in'})"
    ws.write_string(row + 1, 0, source + ".", styles.get("hint"))
    row += 3
    set_print_portrait(ws)
    if highlights:
        ws.write_string(row, 0, "Highlights", styles.get("heading"))
        row += 1
        for name in NOTE_STYLES:
            ws.write_string(row, 0, name, styles.get(name))
            ws.write_string(row, 1, STYLE_MEANINGS[name], styles.get("legend_text"))
            row += 1


DEFAULT_TITLE = "1540 COMMITTEE MATRIX"


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
