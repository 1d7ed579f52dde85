"""The registry library: the Python twin, two processes adding at once, a kill during an add."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import matrix_tools
from helpers_registry import NPT, write_versions
from matrix_tools.registry.refs import Reference, Selector, parse_reference
from matrix_tools.registry.store import Registry
from matrix_tools.writing.workbook import write_matrix_workbook

SRC = str(Path(matrix_tools.__file__).resolve().parents[1])


def test_the_python_twin_adds_lists_gets_and_tells_the_history(make_matrix, tmp_path):
    files = write_versions(make_matrix, tmp_path)
    with matrix_tools.Registry(tmp_path / "r.sqlite") as registry:
        added = [registry.add(f) for f in files]
        assert [a.version.ref for a in added] == ["TST@1", "TST@2", "TST@3", "TST@4"]
        assert all(a.new for a in added)
        assert [v.ref for v in registry.list("TST")] == ["TST@1", "TST@2", "TST@3", "TST@4"]
        matrix = registry.get("TST@2")
        assert matrix.text(*NPT) == "X"
        assert matrix.source is not None and matrix.source.path == "TST@2 (testland-v2.xlsx)"
        history = registry.history("TST")
        assert [s.counts()["marks_changed"] for s in history.steps] == [0, 1, 1, 1]


@pytest.mark.parametrize(("text", "expected"), [
    ("XTL@latest", Reference("XTL", Selector.LATEST)),
    ("xtl@Approved", Reference("XTL", Selector.APPROVED)),
    ("XTL@12", Reference("XTL", Selector.NUMBER, number=12)),
])
def test_references_are_parsed(text, expected):
    assert parse_reference(text) == expected
    assert str(parse_reference(text)) == str(expected)


@pytest.mark.parametrize("text", ["XTL@0", "XTL@2023-02-30", "XTL@soon", "XT@1", "XTL 1"])
def test_malformed_references_say_which_forms_exist(text):
    from matrix_tools.errors import UsageError

    with pytest.raises(UsageError) as info:
        parse_reference(text)
    assert "XTL@" in str(info.value) or "YYYY-MM-DD" in str(info.value) or "from 1" in str(info.value)


def test_a_file_named_like_a_reference_is_read_as_the_file(make_matrix, tmp_path, monkeypatch):
    from matrix_tools.registry.lookup import is_reference

    monkeypatch.chdir(tmp_path)
    write_matrix_workbook(tmp_path / "TST@1", make_matrix())
    assert not is_reference("TST@1")
    assert is_reference("TST@2")


def _adder_script(registry: Path, files: list[Path], start: Path) -> str:
    return textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {SRC!r})
        from pathlib import Path
        from matrix_tools.registry.store import Registry
        while not Path({str(start)!r}).exists():
            time.sleep(0.01)
        with Registry({str(registry)!r}) as r:
            for f in {[str(f) for f in files]!r}:
                r.add(f)
    """)


def test_two_processes_adding_at_once_number_every_version_once(make_matrix, tmp_path):
    files = []
    for i in range(8):
        path = tmp_path / f"v{i}.xlsx"
        write_matrix_workbook(path, make_matrix({("OP1.npt", "remarks"): f"version {i}"}))
        files.append(path)
    registry, start = tmp_path / "r.sqlite", tmp_path / "go"
    Registry(registry).close()  # created and migrated; the two writers race on the adds
    procs = [subprocess.Popen([sys.executable, "-c", _adder_script(registry, half, start)],
                              stderr=subprocess.PIPE)
             for half in (files[0::2], files[1::2])]
    start.touch()
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    with Registry(registry) as r:
        versions = r.versions("TST")
        assert sorted(v.number for v in versions) == list(range(1, 9))
        assert sorted(v.file_name for v in versions) == sorted(f.name for f in files)
        assert r.integrity() == []
        for v, f in ((v, tmp_path / v.file_name) for v in versions):
            assert r.read_bytes(v) == f.read_bytes()


def test_a_process_killed_during_an_add_leaves_a_consistent_registry(make_matrix, tmp_path):
    files = write_versions(make_matrix, tmp_path)
    registry, ready = tmp_path / "r.sqlite", tmp_path / "inside-the-transaction"
    with Registry(registry) as r:
        r.add(files[0])
    # The child stops in the middle of its add: version row and blob written, two values
    # written, inside the open transaction; then it is killed with SIGKILL (no clean-up runs).
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {SRC!r})
        from pathlib import Path
        from matrix_tools.registry import store

        original = store.iter_entry_rows
        def slow_rows(matrix):
            for i, row in enumerate(original(matrix)):
                if i == 2:
                    Path({str(ready)!r}).touch()
                    time.sleep(60)
                yield row
        store.iter_entry_rows = slow_rows
        with store.Registry({str(registry)!r}) as r:
            r.add({str(files[1])!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None, "the child ended before reaching the transaction"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with Registry(registry) as r:
        assert r.integrity() == []
        assert [v.ref for v in r.versions()] == ["TST@1"]  # the killed add left nothing
        again = r.add(files[1])  # and the next add works, numbered after the first
        assert again.new and again.version.ref == "TST@2"
        assert r.get("TST@2").text(*NPT) == "X"


def _statements(registry: Registry, job) -> int:
    seen: list[str] = []
    registry._conn.set_trace_callback(seen.append)
    try:
        job()
    finally:
        registry._conn.set_trace_callback(None)
    return len(seen)


def test_listing_and_coverage_cost_the_same_number_of_queries_for_any_number_of_versions(make_matrix, tmp_path):
    """Guard against a query per version (what makes a registry of 193 States x 10 versions slow)."""
    from matrix_tools.registry.coverage import coverage_over_time

    counts = []
    for n in (2, 8):
        with Registry(tmp_path / f"r{n}.sqlite") as registry:
            for i in range(n):
                path = tmp_path / f"n{n}-v{i}.xlsx"
                write_matrix_workbook(path, make_matrix({("OP1.npt", "remarks"): f"v{i}"}))
                registry.add(path)
            counts.append((_statements(registry, registry.versions),
                           _statements(registry, lambda r=registry: coverage_over_time(r))))
    assert counts[0] == counts[1]
