"""Validate matrices: run the rules, apply the configuration, collect findings per file.

    >>> import matrix_tools
    >>> result = matrix_tools.validate("samples/examplia.xlsx")   # doctest: +SKIP
    >>> result.valid, result.counts                                 # doctest: +SKIP
    (True, {'error': 0, 'warning': 0, 'info': 1})
    >>> [(f.code, f.cell) for f in result.findings]                 # doctest: +SKIP
    [('iso3-user-assigned', "'About'!B5")]

A file that cannot be read gives a result with ``error`` set (in ``validate_files``), so one bad
file never stops a batch. Bad data never raises: it becomes findings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from matrix_tools import __version__
from matrix_tools.catalogue import load_catalogue
from matrix_tools.errors import MatrixToolsError
from matrix_tools.model import Catalogue, Matrix
from matrix_tools.reading.parse import as_matrix
from matrix_tools.submissions import scan_folder
from matrix_tools.validation.config import DEFAULT_CONFIG, Config
from matrix_tools.validation.findings import (
    Finding,
    Severity,
    count_by_severity,
    load_finding_catalogue,
    make_finding,
)
from matrix_tools.validation.rules import crossfield as rules_crossfield
from matrix_tools.validation.rules import header as rules_header
from matrix_tools.validation.rules import marks as rules_marks
from matrix_tools.validation.rules import schema as rules_schema
from matrix_tools.validation.rules import structure as rules_structure
from matrix_tools.validation.rules import text as rules_text

Rule = Callable[[Matrix, Config], Iterator[Finding]]

# (group, rule) in the order findings are produced; the group is what configuration switches off.
RULES: tuple[tuple[str, Rule], ...] = (
    ("structure", rules_structure.check_observations),
    ("structure", rules_structure.check_unknown_rows),
    ("header", rules_header.check_state),
    ("header", rules_header.check_iso3),
    ("header", rules_header.check_dates),
    ("marks", rules_marks.check_marks),
    ("cross-field", rules_crossfield.check_sources),
    ("cross-field", rules_crossfield.check_query_remarks),
    ("cross-field", rules_crossfield.check_enforcement),
    ("text", rules_text.check_text),
    ("text", rules_text.check_text_normalised),
    ("schema", rules_schema.check_export_schema),
)


@dataclass(frozen=True)
class FileError:
    """Why a file could not be validated at all."""

    code: str  # from the exception, e.g. "input-unreadable", "input-unsafe"
    message: str


@dataclass(frozen=True)
class ValidationResult:
    """The findings for one workbook (or one in-memory matrix)."""

    path: str
    findings: tuple[Finding, ...]
    error: FileError | None = None
    state: str = ""
    iso3: str = ""
    matrix: Matrix | None = field(default=None, repr=False, compare=False)

    @property
    def valid(self) -> bool:
        """No error finding and the file could be read."""
        return self.error is None and not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        return count_by_severity(self.findings)

    def failed(self, threshold: Severity = Severity.ERROR) -> bool:
        """True when any finding is at or above ``threshold`` (or the file was unreadable)."""
        return self.error is not None or any(f.severity.at_least(threshold) for f in self.findings)

    def to_dict(self, threshold: Severity = Severity.ERROR) -> dict[str, Any]:
        """This result as ``validate --format json`` writes it for one file
        (schemas/validate.schema.json)."""
        return validation_document([self], threshold)

    def __repr__(self) -> str:
        """One line for the prompt: the file, valid or not, and the counts per severity."""
        name = Path(self.path).name if self.path else "(in memory)"
        if self.error is not None:
            return f"<ValidationResult {name!r}: unreadable ({self.error.code})>"
        words = {"error": "error", "warning": "warning", "info": "note"}  # as the text report says
        counts = ", ".join(f"{n} {words[s]}{'' if n == 1 else 's'}" for s, n in self.counts.items())
        verdict = "valid" if self.valid else "not valid"
        return f"<ValidationResult {name!r}: {verdict}; {counts}>"


def result_as_dict(result: ValidationResult) -> dict[str, Any]:
    """One entry of ``files`` in the JSON output."""
    data: dict[str, Any] = {
        "path": result.path,
        "valid": result.valid,
        "state": {"name": result.state, "iso3": result.iso3},
        "counts": result.counts,
        "error": None if result.error is None else {"code": result.error.code, "message": result.error.message},
        "findings": [f.as_dict() for f in result.findings],
    }
    if result.matrix is not None:
        cat = result.matrix.catalogue
        data["catalogue"] = {"id": cat.id, "version": cat.version}
        if result.matrix.source is not None:
            data["sha256"] = result.matrix.source.sha256
    return data


def summary_counts(results: Sequence[ValidationResult], threshold: Severity = Severity.ERROR) -> dict[str, Any]:
    """Totals over all files (the ``summary`` object of the JSON output)."""
    counts = count_by_severity(f for r in results for f in r.findings if r.error is None)
    return {
        "files": len(results),
        "valid": sum(1 for r in results if r.valid),
        "invalid": sum(1 for r in results if not r.valid and r.error is None),
        "unreadable": sum(1 for r in results if r.error is not None),
        **counts,
        "fail_on": threshold.value,
        "failed": any(r.failed(threshold) for r in results),
    }


def validation_document(results: Sequence[ValidationResult], threshold: Severity = Severity.ERROR) -> dict[str, Any]:
    """The JSON report of ``validate`` as plain data (schemas/validate.schema.json)."""
    return {
        "matrix_tools": __version__,
        "files": [result_as_dict(r) for r in results],
        "summary": summary_counts(results, threshold),
    }


_CELL = re.compile(r"!\$?([A-Z]{1,3})\$?(\d+)$")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def finding_sort_key(matrix: Matrix) -> Callable[[Finding], tuple[Any, ...]]:
    """Workbook order: workbook-wide and header first, then tables in catalogue order, by cell."""
    order = {table.id: i for i, table in enumerate(matrix.catalogue.tables)}

    def key(finding: Finding) -> tuple[Any, ...]:
        match = _CELL.search(finding.cell)
        row, col = (int(match.group(2)), _column_number(match.group(1))) if match else (0, 0)
        table_rank = order.get(finding.table, -1) if finding.table else -1
        return (table_rank, finding.cell.split("!")[0] if table_rank < 0 else "", row, col, -finding.severity.rank)

    return key


def iter_findings(matrix: Matrix, config: Config = DEFAULT_CONFIG) -> Iterator[Finding]:
    """Every finding of the enabled rules, with configured severities (unsorted)."""
    for group, rule in RULES:
        if not config.rule_enabled(group):
            continue
        for finding in rule(matrix, config):
            if not config.code_enabled(finding.code):
                continue
            severity = config.severity_for(finding.code, finding.severity)
            yield finding if severity is finding.severity else dataclasses.replace(finding, severity=severity)


def validate_matrix(matrix: Matrix, *, config: Config | None = None, path: str = "") -> ValidationResult:
    """Findings for a matrix already read, in workbook order."""
    cfg = config or DEFAULT_CONFIG
    findings = sorted(iter_findings(matrix, cfg), key=finding_sort_key(matrix))
    source = path or (matrix.source.path if matrix.source else "")
    return ValidationResult(source, tuple(findings), state=matrix.state.name, iso3=matrix.state.iso3, matrix=matrix)




@overload
def validate(matrix_or_path: Matrix, *, config: Config | None = None,
             catalogue: Catalogue | str | Path | None = None) -> ValidationResult: ...


@overload
def validate(matrix_or_path: str | Path, *, config: Config | None = None,
             catalogue: Catalogue | str | Path | None = None) -> ValidationResult | list[ValidationResult]: ...


def validate(
    matrix_or_path: Matrix | str | Path,
    *,
    config: Config | None = None,
    catalogue: Catalogue | str | Path | None = None,
) -> ValidationResult | list[ValidationResult]:
    """Validate a Matrix or a workbook file; a folder gives one result per workbook in it.

    A missing file raises ``MissingInputError`` (a ``FileNotFoundError``); a file that cannot
    be read raises ``InputError``. In a folder, an unreadable workbook gives a result with
    ``error`` set instead, as ``matrix-tools validate FOLDER`` reports it.
    """
    if isinstance(matrix_or_path, Matrix):
        return validate_matrix(matrix_or_path, config=config)
    if Path(matrix_or_path).is_dir():
        # every file the folder holds, as `matrix-tools validate FOLDER` takes them (submissions.py)
        return validate_files(scan_folder(matrix_or_path).files, config=config, catalogue=catalogue)

    matrix = as_matrix(matrix_or_path, _catalogue(catalogue))
    return validate_matrix(matrix, config=config, path=str(matrix_or_path))


def validate_file(
    path: str | Path, *, config: Config | None = None, catalogue: Catalogue | None = None
) -> ValidationResult:
    """Validate one workbook file. Raises InputError when it cannot be read."""
    matrix = as_matrix(path, catalogue)
    return validate_matrix(matrix, config=config, path=str(path))


def unreadable_result(path: str | Path, exc: MatrixToolsError) -> ValidationResult:
    """The result for a file that could not be read: one file-unreadable finding, and the reason."""
    message = exc.message
    finding = make_finding("file-unreadable", value=str(path), detail=message, expected=exc.code)
    return ValidationResult(str(path), (finding,), error=FileError(exc.code, message))


def validate_files(
    paths: Iterable[str | Path],
    *,
    config: Config | None = None,
    catalogue: Catalogue | str | Path | None = None,
) -> list[ValidationResult]:
    """Validate several workbooks; unreadable ones give a result with ``error`` set."""
    cat = _catalogue(catalogue)
    results = []
    for path in paths:
        try:
            results.append(validate_file(path, config=config, catalogue=cat))
        except MatrixToolsError as exc:
            if exc.exit_code != 3:  # not about this input (e.g. the catalogue): stop
                raise
            results.append(unreadable_result(path, exc))
    return results


def _catalogue(catalogue: Catalogue | str | Path | None) -> Catalogue | None:
    if catalogue is None or isinstance(catalogue, Catalogue):
        return catalogue

    return load_catalogue(catalogue)




__all__ = [
    "FileError",
    "RULES",
    "ValidationResult",
    "iter_findings",
    "load_finding_catalogue",
    "validate",
    "validate_files",
    "validate_matrix",
]
