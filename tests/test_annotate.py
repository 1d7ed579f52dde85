"""The annotated workbook: comments on the flagged cells, a Findings sheet linking to each cell."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from handmade import write_workbook
from helpers_validate import CONFIG
from matrix_tools import layout
from matrix_tools.errors import InputError, OutputError
from matrix_tools.model import cell_ref
from matrix_tools.reports.annotate import FINDINGS_SHEET, write_annotated_workbook
from matrix_tools.validation.engine import validate, validate_file, validate_files

HEADER = {"title": "DRAFT 1540 COMMITTEE MATRIX", "state": "Republic of Examplia", "iso3": "XEX",
          "date_of_report": "12 October 2004", "dates_of_additional_reports": "1 June 2003",
          "date_of_committee_approval": ""}


@pytest.fixture
def checked(tmp_path: Path, catalogue):
    # Sheets in another order and an inserted row: the annotated copy is laid out like a
    # template, but keeps the State's inserted row where the State put it.
    path = write_workbook(tmp_path / "returned.xlsx", catalogue, {
        ("OP1.cwc", "status"): "maybe",
        ("OP1.npt", "status"): "X",
        ("OP2.NW.manufacture", "status"): "X",
        ("OP2.NW.manufacture", "source"): "=HYPERLINK(\"http://example.invalid\",\"click\")",
    }, header=HEADER, insert_rows={"OP1": [(1, ["", "Comment row from the State"])]})
    return path, validate(path, config=CONFIG)


def template_cell(catalogue, field: str, column: str, *, inserted_above: int = 0) -> str:
    table = catalogue.table_of(field)
    index = [r.field for r in table.rows].index(field)
    return cell_ref(table.sheet, layout.data_row(index) + inserted_above, layout.value_col(table, column))


def _split(ref: str) -> tuple[str, str]:
    sheet, coordinate = ref.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), coordinate


def test_comments_sit_on_the_flagged_cells(tmp_path: Path, checked, catalogue) -> None:
    path, result = checked
    out = write_annotated_workbook(tmp_path / "annotated.xlsx", result)
    book = openpyxl.load_workbook(out)
    invalid = next(f for f in result.findings if f.code == "mark-invalid")
    assert invalid.cell == "'OP1'!C13"  # the submitted file: after the inserted row
    sheet, coordinate = _split(template_cell(catalogue, "OP1.cwc", "status", inserted_above=1))
    assert coordinate == "C13"  # the annotated copy keeps the inserted row above: same cell as the State's
    comment = book[sheet][coordinate].comment
    assert comment is not None and "mark-invalid" in comment.text and "'maybe' is not a mark" in comment.text
    source_sheet, source_cell = _split(template_cell(catalogue, "OP2.NW.manufacture", "source"))
    assert "text-formula-like" in book[source_sheet][source_cell].comment.text
    assert book[source_sheet][source_cell].value.startswith("=HYPERLINK")
    about = book["About"]
    flagged = [row for row in about.iter_rows() if row[1].comment is not None]
    assert any("additional-report-before-first" in row[1].comment.text for row in flagged)


def test_findings_sheet_has_one_row_per_finding_with_internal_links(tmp_path: Path, checked, catalogue) -> None:
    _, result = checked
    out = write_annotated_workbook(tmp_path / "annotated.xlsx", result)
    sheet = openpyxl.load_workbook(out)[FINDINGS_SHEET]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [(r[0], r[1], r[6]) for r in rows] == [(f.severity.value, f.code, f.cell) for f in result.findings]
    links = {cell.value: cell.hyperlink for row in sheet.iter_rows(min_row=5) for cell in row if cell.hyperlink}
    target = template_cell(catalogue, "OP1.cwc", "status", inserted_above=1)
    assert target in links and links[target].location == target and not links[target].target
    row_unknown = next(r for r in rows if r[1] == "row-unknown")
    assert row_unknown[5] == "'OP1'!B7"  # the kept row's label, where the State inserted it


def test_nothing_submitted_becomes_a_formula_or_a_live_link(tmp_path: Path, checked) -> None:
    _, result = checked
    out = write_annotated_workbook(tmp_path / "annotated.xlsx", result)
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        rels = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".rels")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)
    assert not any('TargetMode="External"' in xml for xml in rels)
    assert all(re.search(r"http://example", xml) is None for xml in rels)


def test_the_input_is_never_overwritten(checked) -> None:
    path, result = checked
    before = path.read_bytes()
    with pytest.raises(OutputError):
        write_annotated_workbook(path, result)
    assert path.read_bytes() == before


def test_an_unreadable_file_cannot_be_annotated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    (result,) = validate_files([bad])
    with pytest.raises(InputError, match="nothing to annotate"):
        write_annotated_workbook(tmp_path / "out.xlsx", result)


def test_findings_about_an_inserted_row_or_a_renamed_sheet_link_to_this_workbook(tmp_path):
    import openpyxl

    from matrix_tools.reports.annotate import write_annotated_workbook

    sample = Path(__file__).resolve().parent.parent / "samples" / "testland-returned.xlsx"
    out = write_annotated_workbook(tmp_path / "checked.xlsx", validate_file(sample))
    wb = openpyxl.load_workbook(out)
    rows = {r[1]: r for r in wb["Findings"].iter_rows(min_row=5, values_only=True)}
    inserted = rows["row-unknown"][5]
    assert inserted.startswith("'OP3cd NW'!B")
    sheet, cell = inserted.split("!")
    label = wb[sheet.strip("'")][cell].value
    assert label.startswith("Comment of the Republic of Testland")
    assert wb[sheet.strip("'")][cell].comment is not None
    assert rows["sheet-renamed"][5] == "'OP2 NW'!A1"
