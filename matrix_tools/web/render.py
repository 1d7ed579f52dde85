"""Render the page templates (``templates/web-*.html.j2``) with autoescape always on.

The loader reads templates only through ``resources.py``, so the pages work from a wheel,
an editable install and the checkout alike. Nothing is marked safe: every value a State
wrote passes through Jinja2's HTML escaping.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

from flask import Response, request
from jinja2 import Environment, FunctionLoader, StrictUndefined

from matrix_tools import __version__
from matrix_tools.resources import read_template_text

NAV = (
    ("compare_form", "/", "Compare"),
    ("check_form", "/check", "Check"),
    ("merge_form", "/merge", "Merge"),
    ("resolve_form", "/resolve", "Resolve"),
    ("registry", "/registry", "Registry"),
)


class PageConfig(Protocol):
    """What the templates need of the app's configuration."""
    csrf_token: str


class Renderer(Protocol):
    def __call__(self, name: str, status: int = 200, **context: Any) -> Response: ...


def _load(name: str) -> str:
    return read_template_text(name)


@cache
def environment() -> Environment:
    """The Jinja2 environment of the pages (cached; autoescape on for every template)."""
    return Environment(loader=FunctionLoader(_load), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def make_renderer(config: PageConfig, upload_limit: int) -> Renderer:
    """A function ``render(template, status, **context) -> Response`` for the app's views."""
    def render(name: str, status: int = 200, **context: Any) -> Response:
        defaults: dict[str, Any] = {
            "csrf_token": config.csrf_token,
            "nav": NAV,
            "endpoint": request.endpoint or "",
            "limit_mb": upload_limit // (1024 * 1024),
            "version": __version__,
            "error": None,
            "result": None,
            "token": None,
            "downloads": (),
            "report": None,
        }
        defaults.update(context)
        html = environment().get_template(name).render(**defaults)
        return Response(html, status=status, mimetype="text/html")

    return render
