"""A diff as plain data: the JSON contract of ``diff --format json`` (schemas/diff.schema.json).

The one place that turns a ``DiffResult`` into dicts (``DiffResult.to_dict()`` calls it); the
JSON, Markdown and HTML renderers read the same dict, so every format shows the same facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matrix_tools.reading.normalise import format_dates

if TYPE_CHECKING:
    from matrix_tools.diffing.result import (
        Change,
        ConsultationPoint,
        DiffResult,
        HeaderChange,
        Side,
        UnknownRowChange,
        UnplacedChange,
    )

def side_to_dict(side: Side) -> dict[str, Any]:
    return {
        "file": side.name,
        "path": side.path,
        "sha256": side.sha256,
        "size": side.size,
        "state": {"name": side.state, "iso3": side.iso3},
        "title": side.title,
        "catalogue": side.catalogue,
        "dates": {key: [d.isoformat() for d in dates] for key, dates in side.dates.items()},
        "dates_text": {key: format_dates(dates) for key, dates in side.dates.items()},
    }


def change_to_dict(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "field": change.field,
        "column": change.column,
        "kind": change.kind,
        "old": change.old,
        "new": change.new,
        "old_cell": change.old_cell,
        "new_cell": change.new_cell,
        "table": change.table,
        "row_number": change.row_number,
        "label": change.label,
        "column_caption": change.column_caption,
        "column_kind": change.column_kind.value,
        "cosmetic": change.cosmetic,
        "concern": change.concern,
    }
    if change.transition is not None:
        out["transition"] = change.transition
        out["old_mark"], out["new_mark"] = change.transition.split("->", 1)
    if change.meaning is not None:
        out["meaning"] = change.meaning
    if change.words:
        out["words"] = [{"op": s.op, "text": s.text} for s in change.words]
    if change.old_field is not None:
        out["old_field"] = change.old_field
    for side, formula in (("old_formula", change.old_formula), ("new_formula", change.new_formula)):
        if formula is not None:
            out[side] = formula
    if change.template is not None:
        out["template"] = change.template
    if change.cosmetic:
        out["old_original"] = change.old_raw if change.old_raw is not None else change.old
        out["new_original"] = change.new_raw if change.new_raw is not None else change.new
    if change.row_deleted:
        out["row_deleted"] = True
    return out


def header_change_to_dict(change: HeaderChange) -> dict[str, Any]:
    return {
        "key": change.key,
        "label": change.label,
        "kind": change.kind,
        "old": change.old,
        "new": change.new,
        "old_cell": change.old_cell,
        "new_cell": change.new_cell,
        "old_dates": [d.isoformat() for d in change.old_dates],
        "new_dates": [d.isoformat() for d in change.new_dates],
        "cosmetic": change.cosmetic,
    }


def unknown_row_to_dict(change: UnknownRowChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "table": change.table,
        "sheet": change.sheet,
        "label": change.label,
        "old_row": change.old_row,
        "new_row": change.new_row,
        "old_values": dict(change.old_values),
        "new_values": dict(change.new_values),
        **({"duplicate_of": change.duplicate_of} if change.duplicate_of else {}),
    }


def unplaced_to_dict(change: UnplacedChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "place": change.place,
        "name": change.name,
        "table": change.table,
        "item": change.item,
        "label": change.label,
        "old": change.old,
        "new": change.new,
        "old_cell": change.old_cell,
        "new_cell": change.new_cell,
    }


def point_to_dict(point: ConsultationPoint) -> dict[str, Any]:
    return {
        "topic": point.topic,
        "table": point.table,
        "row_number": point.row_number,
        "label": point.label,
        "field": point.field,
        "column": point.column_key,
        "column_caption": point.column,
        "old": point.old,
        "new": point.new,
        "cell": point.cell,
        "question": point.question,
    }


def diff_to_dict(result: DiffResult) -> dict[str, Any]:
    """The diff as JSON-ready data (schemas/diff.schema.json)."""
    headers = list(result.header_changes)
    if result.include_cosmetic:
        headers += list(result.cosmetic_headers)
    return {
        "old": side_to_dict(result.old),
        "new": side_to_dict(result.new),
        "changes": [change_to_dict(c) for c in result.changes],
        "header_changes": [header_change_to_dict(h) for h in headers],
        "unknown_rows": [unknown_row_to_dict(u) for u in result.unknown_rows],
        "unplaced": [unplaced_to_dict(u) for u in result.unplaced],
        "template_fields": [
            {"field": t.field, "side": t.side, "table": t.table, "row_number": t.row_number, "label": t.label}
            for t in result.template_fields
        ],
        "tables": [{"id": t, "title": result.table_titles.get(t, t)} for t in result.table_order],
        "consultation": [point_to_dict(p) for p in result.consultation],
        "summary": result.summary(),
    }
