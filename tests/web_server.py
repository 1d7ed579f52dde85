"""Start the real ``matrix-tools serve`` in a child process for the server and browser tests."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ADDRESS = re.compile(r"http://127\.0\.0\.1:(\d+)/")


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def running_server(folder: Path, *args: str, timeout: float = 30.0) -> Iterator[Server]:
    """``matrix-tools serve --no-browser --port 0`` until the block ends (then Ctrl+C, by its pid)."""
    log = folder / "serve.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "matrix_tools", "serve", "--no-browser", "--port", "0",
                                    *args], stdout=sink, stderr=subprocess.STDOUT, cwd=folder, env=env)
    try:
        deadline = time.monotonic() + timeout
        while not (match := ADDRESS.search(log.read_text(encoding="utf-8", errors="replace"))):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"matrix-tools serve did not start: {log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield Server(match.group(0), int(match.group(1)), process, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
