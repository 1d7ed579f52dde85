"""A batch run survives what an inbox can hold (issue 13, classes 3 and 5: names and faults).

Every file is built by test code: workbooks whose ISO code is not one (``XTL.``, 300
letters, ``CON``), file names with line breaks, escapes, bytes that are not UTF-8, a symlink
loop, a configuration file dropped into the inbox; and faults: a second run into the same
output folder, a full disk, a file replaced while it is read, a damaged state.json, an output
folder that cannot be written, a run killed with SIGKILL.
"""

from __future__ import annotations

import dataclasses
import errno
import gc
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from matrix_tools.batching.inbox import report_dir_name
from matrix_tools.batching.lock import output_lock
from matrix_tools.batching.run import batch
from matrix_tools.batching.work import Checked, WorkContext, process_file
from matrix_tools.catalogue import load_catalogue
from matrix_tools.cli import cli
from matrix_tools.errors import InputError, OutputError
from matrix_tools.model import Catalogue, State, Value
from matrix_tools.reading import parse
from matrix_tools.writing.output import output_error, write_with
from matrix_tools.writing.template import blank_matrix
from matrix_tools.writing.workbook import write_matrix_workbook

GOOD = {("OP2.NW.manufacture", "status"): "X", ("OP2.NW.manufacture", "source"): "Criminal Code, Art. 12"}
INVALID = {("OP2.NW.manufacture", "status"): "Yes please"}  # not a mark: an error
ACTIVE = ("\x1b", "\r", "\x07", "\u202e")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def write_state(path: Path, catalogue: Catalogue, iso3: str, name: str,
                values: dict[tuple[str, str], str] | None = None) -> Path:
    """A State's workbook whose header holds any ISO text (the template writer would refuse it)."""
    matrix = blank_matrix(catalogue, "Placeholder", "XAA", date_of_report="12 October 2004")
    entries = dict(matrix.entries)
    for key, text in (values or GOOD).items():
        entries[key] = Value(text, entries[key].cell)
    header = dict(matrix.header)
    header["iso3"] = dataclasses.replace(header["iso3"], text=iso3)
    header["state"] = dataclasses.replace(header["state"], text=name)
    write_matrix_workbook(path, dataclasses.replace(matrix, entries=entries, header=header, state=State(name, iso3)))
    return path


def cli_batch(*args: str) -> Any:
    result = CliRunner().invoke(cli, ["batch", *args])
    assert "Traceback" not in result.output and "report it" not in result.output, result.output
    return result


# --- names ----------------------------------------------------------------------------------


def test_only_known_iso_codes_name_report_folders_and_keys_never_collide(tmp_path: Path, catalogue: Catalogue) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    write_state(inbox / "a.xlsx", catalogue, "XTL", "Testland")
    write_state(inbox / "b.xlsx", catalogue, "XTL.", "Testland with a dot", INVALID)
    write_state(inbox / "c.xlsx", catalogue, "X" * 300, "Three hundred letters", INVALID)
    write_state(inbox / "d.xlsx", catalogue, "CON", "A Windows device name", INVALID)
    out = tmp_path / "out"
    result = batch(inbox, output=out, jobs=1)
    folders = sorted(p.name for p in (out / "states").iterdir())
    assert len(folders) == 4, folders  # four keys, four folders: nobody overwrote anybody
    assert "XTL" in folders and "CON" not in folders and all(len(f) <= 60 for f in folders)
    assert all(f == "XTL" or f.startswith("other-") for f in folders)
    testland = json.loads((out / "states" / "XTL" / "validation.json").read_text(encoding="utf-8"))
    assert testland["files"][0]["path"].endswith("a.xlsx")  # XTL's own reports, not XTL.'s
    assert {e.status for e in result.entries if e.file != "a.xlsx"} == {"errors"}


@pytest.mark.parametrize("key", ["XTL.", ".XTL", "xtl", "XT", "X" * 300, "CON", "NUL", "../XTL", "XTL\n", "\udcff"])
def test_report_folder_of_a_key_that_is_not_an_iso_code_is_derived_and_safe(key: str) -> None:
    name = report_dir_name(key)
    assert name.startswith("other-") and len(name) <= 60
    assert name.isascii() and all(ch.isalnum() or ch in "-_" for ch in name)
    assert report_dir_name(key) == name and name != report_dir_name(key + "x")  # stable and distinct


def write_with_bytes_name(folder: Path, raw_name: bytes, data: bytes) -> None:
    with open(os.fsencode(folder) + b"/" + raw_name, "wb") as handle:
        handle.write(data)


def test_any_file_name_is_read_or_reported_on_its_own_line(tmp_path: Path, catalogue: Catalogue) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    write_state(inbox / "xaa.xlsx", catalogue, "XAA", "Aland")
    write_state(inbox / "line\nOK: exit code 0.xlsx", catalogue, "XAB", "Forged line")
    write_state(inbox / "esc\x1b]0;owned\x07\u202e.xlsx", catalogue, "XAC", "Escapes")
    write_with_bytes_name(inbox, b"not-utf8-\xff\xfe.xlsx", write_state(tmp_path / "x.xlsx", catalogue, "XAD", "Bytes")
                          .read_bytes())
    os.symlink("loop.xlsx", inbox / "loop.xlsx")  # a symlink loop
    os.symlink("missing.xlsx", inbox / "dangling.xlsx")
    out = tmp_path / "out"
    result = cli_batch(str(inbox), "-o", str(out), "--jobs", "1")
    # The links that lead nowhere are refused, each on its own line (exit 3: nothing is
    # skipped silently, issue 12); the run goes on and reads every other file whatever its name.
    assert result.exit_code == 3, result.output
    document = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    read = {s["state"]["iso3"] for s in document["states"] if s["status"] == "ok"}
    assert read == {"XAA", "XAB", "XAC", "XAD"}, document["states"]
    refused = {s["file"]: s["error"]["code"] for s in document["states"] if s["status"] == "unreadable"}
    assert refused == {"loop.xlsx": "input-unreadable", "dangling.xlsx": "input-not-found"}
    lines = result.output.splitlines()
    assert sum("loop.xlsx" in line for line in lines if line.startswith("  Not readable")) == 1
    assert not any(line.startswith("OK: exit code 0") for line in lines)  # no forged line
    assert (out / "summary.xlsx").stat().st_size > 0
    lines = result.output.splitlines()
    assert sum(line.strip() == "OK: exit code 0." for line in lines) <= 1  # at most the run's own verdict
    assert not any(ch in result.output for ch in ACTIVE)
    assert "esc\\x1b]0;owned\\x07\\u202e.xlsx" in result.output  # the name, shown escaped


def test_a_configuration_file_in_the_inbox_changes_nothing(tmp_path: Path, catalogue: Catalogue) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    write_state(inbox / "xbb.xlsx", catalogue, "XBB", "Bebland", INVALID)
    (inbox / "matrix-tools.json").write_text(json.dumps({"rules": {"marks": False}, "severity": {"mark-invalid": "off"}}),
                                            encoding="utf-8")
    result = batch(inbox, jobs=1)
    assert result.entries[0].status == "errors"  # the State's own "switch the checks off" was not obeyed
    assert any(item["file"] == "matrix-tools.json" and "not used" in item["reason"] for item in result.skipped)
    operator = tmp_path / "operator.json"
    operator.write_text(json.dumps({"severity": {"mark-invalid": "warning"}}), encoding="utf-8")
    assert batch(inbox, jobs=1, config=operator).entries[0].status == "warnings"  # --config still works


# --- faults ---------------------------------------------------------------------------------


