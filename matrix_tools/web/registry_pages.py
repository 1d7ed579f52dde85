"""The Registry pages: every version of every State, its history, any two compared, add, approve.

They work on the registry file of ``serve --registry PATH`` (or ``$MATRIX_TOOLS_REGISTRY``)
through ``registry.store.Registry``, opened per request (an SQLite connection stays in the
thread that opened it) and closed after it. They do what the commands do:

- ``/registry``: ``registry list``, with the States linked and two versions to compare;
- ``/registry/<ISO>``: ``registry history ISO`` (the same HTML report, framed, and its
  xlsx / Markdown / JSON to download), each version linked to the changes since the one before;
- ``/registry/compare?old=XTL@1&new=XTL@2``: ``diff XTL@1 XTL@2`` (any reference the
  commands take), each stored workbook read in an isolated child as an upload is;
- ``/registry/download/XTL@2``: ``registry export XTL@2``: the stored workbook, byte for byte;
- ``POST /registry/add``: ``registry add``: the upload is pre-flighted and read in an isolated
  child first, and only then stored (under the name the person's file had);
- ``POST /registry/add-result``: the final matrix the Resolve page made, stored by its button
  (read and checked as an upload is);
- ``POST /registry/approve``: ``registry approve REF``.

The form token and the Host check of ``app.py`` guard the two POSTs like every form.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, abort, request, send_file

from matrix_tools.batching.isolation import iter_isolated
from matrix_tools.errors import MatrixToolsError
from matrix_tools.registry.records import STATUSES, check_status
from matrix_tools.registry.store import Registry
from matrix_tools.web import jobs
from matrix_tools.web.jobs import XLSX
from matrix_tools.web.render import Renderer
from matrix_tools.web.security import download_name
from matrix_tools.web.uploads import (
    READ_MEMORY_MB,
    READ_TIMEOUT,
    Upload,
    UploadError,
    private_folder,
    read_all,
    renamed_error,
    save_uploads,
    status_for,
)

if TYPE_CHECKING:
    from matrix_tools.model import Matrix
    from matrix_tools.registry.records import Version
    from matrix_tools.registry.store import Registry
    from matrix_tools.web.app import WebConfig

REGISTRY_PAGE = "web-registry.html.j2"
_ISO3 = re.compile(r"[A-Z]{3}")
_REF = re.compile(r"[A-Za-z]{3}@[A-Za-z0-9-]{1,20}")
MAX_NOTE_CHARS = 500


def read_version(registry_path: Path, ref: str) -> Matrix:
    """The stored version ``ref`` read as a matrix (run in an isolated child by the page)."""
    with Registry(registry_path, create=False) as registry:
        return registry.get(ref)


def one_line_note(text: str) -> str:
    """A note as typed in the form, on one line and bounded (it is kept in the registry)."""
    return " ".join(text.split())[:MAX_NOTE_CHARS]


def received_date(text: str) -> dt.date | None:
    """The form's optional "received on" date (YYYY-MM-DD, as the browser's date field sends)."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UploadError(f"the date received {text[:20]!r} is not a date: write it as YYYY-MM-DD "
                          "(e.g. 2026-06-02), or leave it empty for today") from None


