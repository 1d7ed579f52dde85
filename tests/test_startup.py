"""Lean start-up: the heavy libraries are imported only on the paths that need them.

Each command runs in a fresh interpreter (imports are per process); the test reads which of
jsonschema, openpyxl, pandas and xlsxwriter it loaded. ``python -X importtime`` shows the
same by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matrix_tools.writing.template import write_template

HEAVY = ("jsonschema", "openpyxl", "pandas", "xlsxwriter")

PROBE = """
import json, sys
from matrix_tools.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "heavy": sorted(m for m in HEAVY if m in sys.modules)}))
""".replace("HEAVY", repr(HEAVY))


def run_fresh(*args: str, cwd: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd, check=False)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("startup")
    old = write_template(folder / "old.xlsx", "Republic of Examplia", "FRA", date_of_report="2024-05-01")
    new = write_template(folder / "new.xlsx", "Republic of Examplia", "FRA", date_of_report="2025-05-01")
    return folder, old, new


@pytest.mark.parametrize("command", [
    ["validate", "{old}"],
    ["validate", "{old}", "--format", "json"],
    ["validate", "{old}", "--format", "junit"],
    ["diff", "{old}", "{new}"],
    ["diff", "{old}", "{new}", "--format", "json"],
    ["export", "{old}"],
    ["export", "{old}", "--format", "csv"],
    ["--help"],
], ids=lambda c: " ".join(c).replace("{old}", "OLD").replace("{new}", "NEW"))
def test_reading_commands_import_no_heavy_library(workbooks, command):
    folder, old, new = workbooks
    args = [a.format(old=old, new=new) for a in command]
    result = run_fresh(*args, cwd=folder)
    assert result["code"] in (0, 1, None)
    assert result["heavy"] == []


def test_the_probe_sees_a_heavy_library_where_one_is_needed(workbooks):
    # writing an xlsx report needs xlsxwriter: the same probe must see it
    folder, old, new = workbooks
    result = run_fresh("diff", str(old), str(new), "--format", "xlsx", "-o", str(folder / "d.xlsx"), cwd=folder)
    assert result["code"] in (0, 1, None)
    assert "xlsxwriter" in result["heavy"]
