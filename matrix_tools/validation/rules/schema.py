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

_OBJECT_LEVEL = {"type", "required", "properties", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
                 "dependentRequired", "minProperties", "maxProperties", "description", "title", "$comment"}
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMA_ONE = ("if", "then", "else", "not")
_TYPE_ONLY = {"type", "description", "title", "$comment"}


@dataclass(frozen=True)
class SchemaError:
    """One JSON Schema error: where (absolute path), what, the offending value, the rule's description."""

    path: tuple[Any, ...]
    message: str
    instance: Any
    description: str


def inline_refs(node: Any, defs: Mapping[str, Any], depth: int = 0) -> Any:
    """The schema with local ``#/$defs/...`` references replaced by their targets (no recursion)."""
    if depth > 20:
        raise ValueError("recursive $ref")
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return inline_refs(defs[ref[len("#/$defs/"):]], defs, depth + 1)
        return {k: inline_refs(v, defs, depth) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_refs(v, defs, depth) for v in node]
    return node


def _object_level_names(schema: Any) -> set[str] | None:
    """Property names the object-level keywords look at, or None when they may look at all."""
    if not isinstance(schema, dict):
        return None
    if set(schema) - _OBJECT_LEVEL or "$ref" in schema:
        return None
    names = set(schema.get("properties", {}))
    for key in _SUBSCHEMA_ONE:
        if key in schema:
            inner = _object_level_names(schema[key])
            if inner is None:
                return None
            names |= inner
    for key in _SUBSCHEMA_LISTS:
        for sub in schema.get(key, ()):
            inner = _object_level_names(sub)
            if inner is None:
                return None
            names |= inner
    return names


def _json_type(value: Any) -> Any:
    """A memo key for a value checked against a type-only schema (numbers by value: 1.0 is an integer)."""
    if value is None or isinstance(value, (str, bool, list, dict)):
        return type(value).__name__
    return _freeze(value)


