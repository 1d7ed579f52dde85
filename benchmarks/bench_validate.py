"""How long `matrix-tools validate FILE` takes as a whole process, next to opening FILE with openpyxl.

The target (issue 14): the whole ``matrix-tools validate FILE`` process takes at most half the
time of ``python -c "import openpyxl; openpyxl.load_workbook(FILE)"`` on the same file.
hyperfine is not installed, so each command runs N times as a subprocess (alternating, after a
warm-up run) and the wall-clock times are compared by their medians (CPU times are shown too:
they suffer less from a busy machine). matrix-tools is measured as `pip install .` installs it
(a regular copy in a scratch folder, byte-compiled as pip does), and also as the editable
checkout. When that copy cannot be built here (no ``wheel``), the editable checkout is the
headline and the table says so.

    python benchmarks/bench_validate.py                  # samples/examplia.xlsx, 15 runs each
    python benchmarks/bench_validate.py FILE -n 30 --check   # exit 1 when the target is not met
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from results import Row, emit, load_note, ratio_row, require  # noqa: E402

TARGET = 0.5


INSTALLED = "matrix-tools validate"  # the headline row: the package as `pip install .` installs it
EDITABLE = "matrix-tools validate (editable checkout)"


def install_copy(target: Path) -> tuple[Path | None, str]:
    """A regular (non-editable) install of this checkout's package into ``target``, as a user
    gets it from ``pip install .`` (None and why when it cannot be built here). The
    development venv holds an editable install, whose import hook adds a few ms to every
    module of the package; users do not pay that."""
    base = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(ROOT)]
    # without build isolation first (no download; needs setuptools and wheel, in the test extra)
    for argv in ([*base[:5], "--no-build-isolation", *base[5:]], base):
        done = subprocess.run(argv, check=False, capture_output=True)
        if done.returncode == 0:
            return target, ""
    reason = done.stderr.decode(errors="replace").strip().splitlines()
    return None, "pip could not build the package here" + (f" ({reason[-1][:120]})" if reason else "")


def commands(path: Path, installed: Path | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    """name -> (argv, extra environment); every command runs with the same interpreter.

    Byte-code caches are allowed (``PYTHONDONTWRITEBYTECODE`` unset) so that the checkout's
    modules are not compiled again on every run: an installed package has its .pyc files."""
    plain: dict[str, str] = {}
    copy = {"PYTHONPATH": str(installed)} if installed is not None else plain
    module = [sys.executable, "-m", "matrix_tools", "validate", str(path)]
    cmds = {
        "python -c pass (start-up floor)": ([sys.executable, "-c", "pass"], plain),
        "openpyxl.load_workbook": ([sys.executable, "-c", f"import openpyxl; openpyxl.load_workbook({str(path)!r})"],
                                   plain),
        INSTALLED: (module, copy),
        "matrix-tools validate --format json": ([*module, "--format", "json"], copy),
        EDITABLE: (module, plain),
    }
    if installed is None:
        del cmds[INSTALLED]
    return cmds


def time_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of one run; CPU time (user + system) is less sensitive to load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
                          env={**environ, **env}, cwd=tempfile.gettempdir())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # 1 = findings at/above the threshold: still a full run
    require(done.returncode in (0, 1), f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[:300]}")
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=ROOT / "samples" / "examplia.xlsx")
    parser.add_argument("-n", "--runs", type=int, default=15)
    parser.add_argument("--check", action="store_true", help=f"exit 1 unless validate takes <= {TARGET}x openpyxl")
    args = parser.parse_args()
    if not args.file.is_file():
        parser.error(f"{args.file} does not exist (run `make samples` or give a workbook)")
    scratch = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        return run(args, *install_copy(scratch / "site"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, installed: Path | None, why_not: str = "") -> int:
    cmds = commands(args.file.resolve(), installed)
    headline = INSTALLED if installed is not None else EDITABLE
    times: dict[str, list[float]] = {name: [] for name in cmds}
    cpu: dict[str, list[float]] = {name: [] for name in cmds}
    for argv, env in cmds.values():
        time_once(argv, env)  # warm-up: file cache, .pyc files
    for _ in range(args.runs):
        for name, (argv, env) in cmds.items():  # alternate, so background load hits all alike
            wall, used = time_once(argv, env)
            times[name].append(wall)
            cpu[name].append(used)
    base = statistics.median(times["openpyxl.load_workbook"])
    base_cpu = statistics.median(cpu["openpyxl.load_workbook"])
    print(f"{args.file} ({args.file.stat().st_size:,} bytes), {args.runs} runs each, seconds; {load_note()}")
    print(f"{'command':<44} {'median':>8} {'min':>8} {'max':>8} {'ratio':>7} {'CPU med':>8} {'CPU ratio':>9}")
    for name, values in times.items():
        median = statistics.median(values)
        cpu_median = statistics.median(cpu[name])
        print(f"{name:<44} {median:8.3f} {min(values):8.3f} {max(values):8.3f} {median / base:6.2f}x "
              f"{cpu_median:8.3f} {cpu_median / base_cpu:8.2f}x")
    print()
    ours = statistics.median(times[headline])
    ours_cpu = statistics.median(cpu[headline])
    note = f"CPU time {ours_cpu / base_cpu:.2f}x"
    if installed is None:
        note += f"; editable checkout measured: {why_not}"
    rows: list[Row] = [
        ratio_row(f"one `matrix-tools validate {args.file.name}` process, wall time", ours, base, limit=TARGET,
                  baseline_name="openpyxl.load_workbook", note=note),
    ]
    emit(rows)
    return 1 if args.check and ours / base > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
