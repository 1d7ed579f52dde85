"""Render what the registry holds: the list of versions and a State's history (text, Markdown,
HTML, JSON, xlsx). Every submitted text is made inert for its channel: one terminal line,
escaped Markdown, Jinja2-escaped HTML, ``write_string`` in xlsx."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.registry.records import MARKS_COUNTED, Version
from matrix_tools.reports.textline import one_line
from matrix_tools.resources import read_template_text
from matrix_tools.safety import safe_json_dumps
from matrix_tools.writing.output import write_with
from matrix_tools.writing.xlsx import Styles, new_workbook

if TYPE_CHECKING:  # `registry list` does not need the history (nor the reader behind it)
    from matrix_tools.registry.history import History

HISTORY_TEMPLATE = "history.html.j2"


def version_dict(v: Version) -> dict[str, Any]:
    """A version as plain data (schemas/registry-list.schema.json)."""
    return {
        "ref": v.ref, "iso3": v.iso3, "number": v.number, "state": v.state, "status": v.status,
        "received": v.received.isoformat(), "added_at": v.added_at, "file_name": v.file_name,
        "note": v.note, "sha256": v.sha256, "catalogue": v.catalogue,
        "date_of_report": v.date_of_report, "date_of_committee_approval": v.date_of_approval,
        "marks": dict(v.marks),
    }


def render_versions_text(versions: Sequence[Version]) -> str:
    """One line per version: reference, ISO, State, status, dates, added, SHA-256 prefix, marks."""
    if not versions:
        return "The registry holds no version yet: add one with `matrix-tools registry add FILE`.\n"
    lines = []
    for v in versions:
        marks = " ".join(f"{m}:{v.marks.get(m, 0)}" for m in MARKS_COUNTED)
        dates = f"report {one_line(v.date_of_report)}" if v.date_of_report else "no report date"
        if v.date_of_approval:
            dates += f", approved {one_line(v.date_of_approval)}"
        lines.append(f"{v.ref:<9} {v.iso3}  {one_line(v.state)[:32]:<32}  {v.status:<8}  {dates}; "
                     f"received {v.received}, added {v.added_at} from {one_line(v.file_name)}  "
                     f"{v.sha256[:12]}  {marks}" + (f"  note: {one_line(v.note)}" if v.note else ""))
    return "\n".join(lines) + "\n"


def render_versions_json(versions: Sequence[Version]) -> str:
    """``registry list --format json``."""
    return safe_json_dumps({"versions": [version_dict(v) for v in versions]}, indent=2) + "\n"


# --- history ------------------------------------------------------------------------------


def history_dict(history: History) -> dict[str, Any]:
    """The history as plain data (schemas/history.schema.json)."""
    return {
        "iso3": history.iso3,
        "state": history.state,
        "versions": [
            {**version_dict(step.version), "previous": step.previous.ref if step.previous else None,
             "counts": step.counts(),
             "changes": [{"field": c.field, "column": c.column, "label": c.label, "section": c.section,
                          "kind": c.kind, "old": c.old, "new": c.new, "cell": c.cell, "is_mark": c.is_mark,
                          "caption": c.caption}
                         for c in step.changes]}
            for step in history.steps
        ],
        "fields": [
            {"field": f.field, "column": f.column, "caption": f.caption, "label": f.label, "section": f.section,
             "events": [e.__dict__ for e in f.events]}
            for f in history.fields
        ],
    }


def render_history_json(history: History) -> str:
    """``registry history -o FILE.json``."""
    return safe_json_dumps(history_dict(history), indent=2) + "\n"


def _counts(step: Any) -> str:
    c = step.counts()
    return f"{c['added']} added, {c['changed']} changed, {c['removed']} removed ({c['marks_changed']} marks)"


def render_history_text(history: History) -> str:
    """The timeline for the terminal: one block per version, then the marks that moved."""
    lines = [f"History of the 1540 matrix of {one_line(history.state)} ({history.iso3}): "
             f"{len(history.steps)} version{'s' if len(history.steps) != 1 else ''}"]
    for step in history.steps:
        v = step.version
        lines.append(f"{v.ref}  {v.status}  received {v.received}  from {one_line(v.file_name)}"
                     + (f"  note: {one_line(v.note)}" if v.note else ""))
        if step.previous is None:
            lines.append("   first version stored")
            continue
        lines.append(f"   since {step.previous.ref}: {_counts(step)}")
        for c in step.changes:
            lines.append(f"   {c.kind:<8} {one_line(c.label)}: {c.caption}: {one_line(c.old)} -> {one_line(c.new)}")
    moved = [f for f in history.fields if len(f.events) > 1 or f.events[0].version != history.steps[0].version.ref]
    lines.append(f"Marks recorded, changed or removed after {history.steps[0].version.ref}: {len(moved)}")
    for f in moved:
        events = "; ".join(f"{e.event} {one_line(e.new) if e.event != 'removed' else one_line(e.old)} in {e.version}"
                           for e in f.events)
        lines.append(f"   {one_line(f.label)} ({f.caption}): {events}")
    return "\n".join(lines) + "\n"


_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+-.!|<>"})


def _md(text: str) -> str:
    return one_line(text).translate(_MD_SPECIAL)


def render_history_md(history: History) -> str:
    """The timeline as Markdown (tables; every submitted text escaped)."""
    out = [f"# History of the 1540 matrix of {_md(history.state)} ({history.iso3})", "",
           "| Version | Status | Received | File | Changes since the previous version |",
           "|---|---|---|---|---|"]
    for step in history.steps:
        v = step.version
        what = _counts(step) if step.previous else "first version stored"
        out.append(f"| {v.ref} | {v.status} | {v.received} | {_md(v.file_name)} | {what} |")
    for step in history.steps[1:]:
        out += ["", f"## {step.version.ref}: changes since {step.previous.ref if step.previous else ''}", ""]
        if not step.changes:
            out.append("No changes.")
            continue
        out += ["| Field | Column | Change | Before | After |", "|---|---|---|---|---|"]
        out += [f"| {_md(c.label)} | {_md(c.caption)} | {c.kind} | {_md(c.old)} | {_md(c.new)} |" for c in step.changes]
    out += ["", "## Marks: when each was recorded, changed or removed", "",
            "| Field | Column | Events |", "|---|---|---|"]
    for f in history.fields:
        events = "; ".join(f"{e.event} {_md(e.new or e.old)} ({e.version})" for e in f.events)
        out.append(f"| {_md(f.label)} | {_md(f.caption)} | {events} |")
    return "\n".join(out) + "\n"


def render_history_html(history: History) -> str:
    """A self-contained page (Jinja2, autoescape on; nothing from a submission marked safe)."""
    from jinja2 import Environment, StrictUndefined


    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(read_template_text(HISTORY_TEMPLATE))
    return template.render(h=history_dict(history))


def write_history_xlsx(history: History, path: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Versions, Changes and Marks timeline sheets (atomically; text written as text)."""
    data = history_dict(history)

    def build(tmp: Path) -> None:
        wb = new_workbook(tmp, title=f"History of the 1540 matrix of {history.state}")
        styles = Styles(wb)
        _sheet(wb, styles, "Versions", f"History of the 1540 matrix of {history.state} ({history.iso3})",
               [("Version", 10), ("Status", 10), ("Received", 12), ("File", 30), ("Added", 22), ("Note", 30),
                ("Added values", 10), ("Changed", 10), ("Removed", 10), ("Marks changed", 10), ("SHA-256", 20)],
               [[v["ref"], v["status"], v["received"], v["file_name"], v["added_at"], v["note"],
                 v["counts"]["added"], v["counts"]["changed"], v["counts"]["removed"],
                 v["counts"]["marks_changed"], v["sha256"][:12]] for v in data["versions"]])
        _sheet(wb, styles, "Changes", "What changed from one version to the next",
               [("Version", 10), ("Since", 10), ("Field", 44), ("Column", 14), ("Change", 10),
                ("Before", 36), ("After", 36), ("Cell", 16)],
               [[v["ref"], v["previous"] or "", c["label"], c["caption"], c["kind"], c["old"], c["new"], c["cell"]]
                for v in data["versions"] for c in v["changes"]])
        _sheet(wb, styles, "Marks timeline", "When each mark was first recorded, changed or removed",
               [("Field", 44), ("Column", 14), ("Section", 14), ("Version", 10), ("Received", 12),
                ("Event", 10), ("Before", 8), ("After", 8)],
               [[f["label"], f["caption"], f["section"], e["version"], e["received"], e["event"], e["old"], e["new"]]
                for f in data["fields"] for e in f["events"]])
        wb.close()

    return write_with(path, build, inputs)


def _sheet(wb: Any, styles: Any, name: str, title: str, columns: list[tuple[str, int]],
           rows: list[list[Any]]) -> None:
    ws = wb.add_worksheet(name)
    ws.write_string(0, 0, title, styles.get("title"))
    for col, (caption, width) in enumerate(columns):
        ws.write_string(2, col, caption, styles.get("caption"))
        ws.set_column(col, col, width)
    text = styles.get("text")
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row):
            if isinstance(value, int):
                ws.write_number(r, col, value, text)
            else:
                ws.write_string(r, col, str(value), text)
    ws.freeze_panes(3, 0)
    ws.autofilter(2, 0, 2 + max(len(rows), 1), len(columns) - 1)
