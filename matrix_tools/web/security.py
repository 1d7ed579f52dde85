"""What keeps a page that shows untrusted files in a browser safe on the expert's own machine.

- The server binds 127.0.0.1 only (``server.py``), and every request whose ``Host`` header is
  not ``localhost`` or ``127.0.0.1`` (with the server's port) is refused: a web site cannot
  reach the page through DNS rebinding (a name of its own that resolves to 127.0.0.1).
- Every request that changes something (all POSTs) carries the page's CSRF token, a random
  value made when the server starts and shown only in its own forms; a cross-site form cannot
  read it. The ``Origin`` and ``Sec-Fetch-Site`` headers are checked as well when the browser
  sends them (OWASP CSRF Prevention Cheat Sheet: "verifying origin with standard headers").
- Every response carries a strict Content-Security-Policy (scripts only from the page's own
  ``/static/`` files, never inline), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store`` (State data stays out of
  the browser's cache). A change report shown in the page is framed with a ``sandbox`` policy:
  no script can run in it even if one slipped through.
- Download names are built from a validated ISO code and fixed words only, never from what a
  State wrote or how a file was named.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

ALLOWED_HOSTS = ("localhost", "127.0.0.1")
SAFE_FETCH_SITES = ("same-origin", "none")  # "none": typed in the address bar or a bookmark

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# The HTML change report has its own <style> block and style attributes (bar widths), so it
# needs inline styles; it gets no script at all and runs sandboxed.
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'self'; base-uri 'none'; sandbox"
)
COMMON_HEADERS: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

_ISO3 = re.compile(r"[A-Z]{3}")
_PORT = re.compile(r"[0-9]{1,5}")


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: the HTTP status and one line for the person."""

    status: int
    message: str


def new_csrf_token() -> str:
    """A fresh random token (one per server run)."""
    return secrets.token_urlsafe(32)


def check_host(host: str | None, port: int | None) -> Refusal | None:
    """Refuse a ``Host`` header that is not this machine's loopback name (DNS rebinding).

    ``port`` is the server's port when known; the test client has none.
    """
    name, sep, given_port = (host or "").strip().lower().partition(":")
    if name in ALLOWED_HOSTS and (
        not sep or (_PORT.fullmatch(given_port) and (port is None or int(given_port) == port))
    ):
        return None
    return Refusal(
        400,
        "this page only answers at http://127.0.0.1 or http://localhost on this computer "
        "(the request named another host, which is refused for safety): open the address "
        "that matrix-tools serve printed",
    )


def check_post(form_token: str | None, expected: str, *, origin: str | None,
               fetch_site: str | None, host: str | None) -> Refusal | None:
    """Refuse a state-changing request that did not come from this page's own form."""
    if fetch_site is not None and fetch_site.lower() not in SAFE_FETCH_SITES:
        return _forbidden()
    # With "Referrer-Policy: no-referrer" Chromium sends "Origin: null" on the page's own form
    # posts, so "null" says nothing either way; the token and Sec-Fetch-Site decide then.
    if origin is not None and origin != "null" and origin.lower() != f"http://{(host or '').lower()}":
        return _forbidden()
    if not form_token or not hmac.compare_digest(form_token.encode(), expected.encode()):
        return _forbidden()
    return None


def _forbidden() -> Refusal:
    return Refusal(
        403,
        "this form did not come from this page (or the server was restarted since it was opened): "
        "reload the page and send the form again",
    )


def security_headers(*, report: bool = False) -> dict[str, str]:
    """The headers every response carries; ``report`` for a framed change report."""
    headers = dict(COMMON_HEADERS)
    headers["Content-Security-Policy"] = REPORT_POLICY if report else PAGE_POLICY
    headers["X-Frame-Options"] = "SAMEORIGIN" if report else "DENY"
    return headers


def download_name(iso3: str, what: str, extension: str, *, number: int | None = None) -> str:
    """A file name for a download: ``XTL-changes.xlsx``; ``matrix`` when the ISO code is not valid.

    ``what`` and ``extension`` are the page's own words (never submitted text); ``number``
    tells several files of one kind apart (``XTL-annotated-2.xlsx``).
    """
    iso = iso3 if _ISO3.fullmatch(iso3 or "") else "matrix"
    suffix = f"-{number}" if number is not None else ""
    return f"{iso}-{what}{suffix}.{extension}"
