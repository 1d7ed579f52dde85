"""schemas/ and templates/ are found from a non-editable install, run outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, matrix_tools
from matrix_tools import resources
from matrix_tools.catalogue import load_catalogue
cat = load_catalogue()
names = sorted(p.name for p in resources.schema_file('').iterdir() if p.name.endswith('.json'))
print(json.dumps({"file": matrix_tools.__file__, "fields": cat.mark_field_count, "schemas": names,
                  "templates": sorted(p.name for p in resources.template_file('').iterdir())}))
"""


def test_wheel_install_outside_the_checkout_finds_its_data(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(wheel_dir), str(ROOT)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    [wheel] = wheel_dir.glob("matrix_tools-*.whl")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, cwd=tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True,
                         cwd=tmp_path, env=env)
    info = json.loads(out.stdout)
    assert info["file"].startswith(str(site))
    assert info["fields"] == 382
    assert "catalogue.schema.json" in info["schemas"] and "export.schema.json" in info["schemas"]
    # every command module is installed: run two commands from the installed copy
    template = tmp_path / "t.xlsx"
    cli = [sys.executable, "-m", "matrix_tools"]
    subprocess.run([*cli, "template", "--state", "Republic of Testland", "--iso3", "XTL", "-o", str(template)],
                   check=True, capture_output=True, cwd=tmp_path, env=env)
    done = subprocess.run([*cli, "validate", str(template), "--format", "json"], capture_output=True, text=True,
                          cwd=tmp_path, env=env)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["files"][0]["path"].endswith("t.xlsx")
    listed = subprocess.run([*cli, "--help"], check=True, capture_output=True, text=True, cwd=tmp_path, env=env)
    for name in ("template", "export", "validate", "findings", "diff", "merge", "consolidate", "batch", "demo"):
        assert name in listed.stdout
        subprocess.run([*cli, name, "--help"], check=True, capture_output=True, cwd=tmp_path, env=env)
