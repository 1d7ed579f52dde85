"""The model's small types: ItemKey tells catalogue fields, header items and inserted rows apart."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from matrix_tools.model import ItemKey

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
