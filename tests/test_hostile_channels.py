"""Submitted text cannot act through any output channel (issue 13, class 2).

One State's workbook carries hostile text in every place a State can type: the State name,
a sheet name, a remark, an inserted row's number, label and cells, an inserted column's
caption. Terminal escapes (ANSI, OSC), CR/LF that would forge report lines, a bidi
override, a lone surrogate (``_xD800_``), formulas in ASCII and full-width form. Every command
then writes every format, and each output is checked for its own channel: terminal text,
Markdown, CSV, JSON, xlsx.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from handmade import write_workbook
from inert import assert_xlsx_inert
from matrix_tools.catalogue import load_catalogue
from matrix_tools.cli import cli
from matrix_tools.model import Catalogue
from matrix_tools.safety import (
    CSV_TRIGGERS,
    csv_safe,
    looks_like_formula,
    one_line,
    printable,
    safe_json_dumps,
)

FORGED = "OK: exit code 0."
STATE = f"Testland\r\n{FORGED}\x1b]0;owned\x07\x1b[2J\u202eevil"
# A sheet name with CR/LF (as XML character references, which XML allows in an attribute), a
# forged report line and a bidi override (no ESC: XML 1.0 cannot hold one, so it is refused).
SHEET_XML = f"OP1&#13;&#10;{FORGED} \u202eevil"
SHEET = f"OP1\r\n{FORGED} \u202eevil"
REMARKS = (
    "\x1b[31mred\x1b[0m remark",
    f"line one\n{FORGED}",
    "lone _xD800_ surrogate",
    "\uff1d1+1",  # full-width '=': Excel in Japanese locales runs it
    "\uff20SUM(1,1)",
    '=HYPERLINK("http://evil.example/x","click")',
    "caf\u00e9 \u202eevil\u202c",
)
ROW_CELLS = ("=1+1", '=HYPERLINK("http://evil.example/row","row")', "\x1b[2J", "+SUM(A1)")
# Terminal text may hold LF (its own line breaks) and tab, nothing else below U+0020, and none
# of the characters that reorder or hide text.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> tuple[Path, Path]:
    """(benign, hostile) versions of one State's matrix."""
    folder = tmp_path_factory.mktemp("channels")
    texts = [(row.field, col.key) for _t, row, col in catalogue.iter_keys() if col.kind.value == "text"]
    first = catalogue.tables[0]
    benign = write_workbook(folder / "old.xlsx", catalogue, {k: "Law No. 1" for k in texts[: len(REMARKS)]})
    hostile = write_workbook(
        folder / "new.xlsx", catalogue, dict(zip(texts, REMARKS, strict=False)),
        header={"state": STATE, "iso3": "XTL", "date_of_report": "12 October 2004"},
        sheet_names={first.id: "OP1 placeholder"},
        insert_rows={first.id: [(1, ("=1+1", '=HYPERLINK("http://evil.example/l","label")', *ROW_CELLS))]},
        extra_columns={first.id: 3}, captions={first.columns[0].key: "@SUM(1,1)"},
    )
    with zipfile.ZipFile(hostile) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="OP1 placeholder"', f'name="{SHEET_XML}"'.encode())
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return benign, hostile


def run(*args: str, codes: tuple[int, ...] = (0, 1)) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in codes, f"{args}: exit {result.exit_code}: {result.output}"
    assert "Traceback" not in result.output and "report it" not in result.output
    return result.output


def assert_terminal_safe(text: str) -> None:
    """No escape, CR, bidi or surrogate; no line a submission forged."""
    found = ACTIVE.search(text)
    assert found is None, f"active character {found.group()!r} in {text[max(found.start() - 40, 0):found.end() + 40]!r}"
    assert not any(line.strip() == FORGED for line in text.splitlines()), "a submitted line break forged a line"


@pytest.mark.parametrize("args", [
    ("validate", "{new}"),
    ("diff", "{old}", "{new}"),
    ("diff", "{old}", "{new}", "--format", "md"),
    ("merge", "{old}", "{old}", "{new}", "-o", "{tmp}/merged.xlsx"),
    ("batch", "{folder}"),
], ids=["validate", "diff text", "diff md", "merge", "batch"])
def test_terminal_output_shows_submitted_escapes_and_line_breaks_inert(workbooks: tuple[Path, Path], tmp_path: Path,
                                                                       args: tuple[str, ...]) -> None:
    old, new = workbooks
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "xtl.xlsx").write_bytes(new.read_bytes())
    filled = [a.format(old=old, new=new, tmp=tmp_path, folder=folder) for a in args]
    output = run(*filled, codes=(0, 1, 3) if args[0] == "batch" else (0, 1))
    assert_terminal_safe(output)
    assert "\\x1b" in output  # shown escaped and visible, not dropped


def test_validate_names_the_hostile_sheet_with_its_escapes_visible(workbooks: tuple[Path, Path]) -> None:
    output = run("validate", str(workbooks[1]))
    assert f"OP1\\x0d\\x0a{FORGED} \\u202eevil" in output