def _freeze(value: Any) -> Any:
    """A hashable key equal only for equal JSON values of the same Python types (1, 1.0 and True differ)."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _freeze(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("list", tuple(_freeze(v) for v in value))
    return (type(value).__name__, value)


def _errors(validator_cls: Any, schema: Any, instance: Any, prefix: tuple[Any, ...]) -> list[SchemaError]:
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    return [
        SchemaError(prefix + tuple(e.absolute_path), e.message, e.instance,
                    str(e.schema.get("description", "")) if isinstance(e.schema, Mapping) else "")
        for e in validator.iter_errors(instance)
    ]


def iter_schema_errors(validator_cls: Any, schema: Mapping[str, Any], document: Any) -> list[SchemaError]:
    """Every error of ``document`` against ``schema``, as the validator would report them."""
    try:
        flat = inline_refs(dict(schema), schema.get("$defs", {}))
    except (ValueError, KeyError):
        return _errors(validator_cls, schema, document, ())
    arrays = {}
    if isinstance(document, dict):
        for name, sub in flat.get("properties", {}).items():
            if (isinstance(sub, dict) and set(sub) <= {"type", "items", "description", "title"}
                    and sub.get("type", "array") == "array" and isinstance(sub.get("items"), dict)
                    and isinstance(document.get(name), list)):
                items = sub["items"]
                rest = {k: v for k, v in items.items() if k != "properties"}
                looked_at = _object_level_names(rest)
                if looked_at is not None and isinstance(items.get("properties", {}), dict):
                    arrays[name] = (items, rest, looked_at)
    if not arrays:
        return _errors(validator_cls, flat, document, ())
    errors = _errors(validator_cls, flat, {**document, **{name: [] for name in arrays}}, ())
    for name, (items, rest, looked_at) in arrays.items():
        memo = _ELEMENT_MEMOS.setdefault((id(schema), name), {})
        if len(memo) > _ELEMENT_MEMO_LIMIT:
            memo.clear()
        errors.extend(_iter_items_errors(validator_cls, name, items, rest, looked_at, document[name], memo))
    return errors


# Entries repeat across workbooks (a blank cell of a field is the same object in every State's
# export), so a batch run reuses their results across files: element content -> its errors.
# Keyed by the id of the (cached, never mutated) schema dict and the array's name; bounded.
_ELEMENT_MEMOS: dict[tuple[int, str], dict[Any, list[Any]]] = {}
_ELEMENT_MEMO_LIMIT = 20_000  # ~12 MB; blank cells, the most repeated, fit many times over


def _element_key(element: Mapping[str, Any]) -> Any:
    """A hashable key equal only for equal elements (flat string entries are the common case)."""
    if all(type(v) is str for v in element.values()):
        return tuple(element.items())
    return _freeze(dict(element))


def _if_names(schema: Any) -> set[str] | None:
    """Every property name any ``if`` inside ``schema`` reads (None: cannot tell)."""
    names: set[str] = set()
    if isinstance(schema, Mapping):
        if "if" in schema:
            inner = _object_level_names(schema["if"])
            if inner is None:
                return None
            names |= inner
        for key, value in schema.items():
            if key == "properties":
                continue  # property subschemas apply to values, not to the object
            more = _if_names(value)
            if more is None:
                return None
            names |= more
    elif isinstance(schema, list):
        for item in schema:
            more = _if_names(item)
            if more is None:
                return None
            names |= more
    return names


def projection_key(element: Mapping[str, Any], relevant: set[str]) -> Any:
    """Memo key of an object seen through ``relevant``: the keys present, and the relevant values."""
    return (frozenset(element), tuple((k, _freeze(element[k])) for k in sorted(relevant) if k in element))


class _Relevance:
    """Which properties of one object the object-level keywords of ``schema`` depend on.

    ``if`` is decided on the properties it names (memoised), and only the branch taken adds
    its properties: a text entry's value does not matter to the "mark values" branch.
    """

    def __init__(self, validator_cls: Any, schema: Mapping[str, Any]) -> None:
        self._cls = validator_cls
        self._schema = schema
        # names() depends on an element only through its keys and the values the ``if``s read
        self._if_names = _if_names(schema)
        self._by_condition: dict[Any, set[str]] = {}
        self._validators: dict[int, Any] = {}
        self._decisions: dict[tuple[int, Any], bool] = {}
        self._names_in: dict[int, set[str]] = {}

    def relevant(self, element: Mapping[str, Any]) -> set[str]:
        """The properties of ``element`` the object-level keywords look at (memoised)."""
        if self._if_names is None:
            return self.names(self._schema, element)
        key = projection_key(element, self._if_names)
        found = self._by_condition.get(key)
        if found is None:
            found = self._by_condition[key] = self.names(self._schema, element)
        return found

    def names(self, schema: Mapping[str, Any], element: Mapping[str, Any]) -> set[str]:
        names = set(schema.get("properties", {}))
        for key in _SUBSCHEMA_LISTS:
            for sub in schema.get(key, ()):
                names |= self.names(sub, element)
        if "not" in schema:
            names |= self.names(schema["not"], element)
        if "if" in schema:
            condition = schema["if"]
            names |= self.names(condition, element)
            branch = schema.get("then") if self._holds(condition, element) else schema.get("else")
            if isinstance(branch, Mapping):
                names |= self.names(branch, element)
        return names

    def _holds(self, condition: Mapping[str, Any], element: Mapping[str, Any]) -> bool:
        looked_at = self._names_in.get(id(condition))
        if looked_at is None:
            looked_at = self._names_in[id(condition)] = _object_level_names(condition) or set()
        key = (id(condition), projection_key(element, looked_at))
        if key not in self._decisions:
            projection = {k: (v if k in looked_at else None) for k, v in element.items()}
            validator = self._validators.get(id(condition))
            if validator is None:
                validator = self._validators[id(condition)] = self._cls(condition)
            self._decisions[key] = bool(validator.is_valid(projection))
        return self._decisions[key]


def _iter_items_errors(validator_cls: Any, name: str, items: Mapping[str, Any], rest: Mapping[str, Any],
                       looked_at: set[str], elements: list[Any],
                       memo_elements: dict[Any, list[Any]] | None = None) -> list[SchemaError]:
    props: Mapping[str, Any] = items.get("properties", {})
    rest_validator = validator_cls(rest, format_checker=validator_cls.FORMAT_CHECKER)
    prop_validators = {k: validator_cls(v, format_checker=validator_cls.FORMAT_CHECKER) for k, v in props.items()}
    memo_rest: dict[Any, list[Any]] = {}
    memo_prop: dict[tuple[str, Any], list[Any]] = {}
    out: list[SchemaError] = []

    def collect(validator: Any, instance: Any) -> list[Any]:
        return [(tuple(e.absolute_path), e.message, e.instance,
                 str(e.schema.get("description", "")) if isinstance(e.schema, Mapping) else "")
                for e in validator.iter_errors(instance)]

    relevance = _Relevance(validator_cls, rest)
    memo_elements = {} if memo_elements is None else memo_elements
    for index, element in enumerate(elements):
        if not isinstance(element, dict):
            out.extend(_errors(validator_cls, items, element, (name, index)))
            continue
        whole = _element_key(element)
        known = memo_elements.get(whole)
        if known is not None:
            out.extend(SchemaError((name, index, *path), message, instance, description)
                       for path, message, instance, description in known)
            continue
        first = len(out)
        relevant = relevance.relevant(element)
        key = projection_key(element, relevant)
        if key not in memo_rest:
            projection = {k: (v if k in relevant else None) for k, v in element.items()}
            memo_rest[key] = collect(rest_validator, projection)
        for path, message, instance, description in memo_rest[key]:
            out.append(SchemaError((name, index, *path), message, instance, description))
        for prop, value in element.items():
            if prop not in props:
                continue
            sub = props[prop]
            type_only = isinstance(sub, dict) and set(sub) <= _TYPE_ONLY
            pkey = (prop, _json_type(value) if type_only else _freeze(value))
            if pkey not in memo_prop:
                memo_prop[pkey] = collect(prop_validators[prop], value)
            for path, message, instance, description in memo_prop[pkey]:
                out.append(SchemaError((name, index, prop, *path), message, instance, description))
        memo_elements[whole] = [(e.path[2:], e.message, e.instance, e.description) for e in out[first:]]
    return out
