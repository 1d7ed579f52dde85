"""Serve the page with waitress on 127.0.0.1 only, open the browser, stop cleanly on Ctrl+C.

waitress is a pure-Python WSGI server (no C extension, the same on Windows, macOS and
Linux) with a thread pool, request-size limits and no debug console. The address is fixed
to 127.0.0.1: there is no option to serve on another interface, so the page can never be
reached from the network.
"""

from __future__ import annotations

import errno
import signal
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

from matrix_tools.errors import UsageError
from matrix_tools.web.app import FORM_OVERHEAD, UPLOAD_LIMIT, create_app

HOST = "127.0.0.1"
DEFAULT_PORT = 8540
THREADS = 4


def serve(*, port: int = DEFAULT_PORT, open_browser: bool = True, registry: Any = None,
          echo: Callable[[str], None] = print, debug: bool = False, any_free_port: bool = False) -> None:
    """Run the page until Ctrl+C (or SIGTERM); prints the address first.

    ``any_free_port``: when ``port`` is taken, take a free one instead of failing (the command
    does so when no --port was given: a person double-clicking twice still gets a page).
    """

    app = create_app(registry=registry, debug=debug)
    try:
        server = _listen(app, port)
    except UsageError as exc:
        if not (any_free_port and exc.code == "port-in-use"):
            raise
        server = _listen(app, 0)
        echo(f"Port {port} is in use on this computer; using port {server.effective_port} instead.")
    actual = int(server.effective_port)
    app.extensions["matrix_tools"].port = actual
    url = f"http://{HOST}:{actual}/"
    echo(f"matrix-tools is serving the page at {url} (this computer only).")
    echo("Open that address in your browser. Press Ctrl+C here to stop.")
    if registry is not None:
        echo(f"Registry: {registry}")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    _stop_on_signals()
    server.run()  # returns on Ctrl+C (waitress catches KeyboardInterrupt and stops its threads)
    server.close()
    echo("Stopped.")


def _listen(app: Any, port: int) -> Any:
    """A waitress server on 127.0.0.1:``port``; a taken or refused port is a one-line UsageError."""
    from waitress import create_server


    try:
        return create_server(
            app, host=HOST, port=port, threads=THREADS, ident="matrix-tools",
            # waitress refuses far larger bodies itself; the page answers up to this with its own message
            max_request_body_size=2 * (UPLOAD_LIMIT + FORM_OVERHEAD),
            clear_untrusted_proxy_headers=True, expose_tracebacks=False,
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is already in use on this computer (is matrix-tools serve already running? "
                f"then open http://{HOST}:{port}/), or choose another port with --port N (--port 0 picks a free one)",
                code="port-in-use") from None
        raise UsageError(f"cannot listen on {HOST}:{port} ({exc.strerror}): choose another port with --port N",
                         code="port-refused") from None


def _stop_on_signals() -> None:
    """Ctrl+C (SIGINT) and SIGTERM stop the server (main thread only).

    SIGINT is set explicitly: a process started in the background by a script inherits it
    ignored, and would then not stop on Ctrl+C or ``kill -INT``.
    """
    if threading.current_thread() is not threading.main_thread():
        return

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
