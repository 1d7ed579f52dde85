"""Schema rule: the matrix as exported to JSON must follow ``schemas/export.schema.json``.

Validated with jsonschema (Draft 2020-12); each error is mapped back to the cell the value
came from through the export's own ``cell`` entries. jsonschema is imported only here, and the
compiled validator is cached for the process (a batch validates many files).

With the packaged catalogue the export is correct by construction (export.py writes strings,
ISO dates and catalogue field ids; the tests prove it for the catalogue and, with property
tests, for any content a workbook can bring). What construction cannot guarantee comes from
the workbook: a text longer than the schema allows, a cell reference on a sheet with an odd
name, a mark that is not one... ``needs_full_check`` looks for exactly those, straight on the
matrix, and only then is the export validated with jsonschema (giving the same findings as
always). A catalogue supplied with ``--catalogue`` is always validated in full.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from matrix_tools import resources
from matrix_tools.catalogue import load_catalogue
from matrix_tools.export import export_matrix
from matrix_tools.model import Catalogue, ColumnKind, ItemKey, Matrix
from matrix_tools.validation.config import Config
from matrix_tools.validation.findings import Finding, make_finding, shorten
from matrix_tools.validation.schema_errors import iter_schema_errors

EXPORT_SCHEMA = "export.schema.json"
Exporter = Callable[[Matrix], Mapping[str, Any]]


@lru_cache(maxsize=4)
def _schema(schema_name: str) -> tuple[Any, Mapping[str, Any]]:
    """(validator class, schema); jsonschema is imported here, only when this rule runs."""
    import jsonschema  # lazy: ~50 ms at start-up

    schema = resources.load_schema(schema_name)
    return jsonschema.Draft202012Validator, schema


def _default_exporter() -> Exporter:
    exporter: Exporter = export_matrix
    return exporter


def locate(document: Mapping[str, Any], path: Sequence[Any], matrix: Matrix) -> dict[str, Any]:
    """Cell, field, column and table of the export value at JSON ``path``."""
    if not path:
        return {}
    head = path[0]
    if head in ("entries", "unknown_rows") and len(path) > 1 and isinstance(path[1], int):
        try:
            item = document[head][path[1]]
        except (KeyError, IndexError, TypeError):
            return {}
        if not isinstance(item, Mapping):
            return {}
        field = str(item.get("field", ""))
        table = matrix.catalogue.table_of(field).id if matrix.catalogue.has_field(field) else str(item.get("table", ""))
        return {"cell": str(item.get("cell", "")), "field": field, "column": str(item.get("column", "")), "table": table}
    if head == "header" and len(path) > 1:
        key = str(path[1])
        value = matrix.header.get(key)
        return {"cell": value.cell if value else "", "field": ItemKey.header(key)}
    if head == "state" and len(path) > 1:
        key = {"name": "state", "iso3": "iso3"}.get(str(path[1]), str(path[1]))
        value = matrix.header.get(key)
        return {"cell": value.cell if value else "", "field": ItemKey.header(key)}
    return {}


@dataclass(frozen=True)
class Guarantees:
    """What the export schema asks of values that come from a workbook (read from the schema)."""

    cell: re.Pattern[str]
    marks: frozenset[str]
    max_value: int | None
    field: re.Pattern[str]
    code: re.Pattern[str]
    sha256: re.Pattern[str]


@lru_cache(maxsize=4)
def schema_guarantees(schema_name: str = EXPORT_SCHEMA) -> Guarantees | None:
    """The schema's constraints on workbook content (None: the schema is not shaped as expected)."""
    try:
        schema = resources.load_schema(schema_name)
        defs = schema["$defs"]
        props = schema["properties"]
        entry = props["entries"]["items"]["properties"]
        return Guarantees(
            cell=re.compile(defs["cell"]["pattern"]),
            marks=frozenset(defs["mark"]["enum"]),
            max_value=entry["value"].get("maxLength"),
            field=re.compile(entry["field"]["pattern"]),
            code=re.compile(props["observations"]["items"]["properties"]["code"]["pattern"]),
            sha256=re.compile(props["file"]["properties"]["sha256"]["pattern"]),
        )
    except (FileNotFoundError, KeyError, TypeError, re.error):
        return None


