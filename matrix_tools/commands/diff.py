"""``matrix-tools diff``: the change report between two versions of a State's matrix."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import (
    catalogue_option,
    output_format,
    registry_option,
    workbook_lookup,
)
from matrix_tools.diffing.engine import DiffResult, diff
from matrix_tools.errors import EXIT_DATA, EXIT_OK
from matrix_tools.identity import newer_than
from matrix_tools.reports.diff_html import render_diff_html
from matrix_tools.reports.diff_json import render_diff_json
from matrix_tools.reports.diff_md import render_diff_md
from matrix_tools.reports.diff_text import render_diff_text, summary_sentence
from matrix_tools.reports.diff_xlsx import write_diff_xlsx_carrying
from matrix_tools.safety import printable
from matrix_tools.writing.output import check_output_path, write_text

FORMATS = ("text", "json", "md", "html", "xlsx")
SUFFIXES = {".txt": "text", ".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
            ".xlsx": "xlsx"}  # name ending -> format; the first ending of each format is the one suggested
FILE_ONLY = ("xlsx", "html")  # a workbook or a web page is not for the terminal


@click.command(name="diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Report format (default: from the -o file's extension, else text). "
    "xlsx is the report for the consultation; html prints well; json is for scripts.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write. Without it, text, json and md go to the screen; html and xlsx need it.",
)
@click.option(
    "--fail-if-diff",
    is_flag=True,
    help="Exit with code 1 when the versions differ (cosmetic edits do not count). For scripts and CI.",
)
@click.option(
    "--include-cosmetic",
    is_flag=True,
    help="Also list edits of spacing, letter case, quotes or invisible characters (they are always counted).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing xlsx report even when the Outcomes typed in it cannot be read "
    "(by default they are carried into the new report, and an unreadable one is left alone).",
)
@catalogue_option
@registry_option
def command(
    old: Path,
    new: Path,
    fmt: str | None,
    output: Path | None,
    fail_if_diff: bool,
    include_cosmetic: bool,
    catalogue_path: Path | None,
    registry_path: Path | None,
    force: bool = False,
) -> None:
    """Compare two versions of a State's matrix, cell by cell.

    OLD is the earlier version (e.g. the approved matrix), NEW the later one (e.g. the
    workbook the State sent back). Cells are matched by data field, not by row position, so
    inserted or moved rows and renamed sheets cause no false changes.

    \b
    Examples:
      matrix-tools diff approved.xlsx returned.xlsx
      matrix-tools diff approved.xlsx returned.xlsx -o changes.xlsx
      matrix-tools diff approved.xlsx returned.xlsx --format json --fail-if-diff
      matrix-tools diff XTL@approved XTL@latest     (versions in the registry)

    A warning is shown when OLD carries a later report or approval date than NEW (the two
    were probably given the other way round). The report format follows the -o name
    (.txt, .json, .md, .html, .xlsx); any other name is refused before anything is read.

    Exit codes: 0 done (1 with --fail-if-diff when the versions differ), 2 wrong usage,
    3 an input could not be read.
    """
    if output is not None:
        check_output_path(output, (old, new))  # refuse before reading anything
    fmt = report_format(fmt, output)
    catalogue = load_catalogue(catalogue_path) if catalogue_path is not None else None
    lookup = workbook_lookup(registry_path, catalogue)  # a file, or a reference such as XTL@approved
    result = diff(lookup.workbook(old, what="the workbook of the earlier version"),
                  lookup.workbook(new, what="the workbook of the later version"),
                  include_cosmetic=include_cosmetic, catalogue=catalogue)
    swapped = newer_than((f"OLD ({old.name})", result.old.dates), (f"NEW ({new.name})", result.new.dates))
    if swapped:
        click.echo(f"Warning: {swapped}; were OLD and NEW given the other way round? "
                   "(matrix-tools diff OLD NEW: the earlier version first)", err=True)
    carried = _write(result, fmt, output, (old, new), force=force)
    if output is not None:
        click.echo(" ".join(filter(None, (f"Wrote {output} ({fmt}).", summary_sentence(result), carried))), err=True)
    ctx = click.get_current_context()
    ctx.exit(EXIT_DATA if fail_if_diff and result.has_differences else EXIT_OK)


def report_format(fmt: str | None, output: Path | None) -> str:
    """The report format from --format and the -o name (``options.output_format``)."""
    return output_format(fmt, output, SUFFIXES, what="report", default="text", file_only=FILE_ONLY)


def _write(result: DiffResult, fmt: str, output: Path | None, inputs: tuple[Path, Path], *,
           force: bool = False) -> str:
    """Write the report; returns what became of notes typed in an earlier xlsx report ("" if none)."""
    if fmt == "xlsx":
        assert output is not None
        return write_diff_xlsx_carrying(result, output, inputs=inputs, force=force)[1].sentence()
    renderers = {"json": render_diff_json, "md": render_diff_md, "html": render_diff_html}
    text = renderers.get(fmt, render_diff_text)(result)
    if output is None:
        click.echo(printable(text) if fmt in ("text", "md") else text, nl=False)
    else:
        write_text(output, text, inputs)
    return ""
