"""Which State a matrix is of, and the check that versions compared or merged are of one State.

A State is identified by its ISO 3166 alpha-3 code (header values such as dates change between
versions, matrix-1540.md). A blank code is not a difference: old matrices may lack it.
"""

from __future__ import annotations

from collections.abc import Sequence

from matrix_tools.errors import EXIT_USAGE, MatrixToolsError
from matrix_tools.model import Matrix


class StateMismatchError(MatrixToolsError):
    """Versions of different States were given where versions of one State's matrix belong."""

    exit_code = EXIT_USAGE
    code = "state-mismatch"


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
