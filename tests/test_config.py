"""Configuration files: checked against their schema, applied to severities and rules."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from matrix_tools import resources
from matrix_tools.errors import ConfigError
from matrix_tools.validation.config import (
    CONFIG_NAME,
    DEFAULT_CONFIG,
    find_config,
    parse_config,
    read_config,
)
from matrix_tools.validation.findings import Severity


def write(tmp_path: Path, data: object, name: str = CONFIG_NAME) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_full_configuration_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "description": "Stricter checks for the 2026 review",
        "severity": {"source-missing": "error", "text-normalised": "off"},
        "rules": {"text": False},
        "thresholds": {"long_text_chars": 2000},
    })
    config = read_config(path)
    assert config.severity_for("source-missing", Severity.WARNING) is Severity.ERROR
    assert not config.code_enabled("text-normalised") and config.code_enabled("mark-invalid")
    assert not config.rule_enabled("text") and config.rule_enabled("marks")
    assert config.long_text_chars == 2000
    assert config.source == str(path)


def test_default_configuration_keeps_catalogue_severities() -> None:
    assert DEFAULT_CONFIG.severity_for("source-missing", Severity.WARNING) is Severity.WARNING
    assert DEFAULT_CONFIG.rule_enabled("schema") and DEFAULT_CONFIG.long_text_chars == 5000


@pytest.mark.parametrize(("data", "message"), [
    ({"severity": {"source-missing": "fatal"}}, "at severity/source-missing"),
    ({"rules": {"spelling": False}}, "at rules"),
    ({"thresholds": {"long_text_chars": 0}}, "at thresholds/long_text_chars"),
    ({"severities": {}}, "(top level)"),
    ([], "(top level)"),
    ({"severity": {"source-mising": "error"}}, "finding codes that do not exist: source-mising"),
])
def test_invalid_configuration_is_refused_with_one_clear_line(tmp_path: Path, data, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    text = str(caught.value)
    assert message in text and "\n" not in text
    assert caught.value.exit_code == 2


def test_unreadable_configuration_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        read_config(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{'severity': }", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid JSON \(line 1, column 2"):
        read_config(bad)


def test_configuration_is_found_beside_the_workbooks(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    workbook = folder / "examplia.xlsx"
    workbook.write_bytes(b"")
    assert find_config([workbook]) is None
    path = write(folder, {"rules": {"text": False}})
    assert find_config([workbook]) == path
    assert find_config([folder]) == path


def test_documented_example_follows_the_schema() -> None:
    example = {"severity": {"source-missing": "error", "text-normalised": "off"}, "rules": {"text": False},
               "thresholds": {"long_text_chars": 2000}}
    jsonschema.validate(example, resources.load_schema("config.schema.json"))
    assert parse_config(example).rules["text"] is False
