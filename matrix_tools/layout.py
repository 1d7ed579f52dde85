"""Where things sit in a workbook that matrix-tools generates.

The writer places cells by these constants. The reader does not rely on them: it finds
tables, captions and rows by content (people move things), and uses the generated layout only
as the first guess.
"""

from __future__ import annotations

from matrix_tools.model import Table

ABOUT_SHEET = "About"
LEGEND_SHEET = "Legend"

# Table sheets (0-based rows and columns).
TITLE_ROW = 0
SUBTITLE_ROW = 1
STATE_ROW = 2
CAPTION_ROW = 4
FIRST_DATA_ROW = 5
NUMBER_COL = 0
LABEL_COL = 1
FIRST_VALUE_COL = 2

NUMBER_CAPTION = "No."
FIELD_ID_CAPTION = "Field ID"
NUMBER_ALIASES = ("No", "Nr.", "Nr", "#", "Row", "Row number")
FIELD_ID_ALIASES = ("Field id", "ID", "Field", "Field identifier")

# Sheets matrix-tools itself adds to a matrix workbook it writes (merge: conflicts and changes
# applied; validate --annotate: findings; diff --format xlsx: its report sheets). Read back,
# they are the tool's report, not content of the State: not kept as extra sheets (issue 11).
REPORT_SHEETS = ("Conflicts", "Changes applied", "Findings", "Summary", "Changes", "For consultation")

# About sheet: labels in column A, values in column B, from this row on.
ABOUT_FIRST_ROW = 2


def value_col(table: Table, column_key: str) -> int:
    """0-based worksheet column of a catalogue column in a generated sheet."""
    for i, col in enumerate(table.columns):
        if col.key == column_key:
            return FIRST_VALUE_COL + i
    raise KeyError(column_key)


def field_id_col(table: Table) -> int:
    return FIRST_VALUE_COL + len(table.columns)


def data_row(index: int) -> int:
    """0-based worksheet row of the ``index``-th catalogue row of a table."""
    return FIRST_DATA_ROW + index