class RegistryPages:
    """The views of the Registry pages, on the app's configuration and renderer."""
    def __init__(self, config: WebConfig, render: Renderer) -> None:
        self.config = config
        self.render = render

    def page(self, status: int = 200, **context: Any) -> Response:
        defaults: dict[str, Any] = {
            "versions": (), "iso": None, "statuses": STATUSES, "added": None, "approved": None, "history": None,
            "registry_path": str(self.config.registry) if self.config.registry is not None else None,
            "previous": {},
        }
        return self.render(REGISTRY_PAGE, status, **{**defaults, **context})

    @contextmanager
    def opened(self, *, create: bool = False) -> Iterator[Registry]:
        """The registry, open for this request only (SQLite connections stay in one thread)."""
        assert self.config.registry is not None  # guarded() said so first
        with Registry(self.config.registry, create=create) as registry:
            yield registry

    def listing(self, iso: str | None = None) -> list[Version]:
        """The versions to show (none when the file does not exist yet: looking creates nothing)."""
        if self.config.registry is None or not self.config.registry.exists():
            return []
        with self.opened() as registry:
            return registry.versions(iso)

    def guarded(self, func: Callable[..., Response]) -> Callable[..., Response]:
        """No registry given: say how to open one. An error of the registry: its one line, on
        the registry page, with the status the CLI's exit code deserves."""

        @wraps(func)
        def view(*args: Any, **kwargs: Any) -> Response:
            if self.config.registry is None:
                return self.page(error=(
                    "no registry is open: start the page with matrix-tools serve --registry FILE (the registry "
                    "file of your team, e.g. matrix-registry.sqlite), or set MATRIX_TOOLS_REGISTRY"))
            try:
                return func(*args, **kwargs)
            except MatrixToolsError as exc:
                iso = kwargs.get("iso")
                return self.page(status_for(exc), error=str(exc), iso=iso, versions=self.listing(iso))

        return view

    def registry(self) -> Response:
        return self.page(versions=self.listing())

    def state(self, iso: str) -> Response:
        if not _ISO3.fullmatch(iso):
            abort(404)
        if not self.listing(iso):
            return self.page(404, iso=iso, versions=self.listing(), error=(
                f"the registry holds no version of {iso}: add one below, or choose a State from the list"))
        return self.state_page(iso)

    def state_page(self, iso: str, **context: Any) -> Response:
        """A State's versions and its history (the report of ``registry history ISO``)."""
        with self.opened() as registry:
            versions = registry.versions(iso)
            timeline = registry.history(iso)
        with private_folder(self.config.upload_root) as folder:
            outcome = jobs.history(timeline, folder)
        token = self.config.store.put(outcome.downloads)
        # Each version links to what changed since the one before it.
        previous = {v.ref: p.ref for p, v in zip(versions[:-1], versions[1:], strict=True)}
        return self.page(versions=versions, iso=iso, previous=previous, history=outcome.context, token=token,
                         downloads=outcome.downloads, report=outcome.report, **context)

    def compare(self) -> Response:
        """``diff OLD NEW`` on two references (any the commands take: XTL@2, XTL@approved...)."""
        old, new = request.args.get("old", "").strip(), request.args.get("new", "").strip()
        if not (old and new):
            raise UploadError("choose two versions to compare: an old one and a new one (the round buttons "
                              "in the Old and New columns), then press Compare")
        for ref in (old, new):
            if not _REF.fullmatch(ref):
                raise UploadError(f"{ref[:40]!r} is not a version reference: use the page's buttons, or write "
                                  "it like XTL@2, XTL@approved or XTL@latest")
        with self.opened() as registry:
            refs = [registry.find(ref).ref for ref in (old, new)]
        old_matrix, new_matrix = self.read_stored(refs)
        with private_folder(self.config.upload_root) as folder:
            outcome = jobs.compare(old_matrix, new_matrix, folder)
        token = self.config.store.put(outcome.downloads)
        return self.render("web-compare.html.j2", result=outcome.context, token=token,
                           downloads=outcome.downloads, report=outcome.report, compared=refs)

    def read_stored(self, refs: list[str]) -> list[Matrix]:
        """Stored versions read as uploads are: in isolated children, two at a time (unless
        isolation is off)."""
        registry = self.config.registry
        assert registry is not None
        if not self.config.isolate:
            return [read_version(registry, ref) for ref in refs]

        matrices = []
        for _item, outcome in iter_isolated(read_version, [(registry, ref) for ref in refs],
                                                   jobs=min(2, len(refs)), timeout=READ_TIMEOUT,
                                                   memory_mb=READ_MEMORY_MB, label=lambda item: item[1]):
            if isinstance(outcome, BaseException):
                raise outcome
            matrices.append(outcome)
        return matrices

    def download(self, ref: str) -> Response:
        """``registry export REF``: the stored workbook, byte for byte, as an attachment."""
        if not _REF.fullmatch(ref):
            abort(404)
        with self.opened() as registry:
            version = registry.find(ref)
            data = registry.read_bytes(version)
        name = download_name(version.iso3, "version", "xlsx", number=version.number)
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name, max_age=0)

    def add(self) -> Response:
        """``registry add``: an uploaded workbook, stored only if it reads."""
        with private_folder(self.config.upload_root) as folder:
            uploads = save_uploads([("received workbook", request.files.get("file"))], folder)
            return self.store_upload(uploads[0])

    def add_result(self) -> Response:
        """A workbook this page made (the final matrix of Resolve), stored on purpose by its button:
        taken from the results kept for download, then read and stored as an upload is."""
        item = self.config.store.get(request.form.get("token", ""), request.form.get("name", ""))
        if item is None or not item.name.endswith(".xlsx"):
            raise UploadError("this result is no longer kept (results are kept for one hour, and only until the "
                              "server stops): download it, or resolve again, and add the workbook below")
        with private_folder(self.config.upload_root) as folder:
            (folder / "1").mkdir()
            path = folder / "1" / "upload.xlsx"
            path.write_bytes(item.data)
            return self.store_upload(Upload(item.name, path, "final matrix"), default_status="working")

    def store_upload(self, upload: Upload, *, default_status: str = "received") -> Response:
        """Pre-flight and read in an isolated child first; store the workbook only if it reads."""
        status = request.form.get("status", default_status)
        check_status(status)
        note = one_line_note(request.form.get("note", ""))
        received = received_date(request.form.get("received", ""))
        try:
            (matrix,) = read_all([upload], isolate=self.config.isolate)
            with self.opened(create=True) as registry:
                added = registry.add_matrix(matrix, upload.path.read_bytes(), file_name=upload.name,
                                            status=status, note=note, received=received)
        except MatrixToolsError as exc:
            raise renamed_error(exc, [upload]) from None
        return self.page(versions=self.listing(), added=added)

    def approve(self) -> Response:
        """``registry approve REF``: the Committee's decision."""
        ref = request.form.get("ref", "").strip()
        if not _REF.fullmatch(ref):
            raise UploadError("choose the version to approve with its Approve button")
        with self.opened() as registry:
            approved = registry.approve(ref, note=one_line_note(request.form.get("note", "")))
        return self.state_page(approved.iso3, approved=approved)


def register_registry_pages(app: Flask, config: WebConfig, render: Renderer) -> None:
    """Add /registry, /registry/<ISO>, /registry/compare, /registry/add and /registry/approve."""
    pages = RegistryPages(config, render)
    app.add_url_rule("/registry", "registry", pages.guarded(pages.registry), methods=["GET"])
    app.add_url_rule("/registry/compare", "registry_compare", pages.guarded(pages.compare), methods=["GET"])
    app.add_url_rule("/registry/download/<ref>", "registry_download", pages.guarded(pages.download),
                     methods=["GET"])
    app.add_url_rule("/registry/<iso>", "registry_state", pages.guarded(pages.state), methods=["GET"])
    app.add_url_rule("/registry/add", "registry_add", pages.guarded(pages.add), methods=["POST"])
    app.add_url_rule("/registry/add-result", "registry_add_result", pages.guarded(pages.add_result), methods=["POST"])
    app.add_url_rule("/registry/approve", "registry_approve", pages.guarded(pages.approve), methods=["POST"])


__all__ = ["RegistryPages", "read_version", "register_registry_pages"]
