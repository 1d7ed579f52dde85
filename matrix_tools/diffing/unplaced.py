"""Compare what the catalogue has no place for: columns a State inserted, sheets it added.

The reader keeps such content (``Matrix.unknown_columns``, ``Matrix.extra_sheets``) instead of
dropping it; this module says what appeared, vanished or changed there, cell by cell, so a
diff never calls two versions identical while a State's text differs. Columns are matched by
table + caption (``model.key_unknown_columns``) and their cells by the catalogue row they stand
in; worksheets by name (ignoring case and spacing) and their cells by coordinate. Spacing-only
edits do not count (as for cells of the catalogue).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from matrix_tools.diffing.result import Kind, UnplacedChange
from matrix_tools.model import Catalogue, ExtraSheet, Matrix, Value, key_unknown_columns
from matrix_tools.reading.normalise import cosmetic_key


def compare_unplaced(old: Matrix, new: Matrix) -> tuple[UnplacedChange, ...]:
    """Every cell outside the catalogue that differs, inserted columns first, then sheets."""
    return (*_compare_columns(old, new), *_compare_sheets(old.extra_sheets, new.extra_sheets))


def _compare_columns(old: Matrix, new: Matrix) -> Iterator[UnplacedChange]:
    before = key_unknown_columns(old.unknown_columns)
    after = key_unknown_columns(new.unknown_columns)
    for key in [*after, *(k for k in before if k not in after)]:
        o, n = before.get(key), after.get(key)
        column = n or o
        assert column is not None
        fields = [*(n.values if n else {}), *(f for f in (o.values if o else {}) if not n or f not in n.values)]
        for field in fields:
            ov = o.values.get(field) if o else None
            nv = n.values.get(field) if n else None
            kind = _kind(ov, nv)
            if kind is not None:
                yield UnplacedChange(kind, "column", column.name, column.table, field,
                                     _label(new.catalogue, old.catalogue, field), _text(ov), _text(nv),
                                     ov.cell if ov else "", nv.cell if nv else "")


def _compare_sheets(old: tuple[ExtraSheet, ...], new: tuple[ExtraSheet, ...]) -> Iterator[UnplacedChange]:
    before = {_sheet_key(s.name): s for s in old}
    after = {_sheet_key(s.name): s for s in new}
    for key in [*after, *(k for k in before if k not in after)]:
        o, n = before.get(key), after.get(key)
        sheet = n or o
        assert sheet is not None
        ocells: Mapping[str, Value] = o.cells if o else {}
        ncells: Mapping[str, Value] = n.cells if n else {}
        for coordinate in [*ncells, *(c for c in ocells if c not in ncells)]:
            ov, nv = ocells.get(coordinate), ncells.get(coordinate)
            kind = _kind(ov, nv)
            if kind is not None:
                yield UnplacedChange(kind, "sheet", sheet.name, "", coordinate, "", _text(ov), _text(nv),
                                     ov.cell if ov else "", nv.cell if nv else "")


def _kind(old: Value | None, new: Value | None) -> Kind | None:
    otext, ntext = _text(old), _text(new)
    if cosmetic_key(otext) == cosmetic_key(ntext):
        return None
    if not otext:
        return "added"
    if not ntext:
        return "removed"
    return "changed"


def _text(value: Value | None) -> str:
    return value.text if value is not None else ""


def _sheet_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _label(new: Catalogue, old: Catalogue, field: str) -> str:
    for cat in (new, old):
        if cat.has_field(field):
            return cat.row(field).label
    return field


__all__ = ["compare_unplaced"]
