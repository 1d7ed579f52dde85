"""Render a resolve: the final workbook (a clean matrix) and the record of decisions (text / JSON)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from matrix_tools.merging.resolve import ResolveResult
from matrix_tools.reports.textline import one_line
from matrix_tools.safety import safe_json_dumps
from matrix_tools.writing.workbook import write_matrix_workbook


def write_final_workbook(result: ResolveResult, path: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """The final matrix as a fresh workbook in the template layout (no agenda sheets), atomically."""
    write_matrix_workbook(path, result.matrix, inputs=[*inputs, result.merged])
    return Path(path)


def _item(d: Any) -> dict[str, Any]:
    item = d.item
    return {"number": item.number, "table": item.table, "row": item.row_label, "column": item.column,
            "agenda_cell": item.decision_cell, "cell": item.cell}


def resolve_report(result: ResolveResult, *, output: str | Path | None = None) -> dict[str, Any]:
    """The record of decisions as plain data (schemas/resolve.schema.json)."""
    return {
        "merged": result.merged,
        "output": str(output) if output is not None and result.ok else None,
        "sources": dict(result.agenda.sources),
        "decisions": [
            {**_item(d), "field": d.field, "column_key": d.column, "decision": d.item.decision,
             "decided_value": d.item.decided_value, "choice": d.choice, "value": d.value, "from": d.source}
            for d in result.decided
        ],
        "problems": [
            {**_item(p), "decision": p.item.decision, "decided_value": p.item.decided_value,
             "undecided": p.undecided, "reason": p.reason}
            for p in result.problems
        ],
        "summary": {**result.summary(), "ok": result.ok},
    }


def render_resolve_json(result: ResolveResult, *, output: str | Path | None = None) -> str:
    """The record of decisions as JSON."""
    return safe_json_dumps(resolve_report(result, output=output), indent=2) + "\n"


def _where(item: Any) -> str:
    if not item.row:  # a conflict whose agenda row is gone
        return "(row deleted from the agenda)"
    return f"{item.table} {item.row_label}: {item.column}".strip()


def render_resolve_text(result: ResolveResult, *, output: str | Path | None = None) -> str:
    """The record for a person: each decision with where its value came from, or what is missing."""
    s = result.summary()
    lines = [f"Decisions in {one_line(result.merged)}: {s['conflicts']} conflict{'s' if s['conflicts'] != 1 else ''}"]
    if not result.ok:
        lines.append(
            f"Nothing written: {s['undecided']} undecided, {s['not_understood']} not understood. "
            "Fill in the Decision column (ours, theirs, base) or the Decided value column, then run resolve again."
        )
        for p in result.problems:
            cell = f"  [{p.item.decision_cell}]" if p.item.decision_cell else ""
            lines.append(f"  {p.item.number}. {one_line(_where(p.item))}{cell}")
            lines.append(f"     {one_line(p.reason)}")
        return "\n".join(lines) + "\n"
    if output is not None:
        lines.append(f"Final matrix: {one_line(str(output))}")
    lines.append(f"All decided: {s['from_ours']} from ours, {s['from_theirs']} from theirs, "
                 f"{s['from_base']} from base, {s['typed']} typed.")
    for d in result.decided:
        origin = f"{d.choice} ({one_line(d.source)})" if d.source else d.choice
        lines.append(f"  {d.item.number}. {one_line(_where(d.item))}: {one_line(d.value)}  <- {origin}")
    return "\n".join(lines) + "\n"
