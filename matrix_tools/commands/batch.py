"""``matrix-tools batch DIR``: validate a folder of submissions unattended, with a summary."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from matrix_tools.batching.registry_run import batch_with_registry
from matrix_tools.batching.run import batch
from matrix_tools.commands.options import catalogue_option, registry_mode_option
from matrix_tools.reports.batch import status_label
from matrix_tools.safety import one_line, printable
from matrix_tools.writing.output import check_output_path


@click.command("batch")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--baseline", type=click.Path(path_type=Path), default=None,
              help="Folder of the last approved matrices: each State is compared with its own (matched by ISO code).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Folder for the reports (created if needed): summary.json, summary.xlsx, junit.xml and "
                   "states/<ISO>/... Without it only the summary is shown.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Files read at the same time (default: the number of processors, at most 8).")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), default=None,
              help="Also write the JUnit XML report to this file (for CI dashboards).")
@click.option("--full", is_flag=True,
              help="Read every file again, even those unchanged since the last run into the same output folder.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="Configuration file (JSON). Without it the built-in settings are used; a matrix-tools.json "
                   "inside FOLDER is never used (submissions do not choose the checks).")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit with code 1 when a State has a finding of this severity or worse.")
@click.option("--timeout", type=click.FloatRange(min=1), default=120.0, show_default=True, metavar="SECONDS",
              help="Seconds one file may take to read before it is stopped and reported.")
@click.option("--memory-mb", type=click.IntRange(min=256), default=2048, show_default=True, metavar="MB",
              help="Memory (MB of address space) a reading process may use; a file needing more is reported.")
@registry_mode_option
@catalogue_option
def command(
    folder: Path,
    baseline: Path | None,
    output: Path | None,
    jobs: int | None,
    junit_path: Path | None,
    full: bool,
    config_path: Path | None,
    fail_on: str,
    timeout: float,
    memory_mb: int,
    registry_path: str | None,
    catalogue_path: Path | None,
) -> None:
    """Validate every matrix workbook in FOLDER: for nightly or weekly jobs (cron, CI).

    Each workbook is read in a separate process with time and memory limits, so a damaged or
    hostile file is reported and never stops the others. Every file in FOLDER is accounted
    for: a file that is not an .xlsx workbook (.xls, .ods, PDF, Word...) is refused with what
    to do; only Excel lock files (~$...), hidden files, matrix-tools' own files and
    sub-folders are skipped, each with its reason. Two files for the same State are both
    refused. With --baseline, each State is compared with its last approved matrix.

    Files unchanged since the last run into the same output folder are not read again
    (their earlier results are reused); --full reads everything.

    Exit codes: 0 all good; 1 a State has findings at or above --fail-on; 2 wrong usage (e.g.
    FOLDER is a file, or holds nothing to check); 3 a file could not be processed (unreadable,
    unsafe, not an .xlsx workbook, or a second file for one State). The worst wins.

    Examples:

    \b
        matrix-tools batch incoming/ -o reports/
        matrix-tools batch incoming/ --baseline approved/ -o reports/ --junit junit.xml
        matrix-tools batch incoming/ -o reports/ --registry

    With --registry, every submission that could be read is recorded in the registry as
    received, and (without --baseline) each State is compared with its version ISO@approved.
    """
    if junit_path is not None:
        check_output_path(junit_path)  # a folder or a missing folder: say so before the run, not after
    options: dict[str, Any] = dict(jobs=jobs, full=full, config=config_path, catalogue=catalogue_path,
                                   fail_on=fail_on, junit=junit_path, timeout=timeout, memory_mb=memory_mb)
    recorded: tuple[Any, ...] = ()
    with _progress() as progress:
        if registry_path is None:
            result = batch(folder, baseline=baseline, output=output, progress=progress, **options)
        else:
            run = batch_with_registry(folder, registry=registry_path or None, baseline=baseline, output=output,
                                      progress=progress, **options)
            result, recorded = run.result, run.recorded
            if baseline is None:
                staged = ", ".join(run.baselines) or "none approved yet"
                click.echo(f"Baselines from the registry (ISO@approved): {staged}", err=True)
    click.echo(printable(render_overview(result.document)), nl=False)
    if registry_path is not None:
        for item in recorded:
            click.echo(one_line(f"  Registry: {item.file}: {item.ref + ' ' if item.ref else ''}{item.message}"))
    if result.output:
        click.echo(f"Reports written to {result.output} (open summary.xlsx).", err=True)
    raise click.exceptions.Exit(result.exit_code)


def render_overview(document: dict[str, Any] | Any) -> str:
    """What the command prints: totals, then one line per State that needs attention."""
    summary = document["summary"]
    lines = [
        f"{summary['files']} file(s) checked: {summary['ok']} OK, {summary['warnings']} with warnings only, "
        f"{summary['errors']} with errors, {summary['unreadable']} not readable, "
        f"{summary['duplicate']} refused (more than one file for a State); {summary['skipped']} skipped, "
        f"{summary['reused']} unchanged since the last run."
    ]
    if document["run"].get("baseline"):
        lines.append(f"{summary['changed_since_baseline']} of {summary['compared_with_baseline']} State(s) "
                     "compared with their baseline have changes.")
    attention = [s for s in document["states"] if s["status"] in ("errors", "unreadable", "duplicate")]
    for state in attention:
        # Names, States and messages came from submissions: one line each, escapes visible.
        who = one_line(state["state"]["name"] or state["key"], width=120)
        if state["state"]["iso3"] and who != state["state"]["iso3"]:
            who += f" ({one_line(state['state']['iso3'], width=20)})"
        if state["error"]:
            detail = f"{one_line(state['error']['message'])} [{state['error']['code']}]"
        else:
            detail = f"{state['counts']['error']} error(s), {state['counts']['warning']} warning(s)"
        lines.append(f"  {status_label(state['status'])}: {one_line(state['file'], breaks=None)}: {who}: {detail}")
    for item in document.get("skipped", ()):
        lines.append(f"  Skipped: {one_line(item['file'], breaks=None)}: {one_line(item['reason'])}")
    verdict = {0: "OK", 1: "FAILED (data problems)", 3: "FAILED (files could not be processed)"}
    lines.append(f"{verdict.get(summary['exit_code'], 'FAILED')}: exit code {summary['exit_code']}.")
    return "\n".join(lines) + "\n"


@contextmanager
def _progress() -> Iterator[Callable[[int, int, Any], None]]:
    """A rich progress bar on a terminal; plain log lines on stderr otherwise (cron, CI)."""
    if sys.stderr.isatty() and "MATRIX_TOOLS_PLAIN" not in os.environ:
        from rich.markup import escape
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        bar = Progress(TextColumn("Checking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       TextColumn("{task.description}"), transient=True)
        task = bar.add_task("", total=None)

        def update(done: int, total: int, entry: Any) -> None:
            # rich reads [..] as markup: a file named "[blink]..." must show as it is.
            bar.update(task, completed=done, total=total, description=escape(one_line(entry.file, breaks=None)))

        with bar:
            yield update
        return

    def log(done: int, total: int, entry: Any) -> None:
        if entry.error:
            what = f"{entry.status}: {entry.error['code']}"
        else:
            what = f"{entry.status} ({entry.counts.get('error', 0)} errors, {entry.counts.get('warning', 0)} warnings)"
        reused = ", unchanged" if entry.reused else ""
        click.echo(f"[{done}/{total}] read {one_line(entry.file, breaks=None)}: {one_line(entry.key, breaks=None)}: "
                   f"{what}{reused}", err=True)

    yield log
