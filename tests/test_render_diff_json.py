"""JSON diff report: follows schemas/diff.schema.json, matches its golden file, valid JSON only."""

from __future__ import annotations

import json

import jsonschema

from helpers_diff import HOSTILE_SOURCE, check_golden, report_scenario
from matrix_tools.reports.diff_json import diff_to_dict, render_diff_json
from matrix_tools.resources import load_schema


def validate(data):
    schema = load_schema("diff.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)


def test_json_report_matches_golden_file(catalogue):
    check_golden("report.json", render_diff_json(report_scenario(catalogue)))


def test_json_report_follows_its_schema_with_and_without_cosmetic_edits(catalogue):
    for include in (False, True):
        data = json.loads(render_diff_json(report_scenario(catalogue, include_cosmetic=include)))
        validate(data)
    assert any(c["cosmetic"] for c in data["changes"])


def test_json_keeps_the_contract_keys_of_design_md(catalogue):
    data = diff_to_dict(report_scenario(catalogue))
    assert set(data) >= {"old", "new", "changes", "header_changes", "summary"}
    for change in data["changes"]:
        assert {"field", "column", "kind", "old", "new", "old_cell", "new_cell"} <= set(change)
        assert change["kind"] in ("added", "removed", "changed")
        assert ("transition" in change) == (change["column_kind"] == "mark")
    assert data["old"]["sha256"] == "a" * 64 and data["new"]["file"] == "testland-2024.xlsx"


def test_submitted_text_is_carried_verbatim_as_data(catalogue):
    data = diff_to_dict(report_scenario(catalogue))
    [hostile] = [c for c in data["changes"] if c["new"] == HOSTILE_SOURCE]
    assert hostile["words"][-1] == {"op": "insert", "text": HOSTILE_SOURCE}


def test_summary_counts_agree_with_the_listed_changes(catalogue):
    data = diff_to_dict(report_scenario(catalogue))
    s = data["summary"]
    assert s["changes"] == len(data["changes"]) == sum(s["by_kind"].values())
    assert sum(t["total"] for t in s["by_table"].values()) == s["changes"]
    assert s["cosmetic"] == 2 and s["cosmetic_listed"] is False  # npt info + date of report
    assert s["template_fields"] == 1 and s["renamed_fields"] == 1
