"""Mark transitions (``X->?``, ``blank->X``...) and what each means, in plain language.

The marks are indicators of fact (matrix-1540.md, "Marks"): a transition says what the
Committee's record now shows, never that a State "improved" or "got worse".
"""

from __future__ import annotations

from dataclasses import dataclass

from matrix_tools.model import Mark

OTHER = "other"
"""Name used in a transition for a mark cell whose content is not a known mark."""

# (old, new) -> meaning; names are Mark.display values ("X", "?", "NA", "blank").
MEANINGS: dict[tuple[str, str], str] = {
    ("blank", "X"): "measure now recorded",
    ("blank", "?"): "reference now recorded, but considered incomplete",
    ("blank", "NA"): "now marked not applicable",
    ("X", "?"): "downgraded: reference now considered incomplete",
    ("X", "blank"): "measure no longer recorded",
    ("X", "NA"): "now marked not applicable (a measure was recorded before)",
    ("?", "X"): "clarified: reference now considered sufficient",
    ("?", "blank"): "incomplete reference withdrawn: no entry now",
    ("?", "NA"): "now marked not applicable (the reference was incomplete before)",
    ("NA", "X"): "no longer marked not applicable: measure now recorded",
    ("NA", "?"): "no longer marked not applicable: reference recorded but incomplete",
    ("NA", "blank"): "no longer marked not applicable: no entry now",
}

# Transitions an expert raises at the consultation: a recorded measure is gone or weakened.
CONCERNS: frozenset[tuple[str, str]] = frozenset(
    {("X", "?"), ("X", "blank"), ("X", "NA"), ("?", "blank")}
)


@dataclass(frozen=True)
class Transition:
    """How one mark cell changed: ``code`` like ``X->?`` and its plain-language ``meaning``."""

    old: str  # "X", "?", "NA", "blank" or "other"
    new: str
    meaning: str
    concern: bool  # a measure removed or a mark downgraded: a point for the consultation

    @property
    def code(self) -> str:
        return f"{self.old}->{self.new}"


def mark_name(text: str, recognised: bool = True) -> str:
    """The name of a mark cell's content in a transition code: ``X``, ``?``, ``NA``, ``blank``, ``other``."""
    mark = Mark.parse(text) if recognised else None
    if mark is None:
        return "blank" if not text else OTHER
    return mark.display


def describe_transition(old: str, new: str, *, old_recognised: bool = True, new_recognised: bool = True) -> Transition:
    """The transition between two mark cell texts (normalised, as in ``Value.text``)."""
    a = mark_name(old, old_recognised)
    b = mark_name(new, new_recognised)
    if (a, b) in MEANINGS:
        meaning = MEANINGS[(a, b)]
    elif a == b == OTHER:
        meaning = "unrecognised content changed (not one of X, ?, NA)"
    elif b == OTHER:
        meaning = "now holds content that is not a mark (X, ?, NA): to check"
    elif a == OTHER:
        meaning = f"unrecognised content replaced by {'no entry' if b == 'blank' else b!r}"
    else:  # same mark on both sides: only the spelling changed
        meaning = "same mark, typed differently"
    return Transition(a, b, meaning, (a, b) in CONCERNS)