def test_markdown_report_keeps_one_table_row_per_change_and_no_html(workbooks: tuple[Path, Path]) -> None:
    md = run("diff", str(workbooks[0]), str(workbooks[1]), "--format", "md")
    assert "\r" not in md
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert rows and all(line.rstrip().endswith("|") for line in rows)
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script" not in html and "<b>" not in html and "href=" not in html
    assert html.count("<tr>") == len([r for r in rows if not set(r) <= set("|-: ")])  # no row broken or lost


def test_every_csv_field_is_inert_also_full_width(workbooks: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    run("export", str(workbooks[1]), "--format", "csv", "-o", str(target))
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    for cell in cells:
        assert not cell.startswith(CSV_TRIGGERS) or re.fullmatch(r"[+-][\d.,]+", cell), f"live CSV cell {cell!r}"
    # The inserted row's number and label and the inserted column's caption are fields too.
    assert "'=1+1" in cells and "'@SUM(1,1)" in cells and "'\uff1d1+1" in cells


def test_json_outputs_are_valid_and_escape_what_could_act(workbooks: tuple[Path, Path]) -> None:
    for args in (("export", str(workbooks[1])), ("diff", str(workbooks[0]), str(workbooks[1]), "--format", "json"),
                 ("validate", str(workbooks[1]), "--format", "json")):
        text = run(*args)
        assert ACTIVE.search(text) is None, args
        data = json.loads(text)
        assert data
    exported = json.loads(run("export", str(workbooks[1])))
    assert exported["state"]["name"] == " ".join(STATE.split()) or "\x1b" in exported["state"]["name"]
    assert any("\ud800" in entry["value"] for entry in exported["entries"])  # kept, as a JSON escape


def test_xlsx_outputs_survive_a_lone_surrogate_and_stay_inert(workbooks: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = workbooks
    outputs = {"diff": tmp_path / "diff.xlsx", "annotated": tmp_path / "annotated.xlsx",
               "merged": tmp_path / "merged.xlsx", "table": tmp_path / "all.xlsx"}
    run("diff", str(old), str(new), "--format", "xlsx", "-o", str(outputs["diff"]))
    run("validate", str(new), "--annotate", str(outputs["annotated"]))
    run("merge", str(old), str(old), str(new), "-o", str(outputs["merged"]))
    run("consolidate", str(new), "-o", str(outputs["table"]))
    for path in outputs.values():
        assert path.stat().st_size > 0
        assert_xlsx_inert(path, [t for t in (*REMARKS, *ROW_CELLS) if t.startswith("=")])


# --- the one text cleaner -------------------------------------------------------------------


@pytest.mark.parametrize("text", [STATE, SHEET, "OP1\rx\x1bc", *REMARKS, "\x85next", "a\u2028b", "\ufeffbom", "\x9b31m"])
def test_one_line_leaves_nothing_that_acts_and_stays_on_one_line(text: str) -> None:
    from matrix_tools.reading.normalise import unescape_excel

    shown = one_line(unescape_excel(text))
    assert "\n" not in shown and ACTIVE.search(shown) is None
    assert one_line(shown) == shown  # idempotent: escaping twice changes nothing more
    assert ACTIVE.search(printable(unescape_excel(text).replace("\n", ""))) is None


def test_one_line_cuts_to_width_and_keeps_plain_text() -> None:
    assert one_line("Criminal Code, Art. 12") == "Criminal Code, Art. 12"
    assert one_line("x" * 50, width=10) == "x" * 9 + "…"
    assert one_line("a\r\nb") == "a / b" and one_line("a\nb", breaks=None) == "a\\x0ab"


@pytest.mark.parametrize("text", ["\uff1d1+1", "\uff0bSUM(A1)", "\uff0dA1", "\uff20SUM(1)", "\u3000\uff1dA1"])
def test_full_width_formula_triggers_are_neutralised(text: str) -> None:
    assert csv_safe(text.lstrip("\u3000")).startswith("'")
    assert looks_like_formula(text)


def test_safe_json_dumps_escapes_surrogates_c1_and_bidi() -> None:
    text = safe_json_dumps({"v": "a\ud800b\x9b\u202ec"})
    assert ACTIVE.search(text) is None and json.loads(text) == {"v": "a\ud800b\x9b\u202ec"}
    text.encode("utf-8")  # always encodable


def test_coloured_terminal_output_keeps_its_own_colours_and_escapes_the_submission(workbooks: tuple[Path, Path]) -> None:
    from matrix_tools.reports.findings import render_text
    from matrix_tools.validation.engine import validate_files

    text = render_text(validate_files([workbooks[1]]), color=True)
    assert "\x1b[1m" in text or "\x1b[31m" in text  # the report's own styles (bold, red)
    assert "\x1b]0;" not in text and "\x1b[2J" not in text and "\r" not in text and "\u202e" not in text
    assert "\\x1b]0;owned" in text
