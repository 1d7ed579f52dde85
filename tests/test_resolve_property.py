"""Properties of resolve's pure core: whatever is decided per conflict is what the final matrix
holds, and nothing else changes (hypothesis over decisions on one real merged workbook)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_resolve import make_merged
from matrix_tools.merging.agenda import read_agenda
from matrix_tools.merging.resolve import apply_decisions, decide
from matrix_tools.model import ItemKey, key_unknown_rows
from matrix_tools.reading.parse import load_matrix


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    from conftest import build_matrix

    folder = tmp_path_factory.mktemp("merged")
    path = make_merged(build_matrix, folder)
    return read_agenda(path), load_matrix(path)


SPELLINGS = {"ours": ["ours", "OURS", "Experts’ copy"], "theirs": ["theirs", "State's return"],
             "base": ["base", "Last agreed"]}
TEXTS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)


def _final_value(matrix, field, column):
    header_key, row_key = ItemKey.header_of(field), ItemKey.row_of(field)
    if header_key is not None:
        return matrix.header[header_key].text
    if row_key is not None:
        return key_unknown_rows(matrix.unknown_rows)[row_key].values[column].text
    return matrix.text(field, column)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_each_conflict_ends_with_the_value_decided_and_nothing_else_changes(merged, data):
    agenda, matrix = merged
    items: list[Any] = []
    expected: dict[tuple[str, str], str | None] = {}
    for item in agenda.items:
        kind = data.draw(st.sampled_from(["ours", "theirs", "base", "typed"]))
        field, column = item.key.rsplit("|", 1)
        if kind == "typed":
            is_mark = not (ItemKey.is_header(field) or ItemKey.is_row(field)) and column == "status"
            text = data.draw(st.sampled_from(["X", "?", "NA", "x", "n/a"]) if is_mark else TEXTS)
            items.append(replace(item, decision="", decided_value=" ".join(text.split()) or "t"))
            expected[(field, column)] = None  # checked below: the typed text, normalised
        else:
            spelling = data.draw(st.sampled_from(SPELLINGS[kind]))
            items.append(replace(item, decision=spelling, decided_value=""))
            expected[(field, column)] = getattr(item, kind)
    decided, problems = decide(replace(agenda, items=tuple(items)), matrix)
    assert problems == []
    final = apply_decisions(matrix, decided)
    for d in decided:
        want = expected[(d.field, d.column)]
        if want is None:
            want = d.value  # typed: stored as decided (marks in canonical form)
            if d.column == "status":
                assert want in ("X", "?", "NA")
        assert _final_value(final, d.field, d.column) == want
    decided_keys = {(d.field, d.column) for d in decided}
    for key, value in matrix.entries.items():
        if key not in decided_keys:
            assert final.entries[key] == value
