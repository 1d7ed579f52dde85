"""Notes a person typed into one of our own reports, read back before the report is rewritten.

An expert fills the Outcome column of "For consultation" (diff report) or the Decision column
of "Conflicts" (merged workbook), then re-runs the command because a corrected file arrived.
The old report is read here (through the same pre-flight check and bounded reader as any
submission: it may have been edited, or replaced by anything) so the new report can carry the
notes forward. Which sheet, which note column and which key columns is the caller's to say:
this module knows captions, not report layouts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matrix_tools.reading.grid import SheetGrid, cell_text, read_grid
from matrix_tools.reading.preflight import check_file

HEADER_ROWS_SEARCHED = 12  # the caption row sits near the top of every report sheet


@dataclass(frozen=True)
class TypedNote:
    """One non-empty note cell, with the texts of its row that identify what it is about."""

    sheet: str
    row: int  # Excel row number (1-based)
    key: tuple[str, ...]  # the texts of the key columns, in the order asked
    note: str
    context: Mapping[str, str]  # caption -> text of every captioned cell of the row


def read_typed_notes(
    path: str | Path, sheet: str, note_caption: str, key_captions: Sequence[str]
) -> tuple[TypedNote, ...] | None:
    """Every note typed in ``sheet`` of the workbook at ``path``, in row order.

    ``note_caption`` is the start of the note column's caption ("Outcome", "Decision");
    ``key_captions`` name the columns whose texts identify a row. A missing file, or a sheet
    without the note column, gives no notes; a workbook without ``sheet`` gives None (it is not
    a report of this kind). Raises ``InputError`` (or its ``UnsafeInputError``) when the file
    exists but cannot be read as a workbook.
    """
    target = Path(path)
    if not target.is_file():
        return ()
    pre = check_file(target)
    grid = read_grid(target, (pre.max_row, pre.max_col), shared_strings=pre.shared_strings_declared)
    found = next((s for s in grid.sheets if s.name == sheet), None)
    if found is None:
        return None
    return _notes_in(found, note_caption, key_captions)


def _notes_in(sheet: SheetGrid, note_caption: str, key_captions: Sequence[str]) -> tuple[TypedNote, ...]:
    for head in range(min(HEADER_ROWS_SEARCHED, sheet.height)):
        captions = [cell_text(sheet.value(head, col)).strip() for col in range(sheet.width)]
        note_col = next((i for i, c in enumerate(captions) if c.startswith(note_caption)), None)
        if note_col is None:
            continue
        columns = {c: i for i, c in enumerate(captions) if c}
        notes = []
        for row in range(head + 1, sheet.height):
            note = cell_text(sheet.value(row, note_col)).strip()
            if not note:
                continue
            texts = {c: cell_text(sheet.value(row, i)) for c, i in columns.items()}
            key = tuple(texts.get(c, "") for c in key_captions)
            notes.append(TypedNote(sheet.name, row + 1, key, note, texts))
        return tuple(notes)
    return ()
