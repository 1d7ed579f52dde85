"""One file, one reading: structure-aware fuzzing of the pre-flight check (issue 13, class 1).

The byte-flip fuzz in test_preflight.py rarely hits a field that matters; these mutations aim
at the fields parser differentials live in: the end-of-central-directory record, the central
directory records, the local headers, cell references and sheet names. Whatever the
mutation, the check either refuses the file with a code on one line, or accepts it, and then:

- a reader walking the local headers from byte 0 (as streaming readers do) finds exactly the
  entries, names and sizes the central directory lists (as zipfile and calamine read them);
- the extents it reports stay inside Excel's grid, so no reader allocates beyond it.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hostile import MAIN_NS, REL_NS, XML_DECL, minimal_xlsx_parts, write_zip, xlsx_bytes
from matrix_tools.errors import UnsafeInputError
from matrix_tools.reading.preflight import check_file
from matrix_tools.reading.zipcheck import check_structure

VALID = xlsx_bytes()
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

EOCD = VALID.rindex(b"PK\x05\x06")
# (offset in the record, struct format) of every field a reader uses
EOCD_FIELDS = [(4, "<H"), (6, "<H"), (8, "<H"), (10, "<H"), (12, "<I"), (16, "<I"), (20, "<H")]
CENTRAL_FIELDS = [(6, "<H"), (8, "<H"), (10, "<H"), (16, "<I"), (20, "<I"), (24, "<I"), (28, "<H"), (30, "<H"),
                  (42, "<I")]
LOCAL_FIELDS = [(6, "<H"), (8, "<H"), (14, "<I"), (18, "<I"), (22, "<I"), (26, "<H"), (28, "<H")]


def central_records(data: bytes) -> list[int]:
    count, _size, start = struct.unpack_from("<HII", data, EOCD + 10)
    out, pos = [], start
    for _ in range(count):
        out.append(pos)
        name, extra, comment = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + name + extra + comment
    return out


CENTRAL = central_records(VALID)
LOCAL = [struct.unpack_from("<I", VALID, pos + 42)[0] for pos in CENTRAL]


def interesting_values(fmt: str) -> st.SearchStrategy[int]:
    top = 0xFFFF if fmt == "<H" else 0xFFFFFFFF
    return st.one_of(st.integers(0, top), st.sampled_from([0, 1, 8, 0x800, top, top - 1, len(VALID), EOCD]))


def walk_local_headers(data: bytes, stop: int) -> list[tuple[str, int, int]]:
    """What a streaming reader sees: (name, compressed size, size) of each entry from byte 0."""
    seen, pos = [], 0
    while pos < stop and data[pos:pos + 4] == b"PK\x03\x04":
        flags, _method, _time, _date, _crc, csize, usize, nlen, elen = struct.unpack_from("<HHHHIIIHH", data, pos + 6)
        name = data[pos + 30:pos + 30 + nlen].decode("utf-8" if flags & 0x800 else "cp437")
        seen.append((name, csize, usize))
        pos += 30 + nlen + elen + csize
    return seen


def accepted_or_refused(path: Path) -> bool:
    """True when accepted; a refusal must carry a code and fit on one line."""
    try:
        result = check_file(path)
    except UnsafeInputError as error:
        assert error.code and "\n" not in str(error) and "Traceback" not in str(error)
        return False
    assert result.kind in ("xlsx", "xlsm")
    assert -1 <= result.max_row < 1_048_576 and -1 <= result.max_col < 16_384
    return True


def assert_one_reading(data: bytes) -> None:
    """The central directory (zipfile) and the local headers (a streaming reader) agree."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        listed = sorted((i.filename, i.compress_size, i.file_size) for i in archive.infolist())
        start = archive.start_dir
    assert sorted(walk_local_headers(data, start)) == listed


@FUZZ
@given(record=st.sampled_from(["eocd", "central", "local"]), which=st.integers(0, len(CENTRAL) - 1),
       field=st.integers(0, 8), value=st.data())
@example(record="eocd", which=0, field=5, value=None)  # the directory offset
def test_mutated_zip_fields_are_refused_or_read_one_way(tmp_path: Path, record: str, which: int, field: int,
                                                        value: st.DataObject | None) -> None:
    fields, base = {"eocd": (EOCD_FIELDS, EOCD), "central": (CENTRAL_FIELDS, CENTRAL[which]),
                    "local": (LOCAL_FIELDS, LOCAL[which])}[record]
    offset, fmt = fields[field % len(fields)]
    new = value.draw(interesting_values(fmt)) if value is not None else 7
    data = bytearray(VALID)
    struct.pack_into(fmt, data, base + offset, new)
    path = tmp_path / "mutated.xlsx"
    path.write_bytes(bytes(data))
    if accepted_or_refused(path):
        assert_one_reading(bytes(data))


