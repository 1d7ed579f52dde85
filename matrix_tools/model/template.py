"""The shape of a matrix as its catalogue declares it: marks, columns, rows, tables, header items.

Frozen dataclasses and enums; nothing does I/O (``catalogue.py`` loads them from JSON).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
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
