"""The pre-flight check refuses every hostile file of checklist A with a stable code and one line."""

from __future__ import annotations

import hashlib
import random
import socket
import string
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hostile import (
    ACCEPTED,
    REFUSED,
    SHARED_STRINGS,
    HostileCase,
    cfb_bytes,
    minimal_xlsx_parts,
    write_zip,
    xlsx_bytes,
)
from matrix_tools.errors import EXIT_INPUT, InputError, UnsafeInputError
from matrix_tools.limits import Limits
from matrix_tools.reading import partscan, preflight
from matrix_tools.reading.preflight import Preflight, check_file

TIME_LIMIT = 2.0


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def build(case: HostileCase, tmp_path: Path) -> Path:
    return case.build(tmp_path / f"{case.name.replace(' ', '_')}.xlsx")


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket during the check fails the test (XXE must not fetch)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pre-flight check tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_hostile_file_is_refused_with_its_code_in_one_line_quickly_and_untouched(case: HostileCase,
                                                                                  tmp_path: Path) -> None:
    path = build(case, tmp_path)
    before = digest(path)
    started = time.perf_counter()
    with pytest.raises(UnsafeInputError) as caught:
        check_file(path)
    elapsed = time.perf_counter() - started
    error = caught.value
    message = str(error)
    assert error.code == case.code, message
    assert error.exit_code == EXIT_INPUT
    assert isinstance(error, InputError)
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert "Traceback" not in message or case.name.startswith("control")  # that one quotes it in a name
    assert message.startswith(f"{path}: "), message
    assert len(message) < 400 + len(str(path))
    assert elapsed < TIME_LIMIT, f"{case.name} took {elapsed:.2f} s"
    assert digest(path) == before


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.name for c in ACCEPTED])
def test_acceptable_file_passes_with_its_notes(case: HostileCase, tmp_path: Path) -> None:
    path = build(case, tmp_path)
    before = digest(path)
    result = check_file(path)
    assert isinstance(result, Preflight)
    assert result.kind == case.kind
    assert tuple(note.code for note in result.notes) == case.notes
    assert all("\n" not in note.message for note in result.notes)
    assert result.entries == len(zipfile.ZipFile(path).infolist())
    assert digest(path) == before


def test_a_part_name_with_control_characters_is_escaped_in_the_message(tmp_path: Path) -> None:
    case = next(c for c in REFUSED if c.name == "control characters in a part name")
    with pytest.raises(UnsafeInputError) as caught:
        check_file(build(case, tmp_path))
    assert "\\x0a" in str(caught.value) and "\\x1b" in str(caught.value)


def test_messages_tell_the_sender_what_to_do(tmp_path: Path) -> None:
    expectations = {
        "legacy xls": "Excel 2007-365 (.xlsx)",  # LibreOffice's words, beside Excel's (issue 12)
        "encrypted ooxml": "remove the password",
        "ods": "Excel 2007-365 (.xlsx)",
        "zip containing an xlsx": "unzip it and send the workbook itself",
        "strict ooxml": "Strict Open XML",
        "excel lock file": "it is skipped",
        "csv renamed": "CSV",
    }
    for case in REFUSED:
        if case.name in expectations:
            with pytest.raises(UnsafeInputError) as caught:
                check_file(build(case, tmp_path))
            assert expectations[case.name] in str(caught.value), case.name
            if case.name in ("legacy xls", "ods"):
                assert "Excel Workbook (*.xlsx)" in str(caught.value) and "LibreOffice" in str(caught.value)


def test_file_over_the_size_limit_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "big.xlsx", minimal_xlsx_parts())
    with pytest.raises(UnsafeInputError) as caught:
        check_file(path, Limits(max_file_bytes=100))
    assert caught.value.code == "input-too-large"


def test_limits_are_taken_from_the_limits_argument(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "ok.xlsx", minimal_xlsx_parts())
    assert check_file(path).entries == 8
    with pytest.raises(UnsafeInputError) as caught:
        check_file(path, Limits(max_zip_entries=5))
    assert caught.value.code == "zip-too-many-entries"
    with pytest.raises(UnsafeInputError) as caught:
        check_file(path, Limits(max_uncompressed_bytes=1000))
    assert caught.value.code == "zip-too-large-uncompressed"


