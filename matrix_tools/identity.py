"""Which State a matrix or a submitted file is of: the one home for that question.

A State is identified by its ISO 3166 alpha-3 code (header values such as dates change between
versions, matrix-1540.md). A blank code is not a difference: old matrices may lack it; such a
matrix is known by its State name, and a file that cannot be read by its file name
(``xaa-2024.xlsx`` -> ``XAA``). ``consolidate`` and ``batch`` use ``state_key`` to refuse two
files of one State; ``diff`` and ``merge`` use ``check_same_state``, and ``latest_date`` to warn
when the versions look given in the wrong order (the later a report or approval, the newer).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from matrix_tools.errors import EXIT_INPUT, EXIT_USAGE, MatrixToolsError
from matrix_tools.model import Matrix
from matrix_tools.reading.normalise import format_date

_ISO3_IN_NAME = re.compile(r"^([A-Za-z]{3})(?![A-Za-z])")


class StateMismatchError(MatrixToolsError):
    """Versions of different States were given where versions of one State's matrix belong."""

    exit_code = EXIT_USAGE
    code = "state-mismatch"


class DuplicateStateError(MatrixToolsError):
    """Two files of one run claim the same State: refused (exit 3), never a silent pick."""

    exit_code = EXIT_INPUT
    code = "duplicate-state"


def key_from_name(path: str | Path) -> str:
    """A State key from a file name: 'xaa-2024.xlsx' -> 'XAA'; otherwise the file stem."""
    stem = Path(path).stem
    match = _ISO3_IN_NAME.match(stem)
    return match.group(1).upper() if match else stem


def state_key(iso3: str, name: str, path: str | Path) -> str:
    """Who a submission is about: its ISO code, else its State name, else its file name."""
    if iso3.strip():
        return iso3.strip().upper()
    if name.strip():
        return " ".join(name.split())
    return key_from_name(path)


def matrix_key(matrix: Matrix, path: str | Path) -> str:
    """``state_key`` of a matrix read from ``path``."""
    return state_key(matrix.state.iso3, matrix.state.name, path)


def same_state(a: str, b: str) -> bool:
    """Whether two keys of ``state_key`` name one State (names compare without case)."""
    return a.casefold() == b.casefold()


def duplicate_message(key: str, files: Sequence[str]) -> str:
    """The one message for several files claiming one State (consolidate and batch)."""
    return (f"{len(files)} files claim the State {key} ({', '.join(files)}); none of them was used. "
            "Keep only the one to use in the folder and run again.")


def check_unique_states(items: Sequence[tuple[Matrix, Path]]) -> None:
    """Raise DuplicateStateError naming the files when two of them claim the same State."""
    seen: dict[str, list[tuple[str, Path]]] = {}
    for matrix, path in items:
        key = matrix_key(matrix, path)
        seen.setdefault(key.casefold(), []).append((key, path))
    clashes = [group for group in seen.values() if len(group) > 1]
    if clashes:
        raise DuplicateStateError(" ".join(duplicate_message(group[0][0], [str(p) for _, p in group])
                                           for group in clashes))


def check_same_state(sides: Sequence[tuple[str, Matrix]], *, job: str) -> None:
    """Refuse ``sides`` (name, matrix) whose ISO codes differ; ``job`` names what was asked
    ("compare", "merge") for the message."""
    named = [(side, m) for side, m in sides if m.state.iso3.strip()]
    codes = {m.state.iso3.strip().upper() for _, m in named}
    if len(codes) > 1:
        which = ", ".join(f"{side} {m.state.iso3} ({m.source.name if m.source else m.state.name})"
                          for side, m in named)
        raise StateMismatchError(
            f"cannot {job} matrices of different States: {which}; give versions of one State's matrix"
        )


def latest_date(dates: Mapping[str, Iterable[dt.date]]) -> dt.date | None:
    """The latest date in a header (first report, additional reports, approval), or None."""
    days = [d.date() if isinstance(d, dt.datetime) else d for values in dates.values() for d in values]
    return max(days) if days else None


def matrix_dates(matrix: Matrix) -> dict[str, tuple[dt.date, ...]]:
    """Every dated header item of a matrix (data-driven: whatever the catalogue dates)."""
    return {key: value.dates for key, value in matrix.header.items() if value.dates}


def newer_than(earlier: tuple[str, Mapping[str, Iterable[dt.date]]],
               later: tuple[str, Mapping[str, Iterable[dt.date]]]) -> str | None:
    """A warning when the version given as ``earlier`` (name, header dates) carries a later report or
    approval date than the one given as ``later``: the arguments were probably swapped."""
    (e_name, e_dates), (l_name, l_dates) = earlier, later
    e_day, l_day = latest_date(e_dates), latest_date(l_dates)
    if e_day is None or l_day is None or e_day <= l_day:
        return None
    return (f"{e_name} looks newer than {l_name}: its latest report or approval is dated {format_date(e_day)}, "
            f"after {format_date(l_day)}")
