"""Word-level inline diff of two texts, for showing text edits as <del>/<ins>.

Linear in the length of the texts (a State's remark can run to 32,000 characters, and
``batch --baseline`` diffs every changed one): the common start and end are trimmed first,
the rest is cut at words that occur exactly once on each side (patience diff: they are
matched in order with a longest increasing subsequence, O(n log n)), and only the short
stretches between those anchors are aligned token by token with difflib. A stretch too long
for that and without any anchor is shown as replaced: nothing is hidden, the reader sees the
old and the new stretch whole. A total work budget proportional to the texts' length keeps
even a hostile pair of texts linear.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Op = Literal["equal", "insert", "delete"]

# Words, runs of spaces, and single punctuation marks: "Act 1954, sect. 57" ->
# ["Act", " ", "1954", ",", " ", "sect", ".", " ", "57"]; joined back they give the text.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w")
# Below this similarity (share of matched tokens, as difflib's ratio) a text counts as
# rewritten: shown whole.
REWRITE_RATIO = 0.3
# A stretch between anchors is aligned token by token (difflib, quadratic in the worst case)
# only when (old tokens) x (new tokens) stays under this; 100 x 100 tokens is about 2 lines
# of remarks on each side, far more than a typical edit between two unique words.
SMALL_STRETCH = 10_000
# Work budget for looking for anchors, per token of the two texts: bounds the recursion of the
# patience diff on texts made to defeat it (every level finding one anchor only).
BUDGET_PER_TOKEN = 8

# An alignment step: (tag, old start, old end, new start, new end), difflib's opcode shape.
Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Segment:
    """A run of text that is unchanged (``equal``), only in the new text (``insert``) or only in the old (``delete``)."""

    op: Op
    text: str


def split_words(text: str) -> list[str]:
    """Tokens of ``text`` (words, spaces, punctuation) that join back to ``text``."""
    return _TOKEN.findall(text)


def align_tokens(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Opcodes (``equal``/``replace``/``delete``/``insert``) turning ``a`` into ``b``, in order.

    Linear time and memory in ``len(a) + len(b)`` (see the module docstring). Short inputs get
    difflib's alignment (``SequenceMatcher(autojunk=False)``) of what lies between their
    common start and end.
    """
    budget = BUDGET_PER_TOKEN * (len(a) + len(b)) + SMALL_STRETCH
    out: list[Opcode] = []
    # Depth-first, left to right, so the opcodes come out in order: a stack of work items,
    # each a stretch to align or an equal run already found.
    stack: list[Opcode] = [("align", 0, len(a), 0, len(b))]
    while stack:
        tag, i1, i2, j1, j2 = stack.pop()
        if tag != "align":
            out.append((tag, i1, i2, j1, j2))
            continue
        # common start and end of the stretch
        start = 0
        while i1 + start < i2 and j1 + start < j2 and a[i1 + start] == b[j1 + start]:
            start += 1
        end = 0
        while i2 - end > i1 + start and j2 - end > j1 + start and a[i2 - end - 1] == b[j2 - end - 1]:
            end += 1
        after: list[Opcode] = [("equal", i2 - end, i2, j2 - end, j2)] if end else []
        if start:
            out.append(("equal", i1, i1 + start, j1, j1 + start))
        i1, j1, i2, j2 = i1 + start, j1 + start, i2 - end, j2 - end
        middle: list[Opcode]
        if i1 == i2 and j1 == j2:
            middle = []
        elif i1 == i2:
            middle = [("insert", i1, i2, j1, j2)]
        elif j1 == j2:
            middle = [("delete", i1, i2, j1, j2)]
        elif (i2 - i1) * (j2 - j1) <= SMALL_STRETCH:
            matcher = difflib.SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False)
            middle = [(t, i1 + x1, i1 + x2, j1 + y1, j1 + y2) for t, x1, x2, y1, y2 in matcher.get_opcodes()]
        elif budget <= 0:
            middle = [("replace", i1, i2, j1, j2)]
        else:
            budget -= (i2 - i1) + (j2 - j1)
            middle = _split_at_anchors(a, b, i1, i2, j1, j2)
        # push in reverse so the stretch's parts are handled left to right
        stack.extend(reversed(after))
        stack.extend(reversed(middle))
    return _merge_opcodes(out)


