"""Consolidation of many States (matrix_tools.consolidating.engine) and its outputs (render_consolidated)."""

from __future__ import annotations

import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers_consolidate import EXPECTED_BY_FIELD, EXPECTED_BY_SECTION, write_states
from matrix_tools.catalogue import load_catalogue
from matrix_tools.consolidating.engine import (
    LONG_COLUMNS,
    consolidate,
    coverage_by_field,
    coverage_by_section,
    wide_view,
)
from matrix_tools.errors import InputError, OutputError
from matrix_tools.identity import DuplicateStateError
from matrix_tools.reports.consolidated import CHARTS_SHEET, COVERAGE_SHEET, write_consolidated


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from conftest import build_matrix

    path = tmp_path_factory.mktemp("states")
    write_states(path, build_matrix)
    return path


@pytest.fixture(scope="module")
def df(folder):
    return consolidate([folder])


def test_long_table_has_one_row_per_catalogue_entry_per_state(df, catalogue):
    assert list(df.columns) == list(LONG_COLUMNS)
    per_state = sum(1 for _ in catalogue.iter_keys())
    assert len(df) == 3 * per_state
    assert df.groupby("iso3").size().to_dict() == {
        "AAA": per_state,
        "BBB": per_state,
        "CCC": per_state,
    }


def test_marks_and_blanks_are_text_never_missing(df):
    assert not df.isna().any().any()
    npt = df[(df["field"] == "OP1.npt") & (df["column"] == "status")].set_index("iso3")["value"]
    assert npt.to_dict() == {"AAA": "X", "BBB": "X", "CCC": "NA"}
    info = df[(df["field"] == "OP1.npt") & (df["column"] == "info")].set_index("iso3")["value"]
    assert info.to_dict() == {"AAA": "NA", "BBB": "", "CCC": ""}


def test_each_row_names_its_cell_and_file(df, folder):
    row = df[
        (df["iso3"] == "BBB") & (df["field"] == "OP2.NW.manufacture") & (df["column"] == "source")
    ].iloc[0]
    assert (row["value"], row["cell"], row["file"]) == (
        "Act 2001",
        "'OP2 NW'!D6",
        str(folder / "beta.xlsx"),
    )
    assert (row["table"], row["section"], row["weapon"], row["row_number"]) == (
        "OP2.NW",
        "OP 2",
        "NW",
        "1",
    )


def test_coverage_by_field_matches_the_hand_count(df):
    by_field = coverage_by_field(df).set_index("mark_field")
    for name, expected in EXPECTED_BY_FIELD.items():
        assert by_field.loc[name, list(expected)].to_dict() == expected, name
    assert (by_field["states"] == 3).all()
    assert len(by_field) == 382


def test_coverage_by_section_matches_the_hand_count(df):
    by_section = coverage_by_section(df).set_index("section")
    for section, expected in EXPECTED_BY_SECTION.items():
        assert by_section.loc[section, list(expected)].to_dict() == expected, section
    assert by_section["fields"].sum() == 382


def test_wide_view_has_one_row_per_state_and_one_column_per_mark_field(df):
    wide = wide_view(df)
    assert wide.shape == (3, 3 + 382)
    assert list(wide["iso3"]) == ["AAA", "BBB", "CCC"]
    assert list(wide["OP2.NW.manufacture (enforcement)"]) == ["NA", "", ""]


def test_two_files_claiming_the_same_state_is_an_error_naming_both(folder, tmp_path, make_matrix):
    twin = tmp_path / "alpha-again.xlsx"
    from matrix_tools.writing.workbook import write_matrix_workbook

    write_matrix_workbook(twin, make_matrix(state="Alphaland (Republic of)", iso3="AAA"))
    with pytest.raises(
        DuplicateStateError, match=r"State AAA .*alpha\.xlsx, .*alpha-again\.xlsx"
    ) as info:
        consolidate([folder / "alpha.xlsx", folder / "beta.xlsx", twin])
    assert info.value.exit_code == 3  # as in batch: the input cannot be processed (issue 12)


