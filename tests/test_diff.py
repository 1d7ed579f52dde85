"""The diff engine: exact change sets, in memory and on real workbooks edited as people do."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import build_matrix
from helpers_diff import (
    BASE_ENTRIES,
    change_set,
    insert_column,
    insert_row,
    rename_sheet,
    renamed_catalogue,
    set_cell,
    swap_rows,
    write_pair,
)
from matrix_tools.diffing.engine import diff
from matrix_tools.model import UnknownRow, Value

# --- in memory ----------------------------------------------------------------------------


def test_identical_matrices_have_no_changes(catalogue):
    m = build_matrix(BASE_ENTRIES, catalogue=catalogue)
    result = diff(m, build_matrix(BASE_ENTRIES, catalogue=catalogue))
    assert result.changes == () and result.header_changes == () and result.unknown_rows == ()
    assert result.summary()["identical"] is True
    assert result.has_differences is False


def test_each_kind_of_change_is_found_exactly(catalogue):
    new = dict(BASE_ENTRIES)
    new[("OP1.ctbt", "status")] = "X"  # added
    del new[("OP2.CW.use", "remarks")]  # removed
    new[("OP2.NW.manufacture", "status")] = "?"  # changed mark
    new[("OP2.NW.manufacture", "source")] = "Atomic Energy Act 1954 as amended in 2005, sect. 57"
    result = diff(build_matrix(BASE_ENTRIES), build_matrix(new))
    assert change_set(result) == {
        ("OP1.ctbt", "status", "added", "", "X"),
        ("OP2.CW.use", "remarks", "removed", "See national report p. 4", ""),
        ("OP2.NW.manufacture", "status", "changed", "X", "?"),
        ("OP2.NW.manufacture", "source", "changed", "Atomic Energy Act 1954, sect. 57",
         "Atomic Energy Act 1954 as amended in 2005, sect. 57"),
    }
    s = result.summary()
    assert s["by_kind"] == {"added": 1, "removed": 1, "changed": 2}
    assert s["by_table"]["OP2.NW"] == {"added": 0, "removed": 0, "changed": 2, "total": 2}
    assert s["by_table"]["OP3cd.BW"]["total"] == 0
    assert result.has_differences


@pytest.mark.parametrize(
    ("old", "new", "kind", "transition", "concern"),
    [
        ("", "X", "added", "blank->X", False),
        ("X", "?", "changed", "X->?", True),
        ("?", "X", "changed", "?->X", False),
        ("X", "", "removed", "X->blank", True),
        ("X", "NA", "changed", "X->NA", True),
        ("", "NA", "added", "blank->NA", False),
        ("?", "", "removed", "?->blank", True),
    ],
)
def test_mark_changes_carry_their_transition_and_meaning(old, new, kind, transition, concern):
    key = ("OP3ab.NW.account_production", "status")
    result = diff(build_matrix({key: old} if old else {}), build_matrix({key: new} if new else {}))
    [change] = result.changes
    assert (change.kind, change.transition, change.concern) == (kind, transition, concern)
    assert change.meaning and change.column_kind.value == "mark"
    assert change.table == "OP3ab.NW" and change.label and change.row_number


def test_text_change_carries_a_word_diff():
    key = ("OP2.NW.acquire", "source")
    result = diff(build_matrix({key: "Atomic Energy Act 1954, sect. 58"}),
                  build_matrix({key: "Nuclear Energy Act 2010, sect. 58"}))
    [change] = result.changes
    assert [(w.op, w.text) for w in change.words] == [
        ("delete", "Atomic"), ("insert", "Nuclear"), ("equal", " Energy Act "),
        ("delete", "1954"), ("insert", "2010"), ("equal", ", sect. 58"),
    ]
    assert change.transition is None


@pytest.mark.parametrize(
    "noisy",
    ["ratification 5 march 1970", "Ratification\u00a05 March 1970", "Ratification 5 March 1970  ",
     "RATIFICATION 5 MARCH 1970", "Ratification  5 March 1970", "Ratification 5 Marc\u0068 1970\u200b"],
)
def test_cosmetic_edits_are_counted_not_listed(noisy):
    key = ("OP1.npt", "info")
    old = build_matrix({key: "Ratification 5 March 1970"})
    # The reader normalises NBSP and spaces in Value.text and keeps the typed text in raw.
    from matrix_tools.reading.normalise import normalise_text

    text, _ = normalise_text(noisy)
    new_value = Value(text, old.value(*key).cell, raw=noisy if noisy != text else None)
    new = build_matrix({key: text})
    new = type(new)(**{**new.__dict__, "entries": {**new.entries, key: new_value}})
    result = diff(old, new)
    assert result.changes == ()
    assert result.summary()["cosmetic"] == 1
    assert result.has_differences is False
    listed = diff(old, new, include_cosmetic=True)
    [change] = listed.changes
    assert change.cosmetic and change.kind == "changed" and (change.meaning or "").startswith("cosmetic")
    assert listed.has_differences is False


def test_letter_case_of_a_mark_cell_is_a_real_change_only_when_the_mark_differs():
    key = ("OP1.npt", "status")
    old = build_matrix({key: "X"})
    new = build_matrix({key: "X"})
    typed = type(new)(**{**new.__dict__, "entries": {**new.entries, key: Value("X", "'OP1'!C6", raw="x")}})
    result = diff(old, typed, include_cosmetic=True)
    [change] = result.changes
    assert change.cosmetic and change.old_raw is None and change.new_raw == "x"
    assert diff(old, typed).changes == ()


def test_header_dates_are_compared_as_dates():
    old = build_matrix(header={"date_of_report": "12 October 2004"})
    same_date = build_matrix(header={"date_of_report": "2004-10-12"})
    later = build_matrix(header={"date_of_report": "12 October 2004", "dates_of_additional_reports": "1 May 2006; 3 June 2008"})
    assert diff(old, same_date).header_changes == ()
    assert diff(old, same_date).summary()["cosmetic"] == 1
    [h] = diff(old, later).header_changes
    assert (h.key, h.kind, h.new_dates) == ("dates_of_additional_reports", "added",
                                             (dt.date(2006, 5, 1), dt.date(2008, 6, 3)))
    moved = build_matrix(header={"date_of_report": "13 October 2004"})
    [h] = diff(old, moved).header_changes
    assert (h.kind, h.old_dates, h.new_dates) == ("changed", (dt.date(2004, 10, 12),), (dt.date(2004, 10, 13),))


def _with_rows(matrix, *rows):
    return type(matrix)(**{**matrix.__dict__, "unknown_rows": tuple(rows)})


def test_rows_the_state_inserted_are_listed_as_added_removed_or_changed():
    note = UnknownRow("OP3cd.NW", "OP3cd NW", 9, "Note from the State: see annex", "",
                      {"remarks": Value("Annex 3", "'OP3cd NW'!G9")})
    moved_note = UnknownRow("OP3cd.NW", "OP3cd NW", 12, "Note from the State: SEE ANNEX", "",
                            {"remarks": Value("Annex 4", "'OP3cd NW'!G12")})
    other = UnknownRow("OP1", "OP1", 30, "National statement", "", {"info": Value("2019", "'OP1'!D30")})
    old = _with_rows(build_matrix(), note, other)
    new = _with_rows(build_matrix(), moved_note)
    result = diff(old, new)
    assert [(u.kind, u.table, u.label) for u in result.unknown_rows] == [
        ("changed", "OP3cd.NW", "Note from the State: SEE ANNEX"),
        ("removed", "OP1", "National statement"),
    ]
    assert result.unknown_rows[0].old_row == 9 and result.unknown_rows[0].new_row == 12
    assert result.changes == ()
    assert diff(old, _with_rows(build_matrix(), note, other)).unknown_rows == ()


def test_renamed_field_is_followed_through_the_catalogue(catalogue):
    old_cat = renamed_catalogue(catalogue, {"OP1.iaea_member": "OP1.row11"})
    old = build_matrix({("OP1.row11", "status"): "X", ("OP1.row11", "info"): "Member since 1957"}, catalogue=old_cat)
    new = build_matrix({("OP1.iaea_member", "status"): "X", ("OP1.iaea_member", "info"): "Member since 1958"},
                       catalogue=catalogue)
    result = diff(old, new)
    [change] = result.changes
    assert (change.field, change.old_field, change.column) == ("OP1.iaea_member", "OP1.row11", "info")
    assert result.template_fields == ()
    assert result.summary()["renamed_fields"] == 1
    # and the other way round (the new side read with the older catalogue)
    [back] = diff(new, old).changes
    assert (back.field, back.column, back.old_field) == ("OP1.row11", "info", "OP1.iaea_member")


def test_field_in_one_template_only_is_flagged_not_blamed_on_the_state(catalogue):
    old_cat = renamed_catalogue(catalogue, {}, drop=("OP1.hcoc",))
    old = build_matrix({("OP1.npt", "status"): "X"}, catalogue=old_cat)
    new = build_matrix({("OP1.npt", "status"): "X", ("OP1.hcoc", "status"): "X"}, catalogue=catalogue)
    result = diff(old, new)
    [change] = result.changes
    assert (change.field, change.kind, change.template) == ("OP1.hcoc", "added", "only-in-new-template")
    assert [(t.field, t.side) for t in result.template_fields] == [("OP1.hcoc", "only-in-new-template")]
    reverse = diff(new, old)
    [gone] = reverse.changes
    assert (gone.field, gone.kind, gone.template, gone.concern) == ("OP1.hcoc", "removed", "only-in-old-template", False)


def test_changes_follow_catalogue_order_not_insertion_order(catalogue):
    new = dict(BASE_ENTRIES)
    new[("OP6_8d." + catalogue.table("OP6_8d").rows[0].key, "status")] = "X"
    new[("OP1.ctbt", "status")] = "X"
    result = diff(build_matrix(BASE_ENTRIES), build_matrix(new))
    assert [c.table for c in result.changes] == ["OP1", "OP6_8d"]


# --- real workbooks -----------------------------------------------------------------------

EDITED = {
    **BASE_ENTRIES,
    ("OP2.NW.manufacture", "status"): "?",
    ("OP1.ctbt", "status"): "X",
    ("OP2.CW.use", "remarks"): "See national report p. 5",
}
del EDITED[("OP1.bwc", "status")]
EXPECTED = {
    ("OP2.NW.manufacture", "status", "changed", "X", "?"),
    ("OP1.ctbt", "status", "added", "", "X"),
    ("OP1.bwc", "status", "removed", "X", ""),
    ("OP2.CW.use", "remarks", "changed", "See national report p. 4", "See national report p. 5"),
}


def test_workbook_pair_gives_exactly_the_edits(tmp_path, catalogue):
    old, new = write_pair(tmp_path, BASE_ENTRIES, EDITED)
    result = diff(old, new, catalogue=catalogue)
    assert change_set(result) == EXPECTED
    assert result.old.name == "old.xlsx" and len(result.new.sha256) == 64
    by_key = {(c.field, c.column): c for c in result.changes}
    assert by_key[("OP2.NW.manufacture", "status")].new_cell == "'OP2 NW'!C6"


def test_structural_edits_cause_no_false_changes(tmp_path, catalogue):
    op2nw, op3cd, op1 = catalogue.table("OP2.NW"), catalogue.table("OP3cd.NW"), catalogue.table("OP1")
    edits = (
        swap_rows(op2nw, "OP2.NW.manufacture", "OP2.NW.acquire"),  # rows moved
        insert_row(op3cd, op3cd.rows[2].field, ("", "Note from the State: see annex 3")),  # row inserted
        rename_sheet(op1, "OP 1 (rev)"),  # sheet renamed
        insert_column(catalogue.table("OP2.CW"), "source"),  # column inserted
    )
    old, new = write_pair(tmp_path, BASE_ENTRIES, edits=edits)
    result = diff(old, new, catalogue=catalogue)
    assert result.changes == ()
    assert [(u.kind, u.label) for u in result.unknown_rows] == [("added", "Note from the State: see annex 3")]
    # and real edits still show through the same structural edits
    second = tmp_path / "with-edits"
    second.mkdir()
    old2, new2 = write_pair(second, BASE_ENTRIES, EDITED, edits=edits)
    result2 = diff(old2, new2, catalogue=catalogue)
    assert change_set(result2) == EXPECTED
    moved = {(c.field, c.column): c.new_cell for c in result2.changes}
    assert moved[("OP2.NW.manufacture", "status")] == "'OP2 NW'!C7"  # found in its new row
    assert moved[("OP1.ctbt", "status")].startswith("'OP 1 (rev)'!")
    assert moved[("OP2.CW.use", "remarks")].endswith(f"!H{13}")  # shifted right by the inserted column


def test_noise_only_edits_are_cosmetic(tmp_path, catalogue):
    op1, op2nw = catalogue.table("OP1"), catalogue.table("OP2.NW")
    edits = (
        set_cell(op1, "OP1.npt", "info", "Ratification\u00a05 March 1970 "),
        set_cell(op1, "OP1.cwc", "info", "ratification 10 august 1995"),
        set_cell(op2nw, "OP2.NW.manufacture", "source", "  Atomic Energy Act 1954,  sect. 57"),
        set_cell(op2nw, "OP2.NW.acquire", "status", " x "),
    )
    old, new = write_pair(tmp_path, BASE_ENTRIES, edits=edits)
    result = diff(old, new, catalogue=catalogue)
    assert result.changes == ()
    assert result.summary()["cosmetic"] == 4
    listed = diff(old, new, catalogue=catalogue, include_cosmetic=True)
    assert {(c.field, c.column) for c in listed.changes} == {
        ("OP1.npt", "info"), ("OP1.cwc", "info"), ("OP2.NW.manufacture", "source"), ("OP2.NW.acquire", "status"),
    }
    assert all(c.cosmetic for c in listed.changes)


def test_two_inserted_rows_with_the_same_label_are_both_kept():
    def note(row: int, text: str) -> UnknownRow:
        return UnknownRow("OP1", "OP1", row, "Comment", "", {"remarks": Value(text, f"'OP1'!E{row}")})

    old = _with_rows(build_matrix(), note(30, "first"))
    new = _with_rows(build_matrix(), note(30, "first"), note(31, "second"))
    [added] = diff(old, new).unknown_rows
    assert (added.kind, added.new_row, dict(added.new_values)) == ("added", 31, {"remarks": "second"})
