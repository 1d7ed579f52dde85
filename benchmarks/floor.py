"""The floor any safe reader of a folder of workbooks pays, in one process (issue 14).

For every ``.xlsx`` in FOLDER: hash the file (SHA-256), inflate every part of the zip looking
for a DTD or entity declaration, and read every sheet with python-calamine. No checks beyond
that, no model, no output. ``bench_batch.py`` times this script as a whole process next to
``matrix-tools batch`` on the same files.

    python benchmarks/floor.py FOLDER
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path


def read_floor(path: Path) -> int:
    """Cells read from ``path`` (hash, inflate and scan every part, read every sheet)."""
    from python_calamine import CalamineWorkbook

    data = path.read_bytes()
    hashlib.sha256(data).hexdigest()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            part = archive.read(info)
            if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
                raise SystemExit(f"{path}: {info.filename} declares a DTD")
    workbook = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells += sum(len(row) for row in rows)
    return cells


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    files = sorted(Path(argv[0]).glob("*.xlsx"))
    if not files:
        print(f"no .xlsx files in {argv[0]}", file=sys.stderr)
        return 1
    cells = sum(read_floor(path) for path in files)
    print(f"{len(files)} files, {cells} cells")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
