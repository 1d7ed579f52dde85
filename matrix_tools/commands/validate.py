"""``matrix-tools validate FILE...``: check matrix workbooks and report findings cell by cell."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import (
    catalogue_option,
    echo_skipped,
    registry_option,
    workbook_lookup,
)
from matrix_tools.errors import EXIT_DATA, EXIT_INPUT, EXIT_OK
from matrix_tools.registry.lookup import is_reference
from matrix_tools.reports.findings import render_json, render_junit, render_text
from matrix_tools.safety import one_line, printable
from matrix_tools.submissions import expand_inputs, require_files
from matrix_tools.validation.config import DEFAULT_CONFIG, find_config, read_config
from matrix_tools.validation.engine import ValidationResult, validate_files, validate_matrix
from matrix_tools.validation.findings import Severity
from matrix_tools.writing.output import check_output_path, write_text


def annotate_targets(annotate: Path, files: list[Path]) -> list[Path]:
    """Where each annotated workbook goes: ``annotate`` itself for one file, else inside a folder."""
    if annotate.is_dir():
        return [annotate / f"{f.stem}.annotated.xlsx" for f in files]
    if len(files) != 1:
        raise click.UsageError(
            "--annotate names one workbook, but several files are validated: give an existing folder "
            "instead (one annotated workbook per file is written there)"
        )
    if annotate.suffix.lower() != ".xlsx":
        raise click.UsageError("--annotate must name an .xlsx file (or an existing folder)")

    check_output_path(annotate, files)  # a missing folder or an input path: refuse before working
    return [annotate]


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True,
              help="text: for people; json: for programs (schemas/validate.schema.json); junit: for CI dashboards.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the report to this file instead of the screen.")
@click.option("--annotate", type=click.Path(path_type=Path), default=None,
              help="Also write a copy of the matrix with every flagged cell highlighted and commented, "
                   "plus a Findings sheet (an .xlsx file; a folder when validating several files).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="Configuration file (JSON). By default matrix-tools.json beside the workbooks is used if present.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit with code 1 when a finding of this severity or worse is found.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, hidden=True,
              help="Date taken as today for the future-date check (for tests).")
@catalogue_option
@registry_option
def command(
    files: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    annotate: Path | None,
    config_path: Path | None,
    fail_on: str,
    today: dt.datetime | None,
    catalogue_path: Path | None,
    registry_path: Path | None,
) -> None:
    """Check matrix workbooks and report each finding with its cell.

    FILE may be a workbook or a folder: every file in a folder is checked, and a file that is
    not an .xlsx workbook (a legacy .xls, an .ods, a PDF...) is reported with what to do; only
    Excel lock files (~$...), hidden files and matrix-tools' own files are skipped, each with a
    line saying so. Findings are errors (the matrix is wrong or unreadable as a matrix),
    warnings (probably a mistake) and notes (information). Run `matrix-tools findings` for
    the list.

    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on;
    3 a file could not be read (the others are still checked and reported).

    Examples:

    \b
        matrix-tools validate samples/examplia.xlsx
        matrix-tools validate samples/ --format json -o report.json
        matrix-tools validate samples/testland-returned.xlsx --annotate checked.xlsx
        matrix-tools validate XTL@latest
    """
    import dataclasses

    inbox = expand_inputs(files, ignore=[p for p in (output, annotate) if p is not None])
    paths = list(require_files(inbox, files))
    echo_skipped(inbox)
    targets = annotate_targets(annotate, paths) if annotate is not None else []
    chosen = config_path or find_config(files)
    config = read_config(chosen) if chosen is not None else DEFAULT_CONFIG
    if chosen is not None and config_path is None:  # found beside the workbooks: say it is in force
        click.echo(f"Settings from {one_line(str(chosen), breaks=None)}", err=True)
    if today is not None:
        config = dataclasses.replace(config, today=today.date())
    threshold = Severity(fail_on)
    catalogue = None
    if catalogue_path is not None:
        catalogue = load_catalogue(catalogue_path)

    # References (XTL@latest) are read from the registry; files as always (a file that cannot be
    # read is a result of its own, so the others are still checked).
    lookup = workbook_lookup(registry_path, catalogue)
    results: list[ValidationResult] = []
    for path in paths:
        if is_reference(path):
            results.append(validate_matrix(lookup.registry().get(str(path), catalogue), config=config))
        else:
            results.extend(validate_files([path], config=config, catalogue=catalogue))

    if fmt == "json":
        text = render_json(results, threshold=threshold)
    elif fmt == "junit":
        text = render_junit(results, threshold=threshold)
    else:
        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_text(results, color=color, threshold=threshold)
        if not color:  # with colour, the renderer's own escapes must stay; it escapes each field
            text = printable(text)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text(output, text, inputs=paths)
        click.echo(f"Wrote the validation report of {len(results)} file(s) to {output}", err=True)

    if targets:
        # only --annotate needs the workbook writer: validating stays lean without it

        for result, target in zip(results, targets, strict=True):
            if result.matrix is None:
                click.echo(f"Not annotated: {one_line(result.path, breaks=None)} could not be read.", err=True)
                continue
            from matrix_tools.reports.annotate import (
                write_annotated_workbook,  # lazy: the writers, for --annotate only
            )

            write_annotated_workbook(target, result, inputs=paths)
            click.echo(f"Wrote the annotated workbook {target}", err=True)

    if any(r.error is not None for r in results):
        raise click.exceptions.Exit(EXIT_INPUT)
    raise click.exceptions.Exit(EXIT_DATA if any(r.failed(threshold) for r in results) else EXIT_OK)
