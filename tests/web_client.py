"""Helpers for the web page tests: an app on a private upload folder, its CSRF token, uploads."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from matrix_tools.web.app import create_app

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
APPROVED = SAMPLES / "testland-approved.xlsx"
RETURNED = SAMPLES / "testland-returned.xlsx"
WORKING = SAMPLES / "testland-working.xlsx"
EXAMPLIA = SAMPLES / "examplia.xlsx"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

Upload = Path | tuple[bytes, str]


def make_app(tmp_path: Path, *, isolate: bool = False, **kwargs: Any) -> tuple[Flask, Path]:
    """An app whose private upload folders go under ``tmp_path/uploads`` (to check they go away)."""
    root = tmp_path / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    return create_app(upload_root=root, isolate=isolate, **kwargs), root


def csrf_token(client: FlaskClient, page: str = "/") -> str:
    match = TOKEN.search(client.get(page).get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def _file(item: Upload) -> tuple[io.BytesIO, str]:
    if isinstance(item, Path):
        return io.BytesIO(item.read_bytes()), item.name
    data, name = item
    return io.BytesIO(data), name


def post(client: FlaskClient, url: str, files: Mapping[str, Upload | Sequence[Upload]],
         fields: Mapping[str, str] | None = None, *, token: str | None = None,
         headers: Mapping[str, str] | None = None) -> Any:
    """POST a form with files (a field may hold several) and the page's CSRF token."""
    data: dict[str, Any] = {"csrf_token": token if token is not None else csrf_token(client)}
    data.update(fields or {})
    for name, item in files.items():
        data[name] = [_file(i) for i in item] if isinstance(item, list) else _file(item)  # type: ignore[arg-type]
    return client.post(url, data=data, content_type="multipart/form-data", headers=dict(headers or {}))


def links(page: str, prefix: str) -> list[str]:
    """Every href in ``page`` starting with ``prefix``."""
    return re.findall(r'href="(' + re.escape(prefix) + r'[^"]*)"', page)


def error_line(page: str) -> str:
    match = re.search(r'<span class="message">(.*?)</span>', page, re.S)
    assert match, "the page shows no error"
    return match.group(1)
