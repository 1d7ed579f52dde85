"""Refresh docs/serve.png and docs/serve-registry.png, the README's pictures of ``matrix-tools serve``.

Starts the page on a free port with a temporary registry of the three Testland samples,
compares the two Testland samples in headless Chromium (Debian's, at /usr/bin/chromium; no
browser download), then opens the registry's page of Testland, and saves the screenshots.
Run from the checkout: ``.venv/bin/python scripts/screenshot_serve.py``.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "serve.log"
        registry = Path(folder) / "matrix-registry.sqlite"
        for sample, status in (("approved", "approved"), ("working", "working"), ("returned", "received")):
            subprocess.run([sys.executable, "-m", "matrix_tools", "registry", "add",
                            str(ROOT / "samples" / f"testland-{sample}.xlsx"), "--status", status,
                            "--registry", str(registry)], check=True, cwd=ROOT, capture_output=True)
        with log.open("wb") as sink:
            server = subprocess.Popen([sys.executable, "-m", "matrix_tools", "serve", "--no-browser", "--port", "0",
                                       "--registry", str(registry)],
                                      stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            deadline = time.monotonic() + 30
            while not (match := re.search(r"http://127\.0\.0\.1:\d+/", log.read_text())):
                if server.poll() is not None or time.monotonic() > deadline:
                    print(log.read_text(), file=sys.stderr)
                    return 1
                time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1100, "height": 820})
                page.goto(match.group(0))
                page.set_input_files("input[name=old]", str(ROOT / "samples" / "testland-approved.xlsx"))
                page.set_input_files("input[name=new]", str(ROOT / "samples" / "testland-returned.xlsx"))
                page.click("button[type=submit]")
                page.frame_locator("iframe.report").locator("h1").wait_for()
                target = ROOT / "docs" / "serve.png"
                page.screenshot(path=str(target))
                page.goto(match.group(0) + "registry/XTL")
                page.frame_locator("iframe.report").locator("h1").wait_for()
                registry_target = ROOT / "docs" / "serve-registry.png"
                page.screenshot(path=str(registry_target))
                browser.close()
            print(f"Wrote {target} and {registry_target}")
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
