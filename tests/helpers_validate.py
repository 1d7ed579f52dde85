"""Helpers for the validation tests: matrices with chosen cell values, and finding summaries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from conftest import build_matrix
from matrix_tools.model import Matrix, Value
from matrix_tools.validation.config import Config
from matrix_tools.validation.findings import Finding

TODAY = dt.date(2026, 6, 1)
CONFIG = Config(today=TODAY)


def with_values(matrix: Matrix, values: Mapping[tuple[str, str], Value]) -> Matrix:
    """``matrix`` with some entries replaced by the given Values (their cells kept when empty)."""
    entries = dict(matrix.entries)
    for key, value in values.items():
        old = entries[key]
        entries[key] = value if value.cell else dataclasses.replace(value, cell=old.cell)
    return dataclasses.replace(matrix, entries=entries)


def sample_matrix(entries: Mapping[tuple[str, str], str] | None = None, **kwargs: object) -> Matrix:
    """A matrix of a (fictional) State with a valid ISO code and report date."""
    kwargs.setdefault("state", "Republic of Examplia")
    kwargs.setdefault("iso3", "FRA")
    return build_matrix(entries, **kwargs)  # type: ignore[arg-type]


def summary(findings: Iterable[Finding]) -> list[tuple[str, str, str]]:
    """(code, severity, cell) of each finding, in order."""
    return [(f.code, f.severity.value, f.cell) for f in findings]


def cell_of(matrix: Matrix, field: str, column: str) -> str:
    return matrix.value(field, column).cell
