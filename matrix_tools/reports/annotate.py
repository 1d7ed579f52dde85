"""The annotated workbook of ``validate --annotate OUT.xlsx``.

A NEW workbook (the input is never touched): the matrix as read, laid out like a generated
template, every flagged cell highlighted by severity with a comment explaining the findings,
and a "Findings" sheet with one row per finding linking to its cell. Links are internal
(``internal:'OP2 NW'!D12``) only; submitted text is written as plain strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.errors import InputError
from matrix_tools.model import ItemKey, Matrix, cell_ref, key_unknown_rows
from matrix_tools.validation.engine import ValidationResult
from matrix_tools.validation.findings import Finding
from matrix_tools.writing.cells import CellNote, height_for
from matrix_tools.writing.workbook import write_matrix_workbook
from matrix_tools.writing.xlsx import header_text, set_print

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from matrix_tools.writing.cells import CellKey
    from matrix_tools.writing.xlsx import Styles

FINDINGS_SHEET = "Findings"
COLUMNS = (
    ("Severity", 9.0),
    ("Code", 22.0),
    ("Table", 11.0),
    ("Row", 30.0),
    ("Column", 18.0),
    ("Cell here", 14.0),
    ("Cell in the submitted file", 14.0),
    ("Message", 60.0),
    ("Value found", 28.0),
    ("Expected", 22.0),
    ("Field ID", 22.0),
)
LAST_PRINTED = 9  # the Field ID is for programs and experts on screen, not for paper


def note_key(finding: Finding, matrix: Matrix) -> tuple[str, str] | None:
    """The (field, column) of the written workbook a finding belongs on, or None (workbook-wide)."""
    if ItemKey.is_header(finding.field):
        return (finding.field, "")
    if finding.field and finding.column and (finding.field, finding.column) in matrix.entries:
        return (finding.field, finding.column)
    if finding.code == "row-unknown":  # on the label of the kept row (written after the table)
        for row_key, row in key_unknown_rows(matrix.unknown_rows).items():
            if row.table == finding.table and row.label == finding.value:
                return (row_key, "")
    return None


def table_cell(finding: Finding, matrix: Matrix) -> str | None:
    """For a finding about a whole table (a renamed sheet, a missing column): its sheet's title."""
    if not finding.table:
        return None
    try:
        return cell_ref(matrix.catalogue.table(finding.table).sheet, 0, 0)
    except KeyError:
        return None


def build_notes(findings: Iterable[Finding], matrix: Matrix) -> list[CellNote]:
    """One CellNote per finding that names a cell: style = severity, comment = the finding."""

    notes = []
    for finding in findings:
        key = note_key(finding, matrix)
        if key is None:
            continue
        comment = f"{finding.severity.value.upper()} ({finding.code}): {finding.message}"
        notes.append(CellNote(key[0], key[1], finding.severity.value, comment))
    return notes


