"""Three-way merge of a State's matrix: last agreed (BASE), experts' copy (OURS), State's return (THEIRS).

Per (field, column), per header item and per added row: unchanged -> base; changed on one side
-> that side; changed the same way on both -> that value; changed differently -> a conflict,
which keeps OURS (or THEIRS with ``prefer="theirs"``) and is listed for the consultation.
Texts are compared with ``normalise.cosmetic_key``, so spacing, case, Unicode form and quotes
never make a conflict; when such texts differ the result says which one was kept.

Nothing is lost: every change either side made is in the merged matrix or in the conflict
list (tests/test_merge_property.py proves it on random edits). Pure logic: no I/O except
reading paths through ``read.load_matrix`` in ``merge``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from matrix_tools import identity
from matrix_tools.identity import StateMismatchError
from matrix_tools.merging.result import ROW_PRESENCE, SIDES, Applied, Conflict, MergeResult, Side
from matrix_tools.merging.text import TextOutcome, merge_text
from matrix_tools.merging.unplaced import merge_unplaced
from matrix_tools.model import (
    BLANK,
    Catalogue,
    HeaderValue,
    ItemKey,
    Matrix,
    State,
    UnknownRow,
    Value,
    key_unknown_rows,
)
from matrix_tools.reading.normalise import cosmetic_key
from matrix_tools.reading.parse import as_matrix

__all__ = [
    "ROW_PRESENCE", "SIDES", "Applied", "Conflict", "MergeResult", "Side",
    "StateMismatchError", "check_same_state", "iter_side_values", "merge", "merge_matrices",
]

def check_same_state(base: Matrix, ours: Matrix, theirs: Matrix) -> None:
    """Refuse to merge matrices whose ISO codes differ (a blank code is not a difference)."""
    identity.check_same_state((("base", base), ("ours", ours), ("theirs", theirs)), job="merge")










def _pick(outcome: TextOutcome, base: Value, ours: Value, theirs: Value, prefer: Side) -> Value:
    if outcome.choice == "base":
        return base
    if outcome.choice == "ours" or (outcome.choice == "both" and prefer == "ours"):
        return ours
    return theirs


def _row_label(catalogue: Catalogue, field_id: str) -> tuple[str, str, str]:
    if not catalogue.has_field(field_id):
        return "", "", ""
    row = catalogue.row(field_id)
    return row.table, row.label, row.number


def _entry_keys(catalogue: Catalogue, matrices: tuple[Matrix, ...]) -> list[tuple[str, str]]:
    """Catalogue keys in workbook order, then any other keys the matrices hold."""
    keys = [(row.field, col.key) for _, row, col in catalogue.iter_keys()]
    seen = set(keys)
    for matrix in matrices:
        for key in matrix.entries:
            if key not in seen:
                seen.add(key)
                keys.append(key)
    return keys


def _merge_entries(
    catalogue: Catalogue, base: Matrix, ours: Matrix, theirs: Matrix, prefer: Side
) -> tuple[dict[tuple[str, str], Value], list[Applied], list[Conflict]]:
    merged: dict[tuple[str, str], Value] = {}
    applied: list[Applied] = []
    conflicts: list[Conflict] = []
    for key in _entry_keys(catalogue, (base, ours, theirs)):
        b, o, t = base.value(*key), ours.value(*key), theirs.value(*key)
        outcome = merge_text(b.text, o.text, t.text, prefer=prefer)
        value = _pick(outcome, b, o, t, prefer)
        if key in base.entries or key in ours.entries or key in theirs.entries or value.text:
            merged[key] = value
        table, label, number = _row_label(catalogue, key[0])
        cell = ""  # the writer places the merged matrix and reports its cells
        if outcome.conflict:
            conflicts.append(
                Conflict(
                    key[0],
                    key[1],
                    b.text,
                    o.text,
                    t.text,
                    prefer,
                    cell,
                    table,
                    label,
                    number,
                    o.cell,
                    t.cell,
                )
            )
        elif outcome.choice != "base":
            applied.append(
                Applied(
                    key[0],
                    key[1],
                    outcome.choice,
                    b.text,
                    value.text,
                    cell,
                    table,
                    label,
                    outcome.note,
                )
            )
    return merged, applied, conflicts


_NO_HEADER = HeaderValue("", "")


def _merge_header(
    catalogue: Catalogue, base: Matrix, ours: Matrix, theirs: Matrix, prefer: Side
) -> tuple[dict[str, HeaderValue], list[Applied], list[Conflict]]:
    keys = [item.key for item in catalogue.header]
    for matrix in (base, ours, theirs):
        keys.extend(k for k in matrix.header if k not in keys)
    merged: dict[str, HeaderValue] = {}
    applied: list[Applied] = []
    conflicts: list[Conflict] = []
    for key in keys:
        b, o, t = (m.header.get(key, _NO_HEADER) for m in (base, ours, theirs))
        outcome = merge_text(b.text, o.text, t.text, prefer=prefer)
        if outcome.choice == "base":
            chosen = b
        elif outcome.choice == "ours" or (outcome.choice == "both" and prefer == "ours"):
            chosen = o
        else:
            chosen = t
        if chosen is not _NO_HEADER:
            merged[key] = chosen
        field = ItemKey.header(key)
        item = catalogue.header_item(key)
        label = item.label if item else key
        cell = ""  # filled in by the writer
        if outcome.conflict:
            conflicts.append(
                Conflict(
                    field,
                    "",
                    b.text,
                    o.text,
                    t.text,
                    prefer,
                    cell,
                    "header",
                    label,
                    "",
                    o.cell,
                    t.cell,
                )
            )
        elif outcome.choice != "base":
            applied.append(
                Applied(
                    field,
                    "",
                    outcome.choice,
                    b.text,
                    chosen.text,
                    cell,
                    "header",
                    label,
                    outcome.note,
                )
            )
    return merged, applied, conflicts


def _row_event(field: str, side: str, what: str, row: UnknownRow) -> Applied:
    """An added row taken over or removed as a whole ("row added", "row removed")."""
    base = "" if what == "row added" else "row present"
    return Applied(field, ROW_PRESENCE, side, base, what, "", row.table, row.label)


def _row_changed(row: UnknownRow, base: UnknownRow) -> bool:
    columns = set(row.values) | set(base.values)
    return any(
        cosmetic_key(row.values.get(c, BLANK).text) != cosmetic_key(base.values.get(c, BLANK).text)
        for c in columns
    )


def _merge_rows(
    base: Matrix, ours: Matrix, theirs: Matrix, prefer: Side
) -> tuple[tuple[UnknownRow, ...], list[Applied], list[Conflict]]:
    rb, ro, rt = (
        key_unknown_rows(base.unknown_rows),
        key_unknown_rows(ours.unknown_rows),
        key_unknown_rows(theirs.unknown_rows),
    )
    order = (
        list(ro) + [k for k in rt if k not in ro] + [k for k in rb if k not in ro and k not in rt]
    )
    merged: list[UnknownRow] = []
    applied: list[Applied] = []
    conflicts: list[Conflict] = []
    for key in order:
        b, o, t = rb.get(key), ro.get(key), rt.get(key)
        field = ItemKey.row(key)
        if o is None and t is None:
            assert b is not None
            applied.append(_row_event(field, "both", "row removed", b))
            continue
        if b is not None and (o is None or t is None):
            present = o if o is not None else t
            assert present is not None
            remover: Side = "theirs" if o is not None else "ours"
            if not _row_changed(present, b):
                applied.append(_row_event(field, remover, "row removed", b))
                continue
            # Removed on one side, changed on the other: keep the changed row so nothing is lost.
            conflicts.append(
                Conflict(
                    field,
                    ROW_PRESENCE,
                    "row present",
                    "row removed" if o is None else "row changed",
                    "row removed" if t is None else "row changed",
                    "ours" if o is not None else "theirs",
                    "",
                    present.table,
                    present.label,
                    present.number,
                )
            )
            merged.append(present)
            continue
        template = o if o is not None else t
        assert template is not None
        columns = list(
            dict.fromkeys(
                [*(b.values if b else {}), *(o.values if o else {}), *(t.values if t else {})]
            )
        )
        values: dict[str, Value] = {}
        for column in columns:
            bv = b.values.get(column, BLANK) if b else BLANK
            ov = o.values.get(column, BLANK) if o else BLANK
            tv = t.values.get(column, BLANK) if t else BLANK
            # A row one side added and the other did not: the missing side is treated as base.
            if b is None and o is None:
                ov = bv
            if b is None and t is None:
                tv = bv
            outcome = merge_text(bv.text, ov.text, tv.text, prefer=prefer)
            value = _pick(outcome, bv, ov, tv, prefer)
            values[column] = value
            if outcome.conflict:
                conflicts.append(
                    Conflict(
                        field,
                        column,
                        bv.text,
                        ov.text,
                        tv.text,
                        prefer,
                        "",
                        template.table,
                        template.label,
                        template.number,
                        ov.cell,
                        tv.cell,
                    )
                )
            elif outcome.choice != "base":
                applied.append(
                    Applied(
                        field,
                        column,
                        outcome.choice,
                        bv.text,
                        value.text,
                        "",
                        template.table,
                        template.label,
                        outcome.note,
                    )
                )
        if b is None:
            adder = (
                "both" if o is not None and t is not None else "ours" if o is not None else "theirs"
            )
            applied.append(_row_event(field, adder, "row added", template))
        merged.append(replace(template, values=values))
    return tuple(merged), applied, conflicts


def merge_matrices(
    base: Matrix,
    ours: Matrix,
    theirs: Matrix,
    *,
    prefer: Side = "ours",
    catalogue: Catalogue | None = None,
) -> MergeResult:
    """Merge three in-memory matrices; see the module docstring for the rules.

    Raises StateMismatchError when the matrices name different States (ISO codes).
    """
    if prefer not in SIDES:
        raise ValueError(f"prefer must be 'ours' or 'theirs', not {prefer!r}")
    check_same_state(base, ours, theirs)
    cat = catalogue or ours.catalogue
    entries, applied, conflicts = _merge_entries(cat, base, ours, theirs, prefer)
    header, h_applied, h_conflicts = _merge_header(cat, base, ours, theirs, prefer)
    rows, r_applied, r_conflicts = _merge_rows(base, ours, theirs, prefer)
    state = State(
        header["state"].text if "state" in header else ours.state.name,
        header["iso3"].text if "iso3" in header else ours.state.iso3,
    )
    sheets = {t.id: t.sheet for t in cat.tables}
    # Inserted columns and added sheets (merging/unplaced.py): merged cell by cell too.
    columns, extra, u_applied, u_conflicts = merge_unplaced(base, ours, theirs, prefer)
    r_applied += [Applied(f, c, side, b, v, "", table, label) for f, c, side, b, v, table, label in u_applied]
    r_conflicts += [Conflict(f, c, b, o, t, kept, "", table, label) for f, c, b, o, t, kept, table, label in u_conflicts]
    matrix = Matrix(
        catalogue=cat, state=state, header=header, entries=entries, unknown_rows=rows, sheets=sheets,
        unknown_columns=columns, extra_sheets=extra,
    )
    return MergeResult(
        matrix=matrix,
        applied=tuple(h_applied + applied + r_applied),
        conflicts=tuple(h_conflicts + conflicts + r_conflicts),
        prefer=prefer,
        base=base,
        ours=ours,
        theirs=theirs,
    )


MatrixOrPath = Matrix | str | Path


def merge(
    base: MatrixOrPath,
    ours: MatrixOrPath,
    theirs: MatrixOrPath,
    *,
    prefer: Side = "ours",
    catalogue: Catalogue | None = None,
) -> MergeResult:
    """Three-way merge of BASE (last agreed), OURS (experts' copy) and THEIRS (State's return).

    Each argument is a ``Matrix`` or a workbook path (read with ``read.load_matrix``). Returns
    the merged matrix, the applied changes and the conflicts; writes nothing (see
    ``render_merge.write_merge_workbook``).
    """

    return merge_matrices(
        as_matrix(base, catalogue),
        as_matrix(ours, catalogue),
        as_matrix(theirs, catalogue),
        prefer=prefer,
        catalogue=catalogue,
    )


def iter_side_values(matrix: Matrix) -> Mapping[str, str]:
    """Every value of a matrix under a flat key (entries, header, added rows): for checks and tests."""
    out: dict[str, str] = {f"{f}|{c}": v.text for (f, c), v in matrix.entries.items()}
    out.update({f"{ItemKey.header(k)}|": v.text for k, v in matrix.header.items()})
    for key, row in key_unknown_rows(matrix.unknown_rows).items():
        out.update({f"{ItemKey.row(key)}|{c}": v.text for c, v in row.values.items()})
    return out
