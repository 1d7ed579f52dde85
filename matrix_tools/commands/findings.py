"""``matrix-tools findings``: list every kind of finding validate can report."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.reports.findings import (
    render_catalogue_json,
    render_catalogue_md,
    render_catalogue_text,
)
from matrix_tools.validation.findings import load_finding_catalogue
from matrix_tools.writing.output import write_text


@click.command("findings")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True,
              help="text: for reading; json: for programs; md: the Markdown table of the README.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of the screen.")
def command(fmt: str, output: Path | None) -> None:
    """List every kind of finding: code, default severity, title and what it means.

    Codes are stable: use them in a matrix-tools.json configuration file to change a
    severity or switch a finding off, e.g. {"severity": {"source-missing": "error"}}.

    Example:

    \b
        matrix-tools findings --format md
    """

    kinds = load_finding_catalogue()
    render = {"text": render_catalogue_text, "json": render_catalogue_json, "md": render_catalogue_md}[fmt]
    text = render(kinds)
    if output is None:
        click.echo(text, nl=False)
        return

    write_text(output, text)
    click.echo(f"Wrote {len(kinds)} finding types to {output}", err=True)
