"""Read a matrix workbook as people really return it into a ``Matrix``.

``load_matrix(path)`` = pre-flight safety check -> raw cells (``sheetgrid``) -> ``parse_matrix``.
Every value keeps the ``'Sheet'!A1`` cell it came from and its original text; what was
normalised is recorded in ``Value.notes``; structural surprises become ``Observation``s that
validation reports. The input file is opened read-only and never modified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from matrix_tools import layout
from matrix_tools.catalogue import load_catalogue
from matrix_tools.errors import InputError
from matrix_tools.limits import DEFAULT_LIMITS, Limits
from matrix_tools.model import (
    Catalogue,
    ColumnKind,
    ExtraSheet,
    Mark,
    Matrix,
    Observation,
    ReadNote,
    Row,
    SourceInfo,
    State,
    UnknownColumn,
    UnknownRow,
    Value,
    cell_ref,
    column_letter,
    sheet_ref,
)
from matrix_tools.reading.grid import CellValue, SheetGrid, WorkbookGrid, cell_text, read_grid
from matrix_tools.reading.header import read_header
from matrix_tools.reading.locate import TableLayout, assign_tables, key_text, match_row
from matrix_tools.reading.merged import merged_origin, unmerge
from matrix_tools.reading.normalise import build_mark_lookup, normalise_text, parse_mark
from matrix_tools.reading.preflight import check_file
from matrix_tools.submissions import read_sha256


def load_matrix(path: str | Path, catalogue: Catalogue | str | Path | None = None,
                *, limits: Limits = DEFAULT_LIMITS) -> Matrix:
    """Read one workbook. Raises InputError (exit 3) when it cannot be processed safely."""

    path = Path(path)
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    source = _try_source_info(path)  # None: check_file says what is wrong with the file
    pre = check_file(path, limits)
    grid = read_grid(path, (pre.max_row, pre.max_col), limits, shared_strings=pre.shared_strings_declared,
                     formulas=pre.formulas)
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
    sha256, size = read_sha256(path)
    return SourceInfo(path=str(path), name=path.name, sha256=sha256, size=size)


def parse_matrix(grid: WorkbookGrid, catalogue: Catalogue, *, source: SourceInfo | None = None,
                 observations: Iterable[Observation] = ()) -> Matrix:
    """Turn raw cells into a Matrix (pure: no I/O)."""
    obs: list[Observation] = list(observations)
    sheets = [unmerge(s) for s in grid.sheets]
    for sheet in sheets:
        if sheet.truncated_rows or sheet.truncated_cols:
            # Name the first cell that holds data and was not read, so nothing is dropped unsaid.
            r, c = sheet.unread if sheet.unread is not None else (sheet.height, 0)
            where = (f"below row {sheet.height:,}" if r >= sheet.height else
                     f"right of column {column_letter(sheet.width - 1)}")
            obs.append(Observation(
                "data-outside-matrix",
                f"sheet '{sheet.name}' has data {where}, the most a sheet is read to, from "
                f"{column_letter(c)}{r + 1} on; it was not read: move anything that matters into the table",
                cell=cell_ref(sheet.name, r, c),
            ))
    layouts = assign_tables(catalogue, sheets)
    by_table = {fit.table.id: fit for fit in layouts}
    mark_lookup = build_mark_lookup(catalogue.marks)
    entries: dict[tuple[str, str], Value] = {}
    unknown: list[UnknownRow] = []
    unknown_columns: list[UnknownColumn] = []
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
        _read_table_rows(fit, catalogue, mark_lookup, entries, unknown, found_rows, obs, unknown_columns)
    # Every catalogue (field, column) is present; absent ones are blank with no cell.
    for _table, row, col in catalogue.iter_keys():
        if (row.field, col.key) not in entries:
            entries[(row.field, col.key)] = Value("")
    for table, row in catalogue.iter_rows():
        if row.field not in found_rows and table.id in by_table:
            cut = by_table[table.id].sheet.truncated_rows
            where = f" in the {by_table[table.id].sheet.height:,} rows read (the sheet goes on below)" if cut else ""
            obs.append(Observation("field-missing", f"row {row.number} '{row.label}' ({row.field}) was not found{where}",
                                   table=table.id, field=row.field,
                                   cell=cell_ref(by_table[table.id].sheet.name, by_table[table.id].caption_row, 0)))
    table_sheets = {fit.sheet.name for fit in layouts}
    header = read_header(catalogue, sheets, obs)
    extra_sheets = []
    for sheet in sheets:
        if sheet.name not in table_sheets and not _is_front_sheet(sheet, catalogue) and _has_content(sheet):
            if sheet.name in layout.REPORT_SHEETS:
                obs.append(Observation("sheet-unrecognised",
                                       f"worksheet '{sheet.name}' is named like a sheet matrix-tools adds to its "
                                       "reports; it was taken for one and not compared",
                                       cell=cell_ref(sheet.name, 0, 0), value=sheet.name))
                continue
            extra = _read_extra_sheet(sheet)
            extra_sheets.append(extra)
            obs.append(Observation("sheet-unrecognised",
                                   f"worksheet '{sheet.name}' matches no table of the matrix; its "
                                   f"{len(extra.cells)} cells were kept as they are, not read as fields",
                                   cell=cell_ref(sheet.name, 0, 0), value=sheet.name))
    obs.extend(_formula_observations(sheets, entries, catalogue))
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
        unknown_columns=tuple(unknown_columns),
        extra_sheets=tuple(extra_sheets),
    )


def _read_extra_sheet(sheet: SheetGrid) -> ExtraSheet:
    """Every cell that holds something, as text, so a sheet the State added is shown, not lost."""
    cells: dict[str, Value] = {}
    prefix = sheet_ref(sheet.name, "")
    for r, row in enumerate(sheet.rows):
        for c, raw_value in enumerate(row):
            formula = sheet.formulas.get((r, c)) if sheet.formulas else None
            if _has_text(raw_value) or formula:
                coordinate = f"{column_letter(c)}{r + 1}"
                cells[coordinate] = parse_value(raw_value, ColumnKind.TEXT, {}, prefix + coordinate, formula=formula)
    return ExtraSheet(sheet.name, cells, sheet.visible)


def _formula_observations(sheets: list[SheetGrid], entries: dict[tuple[str, str], Value],
                          catalogue: Catalogue) -> Iterable[Observation]:
    """A ``cell-formula`` warning for every formula read: a submitted value should be typed."""
    where = {v.cell: key for key, v in entries.items() if v.formula is not None}
    for sheet in sheets:
        for (r, c), formula in sorted(sheet.formulas.items()):
            ref = cell_ref(sheet.name, r, c)
            cached = cell_text(sheet.value(r, c))
            field, column = where.get(ref, ("", ""))
            table = catalogue.table_of(field).id if field else ""
            shown = (f"its computed value '{cached}' was read" if cached else
                     "no computed value was saved with it, so its text was read")
            yield Observation("cell-formula", f"the cell holds the formula {formula}; {shown}",
                              cell=ref, table=table, field=field, column=column, value=formula)


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


def _read_table_rows(fit: TableLayout, catalogue: Catalogue, mark_lookup: dict[str, Mark],
                     entries: dict[tuple[str, str], Value],
                     unknown: list[UnknownRow], found_rows: dict[str, str], obs: list[Observation],
                     columns_out: list[UnknownColumn]) -> None:
    sheet, table = fit.sheet, fit.table
    remaining: dict[str, Row] = {row.field: row for row in table.rows}
    value_cols = {key: m.col for key, m in fit.columns.items()}
    key_at = {col: key for key, col in value_cols.items()}
    captions = [cell_text(v).strip() for v in sheet.rows[fit.caption_row]]
    placed = {fit.label_col, fit.number_col, fit.field_id_col, *value_cols.values()}
    # Columns the catalogue does not know (a State's "Our comments"): kept by caption.
    other_cols = [c for c in range(sheet.width) if c not in placed]
    other_values: dict[int, dict[str, Value]] = {c: {} for c in other_cols}
    prefix = sheet_ref(sheet.name, "")  # every cell of this sheet: prefix + "D12" (a hot path)
    formulas = sheet.formulas
    for r in range(fit.caption_row + 1, sheet.height):
        field_id = cell_text(sheet.value(r, fit.field_id_col)).strip() if fit.field_id_col is not None else ""
        number = cell_text(sheet.value(r, fit.number_col)).strip() if fit.number_col is not None else ""
        label_raw = cell_text(sheet.value(r, fit.label_col))
        label, _ = normalise_text(label_raw)
        row = match_row(table, field_id, number, label, catalogue, remaining)
        duplicate = row is not None and row.field in found_rows
        if row is None or duplicate:
            if row is None and field_id and not catalogue.current_id(field_id):
                obs.append(Observation("field-id-unknown", f"field id '{field_id}' is not in the catalogue",
                                       cell=cell_ref(sheet.name, r, fit.field_id_col or 0), table=table.id,
                                       value=field_id))
            values = {}
            for c in range(len(sheet.rows[r])):
                if c in (fit.label_col, fit.number_col, fit.field_id_col):
                    continue
                raw = cell_text(sheet.value(r, c))
                formula = formulas.get((r, c)) if formulas else None
                if raw.strip() or formula:
                    key = key_at.get(c)
                    name = key or (captions[c] if c < len(captions) and captions[c] else f"column {c + 1}")
                    values[name] = parse_value(sheet.value(r, c), ColumnKind.TEXT, mark_lookup,
                                               f"{prefix}{column_letter(c)}{r + 1}", formula=formula)
            label_cell = cell_ref(sheet.name, r, fit.label_col)
            if row is not None:
                # A copy of a catalogue row: the first one is the field; the copy is kept (with
                # its cells) as a row outside the catalogue so diff and merge show it.
                unknown.append(UnknownRow(table.id, sheet.name, r + 1, label, number, values, row.field))
                obs.append(Observation("field-duplicate", f"row {row.number} '{row.label}' ({row.field}) appears "
                                       f"again; the first one ({found_rows[row.field]}) was used and this copy "
                                       "is kept as an extra row", cell=label_cell, table=table.id, field=row.field))
                continue
            if label.strip() or values:
                unknown.append(UnknownRow(table.id, sheet.name, r + 1, label, number, values))
                obs.append(Observation("row-unknown", f"row '{label or number or '(no label)'}' in worksheet "
                                       f"'{sheet.name}' is not a row of the matrix; it was kept",
                                       cell=label_cell, table=table.id, value=label))
            continue
        label_cell = cell_ref(sheet.name, r, fit.label_col)
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
                f"{prefix}{column_letter(at)}{r + 1}", merged_origin(sheet, r, at) if sheet.merged else None,
                formula=formulas.get((r, at)) if formulas else None)
        for c in other_cols:
            if c < len(cells) and (_has_text(cells[c]) or (formulas and (r, c) in formulas)):
                other_values[c][row.field] = parse_value(
                    cells[c], ColumnKind.TEXT, mark_lookup, f"{prefix}{column_letter(c)}{r + 1}",
                    merged_origin(sheet, r, c) if sheet.merged else None,
                    formula=formulas.get((r, c)) if formulas else None)
    for c in other_cols:
        caption, _ = normalise_text(captions[c] if c < len(captions) else "")
        if not caption and not other_values[c]:
            continue
        column = UnknownColumn(table.id, sheet.name, c, caption, cell_ref(sheet.name, fit.caption_row, c),
                               other_values[c])
        columns_out.append(column)
        obs.append(Observation("column-unknown", f"column '{column.name}' in worksheet '{sheet.name}' is not a "
                               f"column of the matrix; it was kept ({len(other_values[c])} cells)",
                               cell=column.cell, table=table.id, value=column.name))


def _has_text(value: CellValue) -> bool:
    return bool(cell_text(value).strip())


def parse_value(raw_value: CellValue, kind: ColumnKind, mark_lookup: dict[str, Mark], cell: str,
                merged_from: tuple[int, int] | None = None, *, formula: str | None = None) -> Value:
    """One data cell -> Value, with notes on what was normalised.

    A formula cell reads as its cached value and keeps the formula in ``Value.formula``; with
    no cached value (saved by a program that does not calculate) the formula text itself is
    the value, so a ``=HYPERLINK(...)`` never reads as blank."""
    raw = cell_text(raw_value)
    if formula is not None:
        value = _parse_plain(raw or formula, kind, mark_lookup, cell, merged_from)
        if raw:
            return replace(value, formula=formula)
        return replace(value, formula=formula, notes=(*value.notes, ReadNote(ReadNote.FORMULA_UNCOMPUTED)))
    return _parse_plain(raw, kind, mark_lookup, cell, merged_from)


def _parse_plain(raw: str, kind: ColumnKind, mark_lookup: dict[str, Mark], cell: str,
                 merged_from: tuple[int, int] | None) -> Value:
    if not raw:
        return Value("", cell)
    extra: tuple[ReadNote, ...] = ()
    if merged_from is not None and raw:
        extra = (ReadNote(ReadNote.FROM_MERGED_CELL, row=merged_from[0] + 1),)
    if kind is ColumnKind.MARK:
        mark, notes = parse_mark(raw, mark_lookup)
        if mark is None:
            text, _ = normalise_text(raw)
            return Value(text, cell, raw if raw != text else None, notes + extra, recognised=False)
        return Value(mark.value, cell, raw if raw != mark.value else None, notes + extra)
    text, notes = normalise_text(raw)
    return Value(text, cell, raw if raw != text else None, notes + extra)


def _is_front_sheet(sheet: SheetGrid, catalogue: Catalogue) -> bool:
    name = key_text(sheet.name)
    if name in ("about", "legend", "instructions", "read me", "readme", "cover"):  # not "notes": a State's sheet
        return True
    top = " ".join(key_text(cell_text(v)) for r in sheet.rows[:10] for v in r[:4])
    labels = sum(1 for item in catalogue.header if key_text(item.label) in top)
    return labels >= 2 or "legend" in top


def _has_content(sheet: SheetGrid) -> bool:
    return any(cell_text(v).strip() for r in sheet.rows for v in r)
