"""Exceptions that stop a command, each with an exit code from the command-line contract.

Bad *data* never raises: rules yield findings. These are for "cannot continue".
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_DATA = 1  # validation errors, merge conflicts, differences with --fail-if-diff
EXIT_USAGE = 2
EXIT_INPUT = 3  # an input could not be processed: unreadable, unsafe, not a matrix


class MatrixToolsError(Exception):
    """Base of all errors a user may see; ``str(err)`` is one line meant for a person."""

    exit_code = EXIT_INPUT
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, path: str | Path | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.path = str(path) if path is not None else None

    @property
    def message(self) -> str:
        return str(self.args[0])

    def __str__(self) -> str:
        text = str(self.args[0])
        if self.path and self.path not in text:
            return f"{self.path}: {text}"
        return text


class InputError(MatrixToolsError):
    """An input file could not be processed (missing, unreadable, unsafe, not a matrix)."""

    exit_code = EXIT_INPUT
    code = "input-unreadable"


class UnsafeInputError(InputError):
    """The pre-flight check refused a file before any parser saw it."""

    code = "input-unsafe"


class MissingInputError(UnsafeInputError, FileNotFoundError):
    """The input file does not exist: also a ``FileNotFoundError``, as Python code expects."""

    code = "input-not-found"


class UsageError(MatrixToolsError):
    """The command was given something it cannot work with (e.g. a folder with no workbooks)."""

    exit_code = EXIT_USAGE
    code = "usage"


class CatalogueError(MatrixToolsError):
    """A catalogue file is missing, not JSON, or does not follow catalogue.schema.json."""

    exit_code = EXIT_INPUT
    code = "catalogue-invalid"


class ConfigError(MatrixToolsError):
    """A configuration file is missing or invalid."""

    exit_code = EXIT_USAGE
    code = "config-invalid"


class OutputError(MatrixToolsError):
    """An output could not be written (refused path, permission, disk full)."""

    exit_code = EXIT_USAGE
    code = "output-refused"
