"""The change report as an Excel workbook: the file experts take to the consultation.

Sheets: Summary (versions, counts, a native chart of changes per table), Changes (one row per
change, filterable), For consultation (points to raise, with an empty Outcome column), then
the About sheet and the table sheets of the NEW matrix, changed cells highlighted and the old
value in a comment. Every submitted text is written with ``write_string`` / ``write_rich_string``
on a workbook that never turns strings into formulas or links (``workbook.new_workbook``);
the report holds no formula at all (counts are written as numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.diffing.engine import Change, DiffResult, Side, format_dates
from matrix_tools.diffing.worddiff import Segment
from matrix_tools.model import key_unknown_rows
from matrix_tools.reports.diff_text import summary_sentence
from matrix_tools.writing.cells import CellNote
from matrix_tools.writing.front import add_about_sheet
from matrix_tools.writing.output import write_with
from matrix_tools.writing.workbook import add_table_sheets
from matrix_tools.writing.xlsx import Styles, new_workbook

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet


KIND_FILLS = {"added": "#D8F0D2", "removed": "#F8D0CE", "changed": "#FFF2A8", "cosmetic": "#EDEDED"}
KIND_FONTS = {"added": "#1E6B30", "removed": "#9C1C14", "changed": "#7A5200"}
SERIES_COLOURS = {"added": "#3E9B55", "removed": "#C0392B", "changed": "#E0A800"}
HEAD = "#1F3864"
MAX_CELL = 32_000  # Excel holds 32,767 characters per cell


def row_height(texts: Sequence[tuple[str, float]]) -> float:
    """Points that show every (text, column width in characters) of a row in full, up to Excel's 409."""
    lines = 1
    for text, width in texts:
        per_line = max(4.0, width - 2.0)
        lines = max(lines, sum(max(1, -(-len(part) // int(per_line))) for part in text.split("\n")))
    return min(409.0, 15.0 * lines + 2)


def clip(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def cell_notes(result: DiffResult) -> list[CellNote]:
    """Highlights and comments for the new matrix's sheets: one per change that has a place in it."""

    notes: list[CellNote] = []
    for change in result.changes:
        if change.template == "only-in-old-template":
            continue  # the field is not in the new matrix
        style = "changed" if change.cosmetic else change.kind
        was = change.old if change.old else "blank"
        lines = [f"Was: {was}"]
        if change.meaning:
            lines.append(change.meaning)
        if change.cosmetic:
            lines[0] = f"Was typed: {change.old_raw or change.old!r}"
        notes.append(CellNote(change.field, change.column, style, clip("\n".join(lines))))
    for header in (*result.header_changes, *(result.cosmetic_headers if result.include_cosmetic else ())):
        was = header.old or "(empty)"
        notes.append(CellNote(f"header:{header.key}", "", "changed" if header.old else "added", f"Was: {was}"))
    new = result.new_matrix
    if new is not None:
        added = {(u.table, u.label) for u in result.unknown_rows if u.kind in ("added", "changed")}
        for row_key, row in key_unknown_rows(new.unknown_rows).items():
            if (row.table, row.label) not in added:
                continue
            for key, value in row.values.items():
                column = next((c.key for c in new.catalogue.table(row.table).columns if key in (c.key, c.caption)), key)
                if value.text:
                    notes.append(CellNote(row_key, column, "added", "Row added by the State: it matches no data field of the template."))
    return notes


class _Report:
    """Writes the report sheets into one xlsxwriter workbook."""

    def __init__(self, wb: Workbook, styles: Styles, result: DiffResult) -> None:
        self.wb = wb
        self.styles = styles
        self.result = result
        self.formats: dict[str, Format] = {}

    def fmt(self, name: str, **props: Any) -> Format:
        if name not in self.formats:
            base = {"font_name": "Calibri", "valign": "top"}
            self.formats[name] = self.wb.add_format({**base, **props})
        return self.formats[name]

    # --- Summary --------------------------------------------------------------------------

    def write_summary(self) -> None:
        """Versions, counts, changes per table (with a native chart), mark transitions.

        Layout: A labels (32), B:C the two versions (38 each), D:G counts (10 each), so the
        sheet prints one page wide in landscape.
        """
        r = self.result
        ws = self.wb.add_worksheet("Summary")
        ws.set_column(0, 0, 32)
        ws.set_column(1, 2, 38)
        ws.set_column(3, 6, 10)
        ws.hide_gridlines(2)
        title = self.fmt("title", bold=True, font_size=16, font_color=HEAD)
        h2 = self.fmt("h2", bold=True, font_size=12, font_color=HEAD, bottom=2, bottom_color=HEAD)
        grid = {"border": 1, "border_color": "#A6A6A6"}
        label = self.fmt("label_b", bold=True, text_wrap=True, **grid)
        wrap = self.fmt("wrap_b", text_wrap=True, **grid)
        small = self.fmt("small_b", font_size=9, font_color="#595959", text_wrap=True, **grid)
        note = self.fmt("note", italic=True, font_color="#404040", text_wrap=True)
        head = self.fmt("head", bold=True, bg_color="#DCE6F1", text_wrap=True, **grid)
        num = self.fmt("num", align="center", **grid)
        numb = self.fmt("numb", align="center", bold=True, **grid)
        last_col = 6

        def heading(row: int, text: str) -> None:
            ws.write_string(row, 0, text, h2)
            for col in range(1, last_col + 1):
                ws.write_blank(row, col, None, h2)
            ws.set_row(row, 20)

        state = r.new.state or r.old.state
        ws.write_string(0, 0, clip(f"Changes in the 1540 matrix of {state}"), title)
        ws.set_row(0, 24)
        ws.merge_range(
            1, 0, 1, last_col,
            "Marks (X, ?, NA) are indicators of fact recorded by the 1540 Committee, not compliance "
            "scores. The sheets after \"For consultation\" show the new matrix: highlighted cells changed, "
            "and each one's comment gives the earlier value.",
            note,
        )
        ws.set_row(1, 32)
        row = 3
        heading(row, "The two versions")
        row += 1
        ws.write_blank(row, 0, None, head)
        ws.write_string(row, 1, "Old", head)
        ws.write_string(row, 2, "New", head)
        for caption, getter in self._side_rows():
            row += 1
            ws.write_string(row, 0, caption, label)
            texts = [getter(r.old), getter(r.new)]
            for col, text in ((1, texts[0]), (2, texts[1])):
                ws.write_string(row, col, clip(text), small if caption == "SHA-256" else wrap)
            ws.set_row(row, 26 if caption == "SHA-256" else row_height([(t, 38) for t in texts]))
        row += 2
        heading(row, "Summary")
        row += 1
        ws.merge_range(row, 0, row, last_col, summary_sentence(r, command_hint=False), self.fmt("bold_wrap", bold=True, text_wrap=True))
        ws.set_row(row, 30)
        s = r.summary()
        facts = [
            ("Cell changes", s["changes"]),
            ("   added (was blank)", s["by_kind"]["added"]),
            ("   removed (now blank)", s["by_kind"]["removed"]),
            ("   changed", s["by_kind"]["changed"]),
            ("Points for consultation", len(list(r.consultation))),
            ("Header changes", s["header_changes"]),
            ("Rows outside the template", sum(s["unknown_rows"].values())),
            ("Cosmetic edits" + ("" if s["cosmetic_listed"] else " (not listed)"), s["cosmetic"]),
        ]
        for caption, value in facts:
            row += 1
            ws.write_string(row, 0, caption, label)
            ws.write_number(row, 1, value, self.fmt("num_left", align="left", **grid))
        row += 2
        heading(row, "Changes per table")
        row += 1
        ws.write_string(row, 0, "Table", head)
        ws.merge_range(row, 1, row, 2, "Title", head)
        for col, caption in enumerate(("Added", "Removed", "Changed", "Total"), start=3):
            ws.write_string(row, col, caption, head)
        header_row = row
        matrix = r.new_matrix or r.old_matrix
        titles = {t.id: t.title for t in matrix.catalogue.tables} if matrix else {}
        for table, counts in s["by_table"].items():
            row += 1
            ws.write_string(row, 0, r.table_titles.get(table, table), label)
            ws.merge_range(row, 1, row, 2, clip(titles.get(table, "")), small)
            for col, kind in enumerate(("added", "removed", "changed", "total"), start=3):
                ws.write_number(row, col, counts[kind], numb if kind == "total" else num)
        first, last = header_row + 1, row
        if s["transitions"]:
            row += 2
            heading(row, "Mark transitions")
            row += 1
            ws.write_string(row, 0, "Transition (old → new)", head)
            ws.merge_range(row, 1, row, 2, "Meaning", head)
            ws.write_string(row, 3, "Count", head)
            meanings = {c.transition: c.meaning for c in r.real_changes if c.transition}
            for code, count in s["transitions"].items():
                row += 1
                ws.write_string(row, 0, code.replace("->", " → "), wrap)
                ws.merge_range(row, 1, row, 2, meanings.get(code) or "", wrap)
                ws.write_number(row, 3, count, num)
        if s["changes"]:
            row += 2
            heading(row, "Chart: changes per table")
            biggest = max(c["total"] for c in s["by_table"].values())
            self._chart(ws, first, last, row + 1, major_unit=max(1, -(-biggest // 8)))
            row += 22
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.print_area(0, 0, row, last_col)
        ws.set_footer("&R&8Page &P of &N")

    def _side_rows(self) -> list[tuple[str, Any]]:
        def date(key: str) -> Any:
            return lambda side: format_dates(side.dates.get(key, ())) or "-"

        return [
            ("File", lambda side: side.name or "(in memory)"),
            ("State", lambda side: f"{side.state} ({side.iso3})" if side.iso3 else side.state),
            ("Matrix title", lambda side: side.title or "-"),
            ("Date of Report", date("date_of_report")),
            ("Dates of additional reports", date("dates_of_additional_reports")),
            ("Date of Committee approval", date("date_of_committee_approval")),
            ("Catalogue (template version)", lambda side: side.catalogue),
            ("SHA-256", lambda side: side.sha256 or "-"),
        ]

    def _chart(self, ws: Worksheet, first: int, last: int, at_row: int, *, major_unit: int = 1) -> None:
        chart = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for col, kind in ((2, "added"), (3, "removed"), (4, "changed")):
            chart.add_series({
                "name": ["Summary", first - 1, col + 1],
                "categories": ["Summary", first, 0, last, 0],
                "values": ["Summary", first, col + 1, last, col + 1],
                "fill": {"color": SERIES_COLOURS[kind]},
                "gap": 60,
            })
        chart.set_title({"name": "Changes per table", "name_font": {"size": 12, "bold": True}})
        chart.set_x_axis({"name": "Number of changed cells", "major_unit": major_unit, "num_format": "0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 400})
        ws.insert_chart(at_row, 0, chart, {"x_offset": 4, "y_offset": 4})

    # --- Changes --------------------------------------------------------------------------

    def write_changes(self) -> None:
        r = self.result
        ws = self.wb.add_worksheet("Changes")
        captions = [
            ("Table", 11), ("No.", 5), ("Field", 30), ("Column", 20), ("Kind", 10), ("Old", 26), ("New", 26),
            ("Text change (word by word)", 40), ("Transition", 11), ("Meaning", 30), ("Cell in the new file", 18),
            ("Cell in the old file", 18), ("Field ID", 24),
        ]
        head = self.fmt("chead", bold=True, bg_color="#DCE6F1", border=1, border_color="#A6A6A6", text_wrap=True, valign="vcenter")
        for col, (caption, width) in enumerate(captions):
            ws.write_string(0, col, caption, head)
            ws.set_column(col, col, width)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 3)
        row = 0
        rows: list[Change] = list(r.changes)
        for change in rows:
            row += 1
            kind = "cosmetic" if change.cosmetic else change.kind
            base = {"text_wrap": True, "border": 1, "border_color": "#BFBFBF", "bg_color": KIND_FILLS[kind]}
            f = self.fmt(f"row:{kind}", **base)
            fk = self.fmt(f"kind:{kind}", **base, bold=True, font_color=KIND_FONTS.get(kind, "#404040"))
            values = [
                r.table_titles.get(change.table, change.table),
                change.row_number,
                change.label,
                change.column_caption.split(" (")[0],
                change.kind + (" (cosmetic)" if change.cosmetic else ""),
                change.old_raw if change.cosmetic and change.old_raw is not None else change.old,
                change.new_raw if change.cosmetic and change.new_raw is not None else change.new,
            ]
            for col, value in enumerate(values):
                ws.write_string(row, col, clip(value), fk if col == 4 else f)
            self._write_words(ws, row, 7, change, f, kind)
            extra = [change.transition.replace("->", " → ") if change.transition else "", self._meaning(change),
                     change.new_cell, change.old_cell, change.field]
            for col, value in enumerate(extra, start=8):
                ws.write_string(row, col, clip(value), f)
            texts = [(v, captions[i][1]) for i, v in enumerate(values)] + [(self._meaning(change), 30)]
            texts.append(("".join(w.text for w in change.words), 40))
            ws.set_row(row, row_height(texts))
        ws.autofilter(0, 0, max(row, 1), len(captions) - 1)
        if not rows:
            ws.write_string(1, 0, "No changes.", self.fmt("italic", italic=True))
        self._print(ws, row, 9)  # cell references and field ids stay on screen, off the printout

    def _meaning(self, change: Change) -> str:
        parts = [change.meaning or ""]
        if change.template:
            parts.append("field " + change.template.replace("-", " ") + " (the template changed)")
        if change.old_field:
            parts.append(f"field renamed in the catalogue: was {change.old_field}")
        return "; ".join(p for p in parts if p)

    def _write_words(self, ws: Worksheet, row: int, col: int, change: Change, f: Format, kind: str) -> None:
        """The word diff as a rich string: deletions struck through in red, insertions green."""
        segments: Sequence[Segment] = change.words
        if not segments:
            if change.transition:
                text = ""  # a mark: Old, New and Transition say it all
            elif change.kind == "added":
                text = change.new
            elif change.kind == "removed":
                text = change.old
            else:
                text = ""
            ws.write_string(row, col, clip(text), f)
            return
        base = {"font_name": "Calibri"}
        fdel = self.fmt("w:del", **base, font_strikeout=True, font_color="#C00000")
        fins = self.fmt("w:ins", **base, underline=1, bold=True, font_color="#007A33")
        parts: list[Any] = []
        total = 0
        for seg in segments:
            text = seg.text[: max(0, MAX_CELL - total)]
            if not text:
                continue
            total += len(text)
            if seg.op == "equal":
                parts.append(text)
            else:
                parts += [fdel if seg.op == "delete" else fins, text]
        if len(parts) < 2 or (len(parts) == 2 and not isinstance(parts[0], str)):
            ws.write_string(row, col, "".join(p for p in parts if isinstance(p, str)), f)
            return
        ws.write_rich_string(row, col, *parts, f)

    # --- For consultation -----------------------------------------------------------------

    def write_consultation(self) -> None:
        r = self.result
        ws = self.wb.add_worksheet("For consultation")
        captions = [
            ("Topic", 22), ("Table", 11), ("No.", 5), ("Field", 34), ("Column", 20), ("Old", 18), ("New", 18),
            ("Question to raise", 44), ("Outcome (fill in during the meeting)", 44), ("Cell in the new file", 18),
        ]
        head = self.fmt("chead", bold=True, bg_color="#DCE6F1", border=1, border_color="#A6A6A6", text_wrap=True, valign="vcenter")
        outcome_head = self.fmt("ohead", bold=True, bg_color="#FFE699", border=1, border_color="#A6A6A6", text_wrap=True, valign="vcenter")
        for col, (caption, width) in enumerate(captions):
            ws.write_string(0, col, caption, outcome_head if col == 8 else head)
            ws.set_column(col, col, width)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 0)
        f = self.fmt("cons", text_wrap=True, border=1, border_color="#BFBFBF")
        ftopic = self.fmt("cons_topic", text_wrap=True, border=1, border_color="#BFBFBF", bold=True)
        fout = self.fmt("cons_out", text_wrap=True, border=1, border_color="#7F7F7F", bg_color="#FFFBEA")
        row = 0
        for point in r.consultation:
            row += 1
            values = [point.topic, r.table_titles.get(point.table, point.table), point.row_number, point.label,
                      point.column.split(" (")[0], point.old or ("blank" if point.new else ""), point.new, point.question]
            for col, value in enumerate(values):
                ws.write_string(row, col, clip(value), ftopic if col == 0 else f)
            ws.write_blank(row, 8, None, fout)
            ws.write_string(row, 9, point.cell, f)
            ws.set_row(row, 45)
        if row == 0:
            ws.write_string(1, 0, "Nothing to raise: no measure removed or downgraded, no X without a source, no row added.",
                            self.fmt("italic", italic=True))
        else:
            ws.autofilter(0, 0, row, len(captions) - 1)
        self._print(ws, max(row, 1), len(captions) - 1)

    def _print(self, ws: Worksheet, last_row: int, last_col: int) -> None:
        ws.print_area(0, 0, max(1, last_row), last_col)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        state = (self.result.new.state or self.result.old.state).replace("&", "&&")[:80]
        ws.set_header(f"&L&8Changes in the 1540 matrix of {state}&R&8&A")
        ws.set_footer("&R&8Page &P of &N")


def write_diff_xlsx(result: DiffResult, output: str | Path, *, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the xlsx change report atomically (never over one of ``inputs``)."""

    def build(tmp: Path) -> None:
        state = result.new.state or result.old.state
        wb = new_workbook(tmp, title=f"Changes in the 1540 matrix of {state}")
        styles = Styles(wb)
        report = _Report(wb, styles, result)
        report.write_summary()
        report.write_changes()
        report.write_consultation()
        if result.new_matrix is not None:
            notes = cell_notes(result)
            intro = (
                "The sheets after this one show the NEW version of the matrix. Highlighted cells changed: "
                "green = added, yellow = changed, red = removed. The earlier value is in each cell's comment."
            )
            header_notes = [n for n in notes if n.field.startswith("header:")]
            add_about_sheet(wb, styles, result.new_matrix, notes=[*header_notes, intro])
            add_table_sheets(wb, styles, result.new_matrix, notes, validations=False)
        wb.get_worksheet_by_name("Summary").activate()
        wb.close()

    return write_with(output, build, inputs)


def render_side_name(side: Side) -> str:
    """'testland-2013.xlsx' or '(in memory)'."""
    return side.name or "(in memory)"