def add_findings_sheet(
    workbook: Workbook, styles: Styles, cells: dict[CellKey, str], findings: Sequence[Finding], matrix: Matrix
) -> None:
    """The Findings sheet: one row per finding, the cell as an internal link where there is one."""
    ws = workbook.add_worksheet(FINDINGS_SHEET)
    ws.write_string(0, 0, f"Findings for {matrix.state.name or 'this matrix'}", styles.get("title"))
    intro = (
        "One row per finding. 'Cell here' links to the highlighted cell in this workbook; 'Cell in "
        "the submitted file' is where the value was in the workbook that was checked. The code names "
        "the kind of finding (matrix-tools findings lists them all)."
    )
    # Merged across the printed columns so the sentences wrap instead of being cut off.
    ws.merge_range(1, 0, 1, LAST_PRINTED, intro, styles.get("small"))
    ws.set_row(1, height_for([(intro, sum(w for _, w in COLUMNS[: LAST_PRINTED + 1]))]))
    header_row = 3
    for col, (caption, width) in enumerate(COLUMNS):
        ws.write_string(header_row, col, caption, styles.get("caption_left"))
        ws.set_column(col, col, width)
    ws.set_row(header_row, height_for([(c, w) for c, w in COLUMNS], bold=True))
    link_format = styles.custom("link", font_color="#0563C1", underline=1, text_wrap=True,
                                border=1, border_color="#A6A6A6")
    for offset, finding in enumerate(findings, start=1):
        row = header_row + offset
        style = styles.get(finding.severity.value)
        ws.write_string(row, 0, finding.severity.value, style)
        values = (finding.code, *_where(finding, matrix))
        for col, text in enumerate(values, start=1):
            ws.write_string(row, col, text, styles.get("text"))
        key = note_key(finding, matrix)
        here = cells.get(key) if key is not None else table_cell(finding, matrix)
        if here:
            # Internal link only; the target is our own cell reference, never submitted text.
            ws.write_url(row, 5, f"internal:{here}", link_format, string=here, tip="Go to the cell")
        else:
            ws.write_string(row, 5, "", styles.get("text"))
        rest = (finding.cell, finding.message, finding.value, finding.expected, finding.field)
        for col, text in enumerate(rest, start=6):
            ws.write_string(row, col, text[:32_000], styles.get("text"))
        texts = [*values, here or "", *rest]
        ws.set_row(row, height_for([(t, COLUMNS[i + 1][1]) for i, t in enumerate(texts)]))
    last = header_row + len(findings)
    ws.autofilter(header_row, 0, max(last, header_row), len(COLUMNS) - 1)
    ws.freeze_panes(header_row + 1, 0)
    set_print(ws, repeat_row=header_row, area=(0, 0, max(last, header_row), LAST_PRINTED),
              header=f"&L&8Findings for {header_text(matrix.state.name or 'this matrix')}")


def _where(finding: Finding, matrix: Matrix) -> tuple[str, str, str]:
    """(table, row, column) of a finding as the matrix names them: "OP 1", "22 Proliferation
    Security Initiative (PSI)", "YES"; a header item, a row the State added, or blanks."""
    catalogue = matrix.catalogue
    table = ""
    if finding.table:
        try:
            table = catalogue.table(finding.table).display
        except KeyError:
            table = finding.table
    header_key = ItemKey.header_of(finding.field)
    if header_key is not None:
        item = catalogue.header_item(header_key)
        return ("Header", (item.label if item else finding.field).rstrip(":"), "")
    if finding.field and catalogue.has_field(finding.field):
        row = catalogue.row(finding.field)
        column = ""
        if finding.column:
            try:
                column = catalogue.table_of(finding.field).column(finding.column).caption.split(" (")[0]
            except KeyError:
                column = finding.column
        return (table, f"{row.number} {row.label}", column)
    if finding.code == "row-unknown":
        return (table, f"Row added by the State: {finding.value}", "")
    return (table, "", finding.column)


def write_annotated_workbook(
    path: str | Path, result: ValidationResult, *, inputs: Iterable[str | Path] = ()
) -> Path:
    """Write the annotated copy of ``result``'s matrix to ``path`` (atomically, never over an input)."""

    matrix = result.matrix
    if matrix is None:
        raise InputError(f"{result.path} could not be read, so there is nothing to annotate", path=result.path)
    sources = list(inputs)
    if matrix.source is not None:
        sources.append(matrix.source.path)
    findings = list(result.findings)

    def extra(workbook: Any, styles: Any, cells: dict[CellKey, str]) -> None:
        add_findings_sheet(workbook, styles, cells, findings, matrix)

    write_matrix_workbook(
        path, matrix, notes=build_notes(findings, matrix), extra_sheets=extra, inputs=sources,
        title=f"VALIDATION OF THE 1540 COMMITTEE MATRIX: {matrix.state.name or 'unnamed State'}",
        purpose="expert",
    )
    return Path(path)
