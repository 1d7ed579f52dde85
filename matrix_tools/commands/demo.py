"""``matrix-tools demo``: the main jobs on the bundled sample States, shown as the commands a
person would type, so the demo doubles as a tutorial."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from matrix_tools.errors import InputError

# Each step: (what it shows, the command's arguments). "{samples}" and "{out}" are folders.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("A blank matrix workbook for a new State, with drop-downs for the marks",
     ("template", "--state", "Republic of Testland", "--iso3", "XTL", "--date-of-report", "12 October 2004",
      "-o", "{out}/template-testland.xlsx")),
    ("Everything read from one workbook, each value with its cell",
     ("export", "{samples}/examplia.xlsx", "--format", "csv", "-o", "{out}/examplia-export.csv")),
    ("Validation of a clean matrix",
     ("validate", "{samples}/examplia.xlsx", "{samples}/nordmark.xlsx")),
    ("Validation of the workbook Testland returned, with an annotated copy",
     ("validate", "{samples}/testland-returned.xlsx", "--annotate", "{out}/testland-returned-annotated.xlsx")),
    ("What Testland changed since the approved matrix: the consultation report",
     ("diff", "{samples}/testland-approved.xlsx", "{samples}/testland-returned.xlsx",
      "--format", "xlsx", "-o", "{out}/testland-changes.xlsx")),
    ("The same change report as a web page and as Markdown",
     ("diff", "{samples}/testland-approved.xlsx", "{samples}/testland-returned.xlsx",
      "--format", "html", "-o", "{out}/testland-changes.html")),
    ("", ("diff", "{samples}/testland-approved.xlsx", "{samples}/testland-returned.xlsx",
          "--format", "md", "-o", "{out}/testland-changes.md")),
    ("Merge: approved matrix + experts' working copy + Testland's return, with a conflict agenda",
     ("merge", "{samples}/testland-approved.xlsx", "{samples}/testland-working.xlsx",
      "{samples}/testland-returned.xlsx", "-o", "{out}/testland-merged.xlsx")),
    ("All States in one table for analysis, with coverage charts",
     ("consolidate", "{samples}/examplia.xlsx", "{samples}/nordmark.xlsx", "{samples}/testland-approved.xlsx",
      "-o", "{out}/all-states.xlsx")),
    ("A scheduled run over a folder of submissions, against the approved baselines",
     ("batch", "{out}/inbox", "--baseline", "{out}/approved", "-o", "{out}/batch")),
)


def find_samples(start: Path) -> Path | None:
    """The bundled samples folder: ./samples, or the one of the checkout this package runs from."""
    for candidate in (start / "samples", Path(__file__).resolve().parents[2] / "samples"):
        if (candidate / "examplia.xlsx").is_file():
            try:  # shown in the printed commands: keep them short and copyable
                return candidate.resolve().relative_to(start.resolve())
            except ValueError:
                return candidate
    return None


@click.command("demo")
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("demo-output"), show_default=True, help="Folder for the demo's outputs.")
@click.option("--samples", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of sample workbooks (default: the bundled samples/).")
@click.pass_context
def command(ctx: click.Context, out: Path, samples: Path | None) -> None:
    """Run the main jobs on the bundled sample States and show where the outputs are.

    Each step prints the command it runs, so you can run it yourself on your own files.

    Example:

        matrix-tools demo -o demo-output
    """

    samples = samples or find_samples(Path.cwd())
    if samples is None:
        raise InputError("the sample workbooks were not found: run the demo from the matrix-tools folder "
                         "(where samples/ is), or pass --samples FOLDER")
    out.mkdir(parents=True, exist_ok=True)
    _stage_folders(samples, out)
    root = ctx.find_root().command
    results = []
    for title, args in STEPS:
        argv = [a.format(samples=samples.as_posix(), out=out.as_posix()) for a in args]
        if title:
            click.secho(f"\n== {title}", bold=True)
        click.secho("$ matrix-tools " + " ".join(shlex.quote(a) for a in argv), fg="cyan")
        code = _run(root, argv)
        results.append((argv[0], code))
        if code not in (0, 1):
            click.secho(f"   (this step ended with exit code {code})", fg="red")
    click.secho(f"\nDone. The outputs are in {out.resolve()}:", bold=True)
    for path in sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")):
        click.echo(f"  {path.relative_to(out)}")
    click.echo("\nThe same jobs in a browser, without typing commands: matrix-tools serve")
    failed = [name for name, code in results if code not in (0, 1)]
    if failed:
        raise click.exceptions.Exit(3)


# The batch step reads a folder of submissions as a scheduled job would find it, and the
# approved matrices as its baseline: staged from the samples (copies; samples stay untouched).
INBOX = ("examplia.xlsx", "nordmark.xlsx", "testland-returned.xlsx")
APPROVED = ("testland-approved.xlsx",)


def _stage_folders(samples: Path, out: Path) -> None:
    import shutil

    for folder, names in (("inbox", INBOX), ("approved", APPROVED)):
        target = out / folder
        target.mkdir(exist_ok=True)
        for name in names:
            shutil.copyfile(samples / name, target / name)


def _run(root: click.Command, argv: list[str]) -> int:
    """Run one command in this process; its exit code (0 ok, 1 findings/conflicts, ...)."""
    try:
        code = root.main(args=argv, prog_name="matrix-tools", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return code if isinstance(code, int) else 0
