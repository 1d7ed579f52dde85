"""The header of a matrix (State, ISO code, dates of report and addenda, approval), by label.

Labels are looked for on the About sheet first, then in the top rows of every sheet, with the
value right of the label or after a colon in the same cell. The Committee's own layout repeats
the header block above every table: each item is read once, from the first sheet that gives
it, and a copy that disagrees is a ``header-inconsistent`` observation (issue 11).
"""

from __future__ import annotations

import datetime as dt
import re

from matrix_tools.model import Catalogue, HeaderItem, HeaderKind, HeaderValue, Observation, cell_ref
from matrix_tools.reading.grid import CellValue, SheetGrid, cell_text
from matrix_tools.reading.locate import key_text
from matrix_tools.reading.normalise import (
    format_date,
    normalise_text,
    parse_date_list,
    parse_date_text,
)

HEADER_SCAN_ROWS = 30
HEADER_VALUE_SPAN = 6  # a header value sits within this many columns right of its label
TITLE_PATTERN = re.compile(r"1540\s+COMMITTEE\s+MATRIX", re.IGNORECASE)


def _label_matches(item: HeaderItem, text: str) -> bool:
    key = key_text(text)
    if not key:
        return False
    if key in {key_text(item.label), *(key_text(a) for a in item.aliases)}:
        return True
    plain = " ".join(text.strip().casefold().split())
    return any(re.match(p, plain) for p in item.label_patterns)


def read_header(catalogue: Catalogue, sheets: list[SheetGrid], obs: list[Observation]) -> dict[str, HeaderValue]:
    """Header items by label, About sheet first, then the top rows of every sheet.

    The Committee's own layout repeats the header block above every table: each item is read
    from the first sheet that has it, once (a date list gathers the labels of that one sheet:
    "Date of First Addendum:", "Date of Second Addendum:"...). A copy on another sheet that
    says something else is a ``header-inconsistent`` observation, not a second value."""
    ordered = sorted(sheets, key=lambda s: 0 if key_text(s.name) == "about" else 1)
    copies: dict[str, list[list[HeaderEntry]]] = {}  # key -> one list of entries per sheet
    for sheet in ordered:
        here = _header_entries(catalogue, sheet)
        for key, entries in here.items():
            copies.setdefault(key, []).append(entries)
        if "state" in here and key_text(sheet.name) == "about":
            break  # the About sheet had the header: do not mix in per-sheet copies
    header: dict[str, HeaderValue] = {}
    for item in catalogue.header:
        per_sheet = copies.get(item.key)
        if not per_sheet:
            if item.key == "title":
                title = _find_title(sheets)
                if title is not None:
                    header["title"] = title
                    continue
            obs.append(Observation("header-missing", f"header item '{item.label}' was not found", value=item.key))
            continue
        first = _header_value(item, per_sheet[0])
        header[item.key] = first
        for entries in per_sheet[1:]:
            copy = _header_value(item, entries)
            if (copy.dates, copy.unparsed) != (first.dates, first.unparsed) or (
                    item.kind is HeaderKind.TEXT and key_text(copy.text) != key_text(first.text)):
                obs.append(Observation(
                    "header-inconsistent",
                    f"'{item.label}' reads '{copy.text or '(empty)'}' here but '{first.text or '(empty)'}' at "
                    f"{first.cell}, the first copy, which was used", cell=copy.cell, value=item.label))
    return header


HeaderEntry = tuple[str, str, CellValue, str]  # (label, cell, value, raw label)


def _header_entries(catalogue: Catalogue, sheet: SheetGrid) -> dict[str, list[HeaderEntry]]:
    """The header items one sheet gives, by key (a date list may have several labels)."""
    found: dict[str, list[HeaderEntry]] = {}
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
    return found


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


def _header_value(item: HeaderItem, entries: list[HeaderEntry]) -> HeaderValue:
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
