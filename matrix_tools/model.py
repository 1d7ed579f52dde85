"""The model every command works on: catalogue, matrix, values with their cells.

Everything here is a frozen dataclass or an enum; nothing does I/O. A ``Matrix`` is what the
reader makes of one workbook, and what validate, diff, merge and consolidate take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from types import MappingProxyType

FieldKey = tuple[str, str]
"""(field id, column key), e.g. ("OP2.NW.manufacture", "status")."""


class Mark(str, Enum):
    """The marks a mark cell may hold (legend of the 1540 matrix)."""

    X = "X"
    QUERY = "?"
    NA = "NA"
    BLANK = ""

    @classmethod
    def parse(cls, text: str) -> Mark | None:
        """The mark whose canonical text is ``text``, or None."""
        return _MARKS_BY_TEXT.get(text)

    @property
    def display(self) -> str:
        return self.value or "blank"


_MARKS_BY_TEXT = {mark.value: mark for mark in Mark}  # Mark.parse runs for every cell


class ColumnKind(str, Enum):
    MARK = "mark"
    TEXT = "text"


class Grade(str, Enum):
    """Evidence grade of a catalogue item (see schemas/catalogue-1540.json, "grades")."""

    VERIFIED = "verified"
    INFERRED = "inferred"
    RECONSTRUCTED = "reconstructed"


class HeaderKind(str, Enum):
    TEXT = "text"
    DATE = "date"
    DATE_LIST = "date_list"


@dataclass(frozen=True)
class MarkDef:
    mark: Mark
    label: str
    meaning: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    key: str
    caption: str
    kind: ColumnKind
    grade: Grade = Grade.RECONSTRUCTED
    help: str = ""
    aliases: tuple[str, ...] = ()
    marks: tuple[Mark, ...] = (Mark.X, Mark.QUERY, Mark.NA)
    source: str | None = None  # mark columns: key of the text column naming the source (catalogue)

    @property
    def is_mark(self) -> bool:
        return self.kind is ColumnKind.MARK


@dataclass(frozen=True)
class Row:
    """One row of a table: a data field of the matrix."""

    field: str  # full, stable id: "OP2.NW.manufacture"
    key: str  # row id inside the table: "manufacture"
    table: str  # table id: "OP2.NW"
    number: str  # printed row number: "1"
    label: str
    grade: Grade
    note: str = ""
    formerly: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One worksheet of the matrix (OP 2 has three: NW, CW, BW)."""

    id: str  # "OP2.NW"
    family: str  # catalogue table entry it comes from: "OP2"
    sheet: str  # worksheet name in a generated template: "OP2 NW"
    section: str  # "OP 2"
    weapon: str | None
    title: str
    label_caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    grade: Grade = Grade.INFERRED

    @property
    def display(self) -> str:
        """How reports name the table: "OP 2 NW", "OP 1"."""
        return f"{self.section} {self.weapon}" if self.weapon else self.section

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def source_column(self, mark_key: str) -> Column | None:
        """The text column that gives the source of mark column ``mark_key`` (as the catalogue declares)."""
        keys = {col.key: col for col in self.columns}
        mark = keys.get(mark_key)
        if mark is None or mark.source is None:
            return None
        return keys.get(mark.source)


