"""``matrix-tools consolidate`` end to end on real workbooks written to tmp_path."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from helpers_consolidate import write_states
from matrix_tools.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def folder(tmp_path, make_matrix):
    path = tmp_path / "returns"
    path.mkdir()
    write_states(path, make_matrix)
    return path


def test_a_folder_is_consolidated_to_csv_with_exit_0(folder, tmp_path):
    out = tmp_path / "all.csv"
    result = run("consolidate", folder, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Consolidated 3 States (2937 rows)" in result.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig")
    assert sorted(set(df["iso3"])) == ["AAA", "BBB", "CCC"]


def test_files_and_folders_can_be_mixed_and_lock_files_are_skipped(folder, tmp_path, make_matrix):
    (folder / "~$alpha.xlsx").write_bytes(b"lock")
    out = tmp_path / "all.xlsx"
    result = run("consolidate", folder / "alpha.xlsx", folder / "beta.xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Consolidated 2 States" in result.output
    assert run("consolidate", folder, "-o", out).exit_code == 0


def test_output_inside_the_searched_folder_is_not_read_on_the_next_run(folder):
    out = folder / "all.xlsx"
    assert run("consolidate", folder, "-o", out).exit_code == 0
    again = run("consolidate", folder, "-o", out)
    assert again.exit_code == 0, again.output
    assert "Consolidated 3 States" in again.output


def test_unreadable_files_are_reported_one_line_each_and_the_rest_consolidated(folder, tmp_path):
    (folder / "broken.xlsx").write_bytes(b"not a workbook at all")
    (folder / "empty.xlsx").write_bytes(b"")
    out = tmp_path / "all.csv"
    result = run("consolidate", folder, "-o", out)
    assert result.exit_code == 3
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2
    assert any("broken.xlsx" in e for e in errors) and any("empty.xlsx" in e for e in errors)
    assert "Consolidated 3 States" in result.output
    assert out.exists()


def test_two_files_claiming_one_state_stop_the_run_and_name_the_files(folder, tmp_path):
    (folder / "alpha-copy.xlsx").write_bytes((folder / "alpha.xlsx").read_bytes())
    out = tmp_path / "all.xlsx"
    result = run("consolidate", folder, "-o", out)
    assert result.exit_code == 3  # as batch: the inputs cannot be processed (issue 12)
    assert "2 files claim the State AAA" in result.output
    assert "alpha-copy.xlsx" in result.output and "alpha.xlsx" in result.output
    assert not out.exists()


def test_an_unknown_output_format_is_a_usage_error(folder, tmp_path):
    result = run("consolidate", folder, "-o", tmp_path / "all.ods")
    assert result.exit_code == 2
    assert ".xlsx, .csv or .parquet" in result.output


def test_an_input_given_as_output_is_refused_and_left_untouched(folder):
    target = folder / "alpha.xlsx"
    before = target.read_bytes()
    result = run("consolidate", target, folder / "beta.xlsx", "-o", target)
    assert result.exit_code == 2
    assert "refusing to write" in result.output
    assert target.read_bytes() == before


def test_a_folder_without_workbooks_is_a_usage_error_as_in_validate_and_batch(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "~$locked.xlsx").write_bytes(b"lock")
    for args in (["consolidate", empty, "-o", tmp_path / "all.xlsx"], ["validate", empty],
                 ["batch", empty, "-o", tmp_path / "reports"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "no files to check in" in result.output and "(1 lock-file)" in result.output, args
        assert len(result.output.strip().splitlines()) == 1, args
