"""The Registry pages against a real registry built in tmp_path with ``registry add`` of the samples."""

from __future__ import annotations

import re

import pytest

from helpers_registry import run
from matrix_tools.registry.store import Registry
from web_client import (
    APPROVED,
    EXAMPLIA,
    RETURNED,
    WORKING,
    csrf_token,
    error_line,
    links,
    make_app,
    post,
)


@pytest.fixture
def registry(tmp_path):
    """XTL@1 approved, XTL@2 working, XTL@3 received (with a note that looks like markup)."""
    path = tmp_path / "matrix-registry.sqlite"
    for sample, status, note in ((APPROVED, "approved", "approved 2023"), (WORKING, "working", "experts"),
                                 (RETURNED, "received", "<b>returned</b> by e-mail")):
        result = run("registry", "add", sample, "--status", status, "--note", note, "--registry", path)
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def client(tmp_path, registry):
    app, root = make_app(tmp_path, registry=registry)
    yield app.test_client()
    assert list(root.iterdir()) == []  # every private upload folder is gone


def refs(page: str) -> list[str]:
    return re.findall(r'<td class="cell" title="SHA-256 [0-9a-f]{64}">([A-Z]{3}@\d+)</td>', page)


def test_the_registry_page_lists_every_version_with_its_state_and_status(client):
    response = client.get("/registry")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert refs(page) == ["XTL@1", "XTL@2", "XTL@3"]
    assert page.count('<a href="/registry/XTL">') == 4  # the State, and each version's State, link to its history
    assert '<td class="status-approved">approved</td>' in page
    assert "testland-returned.xlsx" in page
    assert ('<li><a href="/registry/XTL">Republic of Testland (XTL)</a>: 3 versions; latest XTL@3 (received); '
            "approved XTL@1</li>") in " ".join(page.split()).replace("> <", "><")
    assert "&lt;b&gt;returned&lt;/b&gt; by e-mail" in page and "<b>returned</b>" not in page  # a note is text


def test_a_state_page_shows_its_history_as_the_command_writes_it(client, registry, tmp_path):
    response = client.get("/registry/XTL")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert refs(page) == ["XTL@1", "XTL@2", "XTL@3"]
    assert '<a href="/registry/compare?old=XTL@1&amp;new=XTL@2">since XTL@1</a>' in page
    assert '<a href="/registry/compare?old=XTL@2&amp;new=XTL@3">since XTL@2</a>' in page
    assert 'value="XTL@2" aria-label="old: XTL@2" checked' in page  # the last two are chosen to compare
    # the same history report as `registry history XTL -o FILE.html`, framed in the page
    cli_html = tmp_path / "history.html"
    assert run("registry", "history", "XTL", "-o", cli_html, "--registry", registry).exit_code == 0
    (framed,) = re.findall(r'<iframe class="report" title="History report" src="([^"]+)"', page)
    assert client.get(framed).data == cli_html.read_bytes()
    downloads = links(page, "/download/")
    assert [d.rsplit("/", 1)[1] for d in downloads] == ["XTL-history.xlsx", "XTL-history.html", "XTL-history.md",
                                                        "XTL-history.json"]
    assert client.get(downloads[0]).data.startswith(b"PK")


def test_two_versions_are_compared_by_clicking_with_the_report_of_diff(client, registry, tmp_path):
    response = client.get("/registry/compare?old=XTL@1&new=XTL@3")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "19 cells (14 added, 5 changed)" in page
    assert "<b>XTL@1</b> (old) and <b>XTL@3</b> (new)" in page
    assert "testland-approved.xlsx" in page and "testland-returned.xlsx" in page
    cli_html = tmp_path / "changes.html"
    assert run("diff", "XTL@1", "XTL@3", "-o", cli_html, "--registry", registry).exit_code in (0, 1)
    html = [d for d in links(page, "/download/") if d.endswith("XTL-changes.html")]
    assert client.get(html[0]).data == cli_html.read_bytes()
    # references as the commands take them
    latest = client.get("/registry/compare?old=XTL@approved&new=XTL@latest").get_data(as_text=True)
    assert "19 cells (14 added, 5 changed)" in latest


@pytest.mark.parametrize(("query", "status", "words"), [
    ("old=XTL@1&new=XTL@9", 400, "XTL@9: there is no version 9; stored: XTL@1, XTL@2, XTL@3"),
    ("old=XTL@1&new=../../etc/passwd", 400, "is not a version reference"),
    ("old=XTL@1", 400, "choose two versions to compare"),
    ("old=XTL@1&new=XYZ@1", 400, "holds no version of XYZ"),
])
def test_a_comparison_that_cannot_be_made_says_why_on_the_registry_page(client, query, status, words):
    response = client.get(f"/registry/compare?{query}")
    assert response.status_code == status
    assert words in error_line(response.get_data(as_text=True))
    assert refs(response.get_data(as_text=True)) == ["XTL@1", "XTL@2", "XTL@3"]  # the list is still there


def test_unknown_state_pages(client):
    assert client.get("/registry/xtl").status_code == 404
    missing = client.get("/registry/XYZ")
    assert missing.status_code == 404 and "holds no version of XYZ" in error_line(missing.get_data(as_text=True))


