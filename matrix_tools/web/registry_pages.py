"""The Resolve and Registry pages, written against the small interface below (issue 15).

The resolve command and the SQLite registry are built on another branch; these pages find
them through the package's public twins and say plainly "not available in this version"
(HTTP 501) while they are absent. The interface they expect, the only place to adjust when
wiring them:

``matrix_tools.resolve(merged, output) -> result``
    reads the merged workbook with decisions filled in, writes the final matrix to
    ``output`` when every conflict is decided. ``result.decisions`` and ``result.undecided``
    are sequences of items with ``table``, ``row_number``, ``label``, ``column``, ``cell``
    and (decisions) ``decision``, ``value``. Raises ``MatrixToolsError`` for a bad input.
``matrix_tools.Registry(path)``
    ``.list(iso=None)`` -> versions with ``ref``, ``iso3``, ``state``, ``status``, ``added``,
    ``sha256``, ``note``; ``.get(ref) -> Matrix``; ``.add(path, status=..., note=..., name=...)``
    -> the version added (``name``: the file name as the person chose it). ``.list`` gives
    versions oldest first; a State's page (its history) links each version to the changes
    since the one before. ``.history(iso)`` is not used yet.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, request

from matrix_tools.errors import MatrixToolsError
from matrix_tools.web.render import Renderer
from matrix_tools.web.uploads import private_folder, read_all, renamed_error, save_uploads

RESOLVE_PAGE = "web-resolve.html.j2"
REGISTRY_PAGE = "web-registry.html.j2"
STATUSES = ("received", "working", "approved")
_ISO3 = re.compile(r"[A-Z]{3}")
_REF = re.compile(r"[A-Z]{3}@[A-Za-z0-9-]{1,20}")


def capability(name: str) -> Any | None:
    """The public twin ``matrix_tools.<name>``, or None when this version has none."""
    package = importlib.import_module("matrix_tools")
    if name not in getattr(package, "_API", {}):
        return None
    try:
        return getattr(package, name)
    except (ImportError, AttributeError):
        return None


def register_registry_pages(app: Flask, config: Any, render: Renderer) -> None:
    """Add /resolve and /registry... to ``app``."""

    def page(name: str, status: int = 200, **context: Any) -> Response:
        defaults: dict[str, Any] = {"versions": (), "iso": None, "statuses": STATUSES, "added": None, "available": True,
                    "previous": {}}
        return render(name, status, **{**defaults, **context})

    def unavailable(name: str, what: str) -> Response:
        return page(name, 501, available=False, error=(
            f"{what} is not available in this version of matrix-tools: update matrix-tools, "
            "or use the Merge page and decide the conflicts in the merged workbook"))

    @app.get("/resolve")
    def resolve_form() -> Response:
        if capability("resolve") is None:
            return unavailable(RESOLVE_PAGE, "resolving a merged workbook")
        return page(RESOLVE_PAGE, available=True)

    @app.post("/resolve")
    def resolve() -> Response:
        resolve_fn = capability("resolve")
        if resolve_fn is None:
            return unavailable(RESOLVE_PAGE, "resolving a merged workbook")
        from matrix_tools.web.jobs import XLSX
        from matrix_tools.web.security import download_name
        from matrix_tools.web.store import Download

        with private_folder(config.upload_root) as folder:
            uploads = save_uploads([("merged workbook", request.files.get("merged"))], folder)
            output = folder / "final.xlsx"
            try:
                result = _call_isolated(resolve_fn, config.isolate, uploads[0].path, output)
            except MatrixToolsError as exc:
                raise renamed_error(exc, uploads) from None
            undecided = list(getattr(result, "undecided", ()) or ())
            downloads = () if undecided or not output.exists() else (
                Download(download_name("", "final", "xlsx"), XLSX, output.read_bytes(), "Final matrix (Excel)"),)
        token = config.store.put(downloads)
        return page(RESOLVE_PAGE, 422 if undecided else 200, available=True, token=token, downloads=downloads,
                      result={"decisions": list(getattr(result, "decisions", ()) or ()), "undecided": undecided})

    def open_registry() -> Any:
        """The registry of ``--registry`` (opened per request: SQLite connections stay in one thread)."""
        registry_cls: Any = capability("Registry")  # present: registry_unavailable() said so first
        return registry_cls(config.registry)

    def registry_unavailable() -> Response | None:
        if capability("Registry") is None:
            return unavailable(REGISTRY_PAGE, "the registry of versions")
        if config.registry is None:
            return page(REGISTRY_PAGE, available=False, error=(
                "no registry is open: start the page with matrix-tools serve --registry FILE "
                "(the registry file of your team, e.g. matrix-registry.sqlite)"))
        return None

    @app.get("/registry")
    def registry() -> Response:
        refusal = registry_unavailable()
        if refusal is not None:
            return refusal
        versions = list(open_registry().list())
        return page(REGISTRY_PAGE, available=True, versions=versions, iso=None, statuses=STATUSES)

    @app.get("/registry/<iso>")
    def registry_state(iso: str) -> Response:
        refusal = registry_unavailable()
        if refusal is not None:
            return refusal
        if not _ISO3.fullmatch(iso):
            abort(404)
        versions = list(open_registry().list(iso))
        # The State's timeline: each version links to what changed since the one before it.
        previous = {v.ref: p.ref for p, v in zip(versions[:-1], versions[1:], strict=True)}
        return page(REGISTRY_PAGE, available=True, versions=versions, iso=iso, statuses=STATUSES,
                    previous=previous)

    @app.get("/registry/compare")
    def registry_compare() -> Response:
        refusal = registry_unavailable()
        if refusal is not None:
            return refusal
        from matrix_tools.web import jobs

        old, new = request.args.get("old", ""), request.args.get("new", "")
        if not (_REF.fullmatch(old) and _REF.fullmatch(new)):
            abort(400)
        store = open_registry()
        with private_folder(config.upload_root) as folder:
            outcome = jobs.compare(store.get(old), store.get(new), folder)
        token = config.store.put(outcome.downloads)
        return render("web-compare.html.j2", result=outcome.context, token=token,
                      downloads=outcome.downloads, report=outcome.report)

    @app.post("/registry/add")
    def registry_add() -> Response:
        refusal = registry_unavailable()
        if refusal is not None:
            return refusal
        status = request.form.get("status", "received")
        status = status if status in STATUSES else "received"
        note = " ".join(request.form.get("note", "").split())[:500]
        with private_folder(config.upload_root) as folder:
            uploads = save_uploads([("received workbook", request.files.get("file"))], folder)
            try:
                read_all(uploads, isolate=config.isolate)  # pre-flight and read, isolated, before storing
                added = open_registry().add(uploads[0].path, status=status, note=note, name=uploads[0].name)
            except MatrixToolsError as exc:
                raise renamed_error(exc, uploads) from None
        versions = list(open_registry().list())
        return page(REGISTRY_PAGE, available=True, versions=versions, iso=None, statuses=STATUSES, added=added)


def _call_isolated(func: Callable[..., Any], isolate: bool, *args: Any) -> Any:
    if not isolate:
        return func(*args)
    from matrix_tools.batching.isolation import run_isolated

    return run_isolated(func, *args, label=str(args[0]))


__all__ = ["capability", "register_registry_pages"]
