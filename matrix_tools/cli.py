"""The ``matrix-tools`` command line: a thin click layer over the library.

Commands live in ``matrix_tools/commands/<name>.py`` and are imported only when run, so
``matrix-tools validate`` does not pay for pandas or openpyxl. Errors become one line on
stderr and the exit code of the contract (design.md): 0 ok, 1 data problems, 2 usage,
3 input could not be processed. ``--debug`` shows the traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from matrix_tools.errors import EXIT_INPUT, MatrixToolsError
from matrix_tools.safety import one_line

COMMANDS = {
    "template": "Write a blank matrix workbook for a State.",
    "export": "Read a matrix workbook and write its contents as JSON or CSV.",
    "validate": "Check matrix workbooks and report findings cell by cell.",
    "findings": "List every kind of finding validate can report.",
    "diff": "Compare two versions of a State's matrix: the change report for consultations.",
    "merge": "Three-way merge of the last agreed matrix, the experts' copy and the State's return.",
    "consolidate": "Combine many States' matrices into one table for analysis.",
    "batch": "Validate a folder of submissions unattended (cron, CI) with a summary.",
    "resolve": "Apply the decisions typed into a merge's Conflicts sheet and write the final matrix.",
    "registry": "Keep every version of every State's matrix: add, list, export, history, approve.",
    "serve": "Open the local web page: compare, check and merge workbooks in a browser.",
    "demo": "Run the main jobs on the bundled sample States and show where the outputs are.",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (start-up stays fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"matrix_tools.commands.{cmd_name}")
        command: click.Command = module.command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn errors into one line on stderr and the contract's exit code."""
        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except MatrixToolsError as exc:
            if debug:
                import traceback

                traceback.print_exc()
            click.echo(f"Error: {one_line(str(exc), breaks=None)}", err=True)  # a file name: every character shown
            raise click.exceptions.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            raise click.exceptions.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - the contract: no traceback reaches a user
            if debug:
                import traceback

                traceback.print_exc()
            text = one_line(str(exc), width=300, squeeze=True)
            click.echo(
                f"Error: could not complete the command ({type(exc).__name__}: {text}). "
                "Run again with --debug to see the details, and report it if the input looks fine.",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_INPUT) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help text from COMMANDS, so `matrix-tools --help` does not import every command.
        with formatter.section("Commands"):
            formatter.write_dl(list(COMMANDS.items()))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="matrix-tools", prog_name="matrix-tools")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """matrix-tools: generate, read, validate, diff and merge UN Security Council
    1540 Committee matrices held as Excel workbooks.

    Run `matrix-tools COMMAND --help` for the options of one command.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return cli.main(args=argv, prog_name="matrix-tools")
