"""The diff as Markdown: summary, header changes, one table of changes per matrix table.

Submitted text is escaped for Markdown (a State's remark must not become a link, an image or
HTML in a Markdown viewer): see ``escape_md``.
"""

from __future__ import annotations

import re

from matrix_tools.diffing.engine import Change, DiffResult, Side
from matrix_tools.diffing.worddiff import Segment
from matrix_tools.reading.normalise import format_dates
from matrix_tools.reports.diff_text import readable_segments, summary_sentence
from matrix_tools.safety import one_line
from matrix_tools.wording import count_phrase

# Inline specials of CommonMark and GitHub tables, plus < > & (raw HTML). Block markers
# (#, -, 1.) need no escape: text only ever sits inside a table cell. "://" and "www." are
# broken up so a viewer does not turn a submitted address into a live link.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>&~!])")
_AUTOLINK = re.compile(r"(?<=\w):(?=//)|(?<=\bwww)\.", re.IGNORECASE)


_BACKTICKS = re.compile(r"`+")


def escape_md(text: str) -> str:
    """Text safe in a Markdown table cell: specials backslash-escaped, every kind of line break
    (CR, LF, U+2028 ...) as <br>, control and bidi characters shown escaped (``safety.one_line``)."""
    escaped = _AUTOLINK.sub(lambda m: "\\" + m.group(0), _MD_SPECIAL.sub(r"\\\1", text))
    return one_line(escaped, breaks="<br>")


def md_code(text: str) -> str:
    """A code span (cell references read as they are, no backslashes); the fence is longer
    than any run of backticks inside, and a table's ``|`` is escaped as GitHub requires."""
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    body = one_line(text, breaks=None).replace("|", "\\|")  # a cell reference holds a sheet name
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def md_words(words: tuple[Segment, ...]) -> str:
    """A word diff with ~~deleted~~ and **inserted** runs."""
    out = []
    for seg in readable_segments(words):
        text = escape_md(seg.text)
        if seg.op == "equal" or not seg.text.strip():
            out.append(text)
        else:
            lead = " " if seg.text[:1].isspace() else ""
            tail = " " if seg.text[-1:].isspace() else ""
            core = escape_md(seg.text.strip())
            out.append(f"{lead}~~{core}~~{tail}" if seg.op == "delete" else f"{lead}**{core}**{tail}")
    return "".join(out)


def mark_md(text: str) -> str:
    return f"`{text}`" if text else "blank"


def side_rows(role: str, side: Side) -> list[str]:
    # Dates in the matrix style ("12 October 2004"), as everywhere else in the report.
    dates = "; ".join(f"{k.replace('_', ' ')}: {format_dates(v)}" for k, v in side.dates.items())
    return [
        f"| {role} | {escape_md(side.name or '(in memory)')} | `{side.sha256 or '-'}` | {escape_md(dates) or '-'} |",
    ]


def change_row(change: Change) -> str:
    if change.transition:
        old, new = mark_md(change.old), mark_md(change.new)
        what = f"{old} → {new}: {escape_md(change.meaning or '')}"
    elif change.words:
        what = md_words(change.words)
    elif change.cosmetic:
        what = f"cosmetic: {escape_md(change.old_raw or change.old)} → {escape_md(change.new_raw or change.new)}"
    elif change.kind == "added":
        what = f"**{escape_md(change.new)}**"
    else:
        what = f"~~{escape_md(change.old)}~~"
    flags = change.flags("`{}`")
    note = f" ({', '.join(flags)})" if flags else ""
    if change.formula_note:
        what += f" ({escape_md(change.formula_note)})"
    column = escape_md(change.column_caption.split(" (")[0])
    cell = md_code(change.new_cell or change.old_cell)
    return f"| {escape_md(change.row_number)} | {escape_md(change.label)} | {column} | {change.kind}{note} | {what} | {cell} |"


