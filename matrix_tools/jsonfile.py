"""Read a JSON file a person wrote (a catalogue, a configuration), with one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matrix_tools.errors import MatrixToolsError
from matrix_tools.submissions import check_input_file


def read_json_file(path: str | Path, *, what: str, error: type[MatrixToolsError]) -> Any:
    """The parsed JSON of ``path``; ``error`` (naming the file as ``what``) when it is missing,
    unreadable or not JSON. A UTF-8 byte-order mark (Windows Notepad) is accepted. A folder given
    for the file is a usage error (exit 2), worded as in every command (``check_input_file``)."""
    if Path(path).is_dir():
        check_input_file(path, what=f"the {what} file")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{what} {path} cannot be read: {exc}", path=path) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", path=path
        ) from None
