"""The one resolver of workbook arguments: a file path, or a reference such as ``XTL@approved``.

Every command that accepts a workbook (diff, merge, validate, export, consolidate, resolve)
passes its arguments here, so a reference means the same everywhere. An existing file always
wins: a file really named ``XTL@1`` is read as the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from matrix_tools.errors import UsageError
from matrix_tools.model import Catalogue, Matrix
from matrix_tools.registry.refs import looks_like_reference
from matrix_tools.submissions import check_input_file

if TYPE_CHECKING:  # sqlite3 and the store (~7 ms) only when a reference is actually given
    from matrix_tools.registry.store import Registry


def is_reference(item: str | Path) -> bool:
    """True when ``item`` is to be looked up in the registry rather than read as a file."""
    text = str(item)
    return looks_like_reference(text) and not Path(text).exists()


class Lookup:
    """Resolves workbook arguments against one registry, opened only when a reference appears."""
    def __init__(self, registry_path: str | Path | None = None, catalogue: Catalogue | None = None) -> None:
        self.registry_path = registry_path
        self.catalogue = catalogue
        self._registry: Registry | None = None

    def registry(self) -> Registry:
        """The registry, opened on first use (it must exist: a reference into nothing is an error)."""
        from matrix_tools.registry.store import Registry  # lazy: every command imports this module

        if self._registry is None:
            self._registry = Registry(self.registry_path, create=False)
        return self._registry

    def workbook(self, item: str | Path, *, what: str = "the workbook") -> Matrix | Path:
        """The Matrix a reference names (read from its stored bytes), or the path as given.

        A path must name a file: a folder is a usage error, a missing file an input error,
        in the same words in every command (``what`` says which workbook was expected)."""
        if is_reference(item):
            matrix: Matrix = self.registry().get(str(item), self.catalogue)
            return matrix
        text = str(item)
        if "@" in Path(text).name and not Path(text).exists():
            raise UsageError(f"{text} is neither a file nor a version reference: a reference is ISO@latest, "
                             "ISO@approved, ISO@N (a version number) or ISO@YYYY-MM-DD, e.g. XTL@approved",
                             code="reference-invalid", path=text)
        return check_input_file(item, what=what)

    def workbooks(self, items: Iterable[str | Path]) -> list[Matrix | Path]:
        """``workbook`` for each item, in order."""
        return [self.workbook(item) for item in items]

    def close(self) -> None:
        """Close the registry if a reference opened it."""
        if self._registry is not None:
            self._registry.close()


def resolve_workbook(item: str | Path, *, registry: str | Path | None = None,
                     catalogue: Catalogue | None = None) -> Matrix | Path:
    """``item`` as a Matrix when it is a registry reference, else as a Path."""
    lookup = Lookup(registry, catalogue)
    try:
        return lookup.workbook(item)
    finally:
        lookup.close()
