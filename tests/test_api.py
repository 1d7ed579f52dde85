"""The public API: the Python twins of the commands, and no module that shares a twin's name."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import matrix_tools

TWINS = ["validate", "diff", "merge", "consolidate", "batch"]


def _all_modules() -> list[str]:
    return [info.name for info in pkgutil.walk_packages(matrix_tools.__path__, "matrix_tools.")
            if not info.name.startswith(("matrix_tools.schemas", "matrix_tools.templates"))]


@pytest.mark.parametrize("name", TWINS)
def test_twin_stays_a_function_after_every_module_is_imported(name):
    for module in _all_modules():
        importlib.import_module(module)
    twin = getattr(matrix_tools, name)
    assert callable(twin) and not isinstance(twin, type(matrix_tools))


def test_no_module_shares_its_name_with_a_public_function():
    top_level = {name.split(".")[1] for name in _all_modules()}
    assert not top_level & set(matrix_tools.__all__)


def test_lazy_api_lists_the_twins():
    assert set(TWINS) <= set(matrix_tools.__all__)
    assert {"load_matrix", "load_catalogue", "export_matrix", "write_template"} <= set(matrix_tools.__all__)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        matrix_tools.nothing_here  # noqa: B018
