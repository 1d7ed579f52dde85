"""Raw cells of a workbook, read with Excel-absolute coordinates and bounded in size.

This is the reading edge: python-calamine for speed, openpyxl (read-only, streamed) only for
files whose sheets reach far beyond the matrix area, where calamine would allocate the whole
rectangle. Nothing here knows about the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from matrix_tools.errors import InputError
from matrix_tools.limits import DEFAULT_LIMITS, Limits
from matrix_tools.model import column_letter
from matrix_tools.safety import ensure_defused, one_line

CellValue = Any  # str | float | int | bool | date | datetime | time | timedelta


@dataclass(frozen=True)
class SheetGrid:
    """One worksheet: rows of values from A1 (0-based), merged ranges, and what was cut off."""
    name: str
    rows: tuple[tuple[CellValue, ...], ...]
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (first_row, first_col, last_row, last_col)
    truncated_rows: int = 0  # rows beyond the read area that hold data (bounded count)
    truncated_cols: bool = False
    visible: bool = True
    # (row, col) -> formula text ("=HYPERLINK(...)"); ``rows`` hold the cached values
    formulas: Mapping[tuple[int, int], str] = field(default_factory=dict)
    unread: tuple[int, int] | None = None  # the first cell holding data that was not read
    # cell -> top-left cell of the merged range covering it, within the area read (parse fills it)
    merge_origins: Mapping[tuple[int, int], tuple[int, int]] = field(default_factory=dict, compare=False, hash=False)

    def value(self, row: int, col: int) -> CellValue:
        if row < len(self.rows):
            cells = self.rows[row]
            if col < len(cells):
                return cells[col]
        return ""

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class WorkbookGrid:
    sheets: tuple[SheetGrid, ...]
    reader: str = "calamine"
    notes: tuple[str, ...] = field(default_factory=tuple)


def read_grid(path: Path, extents: tuple[int, int], limits: Limits = DEFAULT_LIMITS,
              *, shared_strings: int = 0, formulas: bool = False) -> WorkbookGrid:
    """Read every worksheet's values from A1, at most ``limits.max_rows_read`` rows and
    ``limits.max_cols_read`` columns each. Raises InputError when the file cannot be parsed.

    ``extents`` is the largest (row, column) any sheet reaches and ``shared_strings`` the
    declared shared-string count, both from the pre-flight pass over the XML. python-calamine
    builds a dense rectangle from A1 to the last cell and preallocates the declared shared
    strings (tafia/calamine#684), so one cell at XFD1048576 or a huge ``uniqueCount`` would
    abort the process; such files go to a bounded, streamed openpyxl read instead.

    ``formulas`` (pre-flight saw an ``<f>`` element) adds each sheet's formula texts: both
    readers give cached values only, and a formula must not pass for a typed value.
    """
    max_row, max_col = extents
    # A cell budget as well: calamine's rectangle (rows x columns) is what costs memory.
    far = (max_row >= limits.max_rows_read * 4 or max_col >= limits.max_cols_read * 4
           or (max_row + 1) * (max_col + 1) > limits.max_rows_read * limits.max_cols_read
           or shared_strings > limits.max_shared_strings)
    grid = _read_openpyxl(path, limits) if far else _read_calamine(path, limits)
    if formulas:
        found = read_formulas(path, limits)
        grid = WorkbookGrid(tuple(replace(s, formulas=found.get(s.name, {})) for s in grid.sheets),
                            grid.reader, grid.notes)
    return grid


def _read_calamine(path: Path, limits: Limits) -> WorkbookGrid:
    import python_calamine as pc

    try:
        # By content, not by name (pre-flight has checked it is an .xlsx package): from_path picks
        # the reader by extension, so an .xlsx renamed .xls failed with "Cfb error: Invalid OLE".
        with path.open("rb") as handle:
            wb = pc.CalamineWorkbook.from_filelike(handle)
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types (CalamineError, ZipError...)
        raise InputError(f"cannot read {path.name} as an Excel workbook: {_one_line(exc)}", path=path) from None
    sheets = []
    try:
        visible = {m.name: str(m.visible).endswith("Visible") for m in wb.sheets_metadata}
        for name in wb.sheet_names[: limits.max_sheets]:
            sheet = wb.get_sheet_by_name(name)
            # The range is in memory already (pre-flight kept far-reaching files away), so
            # the rows past the limit are only looked at for the first one holding data.
            rows = sheet.to_python(skip_empty_area=False)
            kept = rows[: limits.max_rows_read]
            unread = _first_unread(kept, rows[limits.max_rows_read:], limits)
            extra_rows = sum(1 for r in rows[limits.max_rows_read:] if any(_has(v) for v in r))
            wide = unread is not None and unread[0] < limits.max_rows_read
            cut = tuple(tuple(r[: limits.max_cols_read]) for r in kept)
            _check_text_lengths(path, name, cut, limits)
            merged = tuple(
                (a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or ())
            )
            sheets.append(
                SheetGrid(name, cut, merged, truncated_rows=extra_rows, truncated_cols=wide,
                          visible=visible.get(name, True), unread=unread)
            )
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file is an unreadable input
        raise InputError(f"cannot read {path.name}: {_one_line(exc)}", path=path) from None
    finally:
        close = getattr(wb, "close", None)
        if close:
            close()
    return WorkbookGrid(tuple(sheets), reader="calamine")


def _read_openpyxl(path: Path, limits: Limits) -> WorkbookGrid:
    """Streamed, bounded read for sheets with cells far outside any plausible matrix area."""
    ensure_defused()
    import openpyxl

    handle = path.open("rb")  # a file object: openpyxl refuses names not ending .xlsx/.xlsm
    try:
        wb = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types (KeyError, BadZipFile, ...)
        handle.close()
        raise InputError(f"cannot read {path.name} as an Excel workbook: {_one_line(exc)}", path=path) from None
    sheets = []
    try:
        for ws in wb.worksheets[: limits.max_sheets]:
            ws.reset_dimensions()  # do not trust <dimension> (design.md, known traps)
            rows = []
            extra = 0
            unread: tuple[int, int] | None = None
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i >= limits.max_rows_read:
                    if any(_has(v) for v in row):
                        extra += 1
                        if unread is None:
                            unread = (i, next(c for c, v in enumerate(row) if _has(v)))
                    if extra >= 1 or i > limits.max_rows_read + 100_000:  # empty rows: look that far, no further
                        break
                    continue
                values = ["" if v is None else v for v in row[: limits.max_cols_read]]
                if unread is None and len(row) > limits.max_cols_read:
                    right = next((c for c, v in enumerate(row) if c >= limits.max_cols_read and _has(v)), None)
                    if right is not None:
                        unread = (i, right)
                rows.append(tuple(values))
            wide = unread is not None and unread[0] < limits.max_rows_read
            _check_text_lengths(path, ws.title, rows, limits)
            sheets.append(SheetGrid(ws.title, tuple(rows), _merged_ranges(ws, limits), truncated_rows=extra,
                                    truncated_cols=wide, visible=ws.sheet_state == "visible", unread=unread))
    finally:
        wb.close()
        handle.close()
    return WorkbookGrid(tuple(sheets), reader="openpyxl",
                        notes=("cells far outside the matrix area: read in bounded streaming mode",))


def _first_unread(kept: list[list[CellValue]], below: list[list[CellValue]],
                  limits: Limits) -> tuple[int, int] | None:
    """The first cell (row, col) holding data right of or below the area read, row by row."""
    cols = limits.max_cols_read
    for i, row in enumerate(kept):
        if len(row) > cols:
            right = next((c for c in range(cols, len(row)) if _has(row[c])), None)
            if right is not None:
                return i, right
    for i, row in enumerate(below, start=len(kept)):
        first = next((c for c, v in enumerate(row) if _has(v)), None)
        if first is not None:
            return i, first
    return None


def _merged_ranges(ws: Any, limits: Limits) -> tuple[tuple[int, int, int, int], ...]:
    """Merged ranges of a streamed (read-only) openpyxl worksheet, which openpyxl leaves out.

    ``<mergeCells>`` follows ``<sheetData>``, so the sheet part is streamed once more with
    openpyxl's own (defused) ``iterparse``, rows dropped as they pass, keeping each
    ``<mergeCell ref>`` (read with openpyxl's ``range_boundaries``). Bounded: at most
    ``limits.max_rows_read`` ranges (a matrix has a handful).
    """
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    data_tag = f"{{{SHEET_MAIN_NS}}}sheetData"
    row_tag = f"{{{SHEET_MAIN_NS}}}row"
    cell_tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
    end_tag = f"{{{SHEET_MAIN_NS}}}mergeCells"
    found: list[tuple[int, int, int, int]] = []
    parent = None
    with ws._get_source() as src:  # the part as openpyxl's read-only worksheet opens it
        for event, element in iterparse(src, events=("start", "end")):
            if event == "start":
                if element.tag in (data_tag, end_tag):
                    parent = element
                continue
            if element.tag == row_tag and parent is not None:
                parent.clear()  # keep memory flat while streaming past the rows
            elif element.tag == cell_tag:
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                except (TypeError, ValueError):
                    continue  # not a range Excel would write: ignored, as Excel repairs it away
                if None not in (min_col, min_row, max_col, max_row):
                    found.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
                if parent is not None:
                    parent.clear()
                if len(found) >= limits.max_rows_read:
                    break
            elif element.tag == end_tag:
                break
    return tuple(found)


def read_formulas(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, dict[tuple[int, int], str]]:
    """Formula text of every formula cell in the area read, by sheet name and 0-based (row, col).

    python-calamine gives cached values only, and openpyxl either the values or the
    formulas; so a workbook that holds formulas (the pre-flight pass says so) is streamed once
    more by openpyxl with ``data_only=False``, keeping only the cells of type formula.
    """

    ensure_defused()
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types (KeyError, BadZipFile, ...)
        raise InputError(f"cannot read {path.name} as an Excel workbook: {_one_line(exc)}", path=path) from None
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for ws in wb.worksheets[: limits.max_sheets]:
            ws.reset_dimensions()
            cells: dict[tuple[int, int], str] = {}
            for row in ws.iter_rows(max_row=limits.max_rows_read, max_col=limits.max_cols_read):
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        value = cell.value
                        text = value.text if hasattr(value, "text") else str(value)  # ArrayFormula
                        cells[(cell.row - 1, cell.column - 1)] = text if text.startswith("=") else "=" + text
            if cells:
                found[ws.title] = cells
    except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file is an unreadable input
        raise InputError(f"cannot read {path.name}: {_one_line(exc)}", path=path) from None
    finally:
        wb.close()
    return found
def _check_text_lengths(path: Path, sheet: str, rows: Sequence[Sequence[CellValue]], limits: Limits) -> None:
    """Refuse a cell longer than Excel's own limit (``max_cell_chars``): no spreadsheet program
    wrote it, and every later step (normalising, word diff, reports) is bounded by it."""
    limit = limits.max_cell_chars
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if type(value) is str and len(value) > limit:
                raise InputError(
                    f"cannot read {path.name}: cell {one_line(sheet, breaks=None, width=40)}!{column_letter(c)}{r + 1} "
                    f"holds {len(value):,} characters, above Excel's limit of {limit:,} per cell; "
                    "ask the sender to shorten it (or attach the text separately) and send the workbook again",
                    code="cell-text-too-long", path=path,
                )



def _has(value: CellValue) -> bool:
    return value is not None and value != ""


def _one_line(exc: BaseException) -> str:
    return one_line(str(exc), width=200, squeeze=True) or type(exc).__name__


def cell_text(value: CellValue) -> str:
    """A cell's value as the text a person sees (numbers without a spurious '.0')."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
