"""Folder scanning and hashing (matrix_tools.submissions): every entry read or skipped with a reason."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matrix_tools.errors import InputError, UsageError
from matrix_tools.submissions import (
    check_input_file,
    check_input_folder,
    expand_inputs,
    read_sha256,
    require_files,
    scan_folder,
)


def test_every_file_is_read_whatever_its_extension_and_only_named_entries_are_skipped(tmp_path: Path) -> None:
    for name in ("b.xlsx", "a.XLSX", "c.xlsm", "d.xls", "e.ods", "f.pdf", "g.docx", "notes.txt", "no-extension",
                 "~$b.xlsx", ".DS_Store", ".b.xlsx.k3j2.part.xlsx", "b.annotated.xlsx", "matrix-tools.json",
                 "Thumbs.db", "desktop.ini"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "archive").mkdir()
    inbox = scan_folder(tmp_path)
    assert [p.name for p in inbox.files] == ["a.XLSX", "b.xlsx", "c.xlsm", "d.xls", "e.ods", "f.pdf", "g.docx",
                                             "no-extension", "notes.txt"]
    assert {s.file: s.code for s in inbox.skipped} == {
        "~$b.xlsx": "lock-file", ".DS_Store": "hidden-file", ".b.xlsx.k3j2.part.xlsx": "unfinished-output",
        "b.annotated.xlsx": "own-output", "matrix-tools.json": "configuration", "archive": "folder",
        "Thumbs.db": "hidden-file", "desktop.ini": "hidden-file",
    }
    assert all(s.reason for s in inbox.skipped)


def test_this_runs_outputs_inside_the_folder_are_skipped_as_ours(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "all.xlsx").write_bytes(b"x")
    (tmp_path / "reports").mkdir()
    inbox = scan_folder(tmp_path, ignore=[tmp_path / "all.xlsx", tmp_path / "reports"])
    assert [p.name for p in inbox.files] == ["a.xlsx"]
    assert [(s.file, s.code) for s in inbox.skipped] == [("all.xlsx", "own-output"), ("reports", "own-output")]


def test_files_given_by_name_are_kept_as_given_and_folders_are_scanned(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.xlsx").write_bytes(b"x")
    (tmp_path / "in" / "~$x.xlsx").write_bytes(b"x")
    lone = tmp_path / "lone.xls"
    lone.write_bytes(b"x")
    inbox = expand_inputs([lone, tmp_path / "in", tmp_path / "missing.xlsx"])
    assert inbox.files == (lone, tmp_path / "in" / "x.xlsx", tmp_path / "missing.xlsx")
    assert [s.as_dict()["code"] for s in inbox.skipped] == ["lock-file"]


def test_a_folder_with_nothing_to_read_is_a_usage_error_that_counts_what_was_skipped(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="the folder is empty"):
        require_files(scan_folder(tmp_path), [tmp_path])
    (tmp_path / "~$a.xlsx").write_bytes(b"x")
    (tmp_path / ".hidden").write_bytes(b"x")
    with pytest.raises(UsageError, match=r"all 2 entries are skipped \(1 hidden-file, 1 lock-file\)"):
        require_files(scan_folder(tmp_path), [tmp_path])


def test_a_folder_for_a_file_and_a_file_for_a_folder_are_usage_errors_a_missing_one_an_input_error(
    tmp_path: Path,
) -> None:
    afile = tmp_path / "a.xlsx"
    afile.write_bytes(b"x")
    assert check_input_file(afile) == afile and check_input_folder(tmp_path) == tmp_path
    with pytest.raises(UsageError, match="is a folder, not a file") as folder:
        check_input_file(tmp_path)
    with pytest.raises(UsageError, match="is a file, not a folder") as file:
        check_input_folder(afile)
    assert folder.value.exit_code == file.value.exit_code == 2
    with pytest.raises(InputError, match="no such file") as missing:
        check_input_file(tmp_path / "nope.xlsx")
    with pytest.raises(InputError, match="no such folder"):
        check_input_folder(tmp_path / "nope")
    assert missing.value.exit_code == 3 and missing.value.code == "input-not-found"


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=3 * (1 << 20) // 2))
def test_the_hash_is_the_sha256_of_the_whole_content_across_chunks(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("h") / "f.bin"
    path.write_bytes(data)
    assert read_sha256(path) == (hashlib.sha256(data).hexdigest(), len(data))


def test_the_hash_of_a_large_file_crosses_chunk_boundaries(tmp_path: Path) -> None:
    data = bytes(range(256)) * (5 * 4096 + 7)  # ~5 MB: several 1 MB chunks and a partial one
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    assert read_sha256(path) == (hashlib.sha256(data).hexdigest(), len(data))
