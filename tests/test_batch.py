"""Tests for ``matrix_tools.batching.run``: a folder of good, invalid, hostile and duplicate files."""

from __future__ import annotations

import dataclasses
import json
import os
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import golden_files
from hostile import CASES
from matrix_tools import resources
from matrix_tools.batching.inbox import report_dir_name
from matrix_tools.batching.run import batch
from matrix_tools.batching.work import Checked, WorkContext, process_file
from matrix_tools.model import Catalogue, Value
from matrix_tools.writing.template import blank_matrix
from matrix_tools.writing.workbook import write_matrix_workbook


def write_state(path: Path, catalogue: Catalogue, iso3: str, name: str,
                values: dict[tuple[str, str], str] | None = None) -> Path:
    """A State's matrix workbook written by the project's writer, with ``values`` filled in."""
    matrix = blank_matrix(catalogue, name, iso3, date_of_report="12 October 2004")
    entries = dict(matrix.entries)
    for key, text in (values or {}).items():
        entries[key] = Value(text, entries[key].cell)
    write_matrix_workbook(path, dataclasses.replace(matrix, entries=entries))
    return path


GOOD = {("OP2.NW.manufacture", "status"): "X", ("OP2.NW.manufacture", "source"): "Criminal Code, Art. 12"}
INVALID = {("OP2.NW.manufacture", "status"): "Yes please"}  # not a mark: an error
X_WITHOUT_SOURCE = {("OP2.NW.manufacture", "status"): "X"}


def hostile_file(folder: Path, name: str, case_name: str) -> Path:
    case = next(c for c in CASES if c.name == case_name)
    built = case.build(folder / name)
    assert built == folder / name
    return built


