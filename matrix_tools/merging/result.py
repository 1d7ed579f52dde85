"""What a three-way merge produces: the changes applied, the conflicts to decide, the merged matrix.

Frozen dataclasses only; the engine that fills them is ``merging/engine.py``, ``reports/merge.py``
renders them and the resolve step reads the decisions back against them. Cells are those
of the merged workbook as its writer placed them (``reports/merge.write_merge_workbook``
returns the result with them filled in): the engine does not predict them, so "" means the
result has not been written yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from matrix_tools.model import ItemKey, Matrix

Side = Literal["ours", "theirs"]
SIDES: tuple[Side, ...] = ("ours", "theirs")
ROW_PRESENCE = "(row)"  # the pseudo-column of a conflict about a whole added row


@dataclass(frozen=True)
class Applied:
    """A change taken into the merged matrix without conflict."""

    field: str  # an ItemKey: catalogue field id, header item or inserted row
    column: str
    side: str  # "ours", "theirs" or "both"
    base: str
    value: str  # the text now in the merged matrix
    cell: str  # where it sits in the merged workbook (catalogue layout); "" when unknown
    table: str = ""
    label: str = ""
    note: str = ""  # e.g. which text was kept when the two sides differ only cosmetically


@dataclass(frozen=True)
class Conflict:
    """A cell both sides changed differently: the agenda item for the consultation."""

    field: str
    column: str
    base: str
    ours: str
    theirs: str
    kept: str  # "ours" or "theirs"
    cell: str
    table: str = ""
    label: str = ""
    row_number: str = ""
    ours_cell: str = ""
    theirs_cell: str = ""

    @property
    def kept_text(self) -> str:
        return self.ours if self.kept == "ours" else self.theirs


@dataclass(frozen=True)
class MergeResult:
    """The merged matrix, what was applied, and the conflicts to decide."""

    matrix: Matrix
    applied: tuple[Applied, ...]
    conflicts: tuple[Conflict, ...]
    prefer: Side
    base: Matrix
    ours: Matrix
    theirs: Matrix

    @property
    def has_conflicts(self) -> bool:
        return bool(self.conflicts)

    def to_dict(self, *, output: str | Path | None = None) -> dict[str, Any]:
        """The merge as JSON-ready data, what ``merge --format json`` writes
        (schemas/merge.schema.json); ``output`` names the merged workbook written."""
        return merge_report(self, output=output)

    def __repr__(self) -> str:
        """One line for the prompt: the State and the counts (not the three matrices)."""
        state = self.matrix.state
        iso = f" ({state.iso3})" if state.iso3 else ""
        return (
            f"<MergeResult for {state.name or '(no State name)'}{iso}: {len(self.applied)} changes applied, "
            f"{len(self.conflicts)} conflict{'' if len(self.conflicts) == 1 else 's'} (kept {self.prefer})>"
        )

    def summary(self) -> dict[str, int | str]:
        """Counts for reports: applied per side, conflicts, cosmetic choices."""
        counts: dict[str, int | str] = {
            "applied": len(self.applied),
            "applied_ours": sum(1 for a in self.applied if a.side == "ours"),
            "applied_theirs": sum(1 for a in self.applied if a.side == "theirs"),
            "applied_both": sum(1 for a in self.applied if a.side == "both"),
            "cosmetic": sum(1 for a in self.applied if a.note),
            "conflicts": len(self.conflicts),
            "header_conflicts": sum(1 for c in self.conflicts if ItemKey.is_header(c.field)),
            "rows_added": sum(
                1 for a in self.applied if a.column == ROW_PRESENCE and a.value == "row added"
            ),
            "prefer": self.prefer,
        }
        return counts


# --- as plain data (the JSON contract) -----------------------------------------------------


def source_path(matrix: Matrix) -> str:
    return matrix.source.path if matrix.source else ""


def _side_info(matrix: Matrix) -> dict[str, Any]:
    return {"path": source_path(matrix) or None, "state": matrix.state.name, "iso3": matrix.state.iso3}


def row_number(result: MergeResult, item: Applied | Conflict) -> str:
    """The row number the matrix prints for an item's field ("" for header items and added rows)."""
    catalogue = result.matrix.catalogue
    if catalogue.has_field(item.field):
        return catalogue.row(item.field).number
    return ""


def merge_report(result: MergeResult, *, output: str | Path | None = None) -> dict[str, Any]:
    """The merge report as plain data (the JSON contract, schemas/merge.schema.json)."""
    return {
        "output": str(output) if output is not None else None,
        "base": _side_info(result.base),
        "ours": _side_info(result.ours),
        "theirs": _side_info(result.theirs),
        "prefer": result.prefer,
        "catalogue": {"id": result.matrix.catalogue.id, "version": result.matrix.catalogue.version},
        "applied": [
            {
                "field": a.field,
                "column": a.column,
                "side": a.side,
                "base": a.base,
                "value": a.value,
                "cell": a.cell,
                "table": a.table,
                "label": a.label,
                "row_number": row_number(result, a),
                "note": a.note,
            }
            for a in result.applied
        ],
        "conflicts": [
            {
                "field": c.field,
                "column": c.column,
                "base": c.base,
                "ours": c.ours,
                "theirs": c.theirs,
                "kept": c.kept,
                "kept_value": c.kept_text,
                "cell": c.cell,
                "table": c.table,
                "label": c.label,
                "row_number": c.row_number,
                "ours_cell": c.ours_cell,
                "theirs_cell": c.theirs_cell,
            }
            for c in result.conflicts
        ],
        "summary": result.summary(),
    }
