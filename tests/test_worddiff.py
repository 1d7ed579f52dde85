"""Word-level inline diff: segments rebuild both texts and read as phrases."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from matrix_tools.diffing.worddiff import diff_words, join_segments, split_words


def ops(old: str, new: str) -> list[tuple[str, str]]:
    return [(s.op, s.text) for s in diff_words(old, new)]


def test_insertion_inside_a_source_reference():
    assert ops("Atomic Energy Act 1954, sect. 57", "Atomic Energy Act 1954 as amended, sect. 57") == [
        ("equal", "Atomic Energy Act 1954"), ("insert", " as amended"), ("equal", ", sect. 57"),
    ]


def test_replaced_phrase_is_one_deletion_then_one_insertion():
    assert ops("the quick brown fox", "the slow red fox") == [
        ("equal", "the "), ("delete", "quick brown"), ("insert", "slow red"), ("equal", " fox"),
    ]


def test_from_and_to_empty_text():
    assert ops("", "Penal Code") == [("insert", "Penal Code")]
    assert ops("Penal Code", "") == [("delete", "Penal Code")]
    assert ops("", "") == []


def test_identical_texts_are_one_equal_segment():
    assert ops("Deposit 5 March 1970", "Deposit 5 March 1970") == [("equal", "Deposit 5 March 1970")]


def test_tokens_join_back_to_the_text():
    text = "Act No. 12/2004 (art. 3-5),\nsee: www.example.org"
    assert "".join(split_words(text)) == text


@given(st.text(max_size=60), st.text(max_size=60))
def test_segments_rebuild_both_texts(old, new):
    segments = diff_words(old, new)
    assert join_segments(segments, "old") == old
    assert join_segments(segments, "new") == new
    assert all(s.text for s in segments)
