"""``matrix-tools consolidate FILE_OR_DIR... -o OUT``: all States' matrices in one table."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import catalogue_option
from matrix_tools.consolidating.engine import (
    check_unique_states,
    consolidate_matrices,
    iter_workbook_paths,
    read_matrices,
)
from matrix_tools.errors import EXIT_INPUT, InputError, UsageError
from matrix_tools.reports.consolidated import check_output_format, write_consolidated
from matrix_tools.safety import one_line
from matrix_tools.writing.output import check_output_path


@click.command("consolidate")
@click.argument(
    "items", nargs=-1, required=True, metavar="FILE_OR_FOLDER...", type=click.Path(path_type=Path)
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The table to write: .xlsx (with a Coverage sheet and charts), .csv or .parquet.",
)
@catalogue_option
def command(items: tuple[Path, ...], output: Path, catalogue_path: Path | None) -> None:
    """Combine the matrices of many States into one table for analysis.

    Give workbooks and/or folders (a folder's *.xlsx and *.xlsm files are used; Excel's ~$
    lock files are skipped). The table has one line per State and field, blanks included.
    The .xlsx output also has a "Marks by State" sheet (one row per State) and a Coverage sheet
    counting, per field and per section, how many States have X, ?, NA or blank, with a chart
    per section: counts of recorded measures, not compliance scores.

    A file that cannot be read is reported and the others are consolidated (exit code 3). Two
    files claiming the same State are an error: nothing is written (exit code 1).

    \b
    Examples:
      matrix-tools consolidate returns/ -o all-states.xlsx
      matrix-tools consolidate samples/examplia.xlsx samples/nordmark.xlsx -o all.csv
    """

    check_output_format(output)
    files = list(iter_workbook_paths(items, exclude=[output]))
    check_output_path(output, files)
    if not files:
        raise UsageError("no workbooks (.xlsx, .xlsm) found in " + ", ".join(str(i) for i in items))
    catalogue = load_catalogue(catalogue_path)
    matrices, failed = read_matrices(files, catalogue=catalogue)
    for path, reason in failed:
        click.echo(
            one_line(f"Error: {path}: {reason}" if str(path) not in reason else f"Error: {reason}"), err=True
        )
    if not matrices:
        raise InputError(f"none of the {len(files)} workbook(s) could be read; nothing written")
    check_unique_states(matrices)
    df = consolidate_matrices(matrices)
    write_consolidated(df, output, inputs=files)
    click.echo(
        f"Consolidated {len(matrices)} State{'s' if len(matrices) != 1 else ''} "
        f"({len(df)} rows) -> {output}"
        + (
            f"; {len(failed)} file{'s' if len(failed) != 1 else ''} could not be read"
            if failed
            else ""
        ),
        err=True,
    )
    if failed:
        raise click.exceptions.Exit(EXIT_INPUT)
