"""Apply the decisions typed into a merge's conflict agenda: the final matrix, or what is missing.

``resolve(merged_path)`` reads the merged workbook twice over: its table sheets as a matrix
(so cells a person corrected there are kept, as in any returned workbook) and its Conflicts
sheet as the agenda. Each conflict's Decision (``ours``, ``theirs``, ``base``, ``blank``, the
words of ``schemas/resolve-decisions.json``) or Decided value gives its final text. The
result is complete only when every conflict is decided and understood; otherwise it lists the
problems and the caller writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from matrix_tools.errors import InputError
from matrix_tools.merging.agenda import KEY_SEPARATOR, Agenda, AgendaItem, read_agenda
from matrix_tools.merging.result import ROW_PRESENCE
from matrix_tools.model import (
    Catalogue,
    ColumnKind,
    HeaderKind,
    HeaderValue,
    ItemKey,
    Matrix,
    Value,
    key_unknown_rows,
)
from matrix_tools.reading.normalise import (
    build_mark_lookup,
    cosmetic_key,
    parse_date_list,
    parse_date_text,
    parse_mark,
)
from matrix_tools.reading.parse import load_matrix
from matrix_tools.resources import load_schema

DECISIONS_FILE = "resolve-decisions.json"
SIDE_CHOICES = ("ours", "theirs", "base")
ROW_REMOVED = "row removed"


@cache
def decision_words() -> dict[str, str]:
    """Every accepted spelling (as ``cosmetic_key`` sees it) -> choice."""
    data = load_schema(DECISIONS_FILE)
    return {_word_key(word): choice for choice, words in data["choices"].items() for word in words}


def _word_key(text: str) -> str:
    return cosmetic_key(text).rstrip(".!").strip()


@dataclass(frozen=True)
class Decided:
    """One conflict and its outcome."""
    item: AgendaItem
    field: str
    column: str
    choice: str  # "ours", "theirs", "base", "blank" or "value"
    value: str  # the final text
    source: str  # the file the value came from ("" for a typed value)


@dataclass(frozen=True)
class Problem:
    """A conflict that is not decided, or whose decision is not understood."""
    item: AgendaItem
    reason: str
    undecided: bool


@dataclass(frozen=True)
class ResolveResult:
    """The outcome of a resolve: the final matrix and every decision, or the problems."""
    merged: str
    matrix: Matrix  # the final matrix (meaningful only when ``ok``)
    decided: tuple[Decided, ...]
    problems: tuple[Problem, ...]
    agenda: Agenda

    @property
    def ok(self) -> bool:
        """Every conflict decided and understood: the final matrix may be written."""
        return not self.problems

    def __repr__(self) -> str:
        """One line for the prompt: the agenda read and what came of it (not every item)."""
        s = self.summary()
        state = "every conflict decided" if self.ok else f"{len(self.problems)} to fix"
        return (f"<ResolveResult {Path(self.merged).name!r}: {s['conflicts']} conflicts, {s['decided']} decided; "
                f"{state}>")

    def summary(self) -> dict[str, int]:
        """Counts for the record: conflicts, decided, undecided, not understood, per origin."""
        return {
            "conflicts": max(len(self.agenda.items), self.agenda.expected or 0),
            "decided": len(self.decided),
            "undecided": sum(1 for p in self.problems if p.undecided),
            "not_understood": sum(1 for p in self.problems if not p.undecided),
            "from_ours": sum(1 for d in self.decided if d.choice == "ours"),
            "from_theirs": sum(1 for d in self.decided if d.choice == "theirs"),
            "from_base": sum(1 for d in self.decided if d.choice == "base"),
            "typed": sum(1 for d in self.decided if d.choice in ("value", "blank")),
        }


def _identify(item: AgendaItem, matrix: Matrix) -> tuple[str, str] | None:
    """(field, column) of an agenda row: from its Key, else from its Cell."""
    if KEY_SEPARATOR in item.key:
        field, column = item.key.rsplit(KEY_SEPARATOR, 1)
        if _known(matrix, field, column):
            return field, column
    if not item.cell:
        return None
    wanted = item.cell.replace("$", "")
    for entry_key, value in matrix.entries.items():
        if value.cell == wanted:
            return entry_key
    for header_key, header in matrix.header.items():
        if header.cell == wanted:
            return ItemKey.header(header_key), ""
    for row_key, row in key_unknown_rows(matrix.unknown_rows).items():
        for column, value in row.values.items():
            if value.cell == wanted:
                return ItemKey.row(row_key), column
    return None


def _known(matrix: Matrix, field: str, column: str) -> bool:
    """Whether the merged workbook holds this (field, column): a Key edited into nonsense is not."""
    header_key, row_key = ItemKey.header_of(field), ItemKey.row_of(field)
    if header_key is not None:
        return column == "" and header_key in matrix.header
    if row_key is not None:
        row = key_unknown_rows(matrix.unknown_rows).get(row_key)
        return row is not None and (column == ROW_PRESENCE or column in row.values)
    return (field, column) in matrix.entries


def _choose(item: AgendaItem) -> tuple[str, str] | str:
    """(choice, text) for an agenda row, or the reason it cannot be applied."""
    words = decision_words()
    typed = item.decided_value
    if not item.decision and not typed:
        return "undecided"
    if not item.decision:
        return "value", typed
    choice = words.get(_word_key(item.decision))
    if choice is None:
        return (f"the Decision {item.decision!r} is not understood: write ours, theirs or base, "
                "or type the new text in the Decided value column")
    if choice == "value":
        return ("value", typed) if typed else "the Decision asks for the Decided value, but that cell is empty"
    if choice == "blank":
        return "blank", ""
    text = {"ours": item.ours, "theirs": item.theirs, "base": item.base}[choice]
    if typed and cosmetic_key(typed) != cosmetic_key(text):
        return (f"the Decision says {choice} but a different Decided value {typed!r} is typed: "
                "keep one of the two")
    return choice, text


def _check_value(catalogue: Catalogue, field: str, column: str, text: str) -> tuple[str, str | None]:
    """The text as stored (a mark in its canonical form), or a reason it does not fit the cell."""
    if ItemKey.is_header(field) or not catalogue.has_field(field):
        return text, None
    try:
        col = catalogue.column(field, column)
    except KeyError:
        return text, None
    if col.kind is not ColumnKind.MARK:
        return text, None
    mark, _notes = parse_mark(text, build_mark_lookup(catalogue.marks))
    if mark is None:
        allowed = ", ".join(m.value for m in col.marks)
        return text, f"{text!r} is not a mark: a {col.caption.split(' (')[0]} cell holds {allowed} or blank"
    return mark.value, None


def decide(agenda: Agenda, matrix: Matrix) -> tuple[list[Decided], list[Problem]]:
    """Every agenda row decided or explained (pure)."""
    decided: list[Decided] = []
    problems: list[Problem] = []
    for number in agenda.missing_numbers():
        # A deleted agenda row would silently keep the merge's choice: nothing hidden.
        gone = AgendaItem(0, str(number), "", "", "", "", "", "", "", "", "", "", "")
        problems.append(Problem(gone, f"conflict No. {number} is no longer on the {agenda.sheet} sheet (its row "
                                      "was deleted): copy it back from the merged workbook, or merge again", True))
    seen: dict[tuple[str, str], Decided] = {}
    for item in agenda.items:
        key = _identify(item, matrix)
        if key is None:
            problems.append(Problem(item, "this row names no cell of the merged workbook (its Key and Cell "
                                          "columns are empty or changed): copy them from the merge again", False))
            continue
        chosen = _choose(item)
        if isinstance(chosen, str):
            undecided = chosen == "undecided"
            reason = "no decision yet (Decision and Decided value are empty)" if undecided else chosen
            problems.append(Problem(item, reason, undecided))
            continue
        choice, text = chosen
        field, column = key
        if column == ROW_PRESENCE and choice not in SIDE_CHOICES:
            problems.append(Problem(item, "a whole added row can only be decided with ours, theirs or base "
                                          "(keep or remove the row); edit its cells in the table sheet", False))
            continue
        text, unfit = _check_value(matrix.catalogue, field, column, text)
        if unfit:
            problems.append(Problem(item, unfit, False))
            continue
        source = agenda.sources.get(choice, "") if choice in SIDE_CHOICES else ""
        outcome = Decided(item, field, column, choice, text, source)
        earlier = seen.get((field, column))
        if earlier is not None:
            if earlier.value != text:
                problems.append(Problem(item, f"this conflict is also on row {earlier.item.row} with another "
                                              f"decision ({earlier.value!r}): keep one", False))
            continue  # the same decision twice (a copied row) counts once
        seen[(field, column)] = outcome
        decided.append(outcome)
    return decided, problems


def _header_value(catalogue: Catalogue, key: str, old: HeaderValue | None, text: str) -> HeaderValue:
    item = catalogue.header_item(key)
    base = old or HeaderValue(key, "")
    if item is not None and item.kind is HeaderKind.DATE:
        parsed = parse_date_text(text)
        return replace(base, text=text, raw=None, dates=(parsed,) if parsed else (),
                       unparsed=() if parsed or not text else (text,))
    if item is not None and item.kind is HeaderKind.DATE_LIST:
        dates, unparsed = parse_date_list(text)
        return replace(base, text=text, raw=None, dates=dates, unparsed=unparsed)
    return replace(base, text=text, raw=None)


def apply_decisions(matrix: Matrix, decided: list[Decided]) -> Matrix:
    """The matrix with every decided value in place (pure)."""
    entries = dict(matrix.entries)
    header = dict(matrix.header)
    rows = key_unknown_rows(matrix.unknown_rows)
    for d in decided:
        key, row_key = ItemKey.header_of(d.field), ItemKey.row_of(d.field)
        if key is not None:
            header[key] = _header_value(matrix.catalogue, key, header.get(key), d.value)
        elif row_key is not None:
            if d.column == ROW_PRESENCE:
                if d.value == ROW_REMOVED:
                    rows.pop(row_key, None)
                continue
            row = rows.get(row_key)
            if row is not None:
                old = row.values.get(d.column, Value(""))
                rows[row_key] = replace(row, values={**row.values, d.column: replace(old, text=d.value, raw=None)})
        else:
            old = entries.get((d.field, d.column), Value(""))
            entries[(d.field, d.column)] = replace(old, text=d.value, raw=None, notes=(), recognised=True)
    state = replace(matrix.state,
                    name=header["state"].text if "state" in header else matrix.state.name,
                    iso3=header["iso3"].text.upper() if "iso3" in header else matrix.state.iso3)
    return replace(matrix, entries=entries, header=header, unknown_rows=tuple(rows.values()), state=state)


def resolve(merged: str | Path, *, catalogue: Catalogue | str | Path | None = None) -> ResolveResult:
    """Read a merged workbook whose Conflicts sheet has been filled in and apply its decisions.

    Returns the final matrix with the decisions (``ok``), or the problems (undecided rows,
    decisions not understood). Writes nothing: see ``reports.resolve.write_final_workbook``.
    Raises InputError (exit 3) when the workbook cannot be read or has no Conflicts sheet.
    """

    path = Path(merged)
    if not path.is_file():
        raise InputError(f"{path}: no such file", code="input-not-found", path=path)
    agenda = read_agenda(path)
    matrix = load_matrix(path, catalogue)
    decided, problems = decide(agenda, matrix)
    final = apply_decisions(matrix, decided) if not problems else matrix
    return ResolveResult(str(path), final, tuple(decided), tuple(problems), agenda)
