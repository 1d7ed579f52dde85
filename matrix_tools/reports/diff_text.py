"""The diff as a terminal view: a short summary, then one line per change, by table."""

from __future__ import annotations

from collections.abc import Iterator

from matrix_tools.diffing.engine import Change, DiffResult, Side
from matrix_tools.diffing.worddiff import Segment
from matrix_tools.safety import one_line

MAX_TEXT = 160  # characters of a long text shown per side in the terminal


def side_line(role: str, side: Side) -> str:
    """'Old: testland-2013.xlsx (SHA-256 1a2b3c4d…), catalogue un1540-matrix 2013.1'."""
    name = one_line(side.name, breaks=None) if side.name else "(in memory)"
    checksum = f" (SHA-256 {side.sha256[:12]}…)" if side.sha256 else ""
    return f"{role}: {name}{checksum}, catalogue {side.catalogue}"


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def summary_sentence(result: DiffResult) -> str:
    """One sentence a person can read: what differs, in counts."""
    s = result.summary()
    if s["identical"]:
        return "The two versions are identical."
    parts = []
    if s["changes"]:
        kinds = ", ".join(f"{n} {k}" for k, n in s["by_kind"].items() if n)
        parts.append(f"{count_phrase(s['changes'], 'cell change')} ({kinds})")
    else:
        parts.append("no cell changes")
    if s["header_changes"]:
        parts.append(count_phrase(s["header_changes"], "header change"))
    rows = sum(s["unknown_rows"].values())
    if rows:
        parts.append(count_phrase(rows, "added-row change"))
    if s["cosmetic"]:
        shown = "listed" if s["cosmetic_listed"] else "not listed; use --include-cosmetic to see them"
        parts.append(f"{count_phrase(s['cosmetic'], 'cosmetic edit')} ({shown})")
    return "; ".join(parts) + "."


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """One line, at most ``limit`` characters (a terminal view, not the record)."""
    flat = one_line(text, breaks=" ⏎ ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def inline_words(words: tuple[Segment, ...]) -> str:
    """A word diff as '[-deleted-]{+inserted+}' (the wdiff convention)."""
    out = []
    for seg in words:
        if seg.op == "equal":
            out.append(seg.text)
        elif seg.op == "delete":
            out.append(f"[-{seg.text}-]")
        else:
            out.append(f"{{+{seg.text}+}}")
    return "".join(out)


def change_lines(change: Change) -> Iterator[str]:
    where = one_line(change.new_cell or change.old_cell, breaks=None)  # holds the sheet name
    head = f"  {change.row_number:>3} {clip(change.label, 60)} · {short_caption(change.column_caption)}"
    flags = change.flags()
    tag = f" [{', '.join(flags)}]" if flags else ""
    yield f"{head}  ({where}){tag}"
    if change.transition:
        old, new = change.transition.split("->", 1)
        yield f"        {change.kind.upper():8} {old} -> {new}: {change.meaning}"
    elif change.words:
        yield f"        CHANGED  {clip(inline_words(change.words), 2 * MAX_TEXT)}"
    elif change.cosmetic:
        yield f"        COSMETIC {clip(repr(change.old_raw or change.old))} -> {clip(repr(change.new_raw or change.new))}"
    elif change.kind == "added":
        yield f"        ADDED    {clip(change.new)}"
    else:
        yield f"        REMOVED  {clip(change.old)}"


def render_diff_text(result: DiffResult) -> str:
    """The terminal view of a diff (plain text, no colour, ends with a newline)."""
    lines = [
        f"Changes in the 1540 matrix of {clip(result.new.state or result.old.state)}",
        side_line("Old", result.old),
        side_line("New", result.new),
        "",
        summary_sentence(result),
    ]
    for h in (*result.header_changes, *(result.cosmetic_headers if result.include_cosmetic else ())):
        tag = " [cosmetic]" if h.cosmetic else ""
        lines.append(f"  Header · {clip(h.label)}: {clip(h.old) or '(empty)'} -> {clip(h.new) or '(empty)'}{tag}")
    if any(change.words for change in result.changes):
        lines.append("In changed texts, [-words-] were removed and {+words+} were added.")
    for _table, title, changes in result.iter_tables():
        lines += ["", f"{title} ({count_phrase(len(changes), 'change')})"]
        for change in changes:
            lines.extend(change_lines(change))
    if result.unknown_rows:
        lines += ["", "Rows outside the template (inserted by the State)"]
        for row in result.unknown_rows:
            values = "; ".join(f"{clip(k)}: {v}" for k, v in (row.new_values or row.old_values).items())
            lines.append(f"  {row.kind.upper():8} {result.table_titles.get(row.table, row.table)} · {clip(row.label, 60)}")
            if values:
                lines.append(f"           {clip(values)}")
    if result.template_fields:
        lines += ["", "Fields in one template version only (not edits by the State)"]
        for t in result.template_fields:
            lines.append(f"  {t.side.replace('-', ' ')}: {t.table} {t.row_number} {clip(t.label, 60)} ({t.field})")
    return "\n".join(lines) + "\n"


def short_caption(caption: str, limit: int = 50) -> str:
    """A column caption without its parenthesised explanation, clipped for one line."""
    return clip(caption.split(" (")[0], limit)
