"""Schema rule: the export JSON is checked against schemas/export.schema.json, errors mapped to cells."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers_validate import CONFIG, sample_matrix, summary
from matrix_tools.export import export_matrix
from matrix_tools.model import Matrix
from matrix_tools.validation.rules.schema import check_export_schema, locate


def test_clean_matrix_export_follows_the_schema() -> None:
    matrix = sample_matrix({("OP1.npt", "status"): "X", ("OP1.npt", "info"): "Deposit 5 March 1970"})
    assert list(check_export_schema(matrix, CONFIG)) == []


def _broken_exporter(change):
    def export(matrix: Matrix) -> dict[str, Any]:
        data = copy.deepcopy(export_matrix(matrix))
        change(data)
        return data

    return export


def test_an_entry_breaking_the_schema_is_reported_at_its_cell() -> None:
    matrix = sample_matrix()
    index = next(i for i, e in enumerate(export_matrix(matrix)["entries"]) if e["field"] == "OP2.NW.acquire"
                 and e["column"] == "status")

    def change(data: dict[str, Any]) -> None:
        data["entries"][index]["value"] = "maybe"  # a mark entry that claims to be recognised

    findings = list(check_export_schema(matrix, CONFIG, exporter=_broken_exporter(change)))
    cell = matrix.value("OP2.NW.acquire", "status").cell
    assert summary(findings) == [("schema-violation", "error", cell)]
    assert (findings[0].field, findings[0].column, findings[0].table) == ("OP2.NW.acquire", "status", "OP2.NW")
    assert findings[0].message.endswith(f"(at /entries/{index}/value)")


def test_a_header_value_breaking_the_schema_is_reported_at_the_header_cell() -> None:
    matrix = sample_matrix()

    def change(data: dict[str, Any]) -> None:
        data["header"]["date_of_report"]["cell"] = "not a cell"

    (finding,) = check_export_schema(matrix, CONFIG, exporter=_broken_exporter(change))
    assert (finding.cell, finding.field) == (matrix.header["date_of_report"].cell, "header:date_of_report")


def test_locate_maps_paths_to_cells() -> None:
    matrix = sample_matrix()
    data = export_matrix(matrix)
    first = data["entries"][0]
    assert locate(data, ["entries", 0, "value"], matrix)["cell"] == first["cell"]
    assert locate(data, ["state", "iso3"], matrix) == {"cell": matrix.header["iso3"].cell, "field": "header:iso3"}
    assert locate(data, [], matrix) == {}
    assert locate(data, ["entries", 99999], matrix) == {}


MUTATIONS = {
    "mark value": lambda d: d["entries"][0].update(value="maybe"),
    "unrecognised mark": lambda d: d["entries"][0].update(value="maybe", recognised=False),
    "bad cell": lambda d: d["entries"][1].update(cell="D12"),
    "missing cell": lambda d: d["entries"][2].pop("cell"),
    "bad field": lambda d: d["entries"][3].update(field="1 bad"),
    "unknown kind": lambda d: d["entries"][4].update(kind="number"),
    "recognised as text": lambda d: d["entries"][5].update(recognised="no"),
    "notes not strings": lambda d: d["entries"][6].update(notes=[1, None]),
    "number as row number": lambda d: d["entries"][7].update(row_number=7),
    "integer-valued float": lambda d: d["unknown_rows"].append(
        {"table": "OP1", "sheet": "OP1", "row": 1.0, "label": "x", "values": []}),
    "element not an object": lambda d: d["entries"].append(5),
    "header date": lambda d: d["header"]["date_of_report"].update(dates=["12 October 2004"]),
    "state missing": lambda d: d.pop("state"),
}


STILL_VALID = {"unrecognised mark", "integer-valued float"}  # JSON Schema accepts these: so must the fast path


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_fast_schema_check_reports_exactly_what_jsonschema_reports(name: str) -> None:
    import jsonschema

    from matrix_tools import resources
    from matrix_tools.validation.rules.schema import EXPORT_SCHEMA, iter_schema_errors

    matrix = sample_matrix({("OP1.npt", "status"): "X", ("OP1.npt", "info"): "Deposit 5 March 1970"})
    data = copy.deepcopy(export_matrix(matrix))
    MUTATIONS[name](data)
    schema = resources.load_schema(EXPORT_SCHEMA)
    cls = jsonschema.Draft202012Validator
    plain = {(tuple(e.absolute_path), e.message)
             for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(data)}
    fast = {(e.path, e.message) for e in iter_schema_errors(cls, schema, data)}
    assert bool(plain) is (name not in STILL_VALID)
    assert fast == plain


def test_results_remembered_across_documents_are_the_same_as_fresh_ones():
    """The element memo survives between workbooks (batch runs): a second, different document
    with some identical entries must give exactly what a fresh validator gives."""
    import copy

    import jsonschema

    from matrix_tools import resources
    from matrix_tools.validation.rules.schema import _ELEMENT_MEMOS, iter_schema_errors

    schema = resources.load_schema("export.schema.json")
    entry = {"field": "OP1.npt", "column": "status", "value": "X", "cell": "'OP1'!C6", "kind": "mark"}
    good: dict[str, Any] = {"state": {"name": "A", "iso3": "XAA"}, "catalogue": {"id": "c", "version": "1"}, "header": {},
            "entries": [entry, {**entry, "column": "info", "kind": "text", "value": "Act"}], "unknown_rows": []}
    bad = copy.deepcopy(good)
    bad["entries"].append({**entry, "value": "maybe"})  # not a mark
    bad["entries"].append({**entry, "cell": "B7"})  # not a sheet reference
    _ELEMENT_MEMOS.clear()
    first = iter_schema_errors(jsonschema.Draft202012Validator, schema, good)
    second = iter_schema_errors(jsonschema.Draft202012Validator, schema, bad)
    again = iter_schema_errors(jsonschema.Draft202012Validator, schema, bad)
    fresh = sorted(tuple(e.absolute_path) for e in jsonschema.Draft202012Validator(schema).iter_errors(bad))
    assert first == []
    assert sorted(e.path for e in second) == fresh == sorted(e.path for e in again)
    assert len(fresh) == 2
