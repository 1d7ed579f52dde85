"""Write a consolidated table: xlsx (long table, wide view, Coverage with charts), csv, parquet.

The xlsx is written with xlsxwriter in constant-memory mode (193 States x 979 entries is about
190,000 rows) and never turns text into formulas or links. The Coverage sheet has one native
Excel stacked-bar chart per section, drawn from the counts on the sheet, so the numbers and
the chart stay together when the workbook is passed on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.consolidating.engine import (
    COVERAGE_NOTE,
    MARK_CLASSES,
    coverage_by_field,
    coverage_by_section,
    wide_view,
)
from matrix_tools.errors import OutputError
from matrix_tools.safety import csv_safe, encodable
from matrix_tools.writing.output import write_bytes, write_with
from matrix_tools.writing.xlsx import inert_worksheet_class

if TYPE_CHECKING:
    import pandas as pd

FORMATS = (".xlsx", ".csv", ".parquet")
ENTRIES_SHEET = "Entries"
WIDE_SHEET = "Marks by State"
COVERAGE_SHEET = "Coverage"
SERIES_COLOURS = {
    "X": "#2E7D32",
    "?": "#F9A825",
    "NA": "#78909C",
    "blank": "#D9D9D9",
    "other": "#C62828",
}
_LONG_WIDTHS = {"state": 24, "label": 40, "value": 30, "cell": 16, "file": 24, "field": 26}
_FIELD_TABLE_COLUMNS = ("section", "table", "row_number", "label", "field", "column", "mark_field")
_FIELD_CAPTIONS = ("Section", "Table", "Row", "Label", "Field", "Column", "Mark field")
_CHART_COL = len(_FIELD_TABLE_COLUMNS) + len(MARK_CLASSES) + 2


def check_output_format(path: str | Path) -> str:
    """The output format named by the file's extension (.xlsx, .csv, .parquet), or OutputError."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(
            f"cannot write {path}: the output must end in .xlsx, .csv or .parquet", path=None
        )
    return suffix


def write_consolidated(
    df: pd.DataFrame, path: str | Path, *, inputs: Iterable[str | Path] = ()
) -> Path:
    """Write the long table to ``path`` in the format its extension names (atomically)."""
    suffix = check_output_format(path)
    inputs = list(inputs)
    if suffix == ".csv":
        return write_bytes(path, render_consolidated_csv(df), inputs)
    if suffix == ".parquet":
        return write_consolidated_parquet(df, path, inputs=inputs)
    return write_consolidated_xlsx(df, path, inputs=inputs)


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
    df: pd.DataFrame, path: str | Path, *, inputs: Iterable[str | Path] = ()
) -> Path:
    """The workbook: Entries (long table), Marks by State (wide view), Coverage (+ charts)."""
    wide = wide_view(df)
    by_field = coverage_by_field(df)
    by_section = coverage_by_section(df)

    def build(tmp: Path) -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        wb.worksheet_class = inert_worksheet_class()  # lone surrogates cannot stop the write
        wb.set_properties({"title": "1540 matrices: consolidated", "author": "matrix-tools"})
        fmt = {
            "head": wb.add_format(
                {
                    "bold": True,
                    "bg_color": "#DCE6F1",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "title": wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"}),
            "note": wb.add_format({"italic": True, "font_color": "#595959"}),
            "bold": wb.add_format({"bold": True}),
        }
        _add_long_sheet(wb, fmt, df)
        _add_wide_sheet(wb, fmt, wide)
        _add_coverage_sheet(wb, fmt, by_section, by_field, states=len(wide))
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


def _add_coverage_sheet(
    wb: Any, fmt: dict[str, Any], by_section: pd.DataFrame, by_field: pd.DataFrame, *, states: int
) -> None:
    ws = wb.add_worksheet(COVERAGE_SHEET)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 2, 8)
    ws.set_column(3, 3, 40)
    ws.set_column(4, 4, 26)
    ws.set_column(5, 5, 12)
    ws.set_column(6, 6, 30)
    ws.set_column(7, 12, 8)
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
    # The counts sit in the same columns as the by-field table below, so the two line up.
    first_count_col = len(_FIELD_TABLE_COLUMNS)
    section_head = row
    ws.write_string(row, 0, "Section", fmt["head"])
    for c, caption in enumerate((*MARK_CLASSES, "Mark fields", "Entries"), start=first_count_col):
        ws.write_string(row, c, caption, fmt["head"])
    for values in by_section.itertuples(index=False, name=None):
        row += 1
        ws.write_string(row, 0, str(values[0]))
        for c, number in enumerate(values[1:], start=first_count_col):
            ws.write_number(row, c, int(number))
    section_rows = (section_head + 1, row)
    row += 2
    ws.write_string(row, 0, "By field (number of States with each mark)", fmt["bold"])
    row += 1
    head_row = row
    for c, caption in enumerate((*_FIELD_CAPTIONS, *MARK_CLASSES, "States")):
        ws.write_string(row, c, caption, fmt["head"])
    sections: dict[str, list[int]] = {}
    for values in by_field[[*_FIELD_TABLE_COLUMNS, *MARK_CLASSES, "states"]].itertuples(
        index=False, name=None
    ):
        row += 1
        for c, value in enumerate(values):
            if c < first_count_col:
                ws.write_string(row, c, str(value))
            else:
                ws.write_number(row, c, int(value))
        sections.setdefault(str(values[0]), []).append(row)
    ws.freeze_panes(head_row + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4, the UN's paper size
    ws.fit_to_pages(1, 0)
    chart_row = 3
    overview = _stacked_bar(
        wb,
        title="All sections: entries per mark recorded (mark fields x States)",
        axis="Entries",
        name_row=section_head,
        categories=[COVERAGE_SHEET, section_rows[0], 0, section_rows[1], 0],
        rows=section_rows,
        first_count_col=first_count_col,
    )
    overview.set_size({"width": 760, "height": 320})
    ws.insert_chart(chart_row, _CHART_COL, overview)
    chart_row += 320 // 20 + 2
    for section, rows in sections.items():
        chart = _stacked_bar(
            wb,
            title=f"{section}: number of States per mark recorded",
            axis="Number of States",
            name_row=head_row,
            categories=[
                COVERAGE_SHEET,
                rows[0],
                first_count_col - 1,
                rows[-1],
                first_count_col - 1,
            ],
            rows=(rows[0], rows[-1]),
            first_count_col=first_count_col,
            maximum=max(states, 1),
        )
        height = max(320, 90 + 16 * len(rows))
        chart.set_size({"width": 760, "height": height})
        ws.insert_chart(chart_row, _CHART_COL, chart)
        chart_row += height // 20 + 2


def _stacked_bar(
    wb: Any,
    *,
    title: str,
    axis: str,
    name_row: int,
    categories: list[Any],
    rows: tuple[int, int],
    first_count_col: int,
    maximum: int | None = None,
) -> Any:
    """A native stacked-bar chart of the X / ? / NA / blank / other counts in ``rows``."""
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for i, mark in enumerate(MARK_CLASSES):
        col = first_count_col + i
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
