"""Three-way merge of what the catalogue has no place for: inserted columns, added sheets.

Cell by cell, as for the catalogue's fields: a column is matched by table + caption
(``model.key_unknown_columns``) and its cells by the field of their row; a worksheet by name and
its cells by coordinate. Unchanged -> base; changed on one side -> that side; changed the same
way -> that value; changed differently -> a conflict that keeps ``prefer``'s text. A column or
sheet absent on one side counts as blank there, so one side's additions are never lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from matrix_tools.model import (
    BLANK,
    ExtraSheet,
    ItemKey,
    Matrix,
    UnknownColumn,
    Value,
    key_unknown_columns,
)
from matrix_tools.reading.normalise import cosmetic_key

Side = Literal["ours", "theirs"]

# (field, column, side, base, value, table, label) of an applied change;
# (field, column, base, ours, theirs, kept, table, label) of a conflict.
AppliedRow = tuple[str, str, str, str, str, str, str]
ConflictRow = tuple[str, str, str, str, str, str, str, str]


def merge_unplaced(base: Matrix, ours: Matrix, theirs: Matrix, prefer: Side) -> tuple[
        tuple[UnknownColumn, ...], tuple[ExtraSheet, ...], list[AppliedRow], list[ConflictRow]]:
    """Merged inserted columns and added sheets, with what was applied and what conflicts."""
    applied: list[AppliedRow] = []
    conflicts: list[ConflictRow] = []
    columns: list[UnknownColumn] = []
    cb, co, ct = (key_unknown_columns(m.unknown_columns) for m in (base, ours, theirs))
    for key in _order(co, ct, cb):
        b, o, t = cb.get(key), co.get(key), ct.get(key)
        template = o or t or b
        assert template is not None
        values, events = _merge_cells(b.values if b else {}, o.values if o else {}, t.values if t else {}, prefer)
        _record(events, ItemKey.column(key), template.table, template.name, applied, conflicts)
        if values or (o is not None and t is not None):
            columns.append(UnknownColumn(template.table, template.sheet, template.col, template.caption,
                                         template.cell, values))
    sheets: list[ExtraSheet] = []
    sb, so, st = ({_name_key(s.name): s for s in m.extra_sheets} for m in (base, ours, theirs))
    for key in _order(so, st, sb):
        bs, os_, ts = sb.get(key), so.get(key), st.get(key)
        sheet = os_ or ts or bs
        assert sheet is not None
        cells, events = _merge_cells(bs.cells if bs else {}, os_.cells if os_ else {}, ts.cells if ts else {}, prefer)
        _record(events, ItemKey.sheet(sheet.name), "", "", applied, conflicts)
        if cells or (os_ is not None and ts is not None):
            sheets.append(ExtraSheet(sheet.name, cells, sheet.visible))
    return tuple(columns), tuple(sheets), applied, conflicts


# (cell key, base, ours, theirs, side): side "ours"/"theirs"/"both" when applied, "conflict" else
Event = tuple[str, str, str, str, str]


def _record(events: list[Event], field: str, table: str, label: str,
            applied: list[AppliedRow], conflicts: list[ConflictRow]) -> None:
    for key, b, o, t, side in events:
        if side.startswith("conflict:"):
            conflicts.append((field, key, b, o, t, side.split(":", 1)[1], table, label))
        else:
            applied.append((field, key, side, b, o if side in ("ours", "both") else t, table, label))


def _order(*maps: Mapping[str, object]) -> list[str]:
    seen: dict[str, None] = {}
    for m in maps:
        for key in m:
            seen.setdefault(key)
    return list(seen)


def _merge_cells(base: Mapping[str, Value], ours: Mapping[str, Value], theirs: Mapping[str, Value],
                 prefer: Side) -> tuple[dict[str, Value], list[Event]]:
    out: dict[str, Value] = {}
    events: list[Event] = []
    for key in _order(ours, theirs, base):
        b, o, t = base.get(key, BLANK), ours.get(key, BLANK), theirs.get(key, BLANK)
        kb, ko, kt = cosmetic_key(b.text), cosmetic_key(o.text), cosmetic_key(t.text)
        if ko == kt:
            chosen = o if prefer == "ours" else t
            if ko != kb:
                events.append((key, b.text, chosen.text, chosen.text, "both"))
        elif ko == kb:
            chosen = t
            events.append((key, b.text, o.text, t.text, "theirs"))
        elif kt == kb:
            chosen = o
            events.append((key, b.text, o.text, t.text, "ours"))
        else:
            chosen = o if prefer == "ours" else t
            events.append((key, b.text, o.text, t.text, "conflict:" + prefer))
        if chosen.text:
            out[key] = chosen
    return out, events


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())
