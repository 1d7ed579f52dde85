"""Render validation results: text for a terminal, JSON for programs, JUnit XML for CI.

Pure functions from results to a string; the command writes the string through ``output.py``.
The JSON follows ``schemas/validate.schema.json``; the JUnit XML has one testsuite per file and
one testcase per table (plus "Workbook" and "Header"), failing when a finding reaches the
``--fail-on`` threshold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from matrix_tools.model import Catalogue, ItemKey
from matrix_tools.safety import one_line, safe_json_dumps
from matrix_tools.validation.engine import ValidationResult, summary_counts, validation_document
from matrix_tools.validation.findings import Finding, FindingCatalogue, Severity
from matrix_tools.wording import count_phrase

WORKBOOK_GROUP = "Workbook"
HEADER_GROUP = "Header"
_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # + lone surrogates


def group_name(finding: Finding) -> str:
    """Where a finding belongs in a report: its table id, "Header" or "Workbook"."""
    if finding.table:
        return finding.table
    if ItemKey.is_header(finding.field):
        return HEADER_GROUP
    return WORKBOOK_GROUP


def iter_groups(result: ValidationResult) -> list[tuple[str, list[Finding]]]:
    """The findings of one result by group: Workbook, Header, then tables in workbook order."""
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(group_name(finding), []).append(finding)
    order = [WORKBOOK_GROUP, HEADER_GROUP]
    if result.matrix is not None:
        order += [t.id for t in result.matrix.catalogue.tables]
    rank = {name: i for i, name in enumerate(order)}
    return sorted(groups.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def _state_line(result: ValidationResult) -> str:
    if result.error is not None:
        return "could not be read"
    who = one_line(result.state, width=120) or "(State not named)"
    if result.iso3:
        who += f" ({one_line(result.iso3, breaks=None, width=20)})"
    counts = result.counts
    parts = [count_phrase(counts["error"], "error"), count_phrase(counts["warning"], "warning"), count_phrase(counts["info"], "note")]
    return f"{who}: {', '.join(parts)}"


def _group_title(name: str, catalogue: Catalogue | None) -> str:
    if name == HEADER_GROUP:
        return "Header (About sheet)"
    if name == WORKBOOK_GROUP:
        return "Workbook"
    if catalogue is not None:
        try:
            table = catalogue.table(name)
        except KeyError:
            return name
        return f"{table.sheet}: {table.title}"
    return name


def render_text(
    results: Sequence[ValidationResult],
    *,
    color: bool = False,
    threshold: Severity = Severity.ERROR,
    min_severity: Severity = Severity.INFO,
) -> str:
    """A report for a person at a terminal: per file, per table, one line per finding."""
    import click  # already loaded by the CLI; style() adds ANSI colours only when asked

    def style(text: str, **kwargs: Any) -> str:
        return click.style(text, **kwargs) if color else text

    lines: list[str] = []
    for result in results:
        path = one_line(result.path, breaks=None) if result.path else "(matrix)"  # any name a file system allows
        lines.append(style(path, bold=True) + f": {_state_line(result)}")
        if result.error is not None:
            lines.append("  " + style("ERROR", fg="red", bold=True)
                         + f"  {one_line(result.error.message)} [{result.error.code}]")
            lines.append("")
            continue
        catalogue = result.matrix.catalogue if result.matrix is not None else None
        shown = 0
        for name, findings in iter_groups(result):
            visible = [f for f in findings if f.severity.at_least(min_severity)]
            if not visible:
                continue
            lines.append("  " + style(_group_title(name, catalogue), underline=True))
            for finding in visible:
                label = style(f"{finding.severity.value.upper():<7}", fg=_COLOURS[finding.severity],
                              bold=finding.severity is Severity.ERROR)
                where = one_line(finding.cell, breaks=None) if finding.cell else "(workbook)"
                lines.append(f"    {label} {where:<18} {one_line(finding.message)} [{finding.code}]")
                shown += 1
        if not shown:
            lines.append("  No findings." if not result.findings else "  No findings at this level.")
        lines.append("")
    totals = summary_counts(results, threshold)
    verdict = (
        style("FAILED", fg="red", bold=True) if totals["failed"] else style("OK", fg="green", bold=True)
    )
    lines.append(
        f"{verdict}: {count_phrase(totals['files'], 'file')} checked, {totals['valid']} valid, "
        f"{totals['invalid']} with errors, {totals['unreadable']} unreadable; "
        f"{count_phrase(totals['error'], 'error')}, {count_phrase(totals['warning'], 'warning')}, "
        f"{count_phrase(totals['info'], 'note')} (fail on: {threshold.value})."
    )
    return "\n".join(lines) + "\n"


def render_json(results: Sequence[ValidationResult], *, threshold: Severity = Severity.ERROR) -> str:
    """The JSON report (schemas/validate.schema.json)."""
    document = validation_document(results, threshold)
    return safe_json_dumps(document, indent=2) + "\n"


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold (control characters from a submission would make it unreadable)."""
    return _XML_INVALID.sub("\ufffd", text)


