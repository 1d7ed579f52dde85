"""``matrix-tools serve``: the real server on 127.0.0.1 only, its Host check, Ctrl+C, a busy port."""

from __future__ import annotations

import http.client
import signal
import socket
import urllib.request

import pytest
from click.testing import CliRunner

from matrix_tools.cli import cli
from web_server import running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve")) as running:
        yield running


def _get(port: int, host: str, path: str = "/") -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host})
    return connection.getresponse()


def test_serve_prints_its_loopback_address_and_serves_the_compare_page(server):
    assert server.url == f"http://127.0.0.1:{server.port}/"
    assert "Press Ctrl+C" in server.output()
    with urllib.request.urlopen(server.url, timeout=10) as response:
        page = response.read().decode("utf-8")
        assert response.status == 200 and response.headers["Server"] == "matrix-tools"
    assert 'action="/compare"' in page


def test_serve_refuses_a_foreign_host_header(server):
    refused = _get(server.port, "attacker.example")
    assert refused.status == 400 and b"only answers at http://127.0.0.1" in refused.read()
    assert _get(server.port, f"evil.example:{server.port}").status == 400  # DNS rebinding keeps the port
    assert _get(server.port, f"127.0.0.1:{server.port + 1}").status == 400
    assert _get(server.port, f"localhost:{server.port}").status == 200
    assert _get(server.port, f"127.0.0.1:{server.port}").status == 200


def test_serve_is_not_reachable_on_another_address(server):
    # Bound to 127.0.0.1 exactly: even another loopback address finds nothing (0.0.0.0 would answer).
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.2", server.port), timeout=5):
        pass
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        assert connection.getpeername() == ("127.0.0.1", server.port)


def test_ctrl_c_stops_the_server_cleanly(tmp_path):
    with running_server(tmp_path) as running:
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(15) == 0
        assert running.output().rstrip().endswith("Stopped.")
        assert "Traceback" not in running.output()
        with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", running.port), timeout=5):
            pass


def test_a_busy_port_is_a_one_line_usage_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: port {port} is already in use on this computer (is matrix-tools serve already running? "
        f"then open http://127.0.0.1:{port}/), or choose another port with --port N (--port 0 picks a free one)"]


def test_serve_opens_the_browser_unless_told_not_to(monkeypatch):
    opened: list[str] = []
    served: list[tuple[str, int]] = []

    class FakeServer:
        effective_port = 8540

        def run(self) -> None:  # returns at once, as after Ctrl+C
            pass

        def close(self) -> None:
            pass

    def create_server(app, *, host, port, **kwargs):
        served.append((host, port))
        return FakeServer()

    class Timer:  # the browser is opened at once instead of after half a second
        def __init__(self, _delay, func, args):
            self.func, self.args = func, args

        def start(self) -> None:
            self.func(*self.args)

    monkeypatch.setattr("waitress.create_server", create_server)
    monkeypatch.setattr("matrix_tools.web.server.threading.Timer", Timer)
    monkeypatch.setattr("matrix_tools.web.server.webbrowser.open", opened.append)
    monkeypatch.setattr("matrix_tools.web.server._stop_on_signals", lambda: None)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert opened == ["http://127.0.0.1:8540/"] and served == [("127.0.0.1", 8540)]
    assert "Stopped." in result.stderr
    opened.clear()
    assert CliRunner().invoke(cli, ["serve", "--no-browser", "--port", "9000"]).exit_code == 0
    assert opened == [] and served[-1] == ("127.0.0.1", 9000)


def test_serve_has_no_option_to_listen_elsewhere():
    from matrix_tools.commands.serve import command

    assert {p.name for p in command.params} == {"port", "no_browser", "registry"}
    help_text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text and "--host" not in help_text


def test_the_python_twin_is_the_same_server():
    import matrix_tools
    from matrix_tools.web.server import serve

    assert matrix_tools.serve is serve


def test_without_port_a_taken_default_port_gives_way_to_a_free_one(monkeypatch):
    import errno

    asked: list[int] = []

    class FakeServer:
        effective_port = 50123

        def run(self) -> None:
            pass

        def close(self) -> None:
            pass

    def create_server(app, *, host, port, **kwargs):
        asked.append(port)
        if port == 8540:
            raise OSError(errno.EADDRINUSE, "Address already in use")
        return FakeServer()

    monkeypatch.setattr("waitress.create_server", create_server)
    monkeypatch.setattr("matrix_tools.web.server._stop_on_signals", lambda: None)
    result = CliRunner().invoke(cli, ["serve", "--no-browser"])
    assert result.exit_code == 0, result.output
    assert asked == [8540, 0]
    assert "Port 8540 is in use on this computer; using port 50123 instead." in result.stderr
    assert "http://127.0.0.1:50123/" in result.stderr
    asked.clear()
    explicit = CliRunner().invoke(cli, ["serve", "--no-browser", "--port", "8540"])
    assert explicit.exit_code == 2 and asked == [8540]  # a port asked for is not silently changed
