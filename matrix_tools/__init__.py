"""matrix-tools: generate, read, validate, diff and merge UN 1540 Committee matrices.

The Python twins of the commands are imported lazily, so ``import matrix_tools`` stays cheap:

    >>> import matrix_tools
    >>> m = matrix_tools.load_matrix("samples/testland.xlsx")      # doctest: +SKIP
    >>> m.value("OP1.npt", "status").text, m.value("OP1.npt", "status").cell  # doctest: +SKIP
    ('X', "'OP1'!C6")
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "load_catalogue": "matrix_tools.catalogue",
    "load_matrix": "matrix_tools.reading.parse",
    "export_matrix": "matrix_tools.export",
    "write_template": "matrix_tools.writing.template",
    "validate": "matrix_tools.validation.engine",
    "diff": "matrix_tools.diffing.engine",
    "merge": "matrix_tools.merging.engine",
    "consolidate": "matrix_tools.consolidating.engine",
    "batch": "matrix_tools.batching.run",
    "resolve": "matrix_tools.merging.resolve",
    "Registry": "matrix_tools.registry.store",
    "serve": "matrix_tools.web.server",
    "save": "matrix_tools.reports.saving",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'matrix_tools' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_API))
