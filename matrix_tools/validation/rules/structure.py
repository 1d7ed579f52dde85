"""Structure rules: what the reader noticed about the workbook (missing tables, rows, captions...).

The reader records these as ``Matrix.observations`` whose codes are finding codes; this rule
turns each into a finding, keeping the reader's own message (it knows what it saw).
"""

from __future__ import annotations

from collections.abc import Iterator

from matrix_tools import layout
from matrix_tools.model import ItemKey, Matrix, cell_ref
from matrix_tools.validation.config import Config
from matrix_tools.validation.findings import Finding, Severity, load_finding_catalogue, make_finding


def check_observations(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """One finding per reader observation (table, column, field, header item missing...)."""
    kinds = load_finding_catalogue()
    for obs in matrix.observations:
        if obs.code not in kinds:
            # A reader newer than this catalogue: still report it rather than lose it.
            yield Finding(
                code=obs.code,
                severity=Severity.WARNING,
                message=obs.message,
                cell=obs.cell,
                field=obs.field,
                column=obs.column,
                value=obs.value,
                table=obs.table,
            )
            continue
        field = obs.field
        if not field and obs.code == "header-missing" and obs.value:
            field = ItemKey.header(obs.value)  # so an annotated workbook can mark the header item
        yield make_finding(
            obs.code,
            cell=obs.cell,
            field=field,
            column=obs.column,
            value=obs.value,
            table=obs.table,
            message=obs.message or None,
        )


def check_unknown_rows(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """Rows the catalogue does not know, when the reader kept them without an observation."""
    if any(obs.code == "row-unknown" for obs in matrix.observations):
        return
    for row in matrix.unknown_rows:
        label_cell = cell_ref(row.sheet, row.row - 1, layout.LABEL_COL)
        yield make_finding(
            "row-unknown",
            cell=label_cell,
            value=row.label or row.number,
            table=row.table,
        )
