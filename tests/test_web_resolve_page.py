"""The Resolve page against the real ``resolve``: merge -> decisions typed in the agenda -> final matrix."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from helpers_resolve import BWC, CWC, MAKE, NPT, fill_decisions, make_merged, run
from matrix_tools.reading.parse import load_matrix
from matrix_tools.resources import load_schema
from web_client import APPROVED, error_line, links, make_app, post

HOSTILE = "<script>alert(1)</script> =HYPERLINK(\"http://x\") Ratified 1995"
ALL_DECIDED = {
    "npt": ("theirs", None),
    "cwc": (None, HOSTILE),
    "bwc": ("Experts’ copy", None),
    "date": ("BASE", None),
    "row": ("State's return.", None),
}


@pytest.fixture
def merged(make_matrix, tmp_path):
    return make_merged(make_matrix, tmp_path)


def download(client, page: str, suffix: str) -> bytes:
    (href,) = [h for h in links(page, "/download/") if h.endswith(suffix)]
    response = client.get(href)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.data


def test_every_conflict_decided_gives_the_final_matrix_and_the_record_of_decisions(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided after the consultation.xlsx", ALL_DECIDED)
    app, root = make_app(tmp_path)
    client = app.test_client()
    response = post(client, "/resolve", {"merged": decided})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "5 decisions applied: 1 from the experts' copy, 2 from the State's return" in " ".join(page.split())
    final = tmp_path / "final-from-page.xlsx"
    final.write_bytes(download(client, page, "-final.xlsx"))
    matrix = load_matrix(final)
    assert matrix.text(*NPT) == "NA" and matrix.text(*BWC) == "X" and matrix.text(*CWC) == HOSTILE
    assert matrix.text(*MAKE) == "Atomic Energy Act 1954, sect. 57"
    assert matrix.header["date_of_report"].text == "12 October 2004"
    assert "Conflicts" not in openpyxl.load_workbook(final).sheetnames
    # the same final values as the command gives
    cli_final = tmp_path / "final-from-cli.xlsx"
    assert run("resolve", decided, "-o", cli_final).exit_code == 0
    assert load_matrix(cli_final).entries == matrix.entries
    record = json.loads(download(client, page, "-decisions.json"))
    jsonschema.validate(record, load_schema("resolve.schema.json"))
    assert record["merged"] == "decided after the consultation.xlsx"  # the person's file, not the temporary copy
    assert record["summary"]["ok"] is True and len(record["decisions"]) == 5
    assert "decided after the consultation.xlsx" in download(client, page, "-decisions.txt").decode()
    # what the State typed is shown as text
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert list(root.iterdir()) == []


def test_an_undecided_or_misunderstood_conflict_is_listed_with_its_cell_and_nothing_is_offered(merged, tmp_path):
    partly = {**ALL_DECIDED, "npt": (None, None), "bwc": ("maybe later", None)}
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", partly)
    app, root = make_app(tmp_path)
    client = app.test_client()
    response = post(client, "/resolve", {"merged": decided})
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # the command's exit 1
    assert "Nothing was written: 1 undecided, 1 not understood" in " ".join(page.split())
    assert links(page, "/download/") == []
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td class=\"text\">([^<]*)</td><td>([^<]*)</td>"
                      r"<td class=\"cell\">([^<]*)</td>\s*<td class=\"cell\">([^<]*)</td><td class=\"text\">([^<]*)</td>",
                      page)
    assert len(rows) == 2
    by_reason = {r[6].split(":")[0]: r for r in rows}
    undecided = by_reason["undecided"]
    assert undecided[1] == "OP 1" and "(NPT)" in undecided[2] and undecided[3]
    assert undecided[4] == "&#39;OP1&#39;!C6"  # the cell in the matrix
    assert re.fullmatch(r"&#39;Conflicts&#39;!J\d+", undecided[5])  # where to write the decision
    assert any("maybe later" in r[6] and "not understood" in r[6] for r in rows)
    assert list(root.iterdir()) == []


def test_a_workbook_without_a_conflict_agenda_gets_one_line_naming_the_upload(tmp_path):
    app, _root = make_app(tmp_path)
    client = app.test_client()
    response = post(client, "/resolve", {"merged": APPROVED})
    assert response.status_code == 422
    message = error_line(response.get_data(as_text=True))
    assert message.startswith("testland-approved.xlsx") and "Conflicts" in message
    assert 'action="/resolve"' in response.get_data(as_text=True)  # the form is there to try again
    empty = post(client, "/resolve", {})
    assert empty.status_code == 400 and "no file was chosen for the merged workbook" in error_line(
        empty.get_data(as_text=True))


def test_the_merged_workbook_is_read_in_an_isolated_child(merged, tmp_path):
    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED)
    app, _root = make_app(tmp_path, isolate=True)
    client = app.test_client()
    response = post(client, "/resolve", {"merged": decided})
    assert response.status_code == 200, error_line(response.get_data(as_text=True))
    hostile = post(client, "/resolve", {"merged": (b"PK\x03\x04 not really a zip", "decided.xlsx")})
    assert hostile.status_code == 422 and error_line(hostile.get_data(as_text=True)).startswith("decided.xlsx: ")


def test_the_resolve_form_needs_the_page_token(merged, tmp_path):
    app, root = make_app(tmp_path)
    client = app.test_client()
    refused = post(client, "/resolve", {"merged": Path(merged)}, token="forged")
    assert refused.status_code == 403
    assert list(root.iterdir()) == []


def test_the_final_matrix_is_added_to_the_registry_by_its_button_only(merged, tmp_path):
    from matrix_tools.registry.store import Registry

    decided = fill_decisions(merged, tmp_path / "decided.xlsx", ALL_DECIDED)
    registry = tmp_path / "matrix-registry.sqlite"
    app, root = make_app(tmp_path, registry=registry)
    client = app.test_client()
    page = post(client, "/resolve", {"merged": decided}).get_data(as_text=True)
    assert not registry.exists()  # resolving stores nothing
    (token,) = re.findall(r'name="token" value="([^"]+)"', page)
    (name,) = re.findall(r'<input type="hidden" name="name" value="([^"]+)"', page)
    final = download(client, page, "-final.xlsx")
    form = {"token": token, "name": name, "status": "working", "note": "after the consultation"}
    assert client.post("/registry/add-result", data={**form, "csrf_token": "forged"}).status_code == 403
    added = post(client, "/registry/add-result", {}, form)
    assert added.status_code == 200 and "Added <b>TST@1</b>" in added.get_data(as_text=True)
    with Registry(registry, create=False) as store:
        version = store.find("TST@latest")
        assert (version.file_name, version.status, version.note) == ("TST-final.xlsx", "working",
                                                                      "after the consultation")
        assert store.read_bytes(version) == final
    gone = post(client, "/registry/add-result", {}, {**form, "token": "0" * 32})
    assert gone.status_code == 400 and "no longer kept" in error_line(gone.get_data(as_text=True))
    assert list(root.iterdir()) == []
    without = make_app(tmp_path / "other")[0].test_client()
    assert "/registry/add-result" not in post(without, "/resolve", {"merged": decided}).get_data(as_text=True)
