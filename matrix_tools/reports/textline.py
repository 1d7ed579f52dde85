"""Submitted text on one terminal line: the form every resolve and registry message uses.

(Issue 13 brings escaping for every output channel to ``safety.py``; when it lands, this
function should become a call to it: one home per concept.)
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """A value on one terminal line: line breaks as " / ", control and direction characters
    made harmless (submitted text never becomes a terminal escape); blank shown as (blank)."""
    text = text.replace("\r\n", "\n").replace("\n", " / ")
    return _CONTROL.sub("\ufffd", text) if text else "(blank)"
