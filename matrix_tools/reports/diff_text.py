"""The diff as a terminal view: a short summary, then one line per change, by table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from matrix_tools.diffing.engine import Change, DiffResult, Side
from matrix_tools.diffing.worddiff import Segment
from matrix_tools.safety import one_line
from matrix_tools.wording import count_phrase

MAX_TEXT = 160  # characters of a long text shown per side in the terminal


def side_line(role: str, side: Side) -> str:
    """'Old: testland-2013.xlsx (SHA-256 1a2b3c4d…), catalogue un1540-matrix 2013.1'."""
    name = one_line(side.name, breaks=None) if side.name else "(in memory)"
    checksum = f" (SHA-256 {side.sha256[:12]}…)" if side.sha256 else ""
    return f"{role}: {name}{checksum}, catalogue {side.catalogue}"


def summary_sentence(result: DiffResult, *, command_hint: bool = True) -> str:
    """One sentence a person can read: the one total of changes, then what it is made of.

    The total (``summary()["total"]``: cells + header items + rows and other content outside the
    template) is the
    count every report and the batch summary give. ``command_hint`` adds how to list cosmetic
    edits on the command line (left out of reports read away from a terminal).
    """
    s = result.summary()
    if s["identical"]:
        return "The two versions are identical."
    if s["total"]:
        parts = []
        if s["changes"]:
            kinds = ", ".join(f"{n} {k}" for k, n in s["by_kind"].items() if n)
            parts.append(f"{count_phrase(s['changes'], 'cell')} ({kinds})")
        if s["header_changes"]:
            parts.append(count_phrase(s["header_changes"], "header item"))
        rows = sum(s["unknown_rows"].values())
        if rows:
            parts.append(count_phrase(rows, "row outside the template", "rows outside the template"))
        unplaced = sum(s["unplaced"].values())
        if unplaced:
            parts.append(count_phrase(unplaced, "cell of a column or sheet the State added",
                                      "cells of columns or sheets the State added"))
        sentence = f"{count_phrase(s['total'], 'change')}: {', '.join(parts)}"
    else:
        sentence = "No changes"
    if s["cosmetic"]:
        if s["cosmetic_listed"]:
            shown = "listed"
        elif command_hint:
            shown = "not listed; use --include-cosmetic to see them"
        else:
            shown = "not listed"
        sentence += f"; {count_phrase(s['cosmetic'], 'cosmetic edit')} apart ({shown})"
    return sentence + "."


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """One line, at most ``limit`` characters (a terminal view, not the record)."""
    flat = one_line(text, breaks=" ⏎ ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def readable_segments(words: Sequence[Segment]) -> tuple[Segment, ...]:
    """The word diff as shown to a person: a space between a deletion and the insertion that
    directly follows it when neither has one, so "sect. 69" struck through and "Nuclear..."
    inserted read as two phrases, not "sect. 69Nuclear" (every report shows it this way)."""
    out: list[Segment] = []
    for seg in words:
        if (out and out[-1].op == "delete" and seg.op == "insert"
                and not out[-1].text[-1:].isspace() and not seg.text[:1].isspace()):
            out.append(Segment("equal", " "))
        out.append(seg)
    return tuple(out)


def inline_words(words: tuple[Segment, ...]) -> str:
    """A word diff as '[-deleted-]{+inserted+}' (the wdiff convention)."""
    out = []
    for seg in readable_segments(words):
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
        old, new = mark_sides(change)
        yield f"        {change.kind.upper():8} {old} -> {new}: {change.meaning}"
    elif change.words:
        yield f"        CHANGED  {clip(inline_words(change.words), 2 * MAX_TEXT)}"
    elif change.cosmetic:
        yield f"        COSMETIC {clip(repr(change.old_raw or change.old))} -> {clip(repr(change.new_raw or change.new))}"
    elif change.kind == "added":
        yield f"        ADDED    {clip(change.new)}"
    else:
        yield f"        REMOVED  {clip(change.old)}"
    if change.formula_note:
        yield f"        {clip(change.formula_note, 2 * MAX_TEXT)}"


def mark_sides(change: Change) -> tuple[str, str]:
    """The two sides of a mark change as a person reads them: a mark, "blank", or what the
    cell says when it holds no known mark ('Yes, ratified 1970' rather than "other")."""
    assert change.transition is not None
    old, new = change.transition.split("->", 1)
    if old == "other":
        old = repr(clip(change.old, 60))
    if new == "other":
        new = repr(clip(change.new, 60))
    return old, new


def deleted_row_lines(changes: list[Change]) -> Iterator[str]:
    """One entry for a row the State deleted, with what it recorded (not one REMOVED per cell)."""
    first = changes[0]
    yield f"  {first.row_number:>3} {clip(first.label, 60)}  [row deleted by the State]"
    recorded = "; ".join(f"{short_caption(c.column_caption, 30)}: {c.old}" for c in changes)
    yield f"        DELETED  {clip(recorded)}"


def iter_table_lines(changes: list[Change]) -> Iterator[str]:
    """The lines of one table: a deleted row once, every other change on its own."""
    done: set[str] = set()
    for change in changes:
        if change.row_deleted:
            if change.field not in done:
                done.add(change.field)
                yield from deleted_row_lines([c for c in changes if c.field == change.field and c.row_deleted])
            continue
        yield from change_lines(change)


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
        tag = " [cosmetic]" if h.cosmetic else f" [{h.kind}]"
        lines.append(f"  Header · {clip(h.label.rstrip(':'))}: {clip(h.old) or '(empty)'} -> {clip(h.new) or '(empty)'}{tag}")
    if any(change.words for change in result.changes):
        lines.append("In changed texts, [-words-] were removed and {+words+} were added.")
    for _table, title, changes in result.iter_tables():
        lines += ["", f"{title} ({count_phrase(len(changes), 'change')})"]
        lines.extend(iter_table_lines(changes))
    if result.unknown_rows:
        lines += ["", "Rows outside the template (inserted by the State)"]
        for row in result.unknown_rows:
            values = "; ".join(f"{clip(k)}: {v}" for k, v in (row.new_values or row.old_values).items())
            copy = " (a copy of a row of the matrix)" if row.duplicate_of else ""
            lines.append(f"  {row.kind.upper():8} {result.table_titles.get(row.table, row.table)} · "
                         f"{clip(row.label, 60)}{copy}")
            if values:
                lines.append(f"           {clip(values)}")
    lines.extend(unplaced_lines(result))
    if result.template_fields:
        lines += ["", "Fields in one template version only (not edits by the State)"]
        for t in result.template_fields:
            lines.append(f"  {t.side.replace('-', ' ')}: {t.table} {t.row_number} {clip(t.label, 60)} ({t.field})")
    return "\n".join(lines) + "\n"


def unplaced_lines(result: DiffResult) -> Iterator[str]:
    """Cells outside the template: inserted columns, then added sheets, one block each."""
    last = None
    for u in result.unplaced:
        block = (u.place, u.table, u.name)
        if block != last:
            last = block
            if u.place == "column":
                title = result.table_titles.get(u.table, u.table)
                yield from ("", f"Column outside the template (inserted by the State): {title} · '{clip(u.name, 60)}'")
            else:
                yield from ("", f"Worksheet outside the template: '{clip(u.name, 60)}'")
        where = u.new_cell or u.old_cell
        what = clip(u.label, 60) if u.place == "column" else u.item
        yield f"  {what}  ({where})"
        if u.kind == "changed":
            yield f"        CHANGED  {clip(u.old)} -> {clip(u.new)}"
        elif u.kind == "added":
            yield f"        ADDED    {clip(u.new)}"
        else:
            yield f"        REMOVED  {clip(u.old)}"


def short_caption(caption: str, limit: int = 50) -> str:
    """A column caption without its parenthesised explanation, clipped for one line."""
    return clip(caption.split(" (")[0], limit)
