"""Options and helpers shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def catalogue_option(func: F) -> F:
    """``--catalogue FILE``: use another matrix catalogue than the shipped one."""
    return click.option(
        "--catalogue",
        "catalogue_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Matrix catalogue (JSON) to use instead of the shipped one, e.g. the official template's.",
    )(func)
