"""The change report as an Excel workbook: the file experts take to the consultation.

Sheets: Summary (versions, counts, a native chart: ``diff_xlsx_summary.py``), Changes (one
row per change, header items included, filterable), For consultation (points to raise, with an
Outcome column to fill in during the meeting), then a copy of the NEW matrix (About and the
table sheets, changed cells highlighted, the old value in a comment) that the two other sheets
link to. Outcomes typed in an earlier report at the same path are carried forward (``carry.py``).
Every submitted text is written with ``write_string`` / ``write_rich_string`` on a workbook
that never turns strings into formulas or links (``writing.xlsx.new_workbook``); the report
holds no formula at all (counts are written as numbers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrix_tools.diffing.result import Change, ConsultationPoint, DiffResult, HeaderChange, Side
from matrix_tools.diffing.worddiff import Segment
from matrix_tools.model import ItemKey, key_unknown_rows
from matrix_tools.reports.carry import (
    CarryOutcome,
    NoteCarrier,
    add_earlier_notes_sheet,
    load_notes,
)
from matrix_tools.reports.diff_text import mark_sides, readable_segments
from matrix_tools.reports.diff_xlsx_summary import write_summary
from matrix_tools.writing.cells import CellKey, CellNote, clip, height_for
from matrix_tools.writing.front import add_about_sheet
from matrix_tools.writing.output import check_output_path, write_with
from matrix_tools.writing.workbook import add_table_sheets
from matrix_tools.writing.xlsx import Styles, header_text, new_workbook, set_print

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet


KIND_FILLS = {"added": "#D8F0D2", "removed": "#F8D0CE", "changed": "#FFF2A8", "cosmetic": "#EDEDED"}
KIND_FONTS = {"added": "#1E6B30", "removed": "#9C1C14", "changed": "#7A5200"}
MAX_CELL = 32_000  # Excel holds 32,767 characters per cell
CHANGES_SHEET = "Changes"
CONSULTATION_SHEET = "For consultation"
OUTCOME_CAPTION = "Outcome (fill in during the meeting)"
LINK_CAPTION = "See in this report"
CHANGE_COLUMNS = (
    ("Table", 11), ("No.", 5), ("Field", 30), ("Column", 20), ("Kind", 10), ("Old", 26), ("New", 26),
    ("Text change (word by word)", 40), ("Transition", 11), ("Meaning", 30), (LINK_CAPTION, 14),
    ("Cell in the State's new workbook", 16), ("Cell in the State's old workbook", 16), ("Field ID", 24),
)
CONSULTATION_COLUMNS = (
    ("Topic", 22), ("Table", 11), ("No.", 5), ("Field", 34), ("Column", 20), ("Old", 18), ("New", 18),
    ("Question to raise", 44), (OUTCOME_CAPTION, 44), (LINK_CAPTION, 14), ("Cell in the State's new workbook", 16),
)
# The columns that say what a consultation point is about: an Outcome typed in an earlier
# report is carried into the row with the same texts (same field, column and change).
CONSULTATION_KEYS = ("Topic", "Table", "No.", "Field", "Column", "Old", "New")
HEADER_TABLE = "Header"


def cell_notes(result: DiffResult) -> list[CellNote]:
    """Highlights and comments for the new matrix's sheets: one per change that has a place in it."""

    notes: list[CellNote] = []
    for change in result.changes:
        if change.template == "only-in-old-template":
            continue  # the field is not in the new matrix
        style = "changed" if change.cosmetic else change.kind
        was = change.old if change.old else "blank"
        lines = [f"Was: {was}"]
        if change.meaning:
            lines.append(change.meaning)
        if change.row_deleted:
            lines.append("The State deleted this row from its workbook.")
        if change.cosmetic:
            lines[0] = f"Was typed: {change.old_raw or change.old!r}"
        notes.append(CellNote(change.field, change.column, style, clip("\n".join(lines), MAX_CELL)))
    for header in _listed_headers(result):
        was = header.old or "(empty)"
        style = "removed" if header.kind == "removed" else "changed" if header.old else "added"
        notes.append(CellNote(ItemKey.header(header.key), "", style, clip(f"Was: {was}", MAX_CELL)))
    new = result.new_matrix
    if new is not None:
        added = {(u.table, u.label) for u in result.unknown_rows if u.kind in ("added", "changed")}
        for row_key, row in key_unknown_rows(new.unknown_rows).items():
            if (row.table, row.label) not in added:
                continue
            # The label stands for the whole row: highlighted even when the row holds no values.
            notes.append(CellNote(row_key, "", "added", "Row added by the State: it matches no data field of the template."))
            for key, value in row.values.items():
                column = next((c.key for c in new.catalogue.table(row.table).columns if key in (c.key, c.caption)), key)
                if value.text:
                    notes.append(CellNote(row_key, column, "added", "Row added by the State: it matches no data field of the template."))
    return notes


