"""The local page through Flask's test client: Compare, Check, Merge, downloads and errors."""

from __future__ import annotations

import html
import io
import json
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from matrix_tools.cli import cli
from matrix_tools.resources import load_schema
from web_client import (
    APPROVED,
    EXAMPLIA,
    RETURNED,
    WORKING,
    csrf_token,
    error_line,
    links,
    make_app,
    post,
)


def _download(client, href: str):
    response = client.get(href)
    assert response.status_code == 200, href
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response


def test_first_page_is_the_compare_form_with_a_token_and_what_the_marks_mean(tmp_path):
    app, _root = make_app(tmp_path)
    page = app.test_client().get("/").get_data(as_text=True)
    assert '<form class="job" method="post" action="/compare"' in page
    assert 'name="old"' in page and 'name="new"' in page
    assert "not compliance scores" in page and "indicators of fact" in page
    assert "at most 50 MB" in page  # the upload limit is stated on the page


def test_compare_shows_the_cli_change_report_and_offers_every_format(tmp_path):
    app, root = make_app(tmp_path, isolate=True)  # the real path: each upload read in a child process
    client = app.test_client()
    response = post(client, "/compare", {"old": APPROVED, "new": RETURNED})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Changes in the matrix of Republic of Testland" in page
    assert "23 changes: 19 cells (14 added, 5 changed)" in page
    assert list(root.iterdir()) == []  # the uploads are gone once the page is made

    hrefs = links(page, "/download/")
    assert [h.rsplit("/", 1)[1] for h in hrefs] == [
        "XTL-changes.xlsx", "XTL-changes.html", "XTL-changes.md", "XTL-changes.json"]
    xlsx = _download(client, hrefs[0])
    assert 'filename=XTL-changes.xlsx' in xlsx.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert "Summary" in workbook.sheetnames
    data = json.loads(_download(client, hrefs[3]).data)
    jsonschema.validate(data, load_schema("diff.schema.json"))
    assert data["summary"]["changes"] == 19
    assert _download(client, hrefs[2]).get_data(as_text=True).startswith("#")

    # The report in the page is the one `diff -o changes.html` writes, byte for byte.
    cli_html = tmp_path / "changes.html"
    result = CliRunner().invoke(cli, ["diff", str(APPROVED), str(RETURNED), "-o", str(cli_html)])
    assert result.exit_code == 0, result.output
    view = links(page, "/view/")[0]
    framed = client.get(view)
    assert framed.status_code == 200 and framed.headers["Content-Disposition"] == "inline"
    assert framed.data == cli_html.read_bytes() == _download(client, hrefs[1]).data
    assert f'<iframe class="report" title="Change report" src="{view}">' in page


