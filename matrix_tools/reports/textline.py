"""A submitted value on one line of a resolve or registry report: ``safety.one_line`` (the one
home of the escaping rule), with a blank value shown as "(blank)" so that "X -> (blank)" reads."""

from __future__ import annotations

from matrix_tools import safety
from matrix_tools.merging.agenda import (
    BLANK_SHOWN,  # how a blank value reads (the agenda reads it back)
)


def one_line(text: str) -> str:
    """``text`` escaped for one terminal line (``safety.one_line``); "" shown as "(blank)"."""
    return safety.one_line(text) if text else BLANK_SHOWN
