"""Bounded reading (issue 6, item 2): grid bombs that pass the pre-flight check must not hurt.

Each file is a real sample matrix with one hostile change in its sheet XML. It is read by
``load_matrix`` inside ``run_isolated`` (a child with a memory cap), because some of these
files make python-calamine abort the whole process: a crash here must fail one test, not
the test run. Expected: the matrix reads with the same values as the untouched sample (a
note may say data lies outside the matrix area), or a clear ``InputError``; never a crash,
memory exhaustion or timeout.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from matrix_tools.batching.isolation import run_isolated
from matrix_tools.errors import InputError
from matrix_tools.limits import DEFAULT_LIMITS

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "examplia.xlsx"
TABLE_SHEET = "xl/worksheets/sheet3.xml"  # the first table sheet of the sample
MERGE_SHEET = "xl/worksheets/sheet2.xml"  # has a <mergeCells> element
READER_FAILURES = {"reader-crashed", "reader-out-of-memory", "reader-timeout"}
MEMORY_MB = 1536
TIMEOUT = 60.0

Edit = Callable[[dict[str, bytes]], None]


def texts_of(path: str) -> dict[tuple[str, str], str]:
    """Top-level (picklable) helper run in the child: the matrix's values and observation codes."""
    from matrix_tools.reading.parse import load_matrix

    matrix = load_matrix(path)
    values = {key: value.text for key, value in matrix.entries.items()}
    values[("__observations__", "")] = " ".join(sorted({o.code for o in matrix.observations}))
    return values


def rewrite(sample: Path, target: Path, edit: Edit) -> Path:
    with zipfile.ZipFile(sample) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    edit(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def in_sheet(part: str, old: str, new: str, count: int = 1) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        text = parts[part].decode()
        assert old in text, f"{old!r} not in {part}"
        parts[part] = text.replace(old, new, count).encode()

    return edit


def sub_in_sheet(part: str, pattern: str, new: str) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        parts[part] = re.sub(pattern, new, parts[part].decode(), count=1).encode()

    return edit


FAR_ROW = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far away</t></is></c></row></sheetData>'
FAR_ROW_NO_REFS = '<row r="1048576"><c t="inlineStr"><is><t>far, no cell reference</t></is></c></row></sheetData>'
WIDE_ROW_NO_REFS = ('<row r="1048576">' + "<c/>" * 16_383
                    + '<c t="inlineStr"><is><t>far right, no cell references</t></is></c></row></sheetData>')
BELOW_LIMIT_ROWS = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>row {r}</t></is></c></row>'
                           for r in range(20_001, 20_101)) + "</sheetData>"  # past Limits.max_rows_read
LONG_TEXT = "Law " + "x" * 40_000


def _sheet_under_odd_name(parts: dict[str, bytes]) -> None:
    """The table sheet stored as xl/odd/far.xml (OPC allows any part name) with a far cell."""
    sheet = parts.pop(TABLE_SHEET).decode().replace("</sheetData>", FAR_ROW, 1)
    parts["xl/odd/far.xml"] = sheet.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace('Target="worksheets/sheet3.xml"', 'Target="odd/far.xml"').encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace('PartName="/xl/worksheets/sheet3.xml"', 'PartName="/xl/odd/far.xml"').encode()
    if "xl/worksheets/_rels/sheet3.xml.rels" in parts:
        parts["xl/odd/_rels/far.xml.rels"] = parts.pop("xl/worksheets/_rels/sheet3.xml.rels")


def _weird_sheet_names(parts: dict[str, bytes]) -> None:
    """Sheet names Excel would refuse: too long, forbidden characters, equal once cut to 31 characters
    (A40). Names equal but for case are refused by the pre-flight check (issue 13: hostile.CASES)."""
    workbook = parts["xl/workbook.xml"].decode()
    workbook = workbook.replace('name="OP1"', f'name="{WEIRD_NAMES[0]}"', 1)
    workbook = workbook.replace('name="OP2 NW"', f'name="{WEIRD_NAMES[1]}"', 1)
    parts["xl/workbook.xml"] = workbook.encode()


WEIRD_NAMES = ("OP1 [draft]: *?/\\ a sheet name far beyond 31 characters",
               "OP1 [draft]: *?/\\ a sheet name far beyond 31 characters, the second")


