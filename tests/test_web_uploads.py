"""Uploads: hostile files get a 4xx page with the one-line reason, read in isolation, never kept."""

from __future__ import annotations

import html
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import REFUSED
from matrix_tools.errors import InputError
from matrix_tools.reading.parse import load_matrix
from matrix_tools.web.uploads import Upload, private_folder, renamed_error, shown_name
from web_client import APPROVED, RETURNED, error_line, make_app, post

# Files a sender could really send, and bombs: each must cost one 4xx page, never the server.
PAGE_CASES = [c for c in REFUSED if c.name in (
    "legacy xls", "csv renamed", "pdf", "encrypted ooxml", "ods", "zip containing an xlsx", "truncated zip",
    "zip bomb", "billion laughs in sharedStrings", "xxe file", "overlapping entries",
)]


def test_the_chosen_hostile_cases_exist():
    assert len(PAGE_CASES) == 11  # every name above still matches a case of tests/hostile.py


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda c: c.name)
def test_a_hostile_upload_gets_a_4xx_page_with_the_preflight_message(tmp_path, case):
    built = case.build(tmp_path / "hostile.xlsx")
    app, root = make_app(tmp_path)
    client = app.test_client()
    response = post(client, "/compare", {"old": (built.read_bytes(), "from-state.xlsx"), "new": RETURNED})
    assert response.status_code == 422
    line = html.unescape(error_line(response.get_data(as_text=True)))
    with pytest.raises(InputError) as raised:  # the CLI's message for the same file
        load_matrix(built)
    expected = str(raised.value).replace(str(built), "from-state.xlsx")
    assert line == expected
    assert raised.value.code == case.code
    assert list(root.iterdir()) == []
    assert post(client, "/compare", {"old": APPROVED, "new": RETURNED}).status_code == 200  # still serving


@pytest.mark.parametrize("name", ["zip bomb", "billion laughs in sharedStrings"])
def test_a_bomb_is_refused_in_an_isolated_reader_and_the_server_goes_on(tmp_path, name):
    case = next(c for c in REFUSED if c.name == name)
    built = case.build(tmp_path / "bomb.xlsx")
    app, root = make_app(tmp_path, isolate=True)
    client = app.test_client()
    response = post(client, "/check", {"files": [(built.read_bytes(), "bomb.xlsx")]})
    assert response.status_code == 422
    assert "bomb.xlsx" in response.get_data(as_text=True)
    assert list(root.iterdir()) == []
    assert client.get("/").status_code == 200


def test_a_reader_that_runs_too_long_is_stopped_and_reported(tmp_path, monkeypatch):
    monkeypatch.setattr("matrix_tools.web.uploads.READ_TIMEOUT", 0.01)  # far below a child's start-up time
    app, root = make_app(tmp_path, isolate=True)
    response = post(app.test_client(), "/compare", {"old": APPROVED, "new": RETURNED})
    line = html.unescape(error_line(response.get_data(as_text=True)))
    assert response.status_code == 422
    assert line.startswith("testland-approved.xlsx: reading took longer than 0.01 s and was stopped")
    assert list(root.iterdir()) == []


@given(st.text(max_size=300))
def test_a_shown_name_is_one_safe_line_of_text(raw):
    name = shown_name(raw, "old version.xlsx")
    assert name and len(name) <= 120
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(ch).startswith("C") for ch in name)
    assert name == " ".join(name.split())


def test_a_shown_name_keeps_the_last_part_of_a_windows_or_posix_path():
    assert shown_name("C:\\Users\\expert\\Côte d'Ivoire 2024.xlsx", "x") == "Côte d'Ivoire 2024.xlsx"
    assert shown_name("../../etc/passwd", "x") == "passwd"
    assert shown_name("a\x1b[31mred\x00.xlsx", "x") == "a[31mred.xlsx"
    assert shown_name("", "new version.xlsx") == "new version.xlsx"


def test_a_private_folder_is_removed_even_after_an_error(tmp_path):
    with pytest.raises(RuntimeError), private_folder(tmp_path) as folder:
        (folder / "1").mkdir()
        (folder / "1" / "upload.xlsx").write_bytes(b"data")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_an_error_names_the_uploaded_file_and_keeps_its_type_and_code(tmp_path):
    upload = Upload("Our return.xlsx", tmp_path / "1" / "upload.xlsx", "new version")
    error = InputError("this is a legacy .xls file: save it as .xlsx", code="legacy-xls", path=upload.path)
    renamed = renamed_error(error, [upload])
    assert str(renamed) == "Our return.xlsx: this is a legacy .xls file: save it as .xlsx"
    assert isinstance(renamed, InputError) and renamed.code == "legacy-xls" and renamed.exit_code == 3
