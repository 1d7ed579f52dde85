"""``matrix-tools merge BASE OURS THEIRS -o OUT.xlsx``: three-way merge with a conflict agenda."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import catalogue_option, registry_option, workbook_lookup
from matrix_tools.errors import EXIT_DATA, OutputError
from matrix_tools.identity import matrix_dates, newer_than
from matrix_tools.merging.engine import merge
from matrix_tools.reports.merge import render_merge_json, render_merge_text, write_merge_workbook
from matrix_tools.writing.output import check_output_path, write_text


@click.command("merge")
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The merged workbook to write (.xlsx); never one of the three inputs.",
)
@click.option(
    "--prefer",
    type=click.Choice(["ours", "theirs"]),
    default="ours",
    show_default=True,
    help="Which side a conflicting cell keeps in the merged workbook.",
)
@click.option(
    "--report",
    "report",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the merge report to this file instead of the screen.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Format of the merge report.",
)
@catalogue_option
@registry_option
def command(
    base: Path,
    ours: Path,
    theirs: Path,
    output: Path,
    prefer: str,
    report: Path | None,
    fmt: str,
    catalogue_path: Path | None,
    registry_path: Path | None,
) -> None:
    """Merge the last agreed matrix (BASE), the experts' working copy (OURS) and the workbook
    the State returned (THEIRS) into a new workbook.

    A cell changed on one side only takes that change; a cell both sides changed differently is
    a conflict: the merged workbook keeps OURS (or THEIRS with --prefer theirs), highlights the
    cell with a comment showing base / ours / theirs, and lists it on a "Conflicts" sheet with
    an empty Decision column for the consultation. Differences of spacing or case never
    conflict. A warning is shown when BASE carries a later report or approval date than OURS
    or THEIRS (BASE should be the oldest). Exit code 1 when there are conflicts, 0 when there
    are none.

    Example:

        matrix-tools merge agreed.xlsx experts.xlsx returned.xlsx -o merged.xlsx

        matrix-tools merge XTL@approved XTL@2 XTL@latest -o merged.xlsx
    """
    inputs = [base, ours, theirs]
    # Refuse bad output paths before reading anything: inputs stay untouched.
    check_output_path(output, inputs)
    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"cannot write {output}: the merged workbook must be an .xlsx file")
    if report is not None:
        check_output_path(report, [*inputs, output])
    catalogue = load_catalogue(catalogue_path)
    lookup = workbook_lookup(registry_path, catalogue)  # files, or references such as XTL@approved
    base_in, ours_in, theirs_in = (
        lookup.workbook(path, what=f"the workbook of {role}")
        for path, role in zip(inputs, ("BASE (the last agreed matrix)", "OURS (the experts' copy)",
                                       "THEIRS (the State's return)"), strict=True)
    )
    result = merge(base_in, ours_in, theirs_in, prefer=prefer, catalogue=catalogue)  # type: ignore[arg-type]
    for side, path, other in (("OURS", ours, result.ours), ("THEIRS", theirs, result.theirs)):
        newer = newer_than((f"BASE ({base.name})", matrix_dates(result.base)),
                           (f"{side} ({path.name})", matrix_dates(other)))
        if newer:
            click.echo(f"Warning: {newer}; BASE should be the oldest of the three, the last agreed version "
                       "(matrix-tools merge BASE OURS THEIRS)", err=True)
    result = write_merge_workbook(result, output, inputs=inputs)
    text = (
        render_merge_json(result, output=output)
        if fmt == "json"
        else render_merge_text(result, output=output)
    )
    if report is None:
        click.echo(text, nl=False)
    else:
        write_text(report, text, inputs=[*inputs, output])
        count = len(result.conflicts)
        click.echo(
            f"Wrote {output} ({count} conflict{'s' if count != 1 else ''}) and the report {report}",
            err=True,
        )
    if result.conflicts:
        raise click.exceptions.Exit(EXIT_DATA)
