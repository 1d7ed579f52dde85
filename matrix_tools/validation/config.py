"""Validation settings: severities per finding code, rules switched off, thresholds.

A user changes them with a small JSON file, ``matrix-tools.json``, passed with ``--config FILE``
or found beside the workbooks. JSON rather than TOML: Python 3.10 has no ``tomllib`` and the
file is small. The file is checked against ``schemas/config.schema.json``::

    {
      "severity": {"source-missing": "error", "text-normalised": "off"},
      "rules": {"text": false},
      "thresholds": {"long_text_chars": 2000}
    }
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from matrix_tools import resources
from matrix_tools.errors import ConfigError
from matrix_tools.jsonfile import read_json_file
from matrix_tools.limits import DEFAULT_LIMITS
from matrix_tools.submissions import CONFIG_NAME
from matrix_tools.validation.findings import FindingCatalogue, Severity, load_finding_catalogue

SCHEMA = "config.schema.json"


@dataclass(frozen=True)
class Config:
    """What validation checks and how seriously (defaults: everything on, catalogue severities)."""

    severity: Mapping[str, Severity | None] = field(default_factory=dict)  # None: code off
    rules: Mapping[str, bool] = field(default_factory=dict)  # group -> on/off (absent: on)
    long_text_chars: int = DEFAULT_LIMITS.long_text_chars
    today: dt.date | None = None  # "today" for the future-date check; None: the real today
    source: str = ""  # the file it came from, for messages

    def rule_enabled(self, group: str) -> bool:
        return self.rules.get(group, True)

    def code_enabled(self, code: str) -> bool:
        return code not in self.severity or self.severity[code] is not None

    def severity_for(self, code: str, default: Severity) -> Severity:
        chosen = self.severity.get(code, default)
        return default if chosen is None else chosen

    @property
    def reference_date(self) -> dt.date:
        return self.today or dt.date.today()


DEFAULT_CONFIG = Config()


def parse_config(
    data: Any, *, source: str = "", catalogue: FindingCatalogue | None = None
) -> Config:
    """A Config from parsed JSON; ConfigError (one line naming the file) when it is invalid."""
    import jsonschema  # lazy: only when a configuration file is used


    name = source or "configuration"
    validator = jsonschema.Draft202012Validator(resources.load_schema(SCHEMA))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        raise ConfigError(f"{name} is not a valid matrix-tools configuration: at {where}: {errors[0].message}")
    kinds = catalogue or load_finding_catalogue()
    unknown = sorted(set(data.get("severity", {})) - set(kinds.types))
    if unknown:
        raise ConfigError(
            f"{name} names finding codes that do not exist: {', '.join(unknown)} "
            "(run `matrix-tools findings` to list them)"
        )
    severity = {
        code: None if level == "off" else Severity(level) for code, level in data.get("severity", {}).items()
    }
    thresholds = data.get("thresholds", {})
    return Config(
        severity=MappingProxyType(severity),
        rules=MappingProxyType(dict(data.get("rules", {}))),
        long_text_chars=int(thresholds.get("long_text_chars", DEFAULT_LIMITS.long_text_chars)),
        source=source,
    )


def read_config(path: str | Path, *, catalogue: FindingCatalogue | None = None) -> Config:
    """Load and check a configuration file (ConfigError when missing or invalid)."""
    data = read_json_file(path, what="configuration file", error=ConfigError)
    return parse_config(data, source=str(path), catalogue=catalogue)


def find_config(paths: Iterable[str | Path]) -> Path | None:
    """The ``matrix-tools.json`` beside the first workbook (or inside the first folder) that has one."""
    for item in paths:
        here = Path(item)
        folder = here if here.is_dir() else here.parent
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