def test_a_received_workbook_is_stored_only_after_it_was_read(client, registry):
    added = post(client, "/registry/add", {"file": (EXAMPLIA.read_bytes(), "Examplia return 2026.xlsx")},
                 {"status": "working", "note": "  from\nthe\tState ", "received": "2026-06-02"})
    page = added.get_data(as_text=True)
    assert added.status_code == 200
    assert "Added <b>XEX@1</b>" in page and "Examplia return 2026.xlsx" in page
    with Registry(registry, create=False) as store:
        version = store.find("XEX@latest")
        assert (version.file_name, version.status, version.note) == ("Examplia return 2026.xlsx", "working",
                                                                      "from the State")
        assert version.received.isoformat() == "2026-06-02"
        assert store.read_bytes(version) == EXAMPLIA.read_bytes()  # byte for byte
    again = post(client, "/registry/add", {"file": EXAMPLIA})
    assert "Already stored: this workbook has the same bytes as <b>XEX@1</b>" in " ".join(
        again.get_data(as_text=True).split())
    for bad, status in (({"file": (b"%PDF-1.7\n", "scan.xlsx")}, 422), ({}, 400)):
        refused = post(client, "/registry/add", bad)
        assert refused.status_code == status
        assert "scan.xlsx" in error_line(refused.get_data(as_text=True)) or not bad
    wrong = post(client, "/registry/add", {"file": RETURNED}, {"received": "2 June"})
    assert wrong.status_code == 400 and "YYYY-MM-DD" in error_line(wrong.get_data(as_text=True))
    forged = post(client, "/registry/add", {"file": RETURNED}, {"note": "forged"}, token="not-the-token")
    assert forged.status_code == 403
    with Registry(registry, create=False) as store:
        assert [v.ref for v in store.versions()] == ["XEX@1", "XTL@1", "XTL@2", "XTL@3"]  # nothing else stored


def test_a_version_is_approved_with_the_form_token(client, registry):
    token = csrf_token(client, "/registry/XTL")
    forged = client.post("/registry/approve", data={"ref": "XTL@3", "csrf_token": "forged"})
    assert forged.status_code == 403
    approved = client.post("/registry/approve", data={"ref": "XTL@3", "csrf_token": token, "note": "meeting 12"})
    page = approved.get_data(as_text=True)
    assert approved.status_code == 200 and "Approved <b>XTL@3</b>" in page
    assert '<td class="status-approved">approved</td>' in page and page.count('aria-label="Approve XTL@') == 1  # XTL@2 only
    with Registry(registry, create=False) as store:
        assert store.find("XTL@approved").ref == "XTL@3"
    unknown = client.post("/registry/approve", data={"ref": "XTL@7", "csrf_token": token})
    assert unknown.status_code == 400 and "there is no version 7" in error_line(unknown.get_data(as_text=True))


def test_without_a_registry_the_page_says_how_to_open_one(tmp_path):
    app, _root = make_app(tmp_path)
    response = app.test_client().get("/registry")
    assert response.status_code == 200
    assert "matrix-tools serve --registry FILE" in error_line(response.get_data(as_text=True))


def test_a_registry_file_not_made_yet_is_made_by_the_first_workbook_added(tmp_path):
    path = tmp_path / "new-registry.sqlite"
    app, _root = make_app(tmp_path, registry=path)
    client = app.test_client()
    empty = client.get("/registry")
    assert empty.status_code == 200 and "No versions yet" in empty.get_data(as_text=True)
    assert not path.exists()  # looking creates nothing
    assert post(client, "/registry/add", {"file": APPROVED}).status_code == 200
    assert refs(client.get("/registry").get_data(as_text=True)) == ["XTL@1"]


def test_the_stored_versions_are_read_in_isolated_children(tmp_path, registry):
    app, _root = make_app(tmp_path, registry=registry, isolate=True)
    client = app.test_client()
    response = client.get("/registry/compare?old=XTL@1&new=XTL@2")
    assert response.status_code == 200, error_line(response.get_data(as_text=True))
    assert post(client, "/registry/add", {"file": EXAMPLIA}).status_code == 200


def test_the_registry_pages_keep_the_page_guarantees(client):
    foreign = client.get("/registry", headers={"Host": "evil.example:8540"})
    assert foreign.status_code in (400, 403) and "XTL@1" not in foreign.get_data(as_text=True)
    page = client.get("/registry/XTL")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    name = '<img src=x onerror=alert(1)>.xlsx'
    added = post(client, "/registry/add", {"file": (EXAMPLIA.read_bytes(), name)})
    body = added.get_data(as_text=True)
    assert added.status_code == 200 and "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;.xlsx" in body
    for href in links(client.get("/registry/XEX").get_data(as_text=True), "/download/"):
        assert client.get(href).headers["Content-Disposition"].startswith("attachment")


def test_a_stored_version_is_downloaded_byte_for_byte(client):
    page = client.get("/registry").get_data(as_text=True)
    assert '<a href="/registry/download/XTL@3" download' in page
    response = client.get("/registry/download/XTL@3")
    assert response.status_code == 200 and response.data == RETURNED.read_bytes()
    assert response.headers["Content-Disposition"] == "attachment; filename=XTL-version-3.xlsx"
    approved = client.get("/registry/download/XTL@approved")
    assert approved.data == APPROVED.read_bytes()
    missing = client.get("/registry/download/XTL@9")
    assert missing.status_code == 400 and "there is no version 9" in error_line(missing.get_data(as_text=True))
    assert client.get("/registry/download/..%2F..%2Fetc").status_code == 404
