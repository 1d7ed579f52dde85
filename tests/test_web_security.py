"""The page's guards: Host check (DNS rebinding), CSRF, headers, safe download names, inert text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import build_matrix
from inert import HOSTILE_TEXTS, assert_html_inert, assert_xlsx_inert
from matrix_tools.web.security import check_host, check_post, download_name
from matrix_tools.writing.workbook import write_matrix_workbook
from web_client import APPROVED, RETURNED, csrf_token, error_line, links, make_app, post


@pytest.mark.parametrize("host, port", [
    ("localhost", None), ("127.0.0.1", None), ("127.0.0.1:8540", 8540), ("LOCALHOST:8540", 8540),
    ("localhost:8540", None),
])
def test_loopback_hosts_are_accepted(host, port):
    assert check_host(host, port) is None


@pytest.mark.parametrize("host, port", [
    ("evil.example", None), ("evil.example:8540", 8540), ("localhost.evil.example", None),
    ("127.0.0.1.nip.io:8540", 8540), ("127.0.0.1:9999", 8540), ("127.0.0.2", None), ("0.0.0.0", None),
    ("[::1]:8540", 8540), ("", None), (None, None), ("localhost:", None), ("localhost:80x", None),
    ("localhost:8540@evil.example", 8540),
])
def test_other_hosts_are_refused(host, port):
    refusal = check_host(host, port)
    assert refusal is not None and refusal.status == 400
    assert "127.0.0.1" in refusal.message


def test_a_post_needs_the_pages_token_and_no_foreign_origin():
    ok = {"origin": None, "fetch_site": None, "host": "127.0.0.1:8540"}
    assert check_post("t0ken", "t0ken", **ok) is None
    assert check_post("t0ken", "t0ken", origin="http://127.0.0.1:8540", fetch_site="same-origin",
                      host="127.0.0.1:8540") is None
    assert check_post("t0ken", "t0ken", origin="null", fetch_site="same-origin", host="127.0.0.1:8540") is None
    refusals = [check_post(token, "t0ken", **ok) for token in (None, "", "other")] + [
        check_post("t0ken", "t0ken", origin="http://evil.example", fetch_site=None, host="127.0.0.1:8540"),
        check_post("t0ken", "t0ken", origin=None, fetch_site="cross-site", host="127.0.0.1:8540"),
        check_post("t0ken", "t0ken", origin=None, fetch_site="same-site", host="127.0.0.1:8540"),
    ]
    assert [r.status if r is not None else None for r in refusals] == [403] * 6


def test_the_app_refuses_a_foreign_host_header(tmp_path):
    app, _root = make_app(tmp_path)
    client = app.test_client()
    for path in ("/", "/check", "/static/web.css", "/download/x/y.xlsx"):
        response = client.get(path, headers={"Host": "attacker.example"})
        assert response.status_code == 400, path
        assert "only answers at http://127.0.0.1" in error_line(response.get_data(as_text=True))
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200


def test_the_app_refuses_a_post_without_the_token_or_from_another_site(tmp_path):
    app, root = make_app(tmp_path)
    client = app.test_client()
    without = post(client, "/compare", {"old": APPROVED, "new": RETURNED}, token="")
    assert without.status_code == 403 and "did not come from this page" in without.get_data(as_text=True)
    foreign = post(client, "/compare", {"old": APPROVED, "new": RETURNED},
                   headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert foreign.status_code == 403
    assert list(root.iterdir()) == []  # refused before anything was saved
    # a token of an earlier server run is refused too
    other_app, _ = make_app(tmp_path / "other")
    stale = post(client, "/compare", {"old": APPROVED, "new": RETURNED}, token=csrf_token(other_app.test_client()))
    assert stale.status_code == 403


def test_every_response_carries_the_security_headers(tmp_path):
    app, _root = make_app(tmp_path)
    client = app.test_client()
    page = post(client, "/compare", {"old": APPROVED, "new": RETURNED})
    body = page.get_data(as_text=True)
    responses = [client.get("/"), page, client.get("/static/web.js"), client.get("/nothing"),
                 client.get(links(body, "/download/")[0])]
    for response in responses:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    framed = client.get(links(body, "/view/")[0])
    policy = framed.headers["Content-Security-Policy"]
    assert policy.endswith("sandbox") and "script-src" not in policy and "default-src 'none'" in policy
    assert "<script" not in body.replace('<script src="/static/web.js" defer></script>', "")  # no inline script


def test_downloads_are_attachments_with_safe_names(tmp_path):
    app, _root = make_app(tmp_path)
    client = app.test_client()
    body = post(client, "/compare", {"old": APPROVED, "new": RETURNED}).get_data(as_text=True)
    for href in links(body, "/download/"):
        disposition = client.get(href).headers["Content-Disposition"]
        assert re.fullmatch(r"attachment; filename=XTL-changes\.(xlsx|html|md|json)", disposition), disposition


@given(st.text(max_size=12), st.sampled_from(["changes", "annotated", "merged"]),
       st.sampled_from(["xlsx", "json"]), st.none() | st.integers(1, 99))
def test_download_names_come_only_from_a_valid_iso_code_and_fixed_words(iso, what, extension, number):
    name = download_name(iso, what, extension, number=number)
    assert re.fullmatch(r"([A-Z]{3}|matrix)-[a-z-]+(-\d+)?\.(xlsx|json)", name), name
    assert name.startswith(iso if re.fullmatch(r"[A-Z]{3}", iso) else "matrix")


def test_nothing_a_state_typed_becomes_live_in_the_pages(tmp_path):
    """Hostile texts in cells, the State's name and the file name stay text on every page."""
    texts = list(HOSTILE_TEXTS)
    old_entries = {("OP1.npt", "remarks"): "Ratified 1970"}
    new_entries = {("OP1.npt", "remarks"): texts[0], ("OP1.npt", "info"): " | ".join(texts[1:8])}
    state = '<script>alert("state")</script>'
    old_path, new_path = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    write_matrix_workbook(old_path, build_matrix(old_entries, state=state))
    write_matrix_workbook(new_path, build_matrix({**new_entries, ("OP1.npt", "remarks"): " ".join(texts[8:])},
                                                 state=state))
    # (werkzeug's test client cannot send a double quote in a file name; the browser test does)
    hostile_name = "'><img src=x onerror=alert(1)>.xlsx"
    app, _root = make_app(tmp_path)
    client = app.test_client()
    compare = post(client, "/compare", {"old": (old_path.read_bytes(), hostile_name), "new": new_path})
    page = compare.get_data(as_text=True)
    assert compare.status_code == 200
    assert_html_inert(page, [state, hostile_name], require_shown=True)
    report = client.get(links(page, "/view/")[0]).get_data(as_text=True)
    assert_html_inert(report, texts, require_shown=False)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    xlsx = tmp_path / "changes.xlsx"
    xlsx.write_bytes(client.get(links(page, "/download/")[0]).data)
    assert_xlsx_inert(xlsx, texts, allow_formulas=True)

    check = post(client, "/check", {"files": [(new_path.read_bytes(), hostile_name)]}).get_data(as_text=True)
    assert_html_inert(check, [state, hostile_name], require_shown=True)
    merge = post(client, "/merge", {"base": old_path, "ours": old_path, "theirs": new_path}).get_data(as_text=True)
    assert_html_inert(merge, [state], require_shown=True)
