"""Carry the notes a person typed into a report forward when the report is written again.

Issue 12: an expert fills the Outcome column of "For consultation" or the Decision column of
"Conflicts", then re-runs the command the morning of the meeting. The new report takes each
note into the row about the same thing (same field, column and change: the key columns'
texts); notes whose row is gone go on a sheet of their own ("Earlier notes"), never dropped.
When the old file cannot be read, the report is not replaced unless ``force`` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from matrix_tools.errors import InputError, OutputError
from matrix_tools.reading.typed_notes import TypedNote, read_typed_notes
from matrix_tools.writing.cells import clip, height_for
from matrix_tools.writing.xlsx import Styles, set_print

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

EARLIER_SHEET = "Earlier notes"
MAX_CELL = 32_000


@dataclass(frozen=True)
class CarryOutcome:
    """What happened to the notes of the earlier report."""

    carried: int = 0  # notes put into the matching row of the new report
    unmatched: int = 0  # notes listed on the "Earlier notes" sheet
    replaced_unread: bool = False  # the old file was unreadable or another kind of file, and --force replaced it

    def sentence(self) -> str:
        """'Carried 3 notes typed in the earlier report forward; 1 no longer matches (sheet "Earlier notes").'"""
        if self.replaced_unread:
            return "The file that was at the output path was replaced (--force); nothing typed in it was carried over."
        if not self.carried and not self.unmatched:
            return ""
        verb = "matches" if self.unmatched == 1 else "match"
        where = f"(sheet \"{EARLIER_SHEET}\")"
        if not self.carried:
            notes = f"{self.unmatched} note{'s' if self.unmatched != 1 else ''}"
            return f"{notes} typed in the earlier report no longer {verb} a row {where}."
        text = f"Carried {self.carried} note{'s' if self.carried != 1 else ''} typed in the earlier report forward"
        if self.unmatched:
            text += f"; {self.unmatched} no longer {verb} a row {where}"
        return text + "."


class NoteCarrier:
    """The earlier notes by key while the new report is written: ``take`` each row's note."""

    def __init__(self, notes: Sequence[TypedNote] = (), *, replaced_unread: bool = False) -> None:
        self._by_key: dict[tuple[str, ...], list[TypedNote]] = {}
        for note in notes:
            self._by_key.setdefault(note.key, []).append(note)
        self._carried = 0
        self._replaced_unread = replaced_unread

    def take(self, key: Sequence[str]) -> str:
        """The note typed for the row with these key texts ("" when none); used up once taken."""
        waiting = self._by_key.get(tuple(clip(k, MAX_CELL) for k in key))
        if not waiting:
            return ""
        self._carried += 1
        return waiting.pop(0).note

    def leftover(self) -> list[TypedNote]:
        return sorted((n for group in self._by_key.values() for n in group), key=lambda n: (n.sheet, n.row))

    def outcome(self) -> CarryOutcome:
        return CarryOutcome(self._carried, len(self.leftover()), self._replaced_unread)


def load_notes(
    output: str | Path, sheet: str, note_caption: str, key_captions: Sequence[str], *, force: bool = False
) -> NoteCarrier:
    """The notes typed in ``sheet`` of the report already at ``output`` (none when it is new).

    An existing file that cannot be read, or that is not a report of this kind (it has no
    ``sheet``: another report, a State's workbook), raises ``OutputError`` (nothing is written:
    what a person typed there is never wiped unasked), unless ``force``: then it is replaced and
    the outcome says so.
    """
    try:
        notes = read_typed_notes(output, sheet, note_caption, key_captions)
    except InputError as exc:
        if force:
            return NoteCarrier(replaced_unread=True)
        raise OutputError(
            f"cannot replace {output}: notes typed in it could not be read ({exc.message}); "
            "move the file away to keep it, or use --force to replace it",
        ) from None
    if notes is None:
        if force:
            return NoteCarrier(replaced_unread=True)
        raise OutputError(
            f"cannot replace {output}: it is not this kind of report (it has no {sheet!r} sheet), so "
            "what is typed in it would be lost; choose another file name, move the file away, or use "
            "--force to replace it",
        )
    return NoteCarrier(notes)


def add_earlier_notes_sheet(wb: Workbook, styles: Styles, notes: Sequence[TypedNote]) -> None:
    """The notes that match no row of the new report, with the row they were typed in."""
    ws = wb.add_worksheet(EARLIER_SHEET)
    ws.write_string(0, 0, "Notes typed in the earlier report that match no row of this one", styles.get("title"))
    intro = ("The report was written again (a corrected file arrived). These notes were typed in rows that are "
             "no longer in it: the change or conflict they were about is gone or different. They are kept here.")
    ws.merge_range(1, 0, 1, 5, intro, styles.get("paragraph"))
    ws.set_row(1, 32)
    captions: list[str] = []
    for note in notes:
        captions.extend(c for c in note.context if c not in captions)
    columns = [("Sheet", 16), ("Row", 6), *((c, 24) for c in captions)]
    head = 3
    for col, (caption, width) in enumerate(columns):
        ws.write_string(head, col, caption, styles.get("caption"))
        ws.set_column(col, col, width)
    ws.set_row(head, height_for([(c, w) for c, w in columns], bold=True))
    for r, note in enumerate(notes, start=head + 1):
        values = [note.sheet, str(note.row), *(note.context.get(c, "") for c in captions)]
        for col, value in enumerate(values):
            ws.write_string(r, col, clip(value, MAX_CELL), styles.get("text"))
        ws.set_row(r, height_for([(v, columns[i][1]) for i, v in enumerate(values)]))
    ws.freeze_panes(head + 1, 0)
    set_print(ws, repeat_row=head, area=(0, 0, head + max(1, len(notes)), len(columns) - 1))
