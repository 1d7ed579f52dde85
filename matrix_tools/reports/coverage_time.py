"""The "Coverage over time" sheet of a consolidation from the registry: per year and section,
States counted and measures (X marks) recorded, with a native Excel line chart of the average
number of measures per State. Counts of recorded measures, not compliance scores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matrix_tools.registry.coverage import ALL_SECTIONS, CoveragePoint

SHEET = "Coverage over time"
NOTE = ("For each year, every State's matrix in force at the end of that year (its latest approved "
        "version received by then, else its latest version). Measures are X marks: indicators of "
        "fact, not compliance scores.")


def add_coverage_over_time_sheet(wb: Any, fmt: dict[str, Any], points: Sequence[CoveragePoint]) -> None:
    """Write the table (years down, sections across) and a line chart drawn from it."""
    ws = wb.add_worksheet(SHEET)
    ws.write_string(0, 0, "Coverage over time: measures recorded per State", fmt["title"])
    ws.write_string(1, 0, NOTE, fmt["note"])
    years = sorted({p.year for p in points})
    sections = list(dict.fromkeys(p.section for p in points))
    by_key = {(p.year, p.section): p for p in points}
    head = 3
    captions = ["Year", "States", *[f"{s}: average per State" for s in sections],
                *[f"{s}: measures" for s in sections]]
    for col, caption in enumerate(captions):
        ws.write_string(head, col, caption, fmt["head"])
    ws.set_column(0, 1, 8)
    ws.set_column(2, len(captions) - 1, 14)
    for r, year in enumerate(years, start=head + 1):
        ws.write_number(r, 0, year)
        ws.write_number(r, 1, by_key[(year, ALL_SECTIONS)].states if (year, ALL_SECTIONS) in by_key else 0)
        for i, section in enumerate(sections):
            point = by_key.get((year, section))
            ws.write_number(r, 2 + i, point.per_state if point else 0)
            ws.write_number(r, 2 + len(sections) + i, point.measures if point else 0)
    if not years:
        return
    first, last = head + 1, head + len(years)
    chart = wb.add_chart({"type": "line"})
    for i in range(len(sections)):
        chart.add_series({
            "name": [SHEET, head, 2 + i],
            "categories": [SHEET, first, 0, last, 0],
            "values": [SHEET, first, 2 + i, last, 2 + i],
            "marker": {"type": "circle"},
        })
    chart.set_title({"name": "Average number of measures recorded per State"})
    chart.set_x_axis({"name": "Year"})
    chart.set_y_axis({"name": "Measures (X marks) per State", "min": 0})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 380})
    ws.insert_chart(last + 3, 0, chart)
