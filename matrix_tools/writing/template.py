"""Blank matrices and template workbooks for a State (``matrix-tools template``).

A template is a matrix with every catalogue field blank, written by the one workbook writer
(``workbook.py``), so templates, samples and every generated workbook share one layout.

ISO code: optional. The ISO 3166 alpha-3 code is a State's identity when matrices are
compared and consolidated, so give it when you can; without it the ISO cell on the About
sheet is left blank (and the command says so) rather than guessed from the name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from matrix_tools import layout
from matrix_tools.catalogue import load_catalogue
from matrix_tools.errors import EXIT_USAGE, MatrixToolsError
from matrix_tools.model import Catalogue, HeaderKind, HeaderValue, Matrix, State, Value, cell_ref
from matrix_tools.reading.normalise import format_date, has_control_characters, parse_date_text
from matrix_tools.validation.config import DEFAULT_CONFIG, Config
from matrix_tools.validation.findings import Severity
from matrix_tools.validation.rules.header import check_dates
from matrix_tools.validation.rules.header import check_iso3 as check_iso3_rule
from matrix_tools.writing.output import check_output_path
from matrix_tools.writing.workbook import write_matrix_workbook

DRAFT_TITLE = "DRAFT 1540 COMMITTEE MATRIX"
APPROVED_TITLE = "APPROVED 1540 COMMITTEE MATRIX OF {STATE}"
_ISO3 = re.compile(r"^[A-Z]{3}$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
# Header items -> the option that sets them, to name it when validation's header rules object.
OPTIONS = {"iso3": "--iso3", "date_of_report": "--date-of-report",
           "dates_of_additional_reports": "--additional-report", "date_of_committee_approval": "--approval"}
ALLOWED_IN_TEMPLATE = frozenset({"iso3-missing", "date-of-report-missing"})  # a template may leave them blank
MAX_STATE_CHARS = 120


class TemplateUsageError(MatrixToolsError):
    """A template option has a value that cannot be used (exit code 2, usage)."""

    exit_code = EXIT_USAGE
    code = "usage"


def check_state_name(state: str) -> str:
    """The State name trimmed; TemplateUsageError when empty, too long or with control characters."""
    name = " ".join(state.split())
    if not name:
        raise TemplateUsageError(
            '--state is empty: give the State\'s name, e.g. --state "Republic of Testland"'
        )
    if len(name) > MAX_STATE_CHARS or has_control_characters(state):
        raise TemplateUsageError(
            f"--state {state[:40]!r}... is not a usable State name (at most {MAX_STATE_CHARS} characters, "
            "no control characters)"
        )
    return name


def check_iso3(iso3: str | None) -> str:
    """The ISO 3166 alpha-3 code upper-cased ("" when not given); TemplateUsageError when malformed."""
    if iso3 is None or not iso3.strip():
        return ""
    code = iso3.strip().upper()
    if not _ISO3.match(code):
        raise TemplateUsageError(
            f"--iso3 {iso3!r} is not an ISO 3166 alpha-3 code: give three letters A-Z, e.g. --iso3 DEU "
            "(fictional States use the user-assigned codes XAA-XZZ)"
        )
    return code


def parse_date_option(value: dt.date | str | None, option: str) -> dt.date | None:
    """A date given as a date or as text ("12 October 2004", "2004-10-12"); TemplateUsageError if
    unreadable, or numeric with day and month both 12 or less (12/10/2004: which is the month?)."""
    if value is None or isinstance(value, dt.date):
        return value
    if not value.strip():
        return None
    numeric = _NUMERIC_DATE.match(value.strip())
    if numeric:
        first, second, year = (int(g) for g in numeric.groups())
        if 1 <= first <= 12 and 1 <= second <= 12 and first != second:
            as_dmy, as_mdy = dt.date(year, second, first), dt.date(year, first, second)
            raise TemplateUsageError(
                f"{option} {value!r} is ambiguous ({format_date(as_dmy)} or {format_date(as_mdy)}?): "
                f'write the month in words, e.g. "{format_date(as_dmy)}", or the date as {as_dmy.isoformat()}'
            )
    parsed = parse_date_text(value)
    if parsed is None:
        raise TemplateUsageError(
            f'{option} {value!r} is not a date: write it like "12 October 2004" or 2004-10-12'
        )
    return parsed


def blank_matrix(
    catalogue: Catalogue,
    state: str,
    iso3: str,
    *,
    date_of_report: dt.date | str | None = None,
    additional_reports: Iterable[dt.date | str] = (),
    approval: dt.date | str | None = None,
    title: str = DRAFT_TITLE,
) -> Matrix:
    """A matrix with every catalogue (field, column) blank, cells where a template puts them.

    Raises TemplateUsageError for an unusable State name, ISO code or date.
    """
    name = check_state_name(state)
    code = check_iso3(iso3)
    report = parse_date_option(date_of_report, "--date-of-report")
    extra = [parse_date_option(d, "--additional-report") for d in additional_reports]
    approved = parse_date_option(approval, "--approval")
    dates: dict[str, tuple[dt.date, ...]] = {
        "date_of_report": (report,) if report else (),
        "dates_of_additional_reports": tuple(sorted(d for d in extra if d is not None)),
        "date_of_committee_approval": (approved,) if approved else (),
    }
    texts = {"title": title, "state": name, "iso3": code}
    header: dict[str, HeaderValue] = {}
    for i, item in enumerate(catalogue.header):
        cell = cell_ref(layout.ABOUT_SHEET, layout.ABOUT_FIRST_ROW + i, 1)
        if item.kind is HeaderKind.TEXT:
            header[item.key] = HeaderValue(
                item.key, texts.get(item.key, ""), cell, label=item.label
            )
        else:
            found = dates.get(item.key, ())
            text = "; ".join(format_date(d) for d in found)
            header[item.key] = HeaderValue(item.key, text, cell, dates=found, label=item.label)
    entries = {
        (row.field, col.key): Value(
            "", cell_ref(table.sheet, layout.data_row(i), layout.value_col(table, col.key))
        )
        for table in catalogue.tables
        for i, row in enumerate(table.rows)
        for col in table.columns
    }
    return Matrix(
        catalogue=catalogue,
        state=State(name, code),
        header=header,
        entries=entries,
        sheets={table.id: table.sheet for table in catalogue.tables},
    )


def write_template(
    path: str | Path,
    state: str,
    iso3: str | None = None,
    *,
    catalogue: Catalogue | str | Path | None = None,
    date_of_report: dt.date | str | None = None,
    additional_reports: Iterable[dt.date | str] = (),
    approval: dt.date | str | None = None,
    title: str | None = None,
) -> Path:
    """Write a blank matrix workbook for ``state`` to ``path`` (.xlsx) and return the path.

    The title defaults to "DRAFT 1540 COMMITTEE MATRIX", or "APPROVED 1540 COMMITTEE MATRIX
    OF <STATE>" when an approval date is given. An existing file at ``path`` is replaced
    (atomically), unless it is the catalogue file. Raises TemplateUsageError (exit 2) for bad
    options, OutputError when the path cannot be written, CatalogueError for a bad catalogue.
    """

    out = check_output_path(path)  # a folder or a missing folder first, as in every command
    if out.suffix.lower() != ".xlsx":
        raise TemplateUsageError(f"output {path} must be an .xlsx file name, e.g. -o template.xlsx")
    inputs: list[str | Path] = []
    if isinstance(catalogue, Catalogue):
        cat = catalogue
    else:
        cat = load_catalogue(catalogue)
        if catalogue is not None:
            inputs.append(catalogue)
    if title is None:
        title = (
            APPROVED_TITLE.format(STATE=check_state_name(state).upper())
            if approval
            else DRAFT_TITLE
        )
    matrix = blank_matrix(
        cat,
        state,
        iso3 or "",
        date_of_report=date_of_report,
        additional_reports=additional_reports,
        approval=approval,
        title=title,
    )
    check_header(matrix)
    write_matrix_workbook(out, matrix, inputs=inputs)
    return out


def check_header(matrix: Matrix, config: Config = DEFAULT_CONFIG) -> None:
    """Refuse (TemplateUsageError) a header that ``validate`` would call wrong, in validate's own
    words: an ISO code no country has, a date in the future, approval before the last report, an
    additional report before the first. A template is not written to be rejected later."""
    findings = [f for f in (*check_iso3_rule(matrix, config), *check_dates(matrix, config))
                if f.severity is Severity.ERROR and f.code not in ALLOWED_IN_TEMPLATE]
    if findings:
        parts = [f"{_option(f.field)}: {f.message} [{f.code}]" for f in findings]
        raise TemplateUsageError("; ".join(parts) + "; nothing was written")


def _option(field: str) -> str:
    key = field.rsplit(":", 1)[-1]
    return OPTIONS.get(key, key)