def test_one_xml_token_longer_than_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Expat 2.5 re-scans an unfinished token for every chunk: a giant token costs quadratic time.
    monkeypatch.setattr(partscan, "READ_CHUNK_BYTES", 16 * 1024)
    parts = minimal_xlsx_parts()
    noise = "".join(random.Random(6).choices(string.ascii_letters, k=200_000))  # does not compress
    parts["xl/sharedStrings.xml"] = SHARED_STRINGS.replace("<si>", f"<!--{noise}--><si>", 1).encode()
    path = write_zip(tmp_path / "token.xlsx", parts)
    with pytest.raises(UnsafeInputError) as caught:
        check_file(path, Limits(max_xml_token_bytes=64 * 1024))
    assert caught.value.code == "xml-token-too-large"


def test_long_text_made_of_many_small_tokens_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partscan, "READ_CHUNK_BYTES", 16 * 1024)
    parts = minimal_xlsx_parts()
    many = "".join(f"<si><t>{'word ' * 20}{i}</t></si>" for i in range(3000))
    parts["xl/sharedStrings.xml"] = SHARED_STRINGS.replace("<si>", many + "<si>", 1).encode()
    assert check_file(write_zip(tmp_path / "long.xlsx", parts), Limits(max_xml_token_bytes=64 * 1024)).kind == "xlsx"


def test_workbook_written_by_xlsxwriter_passes(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "xlsxwriter.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("OP1")
    sheet.write_string(0, 0, "Country")
    sheet.write_string(0, 1, "Narnia")
    sheet.write_url(1, 0, "https://example.org/law")
    sheet.merge_range("C3:E3", "merged")
    sheet.write_comment("A1", "a comment")
    workbook.add_worksheet("OP2 NW").write_formula("A1", "=1+1")
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"values": "=OP1!$B$1:$B$2"})
    sheet.insert_chart("G2", chart)
    workbook.close()
    result = check_file(path)
    assert (result.kind, result.notes) == ("xlsx", ())


def test_workbook_written_by_openpyxl_passes(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "openpyxl.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "OP1"
    workbook.active["A1"] = "Country"
    workbook.create_sheet("Legend")["B2"] = "X"
    workbook.save(path)
    assert check_file(path).kind == "xlsx"


def test_zip_written_with_data_descriptors_passes(tmp_path: Path) -> None:
    # zipfile writing to an unseekable stream uses data descriptors (flag bit 3), like some tools.
    class Unseekable:
        def __init__(self) -> None:
            self.chunks: list[bytes] = []

        def write(self, data: bytes) -> int:
            self.chunks.append(bytes(data))
            return len(data)

        def flush(self) -> None:
            pass

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
        for name, data in minimal_xlsx_parts().items():
            archive.writestr(name, data)
    path = tmp_path / "streamed.xlsx"
    path.write_bytes(b"".join(sink.chunks))
    assert zipfile.ZipFile(path).infolist()[0].flag_bits & 0x8
    assert check_file(path).kind == "xlsx"


def test_unreadable_file_is_reported_as_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 0 does not stop root (CI containers), so make open() fail the way Windows does
    # for a file another program holds open exclusively.
    path = write_zip(tmp_path / "locked.xlsx", minimal_xlsx_parts())

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(preflight, "open", denied, raising=False)
    with pytest.raises(UnsafeInputError) as caught:
        check_file(path)
    assert caught.value.code == "input-unreadable"
    assert "Permission denied" in str(caught.value)


def test_every_refusal_code_is_kebab_case() -> None:
    import re

    for case in REFUSED:
        assert case.code is not None and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case.code)


def sheet_with(rows: str) -> str:
    return SHEET_HEAD + rows + "</sheetData></worksheet>"


SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><sheetData>')
EXTENT_CASES = [
    ("minimal", None, (1, 1)),
    ("cell at XFD1048576", sheet_with('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'), (1_048_575, 16_383)),
    ("absolute-style reference", sheet_with('<row r="3"><c r="$C$3"><v>1</v></c></row>'), (2, 2)),
    # Without references the extent is an upper bound (exact is (4, 2)): B plus three more cells.
    ("cells and rows without references", sheet_with('<row r="4"><c r="B4"><v>1</v></c></row><row><c/><c/><c/></row>'),
     (4, 4)),
    ("sixteen thousand cells without references", sheet_with('<row r="1">' + "<c/>" * 16_384 + "</row>"),
     (0, 16_383)),
    ("prefixed elements", sheet_with('<x:row r="9"><x:c r="K9"><x:v>1</x:v></x:c></x:row>').replace(
        "<worksheet ", '<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '), (8, 10)),
    ("far row without cell references", sheet_with('<row r="1048576"><c><v>1</v></c></row>'), (1_048_575, 0)),
    ("empty sheet", sheet_with(""), (-1, -1)),
    # LibreOffice after a row deletion: an empty last row, styled empty cells (issue 11)
    ("empty row 1048576 as LibreOffice writes it", sheet_with(
        '<row r="2"><c r="C2" t="s"><v>0</v></c></row><row r="1048576" ht="12.8"></row>'), (1, 2)),
    ("styled empty cells far out", sheet_with(
        '<row r="2"><c r="C2"><v>1</v></c></row><row r="900000"><c r="XFD900000" s="3"/></row>'), (1, 2)),
]


@pytest.mark.parametrize(("name", "sheet", "expected"), EXTENT_CASES, ids=[c[0] for c in EXTENT_CASES])
def test_grid_extents_are_reported_for_the_reader(name: str, sheet: str | None, expected: tuple[int, int],
                                                  tmp_path: Path) -> None:
    parts = minimal_xlsx_parts()
    if sheet is not None:
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    result = check_file(write_zip(tmp_path / "extent.xlsx", parts))
    assert (result.max_row, result.max_col) == expected


def test_grid_extents_follow_the_relationships_to_oddly_named_sheet_parts(tmp_path: Path) -> None:
    parts = minimal_xlsx_parts()
    del parts["xl/worksheets/sheet1.xml"]
    parts["xl/odd/far.xml"] = sheet_with('<row r="70000"><c r="AB70000"><v>1</v></c></row>').encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b'Target="worksheets/sheet1.xml"', b'Target="/xl/odd/far.xml"')
    result = check_file(write_zip(tmp_path / "odd.xlsx", parts))
    assert (result.max_row, result.max_col) == (69_999, 27)


def test_shared_string_count_claim_is_reported(tmp_path: Path) -> None:
    parts = minimal_xlsx_parts()
    parts["xl/sharedStrings.xml"] = SHARED_STRINGS.replace('uniqueCount="2"', 'uniqueCount="4000000000"').encode()
    assert check_file(write_zip(tmp_path / "sst.xlsx", parts)).shared_strings_declared == 4_000_000_000
    assert check_file(write_zip(tmp_path / "ok.xlsx", minimal_xlsx_parts())).shared_strings_declared == 2


# --- never anything but a refusal or a result (fuzzing) ------------------------------------

VALID = xlsx_bytes()
CFB = cfb_bytes(["Workbook"])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(1, 255)), min_size=1, max_size=8),
       cut=st.one_of(st.none(), st.integers(1, len(VALID))))
@example(flips=[(len(VALID) - 6, 4)], cut=None)  # found by this test: a header offset outside the file
def test_a_damaged_workbook_is_accepted_or_refused_never_crashes(tmp_path: Path, flips: list[tuple[int, int]],
                                                                 cut: int | None) -> None:
    data = bytearray(VALID)
    for index, mask in flips:
        data[index] ^= mask
    path = tmp_path / "fuzzed.xlsx"
    path.write_bytes(bytes(data[:cut]))
    try:
        result = check_file(path)
    except UnsafeInputError as error:
        assert error.code and "\n" not in str(error)
    else:
        assert result.kind in ("xlsx", "xlsm")


@FUZZ
@given(prefix=st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", CFB[:512], b"%PDF", b"\xef\xbb\xbf", b"\xff\xfe"]),
       body=st.binary(max_size=3000))
def test_arbitrary_bytes_are_refused_with_a_code(tmp_path: Path, prefix: bytes, body: bytes) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(prefix + body)
    with pytest.raises(UnsafeInputError) as caught:
        check_file(path)
    assert caught.value.code and "\n" not in str(caught.value)