def _split_at_anchors(a: Sequence[str], b: Sequence[str], i1: int, i2: int, j1: int, j2: int) -> list[Opcode]:
    """The stretch cut at tokens unique on both sides and matched in order (patience diff)."""
    count_a = Counter(a[i1:i2])
    count_b = Counter(b[j1:j2])
    where_b = {b[j]: j for j in range(j1, j2) if count_b[b[j]] == 1 and count_a.get(b[j]) == 1}
    pairs = [(i, where_b[a[i]]) for i in range(i1, i2) if a[i] in where_b]
    anchors = _longest_increasing(pairs)
    if not anchors:
        return [("replace", i1, i2, j1, j2)]
    parts: list[Opcode] = []
    pi, pj = i1, j1
    for i, j in anchors:
        parts.append(("align", pi, i, pj, j))
        parts.append(("equal", i, i + 1, j, j + 1))
        pi, pj = i + 1, j + 1
    parts.append(("align", pi, i2, pj, j2))
    return parts


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by old position) whose new positions increase (O(n log n))."""
    tails: list[int] = []  # new position ending the best run of each length
    tail_index: list[int] = []  # index in pairs of that end
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
        previous[index] = tail_index[k - 1] if k else -1
    run: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    return run[::-1]


def _merge_opcodes(opcodes: list[Opcode]) -> list[Opcode]:
    """Adjacent steps of the same kind joined, and a delete next to an insert made one replace."""
    merged: list[Opcode] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if i1 == i2 and j1 == j2:
            continue
        if merged:
            ptag, pi1, _, pj1, _ = merged[-1]
            if ptag == tag or (ptag != "equal" and tag != "equal"):
                kind = ptag if ptag == tag else "replace"
                merged[-1] = (kind, pi1, i2, pj1, j2)
                continue
        merged.append((tag, i1, i2, j1, j2))
    return merged


def similarity(a: Sequence[str], b: Sequence[str], opcodes: list[Opcode]) -> float:
    """Share of tokens matched (2 x matched / total), as ``difflib.SequenceMatcher.ratio``."""
    total = len(a) + len(b)
    if not total:
        return 1.0
    matched = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal")
    return 2.0 * matched / total


def diff_words(old: str, new: str) -> tuple[Segment, ...]:
    """Segments that turn ``old`` into ``new`` word by word.

    Joining the ``equal`` and ``delete`` segments gives ``old``; ``equal`` and ``insert`` give
    ``new``. A replaced run is shown as its deletion followed by its insertion, and a lone
    space between two edits is folded into them, so a reader sees one deleted phrase and one
    inserted phrase rather than word-by-word confetti. Spaces and punctuation alone between
    two edits are folded the same way, and a text rewritten almost entirely (similarity below
    ``REWRITE_RATIO``) is shown as one deletion and one insertion. Time grows linearly with the
    length of the texts.
    """
    a, b = split_words(old), split_words(new)
    opcodes = align_tokens(a, b)
    if old and new and similarity(a, b, opcodes) < REWRITE_RATIO:
        # A rewritten text: word-by-word alignment on a stray "." or "the" only confuses.
        return (Segment("delete", old), Segment("insert", new))
    # (equal?, old parts, new parts): parts are joined once at the end, so folding many edits
    # into one phrase stays linear.
    blocks: list[tuple[bool, list[str], list[str]]] = []
    for tag, i1, i2, j1, j2 in opcodes:
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        equal = tag == "equal"
        if blocks and not equal and not blocks[-1][0]:
            blocks[-1][1].append(old_text)
            blocks[-1][2].append(new_text)
        elif (
            not equal
            and len(blocks) >= 2
            and blocks[-1][0]
            and not _WORD.search(blocks[-1][1][0])
            and not blocks[-2][0]
        ):
            _, (space,), _ = blocks.pop()
            blocks[-1][1].extend((space, old_text))
            blocks[-1][2].extend((space, new_text))
        else:
            blocks.append((equal, [old_text], [new_text]))
    out: list[Segment] = []
    for equal, old_parts, new_parts in blocks:
        old_text, new_text = "".join(old_parts), "".join(new_parts)
        if equal:
            out.append(Segment("equal", old_text))
            continue
        if old_text:
            out.append(Segment("delete", old_text))
        if new_text:
            out.append(Segment("insert", new_text))
    return tuple(out)


def join_segments(segments: tuple[Segment, ...], side: Literal["old", "new"]) -> str:
    """The old (equal + delete) or new (equal + insert) text the segments came from."""
    skip = "insert" if side == "old" else "delete"
    return "".join(s.text for s in segments if s.op != skip)
