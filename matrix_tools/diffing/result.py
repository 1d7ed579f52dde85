"""What a diff finds: changes of cells, header items and added rows, and the result as a whole.

Frozen dataclasses only; the engine that fills them is ``diff.py``, the renderers read them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from matrix_tools.diffing.worddiff import Segment
from matrix_tools.model import ColumnKind, HeaderKind, Matrix
from matrix_tools.wording import count_phrase

Kind = Literal["added", "removed", "changed"]
TemplateSide = Literal["only-in-old-template", "only-in-new-template"]
KINDS: tuple[Kind, ...] = ("added", "removed", "changed")


@dataclass(frozen=True)
class Change:
    """One cell that differs between the old and the new matrix."""

    field: str  # field id in the new catalogue (the old one when the field is only in the old)
    column: str
    kind: Kind
    old: str
    new: str
    old_cell: str
    new_cell: str
    table: str
    row_number: str
    label: str
    column_caption: str
    column_kind: ColumnKind
    transition: str | None = None  # mark columns: "X->?"
    meaning: str | None = None
    concern: bool = False  # a measure removed or downgraded: to raise at the consultation
    cosmetic: bool = False
    words: tuple[Segment, ...] = ()  # text columns, kind "changed": the word-level diff
    old_field: str | None = None  # the field's id in the old catalogue when it was renamed
    template: TemplateSide | None = None  # the field exists on one side only (template changed)
    old_raw: str | None = None  # original spelling when it differs from ``old`` (cosmetic edits)
    new_raw: str | None = None
    old_formula: str | None = None  # the formula a side's cell holds (``old``/``new`` are its values)
    new_formula: str | None = None

    @property
    def formula_note(self) -> str:
        """'formula in the new file: =...' (plain text) when a side's cell holds a formula."""
        parts = [f"formula in the {side} file: {f}" for side, f in (("old", self.old_formula),
                                                                     ("new", self.new_formula)) if f]
        return "; ".join(parts)
    row_deleted: bool = False  # the State deleted the field's whole row from the new workbook

    def flags(self, code: str = "{}") -> list[str]:
        """Short tags for a report line: cosmetic, template change, renamed field
        (``code`` formats the old field id, e.g. "`{}`" in Markdown)."""
        out = []
        if self.row_deleted:
            out.append("row deleted by the State")
        if self.cosmetic:
            out.append("cosmetic")
        if self.template:
            out.append(self.template.replace("-", " "))
        if self.old_field:
            out.append("was " + code.format(self.old_field))
        return out


@dataclass(frozen=True)
class HeaderChange:
    """A header item (State name, dates of reports, date of approval) that differs."""

    key: str
    label: str
    kind: Kind
    old: str
    new: str
    old_cell: str
    new_cell: str
    old_dates: tuple[dt.date, ...] = ()
    new_dates: tuple[dt.date, ...] = ()
    cosmetic: bool = False


@dataclass(frozen=True)
class UnknownRowChange:
    """A row the catalogue does not know (inserted by the State) that appeared, vanished or changed."""

    kind: Kind
    table: str
    label: str
    old_row: int | None
    new_row: int | None
    sheet: str
    old_values: Mapping[str, str]
    new_values: Mapping[str, str]
    duplicate_of: str = ""  # field id when the row is a copy of a catalogue row


UnplacedPlace = Literal["column", "sheet"]


@dataclass(frozen=True)
class UnplacedChange:
    """One cell the catalogue has no place for that appeared, vanished or changed: in a column
    the State inserted into a table, or on a worksheet that holds no table (notes it added)."""

    kind: Kind
    place: UnplacedPlace
    name: str  # the column's caption, or the worksheet's name
    table: str  # the table the column is in ("" for a worksheet)
    item: str  # the field id of the row the cell stands in (column), or "A3" (worksheet)
    label: str  # that row's label (column); "" for a worksheet
    old: str
    new: str
    old_cell: str
    new_cell: str


@dataclass(frozen=True)
class Side:
    """What identifies one of the two versions in a report."""

    name: str  # file name ("" for an in-memory matrix)
    path: str
    sha256: str
    size: int | None
    state: str
    iso3: str
    catalogue: str  # "un1540-matrix 2013.1"
    dates: Mapping[str, tuple[dt.date, ...]]  # header date items -> dates
    title: str


@dataclass(frozen=True)
class TemplateField:
    """A field that exists in one catalogue only: the template changed between versions."""

    field: str
    side: TemplateSide
    table: str
    row_number: str
    label: str


@dataclass(frozen=True)
class ConsultationPoint:
    """One question for the bilateral consultation, with where to find it in the new workbook."""

    topic: str
    table: str
    row_number: str
    label: str
    column: str  # caption of the column concerned ("" for a whole row)
    old: str
    new: str
    cell: str  # in the new workbook ("" when the cell is gone)
    question: str
    field: str = ""  # field id ("" for a row outside the template)
    column_key: str = ""  # column key ("" for a whole row)


