"""The conflict agenda as a person left it: the rows of a merged workbook's Conflicts sheet.

Columns are found by their captions (not positions), so the sheet may be re-saved by Excel or
LibreOffice, sorted, filtered or restyled. Each row is identified by the hidden Key column the
merge writes (``field|column``); without it, by the Cell column (the cell in the merged
workbook).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from matrix_tools.errors import InputError
from matrix_tools.model import column_letter, sheet_ref
from matrix_tools.reading.grid import SheetGrid, cell_text, read_grid
from matrix_tools.reading.locate import key_text
from matrix_tools.reading.normalise import normalise_text
from matrix_tools.reading.preflight import check_file

AGENDA_SHEET = "Conflicts"
BLANK_SHOWN = "(blank)"  # how the agenda shows an empty value (reports/merge.py writes it)
KEY_SEPARATOR = "|"
# Caption (as key_text sees it) -> our name; the first caption of the header row that starts
# with one of these words is taken.
CAPTIONS = {
    "no": "number", "table": "table", "row": "row", "label": "label", "column": "column",
    "base": "base", "ours": "ours", "theirs": "theirs", "kept": "kept", "decision": "decision",
    "decided value": "decided_value", "cell": "cell", "key": "key",
}
_COUNT = re.compile(r"^\s*(\d+)\s+conflicts?\b")  # the intro line: "5 conflicts: both the ..."
_SOURCES = re.compile(r"Base:\s*(?P<base>.*?)\s{2,}Ours:\s*(?P<ours>.*?)\s{2,}Theirs:\s*(?P<theirs>.*)$")


@dataclass(frozen=True)
class AgendaItem:
    """One conflict row of the agenda, with what the person wrote in it."""

    row: int  # Excel row number on the Conflicts sheet
    number: str
    key: str  # "field|column" ('' when the Key column is missing)
    cell: str  # the conflict's cell in the merged workbook
    table: str
    row_label: str  # the matrix row's number and label, for messages
    column: str
    base: str
    ours: str
    theirs: str
    decision: str
    decided_value: str
    decision_cell: str  # where the person wrote the decision: 'Conflicts'!J6


@dataclass(frozen=True)
class Agenda:
    """A Conflicts sheet as read: its rows, the files it names and how many conflicts it had."""

    sheet: str
    items: tuple[AgendaItem, ...]
    sources: dict[str, str]  # "base" | "ours" | "theirs" -> the file named on the sheet
    expected: int | None = None  # how many conflicts the merge listed (from the intro line)

    def missing_numbers(self) -> list[int]:
        """Numbers of conflicts the merge listed whose rows are no longer on the sheet."""
        if self.expected is None:
            return []
        present = {int(i.number) for i in self.items if i.number.isdigit()}
        return [n for n in range(1, self.expected + 1) if n not in present]


def _value(text: str) -> str:
    cleaned, _ = normalise_text(text)
    return "" if cleaned == BLANK_SHOWN else cleaned


def find_agenda_sheet(sheets: tuple[SheetGrid, ...]) -> SheetGrid | None:
    """The Conflicts sheet (its name in any letter case), or None."""
    for sheet in sheets:
        if sheet.name.strip().casefold() == AGENDA_SHEET.casefold():
            return sheet
    return None


def _columns(sheet: SheetGrid) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and our name -> column index, found by the Decision caption."""
    for r in range(min(sheet.height, 30)):
        texts = [key_text(cell_text(v)) for v in sheet.rows[r]]
        if "decision" not in texts:
            continue
        found: dict[str, int] = {}
        for c, text in enumerate(texts):
            for caption, name in sorted(CAPTIONS.items(), key=lambda kv: -len(kv[0])):
                if text.startswith(caption) and name not in found:
                    found[name] = c
                    break
        return r, found
    return None


def parse_agenda(sheet: SheetGrid) -> Agenda:
    """The agenda rows of a Conflicts sheet; InputError when its caption row is missing."""
    located = _columns(sheet)
    if located is None:
        raise InputError(f"the sheet '{sheet.name}' has no caption row with a Decision column; "
                         "was it written by matrix-tools merge?", code="no-agenda")
    head, cols = located
    sources: dict[str, str] = {}
    expected: int | None = None
    for r in range(head):
        line = " ".join(cell_text(v) for v in sheet.rows[r] if cell_text(v))
        match = _SOURCES.search(line)
        if match:
            sources = {k: v.strip() for k, v in match.groupdict().items()}
        count = _COUNT.match(line)
        if count and expected is None:
            expected = int(count.group(1))

    def get(r: int, name: str) -> str:
        return cell_text(sheet.value(r, cols[name])) if name in cols else ""

    items = []
    for r in range(head + 1, sheet.height):
        key, cell, number = get(r, "key").strip(), get(r, "cell").strip(), get(r, "number").strip()
        if not (key or cell or number.isdigit()):
            continue  # a blank line, or the "No conflicts." note
        decision_col = cols.get("decision", 0)
        items.append(AgendaItem(
            row=r + 1, number=number, key=key, cell=cell, table=get(r, "table").strip(),
            row_label=" ".join(p for p in (get(r, "row").strip(), get(r, "label").strip()) if p),
            column=get(r, "column").strip(), base=_value(get(r, "base")), ours=_value(get(r, "ours")),
            theirs=_value(get(r, "theirs")), decision=normalise_text(get(r, "decision"))[0],
            decided_value=normalise_text(get(r, "decided_value"))[0],
            decision_cell=sheet_ref(sheet.name, f"{column_letter(decision_col)}{r + 1}"),
        ))
    return Agenda(sheet.name, tuple(items), sources, expected)


def read_agenda(path: str | Path) -> Agenda:
    """Read the Conflicts sheet of a merged workbook (pre-flight checked like any input)."""
    path = Path(path)
    pre = check_file(path)
    grid = read_grid(path, (pre.max_row, pre.max_col), shared_strings=pre.shared_strings_declared)
    sheet = find_agenda_sheet(grid.sheets)
    if sheet is None:
        raise InputError(
            f"{path.name} has no '{AGENDA_SHEET}' sheet: resolve reads the workbook written by "
            "`matrix-tools merge` after the Decision column has been filled in", code="no-agenda", path=path)
    return parse_agenda(sheet)
