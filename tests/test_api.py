"""The Python twins of the commands stay callable, before and after their modules are imported."""

from __future__ import annotations

import importlib

import pytest

import matrix_tools

TWINS = ["validate", "diff", "merge", "consolidate", "batch"]


@pytest.mark.parametrize("name", TWINS)
def test_twin_is_callable_after_its_module_is_imported(name):
    importlib.import_module(f"matrix_tools.{name}")
    assert callable(getattr(matrix_tools, name))


def test_lazy_api_lists_the_twins():
    assert set(TWINS) <= set(matrix_tools.__all__)
    assert {"load_matrix", "load_catalogue", "export_matrix", "write_template"} <= set(matrix_tools.__all__)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        matrix_tools.nothing_here  # noqa: B018
