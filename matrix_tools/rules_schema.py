"""Schema rule: the matrix as exported to JSON must follow ``schemas/export.schema.json``.

Validated with jsonschema (Draft 2020-12); each error is mapped back to the cell the value
came from through the export's own ``cell`` entries. jsonschema is imported only here, and the
compiled validator is cached for the process (a batch validates many files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from .config import Config
from .findings import Finding, make_finding, shorten
from .model import Matrix

EXPORT_SCHEMA = "export.schema.json"
Exporter = Callable[[Matrix], Mapping[str, Any]]


@lru_cache(maxsize=4)
def _validator(schema_name: str) -> Any:
    import jsonschema  # lazy: ~0.1 s at start-up, only when this rule runs

    from . import resources

    schema = resources.load_schema(schema_name)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _default_exporter() -> Exporter | None:
    try:
        from .export import export_matrix
    except ImportError:  # the exporter is not part of this installation
        return None
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
        return {"cell": value.cell if value else "", "field": f"header:{key}"}
    if head == "state" and len(path) > 1:
        key = {"name": "state", "iso3": "iso3"}.get(str(path[1]), str(path[1]))
        value = matrix.header.get(key)
        return {"cell": value.cell if value else "", "field": f"header:{key}"}
    return {}


def check_export_schema(
    matrix: Matrix,
    config: Config,
    *,
    exporter: Exporter | None = None,
    schema_name: str = EXPORT_SCHEMA,
) -> Iterator[Finding]:
    """Export the matrix and report every JSON Schema error at the cell it comes from."""
    export = exporter or _default_exporter()
    if export is None:
        return
    try:
        validator = _validator(schema_name)
    except FileNotFoundError:  # no export schema shipped yet: nothing to check against
        return
    document = export(matrix)
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        path = list(error.absolute_path)
        where = locate(document, path, matrix)
        instance = error.instance
        value = instance if isinstance(instance, str) else ""
        yield make_finding(
            "schema-violation",
            value=value,
            expected=shorten(str(error.schema.get("description", "")) if isinstance(error.schema, Mapping) else "", 120),
            detail=shorten(error.message, 200),
            path="/" + "/".join(str(p) for p in path),
            **where,
        )
