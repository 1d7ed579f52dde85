"""``matrix-tools template``: write a blank matrix workbook for a State."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import catalogue_option
from matrix_tools.writing.template import check_iso3, check_state_name, write_template


@click.command(name="template")
@click.option(
    "--state", "state", required=True, help='The State\'s name, e.g. "Republic of Testland".'
)
@click.option(
    "--iso3", default=None, metavar="XXX", help="ISO 3166 alpha-3 code of the State, e.g. DEU."
)
@catalogue_option
@click.option(
    "--date-of-report",
    default=None,
    metavar="DATE",
    help='Date of the first national report, e.g. "12 October 2004".',
)
@click.option(
    "--additional-report",
    "additional_reports",
    multiple=True,
    metavar="DATE",
    help="Date of an additional report (addendum); repeat for several.",
)
@click.option(
    "--approval",
    default=None,
    metavar="DATE",
    help="Date of Committee approval (makes the title APPROVED).",
)
@click.option(
    "--title", default=None, help='Title of the matrix (default "DRAFT 1540 COMMITTEE MATRIX").'
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The workbook to write (.xlsx). An existing file is replaced.",
)
def command(
    state: str,
    iso3: str | None,
    catalogue_path: Path | None,
    date_of_report: str | None,
    additional_reports: tuple[str, ...],
    approval: str | None,
    title: str | None,
    output: Path,
) -> None:
    """Write a blank matrix workbook for a State: an About sheet, a Legend and one sheet per
    table with drop-down lists for the marks (X, ?, NA).

    \b
    Example:
      matrix-tools template --state "Republic of Testland" --iso3 XTL -o testland.xlsx
    """

    catalogue = load_catalogue(catalogue_path)
    name = check_state_name(state)
    code = check_iso3(iso3)
    existed = output.exists()
    write_template(
        output,
        name,
        code,
        catalogue=catalogue_path,
        date_of_report=date_of_report,
        additional_reports=additional_reports,
        approval=approval,
        title=title,
    )
    who = f"{name} ({code})" if code else name
    click.echo(
        f"Wrote template for {who}: {len(catalogue.tables)} tables, "
        f"{catalogue.mark_field_count} mark fields -> {output}"
        + (" (replaced the earlier file)" if existed else "")
    )
    if not code:
        click.echo(
            "Note: no --iso3 given; the ISO code cell on the About sheet is left blank.", err=True
        )
