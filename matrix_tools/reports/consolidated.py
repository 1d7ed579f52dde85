"""Write a consolidated table: xlsx (long table, wide view, Coverage with charts), csv, parquet.

The xlsx is written with xlsxwriter in constant-memory mode (193 States x 979 entries is about
190,000 rows) and never turns text into formulas or links. The Coverage sheet has one native
Excel stacked-bar chart per section, drawn from the counts on the sheet, so the numbers and
the chart stay together when the workbook is passed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.catalogue import load_catalogue
from matrix_tools.consolidating.engine import (
    COVERAGE_NOTE,
    MARK_CLASSES,
    coverage_by_field,
    coverage_by_section,
    wide_view,
)
from matrix_tools.errors import OutputError
from matrix_tools.reports.coverage_time import add_coverage_over_time_sheet
from matrix_tools.safety import csv_safe, encodable
from matrix_tools.writing.output import write_bytes, write_with
from matrix_tools.writing.xlsx import Styles, new_workbook, set_print

if TYPE_CHECKING:
    import pandas as pd

FORMATS = (".xlsx", ".csv", ".parquet")
ENTRIES_SHEET = "Entries"
WIDE_SHEET = "Marks by State"
COVERAGE_SHEET = "Coverage"
CHARTS_SHEET = "Coverage charts"
CHART_WIDTH = 540  # px: within portrait A4 inside its margins, as LibreOffice prints it too
SERIES_COLOURS = {
    "X": "#2E7D32",
    "?": "#F9A825",
    "NA": "#78909C",
    "blank": "#D9D9D9",
    "other": "#C62828",
}
_LONG_WIDTHS = {"state": 24, "label": 40, "value": 30, "cell": 16, "file": 24, "field": 26}
_FIELD_TABLE_COLUMNS = ("section", "table", "row_number", "label", "field", "column", "mark_field")
# After the counts: what identifies each field, for filtering and for programs.
_DETAIL_COLUMNS = (("Section", 12), ("Table", 10), ("No.", 5), ("Label", 40), ("Column", 12), ("Mark field", 26))
_DETAIL_KEYS = {"Section": "section", "Table": "table", "No.": "row_number", "Label": "label",
                "Column": "column", "Mark field": "mark_field"}


def check_output_format(path: str | Path) -> str:
    """The output format named by the file's extension (.xlsx, .csv, .parquet), or OutputError."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(
            f"cannot write {path}: the output must end in .xlsx, .csv or .parquet", path=None
        )
    return suffix


def write_consolidated(
    df: pd.DataFrame, path: str | Path, *, inputs: Iterable[str | Path] = (), over_time: Sequence[Any] = ()
) -> Path:
    """Write the long table to ``path`` in the format its extension names (atomically).

    ``over_time`` (registry ``CoveragePoint``s) adds a "Coverage over time" sheet to an xlsx."""
    suffix = check_output_format(path)
    inputs = list(inputs)
    if suffix == ".csv":
        return write_bytes(path, render_consolidated_csv(df), inputs)
    if suffix == ".parquet":
        return write_consolidated_parquet(df, path, inputs=inputs)
    return write_consolidated_xlsx(df, path, inputs=inputs, over_time=over_time)


def render_consolidated_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel on Windows reads accents right).

    Read it back with ``pandas.read_csv(path, dtype=str, keep_default_na=False, na_values=[])``:
    otherwise pandas turns the mark NA into a missing value. Text from submissions that a
    spreadsheet would run as a formula gets a leading apostrophe (``safety.csv_safe``).
    """

    safe = df.apply(lambda col: col.map(lambda v: csv_safe(v) if isinstance(v, str) else v))
    text: str = safe.to_csv(index=False, lineterminator="\r\n")
    return encodable(text).encode("utf-8-sig")


def write_consolidated_parquet(
    df: pd.DataFrame, path: str | Path, *, inputs: Iterable[str | Path] = ()
) -> Path:
    """Parquet through the optional pyarrow (``pip install ".[parquet]"`` in the checkout)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise OutputError(
            f"cannot write {path}: Parquet output needs the optional package pyarrow; "
            "install it with: pip install pyarrow (or, in the matrix-tools folder: pip install \".[parquet]\"), or write .xlsx or .csv"
        ) from None
    return write_with(path, lambda tmp: df.to_parquet(tmp, engine="pyarrow", index=False), inputs)


