"""Raw cells of a workbook, read with Excel-absolute coordinates and bounded in size.

This is the reading edge: python-calamine for speed, openpyxl (read-only, streamed) only for
files whose sheets reach far beyond the matrix area, where calamine would allocate the whole
rectangle. Nothing here knows about the catalogue.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
              *, shared_strings: int = 0) -> WorkbookGrid:
    """Read every worksheet's values from A1, at most ``limits.max_rows_read`` rows and
    ``limits.max_cols_read`` columns each. Raises InputError when the file cannot be parsed.

    ``extents`` is the largest (row, column) any sheet reaches and ``shared_strings`` the
    declared shared-string count, both from the pre-flight pass over the XML. python-calamine
    builds a dense rectangle from A1 to the last cell and preallocates the declared shared
    strings (tafia/calamine#684), so one cell at XFD1048576 or a huge ``uniqueCount`` would
    abort the process; such files go to a bounded, streamed openpyxl read instead.
    """
    max_row, max_col = extents
    far = (max_row >= limits.max_rows_read * 4 or max_col >= limits.max_cols_read * 4
           or shared_strings > limits.max_shared_strings)
    if far:
        return _read_openpyxl(path, limits)
    return _read_calamine(path, limits)


def _read_calamine(path: Path, limits: Limits) -> WorkbookGrid:
    import python_calamine as pc

    try:
        if _utf8_name(path):
            wb = pc.CalamineWorkbook.from_path(str(path))
        else:  # a name that is not UTF-8 (Rust paths are): hand calamine the bytes instead
            with path.open("rb") as handle:
                wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types (CalamineError, ZipError...)
        raise InputError(f"cannot read {path.name} as an Excel workbook: {_one_line(exc)}", path=path) from None
    sheets = []
    try:
        visible = {m.name: str(m.visible).endswith("Visible") for m in wb.sheets_metadata}
        for name in wb.sheet_names[: limits.max_sheets]:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False, nrows=limits.max_rows_read)
            extra_rows = max(0, sheet.height - limits.max_rows_read) if sheet.height else 0
            wide = any(len(r) > limits.max_cols_read and any(_has(v) for v in r[limits.max_cols_read:]) for r in rows)
            cut = tuple(tuple(r[: limits.max_cols_read]) for r in rows)
            _check_text_lengths(path, name, cut, limits)
            merged = tuple(
                (a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or ())
            )
            sheets.append(
                SheetGrid(name, cut, merged, truncated_rows=extra_rows, truncated_cols=wide,
                          visible=visible.get(name, True))
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

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types (KeyError, BadZipFile, ...)
        raise InputError(f"cannot read {path.name} as an Excel workbook: {_one_line(exc)}", path=path) from None
    sheets = []
    try:
        for ws in wb.worksheets[: limits.max_sheets]:
            ws.reset_dimensions()  # do not trust <dimension> (design.md, known traps)
            rows = []
            extra = 0
            wide = False
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i >= limits.max_rows_read:
                    if any(_has(v) for v in row):
                        extra += 1
                    if extra >= 1 or i > limits.max_rows_read * 50:
                        break
                    continue
                values = ["" if v is None else v for v in row[: limits.max_cols_read]]
                if len(row) > limits.max_cols_read and any(_has(v) for v in row[limits.max_cols_read:]):
                    wide = True
                rows.append(tuple(values))
            _check_text_lengths(path, ws.title, rows, limits)
            sheets.append(SheetGrid(ws.title, tuple(rows), (), truncated_rows=extra, truncated_cols=wide,
                                    visible=ws.sheet_state == "visible"))
    finally:
        wb.close()
    return WorkbookGrid(tuple(sheets), reader="openpyxl",
                        notes=("cells far outside the matrix area: read in bounded streaming mode",))


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


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # surrogate-escaped bytes of a name that is not UTF-8
        return False
    return True


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
