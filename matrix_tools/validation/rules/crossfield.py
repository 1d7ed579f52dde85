"""Cross-field rules: the cells of one row must agree (a mark X names its source, ...).

Which text column is a mark's "source" is declared in the catalogue (a mark column's
``source`` key, read through ``Table.source_column``): ``source`` for ``status`` in the OP 2 / OP 3
tables, ``enforcement_source`` for ``enforcement``, ``info`` for ``status`` in OP 1 and OP 6 / 8 (d). Default severities are in findings.json;
configuration changes them.
"""

from __future__ import annotations

from collections.abc import Iterator

from matrix_tools.model import Mark, Matrix, Row, Value
from matrix_tools.validation.config import Config
from matrix_tools.validation.findings import Finding, make_finding, shorten

LEGAL_FRAMEWORK = "status"
ENFORCEMENT = "enforcement"
REMARKS = "remarks"


def _missing_columns(matrix: Matrix) -> set[tuple[str, str]]:
    """(table, column key) pairs the reader could not find: no cross-check against them."""
    return {(obs.table, obs.column) for obs in matrix.observations if obs.code == "column-missing"}


def _value(matrix: Matrix, row: Row, key: str) -> Value:
    return matrix.value(row.field, key)


def check_sources(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """X without a source reference; a source given while the mark is blank."""
    missing = _missing_columns(matrix)
    for table in matrix.catalogue.tables:
        pairs = [(col, table.source_column(col.key)) for col in table.columns if col.is_mark]
        for row in table.rows:
            for mark_col, src_col in pairs:
                if src_col is None or {(table.id, mark_col.key), (table.id, src_col.key)} & missing:
                    continue
                mark, source = _value(matrix, row, mark_col.key), _value(matrix, row, src_col.key)
                if mark.mark is Mark.X and not source.text:
                    yield make_finding(
                        "source-missing", cell=source.cell or mark.cell, field=row.field,
                        column=src_col.key, table=table.id, value="", expected="a source reference",
                        mark_cell=mark.cell or mark_col.key, source_caption=shorten(src_col.caption, 48),
                    )
                elif mark.recognised and mark.mark is Mark.BLANK and source.text:
                    yield make_finding(
                        "source-without-mark", cell=mark.cell or source.cell, field=row.field,
                        column=mark_col.key, table=table.id, value="", expected="X, ? or NA",
                        source_cell=source.cell or src_col.key, source_caption=shorten(src_col.caption, 48),
                        mark_caption=shorten(mark_col.caption, 40),
                    )


def check_query_remarks(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """A ? should come with a remark saying what is to be clarified (one finding per row)."""
    missing = _missing_columns(matrix)
    for table in matrix.catalogue.tables:
        keys = [col.key for col in table.columns]
        if REMARKS not in keys or (table.id, REMARKS) in missing:
            continue
        marks = [col for col in table.columns if col.is_mark]
        for row in table.rows:
            remark = _value(matrix, row, REMARKS)
            if remark.text:
                continue
            queried = [_value(matrix, row, col.key) for col in marks if _value(matrix, row, col.key).mark is Mark.QUERY]
            if queried:
                yield make_finding(
                    "query-without-remark", cell=remark.cell or queried[0].cell, field=row.field,
                    column=REMARKS, table=table.id, value="", expected="a remark",
                    mark_cell=queried[0].cell or "this row",
                )


def check_enforcement(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """Enforcement marked (X or ?) while the legal framework mark of the row is blank."""
    missing = _missing_columns(matrix)
    for table in matrix.catalogue.tables:
        keys = {col.key: col for col in table.columns}
        if ENFORCEMENT not in keys or LEGAL_FRAMEWORK not in keys:
            continue
        if {(table.id, ENFORCEMENT), (table.id, LEGAL_FRAMEWORK)} & missing:
            continue
        for row in table.rows:
            enforcement, legal = _value(matrix, row, ENFORCEMENT), _value(matrix, row, LEGAL_FRAMEWORK)
            if enforcement.mark in (Mark.X, Mark.QUERY) and legal.recognised and legal.mark is Mark.BLANK:
                yield make_finding(
                    "enforcement-without-legal-framework", cell=legal.cell or enforcement.cell,
                    field=row.field, column=LEGAL_FRAMEWORK, table=table.id, value="", expected="X, ? or NA",
                    enforcement=enforcement.text, enforcement_cell=enforcement.cell or ENFORCEMENT,
                    mark_caption=shorten(keys[LEGAL_FRAMEWORK].caption, 40),
                )
