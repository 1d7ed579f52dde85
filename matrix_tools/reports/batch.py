"""Render a batch run: ``summary.json`` for programs, ``summary.xlsx`` for the expert.

The workbook has a "Summary" sheet (one row per submitted file: State, status, counts, changes
since the baseline, dates, file, SHA-256; the status column coloured by conditional
formatting, filters and frozen panes), a "Chart" sheet (States by status, a native Excel
chart) and a "Skipped" sheet listing what was not a workbook. Everything that came from a
submission (State names, file names, messages) is written as a string on a workbook that
never turns strings into formulas or links (design.md, untrusted-input.md rule 4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matrix_tools.reports.findings import _xml_text
from matrix_tools.safety import encodable, safe_json_dumps
from matrix_tools.writing.output import write_with
from matrix_tools.writing.xlsx import new_workbook, set_print

STATUS_LABELS = {
    "ok": "OK",
    "warnings": "Warnings",
    "errors": "Errors",
    "unreadable": "Not readable",
    "duplicate": "Several files for one State",
}
STATUS_COLOURS = {  # fill, font
    "ok": ("#C6EFCE", "#006100"),
    "warnings": ("#FFEB9C", "#9C5700"),
    "errors": ("#FFC7CE", "#9C0006"),
    "unreadable": ("#F4B183", "#7F2704"),
    "duplicate": ("#D9D2E9", "#3F3151"),
}
COLUMNS: tuple[tuple[str, float], ...] = (
    ("State", 30), ("ISO", 6), ("Status", 22), ("Errors", 8), ("Warnings", 10), ("Notes", 8),
    ("Changes since baseline", 12), ("Date of report", 12), ("Latest report", 12), ("Date of approval", 12),
    ("File", 28), ("Message", 60), ("Reused from last run", 10), ("SHA-256", 20),
)
MESSAGE_COL = 11
MAX_CELL = 32_000  # below Excel's 32,767 characters per cell


def render_summary_json(document: Mapping[str, Any]) -> str:
    """The summary document as JSON (schemas/batch.schema.json)."""
    return safe_json_dumps(document, indent=2) + "\n"


def render_junit_document(fragments: Sequence[str], *, skipped: Sequence[Mapping[str, str]] = ()) -> str:
    """Several ``render_findings.render_junit`` documents as one ``<testsuites>`` (totals summed);
    ``skipped`` folder entries become one suite of skipped test cases, each with its reason."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="matrix-tools batch")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suites = [suite for text in fragments for suite in ET.fromstring(encodable(text).encode("utf-8")).iter("testsuite")]
    if skipped:
        suite = ET.Element("testsuite", name="skipped entries", tests=str(len(skipped)), failures="0",
                           errors="0", skipped=str(len(skipped)))
        for item in skipped:
            case = ET.SubElement(suite, "testcase", classname="skipped", name=_xml_text(str(item["file"])))
            ET.SubElement(case, "skipped", message=_xml_text(str(item["reason"])))
        suites.append(suite)
    for suite in suites:
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def _date(values: Sequence[str]) -> str:
    return values[-1] if values else ""


def _latest_report(dates: Mapping[str, Sequence[str]]) -> str:
    """The most recent of the first report and the additional reports (ISO dates sort as text)."""
    every = [*dates.get("date_of_report", ()), *dates.get("dates_of_additional_reports", ())]
    return max(every) if every else ""


def _message(state: Mapping[str, Any]) -> str:
    if state.get("error"):
        return str(state["error"]["message"])
    return "; ".join(state.get("notes", ()))


def _changes(state: Mapping[str, Any]) -> str | int:
    changes = state.get("changes")
    if changes is None:
        return "no baseline" if state["status"] not in ("unreadable", "duplicate") else ""
    if "total" in changes:  # the diff's one count: cells + header items + rows outside the template
        return int(changes["total"])
    return int(changes["changes"]) + int(changes.get("header_changes", 0))


def summary_rows(document: Mapping[str, Any]) -> list[list[Any]]:
    """The rows of the Summary sheet, in the order of ``COLUMNS``."""
    rows = []
    for state in document["states"]:
        counts = state["counts"]
        dates = state.get("dates", {})
        rows.append([
            state["state"]["name"] or state["key"], state["state"]["iso3"], status_label(state["status"]),
            counts.get("error", 0), counts.get("warning", 0), counts.get("info", 0), _changes(state),
            _date(dates.get("date_of_report", [])), _latest_report(dates),
            _date(dates.get("date_of_committee_approval", [])),
            state["file"], _message(state), "yes" if state.get("reused") else "", state["sha256"],
        ])
    return rows


def write_summary_xlsx(document: Mapping[str, Any], output: str | Path, *, inputs: Sequence[str | Path] = ()) -> Path:
    """Write summary.xlsx atomically (never over one of ``inputs``)."""

    def build(tmp: Path) -> None:
        wb = new_workbook(tmp, title="matrix-tools batch summary", comments="Batch summary written by matrix-tools.")
        _summary_sheet(wb, document)
        _chart_sheet(wb, document)
        _skipped_sheet(wb, document)
        wb.close()

    return write_with(output, build, inputs)


