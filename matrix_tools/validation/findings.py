"""Findings: what validation reports, and the catalogue of finding types they come from.

Every finding has a stable kebab-case code from ``schemas/findings.json`` (title, description,
message template with ``{placeholders}``, default severity, group). Rules build findings with
``make_finding(code, ...)``, which formats the template; findings are frozen and never mutated
(configuration makes a new one with ``dataclasses.replace``).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from matrix_tools import resources
from matrix_tools.safety import one_line

FINDINGS_FILE = "findings.json"


class Severity(str, Enum):
    """How serious a finding is; ``rank`` orders them (error is the worst)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        """Printed as people read it: ``info``, not ``Severity.INFO``."""
        return self.value

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


@dataclass(frozen=True)
class FindingType:
    """One entry of the finding catalogue."""

    code: str
    group: str
    severity: Severity
    title: str
    description: str
    message: str  # template with {placeholders}

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.message) if name)


@dataclass(frozen=True)
class FindingCatalogue:
    """All finding types, by code, with the groups they belong to (in display order)."""

    types: Mapping[str, FindingType]
    groups: Mapping[str, str]
    version: str = "1"

    def __getitem__(self, code: str) -> FindingType:
        return self.types[code]

    def __contains__(self, code: object) -> bool:
        return code in self.types

    def __iter__(self) -> Any:
        return iter(self.types.values())

    def __len__(self) -> int:
        return len(self.types)

    def in_group(self, group: str) -> tuple[FindingType, ...]:
        return tuple(t for t in self.types.values() if t.group == group)


@dataclass(frozen=True)
class Finding:
    """One problem or remark about one place of a workbook."""

    code: str
    severity: Severity
    message: str
    cell: str = ""  # "'OP2 NW'!D12"; "" for the workbook as a whole
    field: str = ""  # "OP2.NW.manufacture", or an ItemKey.header(...) for a header item
    column: str = ""  # catalogue column key: "status", "source"...
    value: str = ""  # the text found
    expected: str = ""  # what was expected, when a rule knows
    table: str = ""  # table id: "OP2.NW"; "" for header and workbook findings

    def as_dict(self) -> dict[str, str]:
        """The JSON form (design.md, validate output)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "cell": self.cell,
            "table": self.table,
            "field": self.field,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }


def parse_finding_catalogue(data: Mapping[str, Any]) -> FindingCatalogue:
    """Build the catalogue from the parsed ``findings.json``."""
    types = {
        item["code"]: FindingType(
            code=item["code"],
            group=item["group"],
            severity=Severity(item["severity"]),
            title=item["title"],
            description=item["description"],
            message=item["message"],
        )
        for item in data["findings"]
    }
    return FindingCatalogue(types=types, groups=dict(data["groups"]), version=str(data.get("version", "1")))


@lru_cache(maxsize=1)
def load_finding_catalogue() -> FindingCatalogue:
    """The shipped catalogue of finding types (``schemas/findings.json``), cached."""
    return parse_finding_catalogue(resources.load_schema(FINDINGS_FILE))




def shorten(text: str, width: int = 60) -> str:
    """Text for a message: spaces and line breaks collapsed, control characters shown escaped
    (a submitted escape sequence must not drive the user's terminal: ``safety.one_line``), cut
    to ``width`` characters with an ellipsis."""
    return one_line(text, width=width, squeeze=True)


def make_finding(
    code: str,
    *,
    cell: str = "",
    field: str = "",
    column: str = "",
    value: str = "",
    expected: str = "",
    table: str = "",
    severity: Severity | None = None,
    message: str | None = None,
    catalogue: FindingCatalogue | None = None,
    **params: object,
) -> Finding:
    """A finding of type ``code`` with its message formatted from the template.

    The template may use the finding's own fields (``{cell}``, ``{value}``...; ``{value}`` is
    shortened to one line) and any extra ``params``. ``message`` replaces the template (used
    for the reader's observations, which already say what they found). Raises KeyError for an
    unknown code or a placeholder not given: a bug in a rule, not a data problem.
    """
    kind = (catalogue or load_finding_catalogue())[code]
    if message is None:
        fields: dict[str, object] = {
            "cell": cell or "(workbook)",
            "field": field,
            "column": column,
            "value": shorten(value),
            "expected": expected,
            "table": table,
        }
        fields.update(params)
        message = kind.message.format_map(fields)
    # A message is one line a person reads: a sheet name, label or cell quoted in it came
    # from the submission and may hold line breaks or terminal escapes.
    message = one_line(message, squeeze=True)
    return Finding(
        code=code,
        severity=severity or kind.severity,
        message=message,
        cell=cell,
        field=field,
        column=column,
        value=value,
        expected=expected,
        table=table,
    )


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """``{"error": n, "warning": n, "info": n}`` (all three keys always present)."""
    counts = {s.value: 0 for s in Severity}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts
