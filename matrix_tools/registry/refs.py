"""References to stored versions: ``XTL@latest``, ``XTL@approved``, ``XTL@3``, ``XTL@2023-06-02``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

from matrix_tools.errors import UsageError

_PATTERN = re.compile(r"^(?P<iso>[A-Za-z]{3})@(?P<sel>latest|approved|\d{1,6}|\d{4}-\d{2}-\d{2})$",
                      re.IGNORECASE)
FORMS = "ISO@latest, ISO@approved, ISO@N (version number) or ISO@YYYY-MM-DD"


class Selector(str, Enum):
    """Which version of a State a reference names."""

    LATEST = "latest"
    APPROVED = "approved"
    NUMBER = "number"
    DATE = "date"


@dataclass(frozen=True)
class Reference:
    """A parsed reference: the State's ISO code and which of its versions."""

    iso3: str
    selector: Selector
    number: int = 0
    date: dt.date | None = None

    def __str__(self) -> str:
        if self.selector is Selector.NUMBER:
            return f"{self.iso3}@{self.number}"
        if self.selector is Selector.DATE:
            assert self.date is not None
            return f"{self.iso3}@{self.date.isoformat()}"
        return f"{self.iso3}@{self.selector.value}"


def looks_like_reference(text: str) -> bool:
    """True when ``text`` has the shape of a reference (three letters, ``@``, a selector)."""
    return bool(_PATTERN.match(text.strip()))


def parse_reference(text: str) -> Reference:
    """Parse a reference; UsageError (exit 2) with the accepted forms when it is not one."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise UsageError(f"{text!r} is not a registry reference: use {FORMS}, e.g. XTL@approved")
    iso = match["iso"].upper()
    sel = match["sel"].lower()
    if sel in ("latest", "approved"):
        return Reference(iso, Selector(sel))
    if "-" in sel:
        try:
            return Reference(iso, Selector.DATE, date=dt.date.fromisoformat(sel))
        except ValueError:
            raise UsageError(f"{text!r}: {sel} is not a date; write it as YYYY-MM-DD") from None
    number = int(sel)
    if number < 1:
        raise UsageError(f"{text!r}: versions are numbered from 1")
    return Reference(iso, Selector.NUMBER, number=number)
