"""Run every benchmark in this folder, one after another, and print their tables.

    python benchmarks/run_all.py          # or: make bench
    python benchmarks/run_all.py batch    # only the scripts whose name contains "batch"

Each ``bench_*.py`` script runs as its own process (so one benchmark's memory or imports do
not colour another's numbers) with this Python; its table goes to the screen as it is
printed. The generated workbooks are cached in ``benchmarks/.data/`` (not committed), so the
first run takes longer. Not part of the test suite.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST = ("bench_batch.py", "bench_validate.py", "bench_diff.py")  # the order; others follow


def iter_scripts(only: list[str]) -> list[Path]:
    """The benchmark scripts present, the known ones first, then any other bench_*.py."""
    found = sorted(HERE.glob("bench_*.py"), key=lambda p: (FIRST.index(p.name) if p.name in FIRST else 99, p.name))
    return [p for p in found if not only or any(word in p.stem for word in only)]


def main(argv: list[str] | None = None) -> int:
    only = list(sys.argv[1:] if argv is None else argv)
    scripts = iter_scripts(only)
    if not scripts:
        print("No benchmark scripts found.", file=sys.stderr)
        return 2
    results: list[tuple[str, int, float]] = []
    for script in scripts:
        print(f"\n# {script.name}\n", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        results.append((script.name, code, time.perf_counter() - start))
    print("\n# Benchmarks run\n")
    print("| script | exit code | seconds |")
    print("| --- | ---: | ---: |")
    for name, code, seconds in results:
        print(f"| {name} | {code} | {seconds:.0f} |")
    missing = [name for name in FIRST if not (HERE / name).exists()]
    if missing and not only:
        print(f"\nNot present (yet): {', '.join(missing)}")
    return 1 if any(code for _, code, _ in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
