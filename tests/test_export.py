"""Export: every (field, column) with its cell, valid against schemas/export.schema.json."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handmade import write_workbook
from matrix_tools import resources
from matrix_tools.export import export_matrix, render_export_csv, render_export_json
from matrix_tools.reading.parse import load_matrix


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(resources.load_schema("export.schema.json"),
                                           format_checker=jsonschema.FormatChecker())


def test_export_lists_every_catalogue_field_blanks_included(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.npt", "status"): "x"},
                          insert_rows={"OP1": [(1, ["", "Added by the State", "X"])]})
    data = export_matrix(load_matrix(path, catalogue))
    validator().validate(data)
    assert len(data["entries"]) == sum(1 for _ in catalogue.iter_keys())
    first = data["entries"][0]
    assert first == {"field": "OP1.npt", "column": "status", "value": "X", "cell": "'OP1'!C6", "table": "OP1",
                     "row_number": "1", "label": "Nuclear Non-Proliferation Treaty (NPT)", "kind": "mark",
                     "original": "x", "notes": ["mark 'x' read as 'X'"]}
    blank = next(e for e in data["entries"] if e["field"] == "OP6_8d.training" and e["column"] == "remarks")
    assert blank["value"] == "" and blank["cell"].startswith("'OP6-8d'!E")
    assert data["unknown_rows"][0]["label"] == "Added by the State"
    assert data["file"]["sha256"] and data["state"] == {"name": "Republic of Testland", "iso3": "XTL"}


def test_csv_keeps_the_header_and_the_rows_the_state_inserted(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP1.npt", "status"): "X"},
                          insert_rows={"OP1": [(1, ["", "Added by the State", "X", "see annex"])]})
    rows = list(csv.DictReader(io.StringIO(render_export_csv(export_matrix(load_matrix(path, catalogue))))))
    state = next(r for r in rows if r["field"] == "header:state")
    assert state["value"] == "Republic of Testland" and state["cell"] == "'About'!B3"
    added = [r for r in rows if r["label"] == "Added by the State"]
    assert [(r["field"], r["column"], r["value"], r["cell"]) for r in added] == [
        ("", "status", "X", "'OP1'!C7"), ("", "info", "see annex", "'OP1'!D7")]


def test_json_is_strict_and_csv_is_spreadsheet_safe(tmp_path, catalogue):
    path = write_workbook(tmp_path / "m.xlsx", catalogue, {("OP2.NW.use", "remarks"): "=HYPERLINK(\"http://x\")",
                                                           ("OP2.NW.use", "status"): "NA"})
    data = export_matrix(load_matrix(path, catalogue))
    text = render_export_json(data)
    assert json.loads(text)["entries"]
    rows = list(csv.DictReader(io.StringIO(render_export_csv(data))))
    assert len([r for r in rows if r["field"] and not r["field"].startswith("header:")]) == len(data["entries"])
    use = {r["column"]: r for r in rows if r["field"] == "OP2.NW.use"}
    assert use["status"]["value"] == "NA"  # the mark NA stays NA
    assert not use["remarks"]["value"].startswith("=")


marks = st.sampled_from(["X", "?", "NA", ""])
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(
    lambda s: " ".join(s.split()))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_round_trip_export_of_a_written_workbook_is_stable(tmp_path_factory, catalogue, data):
    """template -> filled -> read -> written again -> read gives identical entries."""
    keys = [(r.field, c.key, c.is_mark) for _, r, c in catalogue.iter_keys()]
    chosen = data.draw(st.lists(st.sampled_from(keys), max_size=12, unique=True))
    values = {(f, c): data.draw(marks if is_mark else texts) for f, c, is_mark in chosen}
    folder = tmp_path_factory.mktemp("rt")
    first = load_matrix(write_workbook(folder / "a.xlsx", catalogue, values), catalogue)
    again = {k: v.text for k, v in first.entries.items() if v.text}
    second = load_matrix(write_workbook(folder / "b.xlsx", catalogue, again), catalogue)
    assert {k: v.text for k, v in second.entries.items()} == {k: v.text for k, v in first.entries.items()}
    assert {k: v.cell for k, v in second.entries.items()} == {k: v.cell for k, v in first.entries.items()}
