"""Normalise cell text as people really type it, and say what was changed.

One place decides when two texts are "the same": the reader uses it to clean values, diff and
merge use ``cosmetic_key`` to tell cosmetic edits (spaces, NBSP, Unicode form, case) from real
ones. See design.md, "Traps already known".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from matrix_tools.model import Mark, MarkDef, ReadNote

# Characters that are invisible or are spaces in disguise.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2002\u2003\u2009\u200a\u3000\t"), " ")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
# openpyxl / Excel escape of characters XML cannot hold: _x000D_ (CR), _x0009_ (TAB), ...
_X_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_MULTI_SPACE = re.compile(r" {2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def unescape_excel(text: str) -> str:
    """Decode ``_xHHHH_`` escapes that some writers leave in shared strings."""
    return _X_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def normalise_text(text: str) -> tuple[str, tuple[ReadNote, ...]]:
    """Clean text for comparison and storage; return it with notes on what changed.

    Keeps line breaks (a cell may hold several treaty statements) but makes them ``\\n``,
    drops zero-width characters, turns NBSP and other spaces into plain spaces, applies NFC,
    trims each line. Does not change letter case or quotes: those are content.
    """
    if not text or (text.isascii() and text.isprintable() and "  " not in text and "_x" not in text
                    and text[0] != " " and text[-1] != " "):
        return text, ()  # the common case: nothing to clean
    notes: list[ReadNote] = []
    out = text
    if "_x" in out:
        decoded = unescape_excel(out)
        if decoded != out:
            notes.append(ReadNote("escapes-decoded"))
            out = decoded
    if "\r" in out:
        out = out.replace("\r\n", "\n").replace("\r", "\n")
        notes.append(ReadNote("line-breaks-uniform"))
    stripped = out.translate(_ZERO_WIDTH)
    if stripped != out:
        notes.append(ReadNote("zero-width-removed"))
        out = stripped
    spaced = out.translate(_SPACES)
    if spaced != out:
        notes.append(ReadNote("spaces-plain"))
        out = spaced
    nfc = unicodedata.normalize("NFC", out)
    if nfc != out:
        notes.append(ReadNote("unicode-nfc"))
        out = nfc
    lines = [_MULTI_SPACE.sub(" ", line).strip() for line in out.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    trimmed = "\n".join(lines)
    if trimmed != out:
        notes.append(ReadNote("spaces-trimmed"))
        out = trimmed
    return out, tuple(notes)


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def cosmetic_key(text: str) -> str:
    """A key equal for texts that differ only cosmetically (spacing, NBSP, Unicode form, case,
    curly quotes): diff reports such edits as cosmetic, merge never conflicts on them."""
    cleaned, _ = normalise_text(text)
    cleaned = unicodedata.normalize("NFKC", cleaned).translate(_QUOTES)
    return " ".join(cleaned.split()).casefold()


def build_mark_lookup(marks: Iterable[MarkDef]) -> dict[str, Mark]:
    """Map of casefolded spellings (canonical value and aliases) to marks."""
    lookup: dict[str, Mark] = {}
    for definition in marks:
        lookup[definition.mark.value.casefold()] = definition.mark
        for alias in definition.aliases:
            lookup[alias.casefold()] = definition.mark
    return lookup


def parse_mark(text: str, lookup: dict[str, Mark]) -> tuple[Mark | None, tuple[ReadNote, ...]]:
    """Read a mark cell: (mark or None when unrecognised, notes on normalisation).

    ``x``, `` X ``, ``Yes`` and ``N/A`` are recognised (with a note, so validation can warn);
    anything else gives None and the caller keeps the text for an error finding.
    """
    cleaned, notes = normalise_text(text)
    if cleaned in ("X", "?", "NA", ""):
        return Mark(cleaned), notes
    key = " ".join(cleaned.split()).casefold().rstrip(".") if cleaned not in (".",) else cleaned
    mark = lookup.get(cleaned.casefold()) or lookup.get(key)
    if mark is None:
        return None, notes
    return mark, (*notes, ReadNote(ReadNote.MARK_READ_AS, written=text.strip(), read=mark.display))


# --- dates --------------------------------------------------------------------------------

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan", "janvier", "enero"),
            ("february", "feb", "février", "fevrier", "febrero"),
            ("march", "mar", "mars", "marzo"),
            ("april", "apr", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("june", "jun", "juin", "junio"),
            ("july", "jul", "juillet", "julio"),
            ("august", "aug", "août", "aout", "agosto"),
            ("september", "sep", "sept", "septembre", "septiembre"),
            ("october", "oct", "octobre", "octubre"),
            ("november", "nov", "novembre", "noviembre"),
            ("december", "dec", "décembre", "decembre", "diciembre"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

_D_MONTH_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})$")
_MONTH_D_Y = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_DMY_NUMERIC = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_SPLIT_DATES = re.compile(r"\s*(?:[;\n]|,(?=\s*\d{1,2}\s+[^\W\d_])|\band\b)\s*")
# several "12 October 2004 21 December 2007" with no separator (as in the 2017+ layout)
_D_MONTH_Y_ANY = re.compile(r"\d{1,2}(?:st|nd|rd|th)?\s+[^\W\d_]+\.?,?\s+\d{4}")


def format_date(value: dt.date) -> str:
    """The matrix style: '12 October 2004' (day without leading zero, month in words)."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"



def format_dates(dates: tuple[dt.date, ...]) -> str:
    """'12 October 2004; 21 December 2007' (the matrix style)."""
    return "; ".join(format_date(d) for d in dates)

def parse_date_text(text: str) -> dt.date | None:
    """A date typed as text: '12 October 2004', 'October 12, 2004', '2004-10-12', '12.10.2004'.

    Numeric day/month forms are read day first (the UN style); None when not a date.
    """
    s = " ".join(text.split()).strip().rstrip(".")
    if not s:
        return None
    try:
        m = _D_MONTH_Y.match(s)
        if m and m.group(2).casefold() in MONTHS:
            return dt.date(int(m.group(3)), MONTHS[m.group(2).casefold()], int(m.group(1)))
        m = _MONTH_D_Y.match(s)
        if m and m.group(1).casefold() in MONTHS:
            return dt.date(int(m.group(3)), MONTHS[m.group(1).casefold()], int(m.group(2)))
        m = _ISO.match(s)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DMY_NUMERIC.match(s)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:  # 31 February and the like
        return None
    return None


def parse_date_list(text: str) -> tuple[tuple[dt.date, ...], tuple[str, ...]]:
    """Split a list of dates ('13 September 2005; 21 December 2007'): (dates, unreadable parts)."""
    dates: list[dt.date] = []
    bad: list[str] = []
    for part in _SPLIT_DATES.split(text):
        part = part.strip(" ,")
        if not part:
            continue
        one = parse_date_text(part)
        if one is not None:
            dates.append(one)
            continue
        found = _D_MONTH_Y_ANY.findall(part)
        parsed = [parse_date_text(f) for f in found]
        if found and all(parsed) and not _D_MONTH_Y_ANY.sub("", part).strip(" ,;"):
            dates.extend(d for d in parsed if d is not None)
        else:
            bad.append(part)
    return tuple(dates), tuple(bad)
