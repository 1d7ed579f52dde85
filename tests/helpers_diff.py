"""Workbook pairs for diff tests: write a matrix with the real writer, then edit it as people do.

``edit_workbook`` opens a written workbook with openpyxl and applies structural and noise edits
(insert rows, move rows, rename a sheet, insert a column, retype cells), as a State's
official would in Excel. Nothing here asserts: the tests do.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import golden_files
from conftest import build_matrix
from matrix_tools import layout
from matrix_tools.diffing.engine import DiffResult
from matrix_tools.model import Catalogue, Matrix, Row, Table
from matrix_tools.writing.workbook import write_matrix_workbook

Edit = Callable[[Any], None]  # receives the openpyxl Workbook

# A realistic approved matrix: marks, sources, remarks in several tables.
BASE_ENTRIES: dict[tuple[str, str], str] = {
    ("OP1.npt", "status"): "X",
    ("OP1.npt", "info"): "Ratification 5 March 1970",
    ("OP1.cwc", "status"): "X",
    ("OP1.cwc", "info"): "Ratification 10 August 1995",
    ("OP1.bwc", "status"): "X",
    ("OP2.NW.manufacture", "status"): "X",
    ("OP2.NW.manufacture", "source"): "Atomic Energy Act 1954, sect. 57",
    ("OP2.NW.manufacture", "enforcement"): "X",
    ("OP2.NW.manufacture", "enforcement_source"): "Penal Code, art. 12",
    ("OP2.NW.acquire", "status"): "X",
    ("OP2.NW.acquire", "source"): "Atomic Energy Act 1954, sect. 58",
    ("OP2.CW.use", "status"): "X",
    ("OP2.CW.use", "source"): "Chemical Weapons Act 1997",
    ("OP2.CW.use", "remarks"): "See national report p. 4",
    ("OP2.BW.possess", "status"): "?",
}


def base_matrix(catalogue: Catalogue) -> Matrix:
    return build_matrix(BASE_ENTRIES, catalogue=catalogue)


def write_pair(
    tmp_path: Path,
    old_entries: Mapping[tuple[str, str], str],
    new_entries: Mapping[tuple[str, str], str] | None = None,
    *,
    edits: tuple[Edit, ...] = (),
    new_header: Mapping[str, str] | None = None,
    catalogue: Catalogue | None = None,
) -> tuple[Path, Path]:
    """old.xlsx from ``old_entries``; new.xlsx from ``new_entries`` (default the same), then ``edits``."""
    old = tmp_path / "old.xlsx"
    new = tmp_path / "new.xlsx"
    write_matrix_workbook(old, build_matrix(old_entries, catalogue=catalogue))
    write_matrix_workbook(
        new,
        build_matrix(old_entries if new_entries is None else new_entries, header=new_header, catalogue=catalogue),
    )
    if edits:
        edit_workbook(new, *edits)
    return old, new


def edit_workbook(path: Path, *edits: Edit) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for edit in edits:
        edit(wb)
    wb.save(path)


def data_row(table: Table, field_id: str) -> int:
    """1-based Excel row of a field in a generated sheet."""
    index = next(i for i, row in enumerate(table.rows) if row.field == field_id)
    return layout.data_row(index) + 1


def value_column(table: Table, column: str) -> int:
    return layout.value_col(table, column) + 1


def insert_row(table: Table, before_field: str, cells: tuple[str, ...] = ()) -> Edit:
    def edit(wb: Any) -> None:
        ws = wb[table.sheet]
        at = data_row(table, before_field)
        ws.insert_rows(at)
        for i, text in enumerate(cells):
            if text:
                ws.cell(row=at, column=i + 1, value=text)

    return edit


def swap_rows(table: Table, first: str, second: str) -> Edit:
    """Move two rows past each other (content of every column swapped, Field ID included)."""

    def edit(wb: Any) -> None:
        ws = wb[table.sheet]
        a, b = data_row(table, first), data_row(table, second)
        for col in range(1, ws.max_column + 1):
            ca, cb = ws.cell(row=a, column=col), ws.cell(row=b, column=col)
            ca.value, cb.value = cb.value, ca.value

    return edit


def rename_sheet(table: Table, name: str) -> Edit:
    def edit(wb: Any) -> None:
        wb[table.sheet].title = name

    return edit


def insert_column(table: Table, before_column: str) -> Edit:
    def edit(wb: Any) -> None:
        ws = wb[table.sheet]
        ws.insert_cols(value_column(table, before_column))

    return edit


def set_cell(table: Table, field_id: str, column: str, value: str) -> Edit:
    def edit(wb: Any) -> None:
        wb[table.sheet].cell(row=data_row(table, field_id), column=value_column(table, column), value=value)

    return edit


def change_set(result: DiffResult) -> set[tuple[str, str, str, str, str]]:
    """(field, column, kind, old, new) of every listed change: what the tests compare exactly."""
    return {(c.field, c.column, c.kind, c.old, c.new) for c in result.changes}


def renamed_catalogue(catalogue: Catalogue, renames: Mapping[str, str], drop: tuple[str, ...] = ()) -> Catalogue:
    """An 'older' catalogue: fields named as in ``renames`` (current id -> old id), ``drop`` absent,
    and no ``formerly`` entries (it predates them)."""
    tables = []
    for table in catalogue.tables:
        rows: list[Row] = []
        for row in table.rows:
            if row.field in drop:
                continue
            old_id = renames.get(row.field, row.field)
            rows.append(dataclasses.replace(row, field=old_id, key=old_id.rsplit(".", 1)[-1], formerly=()))
        tables.append(dataclasses.replace(table, rows=tuple(rows)))
    return dataclasses.replace(catalogue, version="2011.0", tables=tuple(tables), source="old-catalogue.json")


def formula_cells(path: Path) -> list[str]:
    """Every <f> element in the workbook's sheets (a report must have none)."""
    found = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                text = zf.read(name).decode("utf-8")
                if "<f>" in text or "<f " in text:
                    found.append(name)
    return found


