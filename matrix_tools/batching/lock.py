"""One batch run at a time per output folder: a lock file held for the whole run.

Two runs writing into one OUTDIR would delete each other's staging folder and mix their
reports. The lock is an OS file lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows) on ``OUTDIR/.matrix-tools.lock``: the system releases it when the run ends in any
way, even when it is killed, so a stale lock file never blocks the next run.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from matrix_tools.errors import OutputError
from matrix_tools.writing.output import output_error

LOCK_NAME = ".matrix-tools.lock"
F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the lock of ``out_dir``; ``OutputError`` (exit 2) when another run holds it."""
    path = out_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:  # read-only, full or forbidden: the same words as every output
        raise output_error(out_dir, exc) from None
    try:
        if not _try_lock(fd):
            raise OutputError(
                f"another batch run is writing into {out_dir} now: wait for it to finish, or choose "
                "another output folder", code="output-locked", path=out_dir,
            )
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())  # for a person wondering who holds it
        except OSError:
            pass  # the lock is what counts, not the note
        yield
    finally:
        os.close(fd)  # releases the lock


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def locked_output(prepare: Callable[..., Path | None]) -> Callable[[F], F]:
    """Run the decorated batch function holding the lock of its output folder.

    ``prepare(output, folder, baseline)`` checks and creates the output folder (None: no
    output, no lock)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def run(folder: Any, *args: Any, **kwargs: Any) -> Any:
            output = kwargs.get("output")
            if output is None or not Path(folder).is_dir():  # the run says what is wrong, creating nothing
                return func(folder, *args, **kwargs)
            baseline = kwargs.get("baseline")
            out_dir = prepare(output, Path(folder), Path(baseline) if baseline is not None else None)
            if out_dir is None:
                return func(folder, *args, **kwargs)
            with output_lock(out_dir):
                return func(folder, *args, **kwargs)

        return run  # type: ignore[return-value]

    return decorate
