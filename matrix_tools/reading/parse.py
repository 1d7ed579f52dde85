"""Read a matrix workbook as people really return it into a ``Matrix``.

``load_matrix(path)`` = pre-flight safety check -> raw cells (``sheetgrid``) -> ``parse_matrix``.
Every value keeps the ``'Sheet'!A1`` cell it came from and its original text; what was
normalised is recorded in ``Value.notes``; structural surprises become ``Observation``s that
validation reports. The input file is opened read-only and never modified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from matrix_tools.catalogue import load_catalogue
from matrix_tools.errors import InputError
from matrix_tools.limits import DEFAULT_LIMITS, Limits
from matrix_tools.model import (
    Catalogue,
    ColumnKind,
    HeaderItem,
    HeaderKind,
    HeaderValue,
    Mark,
    Matrix,
    Observation,
    Row,
    SourceInfo,
    State,
    UnknownRow,
    Value,
    cell_ref,
    column_letter,
    sheet_ref,
)
from matrix_tools.reading.grid import CellValue, SheetGrid, WorkbookGrid, cell_text, read_grid
from matrix_tools.reading.locate import TableLayout, assign_tables, key_text, match_row
from matrix_tools.reading.merged import merged_origin, unmerge
from matrix_tools.reading.normalise import (
    build_mark_lookup,
    format_date,
    normalise_text,
    parse_date_list,
    parse_date_text,
    parse_mark,
)
from matrix_tools.reading.preflight import check_file

HEADER_SCAN_ROWS = 30
HEADER_VALUE_SPAN = 6  # a header value sits within this many columns right of its label
TITLE_PATTERN = re.compile(r"1540\s+COMMITTEE\s+MATRIX", re.IGNORECASE)


def load_matrix(path: str | Path, catalogue: Catalogue | str | Path | None = None,
                *, limits: Limits = DEFAULT_LIMITS) -> Matrix:
    """Read one workbook. Raises InputError (exit 3) when it cannot be processed safely."""

    path = Path(path)
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    source = _try_source_info(path)  # None: check_file says what is wrong with the file
    pre = check_file(path, limits)
    grid = read_grid(path, (pre.max_row, pre.max_col), limits, shared_strings=pre.shared_strings_declared)
    after = _try_source_info(path)
    if source is None or after is None or after.sha256 != source.sha256:
        # Replaced or still being written while it was read: what was checked may not be what
        # was parsed, and no result may be stored under a hash that is not what was read.
        raise InputError(
            "the file changed while it was being read (is it still being copied or saved?): "
            "run again once it is complete", code="input-changed", path=path,
        )
    notes = list(pre.notes)
    notes.extend(Observation("data-outside-matrix", n) for n in grid.notes)
    matrix = parse_matrix(grid, cat, source=source, observations=notes)
    if not matrix.sheets:
        # Tolerance has a floor: a workbook with no table of the matrix at all (a consolidated
        # table, a letter, another form) is not a matrix, and reading it as one would show every
        # field as removed in a diff, or add a State of blanks to the statistics.
        names = ", ".join(f"'{s.name}'" for s in grid.sheets[:5]) or "none"
        raise InputError(
            f"not a 1540 matrix workbook: none of its worksheets ({names}) holds a table "
            "of the matrix; check that this is the right file (or pass the right --catalogue)",
            code="not-a-matrix", path=path,
        )
    return matrix


def as_matrix(item: Matrix | str | Path, catalogue: Catalogue | str | Path | None = None) -> Matrix:
    """``item`` itself when it is a Matrix, else the workbook it names, read (the Python twins
    of the commands accept either)."""
    return item if isinstance(item, Matrix) else load_matrix(item, catalogue)


def _try_source_info(path: Path) -> SourceInfo | None:
    try:
        return read_source_info(path) if path.is_file() else None
    except OSError:
        return None


def read_source_info(path: Path) -> SourceInfo:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return SourceInfo(path=str(path), name=path.name, sha256=digest.hexdigest(), size=size)


def parse_matrix(grid: WorkbookGrid, catalogue: Catalogue, *, source: SourceInfo | None = None,
                 observations: Iterable[Observation] = ()) -> Matrix:
    """Turn raw cells into a Matrix (pure: no I/O)."""
    obs: list[Observation] = list(observations)
    sheets = [unmerge(s) for s in grid.sheets]
    for sheet in sheets:
        if sheet.truncated_rows or sheet.truncated_cols:
            obs.append(Observation(
                "data-outside-matrix",
                f"sheet '{sheet.name}' has data beyond the first {sheet.height} rows / columns read; it was not read",
                cell=cell_ref(sheet.name, sheet.height, 0),
            ))
    layouts = assign_tables(catalogue, sheets)
    by_table = {fit.table.id: fit for fit in layouts}
    mark_lookup = build_mark_lookup(catalogue.marks)
    entries: dict[tuple[str, str], Value] = {}
    unknown: list[UnknownRow] = []
    found_rows: dict[str, str] = {}  # field -> cell of its label, for duplicate reports
    for table in catalogue.tables:
        fit = by_table.get(table.id)
        if fit is None:
            obs.append(Observation("table-missing",
                                   f"table {table.id} ({table.title}) was not found in any worksheet",
                                   table=table.id))
            continue
        if fit.sheet.name != table.sheet:
            obs.append(Observation("sheet-renamed", f"table {table.id} found in worksheet '{fit.sheet.name}'"
                                   f" (template name '{table.sheet}')", table=table.id,
                                   cell=cell_ref(fit.sheet.name, 0, 0), value=fit.sheet.name))
        obs.extend(_column_observations(fit))
        _read_table_rows(fit, catalogue, mark_lookup, entries, unknown, found_rows, obs)
    # Every catalogue (field, column) is present; absent ones are blank with no cell.
    for _table, row, col in catalogue.iter_keys():
        if (row.field, col.key) not in entries:
            entries[(row.field, col.key)] = Value("")
    for table, row in catalogue.iter_rows():
        if row.field not in found_rows and table.id in by_table:
            obs.append(Observation("field-missing", f"row {row.number} '{row.label}' ({row.field}) was not found",
                                   table=table.id, field=row.field,
                                   cell=cell_ref(by_table[table.id].sheet.name, by_table[table.id].caption_row, 0)))
    table_sheets = {fit.sheet.name for fit in layouts}
    header = _read_header(catalogue, sheets, obs)
    for sheet in sheets:
        if sheet.name not in table_sheets and not _is_front_sheet(sheet, catalogue) and _has_content(sheet):
            obs.append(Observation("sheet-unrecognised",
                                   f"worksheet '{sheet.name}' matches no table of the matrix; it was not read",
                                   cell=cell_ref(sheet.name, 0, 0), value=sheet.name))
    state = State(
        name=header["state"].text if "state" in header else "",
        iso3=header["iso3"].text.upper() if "iso3" in header else "",
    )
    ordered = {(r.field, c.key): entries[(r.field, c.key)] for _, r, c in catalogue.iter_keys()}
    return Matrix(
        catalogue=catalogue,
        state=state,
        header=header,
        entries=ordered,
        unknown_rows=tuple(unknown),
        sheets={fit.table.id: fit.sheet.name for fit in layouts},
        observations=tuple(obs),
        source=source,
    )


def _column_observations(fit: TableLayout) -> list[Observation]:
    out = []
    where = cell_ref(fit.sheet.name, fit.caption_row, 0)
    for col in fit.table.columns:
        match = fit.columns.get(col.key)
        if match is None:
            out.append(Observation("column-missing", f"column '{col.caption}' was not found in worksheet "
                                   f"'{fit.sheet.name}'", cell=where, table=fit.table.id, column=col.key))
        elif match.how != "caption":
            found = cell_text(fit.sheet.value(fit.caption_row, match.col))
            out.append(Observation("caption-changed", f"column '{col.caption}' found under the caption "
                                   f"'{found.strip()}'", cell=cell_ref(fit.sheet.name, fit.caption_row, match.col),
                                   table=fit.table.id, column=col.key, value=found))
    return out


def _read_table_rows(fit: TableLayout, catalogue: Catalogue, mark_lookup: dict[str, Mark], entries: dict[tuple[str, str], Value],
                     unknown: list[UnknownRow], found_rows: dict[str, str], obs: list[Observation]) -> None:
    sheet, table = fit.sheet, fit.table
    remaining: dict[str, Row] = {row.field: row for row in table.rows}
    value_cols = {key: m.col for key, m in fit.columns.items()}
    captions = [cell_text(v).strip() for v in sheet.rows[fit.caption_row]]
    prefix = sheet_ref(sheet.name, "")  # every cell of this sheet: prefix + "D12" (a hot path)
    for r in range(fit.caption_row + 1, sheet.height):
        field_id = cell_text(sheet.value(r, fit.field_id_col)).strip() if fit.field_id_col is not None else ""
        number = cell_text(sheet.value(r, fit.number_col)).strip() if fit.number_col is not None else ""
        label_raw = cell_text(sheet.value(r, fit.label_col))
        label, _ = normalise_text(label_raw)
        row = match_row(table, field_id, number, label, catalogue, remaining)
        if row is None:
            if field_id and not catalogue.current_id(field_id):
                obs.append(Observation("field-id-unknown", f"field id '{field_id}' is not in the catalogue",
                                       cell=cell_ref(sheet.name, r, fit.field_id_col or 0), table=table.id,
                                       value=field_id))
            values = {}
            for c in range(len(sheet.rows[r])):
                if c in (fit.label_col, fit.number_col, fit.field_id_col):
                    continue
                raw = cell_text(sheet.value(r, c))
                if raw.strip():
                    key = next((k for k, col in value_cols.items() if col == c), None)
                    name = key or (captions[c] if c < len(captions) and captions[c] else f"column {c + 1}")
                    text, notes = normalise_text(raw)
                    values[name] = Value(text, cell_ref(sheet.name, r, c), None if text == raw else raw, notes)
            if label.strip() or values:
                unknown.append(UnknownRow(table.id, sheet.name, r + 1, label, number, values))
                obs.append(Observation("row-unknown", f"row '{label or number or '(no label)'}' in worksheet "
                                       f"'{sheet.name}' is not a row of the matrix; it was kept",
                                       cell=cell_ref(sheet.name, r, fit.label_col), table=table.id,
                                       value=label))
            continue
        label_cell = cell_ref(sheet.name, r, fit.label_col)
        if row.field in found_rows:
            obs.append(Observation("field-duplicate", f"row {row.number} '{row.label}' ({row.field}) appears "
                                   f"again; the first one ({found_rows[row.field]}) was used",
                                   cell=label_cell, table=table.id, field=row.field))
            continue
        found_rows[row.field] = label_cell
        remaining.pop(row.field, None)
        row_table = catalogue.table_of(row.field)
        cells = sheet.rows[r]
        for col in row_table.columns:
            at = value_cols.get(col.key)
            if at is None:
                continue
            entries[(row.field, col.key)] = parse_value(
                cells[at] if at < len(cells) else "", col.kind, mark_lookup,
                f"{prefix}{column_letter(at)}{r + 1}", merged_origin(sheet, r, at) if sheet.merged else None)


def parse_value(raw_value: CellValue, kind: ColumnKind, mark_lookup: dict[str, Mark], cell: str,
                merged_from: tuple[int, int] | None = None) -> Value:
    """One data cell -> Value, with notes on what was normalised."""
    raw = cell_text(raw_value)
    if not raw:
        return Value("", cell)
    extra: tuple[str, ...] = ()
    if merged_from is not None and raw:
        extra = (f"value taken from a merged cell starting at row {merged_from[0] + 1}",)
    if kind is ColumnKind.MARK:
        mark, notes = parse_mark(raw, mark_lookup)
        if mark is None:
            text, _ = normalise_text(raw)
            return Value(text, cell, raw if raw != text else None, notes + extra, recognised=False)
        return Value(mark.value, cell, raw if raw != mark.value else None, notes + extra)
    text, notes = normalise_text(raw)
    return Value(text, cell, raw if raw != text else None, notes + extra)


# --- header ---------------------------------------------------------------------------------

def _label_matches(item: HeaderItem, text: str) -> bool:
    key = key_text(text)
    if not key:
        return False
    if key in {key_text(item.label), *(key_text(a) for a in item.aliases)}:
        return True
    plain = " ".join(text.strip().casefold().split())
    return any(re.match(p, plain) for p in item.label_patterns)


def _read_header(catalogue: Catalogue, sheets: list[SheetGrid], obs: list[Observation]) -> dict[str, HeaderValue]:
    """Header items by label, About sheet first, then the top rows of every sheet."""
    ordered = sorted(sheets, key=lambda s: 0 if key_text(s.name) == "about" else 1)
    found: dict[str, list[tuple[str, str, CellValue, str]]] = {}  # key -> [(label, cell, value, raw label)]
    for sheet in ordered:
        for r in range(min(sheet.height, HEADER_SCAN_ROWS)):
            for c, value in enumerate(sheet.rows[r]):
                text = cell_text(value)
                if not text.strip() or len(text) > 80:
                    continue
                label_part, inline = _split_inline(text)
                for item in catalogue.header:
                    if _label_matches(item, label_part):
                        if item.key in found and item.kind is not HeaderKind.DATE_LIST:
                            break
                        if inline is not None:
                            entry = (label_part, cell_ref(sheet.name, r, c), inline, text)
                        else:
                            vc = _value_col(sheet, r, c)
                            entry = (label_part, cell_ref(sheet.name, r, vc) if vc is not None
                                     else cell_ref(sheet.name, r, c + 1),
                                     sheet.value(r, vc) if vc is not None else "", text)
                        found.setdefault(item.key, []).append(entry)
                        break
        if "state" in found and key_text(sheet.name) == "about":
            break  # the About sheet had the header: do not mix in per-sheet copies
    header: dict[str, HeaderValue] = {}
    for item in catalogue.header:
        entries = found.get(item.key)
        if not entries:
            if item.key == "title":
                title = _find_title(sheets)
                if title is not None:
                    header["title"] = title
                    continue
            obs.append(Observation("header-missing", f"header item '{item.label}' was not found", value=item.key))
            continue
        header[item.key] = _header_value(item, entries)
    return header


def _split_inline(text: str) -> tuple[str, str | None]:
    """'State: Testland' in one cell -> ('State:', 'Testland')."""
    if ":" in text:
        head, _, tail = text.partition(":")
        if tail.strip() and len(head) < 50:
            return head + ":", tail.strip()
    return text, None


def _value_col(sheet: SheetGrid, r: int, c: int) -> int | None:
    for vc in range(c + 1, min(c + 1 + HEADER_VALUE_SPAN, len(sheet.rows[r]))):
        if cell_text(sheet.value(r, vc)).strip():
            return vc
    return None


def _header_value(item: HeaderItem, entries: list[tuple[str, str, CellValue, str]]) -> HeaderValue:
    texts: list[str] = []
    raws: list[str] = []
    dates: list[dt.date] = []
    bad: list[str] = []
    for _label, _cell, value, _raw_label in entries:
        raw = _header_text(value)
        text, _ = normalise_text(raw)
        raws.append(raw)
        if item.kind is HeaderKind.TEXT:
            texts.append(text)
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            d = value.date() if isinstance(value, dt.datetime) else value
            dates.append(d)
            texts.append(text)
            continue
        if not text:
            continue
        if item.kind is HeaderKind.DATE:
            one = parse_date_text(text)
            if one is None:
                many, unreadable = parse_date_list(text)
                dates.extend(many)
                bad.extend(unreadable)
            else:
                dates.append(one)
        else:
            many, unreadable = parse_date_list(text)
            dates.extend(many)
            bad.extend(unreadable)
        texts.append(text)
    text = "; ".join(t for t in texts if t) if len(entries) > 1 else (texts[0] if texts else "")
    raw_all = "; ".join(raws) if len(entries) > 1 else (raws[0] if raws else "")
    return HeaderValue(item.key, text, entries[0][1], raw_all if raw_all != text else None,
                       tuple(dates), tuple(bad), entries[0][0])


def _header_text(value: CellValue) -> str:
    if isinstance(value, dt.datetime):
        return format_date(value.date())
    if isinstance(value, dt.date):
        return format_date(value)
    return cell_text(value)


def _find_title(sheets: list[SheetGrid]) -> HeaderValue | None:
    for sheet in sheets:
        for r in range(min(sheet.height, 5)):
            for c, value in enumerate(sheet.rows[r][:5]):
                text = cell_text(value)
                if TITLE_PATTERN.search(text):
                    clean, _ = normalise_text(text)
                    return HeaderValue("title", clean, cell_ref(sheet.name, r, c), None if clean == text else text)
    return None


def _is_front_sheet(sheet: SheetGrid, catalogue: Catalogue) -> bool:
    name = key_text(sheet.name)
    if name in ("about", "legend", "instructions", "read me", "readme", "notes", "cover"):
        return True
    top = " ".join(key_text(cell_text(v)) for r in sheet.rows[:10] for v in r[:4])
    labels = sum(1 for item in catalogue.header if key_text(item.label) in top)
    return labels >= 2 or "legend" in top


def _has_content(sheet: SheetGrid) -> bool:
    return any(cell_text(v).strip() for r in sheet.rows for v in r)
