"""Word-level inline diff of two texts (difflib), for showing text edits as <del>/<ins>."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Op = Literal["equal", "insert", "delete"]

# Words, runs of spaces, and single punctuation marks: "Act 1954, sect. 57" ->
# ["Act", " ", "1954", ",", " ", "sect", ".", " ", "57"]; joined back they give the text.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w")
# Below this similarity (difflib ratio of tokens) a text counts as rewritten: shown whole.
REWRITE_RATIO = 0.3


@dataclass(frozen=True)
class Segment:
    """A run of text that is unchanged (``equal``), only in the new text (``insert``) or only in the old (``delete``)."""

    op: Op
    text: str


def split_words(text: str) -> list[str]:
    """Tokens of ``text`` (words, spaces, punctuation) that join back to ``text``."""
    return _TOKEN.findall(text)


def diff_words(old: str, new: str) -> tuple[Segment, ...]:
    """Segments that turn ``old`` into ``new`` word by word.

    Joining the ``equal`` and ``delete`` segments gives ``old``; ``equal`` and ``insert`` give
    ``new``. A replaced run is shown as its deletion followed by its insertion, and a lone
    space between two edits is folded into them, so a reader sees one deleted phrase and one
    inserted phrase rather than word-by-word confetti. Spaces and punctuation alone between
    two edits are folded the same way, and a text rewritten almost entirely (similarity below
    ``REWRITE_RATIO``) is shown as one deletion and one insertion.
    """
    a, b = split_words(old), split_words(new)
    # autojunk off: a long legal text repeats "the", "of"... and must still align on them.
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if old and new and matcher.ratio() < REWRITE_RATIO:
        # A rewritten text: word-by-word alignment on a stray "." or "the" only confuses.
        return (Segment("delete", old), Segment("insert", new))
    blocks: list[tuple[bool, str, str]] = []  # (equal?, old text, new text)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        equal = tag == "equal"
        if blocks and not equal and not blocks[-1][0]:
            _, po, pn = blocks.pop()
            blocks.append((False, po + old_text, pn + new_text))
        elif (
            not equal
            and len(blocks) >= 2
            and blocks[-1][0]
            and not _WORD.search(blocks[-1][1])
            and not blocks[-2][0]
        ):
            _, space, _ = blocks.pop()
            _, po, pn = blocks.pop()
            blocks.append((False, po + space + old_text, pn + space + new_text))
        else:
            blocks.append((equal, old_text, new_text))
    out: list[Segment] = []
    for equal, old_text, new_text in blocks:
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
