"""Keep ``matrix_tools.diff(...)`` callable once the module ``matrix_tools.diff`` is imported.

The Python twins of the commands (``matrix_tools.validate``, ``.diff``, ``.merge``,
``.consolidate``, ``.batch``) share their names with the modules that implement them.
Importing a submodule sets the package attribute to the module, which would hide the lazy
function of ``matrix_tools/__init__.py``. Making those modules callable keeps both
``matrix_tools.diff(old, new)`` and ``from matrix_tools.diff import DiffResult`` working.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


class _TwinModule(types.ModuleType):
    __twin__: Callable[..., Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__twin__(*args, **kwargs)


def make_callable(module_name: str, func: Callable[..., Any]) -> None:
    """Make the module ``module_name`` call ``func`` when called."""
    module = sys.modules[module_name]
    module.__class__ = _TwinModule
    module.__twin__ = func  # type: ignore[attr-defined]
