"""Word-level inline diff: segments rebuild both texts and read as phrases."""

from __future__ import annotations

import difflib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matrix_tools.diffing import worddiff
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


# --- linear time: long remarks (a State's remark can run to 32,000 characters) -------------

WORDS = st.sampled_from(["the", "Act", "of", "1954", "law", "art.", "3", "Penal", "Code", ",", "and"])


def long_text(seed: int, tokens: int, vocabulary: int = 5000) -> str:
    """About ``tokens`` tokens (words and spaces) of remark-like text, seeded."""
    import random

    rng = random.Random(seed)
    common = ["the", "of", "and", "Act", "law", "art.", "in", "to"]
    words = [rng.choice(common) if rng.random() < 0.5 else f"w{rng.randrange(vocabulary)}" for _ in range(tokens // 2)]
    return " ".join(words)


def edited(text: str, seed: int, share: float) -> str:
    """``text`` with about ``share`` of its words replaced, some deleted and some inserted."""
    import random

    rng = random.Random(seed)
    out: list[str] = []
    for word in text.split(" "):
        roll = rng.random()
        if roll < share / 3:
            continue
        if roll < 2 * share / 3:
            out.extend((word, f"new{rng.randrange(10**6)}"))
        elif roll < share:
            out.append(f"other{rng.randrange(10**6)}")
        else:
            out.append(word)
    return " ".join(out)


class CountingMatcher(difflib.SequenceMatcher):
    """difflib's matcher, counting the token pairs it is given (its quadratic work)."""

    pairs = 0

    def __init__(self, isjunk, a, b, autojunk=True):
        CountingMatcher.pairs += len(a) * len(b)
        super().__init__(isjunk, a, b, autojunk=autojunk)


@pytest.mark.parametrize("share", [0.03, 0.3, 0.9])
def test_quadratic_work_grows_linearly_with_the_texts(monkeypatch, share):
    monkeypatch.setattr(worddiff.difflib, "SequenceMatcher", CountingMatcher)
    work = {}
    for tokens in (5_000, 50_000):
        old = long_text(1, tokens, vocabulary=tokens // 4)
        new = edited(old, 2, share)
        CountingMatcher.pairs = 0
        segments = diff_words(old, new)
        assert join_segments(segments, "old") == old
        assert join_segments(segments, "new") == new
        work[tokens] = CountingMatcher.pairs
    # linear: 10x the text -> about 10x the work; difflib on the whole pair would be 100x
    assert work[50_000] <= 20 * max(work[5_000], worddiff.SMALL_STRETCH)
    # and bounded per token whatever the edits: each stretch given to difflib is at most
    # SMALL_STRETCH pairs, so its shorter side is at most sqrt(SMALL_STRETCH) tokens
    assert work[50_000] <= worddiff.SMALL_STRETCH ** 0.5 * 2 * 100_000


def test_word_diff_of_two_50000_token_texts_finishes_quickly():
    # A generous bound: the quadratic difflib alignment of these texts takes minutes.
    old = long_text(3, 50_000)
    new = edited(old, 4, 0.2)
    start = time.perf_counter()
    segments = diff_words(old, new)
    elapsed = time.perf_counter() - start
    assert join_segments(segments, "new") == new
    assert elapsed < 30, f"word diff of 50,000 tokens took {elapsed:.1f} s"


def test_texts_with_no_word_in_common_beyond_filler_are_shown_as_replaced():
    old = " ".join(["the", "of"] * 20_000)
    new = " ".join(["of", "the", "the"] * 10_000)
    segments = diff_words(old, new)
    assert join_segments(segments, "old") == old
    assert join_segments(segments, "new") == new


def test_long_remark_with_one_insertion_shows_only_that_insertion():
    old = long_text(5, 20_000)
    words = old.split(" ")
    new = " ".join([*words[:5000], "(as amended in 2021)", *words[5000:]])
    changed = [s for s in diff_words(old, new) if s.op != "equal"]
    assert changed == [worddiff.Segment("insert", "(as amended in 2021) ")]


@settings(max_examples=200)
@given(st.lists(WORDS, max_size=80), st.lists(WORDS, max_size=80), st.sampled_from([1, 4, 10_000]))
def test_alignment_covers_both_texts_with_equal_runs_that_are_equal(old_words, new_words, small):
    # A tiny SMALL_STRETCH sends short texts through the anchor and budget paths too.
    a, b = split_words(" ".join(old_words)), split_words(" ".join(new_words))
    original = worddiff.SMALL_STRETCH
    worddiff.SMALL_STRETCH = small
    try:
        opcodes = worddiff.align_tokens(a, b)
        segments = diff_words(" ".join(old_words), " ".join(new_words))
    finally:
        worddiff.SMALL_STRETCH = original
    i = j = 0
    for tag, i1, i2, j1, j2 in opcodes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    assert join_segments(segments, "old") == " ".join(old_words)
    assert join_segments(segments, "new") == " ".join(new_words)
