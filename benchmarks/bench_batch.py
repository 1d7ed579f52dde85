"""Benchmark ``matrix-tools batch`` on 193 generated State workbooks against the floor; print a table.

    python benchmarks/bench_batch.py            # or: python benchmarks/run_all.py, make bench
    python benchmarks/bench_batch.py --help

Measured in this one run, on the same files, each as a whole process (median of ``--runs``):

- the floor (``benchmarks/floor.py``): hash every file, inflate every part looking for a DTD,
  read every sheet with python-calamine, in one process;
- ``matrix-tools batch FOLDER --full -o OUT --jobs 2``, with the peak resident memory of its
  whole process tree (the command and all its children, sampled every 20 ms from /proc);
- the same with ``--baseline`` (193 diffs and change reports), for information;
- where the time goes per workbook, in-process (pre-flight, hash, cells, parse, rules, the
  JSON Schema rule apart): the profile behind the ratio.

Targets (issue 14): batch <= 2x the floor; peak memory of the process tree < 150 MB.
A run where the batch did not read every file fails (exit 1) instead of printing numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_states import DEFAULT_BASELINE_DIR, DEFAULT_DIR, ensure_states  # noqa: E402
from results import Row, emit, load_note, ratio_row, require  # noqa: E402

FLOOR_TARGET = 2.0
MEMORY_TARGET_MB = 150.0


def stage_times(files: list[Path]) -> dict[str, float]:
    """Median CPU milliseconds per workbook of each stage, in this process (no isolation)."""
    from matrix_tools.catalogue import load_catalogue
    from matrix_tools.limits import DEFAULT_LIMITS
    from matrix_tools.reading.grid import read_grid
    from matrix_tools.reading.parse import parse_matrix, read_source_info
    from matrix_tools.reading.preflight import check_file
    from matrix_tools.validation.config import DEFAULT_CONFIG
    from matrix_tools.validation.engine import RULES

    cat = load_catalogue()
    stages: dict[str, list[float]] = {k: [] for k in ("preflight", "hash", "cells", "parse", "rules", "schema rule")}
    for path in files:
        t0 = time.process_time()
        pre = check_file(path, DEFAULT_LIMITS)
        t1 = time.process_time()
        source = read_source_info(path)
        t2 = time.process_time()
        if hasattr(pre, "max_row"):  # the reader reuses the pre-flight pass's extents (as load_matrix does)
            grid = read_grid(path, (pre.max_row, pre.max_col), DEFAULT_LIMITS,
                             shared_strings=getattr(pre, "shared_strings_declared", 0))
        else:
            grid = read_grid(path, DEFAULT_LIMITS)
        t3 = time.process_time()
        matrix = parse_matrix(grid, cat, source=source)
        t4 = time.process_time()
        schema = 0.0
        for _group, rule in RULES:
            r0 = time.process_time()
            list(rule(matrix, DEFAULT_CONFIG))
            if rule.__name__ == "check_export_schema":
                schema += time.process_time() - r0
        t5 = time.process_time()
        for key, value in (("preflight", t1 - t0), ("hash", t2 - t1), ("cells", t3 - t2), ("parse", t4 - t3),
                           ("rules", t5 - t4 - schema), ("schema rule", schema)):
            stages[key].append(value * 1000)
    return {k: statistics.median(v) for k, v in stages.items()}


def _tree_sample(root: int) -> tuple[float, float]:
    """(resident MB of ``root`` and all its descendants, CPU seconds of the descendants) from /proc.

    A descendant's CPU time counts its own and that of the children it has reaped (a
    worker's time moves into the fork server's when it ends), so the sum at one moment never
    counts a process twice; the last sample before the end is the tree's total."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            cpu[int(entry)] = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, ticks, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        ticks += cpu.get(pid, 0) if pid != root else 0
        stack.extend(children.get(pid, ()))
    return total / 1e6, ticks / os.sysconf("SC_CLK_TCK")


