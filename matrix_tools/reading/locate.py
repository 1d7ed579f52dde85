"""Find the catalogue's tables, columns and rows in worksheets as people return them.

Pure functions over ``SheetGrid``s. Sheets may be renamed or reordered (tables are found by
content: field ids, titles, captions, labels), columns inserted or reordered (found by caption),
rows inserted, deleted or moved (matched by field id, then by number and label).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from matrix_tools import layout
from matrix_tools.model import Catalogue, Column, Row, Table
from matrix_tools.reading.grid import SheetGrid, cell_text

CAPTION_SCAN_ROWS = 40  # the caption row sits near the top of a table sheet
_PUNCT = re.compile(r"[^\w\s?]")


@lru_cache(maxsize=1 << 16)
def key_text(text: str) -> str:
    """Loose comparison key for captions and labels: case, accents of spacing, punctuation."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    text = _PUNCT.sub(" ", text.casefold())
    return " ".join(text.split())


@dataclass(frozen=True)
class ColumnMatch:
    col: int
    how: str  # "caption", "alias" or "partial"


@dataclass(frozen=True)
class TableLayout:
    """Where one table sits in one sheet."""

    table: Table
    sheet: SheetGrid
    caption_row: int
    columns: dict[str, ColumnMatch]  # column key -> where
    label_col: int
    number_col: int | None
    field_id_col: int | None
    score: float


@lru_cache(maxsize=64)
def _caption_keys(columns: tuple[Column, ...]) -> dict[str, list[tuple[str, str]]]:
    keys: dict[str, list[tuple[str, str]]] = {}
    for col in columns:
        keys[col.key] = [(key_text(col.caption), "caption")] + [(key_text(a), "alias") for a in col.aliases]
    return keys


def match_columns(table: Table, cells: list[str], *, keyed: list[str] | None = None) -> dict[str, ColumnMatch]:
    """Map catalogue columns to positions in a caption row: exact caption, then alias, then a
    caption that starts with the other (a caption shortened or lengthened by hand).

    ``keyed`` are the cells' ``key_text`` when the caller has them already."""
    found: dict[str, ColumnMatch] = {}
    used: set[int] = set()
    if keyed is None:
        keyed = [key_text(c) for c in cells]
    options = _caption_keys(table.columns)
    for how in ("caption", "alias"):
        for col in table.columns:
            if col.key in found:
                continue
            wanted = {k for k, kind in options[col.key] if kind == how}
            for i, text in enumerate(keyed):
                if text and i not in used and text in wanted:
                    found[col.key] = ColumnMatch(i, how)
                    used.add(i)
                    break
    for col in table.columns:
        if col.key in found:
            continue
        caption = key_text(col.caption)
        candidates = [
            i for i, text in enumerate(keyed)
            if i not in used and len(text) >= 6 and (text.startswith(caption) or caption.startswith(text))
        ]
        if len(candidates) == 1:
            found[col.key] = ColumnMatch(candidates[0], "partial")
            used.add(candidates[0])
    return found


def _row_texts(sheet: SheetGrid, row: int) -> list[str]:
    return [cell_text(v) for v in sheet.rows[row]] if row < sheet.height else []


def keyed_top_rows(sheet: SheetGrid) -> list[list[str]]:
    """``key_text`` of every cell in the rows where captions may be (computed once a sheet)."""
    return [[key_text(cell_text(v)) if v != "" else "" for v in sheet.rows[r]]
            for r in range(min(sheet.height, CAPTION_SCAN_ROWS))]


def find_caption_row(table: Table, sheet: SheetGrid,
                     keyed_rows: list[list[str]] | None = None) -> tuple[int, dict[str, ColumnMatch]] | None:
    """The row (0-based) whose cells name most of the table's columns (at least two)."""
    best: tuple[int, dict[str, ColumnMatch]] | None = None
    exact = {k for options in _caption_keys(table.columns).values() for k, _ in options}
    rows = keyed_rows if keyed_rows is not None else keyed_top_rows(sheet)
    for r, keyed in enumerate(rows):
        # cheap filter: a caption row names at least one column exactly or by an alias
        if not any(k in exact for k in keyed if k):
            continue
        found = match_columns(table, [], keyed=keyed)
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (r, found)
            if len(found) == len(table.columns):
                break
    return best


def _find_col(texts: list[str], names: Iterable[str]) -> int | None:
    wanted = {key_text(n) for n in names}
    for i, t in enumerate(texts):
        if key_text(t) in wanted:
            return i
    return None


