"""Find the files shipped with matrix-tools (schemas, catalogues, templates).

The only module that builds paths to package data. ``schemas/`` and ``templates/`` are
installed as the sub-packages ``matrix_tools.schemas`` and ``matrix_tools.templates`` (see
setup.cfg ``package_dir``): that is how a wheel and an editable install find them. Run inside
the checkout after a plain (non-editable) ``pip install .``, Python imports the source folder
``matrix_tools/`` from the current folder instead of the installed copy, and that folder has no
such sub-packages; the data then sits beside it, in the checkout's ``schemas/`` and
``templates/``, which is where this module looks next.
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

# Sub-package -> the checkout folder it is built from (setup.cfg package_dir).
DATA_PACKAGES = {"matrix_tools.schemas": "schemas", "matrix_tools.templates": "templates"}


@cache
def data_folder(package: str) -> Traversable:
    """The folder of shipped files ``package`` (one of DATA_PACKAGES): installed, or the checkout's.

    Its directory on disk when it has one (a checkout, an editable install, a wheel), else what
    importlib.resources gives (a zip): importing importlib.resources costs every command ~8 ms
    at start-up, so only the zip case pays it.
    """
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError:
        # The source folder shadows the installed package (run from the checkout root).
        beside = Path(__file__).resolve().parent.parent / DATA_PACKAGES[package]
        if beside.is_dir():
            return beside
        raise
    location = getattr(module, "__file__", None)
    if location:
        folder = Path(location).parent
        if folder.is_dir():
            return folder
    from importlib import resources

    return resources.files(package)


def schema_file(name: str) -> Traversable:
    """The shipped file ``schemas/<name>``."""
    return data_folder("matrix_tools.schemas").joinpath(name)


def template_file(name: str) -> Traversable:
    """The shipped file ``templates/<name>``."""
    return data_folder("matrix_tools.templates").joinpath(name)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``schemas/<name>`` as a dict (cached; treat as read-only)."""
    with schema_file(name).open("r", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def read_template_text(name: str) -> str:
    """The text of ``templates/<name>`` (report templates)."""
    return template_file(name).read_text(encoding="utf-8")
