"""Which State a matrix or a file is of (matrix_tools.identity): one answer for consolidate and batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import build_matrix
from matrix_tools.identity import (
    DuplicateStateError,
    check_unique_states,
    duplicate_message,
    key_from_name,
    same_state,
    state_key,
)


@pytest.mark.parametrize(("name", "key"), [
    ("xaa-2024.xlsx", "XAA"), ("DEU_matrix.xlsx", "DEU"), ("fra.xlsx", "FRA"),
    ("testland.xlsx", "testland"), ("matrix of aland.xlsx", "matrix of aland"),
])
def test_state_key_from_the_file_name(name: str, key: str) -> None:
    assert key_from_name(Path(name)) == key


def test_the_iso_code_wins_then_the_state_name_then_the_file_name() -> None:
    assert state_key(" xaa ", "Aland", "zzz.xlsx") == "XAA"
    assert state_key("", "  Republic   of Aland ", "zzz.xlsx") == "Republic of Aland"
    assert state_key("", "", "zzz-2024.xlsx") == "ZZZ"


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü -", min_size=1).filter(lambda t: t.strip() != ""))
def test_a_state_name_names_the_same_state_whatever_its_case_and_spacing(name: str) -> None:
    a = state_key("", name, "a.xlsx")
    b = state_key("", "  " + "  ".join(name.upper().split()) + "\t", "b.xlsx")
    assert same_state(a, b)
    assert not same_state(a, state_key("", name + " Islands", "c.xlsx"))


def test_two_matrices_of_one_state_are_refused_naming_both_files_with_exit_3() -> None:
    one, two = build_matrix(iso3="XAA"), build_matrix(iso3="xaa")
    other = build_matrix(iso3="XBB")
    check_unique_states([(one, Path("a.xlsx")), (other, Path("b.xlsx"))])
    with pytest.raises(DuplicateStateError) as info:
        check_unique_states([(one, Path("a.xlsx")), (two, Path("c.xlsx")), (other, Path("b.xlsx"))])
    assert str(info.value) == duplicate_message("XAA", ["a.xlsx", "c.xlsx"])
    assert info.value.exit_code == 3 and info.value.code == "duplicate-state"


def test_matrices_without_iso_code_are_told_apart_by_their_state_name() -> None:
    a = build_matrix(iso3="", state="Republic of Aland")
    b = build_matrix(iso3="", state="REPUBLIC OF ALAND")
    c = build_matrix(iso3="", state="Bebland")
    check_unique_states([(a, Path("a.xlsx")), (c, Path("c.xlsx"))])
    with pytest.raises(DuplicateStateError, match="a.xlsx, b.xlsx"):
        check_unique_states([(a, Path("a.xlsx")), (b, Path("b.xlsx"))])
