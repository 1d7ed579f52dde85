"""The diff as one self-contained, printable HTML page (Jinja2, autoescape on).

Nothing from a submission is marked safe: every value passes through Jinja2's escaping, and
the page loads no external asset (no scripts, fonts, images or style sheets).
"""

from __future__ import annotations

from typing import Any

from matrix_tools import __version__
from matrix_tools.diffing.engine import DiffResult
from matrix_tools.diffing.worddiff import Segment
from matrix_tools.reports.diff_json import diff_to_dict
from matrix_tools.reports.diff_text import readable_segments, summary_sentence
from matrix_tools.resources import read_template_text

TEMPLATE = "diff.html.j2"


def _short(caption: str) -> str:
    return caption.split(" (")[0]


def render_diff_html(result: DiffResult) -> str:
    """The HTML report as text."""
    from jinja2 import Environment, StrictUndefined


    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(read_template_text(TEMPLATE))
    data = diff_to_dict(result)
    by_table: dict[str, list[dict[str, Any]]] = {}
    for change in data["changes"]:
        change["column_short"] = _short(change["column_caption"])
        for key in ("transition", "meaning", "words", "old_field", "template", "old_formula", "new_formula"):
            change.setdefault(key, None)
        change.setdefault("row_deleted", False)
        if change["words"]:  # deleted and inserted phrases kept apart, as in every report
            segments = readable_segments([Segment(w["op"], w["text"]) for w in change["words"]])
            change["words"] = [{"op": s.op, "text": s.text} for s in segments]
        change.setdefault("old_original", change["old"])
        change.setdefault("new_original", change["new"])
        by_table.setdefault(change["table"], []).append(change)
    points = [dict(p.__dict__, column_short=_short(p.column)) for p in result.consultation]
    summary = data["summary"]
    biggest = max((c["total"] for c in summary["by_table"].values()), default=0)
    return template.render(
        d=data,
        s=summary,
        state=result.new.state or result.old.state,
        sentence=summary_sentence(result, command_hint=False),
        by_table=by_table,
        points=points,
        titles=dict(result.table_titles),
        date_labels=result.date_labels,  # the catalogue's own words for its header items
        bar_scale=100.0 / biggest if biggest else 0.0,
        version=__version__,
    )