def test_check_lists_findings_by_table_with_cells_and_offers_the_reports(tmp_path):
    app, root = make_app(tmp_path)
    client = app.test_client()
    response = post(client, "/check", {"files": [RETURNED, EXAMPLIA]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 files checked" in page
    assert page.count('<article class="file-result">') == 2
    assert '<td class="cell">' in page and "<h4>" in page  # findings by table, each with its cell
    names = [h.rsplit("/", 1)[1] for h in links(page, "/download/")]
    assert names == ["validation.json", "validation-junit.xml", "XTL-annotated-1.xlsx", "XEX-annotated-2.xlsx"]
    hrefs = links(page, "/download/")
    report = json.loads(_download(client, hrefs[0]).data)
    jsonschema.validate(report, load_schema("validate.schema.json"))
    assert [f["path"] for f in report["files"]] == ["testland-returned.xlsx", "examplia.xlsx"]
    assert ET.fromstring(_download(client, hrefs[1]).data).tag in ("testsuites", "testsuite")
    annotated = openpyxl.load_workbook(io.BytesIO(_download(client, hrefs[2]).data))
    assert "Findings" in annotated.sheetnames
    # the same findings as the command line
    cli_json = tmp_path / "v.json"
    CliRunner().invoke(cli, ["validate", str(RETURNED), str(EXAMPLIA), "--format", "json", "-o", str(cli_json)])
    cli_files = json.loads(cli_json.read_text(encoding="utf-8"))["files"]
    assert [f["findings"] for f in report["files"]] == [f["findings"] for f in cli_files]
    assert list(root.iterdir()) == []


def test_check_with_an_unreadable_file_reports_the_others_with_status_422(tmp_path):
    app, _root = make_app(tmp_path)
    response = post(app.test_client(), "/check", {"files": [EXAMPLIA, (b"Country,Status\r\nNarnia,X\r\n", "narnia.xlsx")]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # the CLI's exit 3: an input could not be processed
    assert "could not be read" in page and "narnia.xlsx" in page and "CSV" in page
    assert "examplia.xlsx" in page and "XEX-annotated-1.xlsx" in page
    report = json.loads(app.test_client().get(links(page, "/download/")[0]).data)
    error = report["files"][1]["error"]
    assert error["code"] == "csv-file" and not error["message"].startswith("narnia.xlsx")  # as the CLI's JSON


def test_merge_shows_the_conflict_agenda_and_offers_the_merged_workbook(tmp_path):
    app, root = make_app(tmp_path)
    client = app.test_client()
    response = post(client, "/merge", {"base": APPROVED, "ours": WORKING, "theirs": RETURNED})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 conflict for the consultation" in page and "Conflict agenda" in page
    assert "Nuclear Security Regulation (2019), art. 22" in page
    hrefs = links(page, "/download/")
    assert [h.rsplit("/", 1)[1] for h in hrefs] == ["XTL-merged.xlsx", "XTL-merge-report.json", "XTL-merge-report.txt"]
    merged = openpyxl.load_workbook(io.BytesIO(_download(client, hrefs[0]).data))
    assert "Conflicts" in merged.sheetnames
    report = json.loads(_download(client, hrefs[1]).data)
    jsonschema.validate(report, load_schema("merge.schema.json"))
    assert len(report["conflicts"]) == 1 and report["output"] == "XTL-merged.xlsx"
    assert list(root.iterdir()) == []


def test_merge_can_keep_the_states_side(tmp_path):
    app, _root = make_app(tmp_path)
    page = post(app.test_client(), "/merge", {"base": APPROVED, "ours": WORKING, "theirs": RETURNED},
                {"prefer": "theirs"}).get_data(as_text=True)
    assert "<td>State&#39;s return</td>" in page


def test_a_missing_file_is_a_400_on_the_same_form(tmp_path):
    app, _root = make_app(tmp_path)
    response = post(app.test_client(), "/compare", {"old": APPROVED})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_line(page) == "no file was chosen for the new version: choose a workbook (.xlsx) and send again"
    assert 'action="/compare"' in page  # the person can try again at once


def test_two_different_states_get_the_cli_message_and_status_400(tmp_path):
    app, root = make_app(tmp_path)
    response = post(app.test_client(), "/compare", {"old": APPROVED, "new": EXAMPLIA})
    cli_run = CliRunner().invoke(cli, ["diff", str(APPROVED), str(EXAMPLIA)])
    assert cli_run.exit_code == 2
    assert response.status_code == 400
    assert "Error: " + html.unescape(error_line(response.get_data(as_text=True))) == cli_run.stderr.strip()
    assert list(root.iterdir()) == []  # deleted after an error too


def test_an_upload_over_the_limit_is_a_413_that_states_the_limit(tmp_path):
    app, _root = make_app(tmp_path)
    app.config["MAX_CONTENT_LENGTH"] = 10_000  # the real limit is 50 MB; the handling is the same
    response = post(app.test_client(), "/compare", {"old": APPROVED, "new": RETURNED})
    assert response.status_code == 413
    assert "larger than 50 MB in all" in error_line(response.get_data(as_text=True))


def test_an_unknown_or_expired_download_is_a_404_that_says_why(tmp_path):
    app, _root = make_app(tmp_path)
    response = app.test_client().get("/download/not-a-token/XTL-changes.xlsx")
    assert response.status_code == 404
    assert "kept for one hour" in response.get_data(as_text=True)
    assert app.test_client().get("/no-such-page").status_code == 404


def test_a_bug_is_a_500_page_without_traceback_and_the_server_goes_on(tmp_path, monkeypatch):
    app, root = make_app(tmp_path)
    client = app.test_client()

    def broken(*args, **kwargs):
        raise RuntimeError("boom in the engine")

    monkeypatch.setattr("matrix_tools.web.jobs.compare", broken)
    response = post(client, "/compare", {"old": APPROVED, "new": RETURNED})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "RuntimeError: boom in the engine" in error_line(page) and "Traceback" not in page
    assert list(root.iterdir()) == []
    assert client.get("/").status_code == 200


def test_concurrent_uploads_do_not_mix_results(tmp_path):
    app, root = make_app(tmp_path)
    pairs = {"testland": (APPROVED, RETURNED), "examplia": (EXAMPLIA, EXAMPLIA)}
    pages: dict[str, list[str]] = {name: [] for name in pairs}

    def work(name: str) -> None:
        client = app.test_client()
        for _ in range(2):
            old, new = pairs[name]
            pages[name].append(post(client, "/compare", {"old": old, "new": new}).get_data(as_text=True))

    threads = [threading.Thread(target=work, args=(name,)) for name in pairs for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(pages["testland"]) == len(pages["examplia"]) == 4
    client = app.test_client()
    for page in pages["testland"]:
        assert "Republic of Testland" in page and "19 cells (14 added, 5 changed)" in page
        data = json.loads(client.get(links(page, "/download/")[3]).data)
        assert data["summary"]["changes"] == 19
    for page in pages["examplia"]:
        assert "Examplia" in page and "Republic of Testland" not in page
        data = json.loads(client.get(links(page, "/download/")[3]).data)
        assert data["summary"]["changes"] == 0
    tokens = {links(p, "/download/")[0].split("/")[2] for ps in pages.values() for p in ps}
    assert len(tokens) == 8  # every page its own results
    assert list(root.iterdir()) == []


@pytest.mark.parametrize("path", ["/check", "/merge"])
def test_every_form_page_carries_the_token(tmp_path, path):
    app, _root = make_app(tmp_path)
    client = app.test_client()
    assert csrf_token(client, path) == csrf_token(client, "/")


def test_page_names_the_uploaded_file_never_the_temporary_path(tmp_path):
    app, root = make_app(tmp_path)
    response = post(app.test_client(), "/compare", {"old": (b"not a workbook at all", "Our matrix (final).xlsx"),
                                                    "new": RETURNED})
    line = html.unescape(error_line(response.get_data(as_text=True)))
    assert response.status_code == 422
    assert line.startswith("Our matrix (final).xlsx: ")
    assert str(root) not in line and "upload" not in line


def test_uploaded_folders_are_private(tmp_path, monkeypatch):
    seen: list[int] = []
    import matrix_tools.web.uploads as uploads

    real = uploads.save_uploads

    def spy(fields, folder: Path):
        seen.append(folder.stat().st_mode & 0o777)
        return real(fields, folder)

    monkeypatch.setattr(uploads, "save_uploads", spy)
    monkeypatch.setattr("matrix_tools.web.app.save_uploads", spy)
    app, _root = make_app(tmp_path)
    post(app.test_client(), "/compare", {"old": APPROVED, "new": RETURNED})
    assert seen == [0o700]


def test_cosmetic_edits_are_listed_when_the_box_is_ticked(tmp_path):
    app, _root = make_app(tmp_path)
    client = app.test_client()
    plain = post(client, "/compare", {"old": APPROVED, "new": RETURNED}).get_data(as_text=True)
    ticked = post(client, "/compare", {"old": APPROVED, "new": RETURNED}, {"include_cosmetic": "on"}).get_data(as_text=True)
    assert 'tick "Also list edits of spacing..." to see them' in html.unescape(plain)
    plain_json = json.loads(client.get(links(plain, "/download/")[3]).data)
    ticked_json = json.loads(client.get(links(ticked, "/download/")[3]).data)
    assert not any(c.get("cosmetic") for c in plain_json["changes"])
    assert any(c.get("cosmetic") for c in ticked_json["changes"])
    cli_run = CliRunner().invoke(cli, ["diff", str(APPROVED), str(RETURNED), "--format", "json", "--include-cosmetic"])
    cli_json = json.loads(cli_run.stdout)
    assert ticked_json["changes"] == cli_json["changes"] and ticked_json["summary"] == cli_json["summary"]
    assert ticked_json["new"]["path"] == "testland-returned.xlsx"  # the page names files, never its folders


def test_an_unexpected_error_logs_one_line_without_debug(tmp_path, monkeypatch, caplog):
    app, _root = make_app(tmp_path)
    monkeypatch.setattr("matrix_tools.web.jobs.check", lambda *a, **k: 1 / 0)
    response = post(app.test_client(), "/check", {"files": [EXAMPLIA]})
    assert response.status_code == 500
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "Error: could not complete the job (ZeroDivisionError: division by zero); the server is still running: "
        "report it if the files look fine"]
    assert all(r.exc_info is None for r in caplog.records)
