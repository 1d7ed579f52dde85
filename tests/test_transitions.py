"""Mark transitions: every pair of marks has a code and a plain-language meaning."""

from __future__ import annotations

import itertools

import pytest

from matrix_tools.diffing.transitions import CONCERNS, MEANINGS, describe_transition, mark_name

MARKS = ["X", "?", "NA", ""]


@pytest.mark.parametrize(
    ("old", "new", "code", "meaning"),
    [
        ("", "X", "blank->X", "measure now recorded"),
        ("X", "?", "X->?", "downgraded: reference now considered incomplete"),
        ("X", "", "X->blank", "measure no longer recorded"),
        ("?", "X", "?->X", "clarified: reference now considered sufficient"),
        ("", "NA", "blank->NA", "now marked not applicable"),
    ],
)
def test_transition_code_and_meaning(old, new, code, meaning):
    t = describe_transition(old, new)
    assert (t.code, t.meaning) == (code, meaning)


def test_every_pair_of_different_marks_has_a_meaning():
    for old, new in itertools.permutations(MARKS, 2):
        t = describe_transition(old, new)
        assert (t.old, t.new) in MEANINGS, t.code


def test_only_removals_and_downgrades_are_concerns():
    concerns = {describe_transition(o, n).code for o, n in itertools.permutations(MARKS, 2)
                if describe_transition(o, n).concern}
    assert concerns == {"X->?", "X->blank", "X->NA", "?->blank"}
    assert len(CONCERNS) == 4


def test_unrecognised_content_is_named_other_and_explained():
    t = describe_transition("X", "yes please", new_recognised=False)
    assert t.code == "X->other" and "not a mark" in t.meaning
    assert describe_transition("maybe", "", old_recognised=False).code == "other->blank"
    assert mark_name("", True) == "blank" and mark_name("?", True) == "?"


def test_meanings_never_speak_of_scores_or_compliance_grades():
    words = " ".join(MEANINGS.values()).casefold()
    for banned in ("score", "improv", "worse", "better", " grade", "complian", "fail", "pass"):
        assert banned not in words
