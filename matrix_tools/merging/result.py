"""What a three-way merge produces: the changes applied, the conflicts to decide, the merged matrix.

Frozen dataclasses only; ``engine`` fills them, ``reports/merge.py`` renders them and the
resolve step reads the decisions back against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
