"""What the reader makes of one workbook: values with their cells, the header, the rows,
columns and sheets outside the template, what it noticed, and the ``Matrix`` that holds them.

Frozen dataclasses; nothing does I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matrix_tools.model.keys import column_letter
from matrix_tools.model.template import Catalogue, FieldKey, Mark

_READ_NOTE_TEXT = {
    "escapes-decoded": "decoded _xHHHH_ escapes",
    "line-breaks-uniform": "line breaks made uniform",
    "zero-width-removed": "removed zero-width characters",
    "spaces-plain": "non-breaking or special spaces made plain",
    "unicode-nfc": "Unicode normalised (NFC)",
    "spaces-trimmed": "extra spaces removed",
}


@dataclass(frozen=True)
class ReadNote:
    """What the reader changed about a value while cleaning it: a stable code and its details.

    Codes: the cosmetic cleanups of ``_READ_NOTE_TEXT``; ``mark-read-as`` (a mark written
    another way, with ``written`` as typed and ``read`` as the mark it was read as);
    ``from-merged-cell`` (the value of a merged range, ``row`` its first row). ``str()`` gives
    the sentence reports and the export show.
    """

    code: str
    written: str = ""
    read: str = ""
    row: int = 0

    MARK_READ_AS = "mark-read-as"
    FROM_MERGED_CELL = "from-merged-cell"
    FORMULA_UNCOMPUTED = "formula-uncomputed"

    @property
    def cosmetic(self) -> bool:
        """Whitespace, escapes, Unicode form, a merged cell: no change of content. A rewritten
        mark has its own finding, and so has a formula (``cell-formula``)."""
        return self.code not in (ReadNote.MARK_READ_AS, ReadNote.FORMULA_UNCOMPUTED)

    def __str__(self) -> str:
        if self.code == ReadNote.MARK_READ_AS:
            return f"mark {self.written!r} read as {self.read!r}"
        if self.code == ReadNote.FROM_MERGED_CELL:
            return f"value taken from a merged cell starting at row {self.row}"
        if self.code == ReadNote.FORMULA_UNCOMPUTED:
            return ("formula without a computed value (the program that saved it did not calculate): "
                    "its text was read")
        return _READ_NOTE_TEXT.get(self.code, self.code)


@dataclass(frozen=True)
class Value:
    """One cell's content as read: normalised text, the original, and where it came from."""

    text: str  # normalised value ("" for blank); for marks the canonical mark text
    cell: str = ""  # "'OP2 NW'!D12"; "" when the cell is absent from the workbook
    raw: str | None = None  # original text when it differs from ``text``
    notes: tuple[ReadNote, ...] = ()  # what normalisation did, e.g. ReadNote("spaces-trimmed")
    recognised: bool = True  # False for a mark cell whose content is not a known mark
    formula: str | None = None  # the formula the cell holds ("=HYPERLINK(...)"); ``text`` is its cached value

    @property
    def original(self) -> str:
        return self.text if self.raw is None else self.raw

    @property
    def mark(self) -> Mark | None:
        return Mark.parse(self.text) if self.recognised else None


@dataclass(frozen=True)
class HeaderValue:
    key: str
    text: str  # normalised text
    cell: str = ""
    raw: str | None = None
    dates: tuple[dt.date, ...] = ()  # parsed dates (one for 'date', several for 'date_list')
    unparsed: tuple[str, ...] = ()  # parts that could not be read as dates
    label: str = ""  # the label found in the workbook

    @property
    def date(self) -> dt.date | None:
        return self.dates[0] if self.dates else None


@dataclass(frozen=True)
class UnknownRow:
    """A row the catalogue does not know (e.g. a comment row a State inserted): kept, not dropped."""

    table: str
    sheet: str
    row: int  # Excel row number (1-based)
    label: str
    number: str
    values: Mapping[str, Value]  # column key (or caption when unmatched) -> value
    duplicate_of: str = ""  # field id when the row repeats a catalogue row (the first one was used)

    @property
    def key(self) -> str:
        """Identity across versions: table + normalised label (row numbers shift)."""
        return f"{self.table}::{self.label.casefold()}"


def split_row_key(key: str) -> tuple[str, str] | None:
    """(table id, label as keyed) of a ``key_unknown_rows`` key ("OP1::comment#2" ->
    ("OP1", "comment")), or None when ``key`` is no such key."""
    table, sep, label = key.partition("::")
    return (table, label.split("#")[0]) if sep else None


