"""The three-way rule for one text: unchanged -> base; changed on one side -> that side; the
same change on both -> that value; changed differently -> a conflict. Texts that differ only in
spacing, case, Unicode form or quotes (``normalise.cosmetic_key``) never make a conflict."""

from __future__ import annotations

from dataclasses import dataclass

from matrix_tools.merging.result import Side
from matrix_tools.reading.normalise import cosmetic_key


@dataclass(frozen=True)
class TextOutcome:
    """Result of merging one value: the text to keep, who it came from, and a conflict flag."""

    choice: str  # "base", "ours", "theirs", "both"
    conflict: bool = False
    note: str = ""


COSMETIC_ONLY = "cosmetic change only (spacing, case or quotes); applied"


def _cosmetic_note(base: str, new: str) -> str:
    return COSMETIC_ONLY if cosmetic_key(base) == cosmetic_key(new) else ""


def merge_text(base: str, ours: str, theirs: str, *, prefer: Side = "ours") -> TextOutcome:
    """Three-way decision for one text (exact first, then cosmetic, then conflict)."""
    if ours == theirs:
        if ours == base:
            return TextOutcome("base")
        return TextOutcome("both", note=_cosmetic_note(base, ours))
    if ours == base:
        return TextOutcome("theirs", note=_cosmetic_note(base, theirs))
    if theirs == base:
        return TextOutcome("ours", note=_cosmetic_note(base, ours))
    kb, ko, kt = cosmetic_key(base), cosmetic_key(ours), cosmetic_key(theirs)
    if ko == kt:
        # Both changed, to texts that differ only cosmetically: no conflict, keep the preferred text.
        other = "theirs" if prefer == "ours" else "ours"
        kept_text, other_text = (ours, theirs) if prefer == "ours" else (theirs, ours)
        return TextOutcome(
            "both",
            note=f"same change on both sides, differing only in spacing/case/quotes: "
            f"kept {prefer} text {kept_text!r}, not {other} text {other_text!r}",
        )
    if ko == kb:
        return TextOutcome("theirs", note=f"ours differed from base only cosmetically ({ours!r})")
    if kt == kb:
        return TextOutcome("ours", note=f"theirs differed from base only cosmetically ({theirs!r})")
    return TextOutcome(prefer, conflict=True)