def run_sampled(argv: list[str]) -> tuple[float, float, float]:
    """(wall-clock seconds, peak MB of the process tree, CPU seconds of the tree) of one run."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    descendants_cpu = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, descendants_cpu
        while not stop.is_set():
            mb, cpu = _tree_sample(proc.pid)
            peak = max(peak, mb)
            descendants_cpu = max(descendants_cpu, cpu)
            time.sleep(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    if Path("/proc").is_dir():
        thread.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    if thread.is_alive():
        thread.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    require(proc.returncode in (0, 1), f"{' '.join(argv)} exited with {proc.returncode}: {err.decode()[-400:]}")
    return elapsed, peak, own_cpu + descendants_cpu


def batch_summary(out: Path) -> dict:
    """The summary the batch wrote (batch.json in the output folder)."""
    for name in ("batch.json", "summary.json"):
        if (out / name).is_file():
            return dict(json.loads((out / name).read_text(encoding="utf-8")).get("summary", {}))
    return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark matrix-tools batch on 193 State workbooks "
                                     "against the floor (hash, DTD scan, calamine read).")
    parser.add_argument("--count", type=int, default=193, help="workbooks (default 193)")
    parser.add_argument("--jobs", type=int, default=2, help="batch --jobs (default 2, as the target)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command; the median is shown")
    parser.add_argument("--folder", type=Path, default=DEFAULT_DIR, help="this year's workbooks (generated)")
    parser.add_argument("--baseline-folder", type=Path, default=DEFAULT_BASELINE_DIR,
                        help="the approved versions (generated)")
    parser.add_argument("--no-stages", action="store_true", help="skip the in-process profile by stage")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    files = ensure_states(args.folder, count=args.count)
    require(len(files) == args.count, f"expected {args.count} workbooks in {args.folder}, found {len(files)}")
    baseline_dir = ensure_states(args.baseline_folder, count=args.count, year=2020)[0].parent
    print(f"{len(files)} State workbooks in {args.folder} ({time.perf_counter() - t0:.1f} s to generate or find); "
          f"{load_note()}", file=sys.stderr)

    cli = [sys.executable, "-m", "matrix_tools", "batch"]
    floor_argv = [sys.executable, str(HERE / "floor.py"), str(args.folder)]
    floors, floor_cpus, batches, batch_cpus, peaks = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):  # alternate, so background load hits both alike
            seconds, _, cpu = run_sampled(floor_argv)
            floors.append(seconds)
            floor_cpus.append(cpu)
            out = Path(tmp) / f"out{run}"
            seconds, peak, cpu = run_sampled([*cli, str(args.folder), "--full", "-o", str(out), "--jobs",
                                              str(args.jobs)])
            batches.append(seconds)
            batch_cpus.append(cpu)
            peaks.append(peak)
            summary = batch_summary(out)
            require(summary.get("files") == len(files) and not summary.get("unreadable"),
                    f"the batch did not read every file: {summary or 'no summary in ' + str(out)}")
        based = Path(tmp) / "based"
        with_base, peak_base, _ = run_sampled([*cli, str(args.folder), "--full", "-o", str(based), "--jobs",
                                            str(args.jobs), "--baseline", str(baseline_dir)])
        summary_base = batch_summary(based)
        require(summary_base.get("compared_with_baseline") == len(files),
                f"the batch with --baseline did not compare every file: {summary_base}")
    floor = statistics.median(floors)
    batch = statistics.median(batches)
    floor_cpu, batch_cpu = statistics.median(floor_cpus), statistics.median(batch_cpus)
    peak = max(peaks)
    n = len(files)
    rows = [
        ratio_row(f"batch of {n} workbooks (--full -o OUT, {args.jobs} jobs), wall time", batch, floor,
                  limit=FLOOR_TARGET, baseline_name="floor script",
                  note=f"{1000 * batch / n:.1f} ms vs {1000 * floor / n:.1f} ms per workbook"),
        ratio_row(f"batch of {n} workbooks, CPU time of the whole process tree", batch_cpu, floor_cpu,
                  baseline_name="floor script", note=f"{1000 * batch_cpu / n:.1f} ms vs {1000 * floor_cpu / n:.1f} "
                  f"ms per workbook; no target (with {args.jobs} jobs the wall-time target allows {FLOOR_TARGET * args.jobs:g}x)"),
        Row(f"batch of {n} workbooks, peak memory of the process tree", f"{peak:.0f} MB", "", "",
            f"< {MEMORY_TARGET_MB:g} MB", "yes" if peak < MEMORY_TARGET_MB else "NO"),
        ratio_row(f"batch --baseline ({n} diffs and change reports), wall time", with_base, floor,
                  baseline_name="floor script", note=f"peak memory {peak_base:.0f} MB; no target"),
    ]
    print()
    print(f"## batch: {n} State workbooks, {os.cpu_count()} CPUs, {load_note()}")
    print()
    emit(rows)
    if not args.no_stages:
        stages = stage_times(files[:40])
        print()
        print("| stage (in-process, median CPU per workbook) | ms |")
        print("| --- | ---: |")
        for name, ms in stages.items():
            print(f"| {name} | {ms:.2f} |")
        print(f"| floor script, per workbook (CPU, for comparison) | {1000 * floor_cpu / n:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
