"""``matrix-tools consolidate FILE_OR_DIR... -o OUT``: all States' matrices in one table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import (
    catalogue_option,
    echo_skipped,
    registry_mode_option,
    workbook_lookup,
)
from matrix_tools.consolidating.engine import consolidate_matrices, read_matrices
from matrix_tools.errors import EXIT_INPUT, InputError, UsageError
from matrix_tools.identity import check_unique_states
from matrix_tools.registry.coverage import coverage_over_time
from matrix_tools.registry.lookup import is_reference
from matrix_tools.reports.consolidated import check_output_format, write_consolidated
from matrix_tools.safety import one_line
from matrix_tools.submissions import expand_inputs, require_files
from matrix_tools.writing.output import check_output_path


@click.command("consolidate")
@click.argument(
    "items", nargs=-1, required=False, metavar="FILE_OR_FOLDER...", type=click.Path(path_type=Path)
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The table to write: .xlsx (with a Coverage sheet and charts), .csv or .parquet.",
)
@registry_mode_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="With --registry and no files: the versions in force on this date (YYYY-MM-DD).")
@catalogue_option
def command(items: tuple[Path, ...], output: Path, registry_path: str | None, as_of: dt.datetime | None,
            catalogue_path: Path | None) -> None:
    """Combine the matrices of many States into one table for analysis.

    Give workbooks and/or folders (every file in a folder is read, as validate does; Excel's
    ~$ lock files, hidden files and matrix-tools' own files are skipped with a line saying
    so). The table has one line per State and field, blanks included.
    The .xlsx output also has a "Marks by State" sheet (one row per State) and a Coverage sheet
    counting, per field and per section, how many States have X, ?, NA or blank, with a chart
    per section: counts of recorded measures, not compliance scores.

    A file that cannot be read (or is not an .xlsx workbook) is reported and the others are
    consolidated (exit code 3). Two files claiming the same State are refused, as in batch:
    nothing is written (exit code 3).

    With --registry and no files, every State in the registry is taken: its latest approved
    version (its latest version when none is approved), as of --as-of DATE if given; the .xlsx
    then also has a "Coverage over time" sheet: per year and section, the measures (X marks)
    recorded per State, with a chart. References such as XTL@approved may also be given
    among the files.

    \b
    Examples:
      matrix-tools consolidate returns/ -o all-states.xlsx
      matrix-tools consolidate --registry -o all-states.xlsx
      matrix-tools consolidate --registry --as-of 2023-12-31 -o end-2023.xlsx
      matrix-tools consolidate samples/examplia.xlsx samples/nordmark.xlsx -o all.csv
    """
    check_output_path(output)  # a folder or a missing folder first, as in every command
    check_output_format(output)
    if as_of is not None and (registry_path is None or items):
        raise UsageError("--as-of works with --registry and no files: it picks the versions in force on that date")
    if not items and registry_path is None:
        raise UsageError("give workbooks or folders to consolidate, or --registry to take every State's "
                         "approved version from the registry")
    refs = [i for i in items if is_reference(i)]
    files: list[Path] = []
    if items and len(refs) < len(items):
        inbox = expand_inputs([i for i in items if not is_reference(i)], ignore=[output])
        files = list(require_files(inbox, items))
        echo_skipped(inbox)
    check_output_path(output, files)
    catalogue = load_catalogue(catalogue_path)
    matrices, failed = read_matrices(files, catalogue=catalogue)
    lookup = workbook_lookup(registry_path or None, catalogue)
    for ref in refs:
        matrices.append((lookup.workbook(ref), ref))
    over_time: list[object] = []
    if not items:
        matrices, over_time = _from_registry(lookup, as_of.date() if as_of else None, catalogue, output)
    for path, reason in failed:
        click.echo(
            one_line(f"Error: {path}: {reason}" if str(path) not in reason else f"Error: {reason}"), err=True
        )
    if not matrices:
        raise InputError(f"none of the {len(files)} workbook(s) could be read; nothing written")
    check_unique_states(matrices)
    df = consolidate_matrices(matrices)
    write_consolidated(df, output, inputs=files, over_time=over_time)
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


def _from_registry(lookup: Any, as_of: dt.date | None, catalogue: Any, output: Path) -> tuple[list[Any], list[Any]]:
    """Every State's version in force (latest approved, else latest) and the coverage over time."""
    registry = lookup.registry()
    versions = registry.latest_per_state(as_of=as_of)
    if not versions:
        raise UsageError(f"the registry {registry.path} holds no version"
                         + (f" received on or before {as_of}" if as_of else "") + "; nothing written")
    matrices = [(registry.get(v, catalogue), Path(v.ref)) for v in versions]
    sections = list(dict.fromkeys(t.section for t in catalogue.tables))
    over_time = coverage_over_time(registry, as_of=as_of, sections=sections) if output.suffix.lower() == ".xlsx" else []
    for v in versions:
        click.echo(f"  {v.ref} {one_line(v.state)} ({v.status}, received {v.received})", err=True)
    return matrices, over_time
