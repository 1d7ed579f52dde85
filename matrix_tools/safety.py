"""Small guards that keep submitted content inert: XML parser set-up, CSV cells, JSON text.

- ``ensure_defused()``: the reader calls it before openpyxl parses anything; refuses to run
  when openpyxl would parse without defusedxml (untrusted-input.md, policy 3).
- ``csv_safe(text)``: a CSV cell that Excel will show as text, never run as a formula.
- ``looks_like_formula(text)``: whether text would be taken for a formula if typed or pasted
  into Excel (validation's "formula-like text" rule).
- ``safe_json_dumps(obj)``: JSON that is always valid and always encodable as UTF-8.
- ``one_line(text)``: submitted text for one line of a terminal, log, Markdown cell or file
  name: line breaks, control characters, terminal escapes, bidi overrides and lone
  surrogates shown escaped and visible (``\\x1b``, ``\\u202e``), never acted on.
- ``printable(text)``: the same for a whole multi-line report (line breaks kept).
- ``encodable(text)``: lone surrogates replaced, so a UTF-8 writer (xlsx, JSON) cannot fail.
"""

from __future__ import annotations

import json
import re
from typing import Any

from matrix_tools.errors import ConfigError

_defused_checked = False


def ensure_defused() -> None:
    """Raise ``ConfigError`` unless defusedxml is installed and openpyxl uses it.

    openpyxl only uses defusedxml when it is importable *and* the environment variable
    ``OPENPYXL_DEFUSEDXML`` is unset or "True" (openpyxl/xml/__init__.py); one
    ``OPENPYXL_DEFUSEDXML=False`` in a scheduler's environment would silently remove the
    guard against billion-laughs files for worksheets and shared strings. Checked once per process.
    """
    global _defused_checked
    if _defused_checked:
        return
    try:
        import defusedxml  # noqa: F401 - presence is the point
    except ImportError:
        raise ConfigError(
            "the Python package 'defusedxml' is not installed, and workbooks from outside are not "
            "read without it: install it (pip install defusedxml) and run again",
            code="defusedxml-missing",
        ) from None
    import openpyxl.xml

    if not getattr(openpyxl.xml, "DEFUSEDXML", False):
        raise ConfigError(
            "openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML set to something other than "
            "'True' in the environment?): remove that setting and run again",
            code="defusedxml-disabled",
        )
    _defused_checked = True


# --- spreadsheet formulas --------------------------------------------------------------

# OWASP / ASVS 1.2.10 triggers: a cell starting with one of these may be run as a formula
# when a CSV is opened in Excel or LibreOffice. \n and \0 are added: both survive CSV quoting.
# Excel in Japanese, Chinese and Korean locales also runs formulas typed with the full-width
# forms U+FF1D = U+FF0B + U+FF0D - U+FF20 @ (it folds them to ASCII on entry).
FULL_WIDTH_TRIGGERS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", *FULL_WIDTH_TRIGGERS)
_FOLD = str.maketrans(dict(zip(FULL_WIDTH_TRIGGERS, "=+-@", strict=True)))
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d+)?|\d{1,3}([ ,.]\d{3})+([.,]\d+)?)")
_SIGNED_FORMULA = re.compile(
    r"[+-]("
    r"[A-Za-z_\\$(]"  # +SUM(...), -A1, +$B$2, -(1+1)
    r"|\d[\d.,]*\s*[-+*/^&%<>=]"  # +1+1, -2*3: arithmetic
    r")"
)


def csv_safe(text: str) -> str:
    """``text`` for a CSV cell, prefixed with ``'`` when a spreadsheet could run it as a formula.

    Follows OWASP ("CSV injection"): a leading ``= + - @`` tab, CR, LF or NUL gets a ``'``
    in front, which Excel hides on display and which keeps the cell text. One exception keeps
    numbers readable: a plain signed number (``-5``, ``+3.5``, ``-1,000``) is left alone,
    because Excel turns it into a number, never a formula. Marks (``X``, ``?``, ``NA``) and
    ordinary text are unchanged. The prefix is visible in other CSV readers: that is the price
    of safety, and the JSON export carries the untouched text.
    """
    if not text or not text.startswith(CSV_TRIGGERS):
        return text
    if text[0] in "+-" and _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text


def looks_like_formula(text: str) -> bool:
    """Whether Excel would take ``text`` for a formula if it were typed or pasted into a cell.

    Full-width ``＝＋－＠`` count as their ASCII forms (Excel folds them in East Asian
    locales). True for ``=...`` (also ``==== heading ====``, which corrupts files written with pandas),
    ``{=...}`` array formulas, ``@NAME(`` and a sign before a name, cell, bracket or
    arithmetic (``+SUM(A1)``, ``-A1``, ``+1+1``). False for ordinary text such as
    ``- see Law 12``, ``+41 22 917 1234`` or ``-5``, so validation stays quiet on dashes and
    phone numbers. Leading spaces, tabs and line breaks are ignored, as Excel does on paste.
    """
    stripped = text.lstrip(" \t\r\n\0\u3000").translate(_FOLD)
    if not stripped:
        return False
    if stripped.startswith(("=", "{=")):
        return True
    if stripped.startswith("@"):
        return bool(re.match(r"@\s*[A-Za-z_][\w.]*\s*\(", stripped))
    if stripped[0] in "+-":
        return bool(_SIGNED_FORMULA.match(stripped))
    return False


