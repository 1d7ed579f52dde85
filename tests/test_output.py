"""Outputs are written atomically and never over an input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from matrix_tools.errors import OutputError
from matrix_tools.writing.output import write_text, write_with


def test_output_replaces_only_when_complete(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("earlier report")

    def failing(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_with(target, failing)
    assert target.read_text() == "earlier report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary file left


def test_output_refuses_an_input_path(tmp_path):
    source = tmp_path / "matrix.xlsx"
    source.write_bytes(b"original")
    with pytest.raises(OutputError, match="one of the input files"):
        write_text(tmp_path / "." / "matrix.xlsx", "x", inputs=[source])
    assert source.read_bytes() == b"original"


def test_output_in_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_text(tmp_path / "nope" / "r.md", "x")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_output_gets_ordinary_permissions(tmp_path):
    path = write_text(tmp_path / "r.md", "x")
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode & 0o044  # readable by group/others under a usual umask


def test_a_full_disk_inside_a_writers_own_error_is_one_line_naming_the_output(tmp_path: Path) -> None:
    import errno

    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    def writer(tmp: Path) -> None:
        workbook = xlsxwriter.Workbook(str(tmp))
        workbook.add_worksheet("Sheet").write_string(0, 0, "text")
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:  # what xlsxwriter's close() does with the system's error
            raise FileCreateError(exc) from exc

    with pytest.raises(OutputError) as caught:
        write_with(tmp_path / "changes.xlsx", writer)
    assert caught.value.code == "output-disk-full"
    assert str(caught.value) == f"cannot write {tmp_path / 'changes.xlsx'}: the disk is full: free some space and run again"
    assert not list(tmp_path.iterdir())  # no temporary file left behind


def test_an_error_that_is_not_the_systems_is_not_dressed_as_an_output_fault(tmp_path: Path) -> None:
    def writer(tmp: Path) -> None:
        raise ValueError("a bug in a renderer")

    with pytest.raises(ValueError):
        write_with(tmp_path / "report.xlsx", writer)