@FUZZ
@given(prefix=st.binary(max_size=64), suffix=st.binary(max_size=64), repeat_tail=st.booleans())
def test_extra_bytes_around_an_archive_are_refused_or_harmless(tmp_path: Path, prefix: bytes, suffix: bytes,
                                                                repeat_tail: bool) -> None:
    data = b"PK\x03\x04" + prefix if prefix else b""
    data += VALID + (VALID[EOCD:] if repeat_tail else b"") + suffix
    path = tmp_path / "extra.xlsx"
    path.write_bytes(data)
    accepted = accepted_or_refused(path)
    assert accepted == (data == VALID), "only the unchanged archive has one reading"


def test_an_unchanged_archive_passes_the_structure_check(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "ok.xlsx", minimal_xlsx_parts())
    with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
        check_structure(handle, archive.infolist(), path.stat().st_size)  # no exception


SHEET_XML = XML_DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="{{row}}"><c r="{{ref}}"><v>1</v></c></row>' \
    "</sheetData></worksheet>"


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@FUZZ
@given(letters=st.text("ABCXYZabz", min_size=0, max_size=8), digits=st.text("0123456789", min_size=0, max_size=11),
       junk=st.sampled_from(["", "$", " ", ":", "-", "\t"]))
@example(letters="ZZZZ", digits="7999", junk="")  # issue 13: calamine allocated hundreds of GB
@example(letters="XFE", digits="1", junk="")  # one column beyond the grid
@example(letters="A", digits="1048577", junk="")  # one row beyond the grid
@example(letters="XFD", digits="1048576", junk="")  # the last cell: accepted
@example(letters="A", digits="1", junk="$")  # $A$1 style: read for the extent (calamine refuses it itself)
def test_any_cell_reference_is_refused_or_inside_the_grid(tmp_path: Path, letters: str, digits: str, junk: str) -> None:
    ref = letters + junk + digits
    parts = minimal_xlsx_parts()
    parts["xl/worksheets/sheet1.xml"] = SHEET_XML.format(row=digits or "1", ref=ref).encode()
    path = write_zip(tmp_path / "ref.xlsx", parts)
    valid = (1 <= len(letters) <= 3 and junk in ("", "$") and digits[:1] not in ("", "0") and len(digits) <= 7
             and column_number(letters) <= 16_384 and int(digits) <= 1_048_576)
    try:
        result = check_file(path)
    except UnsafeInputError as error:
        assert not valid, f"{ref!r} is a cell of the grid but was refused: {error}"
        assert error.code in ("cell-reference-invalid", "xml-malformed")
        return
    assert valid, f"{ref!r} is no cell of the grid but was accepted"
    assert result.max_col == column_number(letters) - 1 and result.max_row == int(digits) - 1


@FUZZ
@given(first=st.text(min_size=1, max_size=31), second=st.text(min_size=1, max_size=31))
@example(first="OP1", second="op1")
@example(first="Stra\u00dfe", second="STRASSE")  # casefold: what Excel calls the same name
def test_two_sheet_names_are_accepted_only_when_they_differ_ignoring_case(tmp_path: Path, first: str,
                                                                          second: str) -> None:
    from xml.sax.saxutils import quoteattr

    parts = minimal_xlsx_parts()
    parts["xl/workbook.xml"] = (
        XML_DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        f'<sheet name={quoteattr(first)} sheetId="1" r:id="rId1"/><sheet name={quoteattr(second)} sheetId="2" '
        'r:id="rId1"/></sheets></workbook>'
    ).encode("utf-8", "surrogatepass")
    path = write_zip(tmp_path / "names.xlsx", parts)
    try:
        check_file(path)
    except UnsafeInputError as error:
        assert "\n" not in str(error) and "\x1b" not in str(error)
        if error.code == "sheet-names-duplicate":
            assert first.casefold() == second.casefold()
        else:
            assert error.code in ("xml-malformed",), error.code  # text XML cannot hold (controls, surrogates)
        return
    assert first.casefold() != second.casefold()