def _listed_headers(result: DiffResult) -> tuple[HeaderChange, ...]:
    return (*result.header_changes, *(result.cosmetic_headers if result.include_cosmetic else ()))


@dataclass(frozen=True)
class _Line:
    """One row of the Changes sheet."""

    style: str  # "added", "removed", "changed", "cosmetic"
    values: tuple[str, ...]  # Table .. New (the first seven columns)
    change: Change | None  # for the word diff, transition and meaning
    link: CellKey | None  # where it is in this report's copy of the matrix
    new_cell: str
    old_cell: str
    field_id: str
    meaning: str = ""


class _Report:
    """Writes the Changes and For consultation sheets, linking into the copy of the new matrix."""

    def __init__(self, styles: Styles, result: DiffResult, cells: Mapping[CellKey, str]) -> None:
        self.styles = styles
        self.result = result
        self.cells = cells

    def fmt(self, name: str, **props: Any) -> Format:
        return self.styles.custom(name, **props)

    def head_format(self, fill: str = "#DCE6F1") -> Format:
        return self.fmt(f"head:{fill}", bold=True, bg_color=fill, border=1, border_color="#A6A6A6",
                        text_wrap=True, valign="vcenter")

    def _link(self, ws: Worksheet, row: int, col: int, key: CellKey | None, f: Format) -> None:
        """An internal link to the report's own copy of the matrix (our sheet names, never submitted text)."""
        target = self.cells.get(key) if key is not None else None
        if target:
            shown = target.replace("'", "")
            ws.write_url(row, col, f"internal:{target}", self.fmt("link", font_color="#0563C1", underline=1,
                         text_wrap=True, border=1, border_color="#BFBFBF"), string=shown, tip="Go to the cell in this report")
        else:
            ws.write_string(row, col, "", f)

    # --- Changes --------------------------------------------------------------------------

    def iter_lines(self) -> Iterator[_Line]:
        r = self.result
        for h in _listed_headers(r):
            style = "cosmetic" if h.cosmetic else h.kind
            values = (HEADER_TABLE, "", h.label.rstrip(":"), "", h.kind + (" (cosmetic)" if h.cosmetic else ""),
                      h.old or "(empty)", h.new or "(empty)")
            yield _Line(style, values, None, (ItemKey.header(h.key), ""), h.new_cell, h.old_cell, h.key)
        done: set[str] = set()
        for change in r.changes:
            if change.row_deleted:
                if change.field in done:
                    continue
                done.add(change.field)
                gone = [c for c in r.changes if c.field == change.field and c.row_deleted]
                recorded = "; ".join(f"{c.column_caption.split(' (')[0]}: {c.old}" for c in gone)
                values = (r.table_titles.get(change.table, change.table), change.row_number, change.label,
                          "(whole row)", "row deleted", recorded, "(row deleted)")
                yield _Line("removed", values, None, (change.field, gone[0].column), "", change.old_cell,
                            change.field, "The State deleted this row from its workbook.")
                continue
            kind = "cosmetic" if change.cosmetic else change.kind
            values = (
                r.table_titles.get(change.table, change.table),
                change.row_number,
                change.label,
                change.column_caption.split(" (")[0],
                change.kind + (" (cosmetic)" if change.cosmetic else ""),
                change.old_raw if change.cosmetic and change.old_raw is not None else change.old,
                change.new_raw if change.cosmetic and change.new_raw is not None else change.new,
            )
            yield _Line(kind, values, change, (change.field, change.column), change.new_cell, change.old_cell,
                        change.field, _meaning(change))
        for u in r.unplaced:  # cells of inserted columns and added sheets, after the fields (issue 11)
            where = r.table_titles.get(u.table, u.table) if u.place == "column" else f"Worksheet {u.name}"
            column = f"{u.name} (outside the template)" if u.place == "column" else ""
            values = (where, "", u.label if u.place == "column" else u.item, column, u.kind, u.old, u.new)
            yield _Line(u.kind, values, None, None, u.new_cell, u.old_cell, u.item if u.place == "column" else "",
                        "content outside the template: kept as text, not a data field")

    def write_changes(self, ws: Worksheet) -> None:
        head = self.head_format()
        for col, (caption, width) in enumerate(CHANGE_COLUMNS):
            ws.write_string(0, col, caption, head)
            ws.set_column(col, col, width)
        ws.set_row(0, height_for([(c, w) for c, w in CHANGE_COLUMNS], bold=True))
        ws.freeze_panes(1, 3)
        row = 0
        for line in self.iter_lines():
            row += 1
            base = {"text_wrap": True, "border": 1, "border_color": "#BFBFBF", "bg_color": KIND_FILLS[line.style]}
            f = self.fmt(f"row:{line.style}", **base)
            fk = self.fmt(f"kind:{line.style}", **base, bold=True, font_color=KIND_FONTS.get(line.style, "#404040"))
            for col, value in enumerate(line.values):
                ws.write_string(row, col, clip(value, MAX_CELL), fk if col == 4 else f)
            words = self._write_words(ws, row, 7, line.change, f) if line.change else ""
            if line.change is None:
                ws.write_string(row, 7, "", f)
            transition = ""
            if line.change is not None and line.change.transition:
                transition = " → ".join(mark_sides(line.change))
            for col, value in ((8, transition), (9, line.meaning)):
                ws.write_string(row, col, clip(value, MAX_CELL), f)
            self._link(ws, row, 10, line.link, f)
            for col, value in ((11, line.new_cell or "(none)"), (12, line.old_cell), (13, line.field_id)):
                ws.write_string(row, col, clip(value, MAX_CELL), f)
            texts = [(v, CHANGE_COLUMNS[i][1]) for i, v in enumerate(line.values)]
            texts += [(words, 40), (transition, 11), (line.meaning, 30), (line.new_cell, 16), (line.old_cell, 16),
                      (line.field_id, 24)]
            ws.set_row(row, height_for(texts))
        if row == 0:
            ws.write_string(1, 0, "No changes.", self.fmt("italic", italic=True))
        ws.autofilter(0, 0, max(row, 1), len(CHANGE_COLUMNS) - 1)
        # Links, cell references and field ids stay on screen, off the printout.
        self._print(ws, row, 9)

    def _write_words(self, ws: Worksheet, row: int, col: int, change: Change, f: Format) -> str:
        """The word diff as a rich string: deletions struck through in red, insertions green.

        A deletion directly followed by an insertion gets a space between them, so a reader
        sees "sect. 69 Nuclear", not "sect. 69Nuclear". Returns the text shown (for the height).
        """
        segments: Sequence[Segment] = change.words
        if not segments:
            if change.transition:
                text = ""  # a mark: Old, New and Transition say it all
            elif change.kind == "added":
                text = change.new
            elif change.kind == "removed":
                text = change.old
            else:
                text = ""
            ws.write_string(row, col, clip(text, MAX_CELL), f)
            return text
        base = {"font_name": "Calibri"}
        fdel = self.fmt("w:del", **base, font_strikeout=True, font_color="#C00000")
        fins = self.fmt("w:ins", **base, underline=1, bold=True, font_color="#007A33")
        parts: list[Any] = []
        shown: list[str] = []
        total = 0
        for seg in readable_segments(segments):
            text = seg.text[: max(0, MAX_CELL - total)]
            if not text:
                continue
            total += len(text)
            shown.append(text)
            if seg.op == "equal":
                parts.append(text)
            else:
                parts += [fdel if seg.op == "delete" else fins, text]
        if len(parts) < 2 or (len(parts) == 2 and not isinstance(parts[0], str)):
            ws.write_string(row, col, "".join(shown), f)
        else:
            ws.write_rich_string(row, col, *parts, f)
        return "".join(shown)

    # --- For consultation -----------------------------------------------------------------

    def write_consultation(self, ws: Worksheet, carrier: NoteCarrier) -> None:
        r = self.result
        head, outcome_head = self.head_format(), self.head_format("#FFE699")
        outcome_col = next(i for i, (c, _) in enumerate(CONSULTATION_COLUMNS) if c == OUTCOME_CAPTION)
        for col, (caption, width) in enumerate(CONSULTATION_COLUMNS):
            ws.write_string(0, col, caption, outcome_head if col == outcome_col else head)
            ws.set_column(col, col, width)
        ws.set_row(0, height_for([(c, w) for c, w in CONSULTATION_COLUMNS], bold=True))
        ws.freeze_panes(1, 0)
        f = self.fmt("cons", text_wrap=True, border=1, border_color="#BFBFBF")
        ftopic = self.fmt("cons_topic", text_wrap=True, border=1, border_color="#BFBFBF", bold=True)
        fout = self.fmt("cons_out", text_wrap=True, border=1, border_color="#7F7F7F", bg_color="#FFFBEA")
        row = 0
        for point in r.consultation:
            row += 1
            values = [point.topic, r.table_titles.get(point.table, point.table), point.row_number, point.label,
                      point.column.split(" (")[0], point.old or ("blank" if point.new else ""), point.new, point.question]
            values = [clip(v, MAX_CELL) for v in values]
            for col, value in enumerate(values):
                ws.write_string(row, col, value, ftopic if col == 0 else f)
            outcome = carrier.take(values[: len(CONSULTATION_KEYS)])
            if outcome:
                ws.write_string(row, outcome_col, clip(outcome, MAX_CELL), fout)
            else:
                ws.write_blank(row, outcome_col, None, fout)
            self._link(ws, row, outcome_col + 1, self._point_key(point), f)
            ws.write_string(row, outcome_col + 2, point.cell or "(none)", f)
            texts = [(v, CONSULTATION_COLUMNS[i][1]) for i, v in enumerate(values)] + [(outcome, 44)]
            ws.set_row(row, height_for(texts, minimum=2))
        if row == 0:
            ws.write_string(1, 0, "Nothing to raise: no measure removed or downgraded, no X without a source, "
                                  "no row added or deleted.", self.fmt("italic", italic=True))
        else:
            ws.autofilter(0, 0, row, len(CONSULTATION_COLUMNS) - 1)
        self._print(ws, max(row, 1), outcome_col)

    def _point_key(self, point: ConsultationPoint) -> CellKey | None:
        """The cell of the report's copy a point is about (a whole row: its first cell or label)."""
        new = self.result.new_matrix
        if new is None:
            return None
        if point.field and point.column_key:
            return (point.field, point.column_key)
        if point.field and new.catalogue.has_field(point.field):  # a deleted row: where it belongs
            return (point.field, new.catalogue.table_of(point.field).columns[0].key)
        for row_key, row in key_unknown_rows(new.unknown_rows).items():
            if row.table == point.table and row.label == point.label:
                return (row_key, "")
        return None

    def _print(self, ws: Worksheet, last_row: int, last_col: int) -> None:
        state = self.result.new.state or self.result.old.state
        set_print(ws, repeat_row=0, area=(0, 0, max(1, last_row), last_col),
                  header=f"&L&8Changes in the 1540 matrix of {header_text(state)}&R&8&A",
                  footer="&R&8Page &P of &N")