def test_a_second_run_into_the_same_output_folder_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    write_state(inbox / "xaa.xlsx", catalogue, "XAA", "Aland")
    out = tmp_path / "out"
    out.mkdir()
    staging = out / ".staging-of-the-first-run"
    staging.mkdir()
    with output_lock(out):  # the first run, still writing
        with pytest.raises(OutputError) as caught:
            batch(inbox, output=out, jobs=1)
        result = cli_batch(str(inbox), "-o", str(out))
    assert caught.value.code == "output-locked" and "another batch run" in str(caught.value)
    assert result.exit_code == 2 and "another batch run is writing into" in result.output
    assert staging.is_dir()  # the first run's staging folder was left alone
    assert batch(inbox, output=out, jobs=1).exit_code == 0  # the lock goes with the run


def test_an_output_folder_that_cannot_be_written_is_one_clear_line(tmp_path: Path, catalogue: Catalogue,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    write_state(inbox / "xaa.xlsx", catalogue, "XAA", "Aland")
    real_open = os.open

    def read_only(path: Any, flags: int, *args: Any) -> int:
        if str(path).startswith(str(tmp_path / "out")) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    result = cli_batch(str(inbox), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "the folder is on a read-only disk" in result.output and len(result.output.strip().splitlines()) == 1


def disk_full_worker(path: str, ctx: WorkContext) -> dict[str, Any]:
    """A worker whose report write meets a full disk (top level: it runs in a child)."""
    raise output_error(Path(ctx.staging or ".") / "validation.json", OSError(errno.ENOSPC, "No space left on device"))


def test_a_full_disk_stops_the_run_with_one_line_and_blames_no_submission(tmp_path: Path, catalogue: Catalogue) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i, iso in enumerate(("XAA", "XAB", "XAC")):
        write_state(inbox / f"{iso.lower()}-{i}.xlsx", catalogue, iso, f"State {i}")
    with pytest.raises(OutputError) as caught:
        batch(inbox, output=tmp_path / "out", jobs=1, worker=disk_full_worker)
    assert caught.value.code == "output-disk-full" and "the disk is full" in str(caught.value)
    assert not (tmp_path / "out" / "summary.json").exists()  # no summary blaming the files
    assert not list((tmp_path / "out").glob(".staging-*"))


def test_a_full_disk_while_an_xlsx_is_written_leaves_no_zipfile_traceback(tmp_path: Path) -> None:
    class FullDisk(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def writer(tmp: Path) -> None:
        archive = zipfile.ZipFile(io.BufferedWriter(FullDisk(), buffer_size=1 << 20), "w")  # type: ignore[arg-type]
        archive.writestr("xl/workbook.xml", b"x" * 100)
        raise OSError(errno.ENOSPC, "No space left on device")

    unraisable: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        with pytest.raises(OutputError) as caught:
            write_with(tmp_path / "report.xlsx", writer)
        caught.value.__context__ = None  # drop the OSError: its frames hold the ZipFile
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert "the disk is full" in str(caught.value) and "report.xlsx" in str(caught.value)
    assert unraisable == [], [u.exc_value for u in unraisable]
    assert not list(tmp_path.glob("*.part*"))  # the temporary file is gone


def replacing_worker(path: str, ctx: WorkContext) -> Checked:
    """Replaces the submission just before reading it (top level: it runs in a child)."""
    other = Path(path).with_name("replacement.bin")
    os.replace(other, path)
    return process_file(path, ctx)


def test_results_are_stored_under_the_hash_of_what_was_read(tmp_path: Path, catalogue: Catalogue) -> None:
    import hashlib

    inbox = tmp_path / "in"
    inbox.mkdir()
    write_state(inbox / "xaa.xlsx", catalogue, "XAA", "Aland", INVALID)
    replacement = write_state(tmp_path / "replacement.xlsx", catalogue, "XAA", "Aland", GOOD).read_bytes()
    (inbox / "replacement.bin").write_bytes(replacement)  # not a workbook name: skipped by the run
    out = tmp_path / "out"
    result = batch(inbox, output=out, jobs=1, worker=replacing_worker)
    entry = next(e for e in result.entries if e.file == "xaa.xlsx")
    assert entry.status != "errors"  # the replacement (no invalid mark) was what was read ...
    assert entry.sha256 == hashlib.sha256(replacement).hexdigest()  # ... and its hash is what was stored
    state = json.loads((out / "state.json").read_text(encoding="utf-8"))
    assert state["files"]["xaa.xlsx"]["entry"]["sha256"] == entry.sha256


def test_a_file_that_changes_while_it_is_read_is_refused(tmp_path: Path, catalogue: Catalogue,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_state(tmp_path / "xaa.xlsx", catalogue, "XAA", "Aland")
    other = write_state(tmp_path / "other.xlsx", catalogue, "XAB", "Other").read_bytes()
    real_read_grid = parse.read_grid

    def read_then_change(*args: Any, **kwargs: Any) -> Any:
        grid = real_read_grid(*args, **kwargs)
        path.write_bytes(other)  # e.g. still being copied into the inbox
        return grid

    monkeypatch.setattr(parse, "read_grid", read_then_change)
    with pytest.raises(InputError) as caught:
        parse.load_matrix(path, catalogue)
    assert caught.value.code == "input-changed" and "changed while it was being read" in str(caught.value)


@pytest.mark.parametrize("content", [
    "not json at all {",
    "[1, 2, 3]",
    '{"format": 1, "files": [1, 2], "baselines": "x"}',
    '{"format": 1, "files": {"xaa.xlsx": {"entry": {"file": 1}}}, "fingerprint": null}',
    '{"format": 1, "files": {"xaa.xlsx": {"entry": null, "junit": 5}}}',
    '{"format": 1, "files": {"xaa.xlsx": "text"}, "baselines": {"b.xlsx": [1]}}',
], ids=["not json", "a list", "wrong types", "entry incomplete", "entry null", "record is text"])
def test_a_damaged_state_file_is_rebuilt_never_a_traceback(tmp_path: Path, catalogue: Catalogue, content: str) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    write_state(inbox / "xaa.xlsx", catalogue, "XAA", "Aland")
    out = tmp_path / "out"
    assert batch(inbox, output=out, jobs=1).exit_code == 0
    state = json.loads((out / "state.json").read_text(encoding="utf-8"))
    damaged = json.loads(content) if content.startswith("{") else None
    if isinstance(damaged, dict) and damaged.get("fingerprint", "") is not None:
        damaged["fingerprint"] = state["fingerprint"]  # so the damaged records are really looked at
        content = json.dumps(damaged)
    (out / "state.json").write_text(content, encoding="utf-8")
    result = cli_batch(str(inbox), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads((out / "state.json").read_text(encoding="utf-8"))["files"]["xaa.xlsx"]["entry"]["status"] == "ok"


CHILD_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from matrix_tools.batching.run import batch

    def slow_worker(path, ctx):
        Path(sys.argv[2], f"child-{os.getpid()}").write_text("started")
        time.sleep(60)
        return {}

    if __name__ == "__main__":
        batch(sys.argv[1], output=sys.argv[3], jobs=2, worker=slow_worker, timeout=120)
""")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ", 1)[1][0] not in "ZX"
    except (FileNotFoundError, IndexError):
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see the children")
def test_reader_children_die_with_a_killed_run(tmp_path: Path, catalogue: Catalogue) -> None:
    inbox, marks, out = tmp_path / "in", tmp_path / "marks", tmp_path / "out"
    inbox.mkdir()
    marks.mkdir()
    for iso in ("XAA", "XAB"):
        write_state(inbox / f"{iso.lower()}.xlsx", catalogue, iso, iso)
    script = tmp_path / "run_batch.py"
    script.write_text(CHILD_SCRIPT, encoding="utf-8")
    run = subprocess.Popen([sys.executable, str(script), str(inbox), str(marks), str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        children = [int(p.name.split("-")[1]) for p in marks.iterdir()]
        assert children, "the run started no reader child"
        run.send_signal(signal.SIGKILL)
        run.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(pid) for pid in children), "a reader child outlived the killed run"
    finally:
        if run.poll() is None:
            run.kill()


def test_a_missing_inbox_creates_no_output_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        batch(tmp_path / "no-such-inbox", output=tmp_path / "out")
    assert not (tmp_path / "out").exists()
