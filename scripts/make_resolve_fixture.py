"""Make tests/fixtures/resolve/merged-libreoffice.xlsx: a merge agenda decided and re-saved by
LibreOffice, for tests/test_cli_resolve.py.

Steps (run from the checkout: ``.venv/bin/python scripts/make_resolve_fixture.py``):
1. merge the Testland samples (approved, working, returned) into merged.xlsx (one conflict);
2. with openpyxl, type "State's return" in the conflict's Decision cell and correct the
   remarks of OP 1 row 1 (NPT) to "Corrected during the consultation";
3. re-save it with LibreOffice:
   ``soffice --headless --convert-to xlsx --outdir OUT decided.xlsx``
   (LibreOffice rewrites every part: shared strings, styles, the hidden Key column).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "tests" / "fixtures" / "resolve" / "merged-libreoffice.xlsx"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        merged = work / "merged.xlsx"
        # Relative sample paths, run from the checkout: the agenda names the files as
        # samples/..., not a path of this machine.
        subprocess.run([sys.executable, "-m", "matrix_tools", "merge", "samples/testland-approved.xlsx",
                        "samples/testland-working.xlsx", "samples/testland-returned.xlsx", "-o", str(merged)],
                       check=False, capture_output=True, cwd=ROOT)
        wb = openpyxl.load_workbook(merged)
        ws = wb["Conflicts"]
        decision = next(c.column for c in ws[5] if c.value == "Decision")
        ws.cell(6, decision).value = "State's return"
        wb["OP1"]["E6"] = "Corrected during the consultation"
        decided = work / "decided.xlsx"
        wb.save(decided)
        out = work / "out"
        subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(decided)],
                       check=True, capture_output=True)
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "decided.xlsx", TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
