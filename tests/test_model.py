"""The model's small types and helpers: ItemKey tells catalogue fields, header items and
inserted rows apart; keys of rows the catalogue does not know (identity, linear time)."""

from __future__ import annotations

import dataclasses
import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import build_matrix
from matrix_tools.diffing.engine import diff
from matrix_tools.model import ItemKey, UnknownRow, Value, key_unknown_rows

NAMES = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30)


@given(NAMES)
def test_a_header_key_names_its_item_and_no_row(name: str) -> None:
    key = ItemKey.header(name)
    assert ItemKey.header_of(key) == name
    assert ItemKey.is_header(key) and not ItemKey.is_row(key)
    assert ItemKey.row_of(key) is None


@given(NAMES)
def test_a_row_key_names_its_row_and_no_header_item(name: str) -> None:
    key = ItemKey.row(name)
    assert ItemKey.row_of(key) == name
    assert ItemKey.header_of(key) is None and not ItemKey.is_header(key)


def test_a_catalogue_field_id_is_neither_header_nor_row() -> None:
    assert ItemKey.header_of("OP2.NW.manufacture") is None
    assert ItemKey.row_of("OP2.NW.manufacture") is None


def test_keys_stay_plain_strings_in_json_and_as_dict_keys() -> None:
    key = ItemKey.header("date_of_report")
    assert json.dumps({"field": key}) == '{"field": "header:date_of_report"}'  # the JSON contract
    assert {("header:date_of_report", ""): 1}[(key, "")] == 1


def row(label: str, n: int, table: str = "OP1", text: str = "") -> UnknownRow:
    values = {"remarks": Value(text, f"'OP1'!G{n}")} if text else {}
    return UnknownRow(table, table, n, label, "", values)


def reference_keys(rows: list[UnknownRow]) -> list[str]:
    """The keys as first specified: the first free of key, key#2, key#3... (quadratic)."""
    keyed: dict[str, UnknownRow] = {}
    for r in rows:
        key, n = r.key, 1
        while key in keyed:
            n += 1
            key = f"{r.key}#{n}"
        keyed[key] = r
    return list(keyed)


def test_repeated_labels_are_numbered_in_order():
    rows = [row("Comment", 5), row("Note", 6), row("comment", 7), row("Comment", 9)]
    assert list(key_unknown_rows(rows)) == ["OP1::comment", "OP1::note", "OP1::comment#2", "OP1::comment#3"]


def test_a_label_that_looks_like_a_numbered_key_keeps_its_own_row():
    rows = [row("Comment", 5), row("Comment#2", 6), row("Comment", 7)]
    keyed = key_unknown_rows(rows)
    assert list(keyed) == ["OP1::comment", "OP1::comment#2", "OP1::comment#3"]
    assert [r.row for r in keyed.values()] == [5, 6, 7]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(["OP1", "OP2.NW"]),
                          st.sampled_from(["Comment", "comment", "Comment#2", "comment#3", "Note", "Note#2#2", ""])),
                max_size=40))
def test_keys_are_those_of_the_first_free_number(items):
    rows = [row(label, n + 1, table) for n, (table, label) in enumerate(items)]
    keyed = key_unknown_rows(rows)
    assert list(keyed) == reference_keys(rows)
    assert len(keyed) == len(rows)  # no row lost


def test_many_inserted_rows_sharing_a_label_are_keyed_in_linear_time():
    # 30,000 "Comment" rows: the quadratic numbering tried ~450 million keys (minutes);
    # the bound is generous, a regression to quadratic cannot meet it.
    rows = [row("Comment", n + 1) for n in range(30_000)]
    start = time.perf_counter()
    keyed = key_unknown_rows(rows)
    elapsed = time.perf_counter() - start
    assert len(keyed) == 30_000 and "OP1::comment#30000" in keyed
    assert elapsed < 10, f"keying 30,000 rows took {elapsed:.1f} s"


def test_diff_of_many_inserted_rows_sharing_a_label_lists_each_once():
    old_rows = tuple(row("Comment", n + 10, text=f"remark {n}") for n in range(5_000))
    new_rows = (*old_rows[:2_500], *(dataclasses.replace(r, row=r.row + 1) for r in old_rows[2_500:]),
                row("Comment", 99_999, text="one more"))
    old = dataclasses.replace(build_matrix(), unknown_rows=old_rows)
    new = dataclasses.replace(build_matrix(), unknown_rows=new_rows)
    start = time.perf_counter()
    result = diff(old, new)
    elapsed = time.perf_counter() - start
    assert [(u.kind, u.new_row) for u in result.unknown_rows] == [("added", 99_999)]
    assert elapsed < 20, f"diff of 5,000 inserted rows took {elapsed:.1f} s"
