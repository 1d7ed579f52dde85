"""The Flask application of ``matrix-tools serve``: pages, downloads, errors and guards.

Flask (with werkzeug's multipart parser and upload size limit) and waitress were chosen
because both are pure Python, long maintained (Pallets; Pylons), run the same on Windows,
and the work is synchronous (reading and writing workbooks): a WSGI app on a threaded
server fits it without an event loop. Flask's test client serves the tests, with no extra
HTTP library.

Templates are the project's own (``templates/web-*.html.j2``, found through
``resources.py``), rendered by a Jinja2 environment with autoescape always on: Flask's own
environment would not escape ``.j2`` files.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request, send_file
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from matrix_tools.errors import MatrixToolsError
from matrix_tools.limits import DEFAULT_LIMITS
from matrix_tools.resources import read_template_text
from matrix_tools.web import jobs
from matrix_tools.web.registry_pages import register_registry_pages
from matrix_tools.web.render import Renderer, make_renderer
from matrix_tools.web.security import check_host, check_post, new_csrf_token, security_headers
from matrix_tools.web.store import ResultStore
from matrix_tools.web.uploads import (
    Upload,
    UploadError,
    private_folder,
    read_all,
    read_uploads,
    renamed_error,
    save_uploads,
    status_for,
)

UPLOAD_LIMIT = DEFAULT_LIMITS.max_file_bytes  # per request: a filled matrix is ~50-200 kB
FORM_OVERHEAD = 64 * 1024
MAX_CHECK_FILES = 20
STATIC_FILES = {"web.css": "text/css; charset=utf-8", "web.js": "text/javascript; charset=utf-8"}
PAGES = {  # endpoint -> template, so an error is shown on the page whose form was sent
    "compare": "web-compare.html.j2",
    "check": "web-check.html.j2",
    "merge": "web-merge.html.j2",
    "resolve": "web-resolve.html.j2",
}


@dataclass
class WebConfig:
    """What the pages need besides the request (one per app; the port is set once it is known)."""
    csrf_token: str
    store: ResultStore
    upload_root: Path | None
    isolate: bool
    registry: Path | None
    port: int | None = None


def create_app(*, registry: Path | None = None, upload_root: Path | None = None, isolate: bool = True,
               store: ResultStore | None = None, debug: bool = False) -> Flask:
    """The app; ``upload_root`` is where private upload folders go (default: the system's temp).

    ``debug`` (``matrix-tools --debug serve``) logs the traceback of an unexpected error in
    the terminal; without it the terminal gets the same one line as the page.
    """

    app = Flask("matrix_tools.web", static_folder=None, template_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = UPLOAD_LIMIT + FORM_OVERHEAD
    config = WebConfig(new_csrf_token(), store or ResultStore(), upload_root, isolate, registry)
    app.extensions["matrix_tools"] = config
    render = make_renderer(config, UPLOAD_LIMIT)
    _register_guards(app, config, render, debug=debug)
    _register_jobs(app, config, render)
    _register_consultation_jobs(app, config, render)
    _register_files(app, config)
    register_registry_pages(app, config, render)
    return app


def _register_guards(app: Flask, config: WebConfig, render: Renderer, *, debug: bool) -> None:
    """The Host and form-token checks, the security headers, and every error as a page."""
    @app.before_request
    def guard() -> Response | None:
        refusal = check_host(request.host, config.port)
        if refusal is None and request.method not in ("GET", "HEAD"):
            refusal = check_post(request.form.get("csrf_token"), config.csrf_token,
                                 origin=request.headers.get("Origin"),
                                 fetch_site=request.headers.get("Sec-Fetch-Site"), host=request.host)
        if refusal is not None:
            return render("web-error.html.j2", refusal.status, error=refusal.message)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.update(security_headers(report=request.endpoint == "view"))
        return response

    @app.errorhandler(MatrixToolsError)
    def matrix_tools_error(exc: MatrixToolsError) -> Response:
        return render(PAGES.get(request.endpoint or "", "web-error.html.j2"), status_for(exc), error=str(exc))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> Response:
        message = (f"the upload is larger than {UPLOAD_LIMIT // (1024 * 1024)} MB in all, the limit of this page "
                   "(a filled matrix is well under 1 MB): check that you chose the right files")
        return render(PAGES.get(request.endpoint or "", "web-error.html.j2"), 413, error=message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        message = GONE if exc.description == GONE else HTTP_MESSAGES.get(
            exc.code or 500, "the request could not be handled: go back to the first page")
        return render("web-error.html.j2", exc.code or 500, error=message)

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> Response:
        text = " ".join(str(exc).split())[:300]
        message = (f"could not complete the job ({type(exc).__name__}: {text}); the server is still running: "
                   "report it if the files look fine")
        if debug:
            app.logger.exception("internal error")
        else:
            app.logger.error("Error: %s", message)
        return render("web-error.html.j2", 500, error=message)


Job = Callable[[list[Upload], Path], jobs.JobOutcome]


def _run_job(config: WebConfig, render: Renderer, fields: Sequence[tuple[str, Any]], job: Job,
             template: str) -> Response:
    """Save the uploads in a private folder, run ``job`` on them, and show its page."""
    with private_folder(config.upload_root) as folder:
        uploads = save_uploads(fields, folder)
        try:
            outcome = job(uploads, folder)
        except MatrixToolsError as exc:
            raise renamed_error(exc, uploads) from None
    token = config.store.put(outcome.downloads)
    return render(template, outcome.status, result=outcome.context, token=token,
                  downloads=outcome.downloads, report=outcome.report)


def _register_jobs(app: Flask, config: WebConfig, render: Renderer) -> None:
    """Compare and Check."""
    def run(fields: Sequence[tuple[str, Any]], job: Job, template: str) -> Response:
        return _run_job(config, render, fields, job, template)

    @app.get("/")
    def compare_form() -> Response:
        return render(PAGES["compare"])

    @app.post("/compare")
    def compare() -> Response:
        cosmetic = request.form.get("include_cosmetic") == "on"

        def job(ups: list[Upload], work: Path) -> jobs.JobOutcome:
            old, new = read_all(ups, isolate=config.isolate)
            return jobs.compare(old, new, work, include_cosmetic=cosmetic)

        return run([("old version", request.files.get("old")), ("new version", request.files.get("new"))],
                   job, PAGES["compare"])

    @app.get("/check")
    def check_form() -> Response:
        return render(PAGES["check"])

    @app.post("/check")
    def check() -> Response:
        chosen = [f for f in request.files.getlist("files") if f.filename]
        if not chosen:
            raise UploadError("no file was chosen: choose one or more workbooks (.xlsx) and send again")
        if len(chosen) > MAX_CHECK_FILES:
            raise UploadError(f"{len(chosen)} files were chosen; this page checks at most {MAX_CHECK_FILES} "
                              "at once: send them in smaller groups (or use matrix-tools batch)")

        def job(ups: list[Upload], work: Path) -> jobs.JobOutcome:
            outcomes = read_uploads(ups, isolate=config.isolate)
            return jobs.check([(u.name, o) for u, o in zip(ups, outcomes, strict=True)], work)

        return run([(f"file {n}", f) for n, f in enumerate(chosen, start=1)], job, PAGES["check"])


def _register_consultation_jobs(app: Flask, config: WebConfig, render: Renderer) -> None:
    """Merge and Resolve: the consultation's two steps."""
    def run(fields: Sequence[tuple[str, Any]], job: Job, template: str) -> Response:
        return _run_job(config, render, fields, job, template)

    @app.get("/merge")
    def merge_form() -> Response:
        return render(PAGES["merge"])

    @app.post("/merge")
    def merge() -> Response:
        prefer = "theirs" if request.form.get("prefer") == "theirs" else "ours"
        fields = [("last agreed matrix (base)", request.files.get("base")),
                  ("experts' copy", request.files.get("ours")),
                  ("State's return", request.files.get("theirs"))]

        def job(ups: list[Upload], work: Path) -> jobs.JobOutcome:
            base, ours, theirs = read_all(ups, isolate=config.isolate)
            return jobs.merge(base, ours, theirs, work, prefer=prefer)

        return run(fields, job, PAGES["merge"])

    @app.get("/resolve")
    def resolve_form() -> Response:
        return render(PAGES["resolve"])

    @app.post("/resolve")
    def resolve() -> Response:
        def job(ups: list[Upload], work: Path) -> jobs.JobOutcome:
            outcome = jobs.resolve(ups[0].path, ups[0].name, work, isolate=config.isolate)
            # With a registry open, the final matrix can be stored from the page (a button).
            return replace(outcome, context={**outcome.context, "registry_open": config.registry is not None})

        return run([("merged workbook", request.files.get("merged"))], job, PAGES["resolve"])


def _register_files(app: Flask, config: WebConfig) -> None:
    """Downloads (as attachments), the framed report, and the page's own CSS and script."""
    @app.get("/download/<token>/<name>")
    def download(token: str, name: str) -> Response:
        item = config.store.get(token, name)
        if item is None:
            abort(404, description=GONE)
        return send_file(io.BytesIO(item.data), mimetype=item.mimetype, as_attachment=True,
                         download_name=item.name, max_age=0)

    @app.get("/view/<token>/<name>")
    def view(token: str, name: str) -> Response:
        item = config.store.get(token, name)
        if item is None or not name.endswith(".html"):
            abort(404, description=GONE)
        response = Response(item.data, mimetype="text/html")
        response.headers["Content-Disposition"] = "inline"
        return response

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status=204)  # browsers ask for one; the page has none

    @app.get("/static/<name>")
    def static_file(name: str) -> Response:
        if name not in STATIC_FILES:
            abort(404)
        return Response(read_template_text(name), mimetype=STATIC_FILES[name])


GONE = ("this download is no longer available: results are kept for one hour, and only until the "
        "server stops; send the files again to make it anew")
HTTP_MESSAGES = {
    404: "there is no such page: go back to the first page (Compare)",
    405: "this address does not take that kind of request: use the page's form",
    400: "the request could not be understood: reload the page and send the form again",
}
