"""Text rules: control characters, formula-like text, very long cells, leftover placeholders,
and the cosmetic cleanup the reader did (reported as information)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from matrix_tools.model import ItemKey, Matrix, Value
from matrix_tools.reading.normalise import has_control_characters, normalise_text
from matrix_tools.validation.config import Config
from matrix_tools.validation.findings import Finding, make_finding, shorten
from matrix_tools.validation.rules.marks import mark_rewrite

# Placeholders left from templates and drafts. Conservative: each pattern is something no real
# matrix text needs (a 1540 source may cite "Act XXX" in roman numerals, so no XXX here).
PLACEHOLDER = re.compile(
    r"""
    \{[^{}\n]{1,40}\}                                   # {State's name}
    | \[[A-Z][A-Z0-9 _'’./-]{2,30}\]                    # [STATE], [NAME OF ACT]
    | <\s*(?:insert|enter|state|country|name|date|add)\b[^<>\n]{0,40}>
    | \(\s*(?:date|name|state|country|insert[^()\n]{0,30}|to\ be\ (?:completed|confirmed|added)
          |dd[/.-]mm[/.-]yy(?:yy)?|dd\ month\ yyyy|day\ month\ year)\s*\)
    | \b(?:TBD|TBA)\b
    | \blorem\ ipsum\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# TBD and TBA only in capitals: "tba" could be part of another language's word.
_CASE_SENSITIVE = {"tbd", "tba"}


@dataclass(frozen=True)
class TextCell:
    """A text to check, with where it is."""

    value: Value
    field: str
    column: str
    table: str
    is_mark: bool = False


def iter_text_cells(matrix: Matrix, keep: Callable[[Value, bool], bool] | None = None) -> Iterator[TextCell]:
    """Every text the rules look at: text columns, mark cells, unknown rows, header items.

    ``keep(value, is_mark)`` picks the cells a rule can say something about before a
    ``TextCell`` is made for them (most cells of a matrix are blank: a batch checks ~2,000
    cells a workbook)."""
    entries = matrix.entries
    for table, row, column in matrix.catalogue.iter_keys():
        value = entries.get((row.field, column.key))
        if value is not None and (keep is None or keep(value, column.is_mark)):
            yield TextCell(value, row.field, column.key, table.id, column.is_mark)
    for unknown in matrix.unknown_rows:
        for key, value in unknown.values.items():
            if keep is None or keep(value, False):
                yield TextCell(value, "", key, unknown.table)
    for inserted in matrix.unknown_columns:  # columns and sheets the State added (issue 11)
        for value in inserted.values.values():
            if keep is None or keep(value, False):
                yield TextCell(value, "", inserted.name, inserted.table)
    for sheet in matrix.extra_sheets:
        for value in sheet.cells.values():
            if keep is None or keep(value, False):
                yield TextCell(value, "", "", "")
    for key, head in matrix.header.items():
        notes = normalise_text(head.raw)[1] if head.raw is not None else ()
        value = Value(head.text, head.cell, head.raw, notes)
        if keep is None or keep(value, False):
            yield TextCell(value, ItemKey.header(key), "", "")


def _may_have_text_findings(value: Value, is_mark: bool) -> bool:
    # A blank cell read as blank (no original text) cannot hold control characters, a
    # formula, a long text or a placeholder; mark cells are the mark rules' business.
    return not is_mark and (bool(value.text) or value.raw is not None)


def _was_normalised(value: Value, is_mark: bool) -> bool:
    return bool(value.notes)


def find_placeholder(text: str) -> str | None:
    """The first template placeholder in ``text``, or None."""
    for match in PLACEHOLDER.finditer(text):
        found = match.group(0)
        if found.casefold() in _CASE_SENSITIVE and found != found.upper():
            continue
        return found
    return None


def formula_prefix(text: str) -> str | None:
    """The start of ``text`` when a spreadsheet could take it for a formula, else None.

    ``=`` and ``@`` always; ``+`` and ``-`` only before a letter, so phone numbers
    (``+41 22 ...``) and dashes before numbers stay quiet.
    """
    if not text:
        return None
    if text[0] in "=@" or (text[0] in "+-" and len(text) > 1 and text[1].isalpha()):
        return text[0]
    return None


def check_text(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """Control characters, formula-like starts, very long text and placeholders in text cells."""
    for cell in iter_text_cells(matrix, _may_have_text_findings):
        value = cell.value
        if cell.is_mark:
            continue  # mark cells: the mark rules speak about them
        where: dict[str, Any] = {"cell": value.cell, "field": cell.field, "column": cell.column, "table": cell.table}
        text = value.text
        if has_control_characters(value.original) or has_control_characters(text):
            yield make_finding("text-control-characters", value=text, expected="plain text", **where)
        prefix = formula_prefix(text) if value.formula is None else None  # a real formula: cell-formula says so
        if prefix is not None:
            yield make_finding("text-formula-like", value=text, prefix=prefix, **where)
        if len(text) > config.long_text_chars:
            yield make_finding("text-too-long", value=shorten(text, 80), length=len(text),
                               limit=config.long_text_chars, **where)
        placeholder = find_placeholder(text)
        if placeholder is not None:
            yield make_finding("text-placeholder", value=text, placeholder=placeholder, **where)


def check_text_normalised(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """Cosmetic cleanup done while reading (information only)."""
    for cell in iter_text_cells(matrix, _was_normalised):
        value = cell.value
        notes = [str(note) for note in value.notes if note.cosmetic]  # a formula: cell-formula says it
        if not notes or (cell.is_mark and mark_rewrite(value) is not None):
            continue
        yield make_finding(
            "text-normalised", cell=value.cell, field=cell.field, column=cell.column, table=cell.table,
            value=value.original, expected=value.text, detail="; ".join(notes),
        )
