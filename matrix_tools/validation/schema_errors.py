"""Errors of a document against a JSON Schema, found element by element, with memory.

The export of a matrix is a long list of small, much repeated entries; validating it whole
with jsonschema costs milliseconds per workbook. Here each entry is checked against the
inlined item schema once per distinct projection (the fields the schema looks at), so a
batch validates a repeated entry once (``_ELEMENT_MEMOS``, bounded). Used by the schema rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
