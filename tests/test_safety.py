"""Guards that keep submitted content inert: defusedxml check, CSV cells, JSON, and the inert helpers."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inert import HOSTILE_TEXTS, assert_html_inert, assert_json_valid, assert_xlsx_inert
from matrix_tools import safety
from matrix_tools.errors import EXIT_USAGE, ConfigError
from matrix_tools.safety import csv_safe, ensure_defused, looks_like_formula, safe_json_dumps

# --- ensure_defused ----------------------------------------------------------------------


def test_defusedxml_is_in_use_in_this_environment() -> None:
    ensure_defused()


def test_openpyxl_without_defusedxml_is_refused_in_a_clean_process() -> None:
    # OPENPYXL_DEFUSEDXML is read when openpyxl is imported, so this needs a fresh interpreter.
    code = (
        "from matrix_tools.safety import ensure_defused\n"
        "from matrix_tools.errors import ConfigError\n"
        "try:\n    ensure_defused()\nexcept ConfigError as e:\n    print(e.code, '|', e)\n"
    )
    env = {**os.environ, "OPENPYXL_DEFUSEDXML": "False"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("defusedxml-disabled | "), out.stdout + out.stderr
    assert "OPENPYXL_DEFUSEDXML" in out.stdout


def test_missing_defusedxml_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "_defused_checked", False)
    monkeypatch.setitem(sys.modules, "defusedxml", None)  # makes `import defusedxml` fail
    with pytest.raises(ConfigError) as caught:
        ensure_defused()
    assert caught.value.code == "defusedxml-missing"
    assert caught.value.exit_code == EXIT_USAGE
    assert "pip install defusedxml" in str(caught.value)


def test_disabled_defusedxml_in_openpyxl_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl.xml

    monkeypatch.setattr(safety, "_defused_checked", False)
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(ConfigError) as caught:
        ensure_defused()
    assert caught.value.code == "defusedxml-disabled"


# --- csv_safe and looks_like_formula -------------------------------------------------------

CSV_CASES = [
    ("", ""),
    ("X", "X"),
    ("?", "?"),
    ("NA", "NA"),
    ("Law No. 12 of 2004", "Law No. 12 of 2004"),
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
    ("=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1"),
    ("+1+1", "'+1+1"),
    ("-1+1", "'-1+1"),
    ("@SUM(1,1)", "'@SUM(1,1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("\n=1+1", "'\n=1+1"),
    ("- see Law 12", "'- see Law 12"),
    ("+41 22 917 1234", "'+41 22 917 1234"),
    ("-5", "-5"),
    ("+3.5", "+3.5"),
    ("-1,000", "-1,000"),
    ("-1 000 000", "-1 000 000"),
    ("12-2004", "12-2004"),
    ("a=b", "a=b"),
    ("'already quoted", "'already quoted"),
]


@pytest.mark.parametrize(("text", "expected"), CSV_CASES)
def test_csv_safe_neutralises_formula_starts_and_keeps_numbers_and_marks(text: str, expected: str) -> None:
    assert csv_safe(text) == expected


def test_csv_safe_text_reads_back_through_the_csv_module() -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_safe(t) for t in HOSTILE_TEXTS])
    row = next(csv.reader(io.StringIO(buffer.getvalue())))
    for original, cell in zip(HOSTILE_TEXTS, row, strict=True):
        assert cell in (original, "'" + original)
        assert not cell.startswith(safety.CSV_TRIGGERS)


FORMULA_CASES = [
    ("=1+1", True),
    ("==== header ====", True),
    ("{=SUM(A1:A3)}", True),
    ("@SUM(1,1)", True),
    ("+SUM(A1)", True),
    ("-A1", True),
    ("+1+1", True),
    ("-2*3", True),
    ("  =1+1", True),
    ("\t=1+1", True),
    ("\r\n=1", True),
    ("=cmd|'/c calc'!A1", True),
    ("", False),
    ("X", False),
    ("NA", False),
    ("- see Law 12", False),
    ("+41 22 917 1234", False),
    ("-5", False),
    ("@UN1540", False),
    ("a = b", False),
    ("Decree 2004-12", False),
]


@pytest.mark.parametrize(("text", "expected"), FORMULA_CASES)
def test_looks_like_formula_flags_formulas_and_not_dashes_or_phone_numbers(text: str, expected: bool) -> None:
    assert looks_like_formula(text) is expected


# --- safe_json_dumps ------------------------------------------------------------------------


def test_json_keeps_non_latin_text_readable() -> None:
    assert safe_json_dumps({"state": "Côte d'Ivoire – مصر – 中国"}) == '{"state": "Côte d\'Ivoire – مصر – 中国"}'


def test_json_refuses_nan_and_infinity() -> None:
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            safe_json_dumps({"value": bad})


def test_json_survives_control_characters_and_lone_surrogates() -> None:
    text = "a\x00b\x1bc\x7f\u2028\ud800z"
    out = safe_json_dumps({"v": text}, indent=2)
    out.encode("utf-8")
    assert json.loads(out)["v"] == text
    assert_json_valid(out)


def test_json_for_html_cannot_close_a_script_block() -> None:
    out = safe_json_dumps({"v": "</script><script>alert(1)</script> & more"}, for_html=True)
    assert "</script>" not in out and "<" not in out and "&" not in out
    assert json.loads(out)["v"] == "</script><script>alert(1)</script> & more"


def test_json_caller_cannot_switch_nan_back_on() -> None:
    with pytest.raises(ValueError):
        safe_json_dumps([math.nan], allow_nan=True)


# --- the inert helpers themselves (so other helpers can rely on them) --------------------------


def write_report(path: Path, texts: tuple[str, ...], *, safe: bool) -> Path:
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False} if safe else {}
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet("Report")
    for row, text in enumerate(texts):
        if safe:
            sheet.write_string(row, 0, text)
        else:
            sheet.write(row, 0, text)
    workbook.close()
    return path


def test_xlsx_written_with_write_string_is_inert(tmp_path: Path) -> None:
    assert_xlsx_inert(write_report(tmp_path / "safe.xlsx", HOSTILE_TEXTS, safe=True), HOSTILE_TEXTS)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example/x","click")', "{=1+1}", "==== header ===="])
def test_xlsx_inert_check_catches_a_formula(tmp_path: Path, text: str) -> None:
    path = write_report(tmp_path / "formula.xlsx", (text,), safe=False)
    with pytest.raises(AssertionError, match="formula"):
        assert_xlsx_inert(path, (text,))


@pytest.mark.parametrize("text", ["external:\\\\srv\\share\\a.xlsx", "http://evil.example/phish"])
def test_xlsx_inert_check_catches_a_live_link(tmp_path: Path, text: str) -> None:
    path = write_report(tmp_path / "link.xlsx", (text,), safe=False)
    with pytest.raises(AssertionError, match="relationship"):
        assert_xlsx_inert(path, (text,))


def test_jinja_autoescaped_html_is_inert() -> None:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    page = env.from_string("<ul>{% for t in texts %}<li title='{{ t }}'>{{ t }}</li>{% endfor %}</ul>").render(
        texts=HOSTILE_TEXTS)
    assert_html_inert(page, HOSTILE_TEXTS)


def test_html_inert_check_catches_raw_markup_and_links() -> None:
    with pytest.raises(AssertionError, match="raw"):
        assert_html_inert("<p><script>alert(1)</script></p>", ["<script>alert(1)</script>"])
    with pytest.raises(AssertionError, match="dangerous link"):
        assert_html_inert('<a href="javascript:alert(1)">javascript:alert(1)</a>', ["javascript:alert(1)"])
    with pytest.raises(AssertionError, match="not shown"):
        assert_html_inert("<p>nothing here</p>", ["Law No. 12"])


def test_json_check_refuses_nan() -> None:
    with pytest.raises(AssertionError, match="NaN"):
        assert_json_valid('{"v": NaN}')
