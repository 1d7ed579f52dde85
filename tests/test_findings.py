"""The finding catalogue: one documented list of codes, in sync with the rules and the README."""

from __future__ import annotations

import importlib.util
import re
import string
from pathlib import Path

import jsonschema
import pytest

from matrix_tools import resources
from matrix_tools.validation.findings import (
    Finding,
    Severity,
    count_by_severity,
    load_finding_catalogue,
    make_finding,
    shorten,
)

ROOT = Path(__file__).resolve().parent.parent
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _script():
    spec = importlib.util.spec_from_file_location("findings_table", ROOT / "scripts" / "findings_table.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_findings_json_follows_its_schema() -> None:
    jsonschema.validate(resources.load_schema("findings.json"), resources.load_schema("findings.schema.json"))


def test_codes_are_unique_kebab_case_and_grouped() -> None:
    data = resources.load_schema("findings.json")
    codes = [item["code"] for item in data["findings"]]
    assert len(codes) == len(set(codes))
    assert all(KEBAB.match(code) for code in codes)
    assert {item["group"] for item in data["findings"]} <= set(data["groups"])


def test_every_code_the_reader_and_preflight_can_observe_is_documented() -> None:
    kinds = load_finding_catalogue()
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "matrix_tools").rglob("*.py"))
    observed = set(re.findall(r'Observation\(\s*(?:code=)?"([a-z0-9-]+)"', sources))
    assert observed, "the reader's observation codes were not found"
    assert observed <= set(kinds.types), sorted(observed - set(kinds.types))
    brief = {"table-missing", "column-missing", "field-missing", "field-duplicate", "row-unknown", "header-missing",
             "sheet-unrecognised", "data-outside-matrix", "macros-present", "external-links-present",
             "caption-changed"}
    assert brief <= set(kinds.types)


def test_every_code_a_rule_makes_is_documented() -> None:
    kinds = load_finding_catalogue()
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "matrix_tools" / "validation" / "rules").glob("*.py"))
    sources += (ROOT / "matrix_tools" / "validation" / "engine.py").read_text(encoding="utf-8")
    made = set(re.findall(r'make_finding\(\s*"([a-z0-9-]+)"', sources))
    assert made <= set(kinds.types), sorted(made - set(kinds.types))
    documented_only = set(kinds.types) - made
    # Structure codes come from the reader's observations, not from make_finding calls.
    assert all(kinds[code].group == "structure" for code in documented_only), sorted(documented_only)


def test_templates_use_only_well_formed_placeholders() -> None:
    for kind in load_finding_catalogue():
        names = [name for _, name, _, _ in string.Formatter().parse(kind.message) if name is not None]
        assert all(re.match(r"^[a-z_]+$", n) for n in names), kind.code
        assert kind.title and not kind.title.endswith("."), kind.code


def test_make_finding_formats_the_template_with_the_finding_fields() -> None:
    finding = make_finding("mark-invalid", cell="'OP1'!C6", field="OP1.npt", column="status", value="maybe",
                           allowed="X, ?, NA or blank", table="OP1")
    assert finding == Finding("mark-invalid", Severity.ERROR, "'maybe' is not a mark; allowed: X, ?, NA or blank",
                              "'OP1'!C6", "OP1.npt", "status", "maybe", "", "OP1")


def test_make_finding_shortens_long_values_in_messages_only() -> None:
    text = "word " * 40
    finding = make_finding("mark-invalid", value=text, allowed="X")
    assert finding.value == text
    assert "…" in finding.message and len(finding.message) < 100


@pytest.mark.parametrize("bad", [{"code": "no-such-code"}, {"code": "mark-invalid"}])
def test_make_finding_refuses_unknown_codes_and_missing_parameters(bad) -> None:
    with pytest.raises(KeyError):
        make_finding(bad["code"], value="x")


def test_severity_order_and_counts() -> None:
    assert Severity.ERROR.at_least(Severity.WARNING) and not Severity.INFO.at_least(Severity.WARNING)
    findings = [make_finding("mark-normalised", value="x", expected="X"), make_finding("state-missing")]
    assert count_by_severity(findings) == {"error": 1, "warning": 1, "info": 0}
    assert shorten("a\nb  c") == "a b c"


def test_finding_json_form_has_the_contract_keys() -> None:
    data = make_finding("state-missing", cell="'About'!B3", field="header:state").as_dict()
    assert set(data) >= {"code", "severity", "message", "cell", "field", "column", "value"}
    assert data["severity"] == "error"


def test_readme_table_matches_the_generated_one() -> None:
    script = _script()
    table = script.generate_table()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    current = script.extract_table(readme)
    assert current is not None, "README.md lacks the findings table: paste `python scripts/findings_table.py`"
    assert current == table, "README's findings table is out of date: run scripts/findings_table.py --update README.md"


def test_findings_table_script_rewrites_only_between_the_markers(tmp_path: Path) -> None:
    script = _script()
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{script.START}\nold\n{script.END}\n\nAfter.\n", encoding="utf-8")
    assert script.main(["--check", str(readme)]) == 1
    assert script.main(["--update", str(readme)]) == 0
    assert script.main(["--check", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n") and text.endswith("\nAfter.\n")
    assert "| `mark-invalid` | marks | error |" in text


def test_submitted_control_characters_never_reach_a_message() -> None:
    finding = make_finding("mark-invalid", value="\x1b[31mred\x07", allowed="X")
    assert "\x1b" not in finding.message and "\x07" not in finding.message
    assert "\\x1b[31mred\\x07" in finding.message  # shown escaped and visible (issue 13)