def write_consolidated_xlsx(
    df: pd.DataFrame, path: str | Path, *, inputs: Iterable[str | Path] = (), over_time: Sequence[Any] = ()
) -> Path:
    """The workbook: Entries (long table), Marks by State (wide view), Coverage (+ charts)."""
    wide = wide_view(df)
    by_field = coverage_by_field(df)
    by_section = coverage_by_section(df)

    def build(tmp: Path) -> None:
        wb = new_workbook(tmp, title="1540 matrices: consolidated", constant_memory=True,
                          comments="Consolidated by matrix-tools: one line per State and field.")
        styles = Styles(wb)
        fmt = {
            "head": styles.custom("head", bold=True, bg_color="#DCE6F1", border=1, text_wrap=True),
            "title": styles.get("title"),
            "note": styles.custom("note", italic=True, font_color="#595959"),
            "bold": styles.get("bold"),
        }
        _add_long_sheet(wb, fmt, df)
        _add_wide_sheet(wb, fmt, wide)
        _add_coverage_sheet(wb, fmt, by_section, by_field, states=len(wide))
        if over_time:
            add_coverage_over_time_sheet(wb, fmt, over_time)
        wb.close()

    return write_with(path, build, inputs)


def _add_long_sheet(wb: Any, fmt: dict[str, Any], df: pd.DataFrame) -> None:
    ws = wb.add_worksheet(ENTRIES_SHEET)
    columns = list(df.columns)
    for c, name in enumerate(columns):
        ws.set_column(c, c, _LONG_WIDTHS.get(name, 11))
    for c, name in enumerate(columns):
        ws.write_string(0, c, name, fmt["head"])
    for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(row):
            if value:  # a blank stays an empty cell: about a third fewer cells to write
                ws.write_string(r, c, str(value))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(df), 1), len(columns) - 1)
    set_print(ws, repeat_row=0, header="&L&8Consolidated 1540 matrices: every entry")


def _add_wide_sheet(wb: Any, fmt: dict[str, Any], wide: pd.DataFrame) -> None:
    ws = wb.add_worksheet(WIDE_SHEET)
    columns = list(wide.columns)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 6)
    ws.set_column(2, 2, 20)
    ws.set_column(3, max(len(columns) - 1, 3), 9)
    for c, name in enumerate(columns):
        ws.write_string(0, c, name, fmt["head"])
    for r, row in enumerate(wide.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(row):
            if value:
                ws.write_string(r, c, str(value))
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(len(wide), 1), len(columns) - 1)
    ws.repeat_columns(0, 1)  # the State on every page
    set_print(ws, repeat_row=0, header="&L&8Consolidated 1540 matrices: marks by State", fit_width=False)