def render_junit(results: Sequence[ValidationResult], *, threshold: Severity = Severity.ERROR) -> str:
    """JUnit XML: a testsuite per file, a testcase per table; findings at/above ``threshold`` fail it.

    Each failing testcase has one ``<failure>`` (the JUnit schema allows one) listing every
    finding that fails it, with its cell; findings below the threshold go to ``<system-out>``.
    """
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="matrix-tools validate")
    total_tests = total_failures = total_errors = 0
    for result in results:
        suite = ET.SubElement(root, "testsuite", name=_xml_text(result.path or "(matrix)"))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="state", value=_xml_text(result.state))
        ET.SubElement(props, "property", name="iso3", value=_xml_text(result.iso3))
        tests = failures = errors = 0
        classname = _xml_text(result.path or "matrix")
        if result.error is not None:
            case = ET.SubElement(suite, "testcase", classname=classname, name="read workbook")
            err = ET.SubElement(case, "error", message=_xml_text(result.error.message), type=result.error.code)
            err.text = _xml_text(result.error.message)
            tests, errors = 1, 1
        else:
            groups = dict(iter_groups(result))
            names = [WORKBOOK_GROUP, HEADER_GROUP]
            if result.matrix is not None:
                names += [t.id for t in result.matrix.catalogue.tables]
            names += [g for g in groups if g not in names]
            for name in names:
                findings = groups.get(name, [])
                case = ET.SubElement(suite, "testcase", classname=classname, name=name)
                tests += 1
                failing = [f for f in findings if f.severity.at_least(threshold)]
                other = [f for f in findings if not f.severity.at_least(threshold)]
                if failing:
                    failures += 1
                    first = failing[0]
                    failure = ET.SubElement(
                        case, "failure",
                        message=_xml_text(f"{count_phrase(len(failing), 'finding')} at or above {threshold.value}: "
                                          f"{first.cell} {first.message}"),
                        type=first.code,
                    )
                    failure.text = _xml_text("\n".join(_finding_line(f) for f in failing))
                if other:
                    out = ET.SubElement(case, "system-out")
                    out.text = _xml_text("\n".join(_finding_line(f) for f in other))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
        total_errors += errors
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(total_errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _finding_line(finding: Finding) -> str:
    where = finding.cell or "(workbook)"
    return f"{finding.severity.value.upper()} {where} [{finding.code}] {finding.message}"


# --- the finding catalogue (matrix-tools findings) ------------------------------------------


def catalogue_as_dict(kinds: FindingCatalogue) -> dict[str, Any]:
    return {
        "version": kinds.version,
        "groups": dict(kinds.groups),
        "findings": [
            {"code": k.code, "group": k.group, "severity": k.severity.value, "title": k.title,
             "description": k.description, "message": k.message}
            for k in kinds
        ],
    }


def render_catalogue_json(kinds: FindingCatalogue) -> str:
    return safe_json_dumps(catalogue_as_dict(kinds), indent=2) + "\n"


def render_catalogue_text(kinds: FindingCatalogue) -> str:
    """Each group, then each finding type: code, default severity, title and description."""
    import textwrap

    lines: list[str] = []
    for group, title in kinds.groups.items():
        members = kinds.in_group(group)
        if not members:
            continue
        lines.append(f"{title} ({group})")
        for kind in members:
            lines.append(f"  {kind.code}  [{kind.severity.value}]  {kind.title}")
            lines.extend(textwrap.wrap(kind.description, width=96, initial_indent="      ",
                                       subsequent_indent="      "))
        lines.append("")
    lines.append("Change severities or switch findings off with a matrix-tools.json configuration file.")
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_catalogue_md(kinds: FindingCatalogue) -> str:
    """The Markdown table the README carries (scripts/findings_table.py writes it)."""
    lines = [
        "| Code | Group | Default severity | What it means |",
        "| --- | --- | --- | --- |",
    ]
    for kind in kinds:
        lines.append(
            f"| `{kind.code}` | {kind.group} | {kind.severity.value} | "
            f"**{_md_cell(kind.title)}.** {_md_cell(kind.description)} |"
        )
    return "\n".join(lines) + "\n"
