"""The Summary sheet of the xlsx change report: the two versions, the counts, a native chart.

Layout: A labels (32), B:C the two versions (38 each), D:G counts (10 each), so the sheet
prints one page wide in landscape. Counts are written as numbers (the report holds no formula).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from matrix_tools.diffing.result import DiffResult, Side
from matrix_tools.reading.normalise import format_dates
from matrix_tools.reports.diff_text import summary_sentence
from matrix_tools.writing.cells import clip, height_for
from matrix_tools.writing.xlsx import Styles, set_print

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

HEAD = "#1F3864"
SERIES_COLOURS = {"added": "#3E9B55", "removed": "#C0392B", "changed": "#E0A800"}
MAX_CELL = 32_000
GRID = {"border": 1, "border_color": "#A6A6A6"}
LAST_COL = 6


def side_rows(r: DiffResult) -> list[tuple[str, Callable[[Side], str]]]:
    """(caption, what to show of a version) for the table of the two versions."""

    def date(key: str) -> Callable[[Side], str]:
        return lambda side: format_dates(side.dates.get(key, ())) or "-"

    return [
        ("File", lambda side: side.name or "(in memory)"),
        ("State", lambda side: f"{side.state} ({side.iso3})" if side.iso3 else side.state),
        ("Matrix title", lambda side: side.title or "-"),
        *((label, date(key)) for key, label in r.date_labels.items()),  # the catalogue's header items
        ("Catalogue (template version)", lambda side: side.catalogue),
        ("SHA-256", lambda side: side.sha256 or "-"),
    ]


def write_summary(wb: Workbook, styles: Styles, ws: Worksheet, r: DiffResult) -> None:
    """Versions, counts, changes per table (with a native chart), mark transitions."""
    ws.set_column(0, 0, 32)
    ws.set_column(1, 2, 38)
    ws.set_column(3, LAST_COL, 10)
    ws.hide_gridlines(2)
    f = styles.custom
    title = f("s_title", bold=True, font_size=16, font_color=HEAD)
    h2 = f("s_h2", bold=True, font_size=12, font_color=HEAD, bottom=2, bottom_color=HEAD)
    label = f("s_label", bold=True, text_wrap=True, **GRID)
    wrap = f("s_wrap", text_wrap=True, **GRID)
    small = f("s_small", font_size=9, font_color="#595959", text_wrap=True, **GRID)
    note = f("s_note", italic=True, font_color="#404040", text_wrap=True)
    head = f("s_head", bold=True, bg_color="#DCE6F1", text_wrap=True, **GRID)
    num = f("s_num", align="center", **GRID)
    numb = f("s_numb", align="center", bold=True, **GRID)
    num_left = f("s_num_left", align="left", **GRID)

    def heading(row: int, text: str) -> None:
        ws.write_string(row, 0, text, h2)
        for col in range(1, LAST_COL + 1):
            ws.write_blank(row, col, None, h2)
        ws.set_row(row, 20)

    state = r.new.state or r.old.state
    ws.write_string(0, 0, clip(f"Changes in the 1540 matrix of {state}", MAX_CELL), title)
    ws.set_row(0, 24)
    intro = (
        "Marks (X, ?, NA) are indicators of fact recorded by the 1540 Committee, not compliance "
        "scores. The sheets after \"For consultation\" are a copy of the new matrix: highlighted cells "
        "changed, and each one's comment gives the earlier value."
    )
    ws.merge_range(1, 0, 1, LAST_COL, intro, note)
    ws.set_row(1, height_for([(intro, 150.0)]))
    row = 3
    heading(row, "The two versions")
    row += 1
    ws.write_blank(row, 0, None, head)
    ws.write_string(row, 1, "Old", head)
    ws.write_string(row, 2, "New", head)
    for caption, getter in side_rows(r):
        row += 1
        ws.write_string(row, 0, caption, label)
        texts = [getter(r.old), getter(r.new)]
        for col, text in ((1, texts[0]), (2, texts[1])):
            ws.write_string(row, col, clip(text, MAX_CELL), small if caption == "SHA-256" else wrap)
        widths = [(t, 26.0 if caption == "SHA-256" else 38.0) for t in texts]  # 9 pt: more per line
        ws.set_row(row, height_for([(caption, 32.0), *widths]))
    row += 2
    heading(row, "Summary")
    row += 1
    sentence = summary_sentence(r, command_hint=False)
    ws.merge_range(row, 0, row, LAST_COL, sentence, f("s_bold_wrap", bold=True, text_wrap=True))
    ws.set_row(row, height_for([(sentence, 140.0)], bold=True))
    s = r.summary()
    facts = [
        ("Changes in all (the count every report gives)", s["total"]),
        ("Cell changes", s["changes"]),
        ("   added (was blank)", s["by_kind"]["added"]),
        ("   removed (now blank)", s["by_kind"]["removed"]),
        ("   changed", s["by_kind"]["changed"]),
        ("Header changes", s["header_changes"]),
        ("Rows outside the template", sum(s["unknown_rows"].values())),
        ("Cells in columns or sheets the State added", sum(s["unplaced"].values())),
        ("Rows the State deleted", s["rows_deleted"]),
        ("Points for consultation", s["consultation_points"]),
        ("Cosmetic edits" + ("" if s["cosmetic_listed"] else " (not listed)"), s["cosmetic"]),
    ]
    for caption, value in facts:
        row += 1
        ws.write_string(row, 0, caption, label)
        ws.write_number(row, 1, value, num_left)
        ws.set_row(row, height_for([(caption, 32.0)], bold=True))
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
        ws.merge_range(row, 1, row, 2, clip(titles.get(table, ""), MAX_CELL), small)
        for col, kind in enumerate(("added", "removed", "changed", "total"), start=3):
            ws.write_number(row, col, counts[kind], numb if kind == "total" else num)
        ws.set_row(row, height_for([(titles.get(table, ""), 84.0)]))
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
            ws.write_string(row, 0, code.replace("->", " → ").replace("other", "not a mark"), wrap)
            ws.merge_range(row, 1, row, 2, meanings.get(code) or "", wrap)
            ws.write_number(row, 3, count, num)
            ws.set_row(row, height_for([(meanings.get(code) or "", 76.0)]))
    if s["changes"]:
        row += 2
        heading(row, "Chart: changes per table")
        biggest = max(c["total"] for c in s["by_table"].values())
        _chart(wb, ws, first, last, row + 1, major_unit=max(1, -(-biggest // 8)))
        row += 22
    set_print(ws, area=(0, 0, row, LAST_COL), footer="&R&8Page &P of &N")


def _chart(wb: Workbook, ws: Worksheet, first: int, last: int, at_row: int, *, major_unit: int = 1) -> None:
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    assert chart is not None
    for col, kind in ((2, "added"), (3, "removed"), (4, "changed")):
        chart.add_series({
            "name": ["Summary", first - 1, col + 1],
            "categories": ["Summary", first, 0, last, 0],
            "values": ["Summary", first, col + 1, last, col + 1],
            "fill": {"color": SERIES_COLOURS[kind]},
            "gap": 60,
        })
    chart.set_title({"name": "Changes per table", "name_font": {"size": 12, "bold": True}})
    chart.set_x_axis({"name": "Number of changed cells", "major_unit": major_unit, "num_format": "0",
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 400})
    ws.insert_chart(at_row, 0, chart, {"x_offset": 4, "y_offset": 4})