def _meaning(change: Change) -> str:
    parts = [change.meaning or ""]
    if change.template:
        parts.append("field " + change.template.replace("-", " ") + " (the template changed)")
    if change.old_field:
        parts.append(f"field renamed in the catalogue: was {change.old_field}")
    parts.append(change.formula_note)  # plain text in a string cell, never a live formula
    return "; ".join(p for p in parts if p)


def write_diff_xlsx(result: DiffResult, output: str | Path, *, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the xlsx change report atomically (never over one of ``inputs``); Outcomes typed
    in an earlier report at ``output`` are carried forward (see ``write_diff_xlsx_carrying``)."""
    return write_diff_xlsx_carrying(result, output, inputs=inputs)[0]


def write_diff_xlsx_carrying(
    result: DiffResult, output: str | Path, *, inputs: Sequence[str | Path] = (), force: bool = False
) -> tuple[Path, CarryOutcome]:
    """Write the xlsx change report, carrying forward the Outcomes typed in the report already
    at ``output`` (matched by field, column and change; the others on an "Earlier notes" sheet).

    An existing ``output`` whose notes cannot be read is not replaced (OutputError) unless
    ``force``. Returns the path and what happened to the earlier notes.
    """
    check_output_path(output, inputs)  # refuse a bad path before reading what is there
    carrier = load_notes(output, CONSULTATION_SHEET, "Outcome", CONSULTATION_KEYS, force=force)

    def build(tmp: Path) -> None:
        state = result.new.state or result.old.state
        wb = new_workbook(tmp, title=f"Changes in the 1540 matrix of {state}",
                          comments="Change report written by matrix-tools.")
        styles = Styles(wb)
        # Sheets in reading order; the copy of the matrix comes next so the report can link to it.
        summary, changes, consultation = (wb.add_worksheet(n) for n in ("Summary", CHANGES_SHEET, CONSULTATION_SHEET))
        cells: dict[CellKey, str] = {}
        if result.new_matrix is not None:
            notes = cell_notes(result)
            intro = (
                "The sheets after this one are a copy of the NEW version of the matrix, as the State returned it. "
                "Highlighted cells changed: green = added, yellow = changed, red = removed. The earlier value "
                "is in each cell's comment."
            )
            header_notes = [n for n in notes if ItemKey.is_header(n.field)]
            cells.update(add_about_sheet(wb, styles, result.new_matrix, notes=[*header_notes, intro], purpose="report",
                                        activate=False))
            cells.update(add_table_sheets(wb, styles, result.new_matrix, notes, validations=False, purpose="report"))
        write_summary(wb, styles, summary, result)
        report = _Report(styles, result, cells)
        report.write_changes(changes)
        report.write_consultation(consultation, carrier)
        leftover = carrier.leftover()
        if leftover:
            add_earlier_notes_sheet(wb, styles, leftover)
        summary.activate()
        wb.close()

    path = write_with(output, build, inputs)
    return path, carrier.outcome()


def render_side_name(side: Side) -> str:
    """'testland-2013.xlsx' or '(in memory)'."""
    return side.name or "(in memory)"
