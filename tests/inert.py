"""Assertions that an output keeps submitted text inert (untrusted-input.md, policy 4).

For other helpers' tests::

    from inert import HOSTILE_TEXTS, assert_xlsx_inert, assert_html_inert, assert_json_valid

    assert_xlsx_inert(report_path, HOSTILE_TEXTS)   # after writing a report with those texts
    assert_html_inert(html_text, HOSTILE_TEXTS)

The xlsx check unzips the file and parses every XML part with defusedxml (outputs are ours,
but the check must not be the weak point).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

# Cell texts a hostile submission may carry (checklist A, rows A33 and A36-A38).
HOSTILE_TEXTS: tuple[str, ...] = (
    '=HYPERLINK("http://evil.example/x","click")',
    "=cmd|'/c calc'!A1",
    "{=1+1}",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "==== header ====",
    "external:\\\\srv\\share\\a.xlsx",
    "file:///etc/passwd",
    "\\\\srv\\share\\secret.xlsx",
    "http://evil.example/phish",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
    "Tom & Jerry's <b>law</b>",
)

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:", "external:", "\\\\")


def _meaningful(texts: Iterable[str]) -> list[str]:
    """Submitted texts long enough that finding them is not a coincidence."""
    return [t for t in texts if len(t.strip()) >= 4 and len(_core(t)) >= 3]


def _core(text: str) -> str:
    """The part of a submitted text that would survive a writer dropping a leading '=' or tab."""
    return text.strip().lstrip("=+-@{").strip()


def assert_xlsx_inert(path: str | Path, submitted_texts: Iterable[str], *, allow_formulas: bool = False,
                      allow_hyperlinks_to: Iterable[str] = ()) -> None:
    """Assert that no formula, hyperlink or external relationship in the xlsx carries submitted text.

    - No ``<f>`` element at all, unless ``allow_formulas`` (the tool's own formulas); even
      then no ``<f>`` may contain a submitted text.
    - No relationship target (``.rels``), external or not, contains a submitted text, and no
      relationship is ``TargetMode="External"`` unless its target starts with one of
      ``allow_hyperlinks_to``.
    - No macro project or external-link part is present.
    - Every XML part parses (defusedxml) and holds no DTD.
    """
    texts = _meaningful(submitted_texts)
    allowed = tuple(allow_hyperlinks_to)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert not [n for n in names if "vbaproject" in n.lower()], f"{path}: an output carries a macro project"
        assert not [n for n in names if n.lower().startswith("xl/externallinks/")], f"{path}: external link parts"
        for name in names:
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            data = archive.read(name)
            assert b"<!DOCTYPE" not in data, f"{path}: {name} holds a DTD"
            root = ElementTree.fromstring(data)
            if name.endswith(".rels"):
                for rel in root.iter(f"{PKG_REL_NS}Relationship"):
                    target = rel.get("Target", "")
                    for text in texts:
                        assert _core(text) not in target, f"{path}: {name}: relationship target carries {text!r}"
                    if rel.get("TargetMode", "").lower() == "external":
                        assert allowed and target.startswith(allowed), (
                            f"{path}: {name}: external relationship to {target!r}")
                continue
            for formula in root.iter(f"{MAIN_NS}f"):
                content = "".join(formula.itertext())
                assert allow_formulas, f"{path}: {name}: formula {content!r} in an output"
                for text in texts:
                    assert _core(text) not in content, f"{path}: {name}: formula carries {text!r}"
            for link in root.iter(f"{MAIN_NS}hyperlink"):
                location = link.get("location", "") + link.get("display", "")
                for text in texts:
                    assert _core(text) not in location, f"{path}: {name}: hyperlink carries {text!r}"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_html_inert(page: str, submitted_texts: Iterable[str], *, require_shown: bool = True) -> None:
    """Assert that submitted text is escaped in an HTML report, shown as text and never a link.

    - A submitted text holding ``< > & "`` never appears raw in the page source.
    - No ``href``/``src``/``action`` points to a dangerous scheme (``javascript:``, ``file:``,
      ``data:``, UNC...) or carries a submitted text; no ``on*`` handler carries one.
    - With ``require_shown``, each submitted text is visible in the page text (nothing lost),
      compared with whitespace collapsed.
    """
    collector = _Collector()
    collector.feed(page)
    collector.close()
    texts = _meaningful(submitted_texts)
    visible = " ".join(" ".join(collector.text).split())
    for text in texts:
        if any(ch in text for ch in "<>&\""):
            assert text not in page, f"raw (unescaped) submitted text in HTML: {text!r}"
        if require_shown:
            shown = " ".join(text.split())
            assert shown in visible, f"submitted text not shown: {text!r}"
    for tag, name, value in collector.attributes:
        lowered = value.strip().lower()
        if name in ("href", "src", "action", "formaction", "xlink:href", "background"):
            assert not lowered.startswith(DANGEROUS_SCHEMES), f"<{tag} {name}={value!r}>: dangerous link"
            for text in texts:
                assert _core(text) not in value, f"<{tag} {name}={value!r}> carries submitted text"
        if name.startswith("on"):
            for text in texts:
                assert _core(text) not in value, f"<{tag} {name}=...> carries submitted text"


def assert_json_valid(text: str) -> Any:
    """Parse ``text`` as strict JSON (no NaN/Infinity) and return it."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"invalid JSON constant {constant}")

    data = json.loads(text, parse_constant=refuse)
    text.encode("utf-8")  # no lone surrogates
    return data


def assert_no_control_characters_in_xml(path: str | Path) -> None:
    """Assert every XML part of an xlsx is free of characters XML 1.0 forbids."""
    illegal = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                assert not illegal.search(archive.read(name).decode("utf-8")), f"{path}: {name}"