# Catalogues seen (by identity; kept alive so an id is never reused): is it the packaged
# one, and its mark (field, column) keys.
_PACKAGED: dict[int, tuple[Catalogue, bool, frozenset[tuple[str, str]]]] = {}


def _catalogue_facts(catalogue: Catalogue) -> tuple[Catalogue, bool, frozenset[tuple[str, str]]]:
    known = _PACKAGED.get(id(catalogue))
    if known is None:
        if len(_PACKAGED) > 16:
            _PACKAGED.clear()
        marks = frozenset((row.field, col.key) for _, row, col in catalogue.iter_keys() if col.kind is ColumnKind.MARK)
        known = _PACKAGED[id(catalogue)] = (catalogue, catalogue == load_catalogue(), marks)
    return known


def is_packaged(catalogue: Catalogue) -> bool:
    """True when ``catalogue`` is the catalogue shipped with matrix-tools (equal to it)."""
    return _catalogue_facts(catalogue)[1]


def needs_full_check(matrix: Matrix, schema_name: str = EXPORT_SCHEMA) -> bool:
    """True unless the matrix's export follows the schema by construction.

    The construction guarantees the shape and types; this looks, in one pass over the
    matrix, at what comes from the workbook: texts (length), cell references, marks, row
    numbers, observation codes, the file's hash. Any doubt means True.
    """
    rules = schema_guarantees(schema_name)
    if rules is None or not is_packaged(matrix.catalogue):
        return True
    cell_ok, longest = rules.cell.fullmatch, rules.max_value

    def bad_cell(cell: str) -> bool:
        return bool(cell) and cell_ok(cell) is None

    mark_keys = _catalogue_facts(matrix.catalogue)[2]
    for key, value in matrix.entries.items():
        if (longest is not None and len(value.text) > longest) or bad_cell(value.cell):
            return True
        if value.recognised and value.text not in rules.marks and key in mark_keys:
            return True
    for header in matrix.header.values():
        if bad_cell(header.cell):
            return True
    for row in matrix.unknown_rows:
        if row.row < 1 or any(bad_cell(v.cell) for v in row.values.values()):
            return True
    if any(rules.code.fullmatch(o.code) is None for o in matrix.observations):
        return True
    source = matrix.source
    return source is not None and (rules.sha256.fullmatch(source.sha256) is None or source.size < 0)


def check_export_schema(
    matrix: Matrix,
    config: Config,
    *,
    exporter: Exporter | None = None,
    schema_name: str = EXPORT_SCHEMA,
) -> Iterator[Finding]:
    """Export the matrix and report every JSON Schema error at the cell it comes from.

    Skipped (nothing to report) when the export follows the schema by construction: the
    packaged catalogue and nothing from the workbook that the schema could reject.
    """
    if exporter is None and not needs_full_check(matrix, schema_name):
        return
    export = exporter or _default_exporter()
    if export is None:
        return
    try:
        validator_cls, schema = _schema(schema_name)
    except FileNotFoundError:  # no export schema shipped: nothing to check against
        return
    document = export(matrix)
    errors = sorted(iter_schema_errors(validator_cls, schema, document), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        path = list(error.path)
        where = locate(document, path, matrix)
        value = error.instance if isinstance(error.instance, str) else ""
        yield make_finding(
            "schema-violation",
            value=value,
            expected=shorten(error.description, 120),
            detail=shorten(error.message, 200),
            path="/" + "/".join(str(p) for p in path),
            **where,
        )


# --- validating long arrays of similar objects quickly ------------------------------------
# The export has ~1,000-2,000 entries; jsonschema spends ~35 us per node, which alone would
# make `validate` slower than opening the workbook with openpyxl. The result is the same as
# validating the whole document (an object's errors are its properties' errors plus those of
# its other keywords), but each distinct value is checked once:
# - every property value against its property schema, memoised by (property, value) (or by
#   JSON type when the property schema only states a type);
# - the object-level keywords (type, required, if/then/else...) against the object with the
#   properties they do not look at replaced by a placeholder, memoised by that projection.
# Schemas this reasoning does not cover (additionalProperties, unevaluatedProperties, ...)
# are validated the plain way.

















# Entries repeat across workbooks (a blank cell of a field is the same object in every State's
# export), so a batch run reuses their results across files: element content -> its errors.
# Keyed by the id of the (cached, never mutated) schema dict and the array's name; bounded.










