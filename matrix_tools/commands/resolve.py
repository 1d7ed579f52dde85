"""``matrix-tools resolve MERGED.xlsx -o FINAL.xlsx``: apply the decisions of a conflict agenda."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import catalogue_option
from matrix_tools.errors import EXIT_DATA, OutputError
from matrix_tools.merging.resolve import resolve
from matrix_tools.reports.resolve import (
    render_resolve_json,
    render_resolve_text,
    write_final_workbook,
)
from matrix_tools.writing.output import check_output_path, write_text


@click.command("resolve")
@click.argument("merged", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The final matrix workbook to write (.xlsx); never the merged workbook itself.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the record of decisions to this file instead of the screen.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format of the record of decisions.")
@catalogue_option
def command(merged: Path, output: Path, report: Path | None, fmt: str, catalogue_path: Path | None) -> None:
    """Apply the decisions written in a merged workbook's Conflicts sheet and write the final matrix.

    For each conflict, write in the Decision column ours (the experts' copy), theirs (the
    State's return) or base (the last agreed matrix), or type the new text in the Decided value
    column. Cells corrected by hand in the table sheets are kept. When every conflict is
    decided, FINAL is written as a clean matrix workbook (no Conflicts or Changes applied
    sheets) and the record of decisions is shown (or written with --report).

    Exit codes: 0 all decided, FINAL written; 1 a conflict is undecided or its decision is not
    understood (they are listed, nothing is written); 3 the workbook cannot be read.

    Example:

        matrix-tools resolve merged.xlsx -o final.xlsx --report decisions.json --format json
    """

    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"cannot write {output}: the final workbook must be an .xlsx file")
    check_output_path(output, [merged])
    if report is not None:
        check_output_path(report, [merged, output])
    result = resolve(merged, catalogue=load_catalogue(catalogue_path))
    if result.ok:
        write_final_workbook(result, output, inputs=[merged])
    render = render_resolve_json if fmt == "json" else render_resolve_text
    text = render(result, output=output)
    if report is None or not result.ok:
        # Problems always reach the screen: the person has to fix them in the agenda.
        click.echo(text, nl=False, err=not result.ok and report is not None)
    if report is not None and result.ok:
        write_text(report, text, inputs=[merged, output])
        count = len(result.decided)
        click.echo(f"Wrote {output} ({count} decision{'s' if count != 1 else ''}) and the record {report}", err=True)
    if not result.ok:
        raise click.exceptions.Exit(EXIT_DATA)
