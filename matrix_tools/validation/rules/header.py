"""Header rules: State name and ISO code, and the dates of reports and approval.

The ISO 3166-1 alpha-3 list ships as data (``schemas/iso3166-alpha3.json``): assigned codes,
codes withdrawn since (old matrices carry e.g. SCG), and the user-assigned ranges the
fictional sample States use (XTL, XEX, XNM).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from matrix_tools import resources
from matrix_tools.model import HeaderKind, HeaderValue, ItemKey, Matrix
from matrix_tools.reading.normalise import format_date
from matrix_tools.validation.config import Config
from matrix_tools.validation.findings import Finding, make_finding

ISO_FILE = "iso3166-alpha3.json"
_THREE_LETTERS = re.compile(r"^[A-Za-z]{3}$")


@dataclass(frozen=True)
class IsoCodes:
    assigned: dict[str, str]
    former: dict[str, dict[str, str]]
    user_ranges: tuple[tuple[str, str], ...]

    def is_user_assigned(self, code: str) -> bool:
        return any(low <= code <= high for low, high in self.user_ranges)


@lru_cache(maxsize=1)
def load_iso_codes() -> IsoCodes:
    """The shipped ISO 3166-1 alpha-3 data."""
    data: dict[str, Any] = resources.load_schema(ISO_FILE)
    ranges = tuple(tuple(item.split("-", 1)) for item in data["user_assigned"])
    return IsoCodes(dict(data["assigned"]), dict(data["former"]), ranges)


def _header_cell(matrix: Matrix, key: str) -> str:
    value = matrix.header.get(key)
    return value.cell if value is not None else ""


def check_state(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """The State is named."""
    header = matrix.header.get("state")
    name = matrix.state.name.strip() or (header.text.strip() if header else "")
    if not name:
        yield make_finding("state-missing", cell=_header_cell(matrix, "state"), field=ItemKey.header("state"),
                           expected="the name of the State")


def check_iso3(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """The ISO code is three capital letters, assigned by ISO 3166-1 (or in a user range)."""
    header = matrix.header.get("iso3")
    code = matrix.state.iso3.strip() or (header.text.strip() if header else "")
    where: dict[str, Any] = {"cell": _header_cell(matrix, "iso3"), "field": ItemKey.header("iso3")}
    if not code:
        yield make_finding("iso3-missing", expected="three capital letters, e.g. FRA", **where)
        return
    iso = load_iso_codes()
    if not _THREE_LETTERS.match(code):
        yield make_finding("iso3-invalid", value=code, expected="three letters, e.g. FRA",
                           reason="it must be exactly three letters", **where)
    elif code != code.upper():
        yield make_finding("iso3-invalid", value=code, expected=code.upper(),
                           reason=f"write it in capital letters ({code.upper()})", **where)
    elif code in iso.assigned:
        return
    elif code in iso.former:
        former = iso.former[code]
        yield make_finding("iso3-former", value=code, name=former["name"],
                           withdrawn=former.get("withdrawn") or "the past", **where)
    elif iso.is_user_assigned(code):
        yield make_finding("iso3-user-assigned", value=code, **where)
    else:
        yield make_finding("iso3-invalid", value=code, expected="an ISO 3166-1 alpha-3 code",
                           reason="no country has this code in ISO 3166-1", **where)


def _label(matrix: Matrix, key: str, value: HeaderValue) -> str:
    item = matrix.catalogue.header_item(key)
    return (value.label or (item.label if item else key)).rstrip(":")


def _day(value: dt.date) -> dt.date:
    """A date (a datetime from a date cell compares badly with a date: TypeError)."""
    return value.date() if isinstance(value, dt.datetime) else value


def _dates(value: HeaderValue | None) -> tuple[dt.date, ...]:
    return tuple(_day(d) for d in value.dates) if value is not None else ()


def check_dates(matrix: Matrix, config: Config) -> Iterator[Finding]:
    """Dates parse, additional reports follow the first one in order, approval comes last, none in the future."""
    today = config.reference_date
    items = {item.key: item for item in matrix.catalogue.header}
    for key, item in items.items():
        value = matrix.header.get(key)
        if value is None or item.kind is HeaderKind.TEXT:
            continue
        parts = value.unparsed or ((value.text,) if value.text.strip() and not value.dates else ())
        for part in parts:
            yield make_finding("date-unparsed", cell=value.cell, field=ItemKey.header(key), value=part,
                               expected="a date such as 12 October 2004", label=_label(matrix, key, value))
        for day in _dates(value):
            if day > today:
                yield make_finding("date-in-future", cell=value.cell, field=ItemKey.header(key),
                                   value=format_date(day), expected=f"a date up to {format_date(today)}",
                                   date=format_date(day), label=_label(matrix, key, value),
                                   today=format_date(today))

    report = matrix.header.get("date_of_report")
    if "date_of_report" in items and (report is None or not report.text.strip()):
        yield make_finding("date-of-report-missing", cell=report.cell if report else "",
                           field=ItemKey.header("date_of_report"), expected="the date of the first national report")
    first = _dates(report)[0] if _dates(report) else None
    additional = matrix.header.get("dates_of_additional_reports")
    where_add: dict[str, Any] = {"cell": additional.cell if additional else "", "field": ItemKey.header("dates_of_additional_reports")}
    previous: dt.date | None = None
    for day in _dates(additional):
        if first is not None and day <= first:
            yield make_finding("additional-report-before-first", value=format_date(day),
                               expected=f"after {format_date(first)}", date=format_date(day),
                               first=format_date(first), **where_add)
        elif previous is not None and day < previous:
            yield make_finding("additional-reports-out-of-order", value=format_date(day),
                               expected=f"after {format_date(previous)}", date=format_date(day),
                               previous=format_date(previous), **where_add)
        previous = day if previous is None else max(previous, day)

    approval = matrix.header.get("date_of_committee_approval")
    reports = [d for d in ((first,) + _dates(additional)) if d is not None]
    approved = _dates(approval)[0] if _dates(approval) else None
    if approval is not None and approved is not None and reports and approved < max(reports):
        last = max(reports)
        yield make_finding("approval-before-report", cell=approval.cell, field=ItemKey.header("date_of_committee_approval"),
                           value=format_date(approved), expected=f"on or after {format_date(last)}",
                           date=format_date(approved), last=format_date(last))