def test_an_unreadable_file_raises_input_error(folder, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InputError):
        consolidate([folder / "alpha.xlsx", bad])


def test_csv_keeps_the_mark_na_when_read_back_as_documented(df, tmp_path):
    out = write_consolidated(df, tmp_path / "all.csv")
    back = pd.read_csv(out, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig")
    assert back.astype(object).values.tolist() == df.values.tolist()
    assert (back["value"] == "NA").sum() == 3  # alpha: enforcement + info, gamma: npt


def test_parquet_round_trips(df, tmp_path):
    out = write_consolidated(df, tmp_path / "all.parquet")
    back = pd.read_parquet(out)
    assert back.astype(object).values.tolist() == df.values.tolist()


def test_parquet_without_pyarrow_says_how_to_install_it(df, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(OutputError, match=r'pip install pyarrow \(or, in the matrix-tools folder: pip install "\.\[parquet\]"'):
        write_consolidated(df, tmp_path / "all.parquet")
    assert not (tmp_path / "all.parquet").exists()


def test_unknown_output_format_is_refused(df, tmp_path):
    with pytest.raises(OutputError, match=".xlsx, .csv or .parquet"):
        write_consolidated(df, tmp_path / "all.ods")


def test_xlsx_has_the_long_table_the_wide_view_and_coverage(df, tmp_path):
    out = write_consolidated(df, tmp_path / "all.xlsx")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Entries", "Marks by State", COVERAGE_SHEET, CHARTS_SHEET]
    entries = list(wb["Entries"].iter_rows(values_only=True))
    assert list(entries[0]) == list(LONG_COLUMNS)
    assert [[v or "" for v in row] for row in entries[1:]] == df.values.tolist()
    wide = list(wb["Marks by State"].iter_rows(values_only=True))
    assert [r[1] for r in wide[1:]] == ["AAA", "BBB", "CCC"]
    coverage = list(wb[COVERAGE_SHEET].iter_rows(values_only=True))
    section_rows = {r[0]: r[1:6] for r in coverage[5:10]}  # the numbers start in column B
    assert section_rows["OP 1"] == (3, 1, 1, 67, 0)
    field_rows = {r[12]: r[1:6] for r in coverage if r and len(r) > 12 and r[12] in EXPECTED_BY_FIELD}
    assert field_rows["OP1.npt"] == (2, 0, 1, 0, 0)
    npt = next(r for r in coverage if r and len(r) > 12 and r[12] == "OP1.npt")
    assert npt[0] == "1 Nuclear Non-Proliferation Treaty (NPT)"  # the row as a reader knows it


def test_xlsx_coverage_has_native_stacked_bar_charts_overall_and_per_section(df, tmp_path):
    out = write_consolidated(df, tmp_path / "all.xlsx")
    with zipfile.ZipFile(out) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = {n: z.read(n).decode("utf-8") for n in charts}
        drawing_rels = "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/drawings/_rels/")
        )
    # One overview of the sections, then one per table and mark column, so no chart has more
    # bars than a table has rows.
    catalogue = load_catalogue()
    groups = [(t.id, c.key) for t in catalogue.tables for c in t.columns if c.is_mark]
    assert len(charts) == 1 + len(groups)
    for name, text in xml.items():
        assert '<c:barDir val="bar"/>' in text and '<c:grouping val="stacked"/>' in text
        assert text.count("<c:ser>") == 5
        refs = re.findall(r"<c:f>([^<]+)</c:f>", text)
        assert refs and all(r.startswith("Coverage!") for r in refs), name
        assert name.rsplit("/", 1)[1] in drawing_rels
    overview = xml["xl/charts/chart1.xml"]
    assert "<c:f>Coverage!$B$6:$B$10</c:f>" in overview  # X counts of the five sections
    assert "<c:f>Coverage!$A$6:$A$10</c:f>" in overview  # section names
    per_table = [t for n, t in xml.items() if n != "xl/charts/chart1.xml"]
    spans = [re.search(r"<c:cat><c:numRef><c:f>Coverage!\$A\$(\d+):\$A\$(\d+)</c:f>", t) for t in per_table]
    bars = [int(m.group(2)) - int(m.group(1)) + 1 for m in spans if m]
    assert len(bars) == len(per_table) and max(bars) == max(len(t.rows) for t in catalogue.tables)
    assert "OP 3 (c)(d) NW · National legal framework: number of States" in "".join(xml.values())


