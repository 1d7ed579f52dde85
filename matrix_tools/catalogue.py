"""Load a matrix catalogue (JSON) into the model, checking it against its JSON Schema first.

The default catalogue ships in ``schemas/catalogue-1540.json``; an expert holding the official
template can pass another file (``--catalogue FILE``) without touching code.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from matrix_tools import resources
from matrix_tools.errors import CatalogueError
from matrix_tools.jsonfile import read_json_file
from matrix_tools.model import (
    Catalogue,
    Column,
    ColumnKind,
    Grade,
    HeaderItem,
    HeaderKind,
    Mark,
    MarkDef,
    Row,
    Table,
)

SCHEMA = "catalogue.schema.json"


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue in ``path``, or the default one when ``path`` is None.

    Raises CatalogueError (one line, naming the file) when the file is missing, is not JSON,
    breaks the schema or repeats a field id.
    """
    if path is None:
        return _default_catalogue()
    return _load_file(str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _load_file(path: str) -> Catalogue:
    name = Path(path).name
    data = read_json_file(path, what="catalogue file", error=CatalogueError)
    return parse_catalogue(data, source=name)


@lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    with resources.schema_file(resources.DEFAULT_CATALOGUE).open("r", encoding="utf-8") as fh:
        data = json.load(fh)
    return parse_catalogue(data, source=resources.DEFAULT_CATALOGUE, check=False)


def check_catalogue_data(data: Any) -> list[str]:
    """Problems with catalogue data: schema errors first, then consistency, as sentences."""
    import jsonschema  # lazy: a few tens of ms, only needed for non-default catalogues

    validator = jsonschema.Draft202012Validator(resources.load_schema(SCHEMA))
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"at {where}: {error.message}")
    if problems:
        return problems
    sets = data["column_sets"]
    weapons = data.get("weapons", {})
    seen_fields: set[str] = set()
    seen_sheets: set[str] = set()
    for t in data["tables"]:
        if t["columns"] not in sets:
            problems.append(f"table {t['id']} uses column set '{t['columns']}', which is not defined")
            continue
        keys = [c["key"] for c in sets[t["columns"]]]
        if len(set(keys)) != len(keys):
            problems.append(f"column set '{t['columns']}' repeats a column key")
        text_keys = {c["key"] for c in sets[t["columns"]] if c["kind"] == "text"}
        for c in sets[t["columns"]]:
            if "source" in c and (c["kind"] != "mark" or c["source"] not in text_keys):
                problems.append(f"column '{c['key']}' of set '{t['columns']}' names source '{c['source']}', "
                                "which is not a text column of the set (only mark columns name a source)")
        for weapon in t.get("weapons", [None]):
            if weapon is not None and weapon not in weapons:
                problems.append(f"table {t['id']} names weapon '{weapon}', which is not in 'weapons'")
            sheet = _expand(t["sheet"], weapon, weapons)
            if sheet.casefold() in seen_sheets:
                problems.append(f"sheet name '{sheet}' is used by two tables")
            seen_sheets.add(sheet.casefold())
            if len(sheet) > 31:
                problems.append(f"sheet name '{sheet}' is longer than Excel's 31 characters")
            for r in _rows_for(t, weapon):
                fid = _field_id(t["id"], weapon, r["id"])
                if fid in seen_fields:
                    problems.append(f"field id {fid} appears twice")
                seen_fields.add(fid)
    return problems


def parse_catalogue(data: Any, *, source: str = "", check: bool = True) -> Catalogue:
    """Build a Catalogue from parsed JSON; ``check`` validates it first (CatalogueError)."""
    if check:
        problems = check_catalogue_data(data)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise CatalogueError(
                f"catalogue {source or '(data)'} is not a valid matrix catalogue: {problems[0]}{more}",
                path=source or None,
            )
    weapons: dict[str, str] = dict(data.get("weapons", {}))
    column_sets = {name: tuple(_column(c) for c in cols) for name, cols in data["column_sets"].items()}
    tables = []
    for t in data["tables"]:
        for weapon in t.get("weapons", [None]):
            table_id = t["id"] if weapon is None else f"{t['id']}.{weapon}"
            rows = tuple(
                Row(
                    field=_field_id(t["id"], weapon, r["id"]),
                    key=r["id"],
                    table=table_id,
                    number=r["number"],
                    label=r["label"],
                    grade=Grade(r["grade"]),
                    note=r.get("note", ""),
                    formerly=tuple(_expand(f, weapon, weapons) for f in r.get("formerly", ())),
                )
                for r in _rows_for(t, weapon)
            )
            tables.append(
                Table(
                    id=table_id,
                    family=t["id"],
                    sheet=_expand(t["sheet"], weapon, weapons),
                    section=t["section"],
                    weapon=weapon,
                    title=_expand(t["title"], weapon, weapons),
                    label_caption=t["label_caption"],
                    columns=column_sets[t["columns"]],
                    rows=rows,
                    grade=Grade(t.get("grade", "inferred")),
                )
            )
    meta = data["catalogue"]
    return Catalogue(
        id=meta["id"],
        version=meta["version"],
        title=meta["title"],
        description=meta.get("description", ""),
        layout=meta.get("layout", ""),
        tables=tuple(tables),
        header=tuple(
            HeaderItem(
                key=h["key"],
                label=h["label"],
                kind=HeaderKind(h["kind"]),
                aliases=tuple(h.get("aliases", ())),
                label_patterns=tuple(h.get("label_patterns", ())),
            )
            for h in data["header"]
        ),
        marks=tuple(
            MarkDef(Mark(m["value"]), m["label"], m["meaning"], tuple(m.get("aliases", ())))
            for m in data["marks"]
        ),
        weapons=weapons,
        source=source,
    )


def _column(c: dict[str, Any]) -> Column:
    marks = tuple(Mark(m) for m in c.get("marks", ("X", "?", "NA")))
    return Column(
        key=c["key"],
        caption=c["caption"],
        kind=ColumnKind(c["kind"]),
        grade=Grade(c.get("grade", "reconstructed")),
        help=c.get("help", ""),
        aliases=tuple(c.get("aliases", ())),
        marks=marks,
        source=c.get("source"),
    )


def _rows_for(table: dict[str, Any], weapon: str | None) -> list[dict[str, Any]]:
    return [r for r in table["rows"] if weapon is None or weapon in r.get("weapons", [weapon])]


def _field_id(table_id: str, weapon: str | None, row_id: str) -> str:
    return f"{table_id}.{row_id}" if weapon is None else f"{table_id}.{weapon}.{row_id}"


def _expand(text: str, weapon: str | None, weapons: dict[str, str]) -> str:
    if weapon is None:
        return text
    return text.replace("{weapon_name}", weapons.get(weapon, weapon).lower()).replace("{weapon}", weapon)