def _summary_sheet(wb: Any, document: Mapping[str, Any]) -> None:
    ws = wb.add_worksheet("Summary")
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DCE6F1", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    top = wb.add_format({"valign": "top"})
    run = document["run"]
    total = document["summary"]
    ws.write_string(0, 0, "Batch validation of 1540 matrices", wb.add_format({"bold": True, "font_size": 14}))
    ws.write_string(1, 0, f"Folder: {run['folder']}   Baseline: {run.get('baseline') or '(none)'}   "
                          f"Finished: {run['finished']}   Fail on: {run['fail_on']}")
    ws.write_string(2, 0, f"{total['files']} file(s): {total['ok']} OK, {total['warnings']} with warnings, "
                          f"{total['errors']} with errors, {total['unreadable']} not readable, "
                          f"{total['duplicate']} refused (more than one file for a State); {total['skipped']} skipped. "
                          f"Exit code {total['exit_code']}.", bold)
    first = 4
    for col, (title, width) in enumerate(COLUMNS):
        ws.write_string(first, col, title, head)
        ws.set_column(col, col, width)
    ws.set_row(first, 45)  # up to three lines for the wrapped captions
    rows = summary_rows(document)
    for r, row in enumerate(rows, start=first + 1):
        for c, value in enumerate(row):
            if isinstance(value, int):
                ws.write_number(r, c, value, top)
            else:
                text = str(value)[:MAX_CELL]
                ws.write_string(r, c, text, wrap if c == MESSAGE_COL else top)
    last = first + max(1, len(rows))
    status_col = 2
    for status, (fill, font) in STATUS_COLOURS.items():
        fmt = wb.add_format({"bg_color": fill, "font_color": font})
        ws.conditional_format(first + 1, status_col, last, status_col,
                              {"type": "cell", "criteria": "==", "value": f'"{status_label(status)}"', "format": fmt})
    ws.conditional_format(first + 1, 3, last, 3, {"type": "cell", "criteria": ">", "value": 0,
                                                   "format": wb.add_format({"font_color": "#9C0006", "bold": True})})
    ws.autofilter(first, 0, last, len(COLUMNS) - 1)
    ws.freeze_panes(first + 1, 1)
    # The SHA-256 (last column) is for programs, not for paper.
    set_print(ws, repeat_row=first, area=(0, 0, last, len(COLUMNS) - 2))
    ws.activate()


def _chart_sheet(wb: Any, document: Mapping[str, Any]) -> None:
    ws = wb.add_worksheet("Chart")
    head = wb.add_format({"bold": True})
    ws.write_string(0, 0, "Status", head)
    ws.write_string(0, 1, "States", head)
    summary = document["summary"]
    for i, status in enumerate(STATUS_LABELS, start=1):
        ws.write_string(i, 0, status_label(status))
        ws.write_number(i, 1, int(summary.get(status, 0)))
    ws.set_column(0, 0, 26)
    chart = wb.add_chart({"type": "column"})
    n = len(STATUS_LABELS)
    chart.add_series({
        "name": "States",
        "categories": ["Chart", 1, 0, n, 0],
        "values": ["Chart", 1, 1, n, 1],
        "points": [{"fill": {"color": STATUS_COLOURS[s][0]}, "border": {"color": STATUS_COLOURS[s][1]}}
                   for s in STATUS_LABELS],
        "data_labels": {"value": True},
    })
    chart.set_title({"name": "States by status"})
    chart.set_legend({"none": True})
    most = max((int(summary.get(status, 0)) for status in STATUS_LABELS), default=0)
    chart.set_y_axis({"name": "States", "min": 0, "major_unit": max(1, -(-most // 10)),
                      "major_gridlines": {"visible": True}})
    ws.insert_chart(len(STATUS_LABELS) + 2, 0, chart, {"x_scale": 1.4, "y_scale": 1.3})
    set_print(ws, fit_height=1)


def _skipped_sheet(wb: Any, document: Mapping[str, Any]) -> None:
    ws = wb.add_worksheet("Skipped")
    head = wb.add_format({"bold": True})
    ws.write_string(0, 0, "File", head)
    ws.write_string(0, 1, "Why it was skipped", head)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 60)
    for r, item in enumerate(document.get("skipped", ()), start=1):
        ws.write_string(r, 0, str(item["file"])[:MAX_CELL])
        ws.write_string(r, 1, str(item["reason"])[:MAX_CELL])
    notes = document.get("baseline_notes", ())
    if notes:
        start = len(document.get("skipped", ())) + 3
        ws.write_string(start, 0, "Baseline notes", head)
        for r, note in enumerate(notes, start=start + 1):
            ws.write_string(r, 0, str(note)[:MAX_CELL])
