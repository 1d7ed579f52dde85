"""Cross-field rules: each case is the cells of one row and the findings it must give."""

from __future__ import annotations

import pytest

from helpers_validate import CONFIG, cell_of, sample_matrix, summary
from matrix_tools.model import Observation
from matrix_tools.validation.rules.crossfield import (
    check_enforcement,
    check_query_remarks,
    check_sources,
)

OP2 = "OP2.NW.manufacture"
OP1 = "OP1.npt"

SOURCE_CASES = [
    # (row cells, expected [(code, severity, column whose cell is named)])
    ({(OP2, "status"): "X", (OP2, "source"): "Criminal Code (2009), art. 142"}, []),
    ({(OP2, "status"): "X"}, [("source-missing", "warning", "source")]),
    ({(OP2, "status"): "?"}, []),
    ({(OP2, "status"): "NA"}, []),
    ({(OP2, "source"): "Criminal Code (2009), art. 142"}, [("source-without-mark", "info", "status")]),
    ({(OP2, "status"): "NA", (OP2, "source"): "not relevant"}, []),
    ({(OP2, "status"): "X", (OP2, "source"): "Act 1", (OP2, "enforcement"): "X"},
     [("source-missing", "warning", "enforcement_source")]),
    ({(OP2, "status"): "X", (OP2, "source"): "Act 1", (OP2, "enforcement"): "X",
      (OP2, "enforcement_source"): "Act 1, art. 9"}, []),
    ({(OP2, "status"): "X", (OP2, "source"): "Act 1", (OP2, "enforcement_source"): "Act 1, art. 9"},
     [("source-without-mark", "info", "enforcement")]),
    ({(OP1, "status"): "X"}, [("source-missing", "warning", "info")]),
    ({(OP1, "status"): "X", (OP1, "info"): "Ratification 5 March 1970"}, []),
    ({(OP1, "info"): "Signed 1996, not ratified"}, [("source-without-mark", "info", "status")]),
]


@pytest.mark.parametrize(("cells", "expected"), SOURCE_CASES)
def test_mark_and_source_agree(cells, expected) -> None:
    matrix = sample_matrix(cells)
    field = next(iter(cells))[0]
    want = [(code, sev, cell_of(matrix, field, col)) for code, sev, col in expected]
    assert summary(check_sources(matrix, CONFIG)) == want


def test_op6_table_uses_its_information_column_as_source(catalogue) -> None:
    row = catalogue.table("OP6_8d").rows[0].field
    matrix = sample_matrix({(row, "status"): "X"})
    assert summary(check_sources(matrix, CONFIG)) == [("source-missing", "warning", cell_of(matrix, row, "info"))]


def test_source_of_each_mark_column_comes_from_the_catalogue(catalogue) -> None:
    op2, op1 = catalogue.table("OP2.NW"), catalogue.table("OP1")
    assert op2.source_column("status").key == "source"  # type: ignore[union-attr]
    assert op2.source_column("enforcement").key == "enforcement_source"  # type: ignore[union-attr]
    assert op1.source_column("status").key == "info"  # type: ignore[union-attr]
    assert op2.source_column("source") is None  # a text column names no source


def test_a_catalogue_names_each_mark_columns_source_in_its_data() -> None:
    import copy
    import json

    from matrix_tools import resources
    from matrix_tools.catalogue import check_catalogue_data, parse_catalogue

    data = json.loads(resources.schema_file(resources.DEFAULT_CATALOGUE).read_text(encoding="utf-8"))
    renamed = copy.deepcopy(data)
    for col in renamed["column_sets"]["measure"]:
        if col["key"] == "status":
            col["source"] = "remarks"  # a catalogue may point the legal framework at another column
    cat = parse_catalogue(renamed)
    assert cat.table("OP2.NW").source_column("status").key == "remarks"  # type: ignore[union-attr]
    broken = copy.deepcopy(data)
    broken["column_sets"]["measure"][0]["source"] = "enforcement"  # a mark column is no source
    assert any("names source 'enforcement'" in p for p in check_catalogue_data(broken))


def test_source_missing_message_names_the_mark_cell_and_the_column() -> None:
    matrix = sample_matrix({(OP2, "status"): "X"})
    (finding,) = check_sources(matrix, CONFIG)
    assert finding.message == "Marked X at 'OP2 NW'!C6 but 'Source document of national implementation law' is empty"
    assert (finding.field, finding.column, finding.table) == (OP2, "source", "OP2.NW")


def test_no_cross_check_against_a_column_the_reader_did_not_find() -> None:
    matrix = sample_matrix({(OP2, "status"): "X"})
    obs = Observation("column-missing", "column not found", table="OP2.NW", column="source")
    import dataclasses

    matrix = dataclasses.replace(matrix, observations=(obs,))
    assert list(check_sources(matrix, CONFIG)) == []


QUERY_CASES = [
    ({(OP2, "status"): "?"}, [("query-without-remark", "warning", "remarks")]),
    ({(OP2, "status"): "?", (OP2, "remarks"): "Ask which act covers transport"}, []),
    ({(OP2, "enforcement"): "?"}, [("query-without-remark", "warning", "remarks")]),
    ({(OP2, "status"): "?", (OP2, "enforcement"): "?"}, [("query-without-remark", "warning", "remarks")]),
    ({(OP2, "status"): "X"}, []),
    ({(OP1, "status"): "?"}, [("query-without-remark", "warning", "remarks")]),
]


@pytest.mark.parametrize(("cells", "expected"), QUERY_CASES)
def test_query_needs_a_remark(cells, expected) -> None:
    matrix = sample_matrix(cells)
    field = next(iter(cells))[0]
    want = [(code, sev, cell_of(matrix, field, col)) for code, sev, col in expected]
    assert summary(check_query_remarks(matrix, CONFIG)) == want


ENFORCEMENT_CASES = [
    ({(OP2, "enforcement"): "X"}, [("enforcement-without-legal-framework", "warning", "status")]),
    ({(OP2, "enforcement"): "?"}, [("enforcement-without-legal-framework", "warning", "status")]),
    ({(OP2, "enforcement"): "X", (OP2, "status"): "X"}, []),
    ({(OP2, "enforcement"): "X", (OP2, "status"): "?"}, []),
    ({(OP2, "enforcement"): "NA"}, []),
    ({(OP2, "status"): "X"}, []),
]


@pytest.mark.parametrize(("cells", "expected"), ENFORCEMENT_CASES)
def test_enforcement_needs_a_legal_framework(cells, expected) -> None:
    matrix = sample_matrix(cells)
    want = [(code, sev, cell_of(matrix, OP2, col)) for code, sev, col in expected]
    assert summary(check_enforcement(matrix, CONFIG)) == want