def layout_table(table: Table, sheet: SheetGrid, field_ids: set[str],
                 caption: tuple[int, dict[str, ColumnMatch]] | None = None,
                 cache: dict[tuple[int, int, int | None, int], SheetKeys] | None = None) -> TableLayout | None:
    """How well ``table`` fits ``sheet``, and where its parts are; None if it does not fit.

    ``caption`` is the result of ``find_caption_row`` when the caller already has it (it
    depends only on the table's column set, which several tables share)."""
    if caption is None:
        caption = find_caption_row(table, sheet)
    if caption is None:
        return None
    cap_row, columns = caption
    texts = _row_texts(sheet, cap_row)
    field_id_col = _find_col(texts, (layout.FIELD_ID_CAPTION, *layout.FIELD_ID_ALIASES))
    number_col = _find_col(texts, (layout.NUMBER_CAPTION, *layout.NUMBER_ALIASES))
    label_col = _find_col(texts, (table.label_caption,))
    first_value = min(m.col for m in columns.values())
    if label_col is None:
        label_col = _guess_label_col(sheet, cap_row, first_value, number_col)
    if number_col is None and label_col > 0 and label_col - 1 not in {m.col for m in columns.values()}:
        number_col = label_col - 1
    # Score: field ids of this table found below the captions weigh most; then the title
    # (weapon and section) above them; then the sheet name; then row labels.
    own_ids = {row.field for row in table.rows}
    sheet_ids, sheet_labels, title = _sheet_keys(sheet, cap_row, field_id_col, label_col, cache)
    ids_here = sum(1 for fid in sheet_ids if fid in own_ids)
    ids_here -= sum(1 for fid in sheet_ids if fid in field_ids and fid not in own_ids)  # another table's
    label_hits = len(sheet_labels & {key_text(row.label) for row in table.rows})
    score = 100.0 * ids_here + 5.0 * len(columns) + 2.0 * label_hits
    score += 30.0 * _title_score(table, title + " " + key_text(sheet.name))
    if key_text(sheet.name) == key_text(table.sheet):
        score += 40.0
    return TableLayout(table, sheet, cap_row, columns, label_col, number_col, field_id_col, score)


SheetKeys = tuple[tuple[str, ...], frozenset[str], str]


def _sheet_keys(sheet: SheetGrid, cap_row: int, field_id_col: int | None, label_col: int,
                cache: dict[tuple[int, int, int | None, int], SheetKeys] | None = None) -> SheetKeys:
    """Field ids and label keys below the captions, and the title text above them. ``cache``
    (per reading) saves the work when tables sharing a column set ask the same sheet."""
    key = (id(sheet), cap_row, field_id_col, label_col)
    if cache is not None and key in cache:
        return cache[key]
    ids = []
    labels = set()
    for r in range(cap_row + 1, sheet.height):
        if field_id_col is not None:
            fid = cell_text(sheet.value(r, field_id_col)).strip()
            if fid:
                ids.append(fid)
        label = cell_text(sheet.value(r, label_col))
        if label:
            labels.add(key_text(label))
    title = " ".join(key_text(t) for r in range(cap_row) for t in _row_texts(sheet, r))
    result = (tuple(ids), frozenset(labels), title)
    if cache is not None:
        cache[key] = result
    return result


_WEAPON_WORDS = {
    "NW": ("nw", "nuclear"),
    "CW": ("cw", "chemical"),
    "BW": ("bw", "biological"),
}


def _title_score(table: Table, title: str) -> float:
    words = set(title.split())
    score = 0.0
    if table.weapon:
        own = _WEAPON_WORDS.get(table.weapon, (table.weapon.casefold(),))
        if any(w in words for w in own):
            score += 1.0
        if any(w in words for other, ws in _WEAPON_WORDS.items() if other != table.weapon for w in ws):
            score -= 1.0
    section = key_text(table.section)
    if section and section in title:
        score += 1.0
    compact = title.replace(" ", "")
    if table.family.casefold() in compact:
        score += 0.5
    return score


def _guess_label_col(sheet: SheetGrid, cap_row: int, first_value: int, number_col: int | None) -> int:
    """The text column left of the values with the most text below the captions."""
    best, best_count = max(0, first_value - 1), -1
    for c in range(first_value):
        if c == number_col:
            continue
        count = sum(1 for r in range(cap_row + 1, sheet.height) if cell_text(sheet.value(r, c)).strip())
        if count > best_count:
            best, best_count = c, count
    return best


