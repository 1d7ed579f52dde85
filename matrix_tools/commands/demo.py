"""``matrix-tools demo``: the main jobs on the bundled sample States, shown as the commands a
person would type, so the demo doubles as a tutorial."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from matrix_tools.errors import InputError

# Each step: (what it shows, the command's arguments). "{samples}" and "{out}" are folders.
# DECIDE is not a command: the demo plays the expert who fills in the agenda.
DECIDE = "@decide"
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
    # The consultation cycle (README "The consultation cycle"): decide, resolve, keep every version.
    ("The consultation decides the conflict: the demo types 'theirs' in the Decision column of the "
     "Conflicts sheet, as an expert would in Excel",
     (DECIDE, "{out}/testland-merged.xlsx", "{out}/testland-decided.xlsx")),
    ("Resolve: the decisions applied, the final matrix written with a record of the decisions",
     ("resolve", "{out}/testland-decided.xlsx", "-o", "{out}/testland-final.xlsx",
      "--report", "{out}/testland-decisions.txt")),
    ("The registry keeps every version: the approved matrix, Testland's return, the final one",
     ("registry", "add", "{samples}/testland-approved.xlsx", "--status", "approved", "--received", "2019-05-01",
      "--registry", "{out}/matrix-registry.sqlite")),
    ("", ("registry", "add", "{samples}/testland-returned.xlsx", "--received", "2023-06-02",
          "--registry", "{out}/matrix-registry.sqlite")),
    ("", ("registry", "add", "{out}/testland-final.xlsx", "--status", "working",
          "--note", "agreed at the consultation", "--registry", "{out}/matrix-registry.sqlite")),
    ("The Committee approves the final version", ("registry", "approve", "XTL@latest",
                                                  "--registry", "{out}/matrix-registry.sqlite")),
    ("", ("registry", "list", "XTL", "--registry", "{out}/matrix-registry.sqlite")),
    ("References instead of files: what the new approved version changed since the previous one",
     ("diff", "XTL@1", "XTL@approved", "--registry", "{out}/matrix-registry.sqlite",
      "-o", "{out}/testland-approved-changes.md")),
    ("Testland's history: each version's changes, and when each mark was recorded",
     ("registry", "history", "XTL", "-o", "{out}/testland-history.xlsx", "--registry", "{out}/matrix-registry.sqlite")),
    ("Coverage over time from the registry: measures recorded per year and section, with a chart",
     ("consolidate", "--registry", "{out}/matrix-registry.sqlite", "-o", "{out}/coverage-over-time.xlsx")),
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
    # The demo's registry is its own output: start it afresh, so its three versions are the
    # cycle of this run (the final workbook's bytes differ from run to run: its creation time).
    for suffix in ("", "-wal", "-shm"):
        (out / f"matrix-registry.sqlite{suffix}").unlink(missing_ok=True)
    root = ctx.find_root().command
    results = []
    for title, args in STEPS:
        argv = [a.format(samples=samples.as_posix(), out=out.as_posix()) for a in args]
        if title:
            click.secho(f"\n== {title}", bold=True)
        if argv[0] == DECIDE:
            count = decide_all(Path(argv[1]), Path(argv[2]), "theirs")
            click.echo(f"   ({count} decision{'s' if count != 1 else ''} typed; saved as {argv[2]})")
            results.append((argv[0], 0))
            continue
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


def decide_all(merged: Path, out: Path, decision: str) -> int:
    """Type ``decision`` in every empty Decision cell of the agenda and save as ``out`` (what an
    expert does in Excel; openpyxl re-saves the demo's own merged workbook, never an input)."""
    import openpyxl

    wb = openpyxl.load_workbook(merged)
    ws = wb["Conflicts"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if any(c.value == "Decision" for c in r))
    col = next(c.column for c in header if c.value == "Decision")
    count = 0
    for r in range(header[0].row + 1, ws.max_row + 1):
        if ws.cell(r, 1).value and str(ws.cell(r, 1).value).isdigit() and not ws.cell(r, col).value:
            ws.cell(r, col).value = decision
            count += 1
    wb.save(out)
    return count
