"""Bounds on one string of a workbook, checked while its XML streams by (issue 13, growth).

A 63-million-character cell built from rich-text runs passes the per-token bound of the XML
pass (each run is small) yet costs the reader gigabytes. ``StringSpans`` measures each string
element (``<si>`` of the shared strings, ``<is>`` of an inline cell string) as XML characters,
runs and markup included, across chunk boundaries, and refuses one longer than the bound.
"""

from __future__ import annotations

import codecs
import re

from matrix_tools.reading.sniff import DAMAGED, Refused, show


def complete_tags(text: str, final: bool) -> tuple[str, str]:
    """(text up to its last complete tag, the unfinished tag kept for the next chunk): a part
    is scanned in chunks, and a tag cut in two must be seen whole."""
    cut = text.rfind("<")
    if not final and cut >= 0 and text.find(">", cut) < 0:
        return text[:cut], text[cut:]
    return text, ""


class StringSpans:
    """Refuses one string element (``<si>``, ``<is>``) longer than ``limit`` XML characters."""

    def __init__(self, tag: str, part: str, limit: int):
        self.pattern = re.compile(rf"<(/?)(?:[A-Za-z_][\w.\-]*:)?{tag}(?=[\s/>])")
        self.tag, self.part, self.limit = tag, part, limit
        self.seen = 0  # characters fed before this chunk
        self.open_at = -1  # where the string being read started, or -1

    def feed(self, text: str) -> None:
        if self.limit <= 0:
            return
        if self.open_at < 0 and len(text) <= self.limit and f":{self.tag}" not in text:
            # The common case (a matrix's parts are small): no string of this text can be longer
            # than the text itself, so only a string left open at its end needs noting.
            last_open = max(text.rfind(f"<{self.tag}>"), text.rfind(f"<{self.tag} "))
            if last_open > text.rfind(f"</{self.tag}>"):
                self.open_at = self.seen + last_open
            self.seen += len(text)
            return
        if self.open_at >= 0 or self.tag in text:
            for match in self.pattern.finditer(text):
                at = self.seen + match.start()
                if not match.group(1):
                    self.open_at = at
                elif self.open_at >= 0:
                    self.check(at - self.open_at)
                    self.open_at = -1
        self.seen += len(text)
        if self.open_at >= 0:
            self.check(self.seen - self.open_at)

    def check(self, length: int) -> None:
        if length > self.limit:
            raise Refused(
                "cell-text-too-long",
                f"the part {show(self.part)} holds a cell text of more than {self.limit:,} characters of "
                "XML, beyond Excel's limit of 32,767 characters per cell: refused for safety; " + DAMAGED,
            )


class SharedStringsScan:
    """The shared-strings part: only the length of each ``<si>`` is tracked (decoded text)."""

    def __init__(self, encoding: str, part: str, limit: int):
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self.tail = ""
        self.strings = StringSpans("si", part, limit)

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text, self.tail = complete_tags(self.tail + self.decoder.decode(chunk, final), final)
        self.strings.feed(text)
