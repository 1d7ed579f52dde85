"""Print the README's table of findings, generated from schemas/findings.json.

    python scripts/findings_table.py            # print the table
    python scripts/findings_table.py --check README.md   # exit 1 when README's copy differs
    python scripts/findings_table.py --update README.md  # replace the table between the markers

The table sits in README.md between ``<!-- findings-table:start -->`` and
``<!-- findings-table:end -->``; tests/test_findings.py keeps the two in sync.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

START = "<!-- findings-table:start -->"
END = "<!-- findings-table:end -->"


def generate_table() -> str:
    """The Markdown table of every finding type (same as `matrix-tools findings --format md`)."""
    from matrix_tools.reports.findings import render_catalogue_md
    from matrix_tools.validation.findings import load_finding_catalogue

    return render_catalogue_md(load_finding_catalogue())


def extract_table(text: str) -> str | None:
    """The text between the markers (without the blank lines around it), or None without markers."""
    if START not in text or END not in text:
        return None
    inner = text.split(START, 1)[1].split(END, 1)[0]
    return inner.strip("\n") + "\n"


def replace_table(text: str, table: str) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table}{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", type=Path, metavar="README", help="compare with the table in this file")
    group.add_argument("--update", type=Path, metavar="README", help="rewrite the table in this file")
    args = parser.parse_args(argv)
    table = generate_table()
    if args.check is None and args.update is None:
        sys.stdout.write(table)
        return 0
    target: Path = args.check or args.update
    text = target.read_text(encoding="utf-8")
    current = extract_table(text)
    if current is None:
        print(f"{target} has no {START} ... {END} markers", file=sys.stderr)
        return 1
    if args.check is not None:
        if current != table:
            print(f"the findings table in {target} is out of date: run scripts/findings_table.py --update {target}",
                  file=sys.stderr)
            return 1
        return 0
    target.write_text(replace_table(text, table), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
