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
    from matrix_tools.validation.schema_errors import _ELEMENT_MEMOS, iter_schema_errors

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


# --- the export is correct by construction with the packaged catalogue ----------------------
# The rule validates with jsonschema only when needs_full_check() finds something from the
# workbook the schema could reject; these tests prove that skipping is safe.

import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from matrix_tools import resources  # noqa: E402
from matrix_tools.catalogue import load_catalogue  # noqa: E402
from matrix_tools.model import HeaderValue, Observation, SourceInfo, UnknownRow, Value, cell_ref  # noqa: E402
from matrix_tools.reading.parse import load_matrix  # noqa: E402
from matrix_tools.validation.rules.schema import (  # noqa: E402
    EXPORT_SCHEMA,
    is_packaged,
    needs_full_check,
    schema_guarantees,
)
from matrix_tools.writing.template import write_template  # noqa: E402

PACKAGED_CATALOGUES = sorted(Path(str(resources.schema_file("catalogue.schema.json"))).parent.glob("catalogue-*.json"))


def plain_errors(document: dict[str, Any]) -> list[str]:
    import jsonschema

    cls = jsonschema.Draft202012Validator
    schema = resources.load_schema(EXPORT_SCHEMA)
    return [f"{list(e.absolute_path)}: {e.message}" for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(document)]


def full_findings(matrix: Matrix) -> list[tuple[str, str, str]]:
    """What the rule reports when it always validates the export with jsonschema."""
    return summary(check_export_schema(matrix, CONFIG, exporter=export_matrix))


def test_there_is_a_packaged_catalogue():
    assert [p.name for p in PACKAGED_CATALOGUES] == ["catalogue-1540.json"]


@pytest.mark.parametrize("path", PACKAGED_CATALOGUES, ids=lambda p: p.name)
def test_every_packaged_catalogue_gives_exports_that_follow_the_schema(path, tmp_path):
    catalogue = load_catalogue(path)
    rules = schema_guarantees()
    assert rules is not None
    # field ids come from the catalogue: each must be one the schema accepts
    assert [r.field for _, r in catalogue.iter_rows() if rules.field.fullmatch(r.field) is None] == []
    # a template of the catalogue, read back, blank and filled
    workbook = write_template(tmp_path / "t.xlsx", "Republic of Examplia", "FRA", catalogue=catalogue,
                              date_of_report="2024-05-01", additional_reports=["2025-01-02"])
    matrix = load_matrix(workbook, catalogue)
    assert plain_errors(export_matrix(matrix)) == []
    marks = {key: ("X" if catalogue.column(*key).is_mark else "Act 12/2004, art. 3 =1+1 'quoted'")
             for key in list(matrix.entries)[::7]}
    filled = dataclasses.replace(matrix, entries={**matrix.entries, **{
        k: dataclasses.replace(matrix.entries[k], text=v) for k, v in marks.items()}})
    assert plain_errors(export_matrix(filled)) == []


def test_the_packaged_catalogue_is_recognised_and_a_supplied_one_is_not(tmp_path):
    assert is_packaged(load_catalogue())
    data = resources.load_schema("catalogue-1540.json")
    data["catalogue"]["version"] = str(data["catalogue"]["version"]) + "-local"
    supplied = tmp_path / "local.json"
    supplied.write_text(__import__("json").dumps(data), encoding="utf-8")
    local = load_catalogue(supplied)
    assert not is_packaged(local)
    assert needs_full_check(sample_matrix(catalogue=local))


def test_a_clean_matrix_is_not_validated_again_and_a_too_long_text_is(monkeypatch):
    calls: list[int] = []
    import matrix_tools.validation.rules.schema as rule

    real = rule.iter_schema_errors

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(rule, "iter_schema_errors", counted)
    matrix = sample_matrix({("OP1.npt", "info"): "Deposit 5 March 1970"})
    assert list(check_export_schema(matrix, CONFIG)) == [] and calls == []
    long = sample_matrix({("OP1.npt", "info"): "x" * 32_768})
    assert summary(check_export_schema(long, CONFIG)) == [("schema-violation", "error", long.value("OP1.npt", "info").cell)]
    assert calls == [1]


CATALOGUE = load_catalogue()
KEYS = [(row.field, col.key, col.is_mark) for _, row, col in CATALOGUE.iter_keys()]
SHEETS = st.one_of(st.sampled_from(["OP1", "OP2 NW", "It's", "", "'", "!", "Sheet!1"]), st.text(max_size=8))
TEXTS = st.one_of(
    st.sampled_from(["", "X", "?", "NA", "x", "maybe", "=1+1", "\x00", "\u200b", "Act 1954"]),
    st.text(max_size=20),
    st.sampled_from([32_766, 32_767, 32_768, 40_000]).map(lambda n: "a" * n),
)
ROWS = st.one_of(st.integers(-2, 3), st.sampled_from([1_048_576, 1_048_577, 10**7]))
COLS = st.one_of(st.integers(-1, 3), st.sampled_from([16_383, 16_384, 18_277, 18_278]))


@st.composite
def cells(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(["", "D12", "'OP1'!D12", "'OP1'!$D$12", "'a'b'!C3"]))
    row, col = draw(ROWS), draw(COLS)
    sheet = draw(SHEETS)
    return cell_ref(sheet, row, col) if col >= 0 else f"'{sheet}'!{row}"


@st.composite
def matrices(draw: st.DrawFn) -> Matrix:
    matrix = sample_matrix()
    entries = dict(matrix.entries)
    # mostly one odd thing at a time, so each kind of oddity is met with everything else sound
    odd_cells = draw(st.booleans())
    for field, column, _ in draw(st.lists(st.sampled_from(KEYS), max_size=4)):
        cell = draw(cells()) if odd_cells else entries[(field, column)].cell
        entries[(field, column)] = Value(draw(TEXTS), cell, recognised=draw(st.booleans()))
    header = dict(matrix.header)
    if draw(st.booleans()):
        header["date_of_report"] = HeaderValue(
            "date_of_report", draw(TEXTS), draw(cells()) if odd_cells else "'About'!B5",
            dates=tuple(draw(st.lists(st.dates(min_value=dt.date(1, 1, 1)), max_size=2))))
    unknown = tuple(
        UnknownRow("OP1", draw(SHEETS), draw(ROWS), draw(TEXTS), draw(TEXTS),
                   {"remarks": Value(draw(TEXTS), draw(cells()) if odd_cells else "'OP1'!G40")})
        for _ in range(draw(st.integers(0, 2))))
    observations = tuple(
        Observation(draw(st.sampled_from(["unknown-row", "sheet-missing", "Bad Code", "", "a--b"])), draw(TEXTS))
        for _ in range(draw(st.integers(0, 2))))
    source = draw(st.one_of(st.none(), st.builds(
        SourceInfo, st.text(max_size=5), st.text(max_size=5),
        st.sampled_from(["a" * 64, "A" * 64, "a" * 63, ""]), st.integers(-1, 10))))
    return dataclasses.replace(matrix, entries=entries, header=header, unknown_rows=unknown,
                               observations=observations, source=source)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(matrices())
def test_skipping_the_schema_is_safe_for_any_content_a_workbook_can_bring(matrix):
    if not needs_full_check(matrix):
        assert plain_errors(export_matrix(matrix)) == []
    assert summary(check_export_schema(matrix, CONFIG)) == full_findings(matrix)
