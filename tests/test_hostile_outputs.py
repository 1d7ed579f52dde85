"""Submitted text never becomes active in any output (untrusted-input.md, policy 4; issue 6 item 4).

A matrix workbook whose text cells hold formulas, links and markup (``inert.HOSTILE_TEXTS``)
goes through every command that writes a report or workbook; each output is then unzipped
or parsed and checked with the helpers in ``inert.py``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree

from handmade import write_workbook
from inert import HOSTILE_TEXTS, assert_html_inert, assert_json_valid, assert_xlsx_inert
from matrix_tools.catalogue import load_catalogue
from matrix_tools.cli import cli
from matrix_tools.model import Catalogue
from matrix_tools.safety import CSV_TRIGGERS

EXTRA_TEXTS = ("control\x01character\x1fin\x7ftext", "RLO \u202eevil\u202c name", "Law " + "long " * 8_000)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def hostile_pair(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> tuple[Path, Path]:
    """(benign, hostile) versions of one State's matrix, differing only in some text cells."""
    folder = tmp_path_factory.mktemp("hostile-outputs")
    keys = [(row.field, col.key) for _t, row, col in catalogue.iter_keys() if col.kind.value == "text"]
    texts = HOSTILE_TEXTS + EXTRA_TEXTS
    chosen = keys[: len(texts)]
    marks = {(row.field, col.key): "X" for _t, row, col in list(catalogue.iter_keys())[:40] if col.kind.value == "mark"}
    benign = write_workbook(folder / "benign.xlsx", catalogue, {**marks, **{k: "Law No. 1" for k in chosen}})
    hostile = write_workbook(folder / "hostile.xlsx", catalogue, {**marks, **dict(zip(chosen, texts, strict=True))},
                             header={"state": "Republic of <script>alert(1)</script>", "iso3": "XTL",
                                     "date_of_report": "12 October 2004"})
    return benign, hostile


def shown_texts() -> tuple[str, ...]:
    """The hostile texts as a report shows them: whitespace-trimmed by the reader."""
    return tuple(t.strip() for t in HOSTILE_TEXTS)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), f"{args}: exit {result.exit_code}: {result.output}"
    assert "Traceback" not in result.output
    return result.stdout


def test_reader_keeps_hostile_texts_as_plain_text(hostile_pair: tuple[Path, Path]) -> None:
    from matrix_tools.reading.parse import load_matrix

    matrix = load_matrix(hostile_pair[1])
    values = {value.text for value in matrix.entries.values()}
    for text in shown_texts():
        assert text in values, text


def test_diff_xlsx_report_is_inert(hostile_pair: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "diff.xlsx"
    run("diff", str(hostile_pair[0]), str(hostile_pair[1]), "--format", "xlsx", "-o", str(out))
    assert_xlsx_inert(out, HOSTILE_TEXTS)


def test_diff_html_report_is_inert_and_shows_the_texts(hostile_pair: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    run("diff", str(hostile_pair[0]), str(hostile_pair[1]), "--format", "html", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert_html_inert(page, shown_texts())
    assert "<script>alert(1)</script>" not in page


def test_diff_json_is_valid_and_carries_the_texts_verbatim(hostile_pair: tuple[Path, Path]) -> None:
    data = assert_json_valid(run("diff", str(hostile_pair[0]), str(hostile_pair[1]), "--format", "json"))
    new_values = {change.get("new") for change in data["changes"]}
    for text in shown_texts():
        assert text in new_values, text


def test_validate_annotated_workbook_and_junit_are_inert(hostile_pair: tuple[Path, Path], tmp_path: Path) -> None:
    annotated = tmp_path / "annotated.xlsx"
    junit = tmp_path / "report.xml"
    run("validate", str(hostile_pair[1]), "--annotate", str(annotated))
    assert_xlsx_inert(annotated, HOSTILE_TEXTS)
    run("validate", str(hostile_pair[1]), "--format", "junit", "-o", str(junit))
    data = junit.read_bytes()
    ElementTree.fromstring(data)  # well-formed, no DTD
    assert b"<script>" not in data


def test_validate_flags_formula_like_text(hostile_pair: tuple[Path, Path]) -> None:
    data = assert_json_valid(run("validate", str(hostile_pair[1]), "--format", "json"))
    flagged = {f["value"] for f in data["files"][0]["findings"] if f["code"] == "text-formula-like"}
    assert '=HYPERLINK("http://evil.example/x","click")' in flagged


def test_merge_output_is_inert(hostile_pair: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "merged.xlsx"
    benign, hostile = hostile_pair
    run("merge", str(benign), str(benign), str(hostile), "-o", str(out))
    assert_xlsx_inert(out, HOSTILE_TEXTS)


def test_consolidated_xlsx_is_inert(hostile_pair: tuple[Path, Path], tmp_path: Path) -> None:
    xlsx = tmp_path / "all.xlsx"
    run("consolidate", str(hostile_pair[1]), "-o", str(xlsx))
    assert_xlsx_inert(xlsx, HOSTILE_TEXTS)


def test_consolidated_csv_is_inert(hostile_pair: tuple[Path, Path], tmp_path: Path) -> None:
    table = tmp_path / "all.csv"
    run("consolidate", str(hostile_pair[1]), "-o", str(table))
    assert_csv_inert(table.read_text(encoding="utf-8-sig"))


def test_exported_csv_is_inert_and_json_verbatim(hostile_pair: tuple[Path, Path], tmp_path: Path) -> None:
    table = tmp_path / "export.csv"
    run("export", str(hostile_pair[1]), "--format", "csv", "-o", str(table))
    assert_csv_inert(table.read_text(encoding="utf-8-sig"))
    data = assert_json_valid(run("export", str(hostile_pair[1])))
    values = {entry["value"] for entry in data["entries"]}
    assert set(shown_texts()) <= values


def assert_csv_inert(text: str) -> None:
    """No CSV cell starts with a formula trigger, except plain signed numbers."""
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(CSV_TRIGGERS):
                assert cell.lstrip("+-").replace(".", "").replace(",", "").isdigit(), f"live CSV cell {cell!r}"


def test_json_outputs_never_hold_nan(hostile_pair: tuple[Path, Path]) -> None:
    text = run("export", str(hostile_pair[1]))
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)


def sheet_names(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return [sheet.get("name", "") for sheet in root.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet")]


def test_sheet_names_excel_would_refuse_never_reach_a_report(tmp_path: Path) -> None:
    # Checklist A40: a submission's sheet names are never reused as report sheet names unchecked.
    from test_hostile_reading import SAMPLE, _weird_sheet_names, rewrite

    weird = rewrite(SAMPLE, tmp_path / "weird.xlsx", _weird_sheet_names)
    outputs = {"annotated": tmp_path / "annotated.xlsx", "diff": tmp_path / "diff.xlsx",
               "merged": tmp_path / "merged.xlsx"}
    run("validate", str(weird), "--annotate", str(outputs["annotated"]))
    run("diff", str(SAMPLE), str(weird), "--format", "xlsx", "-o", str(outputs["diff"]))
    run("merge", str(SAMPLE), str(SAMPLE), str(weird), "-o", str(outputs["merged"]))
    for kind, path in outputs.items():
        names = sheet_names(path)
        assert names, kind
        for name in names:
            assert len(name) <= 31 and not set(name) & set("[]:*?/\\"), f"{kind}: sheet {name!r}"
        assert len({n.casefold() for n in names}) == len(names), f"{kind}: duplicate sheet names {names}"