def assign_tables(catalogue: Catalogue, sheets: Iterable[SheetGrid]) -> list[TableLayout]:
    """Best one-to-one assignment of tables to sheets.

    A sheet that says plainly which table it holds (its name is the table's sheet name, its
    caption row names every column, no other table's field ids or weapon or section appear on
    it) gets that table directly; every other table/sheet pair is tried only for the tables
    and sheets left over, and assigned greedily by score. A returned matrix thus costs about
    one fit per sheet instead of one per table and sheet.
    """
    field_ids = {row.field for _, row in catalogue.iter_rows()}
    cache: dict[tuple[int, int, int | None, int], SheetKeys] = {}
    sheets = list(sheets)
    keyed = {id(sheet): keyed_top_rows(sheet) for sheet in sheets}
    by_name: dict[str, list[Table]] = {}
    for table in catalogue.tables:
        by_name.setdefault(key_text(table.sheet), []).append(table)
    chosen: list[TableLayout] = []
    for sheet in sheets:
        named = by_name.get(key_text(sheet.name), [])
        fit = _direct_fit(catalogue, named[0], sheet, field_ids, keyed[id(sheet)], cache) if len(named) == 1 else None
        if fit is not None and all(c.table.id != fit.table.id for c in chosen):
            chosen.append(fit)
    taken_tables = {fit.table.id for fit in chosen}
    taken_sheets = {id(fit.sheet) for fit in chosen}
    candidates: list[TableLayout] = []
    tables = [table for table in catalogue.tables if table.id not in taken_tables]
    for sheet in sheets:
        if id(sheet) in taken_sheets:
            continue
        captions: dict[int, tuple[int, dict[str, ColumnMatch]] | None] = {}  # by id of column set
        for table in tables:
            cols = id(table.columns)
            if cols not in captions:
                captions[cols] = find_caption_row(table, sheet, keyed[id(sheet)])
            caption = captions[cols]
            if caption is None:
                continue
            fit = layout_table(table, sheet, field_ids, caption, cache)
            if fit is not None and fit.score > 0:
                candidates.append(fit)
    candidates.sort(key=lambda f: -f.score)
    names_taken = {fit.sheet.name for fit in chosen}
    for fit in candidates:
        if fit.table.id in taken_tables or fit.sheet.name in names_taken:
            continue
        chosen.append(fit)
        taken_tables.add(fit.table.id)
        names_taken.add(fit.sheet.name)
    return sorted(chosen, key=lambda f: -f.score)


def _direct_fit(catalogue: Catalogue, table: Table, sheet: SheetGrid, field_ids: set[str],
                keyed_rows: list[list[str]], cache: dict[tuple[int, int, int | None, int], SheetKeys]) -> TableLayout | None:
    """``table``'s layout on ``sheet`` when nothing on the sheet points to another table, else None."""
    caption = find_caption_row(table, sheet, keyed_rows)
    if caption is None or len(caption[1]) != len(table.columns):
        return None
    fit = layout_table(table, sheet, field_ids, caption, cache)
    if fit is None or fit.score <= 0:
        return None
    ids, _, title = _sheet_keys(sheet, fit.caption_row, fit.field_id_col, fit.label_col, cache)
    own = {row.field for row in table.rows}
    if any(fid in field_ids and fid not in own for fid in ids):
        return None  # another table's rows are here: let the scores decide
    words = set(title.split())
    if any(w in words for other, ws in _WEAPON_WORDS.items() if other != table.weapon for w in ws):
        return None  # the title names another weapon (a sheet renamed or swapped)
    sections = {key_text(t.section) for t in catalogue.tables} - {key_text(table.section)}
    if any(section and section in title for section in sections):
        return None  # ... or another section
    return fit


def match_row(
    table: Table,
    field_id: str,
    number: str,
    label: str,
    catalogue: Catalogue,
    remaining: dict[str, Row],
) -> Row | None:
    """The catalogue row a worksheet row holds: by field id (following renames), then by
    printed number with a similar label, then by label alone. ``remaining`` are the table's
    rows not yet found."""
    if field_id:
        current = catalogue.current_id(field_id)
        if current is not None:
            return catalogue.row(current)
    label_key = key_text(label)
    number = number.strip().rstrip(".")
    if not label_key and not number:
        return None
    by_label = [r for r in remaining.values() if key_text(r.label) == label_key] if label_key else []
    if number:
        for row in remaining.values():
            if row.number == number and (not label_key or key_text(row.label) == label_key or _similar(row.label, label)):
                return row
    if len(by_label) == 1:
        return by_label[0]
    return None


def _similar(a: str, b: str) -> bool:
    """Labels equal but for small edits (a word added, a typo fixed)."""
    import difflib

    ka, kb = key_text(a), key_text(b)
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.8
