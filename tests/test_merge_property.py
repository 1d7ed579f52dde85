"""Nothing is lost: every change of OURS and THEIRS is in the merged matrix or in the conflicts.

Random edits (marks, texts, cosmetic variants, header items, added rows) of one base matrix
are merged; for every value either side changed, the merged value equals it (up to cosmetic
differences) or a conflict lists it. Unchanged values stay as in base.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import build_matrix
from helpers_merge import added_row
from matrix_tools.catalogue import load_catalogue
from matrix_tools.merging.engine import iter_side_values, merge
from matrix_tools.model import HeaderValue, Matrix
from matrix_tools.reading.normalise import cosmetic_key

CATALOGUE = load_catalogue()
# A small pool of keys so that both sides often touch the same cell.
KEYS = [
    ("OP1.npt", "status"),
    ("OP1.npt", "info"),
    ("OP1.cwc", "status"),
    ("OP2.NW.manufacture", "status"),
    ("OP2.NW.manufacture", "source"),
    ("OP2.NW.manufacture", "enforcement"),
]
HEADER_KEYS = ["date_of_report", "dates_of_additional_reports", "title"]
ROW_LABELS = ["Comment", "comment", "Note of the State"]
TEXTS = st.sampled_from(
    [
        "",
        "X",
        "?",
        "NA",
        "x",
        "Act 1954",
        "act  1954",
        "ACT 1954",
        "Act 2001",
        "Deposit 5 March 1970",
    ]
)

edits = st.dictionaries(st.sampled_from(KEYS), TEXTS, max_size=5)
header_edits = st.dictionaries(st.sampled_from(HEADER_KEYS), TEXTS, max_size=2)
row_edits = st.dictionaries(st.sampled_from(ROW_LABELS), TEXTS, max_size=2)


def edited(base: Matrix, cells: dict, header: dict, rows: dict) -> Matrix:
    entries = dict(base.entries)
    for key, text in cells.items():
        entries[key] = replace(entries[key], text=text)
    head = dict(base.header)
    for key, text in header.items():
        head[key] = HeaderValue(key, text, "'About'!B9")
    unknown = {r.key: r for r in base.unknown_rows}
    for i, (label, text) in enumerate(rows.items()):
        unknown[f"OP1::{label.casefold()}"] = added_row(label, text, row=40 + i)
    return replace(base, entries=entries, header=head, unknown_rows=tuple(unknown.values()))


def filled(matrix: Matrix) -> dict[str, str]:
    """The non-blank values (an absent header item and a blank one are the same)."""
    return {k: v for k, v in iter_side_values(matrix).items() if v}


BASE = build_matrix(
    {("OP1.npt", "status"): "?", ("OP1.npt", "info"): "Act 1954"}, catalogue=CATALOGUE
)


@settings(max_examples=150, deadline=None)
@given(
    base_rows=row_edits,
    ours_edit=st.tuples(edits, header_edits, row_edits),
    theirs_edit=st.tuples(edits, header_edits, row_edits),
    prefer=st.sampled_from(["ours", "theirs"]),
)
def test_nothing_of_ours_or_theirs_is_lost(base_rows, ours_edit, theirs_edit, prefer):
    base = edited(BASE, {}, {}, base_rows)
    ours = edited(base, *ours_edit)
    theirs = edited(base, *theirs_edit)
    result = merge(base, ours, theirs, prefer=prefer)

    out = iter_side_values(result.matrix)
    conflicts = {f"{c.field}|{c.column}": c for c in result.conflicts}
    base_values = iter_side_values(base)
    sides = {"ours": iter_side_values(ours), "theirs": iter_side_values(theirs)}
    for side, values in sides.items():
        for key, text in values.items():
            if cosmetic_key(text) == cosmetic_key(base_values.get(key, "")):
                continue  # not a change of this side
            kept = cosmetic_key(out.get(key, "")) == cosmetic_key(text)
            listed = key in conflicts and getattr(conflicts[key], side) == text
            assert kept or listed, f"{side} value {text!r} of {key} lost"
    # Values nobody changed stay as in base.
    for key, text in base_values.items():
        if sides["ours"].get(key, "") == text and sides["theirs"].get(key, "") == text:
            assert out.get(key, "") == text
    # A conflict's kept side is really what the output holds.
    for key, conflict in conflicts.items():
        if not conflict.column.startswith("("):
            assert out.get(key, "") == conflict.kept_text


@settings(max_examples=60, deadline=None)
@given(theirs_edit=st.tuples(edits, header_edits, row_edits))
def test_merging_an_unchanged_copy_gives_the_other_side(theirs_edit):
    theirs = edited(BASE, *theirs_edit)
    result = merge(BASE, BASE, theirs)
    assert result.conflicts == ()
    assert filled(result.matrix) == filled(theirs)


@settings(max_examples=60, deadline=None)
@given(
    ours_edit=st.tuples(edits, header_edits, row_edits),
    theirs_edit=st.tuples(edits, header_edits, row_edits),
)
def test_swapping_the_sides_and_the_preference_gives_the_same_matrix(ours_edit, theirs_edit):
    ours, theirs = edited(BASE, *ours_edit), edited(BASE, *theirs_edit)
    one = merge(BASE, ours, theirs, prefer="ours")
    other = merge(BASE, theirs, ours, prefer="theirs")
    assert filled(one.matrix) == filled(other.matrix)
    assert len(one.conflicts) == len(other.conflicts)
