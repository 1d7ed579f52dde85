"""``matrix-tools diff``: the change report between two versions of a State's matrix."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import catalogue_option
from matrix_tools.diffing.engine import DiffResult, diff
from matrix_tools.errors import EXIT_DATA, EXIT_OK
from matrix_tools.reports.diff_html import render_diff_html
from matrix_tools.reports.diff_json import render_diff_json
from matrix_tools.reports.diff_md import render_diff_md
from matrix_tools.reports.diff_text import render_diff_text, summary_sentence
from matrix_tools.reports.diff_xlsx import write_diff_xlsx
from matrix_tools.safety import printable
from matrix_tools.writing.output import check_output_path, write_text

FORMATS = ("text", "json", "md", "html", "xlsx")
SUFFIXES = {".txt": "text", ".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}
FILE_ONLY = ("xlsx", "html")  # a workbook or a web page is not for the terminal


@click.command(name="diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
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
    type=click.Path(dir_okay=False, path_type=Path),
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
@catalogue_option
def command(
    old: Path,
    new: Path,
    fmt: str | None,
    output: Path | None,
    fail_if_diff: bool,
    include_cosmetic: bool,
    catalogue_path: Path | None,
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

    Exit codes: 0 done (1 with --fail-if-diff when the versions differ), 2 wrong usage,
    3 an input could not be read.
    """
    if fmt is None:
        fmt = SUFFIXES.get(output.suffix.lower(), "text") if output is not None else "text"
    elif output is not None and SUFFIXES.get(output.suffix.lower(), fmt) != fmt:
        # an Excel file named .html (or the reverse) would not open: say so before working
        raise click.UsageError(
            f"--format {fmt} does not match the file name {output.name}: "
            f"name it {output.stem}.{fmt} or leave --format out"
        )
    if fmt in FILE_ONLY and output is None:
        raise click.UsageError(
            f"--format {fmt} writes a file: give its name with -o, e.g. -o changes.{fmt}"
        )
    if output is not None:
        check_output_path(output, (old, new))  # refuse before reading anything

    catalogue = load_catalogue(catalogue_path) if catalogue_path is not None else None
    result = diff(old, new, include_cosmetic=include_cosmetic, catalogue=catalogue)
    _write(result, fmt, output, (old, new))
    if output is not None:
        click.echo(f"Wrote {output} ({fmt}). {summary_sentence(result)}", err=True)
    ctx = click.get_current_context()
    ctx.exit(EXIT_DATA if fail_if_diff and result.has_differences else EXIT_OK)


def _write(result: object, fmt: str, output: Path | None, inputs: tuple[Path, Path]) -> None:
    assert isinstance(result, DiffResult)
    if fmt == "xlsx":
        assert output is not None
        write_diff_xlsx(result, output, inputs=inputs)
        return
    renderers = {"json": render_diff_json, "md": render_diff_md, "html": render_diff_html}
    text = renderers.get(fmt, render_diff_text)(result)
    if output is None:
        click.echo(printable(text) if fmt in ("text", "md") else text, nl=False)
    else:
        write_text(output, text, inputs)