def key_unknown_rows(rows: Iterable[UnknownRow]) -> dict[str, UnknownRow]:
    """Rows the catalogue does not know, by identity (table + label), in order; a label
    repeated in one table gets "#2", "#3"... so two "Comment" rows stay two rows. Diff, merge
    and the workbook writer all key such rows this way."""
    keyed: dict[str, UnknownRow] = {}
    # Linear: each label resumes counting where its last repeat stopped (keys taken stay
    # taken), instead of trying "#2", "#3"... again for every repeat (quadratic in repeats).
    last: dict[str, int] = {}
    for row in rows:
        base = row.key
        n = last.get(base, 1)
        key = base if n == 1 else f"{base}#{n}"
        while key in keyed:
            n += 1
            key = f"{base}#{n}"
        last[base] = n
        keyed[key] = row
    return keyed


@dataclass(frozen=True)
class UnknownColumn:
    """A column the catalogue does not know (e.g. "Our comments" a State inserted): kept, not dropped."""

    table: str
    sheet: str
    col: int  # 0-based worksheet column
    caption: str  # "" when the column has cells but no caption
    cell: str  # the caption's cell, "'OP2 NW'!G5"
    values: Mapping[str, Value]  # field id of a catalogue row -> the cell in this column

    @property
    def name(self) -> str:
        """How reports name it: the caption, else the column letter."""
        return self.caption or f"column {column_letter(self.col)}"

    @property
    def key(self) -> str:
        """Identity across versions: table + caption (columns move when others are inserted)."""
        return f"{self.table}::{self.caption.casefold() or column_letter(self.col)}"


def key_unknown_columns(columns: Iterable[UnknownColumn]) -> dict[str, UnknownColumn]:
    """Columns the catalogue does not know, by identity (table + caption); a caption repeated in
    one table gets "#2", "#3"... (as ``key_unknown_rows``)."""
    keyed: dict[str, UnknownColumn] = {}
    for column in columns:
        key, n = column.key, 1
        while key in keyed:
            n += 1
            key = f"{column.key}#{n}"
        keyed[key] = column
    return keyed


@dataclass(frozen=True)
class ExtraSheet:
    """A worksheet that holds no table of the matrix (e.g. "Notes of the State"): its cells kept."""

    name: str
    cells: Mapping[str, Value]  # "A1" -> value, only cells that hold something, row by row
    visible: bool = True


@dataclass(frozen=True)
class Observation:
    """Something the reader noticed about the workbook's structure.

    Codes are finding codes (see schemas/findings.json): validation turns each into a finding.
    """

    code: str
    message: str
    cell: str = ""
    table: str = ""
    field: str = ""
    column: str = ""
    value: str = ""


@dataclass(frozen=True)
class SourceInfo:
    path: str
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class State:
    name: str
    iso3: str


@dataclass(frozen=True)
class Matrix:
    """One State's matrix as read from one workbook."""

    catalogue: Catalogue
    state: State
    header: Mapping[str, HeaderValue]
    entries: Mapping[FieldKey, Value]
    unknown_rows: tuple[UnknownRow, ...] = ()
    sheets: Mapping[str, str] = field(default_factory=dict)  # table id -> worksheet name found
    observations: tuple[Observation, ...] = ()
    source: SourceInfo | None = None
    unknown_columns: tuple[UnknownColumn, ...] = ()  # columns inserted into a table
    extra_sheets: tuple[ExtraSheet, ...] = ()  # worksheets that hold no table of the matrix

    def value(self, field_id: str, column: str) -> Value:
        return self.entries.get((field_id, column), BLANK)

    def text(self, field_id: str, column: str) -> str:
        return self.value(field_id, column).text

    def __repr__(self) -> str:
        """A one-line summary for the prompt (the full contents would be thousands of lines)."""
        filled = sum(1 for value in self.entries.values() if value.text)
        parts = [
            f"{filled} of {len(self.entries)} cells filled",
            f"{len(self.unknown_rows)} row{'' if len(self.unknown_rows) == 1 else 's'} outside the template",
            f"catalogue {self.catalogue.ref}",
        ]
        if self.source is not None:
            parts.append(f"from {self.source.name!r}")
        iso = f" ({self.state.iso3})" if self.state.iso3 else ""
        return f"<Matrix of {self.state.name or '(no State name)'}{iso}: {', '.join(parts)}>"


BLANK = Value("")
