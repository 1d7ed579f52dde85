"""Shared fixtures: the default catalogue and an in-memory matrix builder."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from matrix_tools.catalogue import load_catalogue
from matrix_tools.model import Catalogue, HeaderValue, Matrix, State, Value
from matrix_tools.reading.normalise import parse_date_list


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


def build_matrix(
    entries: Mapping[tuple[str, str], str] | None = None,
    *,
    state: str = "Republic of Testland",
    iso3: str = "TST",
    header: Mapping[str, str] | None = None,
    catalogue: Catalogue | None = None,
) -> Matrix:
    """A Matrix in memory: every catalogue (field, column) present, blank unless given.

    Cells are those of a generated template, so findings and changes name realistic cells.
    """
    from matrix_tools import layout
    from matrix_tools.model import cell_ref

    cat = catalogue or load_catalogue()
    given = dict(entries or {})
    values: dict[tuple[str, str], Value] = {}
    for table in cat.tables:
        for index, row in enumerate(table.rows):
            for col in table.columns:
                key = (row.field, col.key)
                cell = cell_ref(table.sheet, layout.data_row(index), layout.value_col(table, col.key))
                values[key] = Value(given.pop(key, ""), cell)
    if given:
        raise KeyError(f"not in the catalogue: {sorted(given)}")
    head_text = {"state": state, "iso3": iso3, "date_of_report": "12 October 2004"}
    head_text.update(header or {})
    head: dict[str, HeaderValue] = {}
    for i, (item, text) in enumerate(head_text.items()):
        dates, bad = parse_date_list(text) if item.startswith("date") else ((), ())
        head[item] = HeaderValue(item, text, f"'About'!B{3 + i}", dates=dates, unparsed=bad)
    return Matrix(
        catalogue=cat,
        state=State(state, iso3),
        header=head,
        entries=values,
        sheets={t.id: t.sheet for t in cat.tables},
    )


@pytest.fixture
def make_matrix():
    """The ``build_matrix`` function, as a fixture."""
    return build_matrix
