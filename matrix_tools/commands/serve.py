"""``matrix-tools serve``: the local web page (Compare, Check, Merge, Resolve, Registry)."""

from __future__ import annotations

from pathlib import Path

import click

from matrix_tools.web.server import DEFAULT_PORT, serve


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port on this computer (default 8540, or a free one if 8540 is taken; 0 picks a free one). "
                   "The page is only ever served on 127.0.0.1.")
@click.option("--no-browser", is_flag=True, help="Do not open the browser; only print the address.")
@click.option("--registry", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="MATRIX_TOOLS_REGISTRY",
              help="Registry file of versions to show on the Registry page (or set MATRIX_TOOLS_REGISTRY).")
@click.pass_context
def command(ctx: click.Context, port: int | None, no_browser: bool, registry: Path | None) -> None:
    """Open the matrix-tools page in your browser: compare, check, merge and resolve workbooks,
    and keep every version in the registry (with --registry), without typing commands.

    The page runs on this computer only (http://127.0.0.1:8540/): files you choose are
    never sent anywhere else, and are deleted as soon as the page has been made.
    Press Ctrl+C to stop.

    Example:

    \b
        matrix-tools serve
        matrix-tools serve --port 8600 --no-browser
    """

    debug = bool((ctx.find_root().obj or {}).get("debug"))
    serve(port=DEFAULT_PORT if port is None else port, any_free_port=port is None, open_browser=not no_browser,
          registry=registry, debug=debug, echo=lambda line: click.echo(line, err=True))
