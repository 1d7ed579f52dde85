"""The Python API at the prompt: short reprs, the usual exceptions, to_dict() = the command's JSON, save()."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest

import matrix_tools
from conftest import build_matrix
from helpers_diff import BASE_ENTRIES, write_pair
from helpers_merge import three_versions
from matrix_tools.errors import InputError, OutputError
from matrix_tools.resources import load_schema
from matrix_tools.validation.findings import Severity
from matrix_tools.writing.workbook import write_matrix_workbook

SCREEN = 200  # characters: one line at the prompt


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    new_entries = dict(BASE_ENTRIES)
    new_entries[("OP1.npt", "status")] = "?"
    new_entries[("OP1.npt", "info")] = "Ratification 5 March 1970, see annex"
    return write_pair(tmp_path, BASE_ENTRIES, new_entries)


def test_repr_of_a_matrix_is_one_line_with_its_counts(pair):
    matrix = matrix_tools.load_matrix(pair[1])
    text = repr(matrix)
    assert len(text) < SCREEN and "\n" not in text
    filled = sum(1 for v in matrix.entries.values() if v.text)
    assert text.startswith("<Matrix of Republic of Testland (TST):")
    assert f"{filled} of {len(matrix.entries)} cells filled" in text and "'new.xlsx'" in text


def test_repr_of_a_diff_counts_the_changes(pair):
    result = matrix_tools.diff(*pair)
    text = repr(result)
    assert len(text) < SCREEN
    assert text == ("<DiffResult 'old.xlsx' -> 'new.xlsx': 2 changes (2 cells, 0 header items, "
                    "0 rows outside the template), 0 cosmetic edits>")


def test_repr_of_a_validation_result_gives_the_counts_per_severity(pair):
    result = matrix_tools.validate(pair[0])
    counts = result.counts

    def words(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    assert repr(result) == (
        f"<ValidationResult 'old.xlsx': {'valid' if result.valid else 'not valid'}; "
        f"{words(counts['error'], 'error')}, {words(counts['warning'], 'warning')}, {words(counts['info'], 'note')}>"
    )


def test_repr_of_a_merge_result_counts_applied_and_conflicts(make_matrix):
    result = matrix_tools.merge(*three_versions(make_matrix))
    text = repr(result)
    assert len(text) < SCREEN
    assert text == (
        f"<MergeResult for Republic of Testland (TST): {len(result.applied)} changes applied, "
        f"{len(result.conflicts)} conflict{'' if len(result.conflicts) == 1 else 's'} (kept ours)>"
    )


def test_validating_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        matrix_tools.validate(tmp_path / "missing.xlsx")
    assert isinstance(caught.value, InputError)  # and still the project's error, exit code 3
    assert caught.value.exit_code == 3 and "no such file" in str(caught.value)


def test_validating_a_folder_gives_one_result_per_workbook_as_the_command(tmp_path):
    write_matrix_workbook(tmp_path / "a.xlsx", build_matrix({("OP1.npt", "status"): "X"}))
    (tmp_path / "b.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    results = matrix_tools.validate(tmp_path)
    assert isinstance(results, list)
    assert [Path(r.path).name for r in results] == ["a.xlsx", "b.xlsx"]
    assert results[0].error is None and results[1].error is not None


def test_severities_print_as_people_read_them():
    assert str(Severity.INFO) == "info" and f"{Severity.ERROR}" == "error"


def test_each_to_dict_follows_the_json_schema_of_its_command(pair, make_matrix, tmp_path):
    diff = matrix_tools.diff(*pair)
    jsonschema.validate(diff.to_dict(), load_schema("diff.schema.json"))
    assert [p["topic"] for p in diff.to_dict()["consultation"]] == ["Mark downgraded to ?"]
    validation = matrix_tools.validate(pair[0])
    jsonschema.validate(validation.to_dict(), load_schema("validate.schema.json"))
    merged = matrix_tools.merge(*three_versions(make_matrix))
    jsonschema.validate(json.loads(json.dumps(merged.to_dict())), load_schema("merge.schema.json"))


def test_save_writes_each_diff_report_the_command_writes(pair, tmp_path):
    result = matrix_tools.diff(*pair)
    for name in ("changes.xlsx", "changes.html", "changes.md", "changes.json", "changes.txt"):
        assert matrix_tools.save(result, tmp_path / name) == tmp_path / name
    assert openpyxl.load_workbook(tmp_path / "changes.xlsx").sheetnames[:3] == ["Summary", "Changes", "For consultation"]
    assert json.loads((tmp_path / "changes.json").read_text()) == json.loads(json.dumps(result.to_dict()))
    assert "2 changes: 2 cells" in (tmp_path / "changes.txt").read_text()
    assert "<html" in (tmp_path / "changes.html").read_text()


def test_save_writes_the_merged_workbook_and_the_validation_reports(make_matrix, pair, tmp_path):
    merged = matrix_tools.merge(*three_versions(make_matrix))
    matrix_tools.save(merged, tmp_path / "merged.xlsx")
    assert "Conflicts" in openpyxl.load_workbook(tmp_path / "merged.xlsx").sheetnames
    validation = matrix_tools.validate(pair[0])
    matrix_tools.save(validation, tmp_path / "findings.json")
    assert json.loads((tmp_path / "findings.json").read_text())["files"][0]["path"] == str(pair[0])
    matrix_tools.save(validation, tmp_path / "annotated.xlsx")
    assert "Findings" in openpyxl.load_workbook(tmp_path / "annotated.xlsx").sheetnames


def test_save_refuses_an_unknown_format_and_names_the_ones_that_work(pair, tmp_path):
    result = matrix_tools.diff(*pair)
    with pytest.raises(OutputError, match=r"\.xlsx, \.txt, \.json, \.md, \.html"):
        matrix_tools.save(result, tmp_path / "changes.pdf")
    assert not (tmp_path / "changes.pdf").exists()
    with pytest.raises(OutputError, match="save takes the result of"):
        matrix_tools.save("text", tmp_path / "x.txt")


def test_save_never_writes_over_an_input(pair):
    result = matrix_tools.diff(*pair)
    before = pair[1].read_bytes()
    with pytest.raises(OutputError):
        matrix_tools.save(result, pair[1])
    assert pair[1].read_bytes() == before
