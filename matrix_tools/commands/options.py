"""Options and helpers shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.reading.sniff import show
from matrix_tools.submissions import Inbox

F = TypeVar("F", bound=Callable[..., Any])


def catalogue_option(func: F) -> F:
    """``--catalogue FILE``: use another matrix catalogue than the shipped one."""
    return click.option(
        "--catalogue",
        "catalogue_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Matrix catalogue (JSON) to use instead of the shipped one, e.g. the official template's.",
    )(func)


def load_catalogue_option(path: Path | None) -> Any:
    return load_catalogue(path)


def echo_skipped(inbox: Inbox) -> None:
    """One line on stderr per folder entry not read, with the reason (nothing disappears unsaid)."""
    for item in inbox.skipped:
        click.echo(f"Skipped {show(str(item.path), width=200)}: {item.reason}", err=True)