def _outside_the_template(result: DiffResult) -> list[str]:
    """The sections on rows, columns and sheets the State wrote outside the template."""
    out: list[str] = []
    if result.unknown_rows:
        out += ["", "## Rows outside the template", "", "| Kind | Table | Label | Values |", "|---|---|---|---|"]
        for row in result.unknown_rows:
            values = "; ".join(f"{k}: {v}" for k, v in (row.new_values or row.old_values).items())
            title = escape_md(result.table_titles.get(row.table, row.table))
            copy = " (copy of a row of the matrix)" if row.duplicate_of else ""
            out.append(f"| {row.kind} | {title} | {escape_md(row.label)}{copy} | {escape_md(values)} |")
    if result.unplaced:
        out += ["", "## Content outside the template", "",
                "| Kind | Where | Row or cell | Old | New | Cell |", "|---|---|---|---|---|---|"]
        for u in result.unplaced:
            if u.place == "column":
                where = f"{escape_md(result.table_titles.get(u.table, u.table))} · column {escape_md(u.name)}"
                item = escape_md(u.label)
            else:
                where, item = f"worksheet {escape_md(u.name)}", escape_md(u.item)
            out.append(f"| {u.kind} | {where} | {item} | {escape_md(u.old) or '-'} | {escape_md(u.new) or '-'} "
                       f"| {escape_md(u.new_cell or u.old_cell)} |")
    return out


def render_diff_md(result: DiffResult) -> str:
    """The Markdown report (ends with a newline)."""
    state = result.new.state or result.old.state
    out = [
        f"# Changes in the 1540 matrix of {escape_md(state)}",
        "",
        "Marks are indicators of fact recorded by the 1540 Committee, not compliance scores.",
        "",
        "| Version | File | SHA-256 | Dates |",
        "|---|---|---|---|",
        *side_rows("Old", result.old),
        *side_rows("New", result.new),
        "",
        f"**{summary_sentence(result, command_hint=False)}**",
    ]
    s = result.summary()
    if s["changes"]:
        out += ["", "| Table | Added | Removed | Changed | Total |", "|---|--:|--:|--:|--:|"]
        for table, counts in s["by_table"].items():
            if counts["total"]:
                title = escape_md(result.table_titles.get(table, table))
                out.append(f"| {title} | {counts['added']} | {counts['removed']} | {counts['changed']} | {counts['total']} |")
    headers = [*result.header_changes, *(result.cosmetic_headers if result.include_cosmetic else ())]
    if headers:
        out += ["", "## Header", "", "| Item | Old | New | Kind |", "|---|---|---|---|"]
        for h in headers:
            kind = h.kind + (" (cosmetic)" if h.cosmetic else "")
            out.append(f"| {escape_md(h.label)} | {escape_md(h.old) or '-'} | {escape_md(h.new) or '-'} | {kind} |")
    for _table, table_title, changes in result.iter_tables():
        title = escape_md(table_title)
        out += ["", f"## {title} ({count_phrase(len(changes), 'change')})", ""]
        out += ["| No. | Field | Column | Kind | Change | Cell |", "|---|---|---|---|---|---|"]
        out += [change_row(c) for c in changes]
    out += _outside_the_template(result)
    if result.template_fields:
        out += ["", "## Fields in one template version only", "", "| Side | Table | No. | Field |", "|---|---|---|---|"]
        for t in result.template_fields:
            out.append(f"| {t.side.replace('-', ' ')} | {escape_md(t.table)} | {escape_md(t.row_number)} | {escape_md(t.label)} (`{t.field}`) |")
    points = list(result.consultation)
    if points:
        out += ["", "## For consultation", "", "| Topic | Table | No. | Field | Column | Question |", "|---|---|---|---|---|---|"]
        for p in points:
            title = escape_md(result.table_titles.get(p.table, p.table))
            out.append(
                f"| {escape_md(p.topic)} | {title} | {escape_md(p.row_number)} | {escape_md(p.label)} "
                f"| {escape_md(p.column.split(' (')[0])} | {escape_md(p.question)} |"
            )
    return "\n".join(out) + "\n"
