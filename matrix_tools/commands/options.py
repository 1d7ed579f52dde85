"""Options and helpers shared by several commands."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from matrix_tools.errors import UsageError
from matrix_tools.reading.sniff import show
from matrix_tools.registry.lookup import Lookup
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


def echo_skipped(inbox: Inbox) -> None:
    """One line on stderr per folder entry not read, with the reason (nothing disappears unsaid)."""
    for item in inbox.skipped:
        click.echo(f"Skipped {show(str(item.path), width=200)}: {item.reason}", err=True)


# --- the registry (issue 15) ----------------------------------------------------------------


def registry_option(func: F) -> F:
    """``--registry PATH``: the registry file that references like ``XTL@approved`` are looked up in."""
    return click.option(
        "--registry",
        "registry_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Registry file for references like XTL@approved (default: $MATRIX_TOOLS_REGISTRY, "
        "else matrix-registry.sqlite in the current folder).",
    )(func)


def registry_mode_option(func: F) -> F:
    """``--registry [PATH]``: use the registry (its default file when no PATH follows)."""
    return click.option(
        "--registry",
        "registry_path",
        is_flag=False,
        flag_value="",
        default=None,
        metavar="[PATH]",
        help="Use the registry: its file PATH, or without PATH $MATRIX_TOOLS_REGISTRY, else "
        "matrix-registry.sqlite in the current folder. Put it after the folder arguments.",
    )(func)


def workbook_lookup(registry_path: Path | str | None, catalogue: Any = None) -> Any:
    """The one resolver of workbook arguments (a file, or a reference such as XTL@approved)."""
    return Lookup(registry_path, catalogue)


def output_format(fmt: str | None, output: Path | None, suffixes: Mapping[str, str], *, what: str,
                  default: str, file_only: Collection[str] = ()) -> str:
    """The format of an output from --format and the -o name (``suffixes``: name ending ->
    format); UsageError (exit 2) when they cannot be told or do not agree: a file must open
    in the program its name promises. ``file_only`` formats are not for the terminal."""
    formats = list(dict.fromkeys(suffixes.values()))
    listed = ", ".join(f"{name} ({', '.join(s for s, f in suffixes.items() if f == name)})" for name in formats)
    suffix = output.suffix.lower() if output is not None else ""
    if output is not None and suffix and suffix not in suffixes:
        raise UsageError(f"cannot write a {output.suffix} {what}: the formats are {listed}; "
                         f"name the file accordingly, e.g. {output.stem}{next(iter(suffixes))}")
    if fmt is None:
        if output is not None and not suffix:
            raise UsageError(f"cannot tell the {what} format of {output.name} (no extension): the formats are "
                             f"{listed}; add one, e.g. {output.name}{next(iter(suffixes))}, or give --format")
        fmt = suffixes[suffix] if output is not None else default
    elif suffix and suffixes[suffix] != fmt:
        # an Excel file named .html (or the reverse) would not open: say so before working
        ending = next(s for s, f in suffixes.items() if f == fmt)
        raise UsageError(f"--format {fmt} does not match the file name {output.name if output else ''}: "
                         f"name it {output.stem if output else 'out'}{ending} or leave --format out")
    if fmt in file_only and output is None:
        ending = next(s for s, f in suffixes.items() if f == fmt)
        raise UsageError(f"--format {fmt} writes a file: give its name with -o, e.g. -o changes{ending}")
    return fmt
