"""Cell formats and workbook set-up shared by every xlsx matrix-tools writes.

``Styles`` gives named formats (captions, marks, text, highlights for notes) created once per
workbook; ``new_workbook`` opens an xlsxwriter Workbook that never turns text into formulas,
links or numbers, so nothing a State typed becomes active in an output (design.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.safety import encodable

if TYPE_CHECKING:  # xlsxwriter is imported lazily: only writing commands need it
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

NOTE_STYLES = ("changed", "added", "removed", "conflict", "error", "warning", "info")
# When several notes hit one cell, the cell takes the most pressing style.
STYLE_PRIORITY = {
    name: i
    for i, name in enumerate(
        ("conflict", "error", "removed", "changed", "added", "warning", "info")
    )
}
FILLS = {
    "changed": "#FFF2A8",  # light yellow
    "added": "#D8F0D2",  # light green
    "removed": "#F8D0CE",  # light red (and struck through)
    "conflict": "#F9B46B",  # orange
    "error": "#F28B82",  # red
    "warning": "#FFD966",  # amber
    "info": "#D6E8F7",  # light blue
}
STYLE_MEANINGS = {
    "changed": "value changed (the earlier value is in the cell comment)",
    "added": "value added where the cell was blank",
    "removed": "value removed (the earlier value is in the cell comment)",
    "conflict": "conflict: the two versions disagree; see the comment and decide",
    "error": "error found by validation; see the comment",
    "warning": "warning found by validation; see the comment",
    "info": "information; see the comment",
}

FONT = "Calibri"
GRID = "#A6A6A6"
CAPTION_FILL = "#DCE6F1"

class Styles:
    """The cell formats of one xlsxwriter Workbook, created on first use and then reused.

    ``get(name)`` gives a named format or a highlight. Names: "title", "subtitle", "heading",
    "paragraph" (wrapped), "small" (grey, wrapped), "hint" (grey, one line), "bold",
    "caption" / "caption_left" (table header cells), "number", "label", "mark" (centred,
    bold), "text" (wrapped), "field_id", "about_label", "about_value", "legend_mark",
    "legend_text", "grade_note"; highlights "changed", "added", "removed", "conflict",
    "error", "warning", "info" (text cells), "mark:<style>" (mark cells), "label:<style>".
    Unknown names raise KeyError.
    """

    _BASE: Mapping[str, Mapping[str, Any]] = {
        "title": {"bold": True, "font_size": 14, "font_color": "#1F3864"},
        "subtitle": {"bold": True, "font_size": 11, "font_color": "#1F3864"},
        "heading": {"bold": True, "font_size": 12, "font_color": "#1F3864"},
        "state_label": {"bold": True, "align": "right"},
        "state": {"bold": True, "font_size": 11},
        "grade_note": {"italic": True, "font_size": 8, "font_color": "#7F7F7F"},
        "paragraph": {"text_wrap": True, "valign": "top"},
        "small": {"font_size": 9, "font_color": "#595959", "text_wrap": True, "valign": "top"},
        "hint": {"font_size": 9, "font_color": "#595959", "valign": "top"},
        "bold": {"bold": True},
        "caption": {
            "bold": True, "text_wrap": True, "valign": "vcenter", "align": "center",
            "bg_color": CAPTION_FILL, "border": 1, "border_color": GRID,
        },
        "caption_left": {
            "bold": True, "text_wrap": True, "valign": "vcenter", "align": "left",
            "bg_color": CAPTION_FILL, "border": 1, "border_color": GRID,
        },
        "number": {"align": "center", "valign": "top", "border": 1, "border_color": GRID, "font_color": "#404040"},
        "label": {"text_wrap": True, "valign": "top", "border": 1, "border_color": GRID},
        "mark": {"align": "center", "valign": "top", "bold": True, "border": 1, "border_color": GRID},
        "text": {"text_wrap": True, "valign": "top", "border": 1, "border_color": GRID},
        "field_id": {
            "font_size": 8, "font_color": "#808080", "valign": "top", "border": 1, "border_color": GRID,
            "bg_color": "#F2F2F2",
        },
        "field_id_caption": {
            "font_size": 8, "font_color": "#595959", "valign": "vcenter", "align": "center", "border": 1,
            "border_color": GRID, "bg_color": "#F2F2F2",
        },
        "field_id_unverified": {
            "font_size": 8, "font_color": "#808080", "italic": True, "valign": "top", "border": 1,
            "border_color": GRID, "bg_color": "#F2F2F2",
        },
        "about_label": {"bold": True, "valign": "top", "text_wrap": True},
        "about_value": {"valign": "top", "text_wrap": True},
        "legend_mark": {"bold": True, "align": "center", "valign": "top", "border": 1, "border_color": GRID},
        "legend_text": {"text_wrap": True, "valign": "top", "border": 1, "border_color": GRID},
    }  # fmt: skip

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._formats: dict[str, Format] = {}

    def get(self, name: str) -> Format:
        """The format called ``name``; KeyError for an unknown name."""
        if name not in self._formats:
            self._formats[name] = self._workbook.add_format(
                {"font_name": FONT, **self._properties(name)}
            )
        return self._formats[name]

    def custom(self, name: str, **props: Any) -> Format:
        """A report's own format (Calibri, top-aligned unless ``props`` say otherwise), created
        once under ``name``; the same name always gives the first format made with it."""
        key = "custom:" + name
        if key not in self._formats:
            self._formats[key] = self._workbook.add_format({"font_name": FONT, "valign": "top", **props})
        return self._formats[key]

    def cell(self, kind: str, style: str | None = None) -> Format:
        """Format of a data cell: ``kind`` "mark" or "text", highlighted by ``style`` if given."""
        if style is None:
            return self.get(kind)
        return self.get(f"mark:{style}" if kind == "mark" else style)

    def _properties(self, name: str) -> dict[str, Any]:
        if name in self._BASE:
            return dict(self._BASE[name])
        base, _, style = name.rpartition(":")
        if style in FILLS and base in ("", "mark", "text", "label"):
            props = dict(self._BASE[base or "text"])
            props["bg_color"] = FILLS[style]
            if style == "removed":
                props["font_strikeout"] = True
            if style == "error":
                props["font_color"] = "#7A0000"
            return props
        raise KeyError(f"no cell style called {name!r}")


def new_workbook(
    path: str | Path,
    *,
    title: str = "",
    created: dt.datetime | None = None,
    comments: str = "Written by matrix-tools. Fill in the table sheets; see the Legend sheet.",
    constant_memory: bool = False,
) -> Workbook:
    """An xlsxwriter Workbook that never turns text into formulas, links or numbers.

    ``created`` fixes the document's creation date; by default it is now, or the time in
    ``SOURCE_DATE_EPOCH`` when set (reproducible builds: the samples are byte-identical).
    ``comments`` goes in the document properties (File > Info), where notes for experts
    stay out of a State official's way; ``constant_memory`` streams rows (large tables).
    """
    import xlsxwriter

    options: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    if constant_memory:
        options["constant_memory"] = True
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.worksheet_class = inert_worksheet_class()  # lone surrogates cannot stop the write
    if created is None and os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        created = dt.datetime.fromtimestamp(
            int(os.environ["SOURCE_DATE_EPOCH"]), tz=dt.timezone.utc
        )
    properties: dict[str, Any] = {
        "title": title or "1540 Committee matrix",
        "subject": "UN Security Council resolution 1540 (2004): implementation matrix",
        "author": "matrix-tools",
        "comments": comments,
        "keywords": "1540, matrix",
    }
    if created is not None:
        properties["created"] = created.replace(tzinfo=None)
    workbook.set_properties(properties)
    return workbook


PAGE_FOOTER = "&L&8&A&R&8Page &P of &N"  # sheet name left, page of pages right


def header_text(text: str, limit: int = 80) -> str:
    """Text for a printed header or footer: clipped, with "&" (Excel's control character) doubled."""
    clipped = text if len(text) <= limit else text[: limit - 1] + "…"
    return clipped.replace("&", "&&")


def set_print(
    ws: Worksheet,
    *,
    landscape: bool = True,
    repeat_row: int | None = None,
    area: tuple[int, int, int, int] | None = None,
    header: str = "",
    footer: str = PAGE_FOOTER,
    fit_height: int = 0,
    fit_width: bool = True,
) -> None:
    """The print set-up of every sheet matrix-tools writes: A4, one page wide (as many pages
    down as needed, or ``fit_height``), ``repeat_row`` printed on every page, page numbers.

    ``area`` is (first row, first col, last row, last col), 0-based; ``header`` / ``footer``
    are Excel header codes (escape submitted text with ``header_text``). ``fit_width=False``
    prints a very wide sheet across pages at full size instead (repeat its first columns).
    """
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)  # A4, the UN's paper size
    if fit_width:
        ws.fit_to_pages(1, fit_height)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    if area is not None:
        ws.print_area(*area)
    if header:
        ws.set_header(header)
    if footer:
        ws.set_footer(footer)
