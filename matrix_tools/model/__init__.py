"""The model every command works on: catalogue, matrix, values with their cells.

Everything here is a frozen dataclass or an enum; nothing does I/O. A ``Matrix`` is what the
reader makes of one workbook, and what validate, diff, merge and consolidate take.

- ``template``: the catalogue's shape (marks, columns, rows, tables, header items);
- ``values``: what was read (values, header values, content outside the template, the Matrix);
- ``keys``: ``ItemKey`` and Excel cell references.

Import from ``matrix_tools.model``; this package may import nothing else of matrix_tools.
"""

from __future__ import annotations

from matrix_tools.model.keys import ItemKey, cell_ref, column_letter, sheet_ref
from matrix_tools.model.template import (
    Catalogue,
    Column,
    ColumnKind,
    FieldKey,
    Grade,
    HeaderItem,
    HeaderKind,
    Mark,
    MarkDef,
    Row,
    Table,
)
from matrix_tools.model.values import (
    BLANK,
    ExtraSheet,
    HeaderValue,
    Matrix,
    Observation,
    ReadNote,
    SourceInfo,
    State,
    UnknownColumn,
    UnknownRow,
    Value,
    key_unknown_columns,
    key_unknown_rows,
    split_row_key,
)

__all__ = [
    "BLANK",
    "Catalogue",
    "Column",
    "ColumnKind",
    "ExtraSheet",
    "FieldKey",
    "Grade",
    "HeaderItem",
    "HeaderKind",
    "HeaderValue",
    "ItemKey",
    "Mark",
    "MarkDef",
    "Matrix",
    "Observation",
    "ReadNote",
    "Row",
    "SourceInfo",
    "State",
    "Table",
    "UnknownColumn",
    "UnknownRow",
    "Value",
    "cell_ref",
    "column_letter",
    "key_unknown_columns",
    "key_unknown_rows",
    "sheet_ref",
    "split_row_key",
]
