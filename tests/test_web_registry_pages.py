"""Resolve and Registry pages: "not available" while absent; against the interface once present."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from matrix_tools.reading.parse import load_matrix
from web_client import APPROVED, RETURNED, csrf_token, error_line, links, make_app, post


def test_resolve_and_registry_say_plainly_they_are_not_available_in_this_version(tmp_path, monkeypatch):
    monkeypatch.setattr("matrix_tools.web.registry_pages.capability", lambda name: None)
    app, _root = make_app(tmp_path, registry=tmp_path / "registry.sqlite")
    client = app.test_client()
    token = csrf_token(client)
    for response in (client.get("/resolve"), client.get("/registry"), client.get("/registry/XTL"),
                     post(client, "/resolve", {"merged": APPROVED}, token=token),
                     post(client, "/registry/add", {"file": APPROVED}, token=token)):
        assert response.status_code == 501
        assert "not available in this version of matrix-tools" in error_line(response.get_data(as_text=True))


def test_the_capability_is_found_only_among_the_public_twins():
    from matrix_tools.web.registry_pages import capability

    assert capability("diff") is not None
    assert capability("no_such_twin") is None


@dataclass
class FakeVersion:
    ref: str
    iso3: str
    state: str
    status: str
    path: Path
    note: str = ""
    added: str = "2026-12-01"
    sha256: str = "ab" * 32


@dataclass
class FakeRegistry:
    """The interface of registry_pages' docstring, on sample files."""

    path: Path
    versions: list[FakeVersion] = field(default_factory=list)
    added: list[tuple[str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.versions = [FakeVersion("XTL@1", "XTL", "Republic of Testland", "approved", APPROVED),
                         FakeVersion("XTL@2", "XTL", "Republic of Testland", "received", RETURNED,
                                     note="<b>returned</b>")]

    def list(self, iso: str | None = None) -> list[FakeVersion]:
        return [v for v in self.versions if iso is None or v.iso3 == iso]

    def get(self, ref: str) -> Any:
        return load_matrix(next(v.path for v in self.versions if v.ref == ref))

    def add(self, path: Path, *, status: str, note: str, name: str) -> FakeVersion:
        assert path.is_file()
        self.added.append((name, status, note))
        version = FakeVersion(f"XTL@{len(self.versions) + 1}", "XTL", "Republic of Testland", status, path, note)
        self.versions.append(version)
        return version


@pytest.fixture
def registry_app(tmp_path, monkeypatch):
    registries: list[FakeRegistry] = []
    shared = FakeRegistry(tmp_path / "registry.sqlite")

    def open_registry(path: Path) -> FakeRegistry:
        registries.append(shared)
        return shared

    monkeypatch.setattr("matrix_tools.web.registry_pages.capability",
                        lambda name: open_registry if name == "Registry" else None)
    app, _root = make_app(tmp_path, registry=tmp_path / "registry.sqlite")
    return app, shared


def test_the_registry_page_lists_versions_and_compares_two_by_clicking(registry_app):
    app, _shared = registry_app
    client = app.test_client()
    page = client.get("/registry").get_data(as_text=True)
    assert 'value="XTL@1"' in page and 'value="XTL@2"' in page
    assert "&lt;b&gt;returned&lt;/b&gt;" in page  # a note is text
    assert '<a href="/registry/XTL">' in page
    compared = client.get("/registry/compare?old=XTL@1&new=XTL@2")
    body = compared.get_data(as_text=True)
    assert compared.status_code == 200 and "23 changes: 19 cells (14 added, 5 changed)" in body
    assert links(body, "/download/")[0].endswith("/XTL-changes.xlsx")
    assert client.get("/registry/compare?old=XTL@1&new=../../etc").status_code == 400
    assert client.get("/registry/xtl").status_code == 404
    history = client.get("/registry/XTL").get_data(as_text=True)
    assert "first version" in history
    assert '<a href="/registry/compare?old=XTL@1&amp;new=XTL@2">since XTL@1</a>' in history


def test_a_received_workbook_is_added_after_it_was_read(registry_app, tmp_path):
    app, shared = registry_app
    client = app.test_client()
    response = post(client, "/registry/add", {"file": RETURNED}, {"status": "working", "note": "  from\nthe\tState "})
    assert response.status_code == 200 and "Added: XTL@3" in response.get_data(as_text=True)
    assert shared.added == [("testland-returned.xlsx", "working", "from the State")]
    refused = post(client, "/registry/add", {"file": (b"%PDF-1.7\n", "scan.xlsx")})
    assert refused.status_code == 422 and "scan.xlsx" in error_line(refused.get_data(as_text=True))
    assert len(shared.added) == 1  # nothing stored for an unreadable file


def test_without_a_registry_file_the_page_says_how_to_open_one(tmp_path, monkeypatch):
    monkeypatch.setattr("matrix_tools.web.registry_pages.capability", lambda name: object)
    app, _root = make_app(tmp_path)
    response = app.test_client().get("/registry")
    assert response.status_code == 200
    assert "matrix-tools serve --registry FILE" in error_line(response.get_data(as_text=True))


@dataclass(frozen=True)
class FakeDecision:
    table: str
    row_number: str
    label: str
    column: str
    cell: str
    decision: str = "theirs"
    value: str = ""


def test_the_resolve_page_offers_the_final_matrix_or_lists_what_is_undecided(tmp_path, monkeypatch):
    undecided: list[FakeDecision] = []

    @dataclass(frozen=True)
    class Result:
        decisions: tuple[FakeDecision, ...]
        undecided: tuple[FakeDecision, ...]

    def resolve(merged: Path, output: Path) -> Result:
        if not undecided:
            shutil.copyfile(merged, output)
        return Result((FakeDecision("OP1", "1", "NPT", "status", "'Conflicts'!H5"),), tuple(undecided))

    monkeypatch.setattr("matrix_tools.web.registry_pages.capability", lambda name: resolve)
    app, root = make_app(tmp_path)
    client = app.test_client()
    done = post(client, "/resolve", {"merged": APPROVED})
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "1 decision applied" in body
    final = client.get(links(body, "/download/")[0])
    assert final.data == APPROVED.read_bytes()
    undecided.append(FakeDecision("OP2 NW", "4", "Export controls", "source", "'Conflicts'!H6"))
    pending = post(client, "/resolve", {"merged": APPROVED})
    assert pending.status_code == 422
    assert "1 conflict still" in pending.get_data(as_text=True) and not links(pending.get_data(as_text=True), "/download/")
    assert list(root.iterdir()) == []
