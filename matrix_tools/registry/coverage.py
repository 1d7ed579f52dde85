"""Coverage over time: per year and per section, how many measures (X marks) are recorded
across States, counting for each State the version in force at the end of that year.

The Committee's reviews report such figures (the average number of measures per State rose
from 93 in 2008 to 128 in 2011). Counts of recorded measures, not compliance scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from matrix_tools.registry.records import in_force
from matrix_tools.registry.store import Registry

ALL_SECTIONS = "All sections"
MEASURE = "X"


@dataclass(frozen=True)
class CoveragePoint:
    """One (year, section) figure."""

    year: int
    section: str
    states: int  # States with a version in force at the end of the year
    measures: int  # X marks recorded across those States
    per_state: float  # measures / states (0 when no State)


def coverage_over_time(registry: Registry, *, as_of: dt.date | None = None,
                       approved_first: bool = True, sections: Sequence[str] = ()) -> list[CoveragePoint]:
    """Figures for every year from the first version received to ``as_of`` (default: today)."""
    versions = registry.versions()
    if not versions:
        return []
    end = as_of or dt.date.today()
    first = min(v.received for v in versions).year
    cache = registry.measure_counts(MEASURE)
    points: list[CoveragePoint] = []
    for year in range(first, end.year + 1):
        cutoff = min(dt.date(year, 12, 31), end)
        chosen = in_force(versions, cutoff, approved_first=approved_first)
        totals: dict[str, int] = {}
        for v in chosen:
            for section, n in cache.get(v.id, {}).items():
                totals[section] = totals.get(section, 0) + n
        states = len(chosen)
        names = list(sections) or sorted(s for s in {s for c in cache.values() for s in c} if s)
        for section in [*names, ALL_SECTIONS]:
            measures = sum(totals.values()) if section == ALL_SECTIONS else totals.get(section, 0)
            points.append(CoveragePoint(year, section, states, measures,
                                        round(measures / states, 1) if states else 0.0))
    return points
