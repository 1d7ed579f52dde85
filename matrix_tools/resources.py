"""Find the files shipped with matrix-tools (schemas, catalogues, templates).

The only module that builds paths to package data: it works from a checkout, an editable
install and a wheel alike, because ``schemas/`` and ``templates/`` are installed as the
sub-packages ``matrix_tools.schemas`` and ``matrix_tools.templates`` (see setup.cfg).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from typing import Any

DEFAULT_CATALOGUE = "catalogue-1540.json"


def schema_file(name: str) -> Traversable:
    """The shipped file ``schemas/<name>``."""
    return resources.files("matrix_tools.schemas").joinpath(name)


def template_file(name: str) -> Traversable:
    """The shipped file ``templates/<name>``."""
    return resources.files("matrix_tools.templates").joinpath(name)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``schemas/<name>`` as a dict (cached; treat as read-only)."""
    with schema_file(name).open("r", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def read_template_text(name: str) -> str:
    """The text of ``templates/<name>`` (report templates)."""
    return template_file(name).read_text(encoding="utf-8")