def test_xlsx_carries_no_formula_from_submitted_text(tmp_path, make_matrix):
    from matrix_tools.consolidating.engine import consolidate_matrices

    evil = make_matrix(
        {("OP1.npt", "info"): '=HYPERLINK("http://evil","x")'}, state="=1+1", iso3="EVL"
    )
    out = write_consolidated(consolidate_matrices([(evil, "evil.xlsx")]), tmp_path / "all.xlsx")
    with zipfile.ZipFile(out) as z:
        sheets = "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>" not in sheets and "HYPERLINK" in sheets


def test_csv_keeps_submitted_formulas_inert(tmp_path, make_matrix):
    from matrix_tools.consolidating.engine import consolidate_matrices

    evil = make_matrix({("OP1.npt", "info"): '=HYPERLINK("http://evil","x")'}, state="@SUM(1)", iso3="EVL")
    out = write_consolidated(consolidate_matrices([(evil, "evil.xlsx")]), tmp_path / "all.csv")
    back = pd.read_csv(out, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig")
    info = back[(back["field"] == "OP1.npt") & (back["column"] == "info")]["value"].item()
    assert info == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert set(back["state"]) == {"'@SUM(1)"}


SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_FILES = ("examplia.xlsx", "nordmark.xlsx", "testland-approved.xlsx")


def count_marks_by_hand(path: Path, catalogue) -> Counter:
    """Count marks per section straight from the cells (Field ID column), without the reader."""
    wb = openpyxl.load_workbook(path, read_only=True)
    counts: Counter = Counter()
    for table in catalogue.tables:
        ws = wb[table.sheet]
        for row in ws.iter_rows(min_row=6, values_only=True):
            field_id = row[2 + len(table.columns)] if len(row) > 2 + len(table.columns) else None
            if not field_id:
                continue
            for i, col in enumerate(table.columns):
                if col.is_mark:
                    text = str(row[2 + i] or "").strip()
                    counts[(table.section, text or "blank")] += 1
    return counts


def test_sample_states_coverage_matches_a_count_made_straight_from_the_cells(catalogue):
    paths = [SAMPLES / n for n in SAMPLE_FILES]
    df = consolidate(paths)
    assert len(df) == 3 * 979 and not df.isna().any().any()
    assert sorted(set(df["iso3"])) == ["XEX", "XNM", "XTL"]
    expected: Counter = Counter()
    for path in paths:
        expected += count_marks_by_hand(path, catalogue)
    by_section = coverage_by_section(df).set_index("section")
    for section in by_section.index:
        for mark in ("X", "?", "NA", "blank"):
            assert by_section.loc[section, mark] == expected[(section, mark)], (section, mark)
    assert by_section["entries"].sum() == 3 * 382
    assert (df[df["iso3"] == "XEX"]["value"] == "NA").sum() > 0  # Examplia's NA rows stay "NA"


def test_coverage_charts_have_a_sheet_that_prints_them_whole(df, tmp_path):
    out = write_consolidated(df, tmp_path / "all.xlsx")
    ws = openpyxl.load_workbook(out)[CHARTS_SHEET]
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.scale == 85
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks and breaks == sorted(breaks)  # charts kept whole: a break between them, never inside
    anchors = sorted(c.anchor._from.row for c in ws._charts)
    assert len(anchors) == len(ws._charts) > 1
    assert all(any(a == b for a in anchors) for b in breaks)  # every break sits just above a chart
