"""Keys and cell references: ``ItemKey`` (what a finding, note or merge item is about) and the
Excel references every value carries (``'OP2 NW'!D12``)."""

from __future__ import annotations

from functools import lru_cache


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