def _group_fields(by_field: pd.DataFrame) -> list[tuple[str, str, list[tuple[Any, ...]]]]:
    """The by-field rows grouped per (table, mark column), tables in order: one chart each, so
    no chart has more bars than a table has rows (OP 3 (c)(d) alone would have 162)."""
    groups: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    columns = [*_FIELD_TABLE_COLUMNS, *MARK_CLASSES, "states"]
    for values in by_field[columns].itertuples(index=False, name=None):
        record = dict(zip(columns, values, strict=True))
        groups.setdefault((str(record["table"]), str(record["column"])), []).append(values)
    return [(table, column, rows) for (table, column), rows in groups.items()]


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _captions() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Table titles and column captions of the shipped catalogue, for chart titles."""
    catalogue = load_catalogue()
    tables = {t.id: t.display for t in catalogue.tables}
    columns = {(t.id, c.key): c.caption.split(" (")[0] for t in catalogue.tables for c in t.columns}
    return tables, columns


def _add_coverage_sheet(
    wb: Any, fmt: dict[str, Any], by_section: pd.DataFrame, by_field: pd.DataFrame, *, states: int
) -> None:
    """Counts by section, then by field (numbers from column B, details after them), and a
    native stacked-bar chart for the sections and for each table and mark column."""
    ws = wb.add_worksheet(COVERAGE_SHEET)
    ws.set_column(0, 0, 44)
    ws.set_column(1, len(MARK_CLASSES) + 2, 8)
    first_detail = len(MARK_CLASSES) + 2
    for c, (_, width) in enumerate(_DETAIL_COLUMNS, start=first_detail):
        ws.set_column(c, c, width)
    ws.write_string(
        0,
        0,
        f"Coverage: marks recorded in the matrices of {states} State{'s' if states != 1 else ''}",
        fmt["title"],
    )
    ws.write_string(1, 0, COVERAGE_NOTE, fmt["note"])
    row = 3
    ws.write_string(row, 0, "By section (entries = mark fields x States)", fmt["bold"])
    row += 1
    section_head = row
    ws.write_string(row, 0, "Section", fmt["head"])
    for c, caption in enumerate((*MARK_CLASSES, "Mark fields", "Entries"), start=1):
        ws.write_string(row, c, caption, fmt["head"])
    for values in by_section.itertuples(index=False, name=None):
        row += 1
        ws.write_string(row, 0, str(values[0]))
        for c, number in enumerate(values[1:], start=1):
            ws.write_number(row, c, int(number))
    section_rows = (section_head + 1, row)
    row += 2
    ws.write_string(row, 0, "By field (number of States with each mark)", fmt["bold"])
    row += 1
    head_row = row
    captions = ("Row", *MARK_CLASSES, "States", *(c for c, _ in _DETAIL_COLUMNS))
    for c, caption in enumerate(captions):
        ws.write_string(row, c, caption, fmt["head"])
    tables, column_captions = _captions()
    charts: list[tuple[str, int, int]] = []
    for table, column, rows in _group_fields(by_field):
        first = row + 1
        for values in rows:
            row += 1
            record = dict(zip([*_FIELD_TABLE_COLUMNS, *MARK_CLASSES, "states"], values, strict=True))
            # Column A names the row as a reader looks for it (and labels the chart's bars).
            ws.write_string(row, 0, f"{record['row_number']} {_short(str(record['label']))}")
            for c, mark in enumerate((*MARK_CLASSES, "states"), start=1):
                ws.write_number(row, c, int(record[mark]))
            for c, (key, _) in enumerate(_DETAIL_COLUMNS, start=first_detail):
                ws.write_string(row, c, str(record[_DETAIL_KEYS[key]]))
        name = f"{tables.get(table, table)} · {column_captions.get((table, column), column)}"
        charts.append((name, first, row))
    ws.freeze_panes(head_row + 1, 1)
    ws.autofilter(head_row, 0, max(row, head_row + 1), len(captions) - 1)
    set_print(ws, repeat_row=head_row, area=(0, 0, row, len(captions) - 1),
              header="&L&8Coverage of the 1540 matrices")
    _add_chart_sheet(wb, section_head, section_rows, head_row, charts, states=states)


def _add_chart_sheet(
    wb: Any,
    section_head: int,
    section_rows: tuple[int, int],
    head_row: int,
    charts: list[tuple[str, int, int]],
    *,
    states: int,
) -> None:
    """The charts of the Coverage counts on a sheet of their own that prints: portrait A4 at
    85 %, a bar (and its label) 24 px high, never a chart cut across two pages."""
    ws = wb.add_worksheet(CHARTS_SHEET)
    ws.write_string(0, 0, "Coverage charts: drawn from the counts on the Coverage sheet",
                    Styles(wb).get("subtitle"))
    chart_col = 0
    chart_row = 2
    page_rows = 49  # rows of 20 px on a portrait A4 page at full size (10.5 inches)
    used = chart_row
    breaks: list[int] = []

    def place(height: int) -> int:
        nonlocal chart_row, used
        rows = height // 20 + 2
        if used + rows > page_rows and chart_row > 2:
            breaks.append(chart_row)
            used = 0
        at = chart_row
        chart_row += rows
        used += rows
        return at

    overview = _stacked_bar(
        wb,
        title="All sections: entries per mark recorded (mark fields x States)",
        axis="Entries",
        name_row=section_head,
        categories=[COVERAGE_SHEET, section_rows[0], 0, section_rows[1], 0],
        rows=section_rows,
    )
    overview.set_size({"width": CHART_WIDTH, "height": 320})
    ws.insert_chart(place(320), chart_col, overview)
    for name, first, last in charts:
        chart = _stacked_bar(
            wb,
            title=f"{name}: number of States per mark recorded",
            axis="Number of States",
            name_row=head_row,
            categories=[COVERAGE_SHEET, first, 0, last, 0],
            rows=(first, last),
            maximum=max(states, 1),
        )
        height = max(260, 110 + 24 * (last - first + 1))  # 24 px a bar: every label shown
        chart.set_size({"width": CHART_WIDTH, "height": height})
        ws.insert_chart(place(height), chart_col, chart)
    ws.set_h_pagebreaks(breaks)
    set_print(ws, landscape=False, area=(0, 0, chart_row, 11), header="&L&8Coverage of the 1540 matrices: charts",
              fit_width=False)
    # A fixed scale, not "fit to page": Excel ignores the page breaks above when fitting, and
    # LibreOffice draws charts wider than Excel does (its default column is wider).
    ws.set_print_scale(85)


def _stacked_bar(
    wb: Any,
    *,
    title: str,
    axis: str,
    name_row: int,
    categories: list[Any],
    rows: tuple[int, int],
    maximum: int | None = None,
) -> Any:
    """A native stacked-bar chart of the X / ? / NA / blank / other counts in ``rows``."""
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for i, mark in enumerate(MARK_CLASSES):
        col = 1 + i  # the counts start in column B
        chart.add_series(
            {
                "name": [COVERAGE_SHEET, name_row, col],
                "categories": categories,
                "values": [COVERAGE_SHEET, rows[0], col, rows[1], col],
                "fill": {"color": SERIES_COLOURS[mark]},
                "gap": 40,
            }
        )
    chart.set_title({"name": title, "name_font": {"size": 11}})
    x_axis: dict[str, Any] = {"name": axis, "min": 0}
    if maximum is not None:
        x_axis["max"] = maximum
        if maximum <= 10:  # whole States only: no 0.5 ticks on a small batch
            x_axis["major_unit"] = 1
    chart.set_x_axis(x_axis)
    # interval_unit 1: a label for every field (LibreOffice and Excel skip some by default).
    chart.set_y_axis({"reverse": True, "num_font": {"size": 8}, "interval_unit": 1})
    chart.set_legend({"position": "top"})
    return chart
