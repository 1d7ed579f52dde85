"""What every benchmark script reports: rows of (figure, ours, baseline, ratio, target, met?).

Each ``bench_*.py`` prints its own rows as a Markdown table and, when run by ``run_all.py``,
also appends them as JSON lines to the file named by ``BENCH_RESULTS`` so that one command
prints (and can write into the README) the whole table. A benchmark that processed nothing
stops with a clear message and exit code 1 (``require``): a row of meaningless numbers is
worse than none.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

HEADER = ("figure", "ours", "baseline", "ratio", "target", "met?")

# Installed packages have their byte-code compiled (pip does it); a checkout run with
# PYTHONDONTWRITEBYTECODE set would compile every module in every process it starts and
# measure that instead. The processes the benchmarks start inherit this.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@dataclass(frozen=True)
class Row:
    """One figure of the benchmark table."""

    figure: str
    ours: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""  # "yes", "NO", "" (no target), "skipped"
    note: str = ""


def ratio_row(figure: str, ours: float, baseline: float, *, unit: str = "s", limit: float | None = None,
              better: str = "lower", baseline_name: str = "", note: str = "") -> Row:
    """A row comparing ``ours`` with ``baseline``; ``limit`` is the target ratio (ours / baseline)."""
    ratio = ours / baseline if baseline else float("inf")
    met = ""
    target = ""
    if limit is not None:
        if better == "lower":
            target, ok = f"<= {limit:g}x", ratio <= limit
        else:  # higher: baseline / ours must reach limit (e.g. "20x faster")
            ratio = baseline / ours if ours else float("inf")
            target, ok = f">= {limit:g}x faster", ratio >= limit
        met = "yes" if ok else "NO"
    base = f"{baseline:.3g} {unit}" + (f" ({baseline_name})" if baseline_name else "")
    return Row(figure, f"{ours:.3g} {unit}", base, f"{ratio:.2f}x", target, met, note)


def require(condition: bool, message: str) -> None:
    """Stop the benchmark loudly (exit 1) when it did not process what it was meant to."""
    if not condition:
        print(f"BENCHMARK FAILED: {message}", file=sys.stderr)
        raise SystemExit(1)


def markdown(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table (notes as a last column when any row has one)."""
    with_notes = any(r.note for r in rows)
    head = [*HEADER, "note"] if with_notes else list(HEADER)
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    for r in rows:
        cells = [r.figure, r.ours, r.baseline, r.ratio, r.target, r.met] + ([r.note] if with_notes else [])
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def emit(rows: Sequence[Row]) -> None:
    """Print the rows, and hand them to run_all.py when it asked for them."""
    print(markdown(rows), flush=True)
    target = os.environ.get("BENCH_RESULTS")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(asdict(row)) + "\n")


def read_rows(path: Path) -> list[Row]:
    if not path.exists():
        return []
    return [Row(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_process(argv: Sequence[str], *, ok: Sequence[int] = (0,), env: dict[str, str] | None = None,
                cwd: Path | None = None) -> float:
    """Wall-clock seconds of one process; stops the benchmark when it fails."""
    start = time.perf_counter()
    done = subprocess.run(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
                          env={**os.environ, **(env or {})}, cwd=cwd)
    elapsed = time.perf_counter() - start
    require(done.returncode in ok, f"{' '.join(argv)} exited with {done.returncode}: "
            f"{done.stderr.decode(errors='replace').strip()[-400:]}")
    return elapsed


def run_process_cpu(argv: Sequence[str], *, ok: Sequence[int] = (0,)) -> float:
    """CPU seconds (user + system) of one process; less sensitive than wall time to a busy machine."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_process(argv, ok=ok)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_of(runs: int, func: Callable[[], float]) -> float:
    return statistics.median(func() for _ in range(runs))


def load_note() -> str:
    """How busy the machine was (load averages against CPUs): numbers on a busy machine are noisy."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load unknown"
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} CPUs"
