"""Run every benchmark in this folder, one after another, and print one table of the results.

    python benchmarks/run_all.py                  # or: make bench (installs the bench extra first)
    python benchmarks/run_all.py batch diff       # only the scripts whose name contains a word
    python benchmarks/run_all.py --readme         # also write the table into README.md (Performance)

Run it from anywhere (the repository root included) with the Python that has matrix-tools
installed (``.venv/bin/python``). Each ``bench_*.py`` script runs as its own process (so one
benchmark's memory or imports do not colour another's numbers), prints its own tables, and
hands its rows (figure, ours, baseline, ratio, target, met?) to this script, which prints them
together at the end. A script that fails (including one that processed nothing) makes this
exit 1. The generated workbooks are cached in ``benchmarks/.data/`` (not committed), so the
first run takes longer. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from results import load_note, markdown, read_rows  # noqa: E402

# the order; others follow
FIRST = ("bench_batch.py", "bench_validate.py", "bench_linear.py", "bench_diff.py", "bench_consolidate.py")
README_START = "<!-- benchmark table: python benchmarks/run_all.py --readme -->"
README_END = "<!-- end of benchmark table -->"


def iter_scripts(only: list[str]) -> list[Path]:
    """The benchmark scripts present, the known ones first, then any other bench_*.py."""
    found = sorted(HERE.glob("bench_*.py"), key=lambda p: (FIRST.index(p.name) if p.name in FIRST else 99, p.name))
    return [p for p in found if not only or any(word in p.stem for word in only)]


def check_environment() -> str | None:
    """Why the benchmarks cannot run with this Python, or None."""
    done = subprocess.run([sys.executable, "-c", "import matrix_tools, python_calamine"], capture_output=True,
                          check=False)
    if done.returncode:
        return (f"matrix-tools is not installed for {sys.executable}: run `make bench`, or "
                f"`.venv/bin/python benchmarks/run_all.py` after `make install`")
    return None


def machine_line(start_load: str, end_load: str) -> str:
    return (f"{dt.date.today().isoformat()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
            f"at the start {start_load}, at the end {end_load}")


def write_readme(table: str, machine: str, readme: Path = ROOT / "README.md") -> None:
    """Put the table between the README's markers (in its Performance section)."""
    text = readme.read_text(encoding="utf-8")
    block = f"{README_START}\n\nMeasured {machine}.\n\n{table}\n\n{README_END}"
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme} has no benchmark table markers ({README_START!r} ... {README_END!r}); "
                         "add them to its Performance section")
    readme.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")
    print(f"\nWrote the table into {readme}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run matrix-tools' benchmarks and print one table (figure, ours, baseline, ratio, target, met?).")
    parser.add_argument("only", nargs="*", help="run only the scripts whose name contains one of these words")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md's Performance section")
    parser.add_argument("--list", action="store_true", help="list the benchmark scripts and stop")
    args = parser.parse_args(argv)
    scripts = iter_scripts(args.only)
    if args.list:
        print("\n".join(p.name for p in scripts))
        return 0
    if not scripts:
        print(f"No benchmark script matches {' '.join(args.only)!r} in {HERE}.", file=sys.stderr)
        return 2
    problem = check_environment()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    start_load = load_note()
    results: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows_file = Path(tmp) / "rows.jsonl"
        for script in scripts:
            print(f"\n# {script.name}\n", flush=True)
            start = time.perf_counter()
            code = subprocess.call([sys.executable, str(script)], cwd=ROOT,
                                   env={**os.environ, "BENCH_RESULTS": str(rows_file)})
            results.append((script.name, code, time.perf_counter() - start))
        rows = read_rows(rows_file)
    machine = machine_line(start_load, load_note())
    print("\n# Benchmarks run\n")
    print("| script | exit code | seconds |")
    print("| --- | ---: | ---: |")
    for name, code, seconds in results:
        print(f"| {name} | {code}{' (FAILED)' if code else ''} | {seconds:.0f} |")
    print(f"\n# Results ({machine})\n")
    table = markdown(rows)
    print(table)
    failed = [name for name, code, _ in results if code]
    if failed:
        print(f"\nFAILED: {', '.join(failed)} (see above); the table lacks their rows.", file=sys.stderr)
    if args.readme and not args.only and not failed:
        write_readme(table, machine)
    elif args.readme:
        print("\nREADME not written: it takes a complete run of every benchmark with none failed.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
