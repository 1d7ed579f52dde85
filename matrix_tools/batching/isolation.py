"""Run a reader in a child process with memory and time limits, so one file cannot end a batch.

python-calamine aborts the whole process on some small crafted files (a cell at XFD1048576,
a huge ``uniqueCount``: tafia/calamine #693, #684), and no parser is proven free of memory
or time bombs. In batch runs each file is therefore read in its own child process:

- ``run_isolated(func, *args, timeout=, memory_mb=)``: one call, one child; returns what
  ``func`` returns, re-raises what it raises, and turns a crash, memory exhaustion or
  timeout into ``InputError`` (codes ``reader-crashed``, ``reader-out-of-memory``,
  ``reader-timeout``).
- ``iter_isolated(func, items, jobs=, timeout=, memory_mb=)``: the same for many items, at
  most ``jobs`` children at a time, one fresh child per item (a pool with
  ``maxtasksperchild=1`` in effect), yielding ``(item, result or MatrixToolsError)`` in the
  order of ``items``.

``func`` must be a picklable top-level function (e.g. ``matrix_tools.reading.parse.load_matrix``) and
its arguments and result picklable. Children start with ``forkserver`` on POSIX (cheap, no
inherited threads or open files) and ``spawn`` elsewhere. Memory is limited with
``RLIMIT_AS`` inside the child (POSIX only; on Windows only the timeout applies). The
timeout counts from the child's start, so it includes start-up (~0.1-0.3 s).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from matrix_tools.errors import InputError
from matrix_tools.safety import one_line

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - item type

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 2048


def _context() -> Any:
    """forkserver where it exists (POSIX), spawn elsewhere: never plain fork (threads, locks).

    spawn also when the current folder holds another copy of the package (the checkout, after
    a non-editable ``pip install .``): the fork server starts as ``python -c`` with the current
    folder first on its path and, up to Python 3.12, ignores the parent's path, so its children
    would import that copy instead of the parent's. spawn children take the parent's path.
    """
    methods = multiprocessing.get_all_start_methods()
    forkserver = "forkserver" in methods and not shadowed_by_cwd()
    return multiprocessing.get_context("forkserver" if forkserver else "spawn")


def shadowed_by_cwd() -> bool:
    """Whether ``import matrix_tools`` in a ``python -c`` child would find another copy than ours."""
    import matrix_tools

    ours = Path(matrix_tools.__file__).resolve().parent
    here = Path.cwd() / "matrix_tools" / "__init__.py"
    try:
        return here.is_file() and here.resolve().parent != ours
    except OSError:
        return False


def _limit_memory(memory_mb: int) -> None:
    """Cap this process's address space (POSIX); a no-op where ``resource`` is missing."""
    try:
        import resource
    except ImportError:  # Windows
        return
    wanted = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        wanted = hard
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _mappingproxy(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    """Rebuild a read-only mapping on the receiving side (the model freezes dicts as mappingproxy)."""
    return MappingProxyType(data)


def _reduce_mappingproxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _mappingproxy, (dict(proxy),)


def allow_sending_mappingproxy() -> None:
    """Let multiprocessing send the model (Catalogue, Config, Matrix hold MappingProxyType).

    The one pickling helper of the package: registered on multiprocessing's own pickler only
    (used for a child's arguments and its result), not on ``copyreg`` for the whole process.
    Called in the parent before a child starts and in the child before it answers.
    """
    from multiprocessing.reduction import ForkingPickler

    ForkingPickler.register(MappingProxyType, _reduce_mappingproxy)
PARENT_CHECK_SECONDS = 0.5  # how soon a child notices that the batch run is gone


def _die_with(parent_pid: int) -> None:
    """End this child as soon as ``parent_pid`` (the batch run) is gone, even after SIGKILL.

    A child left behind would go on writing reports into a staging folder nobody cleans up.
    On Linux the kernel sends SIGKILL when the forkserver parent exits (it exits when the run
    does); everywhere a watchdog thread checks the run's process every half second.
    """
    if sys.platform.startswith("linux"):  # prctl(PR_SET_PDEATHSIG, SIGKILL)
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while True:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(70)
            except OSError:
                pass  # alive, but not ours to signal
            time.sleep(PARENT_CHECK_SECONDS)

    threading.Thread(target=watch, name="matrix-tools-parent-watch", daemon=True).start()


def _child_main(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...], memory_mb: int,
                stderr_path: str, parent_pid: int = 0) -> None:
    """Entry point of the child: limit memory, run, send ("ok", result) or ("raise", error)."""
    if parent_pid:
        _die_with(parent_pid)
    # Native crashes (a Rust abort in python-calamine) write to fd 2; keep that out of the
    # user's terminal and let the parent read it to explain the crash.
    log = os.open(stderr_path, os.O_WRONLY | os.O_APPEND)
    os.dup2(log, 2)
    os.close(log)
    allow_sending_mappingproxy()  # model.Matrix holds MappingProxyType fields
    try:
        _limit_memory(memory_mb)
        result = func(*args)
        message: tuple[str, Any] = ("ok", result)
    except MemoryError:
        message = ("oom", None)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        message = ("raise", exc)
    try:
        conn.send(message)
    except MemoryError:
        conn.send(("oom", None))
    except Exception as exc:  # noqa: BLE001 - result or exception not picklable
        conn.send(("unpicklable", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


@dataclass
class _Child:
    """One running child process and what is needed to judge how it ended."""

    index: int
    process: Any
    conn: Connection
    deadline: float
    label: str
    stderr_path: str

    def stderr_tail(self) -> str:
        """The last lines the child wrote to stderr (where native crashes say why)."""
        try:
            with open(self.stderr_path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - 8192))
                return handle.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def discard_stderr(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.stderr_path)


def _start(ctx: Any, index: int, func: Callable[..., Any], args: tuple[Any, ...], timeout: float,
           memory_mb: int, label: str) -> _Child:
    allow_sending_mappingproxy()
    receive, send = ctx.Pipe(duplex=False)
    handle, stderr_path = tempfile.mkstemp(prefix="matrix-tools-reader-", suffix=".log")
    os.close(handle)
    process = ctx.Process(target=_child_main, args=(send, func, args, memory_mb, stderr_path, os.getpid()),
                          daemon=True)
    process.start()
    send.close()  # the child holds its own copy; EOF on `receive` then means the child is gone
    return _Child(index, process, receive, time.monotonic() + timeout, label, stderr_path)


def _finish(child: _Child, timeout: float, memory_mb: int, *, timed_out: bool = False) -> tuple[bool, Any]:
    """Collect a child's outcome: (True, result) or (False, exception to raise)."""
    message: tuple[str, Any] | None = None
    if not timed_out:
        try:
            if child.conn.poll(0):
                message = child.conn.recv()
        except (EOFError, OSError):
            message = None
        except Exception as exc:  # noqa: BLE001 - an exception type the parent cannot rebuild
            message = ("unpicklable", f"{type(exc).__name__}: {exc}")
    if timed_out or message is None:
        _stop(child.process)
    else:
        child.process.join(5)
        if child.process.is_alive():
            _stop(child.process)
    child.conn.close()
    stderr = child.stderr_tail() if message is None else ""
    child.discard_stderr()
    label = child.label or None  # becomes the error's path: str(error) == "<label>: <message>"
    if timed_out:
        return False, InputError(
            f"reading took longer than {timeout:g} s and was stopped; the file may be built to "
            "exhaust the reader: ask the sender to save it again in Excel",
            code="reader-timeout", path=label,
        )
    if message is None:
        return False, _crash_error(label, child.process.exitcode, memory_mb, stderr)
    status, payload = message
    if status == "ok":
        return True, payload
    if status == "raise":
        return False, payload
    if status == "oom":
        return False, InputError(
            f"reading needed more than {memory_mb} MB of memory and was stopped; the file may be "
            "built to exhaust memory: ask the sender to save it again in Excel",
            code="reader-out-of-memory", path=label,
        )
    return False, InputError(f"the reader failed ({payload})", code="reader-crashed", path=label)


def _crash_error(label: str | None, exitcode: int | None, memory_mb: int, stderr: str) -> InputError:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    last = _last_line(stderr)
    if any(sign in stderr for sign in OUT_OF_MEMORY_SIGNS):
        # Rust's allocator aborts instead of raising when RLIMIT_AS is reached.
        return InputError(
            f"reading needed more than {memory_mb} MB of memory and was stopped ({last}); the file "
            "may be built to exhaust memory: ask the sender to save it again in Excel",
            code="reader-out-of-memory", path=label,
        )
    detail = f"{how}: {last}" if last else how
    return InputError(
        f"the reader crashed on this file ({detail}); the file may be damaged or built to crash "
        "readers: ask the sender to save it again in Excel",
        code="reader-crashed", path=label,
    )


OUT_OF_MEMORY_SIGNS = ("memory allocation of", "MemoryError", "Cannot allocate memory", "std::bad_alloc")


def _last_line(text: str) -> str:
    """The most telling line of a crash log: the first allocation or panic line, else the last line."""
    # a panic message may quote the file's own text: one line, escapes visible
    lines = [one_line(line, squeeze=True) for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("memory allocation of", "thread '")) or "panicked" in line:
            return line[:160]
    return lines[-1][:160] if lines else ""


def _stop(process: Any) -> None:
    if process.is_alive():
        process.terminate()
        process.join(2)
    if process.is_alive():
        process.kill()
        process.join(2)


def run_isolated(func: Callable[..., T], *args: Any, timeout: float = DEFAULT_TIMEOUT,
                 memory_mb: int = DEFAULT_MEMORY_MB, label: str = "") -> T:
    """``func(*args)`` in a fresh child process limited to ``memory_mb`` MB and ``timeout`` s.

    Returns the result or re-raises the child's exception (``InputError`` from the reader
    arrives as itself, code and path included). A crash, memory exhaustion or timeout raises
    ``InputError`` with code ``reader-crashed``, ``reader-out-of-memory`` or ``reader-timeout``
    whose ``path`` is ``label`` (pass the file's path: the message then reads like every other
    input error, "<path>: ...").
    """
    for _item, outcome in iter_isolated(func, [args], jobs=1, timeout=timeout, memory_mb=memory_mb,
                                        label=lambda _args: label):
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome
    raise AssertionError("unreachable: one item in, one outcome out")


def iter_isolated(func: Callable[..., T], items: Iterable[I], *, jobs: int = 1,
                  timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
                  label: Callable[[I], str] | None = None) -> Iterator[tuple[I, T | BaseException]]:
    """Run ``func(item)`` (or ``func(*item)`` if ``item`` is a tuple) for each item, isolated.

    At most ``jobs`` children run at once; each item gets a fresh child, so a crash or a leak
    in one never affects another. Yields ``(item, result)`` or ``(item, exception)`` in the
    order of ``items`` (deterministic reports), as soon as all earlier items are done.
    Exceptions are returned, not raised: one bad file never stops the others. Items are
    consumed lazily. Errors of a crashed, killed or stopped child carry ``label(item)`` (by
    default the first argument, e.g. the path) as their ``path``.

    A batch run reads each submission like this::

        from matrix_tools.errors import MatrixToolsError
        from matrix_tools.batching.isolation import iter_isolated
        from matrix_tools.reading.parse import load_matrix

        for path, outcome in iter_isolated(load_matrix, paths, jobs=2, timeout=120, memory_mb=2048):
            if isinstance(outcome, MatrixToolsError):   # unreadable, unsafe, crashed, too big, too slow
                report_rejected(path, outcome.code, str(outcome))
            elif isinstance(outcome, BaseException):    # a bug: report it, go on with the next file
                report_internal_error(path, outcome)
            else:
                check(outcome)                          # a Matrix

    ``load_matrix``'s optional catalogue argument can be bound with a tuple item
    ``(path, catalogue_path)``; the catalogue is then loaded in each child.
    """
    ctx = _context()
    jobs = max(1, jobs)
    pending = iter(enumerate(items))
    running: dict[int, _Child] = {}
    done: dict[int, tuple[I, T | BaseException]] = {}
    item_of: dict[int, I] = {}
    next_to_yield = 0
    exhausted = False
    try:
        while True:
            while not exhausted and len(running) < jobs:
                try:
                    index, item = next(pending)
                except StopIteration:
                    exhausted = True
                    break
                item_of[index] = item
                args = item if isinstance(item, tuple) else (item,)
                name = label(item) if label else (str(args[0]) if args else "")
                running[index] = _start(ctx, index, func, args, timeout, memory_mb, name)
            while next_to_yield in done:
                yield done.pop(next_to_yield)
                next_to_yield += 1
            if not running:
                if exhausted:
                    return
                continue
            now = time.monotonic()
            soonest = min(child.deadline for child in running.values())
            ready = wait([c.conn for c in running.values()] + [c.process.sentinel for c in running.values()],
                         timeout=max(0.0, soonest - now))
            now = time.monotonic()
            for index, child in list(running.items()):
                finished = child.conn in ready or child.process.sentinel in ready
                if finished or now >= child.deadline:
                    _ok, value = _finish(child, timeout, memory_mb, timed_out=not finished)
                    del running[index]
                    done[index] = (item_of.pop(index), value)
    finally:
        for child in running.values():
            _stop(child.process)
            child.conn.close()
            child.discard_stderr()


def default_jobs() -> int:
    """A sensible number of parallel readers: the CPU count, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


__all__ = ["DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "default_jobs", "iter_isolated", "run_isolated"]