# --- one rich scenario for the report golden files ---------------------------------------

HOSTILE_SOURCE = '=HYPERLINK("http://evil.example/x","click") <script>alert(1)</script> [link](http://evil.example)'


def report_scenario(catalogue: Catalogue, *, include_cosmetic: bool = False) -> DiffResult:
    """A deterministic diff with every kind of change, hostile text included, for golden files."""
    from matrix_tools.diffing.engine import diff
    from matrix_tools.model import SourceInfo, UnknownRow, Value

    old_cat = renamed_catalogue(catalogue, {"OP1.iaea_member": "OP1.row11"}, drop=("OP1.hcoc",))
    old_entries = {
        **{k: v for k, v in BASE_ENTRIES.items()},
        ("OP1.row11", "status"): "X",
        ("OP1.row11", "info"): "Member since 1957",
    }
    new_entries = dict(BASE_ENTRIES)
    new_entries.update({
        ("OP1.iaea_member", "status"): "X",
        ("OP1.iaea_member", "info"): "Member since 1958",  # renamed field, text changed
        ("OP1.hcoc", "status"): "X",  # field only in the new template
        ("OP1.ctbt", "status"): "X",  # added, no source
        ("OP2.NW.manufacture", "status"): "?",  # downgraded
        ("OP2.NW.acquire", "source"): "Nuclear Energy Act 2010, sect. 58",  # text changed
        ("OP2.CW.use", "remarks"): HOSTILE_SOURCE,  # hostile text
        ("OP1.npt", "info"): "ratification 5 march 1970",  # cosmetic
    })
    del new_entries[("OP1.bwc", "status")]  # removed
    del new_entries[("OP2.NW.manufacture", "enforcement_source")]  # source removed while X stays
    old = build_matrix(old_entries, catalogue=old_cat, state="Republic of Testland", iso3="XTL")
    new = build_matrix(
        new_entries, catalogue=catalogue, state="Republic of Testland", iso3="XTL",
        header={"date_of_report": "2004-10-12", "dates_of_additional_reports": "1 May 2006; 3 June 2008"},
    )
    note = UnknownRow("OP3cd.NW", "OP3cd NW", 9, "Note from the State: <b>see annex</b>", "",
                      {"remarks": Value("Annex 3 =1+1", "'OP3cd NW'!G9")})
    old = dataclasses.replace(old, source=SourceInfo("approved/testland-2013.xlsx", "testland-2013.xlsx", "a" * 64, 51234))
    new = dataclasses.replace(new, source=SourceInfo("returned/testland-2024.xlsx", "testland-2024.xlsx", "b" * 64, 52345),
                              unknown_rows=(note,))
    return diff(old, new, include_cosmetic=include_cosmetic)


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/diff/<name> (see golden.py)."""
    golden_files.check_golden(f"diff/{name}", text)