@functools.lru_cache(maxsize=1)
def inert_worksheet_class() -> type[Worksheet]:
    """An xlsxwriter Worksheet class whose every string can be stored as UTF-8.

    A lone surrogate (a submission's ``_xD800_`` escape, a file name that is not UTF-8) would
    otherwise make ``Workbook.close()`` fail with UnicodeEncodeError; it becomes U+FFFD
    (``safety.encodable``). Set it as ``workbook.worksheet_class`` on every workbook written.
    """
    from xlsxwriter.worksheet import Worksheet, convert_cell_args

    class InertWorksheet(Worksheet):  # type: ignore[misc]
        def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> Any:
            return super()._write_string(row, col, encodable(string), cell_format)

        def _write_rich_string(self, row: int, col: int, *args: Any) -> Any:
            return super()._write_rich_string(row, col, *(encodable(a) if isinstance(a, str) else a for a in args))

        @convert_cell_args  # type: ignore[untyped-decorator]
        def write_comment(self, row: int, col: int, comment: str, options: Any = None) -> Any:
            return super().write_comment(row, col, encodable(comment), options)

    return InertWorksheet


def set_print_portrait(ws: Worksheet) -> None:
    """Portrait A4, one page wide (the About and Legend sheets)."""
    set_print(ws, landscape=False)
