"""The page in a real browser: Debian's headless Chromium driven by Playwright, against
``matrix-tools serve`` running in a child process.

Playwright's own browser download is never used (``executable_path`` points at the Debian
browser, installed by ``.ci/run`` when missing). One browser for the module keeps it quick.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import build_matrix
from inert import HOSTILE_TEXTS
from matrix_tools.writing.workbook import write_matrix_workbook
from web_client import APPROVED, RETURNED
from web_server import running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    assert executable, "Chromium is needed for the browser test: apt-get install chromium (.ci/run does it)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve-browser")) as running:
        yield running


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:
        # CSP violations and script errors count; a 4xx page the test asked for is not one
        if message.type == "error" and not message.text.startswith("Failed to load resource: the server "
                                                                    "responded with a status of 4"):
            problems.append(message.text)

    opened.on("console", on_console)

    def on_dialog(dialog) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    opened.on("dialog", on_dialog)
    opened.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    yield opened
    context.close()
    assert problems == []


def test_a_new_user_drops_two_samples_reads_the_report_and_downloads_the_xlsx(page, server, tmp_path):
    page.goto(server.url)
    assert page.title().startswith("Compare two versions")
    page.set_input_files("input[name=old]", str(APPROVED))
    page.set_input_files("input[name=new]", str(RETURNED))
    assert page.inner_text("label.drop >> nth=0").find("testland-approved.xlsx") > 0  # the script shows the name
    page.click("button[type=submit]")
    page.wait_for_selector("section.result")
    assert "23 changes: 19 cells (14 added, 5 changed)" in page.inner_text("section.result .sentence")
    report = page.frame_locator("iframe.report")
    assert report.locator("h1").inner_text() == "Changes in the 1540 matrix of Republic of Testland"
    assert report.locator("table.changes").count() >= 1
    page.screenshot(path=str(tmp_path / "serve.png"))
    assert (tmp_path / "serve.png").read_bytes().startswith(b"\x89PNG")

    with page.expect_download() as download_info:
        page.click("text=Change report for the consultation (Excel)")
    download = download_info.value
    assert download.suggested_filename == "XTL-changes.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    assert "Summary" in workbook.sheetnames


def test_a_hostile_upload_shows_one_line_and_the_page_keeps_working(page, server, tmp_path):
    bad = tmp_path / 'Narnia "final".xlsx'
    bad.write_bytes(b"Country,OP1,Status\r\nNarnia,npt,X\r\n")
    page.goto(server.url)
    page.set_input_files("input[name=old]", str(bad))
    page.set_input_files("input[name=new]", str(RETURNED))
    with page.expect_response(lambda r: r.url.endswith("/compare")) as response_info:
        page.click("button[type=submit]")
    response = response_info.value
    assert response.status == 422
    message = page.inner_text(".error .message")
    assert message.startswith('Narnia "final".xlsx: ') and "\n" not in message
    page.set_input_files("input[name=old]", str(APPROVED))
    page.set_input_files("input[name=new]", str(RETURNED))
    page.click("button[type=submit]")
    page.wait_for_selector("section.result")


def test_nothing_a_state_typed_runs_in_the_browser(page, server, tmp_path):
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    state = "<img src=x onerror=alert('state')>"
    write_matrix_workbook(old, build_matrix({("OP1.npt", "remarks"): "Ratified"}, state=state))
    write_matrix_workbook(new, build_matrix({("OP1.npt", "remarks"): " ".join(HOSTILE_TEXTS)}, state=state))
    page.goto(server.url)
    page.set_input_files("input[name=old]", str(old))
    page.set_input_files("input[name=new]", str(new))
    page.click("button[type=submit]")
    page.wait_for_selector("section.result")
    assert state in page.inner_text("section.result h2")  # shown as text
    report = page.frame_locator("iframe.report")
    assert "<script>alert(1)</script>" in report.locator("table.changes").inner_text()
    assert page.locator("section.result img").count() == 0 and report.locator("img").count() == 0
    # the `page` fixture fails the test if any dialog opened or any script error happened


DROP = """([selector, name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name));
  const area = document.querySelector(selector);
  area.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
  area.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


def test_workbooks_dropped_on_the_form_are_compared(page, server):
    import base64

    page.goto(server.url)
    for index, path in enumerate((APPROVED, RETURNED)):
        page.evaluate(DROP, [f"label.drop:nth-of-type({index + 1})", path.name,
                             base64.b64encode(path.read_bytes()).decode()])
    assert "testland-returned.xlsx" in page.inner_text("label.drop:nth-of-type(2)")
    page.click("button[type=submit]")
    page.wait_for_selector("section.result")
    assert "19 cells (14 added, 5 changed)" in page.inner_text("section.result .sentence")


@pytest.fixture(scope="module")
def registry_server(tmp_path_factory):
    from helpers_registry import run

    folder = tmp_path_factory.mktemp("serve-registry")
    registry = folder / "matrix-registry.sqlite"
    for sample, status in ((APPROVED, "approved"), (RETURNED, "received")):
        assert run("registry", "add", sample, "--status", status, "--registry", registry).exit_code == 0
    with running_server(folder, "--registry", str(registry)) as running:
        yield running


def test_the_registry_lists_a_state_and_two_versions_are_compared_by_clicking(page, registry_server, tmp_path):
    page.goto(registry_server.url + "registry")
    assert page.locator("table.versions-list tbody tr").count() == 2
    page.click("table.versions-list a[href='/registry/XTL'] >> nth=0")
    page.wait_for_selector("iframe.report")  # the State's history report, framed
    assert "History of the 1540 matrix" in page.frame_locator("iframe.report").locator("h1").inner_text()
    page.screenshot(path=str(tmp_path / "registry.png"), full_page=True)
    assert (tmp_path / "registry.png").read_bytes().startswith(b"\x89PNG")
    page.click("text=Compare the two chosen versions")  # the last two versions are chosen already
    page.wait_for_selector("section.result")
    assert "19 cells (14 added, 5 changed)" in page.inner_text("section.result .sentence")
    assert "XTL@1" in page.inner_text("section.result .note") and "XTL@2" in page.inner_text("section.result .note")
