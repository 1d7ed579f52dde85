"""Compare two versions of a State's matrix, cell by cell, keyed by (field, column).

Identity is the catalogue's field id, never a row position: rows a State inserted or moved,
sheets renamed or reordered and columns inserted cause no false changes (the reader already
found each value by content). Edits of spacing, NBSP, Unicode form or letter case are
*cosmetic*: counted, listed only on request. When the two versions were read with different
catalogues, fields are matched through the catalogue's ``formerly`` renames, and a field
present on one side only is flagged as a template change, not as an edit by the State.

    >>> result = diff("testland-2013.xlsx", "testland-2024.xlsx")   # doctest: +SKIP
    >>> [(c.field, c.column, c.transition) for c in result.changes]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from matrix_tools.diffing.consultation import iter_consultation_points
from matrix_tools.diffing.result import (
    KINDS,
    Change,
    DiffResult,
    HeaderChange,
    Kind,
    Side,
    TemplateField,
    TemplateSide,
    UnknownRowChange,
    UnplacedChange,
    describe_side,
)
from matrix_tools.diffing.transitions import describe_transition
from matrix_tools.diffing.unplaced import compare_unplaced
from matrix_tools.diffing.worddiff import diff_words
from matrix_tools.identity import check_same_state
from matrix_tools.model import (
    BLANK,
    Catalogue,
    ColumnKind,
    Matrix,
    UnknownRow,
    Value,
    key_unknown_rows,
)
from matrix_tools.reading.normalise import cosmetic_key
from matrix_tools.reading.parse import as_matrix

__all__ = [
    "KINDS", "Change", "DiffResult", "HeaderChange", "Kind", "Side", "TemplateField", "TemplateSide",
    "UnknownRowChange", "UnplacedChange", "compare_matrices", "describe_side", "diff",
]

# --- engine ------------------------------------------------------------------------------


def diff(
    old: Matrix | str | Path,
    new: Matrix | str | Path,
    *,
    include_cosmetic: bool = False,
    catalogue: Catalogue | None = None,
) -> DiffResult:
    """Compare two versions of a State's matrix (``Matrix`` objects or workbook paths).

    Paths are read with ``matrix_tools.reading.parse.load_matrix(path, catalogue)``. Changes come in the
    new catalogue's order (table, row, column); cosmetic edits are listed only when
    ``include_cosmetic`` is true, and are always counted in ``summary()["cosmetic"]``.
    Raises StateMismatchError (exit 2) when the two are matrices of different States.
    """

    old_m = as_matrix(old, catalogue)
    new_m = as_matrix(new, catalogue)
    check_same_state((("old", old_m), ("new", new_m)), job="compare")
    return compare_matrices(old_m, new_m, include_cosmetic=include_cosmetic)


def compare_matrices(old: Matrix, new: Matrix, *, include_cosmetic: bool = False) -> DiffResult:
    """The engine behind :func:`diff`, on two matrices already read."""
    pairs, template_fields = _pair_fields(old, new)
    # Rows of the new catalogue the reader did not find: the State deleted them.
    deleted = {o.field for o in new.observations if o.code == "field-missing"}
    changes: list[Change] = []
    cosmetic: list[Change] = []
    for (old_field, new_field), side in pairs:
        cat = new.catalogue if new_field is not None else old.catalogue
        fid = new_field if new_field is not None else old_field
        assert fid is not None
        table = cat.table_of(fid)
        row = cat.row(fid)
        for col in table.columns:
            ov = old.entries.get((old_field, col.key), BLANK) if old_field else BLANK
            nv = new.entries.get((new_field, col.key), BLANK) if new_field else BLANK
            change = _compare_values(ov, nv, col.kind)
            if change is None:
                continue
            kind, is_cosmetic = change
            extra: dict[str, Any] = {}
            if col.kind is ColumnKind.MARK:
                tr = describe_transition(
                    ov.text, nv.text, old_recognised=ov.recognised, new_recognised=nv.recognised
                )
                extra = {"transition": tr.code, "meaning": tr.meaning, "concern": tr.concern and not side}
            elif kind == "changed" and not is_cosmetic:
                extra = {"words": diff_words(ov.text, nv.text)}
            if is_cosmetic:
                extra["meaning"] = "cosmetic: only spacing, letter case, quotes or Unicode form differ"
                extra["concern"] = False
            item = Change(
                field=fid,
                column=col.key,
                kind=kind,
                old=ov.text,
                new=nv.text,
                old_cell=ov.cell,
                new_cell=nv.cell,
                table=table.id,
                row_number=row.number,
                label=row.label,
                column_caption=col.caption,
                column_kind=col.kind,
                cosmetic=is_cosmetic,
                old_field=old_field if old_field and new_field and old_field != new_field else None,
                template=side,
                old_raw=ov.raw if is_cosmetic else None,
                new_raw=nv.raw if is_cosmetic else None,
                old_formula=ov.formula,
                new_formula=nv.formula,
                row_deleted=new_field in deleted and kind == "removed",
                **extra,
            )
            (cosmetic if is_cosmetic else changes).append(item)
    headers, cosmetic_headers = _compare_headers(old, new)
    listed = tuple(changes) if not include_cosmetic else tuple(_in_order(changes + cosmetic, pairs))
    order = tuple(t.id for t in new.catalogue.tables) + tuple(
        t.id for t in old.catalogue.tables if t.id not in {x.id for x in new.catalogue.tables}
    )
    titles = {t.id: t.display for t in (*old.catalogue.tables, *new.catalogue.tables)}
    result = DiffResult(
        old=describe_side(old),
        new=describe_side(new),
        changes=listed,
        header_changes=tuple(headers),
        unknown_rows=tuple(_compare_unknown_rows(old.unknown_rows, new.unknown_rows)),
        cosmetic=tuple(cosmetic),
        cosmetic_headers=tuple(cosmetic_headers),
        template_fields=tuple(template_fields),
        include_cosmetic=include_cosmetic,
        table_order=order,
        table_titles=titles,
        old_matrix=old,
        new_matrix=new,
        unplaced=compare_unplaced(old, new),
    )
    return replace(result, consultation=tuple(iter_consultation_points(result)))


def _in_order(items: list[Change], pairs: list[tuple[tuple[str | None, str | None], Any]]) -> list[Change]:
    rank = {(o if n is None else n): i for i, ((o, n), _) in enumerate(pairs)}
    return sorted(items, key=lambda c: rank.get(c.field, len(rank)))


def _compare_values(old: Value, new: Value, kind: ColumnKind) -> tuple[Kind, bool] | None:
    """(kind, cosmetic?) for two values of one cell, or None when they are the same."""
    if old.text == new.text:
        # Same after the reader's normalisation; a different original spelling (NBSP,
        # "x" for "X") is a cosmetic edit.
        if old.original != new.original and (old.original or new.original):
            return "changed", True
        return None
    if not old.text:
        return "added", False
    if not new.text:
        return "removed", False
    comparable_as_text = kind is ColumnKind.TEXT or not (old.recognised and new.recognised)
    return "changed", comparable_as_text and cosmetic_key(old.text) == cosmetic_key(new.text)


def _pair_fields(
    old: Matrix, new: Matrix
) -> tuple[list[tuple[tuple[str | None, str | None], TemplateSide | None]], list[TemplateField]]:
    """Pairs (old field id, new field id) in report order, and fields on one side only.

    The new catalogue leads. An old id is mapped with ``new.catalogue.current_id`` (which
    follows ``formerly`` renames); when the new matrix was read with an *older* catalogue,
    the reverse mapping is tried too.
    """
    oc, nc = old.catalogue, new.catalogue
    same = oc is nc or (oc.ref == nc.ref and oc.source == nc.source)
    old_fields = [row.field for _, row in oc.iter_rows()]
    new_fields = [row.field for _, row in nc.iter_rows()]
    if same:
        return [((f, f), None) for f in new_fields], []
    old_for_new: dict[str, str] = {}
    for f in old_fields:
        target = nc.current_id(f)
        if target is not None and target not in old_for_new:
            old_for_new[target] = f
    for g in new_fields:  # the new matrix uses an older name of an old field
        if g not in old_for_new:
            source = oc.current_id(g)
            if source is not None and source not in old_for_new.values():
                old_for_new[g] = source
    pairs: list[tuple[tuple[str | None, str | None], TemplateSide | None]] = []
    only: list[TemplateField] = []
    for g in new_fields:
        match = old_for_new.get(g)
        pairs.append(((match, g), None if match else "only-in-new-template"))
        if match is None:
            only.append(_template_field(nc, g, "only-in-new-template"))
    paired = set(old_for_new.values())
    for f in old_fields:
        if f not in paired:
            pairs.append(((f, None), "only-in-old-template"))
            only.append(_template_field(oc, f, "only-in-old-template"))
    return pairs, only


def _template_field(cat: Catalogue, fid: str, side: TemplateSide) -> TemplateField:
    row = cat.row(fid)
    return TemplateField(fid, side, cat.table_of(fid).id, row.number, row.label)


def _compare_headers(old: Matrix, new: Matrix) -> tuple[list[HeaderChange], list[HeaderChange]]:
    """Header items that differ; dates are compared as dates, not as text."""
    keys: list[str] = [h.key for h in new.catalogue.header]
    for key in (*old.header, *new.header):
        if key not in keys:
            keys.append(key)
    real: list[HeaderChange] = []
    cosmetic: list[HeaderChange] = []
    for key in keys:
        ov, nv = old.header.get(key), new.header.get(key)
        otext = ov.text if ov else ""
        ntext = nv.text if nv else ""
        odates = ov.dates if ov else ()
        ndates = nv.dates if nv else ()
        if otext == ntext:
            continue
        is_dates = bool(odates or ndates) and not (ov and ov.unparsed) and not (nv and nv.unparsed)
        same = odates == ndates if is_dates else cosmetic_key(otext) == cosmetic_key(ntext)
        kind: Kind = "added" if not otext else "removed" if not ntext else "changed"
        item = new.catalogue.header_item(key) or old.catalogue.header_item(key)
        change = HeaderChange(
            key=key,
            label=(item.label if item else key).rstrip(":"),
            kind=kind,
            old=otext,
            new=ntext,
            old_cell=ov.cell if ov else "",
            new_cell=nv.cell if nv else "",
            old_dates=odates,
            new_dates=ndates,
            cosmetic=same,
        )
        (cosmetic if same else real).append(change)
    return real, cosmetic


def _row_values(row: UnknownRow) -> dict[str, str]:
    return {key: value.text for key, value in row.values.items() if value.text}


def _compare_unknown_rows(old: tuple[UnknownRow, ...], new: tuple[UnknownRow, ...]) -> Iterator[UnknownRowChange]:
    """Rows outside the catalogue, matched by table + label (their row numbers shift)."""
    old_by_key = key_unknown_rows(old)
    new_by_key = key_unknown_rows(new)
    for key, row in new_by_key.items():
        before = old_by_key.get(key)
        if before is None:
            yield UnknownRowChange("added", row.table, row.label, None, row.row, row.sheet, {}, _row_values(row),
                                   row.duplicate_of)
            continue
        ob, nb = _row_values(before), _row_values(row)
        if {k: cosmetic_key(v) for k, v in ob.items()} != {k: cosmetic_key(v) for k, v in nb.items()}:
            yield UnknownRowChange("changed", row.table, row.label, before.row, row.row, row.sheet, ob, nb,
                                   row.duplicate_of)
    for key, row in old_by_key.items():
        if key not in new_by_key:
            yield UnknownRowChange("removed", row.table, row.label, row.row, None, row.sheet, _row_values(row), {},
                                   row.duplicate_of)
