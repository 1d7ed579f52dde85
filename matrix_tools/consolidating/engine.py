"""Consolidate many States' matrices into one long table (pandas), with wide and coverage views.

One row per catalogue (field, column) per State, blanks included as "" so every State has the
same rows. Every column holds text (dtype object): the mark ``NA`` stays the string "NA",
never a missing value. pandas is imported inside the functions (it is slow to import).

Coverage counts how many States have each mark per field and per section: the statistics the
1540 Committee publishes in its reviews. They count recorded measures; the matrices are
indicators of fact, not compliance scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from matrix_tools.errors import InputError, MatrixToolsError
from matrix_tools.identity import check_unique_states
from matrix_tools.model import Catalogue, Matrix
from matrix_tools.reading.parse import load_matrix
from matrix_tools.submissions import expand_inputs

if TYPE_CHECKING:
    import pandas as pd

LONG_COLUMNS = (
    "state", "iso3", "table", "section", "weapon", "field", "row_number", "label",
    "column", "kind", "value", "cell", "file",
)  # fmt: skip
MARK_CLASSES = ("X", "?", "NA", "blank", "other")
COVERAGE_NOTE = (
    "Counts of States by the mark recorded in their matrix (X: measure recorded; ?: references "
    "incomplete or not directly relevant; NA: not applicable; blank: no entry; other: a value "
    "that is not a mark). The matrices are indicators of fact, not compliance scores."
)


def mark_field_name(field: str, column: str) -> str:
    """Name of a mark field in the wide view: the field id, plus the column when not "status"."""
    return field if column == "status" else f"{field} ({column})"


def mark_class(value: str) -> str:
    """Which coverage count a mark cell's text falls in: X, ?, NA, blank or other."""
    if value == "":
        return "blank"
    return value if value in ("X", "?", "NA") else "other"


def read_matrices(
    paths: Iterable[str | Path], *, catalogue: Catalogue | None = None
) -> tuple[list[tuple[Matrix, Path]], list[tuple[Path, str]]]:
    """Read every workbook; return (matrices with their paths, unreadable paths with a reason).

    One bad file never stops the others (untrusted-input.md, policy 6).
    """

    matrices: list[tuple[Matrix, Path]] = []
    failed: list[tuple[Path, str]] = []
    for path in paths:
        try:
            matrices.append((load_matrix(path, catalogue), Path(path)))
        except MatrixToolsError as exc:
            failed.append((Path(path), exc.message))
        except Exception as exc:  # noqa: BLE001 - a parser crash on one file must not stop the batch
            failed.append(
                (
                    Path(path),
                    f"could not be read ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})",
                )
            )
    return matrices, failed


def iter_long_rows(matrix: Matrix, file: str = "") -> Iterator[tuple[str, ...]]:
    """The long-format rows of one matrix: every catalogue (field, column), blanks included."""
    for table, row, col in matrix.catalogue.iter_keys():
        value = matrix.value(row.field, col.key)
        yield (
            matrix.state.name, matrix.state.iso3, table.id, table.section, table.weapon or "",
            row.field, row.number, row.label, col.key, col.kind.value, value.text, value.cell, file,
        )  # fmt: skip


def consolidate_matrices(items: Sequence[tuple[Matrix, str | Path]]) -> pd.DataFrame:
    """The long table of in-memory matrices (each with the file it came from)."""
    import pandas as pd

    rows = [r for matrix, file in items for r in iter_long_rows(matrix, str(file))]
    return pd.DataFrame(rows, columns=list(LONG_COLUMNS), dtype=object)


def consolidate(paths: Iterable[str | Path], *, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Read matrix workbooks (files or folders) and return one long table of all States.

    Columns: state, iso3, table, section, weapon, field, row_number, label, column, kind
    (mark/text), value, cell, file; every value is text ("" for blank). A folder stands for
    the files in it (``submissions.scan_folder``). Raises InputError if a file cannot be read
    and DuplicateStateError if two files claim the same State.
    """
    files = list(expand_inputs(paths).files)
    matrices, failed = read_matrices(files, catalogue=catalogue)
    if failed:
        path, reason = failed[0]
        raise InputError(reason, path=path)
    check_unique_states(matrices)
    return consolidate_matrices(matrices)


# --- views -----------------------------------------------------------------------------------


def _marks(df: pd.DataFrame) -> pd.DataFrame:
    marks = df[df["kind"] == "mark"].copy()
    marks["mark_field"] = [
        mark_field_name(f, c) for f, c in zip(marks["field"], marks["column"], strict=True)
    ]
    marks["class"] = [mark_class(v) for v in marks["value"]]
    return marks


def wide_view(df: pd.DataFrame) -> pd.DataFrame:
    """States x mark fields: one row per State (state, iso3, file), one column per mark field."""
    import pandas as pd

    marks = _marks(df)
    fields = list(dict.fromkeys(marks["mark_field"]))
    rows: dict[tuple[str, str, str], dict[str, str]] = {}
    for state, iso3, file, name, value in zip(
        marks["state"],
        marks["iso3"],
        marks["file"],
        marks["mark_field"],
        marks["value"],
        strict=True,
    ):
        rows.setdefault((state, iso3, file), {})[name] = value
    data = [
        [state, iso3, file, *(values.get(f, "") for f in fields)]
        for (state, iso3, file), values in rows.items()
    ]
    return pd.DataFrame(data, columns=["state", "iso3", "file", *fields], dtype=object)


def coverage_by_field(df: pd.DataFrame) -> pd.DataFrame:
    """Per mark field (catalogue order): how many States have X, ?, NA, blank, other."""
    import pandas as pd

    marks = _marks(df)
    keys = ["section", "table", "row_number", "label", "field", "column", "mark_field"]
    order = list(dict.fromkeys(zip(*(marks[k] for k in keys), strict=True)))
    counts: dict[tuple[str, ...], dict[str, int]] = {
        key: dict.fromkeys(MARK_CLASSES, 0) for key in order
    }
    for key, cls in zip(zip(*(marks[k] for k in keys), strict=True), marks["class"], strict=True):
        counts[key][cls] += 1
    data = [[*key, *(c[m] for m in MARK_CLASSES), sum(c.values())] for key, c in counts.items()]
    frame = pd.DataFrame(data, columns=[*keys, *MARK_CLASSES, "states"])
    return frame.astype({m: "int64" for m in (*MARK_CLASSES, "states")})


def coverage_by_section(df: pd.DataFrame) -> pd.DataFrame:
    """Per section: marks recorded over all its mark fields and States, and the number of fields."""
    import pandas as pd

    by_field = coverage_by_field(df)
    data = []
    for section in dict.fromkeys(by_field["section"]):
        part = by_field[by_field["section"] == section]
        data.append(
            [
                section,
                *(int(part[m].sum()) for m in MARK_CLASSES),
                len(part),
                int(part["states"].sum()),
            ]
        )
    return pd.DataFrame(data, columns=["section", *MARK_CLASSES, "fields", "entries"])
