"""``matrix-tools export FILE``: the canonical JSON or CSV form of one matrix workbook."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.commands.options import (
    catalogue_option,
    output_format,
    registry_option,
    workbook_lookup,
)
from matrix_tools.export import export_matrix, render_export_csv, render_export_json
from matrix_tools.reading.parse import load_matrix
from matrix_tools.safety import encodable, one_line
from matrix_tools.writing.output import check_output_path, write_bytes, write_text

FORMATS = {"json": ".json", "csv": ".csv"}  # format -> the file name ending it goes with


@click.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
              help="json: the full canonical form; csv: one line per field and column. "
                   "Default: from the -o name (.json, .csv), else json.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of the screen.")
@catalogue_option
@registry_option
def command(file: Path, fmt: str | None, output: Path | None, catalogue_path: Path | None,
            registry_path: Path | None) -> None:
    """Read a matrix workbook and write every field with its value and cell.

    Every field and column of the catalogue is listed, blanks included, each with the cell
    it came from, like 'OP2 NW'!D12. Rows the catalogue does not know (a comment row a State
    inserted) and the header items are listed too. A CSV file opens in Excel as it is.

    Example:

        matrix-tools export samples/examplia.xlsx -o examplia.csv

        matrix-tools export XTL@approved -o testland.json
    """
    if output is not None:
        check_output_path(output, [file])  # refuse before reading anything
    fmt = export_format(fmt, output)
    item = workbook_lookup(registry_path).workbook(file)  # a file, or a reference such as XTL@approved
    matrix = load_matrix(item, catalogue_path) if isinstance(item, Path) else item
    data = export_matrix(matrix)
    text = render_export_json(data) if fmt == "json" else render_export_csv(data)
    if output is None:
        click.echo(encodable(text), nl=False)
        return
    if fmt == "csv":  # a byte-order mark, so Excel on Windows reads accents right
        write_bytes(output, encodable(text).encode("utf-8-sig"), inputs=[file])
    else:
        write_text(output, text, inputs=[file])
    click.echo(f"Wrote {len(data['entries'])} entries of {one_line(matrix.state.name or file.name)} to {output}", err=True)



def export_format(fmt: str | None, output: Path | None) -> str:
    """The export format from --format and the -o name (``options.output_format``)."""
    return output_format(fmt, output, {ending: name for name, ending in FORMATS.items()}, what="export",
                         default="json")
