"""``matrix-tools template`` through the command line."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

from matrix_tools.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_template_writes_the_workbook_and_says_so_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "testland.xlsx"
    result = run("template", "--state", "Republic of Testland", "--iso3", "xtl", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote template for Republic of Testland (XTL): 11 tables, 382 mark fields -> {out}\n"
    )
    assert openpyxl.load_workbook(out)["About"]["B5"].value == "XTL"


def test_dates_and_additional_reports_reach_the_about_sheet(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = run(
        "template", "--state", "Testland", "--iso3", "XTL", "--date-of-report", "12 October 2004",
        "--additional-report", "21 December 2007", "--additional-report", "2005-09-13", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["About"]
    assert (ws["B6"].value, ws["B7"].value) == (
        "12 October 2004",
        "13 September 2005; 21 December 2007",
    )


def test_bad_iso3_is_a_usage_error_in_one_line(tmp_path: Path) -> None:
    result = run("template", "--state", "Testland", "--iso3", "XT1", "-o", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("Error: --iso3 'XT1'")
    assert not list(tmp_path.iterdir())


def test_missing_output_folder_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "no such folder" / "t.xlsx"
    result = run("template", "--state", "Testland", "--iso3", "XTL", "-o", str(out))
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_an_existing_output_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"old")
    result = run("template", "--state", "Testland", "--iso3", "XTL", "-o", str(out))
    assert result.exit_code == 0
    assert result.output.rstrip().endswith("(replaced the earlier file)")
    assert out.read_bytes()[:2] == b"PK"


def test_without_iso3_the_cell_is_blank_and_a_note_says_so(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "--state", "Testland", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout.startswith("Wrote template for Testland: 11 tables")
    assert "no --iso3" in result.stderr
    assert openpyxl.load_workbook(out)["About"]["B5"].value is None


def test_broken_catalogue_is_an_input_error(tmp_path: Path) -> None:
    broken = tmp_path / "cat.json"
    broken.write_text("{not json", encoding="utf-8")
    result = run(
        "template",
        "--state",
        "Testland",
        "--catalogue",
        str(broken),
        "-o",
        str(tmp_path / "t.xlsx"),
    )
    assert result.exit_code == 3
    assert "not valid JSON" in result.output


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = run(
        "template", "--state", "T", "--date-of-report", "soon", "-o", str(tmp_path / "t.xlsx")
    )
    assert result.exit_code == 2
    assert "is not a date" in result.output


def _refused(tmp_path: Path, *options: str) -> str:
    out = tmp_path / "t.xlsx"
    result = run("template", "--state", "Testland", *options, "-o", str(out))
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert not out.exists()  # judged before anything is written
    return result.output


def test_what_validate_calls_wrong_is_refused_in_validates_words(tmp_path: Path) -> None:
    from matrix_tools.validation.findings import load_finding_catalogue

    words = {code: load_finding_catalogue().types[code].message.split("{")[0] for code in (
        "iso3-invalid", "date-in-future", "approval-before-report", "additional-report-before-first")}
    cases = {
        "iso3-invalid": ("--iso3", "ABC"),
        "date-in-future": ("--iso3", "XTL", "--date-of-report", "1 January 2999"),
        "approval-before-report": ("--date-of-report", "12 October 2004", "--approval", "2004-10-01"),
        "additional-report-before-first": ("--date-of-report", "12 October 2004", "--additional-report", "1 May 2004"),
    }
    for code, options in cases.items():
        output = _refused(tmp_path, *options)
        assert f"[{code}]" in output and words[code] in output, output
        assert output.startswith(f"Error: {options[-2]}: "), output  # names the option to correct


def test_an_ambiguous_numeric_date_is_refused_with_both_readings_and_a_clear_way_to_write_it(tmp_path: Path) -> None:
    output = _refused(tmp_path, "--date-of-report", "12/10/2004")
    assert "12 October 2004 or 10 December 2004" in output
    assert '"12 October 2004"' in output and "2004-10-12" in output


def test_unambiguous_numeric_dates_and_user_assigned_codes_are_accepted(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = run("template", "--state", "Testland", "--iso3", "XTL", "--date-of-report", "25.10.2004",
                 "--approval", "2005-01-01", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out)["About"]["B6"].value == "25 October 2004"