@dataclass(frozen=True)
class DiffResult:
    """Everything the change report shows. ``changes`` leaves cosmetic edits out unless asked."""

    old: Side
    new: Side
    changes: tuple[Change, ...]
    header_changes: tuple[HeaderChange, ...]
    unknown_rows: tuple[UnknownRowChange, ...]
    cosmetic: tuple[Change, ...]  # every cosmetic cell edit, listed in ``changes`` or not
    cosmetic_headers: tuple[HeaderChange, ...]
    template_fields: tuple[TemplateField, ...]
    include_cosmetic: bool
    table_order: tuple[str, ...]
    table_titles: Mapping[str, str] = field(default_factory=dict)
    # The matrices compared, for reports that show the new matrix (xlsx) or look up a
    # value that did not change (consultation points); not part of equality or repr.
    old_matrix: Matrix | None = field(default=None, compare=False, repr=False)
    new_matrix: Matrix | None = field(default=None, compare=False, repr=False)
    unplaced: tuple[UnplacedChange, ...] = ()  # inserted columns, added sheets (diffing/unplaced.py)
    # What to raise with the State, computed once by the engine (diffing/consultation.py).
    consultation: tuple[ConsultationPoint, ...] = ()

    def __repr__(self) -> str:
        """One line for the prompt: the two files and the counts (not every change)."""
        s = self.summary()
        unknown = sum(s["unknown_rows"].values())
        parts = [count_phrase(s["changes"], "cell"), count_phrase(s["header_changes"], "header item"),
                 count_phrase(unknown, "row outside the template", "rows outside the template")]
        return (
            f"<DiffResult {self.old.name or '(in memory)'!r} -> {self.new.name or '(in memory)'!r}: "
            f"{count_phrase(s['total'], 'change')} ({', '.join(parts)}), {count_phrase(s['cosmetic'], 'cosmetic edit')}>"
        )

    @property
    def real_changes(self) -> tuple[Change, ...]:
        """Changes that are not cosmetic."""
        return tuple(c for c in self.changes if not c.cosmetic)

    @property
    def date_labels(self) -> dict[str, str]:
        """Header date item key -> its label, as the catalogue names it ("Date of Report")."""
        matrix = self.new_matrix or self.old_matrix
        if matrix is None:
            return {}
        return {item.key: item.label.rstrip(":") for item in matrix.catalogue.header
                if item.kind in (HeaderKind.DATE, HeaderKind.DATE_LIST)}

    @property
    def has_differences(self) -> bool:
        """True when anything but cosmetic edits differs (the test of ``--fail-if-diff``)."""
        return bool(self.real_changes or self.header_changes or self.unknown_rows or self.unplaced)

    def iter_tables(self) -> Iterator[tuple[str, str, list[Change]]]:
        """(table id, title, its listed changes) for each table with changes, in workbook order."""
        by_table: dict[str, list[Change]] = {}
        for change in self.changes:
            by_table.setdefault(change.table, []).append(change)
        for table in self.table_order:
            if by_table.get(table):
                yield table, self.table_titles.get(table, table), by_table[table]

    def summary(self) -> dict[str, Any]:
        """Counts per kind, per table, per transition; cosmetic and header counts."""
        real = self.real_changes
        by_table: dict[str, dict[str, int]] = {}
        for table in self.table_order:
            by_table[table] = {kind: 0 for kind in KINDS} | {"total": 0}
        for change in real:
            counts = by_table.setdefault(change.table, {kind: 0 for kind in KINDS} | {"total": 0})
            counts[change.kind] += 1
            counts["total"] += 1
        kinds = Counter(c.kind for c in real)
        unknown = Counter(u.kind for u in self.unknown_rows)
        unplaced = Counter(u.kind for u in self.unplaced)
        unknown_total = sum(unknown.values())
        return {
            "identical": not self.has_differences and not self.cosmetic and not self.cosmetic_headers,
            "has_differences": self.has_differences,
            # The one count every report and the batch summary use: cells + header items + rows
            # outside the template + cells of inserted columns and added sheets (cosmetic edits
            # are counted apart).
            "total": len(real) + len(self.header_changes) + unknown_total + len(self.unplaced),
            "changes": len(real),
            "by_kind": {kind: kinds.get(kind, 0) for kind in KINDS},
            "by_table": by_table,
            "transitions": dict(sorted(Counter(c.transition for c in real if c.transition).items())),
            "concerns": sum(1 for c in real if c.concern),
            "cosmetic": len(self.cosmetic) + len(self.cosmetic_headers),
            "cosmetic_listed": self.include_cosmetic,
            "header_changes": len(self.header_changes),
            "unknown_rows": {kind: unknown.get(kind, 0) for kind in KINDS},
            "unplaced": {kind: unplaced.get(kind, 0) for kind in KINDS},
            "template_fields": len(self.template_fields),
            "renamed_fields": len({c.old_field for c in real if c.old_field}),
            "rows_deleted": len({c.field for c in real if c.row_deleted}),
            "consultation_points": len(self.consultation),
        }

    def to_dict(self) -> dict[str, Any]:
        """The diff as JSON-ready data, exactly what ``diff --format json`` writes
        (schemas/diff.schema.json)."""
        from matrix_tools.diffing.plain import diff_to_dict  # plain.py reads these types: no cycle

        return diff_to_dict(self)


def describe_side(matrix: Matrix) -> Side:
    """The identification of one version: file, checksum, State, catalogue, dates."""
    src = matrix.source
    dates = {key: value.dates for key, value in matrix.header.items() if value.dates}
    title = matrix.header["title"].text if "title" in matrix.header else ""
    return Side(
        name=src.name if src else "",
        path=src.path if src else "",
        sha256=src.sha256 if src else "",
        size=src.size if src else None,
        state=matrix.state.name,
        iso3=matrix.state.iso3,
        catalogue=matrix.catalogue.ref,
        dates=dates,
        title=title,
    )
