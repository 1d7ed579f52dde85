"""Three-way merge rules on in-memory matrices (matrix_tools.merging.engine)."""

from __future__ import annotations

import pytest

from helpers_merge import added_row, with_rows
from matrix_tools.merging.engine import merge
from matrix_tools.merging.result import ROW_PRESENCE
from matrix_tools.merging.text import merge_text
from matrix_tools.model import ItemKey

NPT = ("OP1.npt", "status")
NPT_INFO = ("OP1.npt", "info")
NW_MAKE = ("OP2.NW.manufacture", "source")


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "choice", "conflict"),
    [
        ("a", "a", "a", "base", False),
        ("a", "b", "a", "ours", False),
        ("a", "a", "b", "theirs", False),
        ("a", "b", "b", "both", False),
        ("a", "b", "c", "ours", True),
        ("", "X", "?", "ours", True),
        ("a", "Deposit 5 March 1970", "deposit  5 march 1970", "both", False),
        ("deposit 5 march 1970", "Deposit 5 March 1970", "Ratified 1970", "theirs", False),
        ("Act 1954", "Act 1955", "ACT 1954", "ours", False),
    ],
)
def test_merge_text_decides_by_the_three_way_rule(base, ours, theirs, choice, conflict):
    outcome = merge_text(base, ours, theirs)
    assert (outcome.choice, outcome.conflict) == (choice, conflict)


def test_disjoint_edits_are_all_applied_without_conflict(make_matrix):
    base = make_matrix({NPT: "?"})
    ours = make_matrix({NPT: "X"})
    theirs = make_matrix({NPT: "?", NW_MAKE: "Atomic Energy Act 1954, sect. 57"})
    result = merge(base, ours, theirs)
    assert result.conflicts == ()
    assert result.matrix.text(*NPT) == "X"
    assert result.matrix.text(*NW_MAKE) == "Atomic Energy Act 1954, sect. 57"
    sides = {(a.field, a.column): a.side for a in result.applied}
    assert sides == {NPT: "ours", NW_MAKE: "theirs"}


@pytest.mark.parametrize(("prefer", "kept"), [("ours", "X"), ("theirs", "NA")])
def test_same_field_edited_differently_is_one_conflict_kept_per_prefer(make_matrix, prefer, kept):
    base, ours, theirs = make_matrix({NPT: "?"}), make_matrix({NPT: "X"}), make_matrix({NPT: "NA"})
    result = merge(base, ours, theirs, prefer=prefer)
    assert len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert (conflict.field, conflict.column, conflict.base, conflict.ours, conflict.theirs) == (
        "OP1.npt",
        "status",
        "?",
        "X",
        "NA",
    )
    assert conflict.kept == prefer
    assert conflict.cell == ""  # the engine predicts no cell: the workbook writer reports it
    assert conflict.table == "OP1" and conflict.row_number == "1"
    assert result.matrix.text(*NPT) == kept


def test_identical_edits_on_both_sides_are_not_a_conflict(make_matrix):
    base = make_matrix()
    ours = theirs = make_matrix({NPT: "X", NPT_INFO: "Deposit 5 March 1970"})
    result = merge(base, ours, theirs)
    assert result.conflicts == ()
    assert result.matrix.text(*NPT_INFO) == "Deposit 5 March 1970"
    assert {a.side for a in result.applied} == {"both"}


def test_cosmetic_only_differences_never_conflict_and_say_which_text_was_kept(make_matrix):
    base = make_matrix({NPT_INFO: "Signed 1968"})
    ours = make_matrix({NPT_INFO: "Deposit 5 March 1970"})
    theirs = make_matrix({NPT_INFO: "deposit 5 March 1970"})
    result = merge(base, ours, theirs)
    assert result.conflicts == ()
    assert result.matrix.text(*NPT_INFO) == "Deposit 5 March 1970"
    (applied,) = result.applied
    assert "kept ours text 'Deposit 5 March 1970'" in applied.note
    assert "'deposit 5 March 1970'" in applied.note
    flipped = merge(base, ours, theirs, prefer="theirs")
    assert flipped.matrix.text(*NPT_INFO) == "deposit 5 March 1970"


def test_a_cosmetic_edit_on_one_side_yields_to_a_real_edit_on_the_other(make_matrix):
    base = make_matrix({NPT_INFO: "Signed 1968"})
    ours = make_matrix({NPT_INFO: "signed  1968"})
    theirs = make_matrix({NPT_INFO: "Ratified 1970"})
    result = merge(base, ours, theirs)
    assert result.conflicts == ()
    assert result.matrix.text(*NPT_INFO) == "Ratified 1970"


