"""The same mistake gets the same exit code and words in every command (issue 12, item 5)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from matrix_tools.cli import cli
from matrix_tools.model import Catalogue
from test_batch import GOOD, write_state


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def work(tmp_path: Path, catalogue: Catalogue) -> dict[str, Path]:
    folder = tmp_path / "returns"
    folder.mkdir()
    good = write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    return {"folder": folder, "good": good, "out": tmp_path / "out", "tmp": tmp_path}


def test_a_folder_given_for_a_file_is_a_usage_error_in_one_line_everywhere(work: dict[str, Path]) -> None:
    folder, good, tmp = work["folder"], work["good"], work["tmp"]
    commands = [
        ("export", folder),
        ("diff", folder, good),
        ("diff", good, folder),
        ("merge", folder, good, good, "-o", tmp / "m.xlsx"),
        ("template", "--state", "Testland", "--catalogue", folder, "-o", tmp / "t.xlsx"),
        ("validate", good, "--config", folder),
        ("batch", folder, "--config", folder),
    ]
    for args in commands:
        code, output = run(*args)
        assert code == 2, (args, output)
        assert output.startswith("Error: ") and "is a folder, not a file" in output, (args, output)
        assert output.count("\n") == 1, (args, output)


def test_a_file_given_for_a_folder_is_a_usage_error_in_one_line(work: dict[str, Path]) -> None:
    for args in (("batch", work["good"]), ("batch", work["folder"], "--baseline", work["good"])):
        code, output = run(*args)
        assert code == 2 and output.startswith("Error: ") and "is a file, not a folder" in output, (args, output)
        assert output.count("\n") == 1


def test_a_missing_input_is_exit_3_with_the_same_words(work: dict[str, Path]) -> None:
    missing, good = work["tmp"] / "missing.xlsx", work["good"]
    for args in (("export", missing), ("diff", missing, good), ("merge", good, missing, good, "-o", work["tmp"] / "m.xlsx"),
                 ("validate", missing), ("consolidate", missing, "-o", work["tmp"] / "all.csv")):
        code, output = run(*args)
        assert code == 3, (args, output)
        assert str(missing) in output and "no such file: check the name and the folder" in output, (args, output)
    code, output = run("batch", work["tmp"] / "missing")
    assert code == 3 and "no such folder" in output


def test_a_folder_given_for_an_output_file_is_refused_before_anything_is_read(work: dict[str, Path]) -> None:
    good, out = work["good"], work["tmp"] / "a-folder"
    out.mkdir()
    for args in (("export", good, "-o", out), ("validate", good, "-o", out), ("diff", good, good, "-o", out),
                 ("merge", good, good, good, "-o", out), ("consolidate", good, "-o", out),
                 ("template", "--state", "Testland", "-o", out), ("batch", work["folder"], "--junit", out)):
        code, output = run(*args)
        assert code == 2, (args, output)
        assert output.startswith("Error: ") and "is a folder" in output, (args, output)


def test_two_files_for_one_state_are_refused_with_exit_3_and_the_same_words_in_consolidate_and_batch(
    work: dict[str, Path],
) -> None:
    folder = work["folder"]
    shutil.copy(work["good"], folder / "xaa-copy.xlsx")
    code, output = run("consolidate", folder, "-o", work["tmp"] / "all.xlsx")
    assert code == 3 and "2 files claim the State XAA" in output and "none of them was used" in output
    assert not (work["tmp"] / "all.xlsx").exists()
    code, output = run("batch", folder)
    assert code == 3 and "2 files claim the State XAA" in output and "none of them was used" in output
