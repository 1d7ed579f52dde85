"""``matrix-tools registry add|list|export|history|approve``: every version of every State."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from matrix_tools.registry.store import Registry

from matrix_tools.catalogue import load_catalogue
from matrix_tools.commands.options import catalogue_option, echo_skipped, registry_option
from matrix_tools.errors import EXIT_INPUT, MatrixToolsError, UsageError
from matrix_tools.registry.store import Registry
from matrix_tools.reports import registry as render
from matrix_tools.reports.registry import render_versions_json, render_versions_text
from matrix_tools.reports.textline import one_line
from matrix_tools.submissions import expand_inputs, require_files
from matrix_tools.writing.output import check_output_path, write_bytes, write_text

HISTORY_FORMATS = {".xlsx": "xlsx", ".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".txt": "text"}


def _open(registry_path: Path | None, *, create: bool = False) -> Registry:
    """The registry; it must exist unless ``create`` (only ``add`` makes a new one)."""
    return Registry(registry_path, create=create)


@click.group("registry")
def command() -> None:
    """Keep every version of every State's matrix in one registry file (SQLite).

    The registry is matrix-registry.sqlite in the current folder, or the file named by
    --registry PATH or the environment variable MATRIX_TOOLS_REGISTRY. Versions are named by
    references: XTL@latest (the last added), XTL@approved (the last approved), XTL@3 (version
    3), XTL@2023-06-02 (the last received on or before that date). Every command that takes a
    workbook (diff, merge, validate, export, consolidate) also takes a reference.

    \b
    Examples:
      matrix-tools registry add returned/testland.xlsx --note "returned after consultation"
      matrix-tools registry list XTL
      matrix-tools diff XTL@approved XTL@latest
      matrix-tools registry approve XTL@3
      matrix-tools registry history XTL -o testland-history.xlsx
    """


@command.command("add", short_help="Store workbooks as new versions of their States.")
@click.argument("files", nargs=-1, required=True, metavar="FILE_OR_FOLDER...", type=click.Path(path_type=Path))
@click.option("--status", type=click.Choice(["received", "working", "approved"]), default="received",
              show_default=True, help="received: a State's return; working: the experts' copy; approved: the Committee's.")
@click.option("--note", default="", help="A note kept with each version added (e.g. where it came from).")
@click.option("--received", "received", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date the version was received, YYYY-MM-DD (default: today). For adding an archive of older versions.")
@registry_option
@catalogue_option
def add(files: tuple[Path, ...], status: str, note: str, received: dt.datetime | None,
        registry_path: Path | None, catalogue_path: Path | None) -> None:
    """Store workbooks in the registry, each as a new version of its State.

    A folder stands for every file in it, as in validate (Excel's ~$ lock files, hidden files and
    matrix-tools' own files are skipped with a line saying so). Each file is
    checked and read as always; a file that cannot be read or is unsafe is reported and
    nothing of it is stored (exit code 3). The same bytes twice are stored once.
    """

    inbox = expand_inputs(files)
    paths = list(require_files(inbox, files))
    echo_skipped(inbox)
    catalogue = load_catalogue(catalogue_path)
    failed = 0
    with _open(registry_path, create=True) as registry:
        for path in paths:
            try:
                added = registry.add(path, status=status, note=note,
                                     received=received.date() if received else None, catalogue=catalogue)
            except MatrixToolsError as exc:
                if exc.exit_code != EXIT_INPUT:
                    raise
                failed += 1
                click.echo(f"Error: {one_line(str(exc))}; nothing stored", err=True)
                continue
            v = added.version
            if added.new:
                click.echo(f"Added {v.ref} ({one_line(v.state)}, {v.status}) from {one_line(path.name)}")
            else:
                hint = ""
                if status != "received" and status != v.status:
                    hint = f" (it is {v.status}: `matrix-tools registry approve {v.ref}` approves it)" \
                        if status == "approved" else f" (its status stays {v.status})"
                click.echo(f"Already stored: {one_line(path.name)} has the same bytes as {v.ref} "
                           f"(added {v.added_at} from {one_line(v.file_name)}); nothing added{hint}")
        where = registry.path
    click.echo(f"Registry: {where}", err=True)
    if failed:
        raise click.exceptions.Exit(EXIT_INPUT)


@command.command("list", short_help="One line per stored version.")
@click.argument("iso3", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@registry_option
def list_(iso3: str | None, fmt: str, registry_path: Path | None) -> None:
    """One line per stored version (of one State when ISO3 is given)."""
    with _open(registry_path) as registry:
        versions = registry.versions(iso3)
    click.echo((render_versions_json if fmt == "json" else render_versions_text)(versions), nl=False)


@command.command("export", short_help="Write a stored version to a file, byte for byte.")
@click.argument("ref")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write: the stored file, byte for byte.")
@registry_option
def export(ref: str, output: Path, registry_path: Path | None) -> None:
    """Write a stored version (REF, e.g. XTL@approved) to a file, exactly as it was added."""
    check_output_path(output)
    with _open(registry_path) as registry:
        version = registry.find(ref)
        data = registry.read_bytes(version)
        check_output_path(output, [registry.path])
        write_bytes(output, data, inputs=[registry.path])

    click.echo(f"Wrote {version.ref} ({one_line(version.file_name)}, SHA-256 {version.sha256[:12]}…) to {output}",
               err=True)


@command.command("approve", short_help="Mark a version approved (the Committee's decision).")
@click.argument("ref")
@click.option("--note", default="", help="A note kept with the approval (e.g. the Committee's meeting).")
@registry_option
def approve(ref: str, note: str, registry_path: Path | None) -> None:
    """Mark a version approved: the Committee's decision. XTL@approved then names it."""
    with _open(registry_path) as registry:
        before = registry.find(ref)
        version = registry.approve(before, note=note)
    if before.status == "approved":
        click.echo(f"{version.ref} was already approved; the approval is recorded again")
        return
    click.echo(f"Approved {version.ref} ({one_line(version.state)}, received {version.received}, "
               f"from {one_line(version.file_name)})")


@command.command("history", short_help="A State's timeline of versions, changes and marks.")
@click.argument("iso3")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the history to a file: .xlsx, .html, .md or .json (without it: text on the screen).")
@registry_option
def history(iso3: str, output: Path | None, registry_path: Path | None) -> None:
    """A State's timeline: per version what changed since the previous one, and per field when
    each mark was first recorded, changed or removed, with the version it came from."""

    fmt = "text"
    if output is not None:
        fmt = HISTORY_FORMATS.get(output.suffix.lower(), "")
        if not fmt:
            raise UsageError(f"cannot write {output}: name it .xlsx, .html, .md or .json")
        check_output_path(output)
    with _open(registry_path) as registry:
        timeline = registry.history(iso3)
        inputs = [registry.path]
    if fmt == "xlsx":
        assert output is not None
        render.write_history_xlsx(timeline, output, inputs=inputs)
    else:
        text = {"text": render.render_history_text, "md": render.render_history_md,
                "html": render.render_history_html, "json": render.render_history_json}[fmt](timeline)
        if output is None:
            click.echo(text, nl=False)
            return
        write_text(output, text, inputs=inputs)
    click.echo(f"Wrote the history of {timeline.iso3} ({len(timeline.steps)} versions) to {output}", err=True)
