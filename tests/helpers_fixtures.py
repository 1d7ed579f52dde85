"""The LibreOffice-saved fixtures (tests/fixtures, made by scripts/make_fixtures.py) and their
edit records: what was done to which sample, and what matrix-tools should report for it.

Nothing here asserts: the tests do. The records are data written when the files were made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@dataclass(frozen=True)
class Fixture:
    path: Path
    record: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def source(self) -> Path:
        return ROOT / self.record["source"]

    @property
    def expect(self) -> dict[str, Any]:
        return self.record["expect"]


def all_fixtures(*suffixes: str) -> list[Fixture]:
    """Every fixture with its record, ``suffixes`` (".xlsx"...) only when given."""
    found = []
    for record in sorted(FIXTURES.rglob("*.json")):
        workbook = record.with_suffix("")  # "x.xlsx.json" -> "x.xlsx"
        if suffixes and workbook.suffix not in suffixes:
            continue
        found.append(Fixture(workbook, json.loads(record.read_text(encoding="utf-8"))))
    return found


def fixture(name: str) -> Fixture:
    """One fixture by its file name ("row-deleted.xlsx", "resave/nordmark.xlsx")."""
    for item in all_fixtures():
        if item.name == name or item.path.name == name:
            return item
    raise KeyError(name)


def written_texts(item: Fixture) -> list[str]:
    """Every non-empty text the recorded edits typed (what export must show somewhere)."""
    texts = []
    for edit in item.record["edits"]:
        if edit["action"] == "type" and edit["new"].strip():
            texts.append(edit.get("shown") or edit["new"])
        elif edit["action"] == "formula":
            texts.append(edit["cached"])
    return texts
