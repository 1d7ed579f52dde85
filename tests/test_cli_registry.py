"""``matrix-tools registry`` and references (TST@approved...) through the command line."""

from __future__ import annotations

import json
import sqlite3

import jsonschema
import openpyxl
import pytest

from helpers_registry import NPT, run, write_versions
from matrix_tools.reading.parse import load_matrix
from matrix_tools.registry.schema import SCHEMA_VERSION
from matrix_tools.registry.store import Registry
from matrix_tools.resources import load_schema


@pytest.fixture
def files(make_matrix, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    return write_versions(make_matrix, folder)


@pytest.fixture
def reg(tmp_path):
    return tmp_path / "matrix-registry.sqlite"


@pytest.fixture
def stored(files, reg):
    """A registry with the four versions, the first approved, received on four dates."""
    for i, (path, day) in enumerate(zip(files, ("2019-05-01", "2021-03-01", "2023-06-02", "2024-01-15"),
                                        strict=True)):
        status = "approved" if i == 0 else "received"
        result = run("registry", "add", path, "--status", status, "--received", day, "--registry", reg)
        assert result.exit_code == 0, result.output
    return reg


def test_add_stores_one_version_per_file_and_says_which(files, reg):
    result = run("registry", "add", *files[:2], "--registry", reg, "--note", "from the e-mail of 3 May")
    assert result.exit_code == 0, result.output
    assert "Added TST@1" in result.output and "Added TST@2" in result.output
    with Registry(reg) as r:
        versions = r.versions("TST")
    assert [(v.number, v.status, v.file_name, v.note) for v in versions] == [
        (1, "received", "testland-v1.xlsx", "from the e-mail of 3 May"),
        (2, "received", "testland-v2.xlsx", "from the e-mail of 3 May"),
    ]


def test_the_same_bytes_twice_store_one_version(files, reg, tmp_path):
    assert run("registry", "add", files[0], "--registry", reg).exit_code == 0
    renamed = tmp_path / "copy-with-another-name.xlsx"
    renamed.write_bytes(files[0].read_bytes())
    result = run("registry", "add", renamed, "--registry", reg)
    assert result.exit_code == 0
    assert "Already stored" in result.output and "TST@1" in result.output
    with Registry(reg) as r:
        assert len(r.versions()) == 1
    again = run("registry", "add", renamed, "--status", "approved", "--registry", reg)
    assert "registry approve TST@1" in again.output  # says how, instead of silently not approving


def test_an_unreadable_file_exits_3_and_stores_nothing(files, reg, tmp_path):
    bad = tmp_path / "report.xlsx"
    bad.write_bytes(b"<html><body>not a workbook</body></html>")
    result = run("registry", "add", bad, files[0], "--registry", reg)
    assert result.exit_code == 3
    assert "report.xlsx" in result.output and "nothing stored" in result.output
    assert "Traceback" not in result.output
    with Registry(reg) as r:
        assert [v.file_name for v in r.versions()] == ["testland-v1.xlsx"]  # the good file still added


def test_a_matrix_without_iso_code_is_refused(make_matrix, reg, tmp_path):
    from matrix_tools.writing.workbook import write_matrix_workbook

    path = tmp_path / "no-code.xlsx"
    write_matrix_workbook(path, make_matrix(iso3=""))
    result = run("registry", "add", path, "--registry", reg)
    assert result.exit_code == 3
    assert "no ISO code" in result.output


def test_list_shows_reference_state_status_dates_hash_and_marks(stored, files):
    result = run("registry", "list", "TST", "--registry", stored)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("TST@1") and "approved" in lines[0] and "received 2019-05-01" in lines[0]
    assert "report 12 October 2004" in lines[0]
    import hashlib

    assert hashlib.sha256(files[1].read_bytes()).hexdigest()[:12] in lines[1]
    assert "X:2 ?:0 NA:0" in lines[1] and "X:1 ?:1 NA:0" in lines[2]
    data = json.loads(run("registry", "list", "--format", "json", "--registry", stored).output)
    jsonschema.validate(data, load_schema("registry-list.schema.json"))
    assert [v["ref"] for v in data["versions"]] == ["TST@1", "TST@2", "TST@3", "TST@4"]


def test_add_takes_a_folder_of_workbooks(files, reg, tmp_path):
    (files[0].parent / "~$testland-v1.xlsx").write_bytes(b"lock")
    result = run("registry", "add", files[0].parent, "--registry", reg)
    assert result.exit_code == 0, result.output
    with Registry(reg) as r:
        assert len(r.versions("TST")) == 4


def test_export_writes_the_stored_workbook_byte_for_byte(stored, files, tmp_path):
    out = tmp_path / "exported.xlsx"
    result = run("registry", "export", "TST@3", "-o", out, "--registry", stored)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == files[2].read_bytes()


def test_approve_moves_the_approved_reference(stored, tmp_path):
    out = tmp_path / "approved.xlsx"
    assert run("registry", "export", "TST@approved", "-o", out, "--registry", stored).exit_code == 0
    assert load_matrix(out).text(*NPT) == ""
    result = run("registry", "approve", "tst@3", "--registry", stored)
    assert result.exit_code == 0 and "Approved TST@3" in result.output
    again = run("registry", "approve", "TST@3", "--registry", stored)
    assert again.exit_code == 0 and "already approved" in again.output
    assert run("registry", "export", "TST@approved", "-o", out, "--registry", stored).exit_code == 0
    assert load_matrix(out).text(*NPT) == "?"


@pytest.mark.parametrize(("ref", "expected"), [
    ("TST@latest", ""), ("TST@approved", ""), ("TST@2", "X"), ("TST@2023-06-02", "?"),
    ("TST@2023-06-01", "X"), ("TST@2021-03-01", "X"),
])
def test_references_name_the_right_version(stored, ref, expected, tmp_path):
    result = run("export", ref, "--registry", stored)
    assert result.exit_code == 0, result.output
    entries = {(e["field"], e["column"]): e["value"] for e in json.loads(result.output)["entries"]}
    assert entries[NPT] == expected


@pytest.mark.parametrize(("ref", "message"), [
    ("TST@9", "there is no version 9"),
    ("XYZ@latest", "holds no version of XYZ"),
    ("TST@2010-01-01", "no version was received on or before 2010-01-01"),
])
def test_a_reference_to_nothing_exits_2_and_says_what_exists(stored, ref, message):
    result = run("export", ref, "--registry", stored)
    assert result.exit_code == 2
    assert message in result.output
    assert "TST@1, TST@2" in result.output or "XYZ" in ref


def test_approved_reference_without_an_approved_version(files, reg):
    run("registry", "add", files[0], "--registry", reg)
    result = run("diff", "TST@approved", "TST@latest", "--registry", reg)
    assert result.exit_code == 2
    assert "no version is approved yet" in result.output


def test_a_reference_without_a_registry_file_exits_3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("diff", "TST@approved", "TST@latest", env={"MATRIX_TOOLS_REGISTRY": ""})
    assert result.exit_code == 3
    assert "no registry at" in result.output
    assert not (tmp_path / "matrix-registry.sqlite").exists()


def test_diff_of_two_references_is_the_diff_of_the_two_files(stored, files):
    by_ref = json.loads(run("diff", "TST@approved", "TST@3", "--format", "json", "--registry", stored).output)
    by_file = json.loads(run("diff", files[0], files[2], "--format", "json").output)
    assert by_ref["changes"] == by_file["changes"]
    assert by_ref["summary"] == by_file["summary"]
    assert by_ref["changes"]


def test_the_environment_variable_names_the_registry(stored, files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("diff", "TST@1", "TST@2", env={"MATRIX_TOOLS_REGISTRY": str(stored)})
    assert result.exit_code == 0, result.output
    assert "TST@1" not in result.output or "testland-v1.xlsx" in result.output


def test_the_default_registry_is_in_the_current_folder(files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MATRIX_TOOLS_REGISTRY", raising=False)
    assert run("registry", "add", files[0]).exit_code == 0
    assert (tmp_path / "matrix-registry.sqlite").is_file()
    assert run("registry", "list").output.startswith("TST@1")


def test_merge_validate_and_consolidate_accept_references(stored, tmp_path):
    merged = tmp_path / "merged.xlsx"
    result = run("merge", "TST@1", "TST@2", "TST@3", "-o", merged, "--registry", stored)
    assert result.exit_code == 1, result.output  # NPT: blank -> X (ours) and -> ? (theirs)
    assert "TST@1 (testland-v1.xlsx)" in result.output
    assert load_matrix(merged).text(*NPT) == "X"
    result = run("validate", "TST@latest", "--format", "json", "--registry", stored)
    assert result.exit_code in (0, 1)
    assert json.loads(result.output)["files"][0]["path"] == "TST@4 (testland-v4.xlsx)"
    out = tmp_path / "one.csv"
    assert run("consolidate", "TST@2", "-o", out, "--registry", stored).exit_code == 0
    assert "TST@2" in out.read_text(encoding="utf-8-sig")


def test_consolidate_from_the_registry_takes_each_states_approved_version(stored, tmp_path):
    out = tmp_path / "all.xlsx"
    result = run("consolidate", "--registry", stored, "-o", out)
    assert result.exit_code == 0, result.output
    assert "TST@1" in result.output  # the approved one, not the latest
    wb = openpyxl.load_workbook(out)
    ws = wb["Coverage over time"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    years = [r[0] for r in rows]
    assert years[0] == 2019 and 2024 in years
    captions = [c.value for c in ws[4]]
    op1 = captions.index("OP 1: measures")
    # TST@1 (CWC X) is the version in force every year: approved versions come first.
    assert all(r[op1] == 1 for r in rows)
    assert ws._charts, "a native chart of the coverage over time"


def test_consolidate_as_of_picks_the_versions_in_force_then(stored, tmp_path):
    with Registry(stored) as r:
        r.approve("TST@2")
    out = tmp_path / "then.xlsx"
    assert run("consolidate", "--registry", stored, "--as-of", "2020-12-31", "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["Coverage over time"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[0] for r in rows] == [2019, 2020]
    out2 = tmp_path / "now.xlsx"
    assert run("consolidate", "--registry", stored, "-o", out2).exit_code == 0
    ws = openpyxl.load_workbook(out2)["Coverage over time"]
    captions = [c.value for c in ws[4]]
    op1 = captions.index("OP 1: measures")
    by_year = {r[0]: r[op1] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert by_year[2019] == 1 and by_year[2021] == 2  # TST@2 (approved, received 2021) adds NPT


def test_as_of_without_registry_is_a_usage_error(files, tmp_path):
    result = run("consolidate", files[0], "--as-of", "2020-01-01", "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 2


def test_history_lists_changes_per_version_and_the_life_of_each_mark(stored):
    result = run("registry", "history", "TST", "--registry", stored)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "TST@2  received  received 2021-03-01" in text
    assert "since TST@1: 2 added, 0 changed, 0 removed (1 marks)" in text
    assert "recorded X in TST@2; changed ? in TST@3; removed ? in TST@4" in text


@pytest.mark.parametrize("suffix", [".json", ".md", ".html", ".xlsx"])
def test_history_files_in_every_format(stored, tmp_path, suffix):
    out = tmp_path / f"history{suffix}"
    result = run("registry", "history", "TST", "-o", out, "--registry", stored)
    assert result.exit_code == 0, result.output
    if suffix == ".json":
        data = json.loads(out.read_text(encoding="utf-8"))
        jsonschema.validate(data, load_schema("history.schema.json"))
        npt = next(f for f in data["fields"] if (f["field"], f["column"]) == NPT)
        assert [(e["version"], e["event"]) for e in npt["events"]] == [
            ("TST@2", "recorded"), ("TST@3", "changed"), ("TST@4", "removed")]
    elif suffix == ".xlsx":
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames == ["Versions", "Changes", "Marks timeline"]
        assert [r[0] for r in wb["Versions"].iter_rows(min_row=4, values_only=True)] == [
            "TST@1", "TST@2", "TST@3", "TST@4"]
    else:
        text = out.read_text(encoding="utf-8")
        assert "TST@3" in text and "Nuclear Non" in text


def test_history_of_an_unknown_state_exits_2(stored):
    result = run("registry", "history", "XYZ", "--registry", stored)
    assert result.exit_code == 2
    assert "no version of XYZ" in result.output


def test_a_new_registry_is_migrated_and_in_wal_mode(files, reg):
    assert run("registry", "add", files[0], "--registry", reg).exit_code == 0
    conn = sqlite3.connect(reg)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_registry_from_a_newer_version_is_refused(files, reg):
    conn = sqlite3.connect(reg)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    result = run("registry", "add", files[0], "--registry", reg)
    assert result.exit_code == 3
    assert "newer matrix-tools" in result.output


def test_a_file_that_is_not_a_registry_exits_3(files, tmp_path):
    fake = tmp_path / "notes.sqlite"
    fake.write_bytes(b"just some text, not a database" * 100)
    result = run("registry", "list", "--registry", fake)
    assert result.exit_code == 3
    assert "is it a matrix-tools registry file?" in result.output
    assert fake.read_bytes() == b"just some text, not a database" * 100


def test_a_hostile_state_name_is_shown_inert_in_the_list(make_matrix, reg, tmp_path):
    from matrix_tools.writing.workbook import write_matrix_workbook

    path = tmp_path / "evil.xlsx"
    write_matrix_workbook(path, make_matrix(state="Evil\x1b[2J\u202eState"))
    assert run("registry", "add", path, "--registry", reg).exit_code == 0
    output = run("registry", "list", "--registry", reg).output
    assert "\x1b" not in output and "\u202e" not in output


def test_a_registry_held_by_another_writer_fails_cleanly_after_waiting(files, reg, monkeypatch):
    import matrix_tools.registry.schema as schema

    assert run("registry", "add", files[0], "--registry", reg).exit_code == 0
    holder = sqlite3.connect(reg, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program keeps the write lock
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 200)
    try:
        result = run("registry", "add", files[1], "--registry", reg)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 3
    assert "cannot write to the registry" in result.output and "nothing was changed" in result.output
    with Registry(reg) as r:
        assert [v.ref for v in r.versions()] == ["TST@1"]


def _file_cases():
    from hostile import REFUSED

    return [c for c in REFUSED if c.name != "folder instead of file"]


@pytest.mark.parametrize("case", _file_cases(), ids=lambda c: c.name)
def test_every_hostile_file_is_refused_with_exit_3_and_nothing_stored(case, reg, tmp_path):
    path = case.build(tmp_path / f"{case.name.replace(' ', '_')}.xlsx")
    before = path.read_bytes() if path.is_file() else None
    result = run("registry", "add", path, "--registry", reg)
    assert result.exit_code == 3, result.output
    assert "nothing stored" in result.output
    assert not any(line.startswith("Traceback") for line in result.output.splitlines())
    assert "\x1b" not in result.output  # a part name's control characters are shown escaped
    with Registry(reg) as r:
        assert r.versions() == [] and r.integrity() == []
        assert r._conn.execute("SELECT COUNT(*) FROM blob").fetchone()[0] == 0
    if before is not None:
        assert path.read_bytes() == before  # never modified


def test_an_iso_code_that_is_not_three_letters_is_refused(make_matrix, reg, tmp_path):
    from matrix_tools.writing.workbook import write_matrix_workbook

    path = tmp_path / "odd-code.xlsx"
    write_matrix_workbook(path, make_matrix(iso3="T1/"))
    result = run("registry", "add", path, "--registry", reg)
    assert result.exit_code == 3
    assert "is not three letters" in result.output


def test_submitted_text_is_inert_in_the_history_files(make_matrix, reg, tmp_path):
    from matrix_tools.writing.workbook import write_matrix_workbook

    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_matrix_workbook(first, make_matrix(state="<script>alert(1)</script>"))
    write_matrix_workbook(second, make_matrix({("OP1.npt", "info"): "=cmd|'/c calc'!A1 | [x](http://e)"},
                                              state="<script>alert(1)</script>"))
    assert run("registry", "add", first, second, "--registry", reg).exit_code == 0
    html, md, xlsx = tmp_path / "h.html", tmp_path / "h.md", tmp_path / "h.xlsx"
    for out in (html, md, xlsx):
        assert run("registry", "history", "TST", "-o", out, "--registry", reg).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\\[x\\]\\(http://e\\)" in md.read_text(encoding="utf-8")
    import zipfile

    with zipfile.ZipFile(xlsx) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