@pytest.fixture
def submissions(tmp_path: Path, catalogue: Catalogue) -> Path:
    """Good, invalid, hostile, duplicate-State files, a lock file and a note."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    write_state(folder / "xaa-good.xlsx", catalogue, "XAA", "Republic of Aland", GOOD)
    write_state(folder / "xbb-invalid.xlsx", catalogue, "XBB", "Bebland", INVALID)
    write_state(folder / "xdd-first.xlsx", catalogue, "XDD", "Dedland", GOOD)
    write_state(folder / "dedland-again.xlsx", catalogue, "XDD", "Dedland", {})
    (folder / "xcc-text.xlsx").write_text("Please find attached our matrix.\n", encoding="utf-8")
    hostile_file(folder, "xee-laughs.xlsx", "billion laughs in sharedStrings")
    (folder / "~$xaa-good.xlsx").write_bytes(b"\x00" * 165)
    (folder / "notes.txt").write_text("for the expert", encoding="utf-8")
    return folder


def validate_schema(document: Any) -> None:
    schema = resources.load_schema("batch.schema.json")
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def by_file(result: Any) -> dict[str, Any]:
    return {e.file: e for e in result.entries}


def test_batch_reports_every_file_and_bad_files_do_not_stop_the_others(submissions: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    (tmp_path / "ci").mkdir()
    result = batch(submissions, output=out, jobs=2, junit=tmp_path / "ci" / "junit.xml")
    entries = by_file(result)

    assert {k: e.status for k, e in entries.items()} == {
        "xaa-good.xlsx": "ok",
        "xbb-invalid.xlsx": "errors",
        "xdd-first.xlsx": "duplicate",
        "dedland-again.xlsx": "duplicate",
        "xcc-text.xlsx": "unreadable",
        "xee-laughs.xlsx": "unreadable",
        "notes.txt": "unreadable",  # not skipped for its name: refused with a code (issue 12)
    }
    assert entries["xaa-good.xlsx"].iso3 == "XAA" and entries["xaa-good.xlsx"].state == "Republic of Aland"
    assert entries["xbb-invalid.xlsx"].counts["error"] >= 1
    assert entries["xcc-text.xlsx"].error == {"code": "text-file", "message": entries["xcc-text.xlsx"].error["message"]}
    assert entries["xee-laughs.xlsx"].error["code"] == "xml-dtd"
    assert entries["xcc-text.xlsx"].key == "XCC"  # not readable: identified by its file name
    for name in ("xdd-first.xlsx", "dedland-again.xlsx"):
        message = entries[name].error["message"]
        assert entries[name].error["code"] == "duplicate-state"
        assert "xdd-first.xlsx" in message and "dedland-again.xlsx" in message
    assert entries["notes.txt"].error["code"] == "text-file"
    assert [(s["file"], s["code"]) for s in result.skipped] == [("~$xaa-good.xlsx", "lock-file")]

    assert result.exit_code == 3  # files could not be processed: the worst wins over data errors
    summary = result.summary
    assert (summary["ok"], summary["errors"], summary["unreadable"], summary["duplicate"]) == (1, 1, 3, 2)
    assert summary["skipped"] == 1 and summary["failed"] is True

    document = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    validate_schema(document)
    assert document == json.loads(json.dumps(result.document))

    assert sorted(p.name for p in (out / "states").iterdir()) == ["XAA", "XBB"]  # refused States: no reports
    report = json.loads((out / "states" / "XBB" / "validation.json").read_text(encoding="utf-8"))
    assert report["files"][0]["counts"]["error"] == entries["xbb-invalid.xlsx"].counts["error"]
    assert "Yes please" in (out / "states" / "XBB" / "validation.txt").read_text(encoding="utf-8")
    assert entries["xaa-good.xlsx"].reports == {"validation_json": "states/XAA/validation.json",
                                                "validation_text": "states/XAA/validation.txt"}

    suites = {s.get("name") or "": s for s in ET.parse(out / "junit.xml").getroot().iter("testsuite")}

    def attr(element: ET.Element | None, name: str) -> str:
        assert element is not None
        return element.get(name) or ""

    assert len(suites) == 8  # 7 files and the skipped entries: every entry of the folder is accounted for
    lock = suites["skipped entries"].find("testcase")
    assert attr(lock, "name") == "~$xaa-good.xlsx" and "lock file" in attr(lock.find("skipped") if lock is not None else None, "message")
    assert ET.parse(out / "junit.xml").getroot().get("skipped") == "1"
    laughs = next(s for name, s in suites.items() if name.endswith("xee-laughs.xlsx"))
    assert attr(laughs.find("testcase/error"), "type") == "xml-dtd"
    good = next(s for name, s in suites.items() if name.endswith("xaa-good.xlsx"))
    assert good.get("failures") == "0" and int(attr(good, "tests")) > 2
    invalid = next(s for name, s in suites.items() if name.endswith("xbb-invalid.xlsx"))
    assert int(attr(invalid, "failures")) >= 1
    duplicate = next(s for name, s in suites.items() if name.endswith("dedland-again.xlsx"))
    assert "xdd-first.xlsx" in attr(duplicate.find("testcase/error"), "message")
    assert (tmp_path / "ci" / "junit.xml").read_text(encoding="utf-8") == result.junit


def test_summary_workbook_has_a_row_per_file_a_chart_and_no_formulas(submissions: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "reports"
    batch(submissions, output=out, jobs=2)
    with zipfile.ZipFile(out / "summary.xlsx") as zf:
        names = zf.namelist()
        assert any(n.startswith("xl/charts/chart") for n in names)
        sheets = [zf.read(n) for n in names if n.startswith("xl/worksheets/sheet")]
    assert all(b"<f>" not in s for s in sheets)
    assert any(b"conditionalFormatting" in s for s in sheets)
    wb = openpyxl.load_workbook(out / "summary.xlsx")
    assert wb.sheetnames == ["Summary", "Chart", "Skipped"]
    rows = list(wb["Summary"].iter_rows(min_row=6, values_only=True))
    assert len(rows) == 7
    statuses = {row[10]: row[2] for row in rows}
    assert statuses["xee-laughs.xlsx"] == "Not readable"
    assert statuses["notes.txt"] == "Not readable"
    skipped = list(wb["Skipped"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert skipped[0][0] == "~$xaa-good.xlsx" and "lock file" in skipped[0][1]
    assert statuses["dedland-again.xlsx"] == "Several files for one State"
    good = next(row for row in rows if row[10] == "xaa-good.xlsx")
    assert good[:7] == ("Republic of Aland", "XAA", "OK", 0, 0, good[5], "no baseline")
    assert good[7] == good[8] == "2004-10-12" and len(good[13]) == 64


def test_second_run_reads_nothing_and_a_changed_file_is_read_again(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    write_state(folder / "xbb.xlsx", catalogue, "XBB", "Bebland", INVALID)
    (folder / "xcc.xlsx").write_bytes(b"")
    out = tmp_path / "out"

    first = batch(folder, output=out, jobs=2)
    assert first.document["run"]["read"] == 3 and not any(e.reused for e in first.entries)

    second = batch(folder, output=out, jobs=2)
    assert second.document["run"]["read"] == 0
    assert all(e.reused for e in second.entries)
    assert [e.as_dict() | {"reused": False} for e in second.entries] == [e.as_dict() for e in first.entries]
    assert second.exit_code == first.exit_code == 3

    write_state(folder / "xbb.xlsx", catalogue, "XBB", "Bebland", GOOD)  # the State fixed its matrix
    third = batch(folder, output=out, jobs=2)
    assert third.document["run"]["read"] == 1
    assert {e.file: (e.reused, e.status) for e in third.entries} == {
        "xaa.xlsx": (True, "ok"), "xbb.xlsx": (False, "ok"), "xcc.xlsx": (True, "unreadable")}

    full = batch(folder, output=out, jobs=2, full=True)
    assert full.document["run"]["read"] == 3

    (folder / "xbb.xlsx").unlink()  # the State's file was taken out of the folder: so are its reports
    fourth = batch(folder, output=out, jobs=2)
    assert [e.file for e in fourth.entries] == ["xaa.xlsx", "xcc.xlsx"] and fourth.document["run"]["read"] == 0
    assert sorted(p.name for p in (out / "states").iterdir()) == ["XAA"]


def test_reused_result_is_read_again_when_its_report_is_gone(tmp_path: Path, catalogue: Catalogue) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    out = tmp_path / "out"
    batch(folder, output=out, jobs=1)
    (out / "states" / "XAA" / "validation.txt").unlink()
    again = batch(folder, output=out, jobs=1)
    assert again.document["run"]["read"] == 1
    assert (out / "states" / "XAA" / "validation.txt").is_file()


def crash_on_marked_files(path: str, ctx: WorkContext) -> Checked:
    """A worker that kills its process (as a Rust panic in a reader would) for one file."""
    if "crash" in Path(path).name:
        os.abort()
    return process_file(path, ctx)


def test_a_crashing_reader_is_reported_and_the_run_continues(tmp_path: Path, catalogue: Catalogue) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for iso in ("XAA", "XBB", "XDD"):
        write_state(folder / f"{iso.lower()}.xlsx", catalogue, iso, f"State {iso}", GOOD)
    write_state(folder / "xcc-crash.xlsx", catalogue, "XCC", "Crashland", GOOD)

    result = batch(folder, jobs=2, worker=crash_on_marked_files)
    entries = by_file(result)
    assert entries["xcc-crash.xlsx"].status == "unreadable"
    assert entries["xcc-crash.xlsx"].error["code"] == "reader-crashed"
    assert "SIGABRT" in entries["xcc-crash.xlsx"].error["message"]
    assert {e.status for name, e in entries.items() if name != "xcc-crash.xlsx"} == {"ok"}
    assert result.exit_code == 3


def hang_on_marked_files(path: str, ctx: WorkContext) -> Checked:
    """A worker that never finishes one file (as a reader caught in a pathological file)."""
    if "slow" in Path(path).name:
        import time

        time.sleep(60)
    return process_file(path, ctx)


def test_a_file_that_takes_too_long_is_stopped_and_reported(tmp_path: Path, catalogue: Catalogue) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    write_state(folder / "xbb-slow.xlsx", catalogue, "XBB", "Bebland", GOOD)
    result = batch(folder, jobs=2, worker=hang_on_marked_files, timeout=3.0)
    entries = by_file(result)
    assert entries["xbb-slow.xlsx"].error["code"] == "reader-timeout"
    assert entries["xbb-slow.xlsx"].error["message"].startswith("reading took longer than 3 s")
    assert entries["xaa.xlsx"].status == "ok"


def test_a_crash_is_not_reused_by_the_next_run(tmp_path: Path, catalogue: Catalogue) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_state(folder / "xcc-crash.xlsx", catalogue, "XCC", "Crashland", GOOD)
    out = tmp_path / "out"
    crashed = batch(folder, output=out, jobs=1, worker=crash_on_marked_files)
    assert crashed.exit_code == 3
    assert crashed.entries[0].status == "unreadable" and crashed.entries[0].error["code"] == "reader-crashed"  # type: ignore[index]
    again = batch(folder, output=out, jobs=1)  # e.g. the machine was short of memory last night
    assert again.document["run"]["read"] == 1 and again.exit_code == 0
    assert again.entries[0].status == "ok" and not again.entries[0].reused


def test_each_state_is_compared_with_its_baseline(tmp_path: Path, catalogue: Catalogue) -> None:
    incoming, approved = tmp_path / "in", tmp_path / "approved"
    incoming.mkdir()
    approved.mkdir()
    write_state(incoming / "aland-2024.xlsx", catalogue, "XAA", "Aland", GOOD)
    write_state(incoming / "xbb-2024.xlsx", catalogue, "XBB", "Bebland", GOOD)
    write_state(approved / "old-name.xlsx", catalogue, "XAA", "Aland", {})  # matched by ISO code, not name
    out = tmp_path / "out"

    result = batch(incoming, baseline=approved, output=out, jobs=2)
    entries = by_file(result)
    aland = entries["aland-2024.xlsx"]
    assert aland.baseline is not None and aland.baseline["file"] == "old-name.xlsx"
    assert aland.changes is not None and aland.changes["changes"] == 2 and aland.changes["by_kind"]["added"] == 2
    assert entries["xbb-2024.xlsx"].changes is None
    assert set(aland.reports) == {"validation_json", "validation_text", "changes_json", "changes_md", "changes_xlsx"}
    assert "OP2" in (out / "states" / "XAA" / "changes.md").read_text(encoding="utf-8")
    assert zipfile.is_zipfile(out / "states" / "XAA" / "changes.xlsx")
    assert result.summary["changed_since_baseline"] == 1 and result.summary["compared_with_baseline"] == 1
    validate_schema(result.document)

    again = batch(incoming, baseline=approved, output=out, jobs=2)
    assert again.document["run"]["read"] == 0
    write_state(approved / "old-name.xlsx", catalogue, "XAA", "Aland", GOOD)  # a new approved version
    third = batch(incoming, baseline=approved, output=out, jobs=2)
    assert third.document["run"]["read"] == 1
    unchanged = by_file(third)["aland-2024.xlsx"]
    assert unchanged.changes["changes"] == 0 and unchanged.changes["has_differences"] is False
    assert set(unchanged.reports) == {"validation_json", "validation_text", "changes_json", "changes_md"}
    assert not (out / "states" / "XAA" / "changes.xlsx").exists()  # the earlier one is gone, not left stale


def test_two_baselines_for_one_state_give_a_note_and_no_change_report(tmp_path: Path, catalogue: Catalogue) -> None:
    incoming, approved = tmp_path / "in", tmp_path / "approved"
    incoming.mkdir()
    approved.mkdir()
    write_state(incoming / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    write_state(approved / "a1.xlsx", catalogue, "XAA", "Aland", {})
    write_state(approved / "a2.xlsx", catalogue, "XAA", "Aland", {})
    result = batch(incoming, baseline=approved, jobs=1)
    assert result.entries[0].changes is None
    assert any("a1.xlsx, a2.xlsx" in note for note in result.document["baseline_notes"])


@pytest.mark.parametrize(("values", "fail_on", "code"), [
    (GOOD, "error", 0),
    (INVALID, "error", 1),
    (X_WITHOUT_SOURCE, "error", 0),  # an X without a source is a warning
    (X_WITHOUT_SOURCE, "warning", 1),
])
def test_exit_code_follows_the_worst_finding(tmp_path: Path, catalogue: Catalogue, values: dict[tuple[str, str], str],
                                             fail_on: str, code: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", values)
    assert batch(folder, jobs=1, fail_on=fail_on).exit_code == code


def test_an_output_folder_inside_the_input_folder_is_not_a_submission(tmp_path: Path, catalogue: Catalogue) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    batch(folder, output=folder / "reports", jobs=1)
    again = batch(folder, output=folder / "reports", jobs=1)
    assert [e.file for e in again.entries] == ["xaa.xlsx"]
    assert again.skipped == ({"file": "reports", "code": "own-output", "reason": "the output of this matrix-tools run"},)


def test_the_output_folder_may_not_be_the_input_folder(submissions: Path) -> None:
    from matrix_tools.errors import OutputError

    with pytest.raises(OutputError, match="input folder"):
        batch(submissions, output=submissions)


def test_report_folder_names_are_safe() -> None:
    assert report_dir_name("XAA") == "XAA"
    assert report_dir_name("../../etc/passwd").startswith("other-etc_passwd-")  # issue 13: only ISO codes as is
    assert report_dir_name("...").startswith("other-") and "." not in report_dir_name("...")


def test_the_whole_hostile_corpus_in_one_folder_is_reported_file_by_file(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """Every refused file of checklist A gets its own code; the good matrix among them is still checked."""
    folder = tmp_path / "in"
    folder.mkdir()
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    expected: dict[str, str] = {}
    for i, case in enumerate(CASES):
        if case.code is None or case.code in ("input-not-found", "input-unreadable", "lock-file"):
            continue  # accepted files, and cases the folder scan handles (missing, folder, ~$ lock file)
        built = case.build(build_dir / f"case{i:02d}.xlsx")
        target = folder / f"case{i:02d}.xlsx"
        built.rename(target)
        expected[target.name] = case.code
    write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)

    result = batch(folder, jobs=2)
    codes = {e.file: e.error["code"] for e in result.entries if e.error}
    assert codes == expected
    assert by_file(result)["xaa.xlsx"].status == "ok"
    assert result.summary["unreadable"] == len(expected) and result.exit_code == 3


GOLDEN = Path(__file__).parent / "golden" / "batch"


def fixed_document() -> dict[str, Any]:
    """A summary document with every status, as batch() builds it (fixed times and hashes)."""
    def state(file: str, key: str, name: str, status: str, counts: tuple[int, int, int],
              error: dict[str, str] | None = None, changes: int | None = None) -> dict[str, Any]:
        return {
            "file": file, "path": f"incoming/{file}", "key": key,
            "state": {"name": name, "iso3": key if status != "unreadable" else ""},
            "status": status, "counts": dict(zip(("error", "warning", "info"), counts, strict=True)),
            "sha256": "0" * 64, "size": 1000, "error": error,
            "dates": {"date_of_report": ["2004-10-12"], "dates_of_additional_reports": [],
                      "date_of_committee_approval": []},
            "baseline": None if changes is None else {"file": f"{key.lower()}.xlsx", "sha256": "1" * 64},
            "changes": None if changes is None else {
                "changes": changes, "by_kind": {"added": changes, "removed": 0, "changed": 0}, "concerns": 0,
                "header_changes": 0, "cosmetic": 0, "has_differences": bool(changes)},
            "notes": [], "reports": {}, "reused": False, "seconds": 0.1,
        }

    dup = {"code": "duplicate-state", "message": "2 files claim the State XDD (a.xlsx, b.xlsx); none of them was used."}
    states = [
        state("xaa.xlsx", "XAA", "Aland", "ok", (0, 0, 1), changes=3),
        state("xbb.xlsx", "XBB", "Bebland", "errors", (2, 1, 0), changes=0),
        state("xcc.xlsx", "XCC", "", "unreadable", (0, 0, 0),
              error={"code": "xml-dtd", "message": "the workbook contains a DTD; save it again in Excel"}),
        state("a.xlsx", "XDD", "Dedland", "duplicate", (0, 0, 0), error=dup),
        state("b.xlsx", "XDD", "Dedland", "duplicate", (0, 0, 0), error=dup),
        state("=HYPERLINK(x).xlsx", "XEE", "=1+1", "warnings", (0, 4, 0)),
    ]
    summary = {"files": 6, "states": 5, "ok": 1, "warnings": 1, "errors": 1, "unreadable": 1, "duplicate": 2,
               "error": 2, "warning": 5, "info": 1, "skipped": 1, "reused": 0, "changed_since_baseline": 1,
               "compared_with_baseline": 2, "fail_on": "error", "failed": True, "exit_code": 3}
    return {
        "matrix_tools": "0.1.0",
        "run": {"folder": "incoming", "baseline": "approved", "output": "reports", "started": "2026-01-01T00:00:00+00:00",
                "finished": "2026-01-01T00:00:05+00:00", "seconds": 5.0, "jobs": 2, "full": False, "fail_on": "error",
                "catalogue": {"id": "un1540-matrix", "version": "2013.1"}, "read": 6, "reused": 0},
        "summary": summary, "states": states, "skipped": [{"file": "~$xaa.xlsx", "reason": "Excel lock file"}],
        "baseline_notes": [],
    }


def check_golden(name: str, text: str) -> None:
    golden_files.check_golden(GOLDEN / name, text)


def test_the_overview_printed_by_the_command_matches_the_golden_file() -> None:
    from matrix_tools.commands.batch import render_overview

    document = fixed_document()
    validate_schema(document)
    check_golden("overview.txt", render_overview(document))


def test_the_summary_rows_match_the_golden_file() -> None:
    from matrix_tools.reports.batch import summary_rows

    rows = summary_rows(fixed_document())
    check_golden("summary-rows.json", json.dumps(rows, ensure_ascii=False, indent=1) + "\n")


def test_submitted_text_in_the_summary_workbook_stays_text(tmp_path: Path) -> None:
    from matrix_tools.reports.batch import write_summary_xlsx

    out = write_summary_xlsx(fixed_document(), tmp_path / "summary.xlsx")
    with zipfile.ZipFile(out) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    assert not any(b"<f>" in data for name, data in parts.items() if name.startswith("xl/worksheets/"))
    assert not any("hyperlink" in name for name in parts)
    assert b"=HYPERLINK(x).xlsx" in parts["xl/sharedStrings.xml"] and b"=1+1" in parts["xl/sharedStrings.xml"]


@pytest.mark.parametrize(("counts", "fail_on", "failed"), [
    ({"error": 0, "warning": 1, "info": 0}, "info", True),  # at or above info includes warnings
    ({"error": 1, "warning": 0, "info": 0}, "info", True),
    ({"error": 0, "warning": 0, "info": 1}, "warning", False),
    ({"error": 0, "warning": 1, "info": 0}, "error", False),
])
def test_fail_on_counts_every_severity_at_or_above_the_threshold(counts: dict[str, int], fail_on: str,
                                                                  failed: bool) -> None:
    from matrix_tools.batching.run import _summary
    from matrix_tools.batching.state import StateEntry
    from matrix_tools.validation.findings import Severity

    entry = StateEntry("xaa.xlsx", "in/xaa.xlsx", "XAA", "Aland", "XAA", "warnings", counts, "0" * 64, 1)
    summary = _summary([entry], [], Severity(fail_on))
    assert summary["failed"] is failed
    assert summary["exit_code"] == (1 if failed else 0)


def test_worker_results_cross_the_process_boundary_as_frozen_dataclasses(tmp_path: Path, catalogue: Catalogue) -> None:
    import pickle
    from multiprocessing.reduction import ForkingPickler

    from matrix_tools.batching.isolation import allow_sending_mappingproxy
    from matrix_tools.batching.work import Checked, Outcome, process_chunk
    from matrix_tools.validation.config import DEFAULT_CONFIG
    from matrix_tools.validation.findings import Severity

    good = write_state(tmp_path / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    ctx = WorkContext(catalogue, DEFAULT_CONFIG, Severity.ERROR, {})
    ok, missing = process_chunk(process_file, (str(good), str(tmp_path / "gone.xlsx")), ctx)
    assert isinstance(ok, Outcome) and isinstance(ok.result, Checked) and ok.error is None
    assert (ok.result.iso3, ok.result.state, ok.result.counts["error"]) == ("XAA", "Aland", 0)
    assert ok.result.dates["date_of_report"] == ("2004-10-12",)
    assert missing.result is None and missing.error is not None and missing.error.code == "input-not-found"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ok.result.iso3 = "XBB"  # type: ignore[misc]
    allow_sending_mappingproxy()
    assert pickle.loads(ForkingPickler.dumps(ok)) == ok
    assert pickle.loads(ForkingPickler.dumps(ctx)) == ctx  # the catalogue holds mappingproxy fields


def test_a_record_of_the_last_run_that_cannot_be_understood_means_the_file_is_read_again(
    tmp_path: Path, catalogue: Catalogue,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_state(folder / "xaa.xlsx", catalogue, "XAA", "Aland", GOOD)
    write_state(folder / "xbb.xlsx", catalogue, "XBB", "Bebland", GOOD)
    out = tmp_path / "out"
    batch(folder, output=out, jobs=1)
    state = json.loads((out / "state.json").read_text(encoding="utf-8"))
    state["files"]["xbb.xlsx"]["entry"] = {"file": "xbb.xlsx"}  # keys missing
    (out / "state.json").write_text(json.dumps(state), encoding="utf-8")
    again = batch(folder, output=out, jobs=1)
    assert (again.document["run"]["read"], again.document["run"]["reused"]) == (1, 1)
    assert {e.file: e.reused for e in again.entries} == {"xaa.xlsx": True, "xbb.xlsx": False}
