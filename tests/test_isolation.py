"""A reader that crashes, exhausts memory or hangs in a child process never takes the batch down."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from matrix_tools.batching.isolation import iter_isolated, run_isolated
from matrix_tools.errors import EXIT_INPUT, InputError, UnsafeInputError

POSIX = sys.platform != "win32"


# Top-level so the child process can import them by name.
def double(value: int) -> int:
    return value * 2


def crash(_: object = None) -> None:
    os.abort()  # what python-calamine does on a dense-grid bomb


def hog(_: object = None) -> int:
    blocks = [bytearray(256 * 1024 * 1024) for _ in range(16)]  # 4 GB, far above the limit
    return len(blocks)


def rust_alloc_abort(_: object = None) -> None:
    # What Rust's allocator does when RLIMIT_AS is hit: print to fd 2, then abort.
    os.write(2, b"memory allocation of 549755813888 bytes failed\n")
    os.abort()


def hang(_: object = None) -> None:
    time.sleep(60)


def refuse(path: str) -> None:
    raise UnsafeInputError("the file is empty", code="input-empty", path=path)


def fail_plainly(_: object = None) -> None:
    raise ValueError("a bug in the reader")


def check_real_file(path: str) -> str:
    from matrix_tools.reading.preflight import check_file

    return check_file(path).kind


def assert_one_line(error: BaseException) -> None:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text and text


def test_result_comes_back_from_the_child() -> None:
    assert run_isolated(double, 21, timeout=30, memory_mb=1024) == 42


def test_abort_in_the_child_becomes_reader_crashed() -> None:
    with pytest.raises(InputError) as caught:
        run_isolated(crash, timeout=30, memory_mb=1024, label="narnia.xlsx")
    assert caught.value.code == "reader-crashed"
    assert caught.value.exit_code == EXIT_INPUT
    assert str(caught.value).startswith("narnia.xlsx: the reader crashed")
    assert caught.value.path == "narnia.xlsx"
    assert "SIGABRT" in str(caught.value)
    assert_one_line(caught.value)


@pytest.mark.skipif(not POSIX, reason="RLIMIT_AS exists only on POSIX; Windows relies on the timeout")
def test_memory_exhaustion_in_the_child_becomes_reader_out_of_memory() -> None:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        run_isolated(hog, timeout=30, memory_mb=512)
    assert caught.value.code == "reader-out-of-memory"
    assert "512 MB" in str(caught.value)
    assert_one_line(caught.value)
    assert time.monotonic() - started < 10


def test_native_allocation_abort_is_reported_as_out_of_memory_and_kept_off_the_terminal(
        capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError) as caught:
        run_isolated(rust_alloc_abort, timeout=30, memory_mb=1024)
    assert caught.value.code == "reader-out-of-memory"
    assert "memory allocation of 549755813888 bytes failed" in str(caught.value)
    assert_one_line(caught.value)
    assert "memory allocation" not in capfd.readouterr().err


def test_a_hanging_reader_is_stopped_at_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        run_isolated(hang, timeout=1.0, memory_mb=1024)
    elapsed = time.monotonic() - started
    assert caught.value.code == "reader-timeout"
    assert "1 s" in str(caught.value)
    assert_one_line(caught.value)
    assert elapsed < 6


def test_the_readers_own_error_arrives_with_code_and_path() -> None:
    with pytest.raises(UnsafeInputError) as caught:
        run_isolated(refuse, "/data/empty.xlsx", timeout=30, memory_mb=1024)
    assert caught.value.code == "input-empty"
    assert str(caught.value) == "/data/empty.xlsx: the file is empty"


def test_a_plain_exception_is_re_raised_as_itself() -> None:
    with pytest.raises(ValueError, match="a bug in the reader"):
        run_isolated(fail_plainly, timeout=30, memory_mb=1024)


def test_one_bad_item_never_stops_the_others_and_order_is_kept() -> None:
    functions: list[Callable[..., object]] = [double, crash, hang, double, hog, refuse]
    items = [1, 2, 3, 4, 5, "x.xlsx"]
    outcomes: list[tuple[object, object]] = []
    started = time.monotonic()
    for func, item in zip(functions, items, strict=True):
        outcomes.extend(iter_isolated(func, [item], jobs=1, timeout=1.5, memory_mb=512))
    serial = time.monotonic() - started
    assert [item for item, _ in outcomes] == items
    assert outcomes[0][1] == 2 and outcomes[3][1] == 8
    codes = [getattr(outcome, "code", None) for _, outcome in outcomes]
    assert codes[1:3] == ["reader-crashed", "reader-timeout"]
    assert codes[4] == ("reader-out-of-memory" if POSIX else "reader-timeout")
    assert codes[5] == "input-empty"
    assert serial < 20


def test_parallel_children_keep_the_input_order() -> None:
    items = list(range(6))
    started = time.monotonic()
    results = list(iter_isolated(double, items, jobs=3, timeout=30, memory_mb=1024))
    assert results == [(i, i * 2) for i in items]
    assert time.monotonic() - started < 15


def test_crash_and_hang_among_parallel_items_are_reported_per_item() -> None:
    # One function for all items; the item decides the behaviour.
    results = dict(iter_isolated(behave, ["ok", "crash", "hang", "ok2"], jobs=2, timeout=1.5, memory_mb=1024))
    assert results["ok"] == "ok" and results["ok2"] == "ok2"
    assert getattr(results["crash"], "code", None) == "reader-crashed"
    assert getattr(results["crash"], "path", None) == "crash"  # the item names the failure
    assert getattr(results["hang"], "code", None) == "reader-timeout"


def behave(kind: str) -> str:
    if kind == "crash":
        os.abort()
    if kind == "hang":
        time.sleep(60)
    return kind


def test_preflight_runs_isolated_on_real_files(tmp_path: Path) -> None:
    from hostile import minimal_xlsx_parts, write_zip

    good = write_zip(tmp_path / "good.xlsx", minimal_xlsx_parts())
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    results = list(iter_isolated(check_real_file, [str(good), str(empty)], jobs=2, timeout=30, memory_mb=1024))
    assert results[0] == (str(good), "xlsx")
    assert getattr(results[1][1], "code", None) == "input-empty"


def test_a_real_matrix_comes_back_from_the_child_intact() -> None:
    from matrix_tools.reading.parse import load_matrix
    from matrix_tools.resources import schema_file

    assert schema_file("catalogue-1540.json").is_file()  # found the same way in the child
    sample = Path(__file__).resolve().parents[1] / "samples" / "examplia.xlsx"
    if not sample.is_file():
        pytest.fail("samples/examplia.xlsx is missing (helper A's sample)")
    direct = load_matrix(sample)
    isolated = run_isolated(load_matrix, str(sample), timeout=60, memory_mb=2048)
    assert isolated.entries == direct.entries
    assert isolated.header == direct.header
    assert isolated.state == direct.state


def test_children_spawn_with_the_parents_path_when_the_current_folder_holds_another_copy(
    tmp_path, monkeypatch
) -> None:
    """After a plain ``pip install .`` run inside the checkout, a fork server started as
    ``python -c`` would import the checkout's source folder instead of the parent's package."""
    from matrix_tools.batching import isolation

    monkeypatch.chdir(tmp_path)
    assert not isolation.shadowed_by_cwd()
    (tmp_path / "matrix_tools").mkdir()
    (tmp_path / "matrix_tools" / "__init__.py").write_text("", encoding="utf-8")
    assert isolation.shadowed_by_cwd()
    assert isolation._context().get_start_method() == "spawn"
    monkeypatch.chdir(Path(isolation.__file__).resolve().parents[2])  # the folder that holds our own copy
    assert not isolation.shadowed_by_cwd()
