"""Find the files shipped with matrix-tools (schemas, catalogues, templates).

The only module that builds paths to package data: it works from a checkout, an editable
install and a wheel alike, because ``schemas/`` and ``templates/`` are installed as the
sub-packages ``matrix_tools.schemas`` and ``matrix_tools.templates`` (see setup.cfg).
"""

from __future__ import annotations

import importlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Traversable

DEFAULT_CATALOGUE = "catalogue-1540.json"


@cache
def _package_files(package: str) -> Traversable:
    """The folder of a data sub-package: its directory on disk when it has one (a checkout,
    an editable install, a wheel), else what importlib.resources gives (a zip). Importing
    importlib.resources costs every command ~8 ms at start-up, so only the zip case pays it."""
    module = importlib.import_module(package)
    location = getattr(module, "__file__", None)
    if location:
        folder = Path(location).parent
        if folder.is_dir():
            return folder
    from importlib import resources

    return resources.files(package)


def schema_file(name: str) -> Traversable:
    """The shipped file ``schemas/<name>``."""
    return _package_files("matrix_tools.schemas").joinpath(name)


def template_file(name: str) -> Traversable:
    """The shipped file ``templates/<name>``."""
    return _package_files("matrix_tools.templates").joinpath(name)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``schemas/<name>`` as a dict (cached; treat as read-only)."""
    with schema_file(name).open("r", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def read_template_text(name: str) -> str:
    """The text of ``templates/<name>`` (report templates)."""
    return template_file(name).read_text(encoding="utf-8")