def test_header_items_conflict_like_cells(make_matrix):
    base = make_matrix(header={"dates_of_additional_reports": "1 June 2006"})
    ours = make_matrix(header={"dates_of_additional_reports": "1 June 2006; 2 May 2008"})
    theirs = make_matrix(header={"dates_of_additional_reports": "1 June 2006; 3 May 2008"})
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert conflict.field == ItemKey.header("dates_of_additional_reports")
    assert conflict.table == "header"
    assert result.matrix.header["dates_of_additional_reports"].text == "1 June 2006; 2 May 2008"
    assert (
        merge(base, ours, theirs, prefer="theirs")
        .matrix.header["dates_of_additional_reports"]
        .text.endswith("3 May 2008")
    )


def test_header_change_on_one_side_sets_the_state_of_the_result(make_matrix):
    base = ours = make_matrix(state="Testland")
    theirs = make_matrix(state="Republic of Testland")
    result = merge(base, ours, theirs)
    assert result.matrix.state.name == "Republic of Testland"
    assert result.matrix.state.iso3 == "TST"


def test_rows_added_on_both_sides_are_all_carried_over(make_matrix):
    base = make_matrix()
    ours = with_rows(make_matrix(), added_row("Experts' note", "see report p. 4"))
    theirs = with_rows(
        make_matrix(), added_row("Comment of the State", "law in preparation", row=31)
    )
    result = merge(base, ours, theirs)
    assert result.conflicts == ()
    assert [(r.label, r.values["remarks"].text) for r in result.matrix.unknown_rows] == [
        ("Experts' note", "see report p. 4"),
        ("Comment of the State", "law in preparation"),
    ]
    assert result.summary()["rows_added"] == 2


def test_the_same_added_row_changed_differently_is_a_conflict(make_matrix):
    base = make_matrix()
    ours = with_rows(make_matrix(), added_row("Comment", "law adopted 2019"))
    theirs = with_rows(make_matrix(), added_row("comment", "law adopted 2020"))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert (conflict.column, conflict.base, conflict.ours, conflict.theirs) == (
        "remarks",
        "",
        "law adopted 2019",
        "law adopted 2020",
    )
    assert conflict.field == "row:OP1::comment"
    assert len(result.matrix.unknown_rows) == 1


def test_a_row_removed_on_one_side_and_changed_on_the_other_is_kept_and_flagged(make_matrix):
    row = added_row("Comment", "old")
    base = with_rows(make_matrix(), row)
    ours = make_matrix()
    theirs = with_rows(make_matrix(), added_row("Comment", "new"))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert conflict.column == ROW_PRESENCE
    assert [r.values["remarks"].text for r in result.matrix.unknown_rows] == ["new"]


def test_a_row_removed_on_one_side_and_untouched_on_the_other_is_removed(make_matrix):
    row = added_row("Comment", "old")
    result = merge(with_rows(make_matrix(), row), make_matrix(), with_rows(make_matrix(), row))
    assert result.conflicts == () and result.matrix.unknown_rows == ()


def test_prefer_must_name_a_side(make_matrix):
    m = make_matrix()
    with pytest.raises(ValueError, match="prefer"):
        merge(m, m, m, prefer="base")  # type: ignore[arg-type]


def test_summary_counts_each_kind_of_outcome(make_matrix):
    base = make_matrix({NPT: "?"})
    ours = make_matrix({NPT: "X", NW_MAKE: "Act A"})
    theirs = make_matrix({NPT: "NA", NPT_INFO: "Deposit"})
    summary = merge(base, ours, theirs).summary()
    assert summary["conflicts"] == 1
    assert summary["applied_ours"] == 1 and summary["applied_theirs"] == 1
    assert summary["prefer"] == "ours"


def test_versions_of_different_states_are_refused(make_matrix):
    from matrix_tools.merging.engine import StateMismatchError

    with pytest.raises(
        StateMismatchError, match="cannot merge matrices of different States: base TST.*theirs XEX"
    ) as info:
        merge(make_matrix(), make_matrix(), make_matrix(iso3="XEX", state="Examplia"))
    assert info.value.exit_code == 2


def test_a_blank_iso_code_is_not_a_different_state(make_matrix):
    result = merge(make_matrix(), make_matrix(), make_matrix(iso3=""))
    assert result.matrix.state.iso3 == ""  # theirs blanked it: a header change, applied


def test_a_one_sided_cosmetic_edit_is_applied_and_said_to_be_cosmetic(make_matrix):
    base = make_matrix(state="REPUBLIC OF TESTLAND")
    theirs = make_matrix(state="Republic of Testland")
    (applied,) = merge(base, base, theirs).applied
    assert applied.value == "Republic of Testland"
    assert "cosmetic change only" in applied.note