CASES: dict[str, tuple[Edit, str | None]] = {
    # name: (edit, observation code that must be present, or None)
    "cell at XFD1048576": (in_sheet(TABLE_SHEET, "</sheetData>", FAR_ROW), "data-outside-matrix"),
    "far row without cell references": (in_sheet(TABLE_SHEET, "</sheetData>", FAR_ROW_NO_REFS), "data-outside-matrix"),
    "16384 cells without references in a far row": (in_sheet(TABLE_SHEET, "</sheetData>", WIDE_ROW_NO_REFS),
                                                     "data-outside-matrix"),
    "far cell in a sheet part with an unusual name": (_sheet_under_odd_name, "data-outside-matrix"),
    "merge over the whole sheet": (in_sheet(MERGE_SHEET, '<mergeCell ref="A3:B3"/>',
                                            '<mergeCell ref="A3:B3"/><mergeCell ref="C20:XFD1048576"/>'), None),
    "dimension says the whole sheet": (sub_in_sheet(TABLE_SHEET, r'<dimension ref="[^"]*"/>',
                                                    '<dimension ref="A1:XFD1048576"/>'), None),
    "dimension says one cell": (sub_in_sheet(TABLE_SHEET, r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>'), None),
    "no dimension": (sub_in_sheet(TABLE_SHEET, r'<dimension ref="[^"]*"/>', ""), None),
    "shared strings claim four billion entries": (sub_in_sheet("xl/sharedStrings.xml", r'uniqueCount="\d+"',
                                                               'uniqueCount="4000000000"'), None),
    "data in rows beyond the read limit": (in_sheet(TABLE_SHEET, "</sheetData>", BELOW_LIMIT_ROWS),
                                           "data-outside-matrix"),
    "sheet names excel would refuse": (_weird_sheet_names, "sheet-renamed"),
}


def case_params() -> list[Any]:
    return [pytest.param(name, id=name) for name in CASES]


@pytest.fixture(scope="module")
def original() -> dict[tuple[str, str], str]:
    if not SAMPLE.is_file():
        pytest.fail("samples/examplia.xlsx is missing (helper A's sample)")
    values = run_isolated(texts_of, str(SAMPLE), timeout=TIMEOUT, memory_mb=MEMORY_MB)
    values.pop(("__observations__", ""))
    return values


@pytest.mark.parametrize("name", case_params())
def test_grid_bomb_is_read_within_bounds_without_losing_values(name: str, tmp_path: Path,
                                                               original: dict[tuple[str, str], str]) -> None:
    edit, expected_note = CASES[name]
    path = rewrite(SAMPLE, tmp_path / "hostile.xlsx", edit)
    try:
        values = run_isolated(texts_of, str(path), timeout=TIMEOUT, memory_mb=MEMORY_MB, label=path.name)
    except InputError as error:
        assert error.code not in READER_FAILURES, f"{name}: {error}"
        assert "\n" not in str(error)
        return  # refused with a clear message: acceptable
    observations = values.pop(("__observations__", "")).split()
    lost = {key: text for key, text in original.items() if values.get(key) != text}
    assert not lost, f"{name}: values changed or lost: {list(lost.items())[:3]}"
    if expected_note:
        assert expected_note in observations, f"{name}: no {expected_note} note (got {observations})"


def test_a_very_long_cell_text_is_read_whole_or_reported(tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        text = parts["xl/sharedStrings.xml"].decode()
        parts["xl/sharedStrings.xml"] = text.replace("<si><t>", f"<si><t>{LONG_TEXT}", 1).encode()

    path = rewrite(SAMPLE, tmp_path / "long.xlsx", edit)
    assert len(LONG_TEXT) > DEFAULT_LIMITS.max_cell_chars
    # Over Excel's own limit per cell: no spreadsheet program wrote it; refused with its code.
    with pytest.raises(InputError) as caught:
        run_isolated(texts_of, str(path), timeout=TIMEOUT, memory_mb=MEMORY_MB)
    assert caught.value.code == "cell-text-too-long" and "About!A1" in str(caught.value)


def test_a_cell_at_excels_limit_is_read_whole(tmp_path: Path) -> None:
    text = ("Law 12 of 2004, article 3. " * 2000)[: DEFAULT_LIMITS.max_cell_chars - 200]  # + the cell's own text

    def edit(parts: dict[str, bytes]) -> None:
        sst = parts["xl/sharedStrings.xml"].decode()
        parts["xl/sharedStrings.xml"] = sst.replace("<si><t>", f"<si><t>{text}", 1).encode()

    cells = run_isolated(grid_texts, str(rewrite(SAMPLE, tmp_path / "limit.xlsx", edit)), timeout=TIMEOUT,
                         memory_mb=MEMORY_MB)
    assert any(text in value for value in cells)


def grid_texts(path: str) -> list[str]:
    """Top-level (picklable) helper run in the child: every text cell the reader returns."""
    from matrix_tools.reading.grid import read_grid
    from matrix_tools.reading.preflight import check_file

    pre = check_file(path)
    grid = read_grid(Path(path), (pre.max_row, pre.max_col))
    return [v for sheet in grid.sheets for row in sheet.rows for v in row if isinstance(v, str)]


def _drop_shared_strings(parts: dict[str, bytes]) -> None:
    del parts["xl/sharedStrings.xml"]


def _string_index_out_of_range(parts: dict[str, bytes]) -> None:
    sheet = parts[TABLE_SHEET].decode()
    parts[TABLE_SHEET] = re.sub(r'(<c r="B\d+"[^>]*t="s"[^>]*><v>)\d+(</v>)', r"\g<1>999999\g<2>", sheet,
                                count=1).encode()


@pytest.mark.parametrize("edit", [_drop_shared_strings, _string_index_out_of_range],
                         ids=["shared strings part missing", "shared string index out of range"])
def test_broken_shared_strings_are_a_clear_input_error(edit: Edit, tmp_path: Path) -> None:
    # Checklist A28: the pre-flight check passes these (the XML is fine); the reader must say so.
    path = rewrite(SAMPLE, tmp_path / "broken.xlsx", edit)
    with pytest.raises(InputError) as caught:
        run_isolated(texts_of, str(path), timeout=TIMEOUT, memory_mb=MEMORY_MB)
    assert caught.value.code not in READER_FAILURES
    assert "\n" not in str(caught.value) and "shared strings" in str(caught.value)

