"""Write outputs safely: to a temporary file beside the target, renamed into place at the end.

A failed run leaves any earlier output intact, and no command writes over one of its inputs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from matrix_tools.errors import OutputError
from matrix_tools.safety import encodable, one_line


def check_output_path(output: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse an output path that is one of the inputs, or whose folder does not exist."""
    out = Path(output)
    resolved = out.resolve()
    for item in inputs:
        try:
            same = resolved == Path(item).resolve() or (
                out.exists() and Path(item).exists() and os.path.samefile(out, item)
            )
        except OSError:
            same = False
        if same:
            raise OutputError(
                f"refusing to write {output}: it is one of the input files; choose another output name",
                path=output,
            )
    if not resolved.parent.is_dir():
        raise OutputError(f"cannot write {output}: folder {resolved.parent} does not exist", path=output)
    if resolved.is_dir():
        raise OutputError(f"cannot write {output}: it is a folder; give a file name", path=output)
    return out


@contextlib.contextmanager
def atomic_path(output: str | Path, inputs: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``output``; on success it replaces ``output`` in one step."""
    out = check_output_path(output, inputs)
    suffix = "".join(out.suffixes[-1:])
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=f".part{suffix}", dir=out.resolve().parent)
    except OSError as exc:
        raise output_error(output, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600); an output should get the usual permissions, so
    # colleagues on a shared drive can open it.
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield tmp
        os.replace(tmp, out)
    except Exception as exc:
        # A writer's own error type may wrap the system's (xlsxwriter: FileCreateError(OSError)).
        cause = _os_error_in(exc)
        if cause is None:
            raise
        _close_abandoned_zipfiles(exc)
        raise output_error(output, cause) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def output_error(output: str | Path, exc: OSError) -> OutputError:
    """One line for a person: which output, and what the system said (disk full, read-only...)."""
    reasons = {
        errno.ENOSPC: "the disk is full: free some space and run again",
        errno.EDQUOT: "the disk quota is used up: free some space and run again",
        errno.EROFS: "the folder is on a read-only disk: choose another output folder",
        errno.EACCES: "permission denied (is the file open in Excel, or the folder read-only?)",
        errno.EPERM: "permission denied (is the file open in Excel, or the folder read-only?)",
    }
    reason = reasons.get(exc.errno or 0) or (exc.strerror or type(exc).__name__)
    code = "output-disk-full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "output-refused"
    return OutputError(f"cannot write {one_line(str(output), breaks=None)}: {reason}", code=code, path=None)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it wraps (cause, context, arguments), each once."""
    found: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        item = todo.pop()
        if any(item is seen for seen in found):
            continue
        found.append(item)
        todo.extend(e for e in (item.__cause__, item.__context__, *item.args) if isinstance(e, BaseException))
    return found


def _os_error_in(exc: BaseException) -> OSError | None:
    return next((e for e in _chain(exc) if isinstance(e, OSError)), None)


def _close_abandoned_zipfiles(exc: BaseException) -> None:
    """Close, without writing, a ZipFile a failed writer left open (xlsxwriter on a full disk).

    Otherwise its ``__del__`` later tries to write the ZIP directory again and prints an
    "Exception ignored in ZipFile.__del__" traceback, long after the one-line error."""
    for item in _chain(exc):
        tb = item.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile) and value.fp is not None:
                    handle, value.fp = value.fp, None
                    with contextlib.suppress(Exception):
                        handle.close()
            tb = tb.tb_next


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(output: str | Path, data: bytes, inputs: Iterable[str | Path] = ()) -> Path:
    with atomic_path(output, inputs) as tmp:
        tmp.write_bytes(data)
    return Path(output)


def write_text(output: str | Path, text: str, inputs: Iterable[str | Path] = ()) -> Path:
    """Write UTF-8 text atomically (newline characters kept as given; a lone surrogate, which
    UTF-8 cannot hold, becomes U+FFFD instead of failing: ``safety.encodable``)."""
    return write_bytes(output, encodable(text).encode("utf-8"), inputs)


def write_with(output: str | Path, writer: Callable[[Path], None], inputs: Iterable[str | Path] = ()) -> Path:
    """Call ``writer(tmp_path)`` (e.g. an xlsxwriter job) and move the result into place."""
    with atomic_path(output, inputs) as tmp:
        writer(tmp)
    return Path(output)