@dataclass(frozen=True)
class HeaderItem:
    key: str
    label: str
    kind: HeaderKind
    aliases: tuple[str, ...] = ()
    label_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """The matrix as data: tables, rows, columns and header items, with an id and version."""

    id: str
    version: str
    title: str
    tables: tuple[Table, ...]
    header: tuple[HeaderItem, ...]
    marks: tuple[MarkDef, ...]
    weapons: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    layout: str = ""
    source: str = ""  # where it was loaded from (file name), for reports
    _rows: Mapping[str, tuple[Table, Row]] = field(init=False, repr=False, compare=False)
    _formerly: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rows = {row.field: (table, row) for table in self.tables for row in table.rows}
        object.__setattr__(self, "_rows", MappingProxyType(rows))
        formerly = {old: row.field for table in self.tables for row in table.rows for old in row.formerly}
        object.__setattr__(self, "_formerly", MappingProxyType(formerly))

    @property
    def ref(self) -> str:
        return f"{self.id} {self.version}"

    def iter_rows(self) -> Iterator[tuple[Table, Row]]:
        for table in self.tables:
            for row in table.rows:
                yield table, row

    def iter_keys(self) -> Iterator[tuple[Table, Row, Column]]:
        """Every (table, row, column) of the catalogue, in workbook order."""
        for table in self.tables:
            for row in table.rows:
                for col in table.columns:
                    yield table, row, col

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    def row(self, field_id: str) -> Row:
        return self._rows[field_id][1]

    def table_of(self, field_id: str) -> Table:
        return self._rows[field_id][0]

    def has_field(self, field_id: str) -> bool:
        return field_id in self._rows

    def column(self, field_id: str, column: str) -> Column:
        return self.table_of(field_id).column(column)

    def current_id(self, field_id: str) -> str | None:
        """The id a field has in this catalogue, following ``formerly`` renames."""
        if self.has_field(field_id):
            return field_id
        return self._formerly.get(field_id)

    def header_item(self, key: str) -> HeaderItem | None:
        for item in self.header:
            if item.key == key:
                return item
        return None

    @property
    def mark_field_count(self) -> int:
        return sum(1 for _, _, col in self.iter_keys() if col.is_mark)


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


class ItemKey(str):
    """What a finding, a cell note or a merge item is about, as one string (so JSON keeps it as is).

    A catalogue field id (``"OP2.NW.manufacture"``), a header item (``ItemKey.header("iso3")``),
    a row the State inserted (``ItemKey.row(key)``, key from ``key_unknown_rows``), a column it
    inserted (``ItemKey.column(key)``) or a sheet it added (``ItemKey.sheet(name)``). This class
    is the only place that knows how they are told apart.
    """

    __slots__ = ()
    _HEADER = "header:"
    _ROW = "row:"
    _COLUMN = "column:"
    _SHEET = "sheet:"

    @classmethod
    def header(cls, key: str) -> ItemKey:
        """The key of header item ``key`` (e.g. "date_of_report")."""
        return cls(cls._HEADER + key)

    @classmethod
    def row(cls, key: str) -> ItemKey:
        """The key of an inserted row (its ``key_unknown_rows`` key)."""
        return cls(cls._ROW + key)

    @staticmethod
    def header_of(text: str) -> str | None:
        """The header item a key names, or None when it names no header item."""
        return text[len(ItemKey._HEADER):] if text.startswith(ItemKey._HEADER) else None

    @staticmethod
    def row_of(text: str) -> str | None:
        """The inserted row a key names, or None."""
        return text[len(ItemKey._ROW):] if text.startswith(ItemKey._ROW) else None

    @classmethod
    def column(cls, key: str) -> ItemKey:
        """The key of a column the State inserted (its ``UnknownColumn`` key)."""
        return cls(cls._COLUMN + key)

    @classmethod
    def sheet(cls, name: str) -> ItemKey:
        """The key of a sheet the State added."""
        return cls(cls._SHEET + name)

    @staticmethod
    def column_of(text: str) -> str | None:
        return text[len(ItemKey._COLUMN):] if text.startswith(ItemKey._COLUMN) else None

    @staticmethod
    def sheet_of(text: str) -> str | None:
        return text[len(ItemKey._SHEET):] if text.startswith(ItemKey._SHEET) else None

    @staticmethod
    def is_header(text: str) -> bool:
        return text.startswith(ItemKey._HEADER)

    @staticmethod
    def is_row(text: str) -> bool:
        return text.startswith(ItemKey._ROW)


def sheet_ref(sheet: str, coordinate: str) -> str:
    """Excel reference ``'Sheet name'!A1`` (quotes always, doubled inside, as Excel does)."""
    return "'" + sheet.replace("'", "''") + "'!" + coordinate


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(sheet: str, row: int, col: int) -> str:
    """0-based (row, col) on ``sheet`` -> ``'Sheet'!A1``."""
    return sheet_ref(sheet, f"{column_letter(col)}{row + 1}")
