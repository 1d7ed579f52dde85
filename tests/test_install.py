"""schemas/ and templates/ are found from a non-editable install, run outside the checkout and
inside it (where the source folder shadows the installed package, issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the checkout, installed (not editable) into a folder of its own."""
    tmp = tmp_path_factory.mktemp("install")
    wheel_dir = tmp / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(wheel_dir), str(ROOT)],
        check=True, capture_output=True, cwd=tmp,
    )
    [wheel] = wheel_dir.glob("matrix_tools-*.whl")
    site = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, cwd=tmp)
    return site


def test_wheel_install_outside_the_checkout_finds_its_data(tmp_path, installed):
    site = installed
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


def _plain_install_env(site: Path) -> tuple[list[str], dict[str, str]]:
    """A Python that sees the installed copy and the dependencies, but not the editable install
    of the test environment (``-S``: no .pth files, so no editable finder), as after a plain
    ``pip install .`` into a fresh environment."""
    deps = sysconfig.get_paths()["purelib"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=os.pathsep.join([str(site), deps]), MATRIX_TOOLS_PLAIN="1")
    return [sys.executable, "-S"], env


def test_plain_install_works_from_the_checkout_root(tmp_path, installed):
    python, env = _plain_install_env(installed)
    # `python -m matrix_tools` in the checkout imports the source folder, which has no schemas package.
    template = tmp_path / "t.xlsx"
    made = subprocess.run([*python, "-m", "matrix_tools", "template", "--state", "Republic of Testland",
                           "--iso3", "XTL", "-o", str(template)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([*python, "-m", "matrix_tools", "validate", str(template), "--format", "json"],
                             capture_output=True, text=True, cwd=ROOT, env=env)
    assert checked.returncode in (0, 1), checked.stderr
    assert json.loads(checked.stdout)["files"][0]["valid"] is not None
    # The installed command, run from the checkout: batch workers must import the same package.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "xtl.xlsx").write_bytes(template.read_bytes())
    script = installed / "bin" / "matrix-tools"
    run = subprocess.run([*python, str(script), "batch", str(inbox), "-o", str(tmp_path / "out"), "--jobs", "1"],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert "No module named" not in run.stdout + run.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["summary"]["unreadable"] == 0, run.stdout
    assert [s["state"]["iso3"] for s in summary["states"]] == ["XTL"]
    demo = subprocess.run([*python, str(script), "demo", "-o", str(tmp_path / "demo")],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert (tmp_path / "demo" / "batch" / "summary.json").is_file()