# --- JSON ------------------------------------------------------------------------------

# Written as \uXXXX escapes (same JSON string): lone surrogates, which could not be encoded
# as UTF-8, and the C1, bidi and separator characters json leaves raw with ensure_ascii=False,
# so a JSON report shown with `cat` cannot drive a terminal or reorder text.
_JSON_ESCAPED = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_HTML_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def safe_json_dumps(obj: Any, *, for_html: bool = False, **kwargs: Any) -> str:
    """``json.dumps`` that always yields valid JSON encodable as UTF-8.

    - ``allow_nan=False``: NaN and infinity raise ``ValueError`` instead of writing invalid
      JSON (callers map them to ``null`` or text first).
    - ``ensure_ascii=False``: Arabic, Chinese, Cyrillic names stay readable.
    - Control characters are escaped by ``json`` itself (``\\u0000``); lone surrogates (which
      can come from badly decoded text) are written as ``\\udXXX`` escapes instead of making
      the later UTF-8 write fail; C1 controls, bidi overrides and U+2028/2029 are escaped too.
    - ``for_html=True``: ``<``, ``>``, ``&`` are escaped too, so the JSON can sit inside a
      ``<script>`` block without ``</script>`` in a value ending it.
    """
    kwargs.setdefault("ensure_ascii", False)
    kwargs["allow_nan"] = False
    text = json.dumps(obj, **kwargs)
    text = _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if for_html:
        text = re.sub("[<>&\u2028\u2029]", lambda m: _HTML_UNSAFE[m.group()], text)
    return text


# --- text for a terminal, a log line, a Markdown cell, a file name ----------------------

# What must never act when shown: C0 and C1 controls (ESC starts ANSI/OSC sequences that clear
# the screen, set the title or hide text; CR overwrites a line), DEL, the bidi embeddings,
# overrides and isolates (U+202E shows "exe.txt" for "txt.exe"), the Arabic letter mark, the
# line and paragraph separators, the byte-order mark, and lone surrogates (no UTF-8 form).
_OTHER_UNSAFE = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHER_UNSAFE}]")
_UNSAFE_IN_REPORT = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHER_UNSAFE}]")  # LF and tab kept
_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_char(char: str) -> str:
    """One character as a visible escape: ``\\x1b``, ``\\u202e``."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str, *, width: int | None = None, breaks: str | None = " / ", squeeze: bool = False) -> str:
    """Submitted ``text`` made safe for one line of a terminal, log, Markdown cell or file name.

    Line breaks (CR, LF, CRLF, U+2028 ...) become ``breaks`` (" / " by default, so a remark's
    lines stay readable and a forged "OK: exit code 0." line cannot appear), a tab a space,
    and every other control, escape, bidi or surrogate character is shown as an escape
    (``\\x1b``, ``\\u202e``); ``breaks=None`` escapes line breaks and tabs too (names of
    files, sheets and parts, where every character counts); ``squeeze=True`` turns every run
    of spaces and line breaks into one space (messages). With ``width``, text is cut to that many characters with "…".
    The one home for this rule: every text channel calls it (untrusted-input.md, policy 4).
    """
    if squeeze:
        text = " ".join(text.split())
    if not (text.isascii() and text.isprintable()):  # else the common case: nothing to do
        if breaks is not None:
            text = _BREAK.sub(breaks, text).replace("\t", " ")
        text = _UNSAFE.sub(lambda m: escape_char(m.group()), text)
    if width is not None and len(text) > width:
        text = text[: max(width - 1, 0)].rstrip() + "…"
    return text


def printable(text: str) -> str:
    """A whole report (several lines) safe for a terminal: only LF kept, everything else that
    could act (ESC, CR, bidi, surrogates) shown escaped. Renderers escape each field with
    ``one_line``; this is the last guard at the edge where text reaches a terminal."""
    if text.isascii() and all(ch.isprintable() or ch in "\n\t" for ch in text):
        return text
    return _UNSAFE_IN_REPORT.sub(lambda m: escape_char(m.group()), text)


def encodable(text: str) -> str:
    """``text`` with lone surrogates (``_xD800_`` in a shared string) replaced by U+FFFD, so a
    UTF-8 writer (xlsx, XML, a file name) cannot fail on it."""
    return _LONE_SURROGATE.sub("\ufffd", text) if not text.isascii() else text
