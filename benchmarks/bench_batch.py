"""Benchmark ``matrix-tools batch`` on 193 generated State workbooks; print a table.

    python benchmarks/bench_batch.py            # or: python benchmarks/run_all.py, make bench

Rows (all measured in this one run, on the same files):

- raw python-calamine read of the 193 files (every sheet, ``to_python``), in one process:
  the floor any reader pays;
- the batch run (isolated children, chunks of files per child, ``--jobs`` = CPUs), full read,
  no output folder, and with reports written; then an incremental re-run (nothing changed);
- where the time goes per workbook, in-process: pre-flight, cells, parse, validation rules
  (the JSON Schema rule apart), and what isolation adds (batch ``jobs=1`` vs a plain loop);
- peak memory of the batch: the sum of the resident memory of the process and all its
  children, sampled every 20 ms from /proc (Linux), and ``ru_maxrss`` for comparison.

Targets (issue 7): batch <= 2x the raw read; peak memory < 300 MB.
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

RAW_TARGET = 2.0
MEMORY_TARGET_MB = 300.0


def time_raw_read(files: list[Path]) -> float:
    """Seconds to read every sheet of every file with python-calamine (no checks, no model)."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    for path in files:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return time.perf_counter() - start


def time_batch(folder: Path, *, jobs: int, output: Path | None = None, full: bool = True,
               baseline: Path | None = None) -> tuple[float, dict]:
    from matrix_tools.batching.run import batch

    start = time.perf_counter()
    result = batch(folder, output=output, jobs=jobs, full=full, baseline=baseline)
    return time.perf_counter() - start, dict(result.summary)


def time_one_child_per_file(files: list[Path], jobs: int) -> float:
    """The batch's reading step with a fresh child per file instead of chunks (for comparison)."""
    from matrix_tools.batching.work import WorkContext, iter_processed, process_file
    from matrix_tools.catalogue import load_catalogue
    from matrix_tools.validation.config import DEFAULT_CONFIG
    from matrix_tools.validation.findings import Severity

    ctx = WorkContext(load_catalogue(), DEFAULT_CONFIG, Severity.ERROR, {})
    start = time.perf_counter()
    for _ in iter_processed(process_file, [str(p) for p in files], ctx, jobs=jobs, timeout=120, memory_mb=2048,
                            chunk_size=1):
        pass
    return time.perf_counter() - start


def stage_times(files: list[Path]) -> dict[str, float]:
    """Median milliseconds per workbook of each stage, in this process (no isolation)."""
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
        t0 = time.perf_counter()
        pre = check_file(path, DEFAULT_LIMITS)
        t1 = time.perf_counter()
        source = read_source_info(path)
        t2 = time.perf_counter()
        if hasattr(pre, "max_row"):  # the reader reuses the pre-flight pass's extents (as load_matrix does)
            grid = read_grid(path, (pre.max_row, pre.max_col), DEFAULT_LIMITS,
                             shared_strings=getattr(pre, "shared_strings_declared", 0))
        else:
            grid = read_grid(path, DEFAULT_LIMITS)
        t3 = time.perf_counter()
        matrix = parse_matrix(grid, cat, source=source)
        t4 = time.perf_counter()
        schema = 0.0
        for _group, rule in RULES:
            r0 = time.perf_counter()
            list(rule(matrix, DEFAULT_CONFIG))
            if rule.__name__ == "check_export_schema":
                schema += time.perf_counter() - r0
        t5 = time.perf_counter()
        for key, value in (("preflight", t1 - t0), ("hash", t2 - t1), ("cells", t3 - t2), ("parse", t4 - t3),
                           ("rules", t5 - t4 - schema), ("schema rule", schema)):
            stages[key].append(value * 1000)
    return {k: statistics.median(v) for k, v in stages.items()}


def time_inprocess(files: list[Path]) -> float:
    """The same work as a batch worker (read, validate, render reports), in a plain loop."""
    from matrix_tools.batching.work import WorkContext, process_file
    from matrix_tools.catalogue import load_catalogue
    from matrix_tools.validation.config import DEFAULT_CONFIG
    from matrix_tools.validation.findings import Severity

    ctx = WorkContext(load_catalogue(), DEFAULT_CONFIG, Severity.ERROR, {})
    start = time.perf_counter()
    for path in files:
        process_file(str(path), ctx)
    return time.perf_counter() - start


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (Linux /proc), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total / 1e6


def peak_memory(folder: Path, jobs: int, baseline: Path | None = None) -> dict[str, float]:
    """Run the batch command in a child process and sample its process tree's memory."""
    extra = ["--baseline", str(baseline)] if baseline is not None else []
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [sys.executable, "-m", "matrix_tools", "batch", str(folder), "-o", str(Path(tmp) / "out"),
             "--jobs", str(jobs), "--full", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        peak = 0.0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss_mb(proc.pid))
                time.sleep(0.02)

        thread = threading.Thread(target=sample, daemon=True)
        if Path("/proc").is_dir():
            thread.start()
        proc.wait()
        stop.set()
        if thread.is_alive():
            thread.join()
    import resource

    maxrss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
    return {"tree_peak_mb": peak, "largest_single_process_mb": maxrss_children}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark matrix-tools batch on 193 State workbooks.")
    parser.add_argument("--count", type=int, default=193)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--folder", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON too")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    files = ensure_states(args.folder, count=args.count)
    baseline_dir = ensure_states(DEFAULT_BASELINE_DIR, count=args.count, year=2020)[0].parent
    made = time.perf_counter() - t0
    print(f"{len(files)} State workbooks in {args.folder} ({made:.1f} s to generate or find)", file=sys.stderr)

    raw = time_raw_read(files)
    batch_full, summary = time_batch(args.folder, jobs=args.jobs)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        batch_out, _ = time_batch(args.folder, jobs=args.jobs, output=out)
        batch_again, again = time_batch(args.folder, jobs=args.jobs, output=out, full=False)
        batch_base, based = time_batch(args.folder, jobs=args.jobs, output=Path(tmp) / "based", baseline=baseline_dir)
    batch_one, _ = time_batch(args.folder, jobs=1)
    loop = time_inprocess(files)
    per_file = time_one_child_per_file(files, args.jobs)
    stages = stage_times(files[:40])
    memory = peak_memory(args.folder, args.jobs)
    memory_base = peak_memory(args.folder, args.jobs, baseline_dir)

    n = len(files)
    rows = [
        ("raw python-calamine read, 1 process", raw, "1.0x", "floor"),
        (f"batch, {args.jobs} jobs, full read, no reports", batch_full, f"{batch_full / raw:.1f}x",
         f"target <= {RAW_TARGET:g}x: {'MET' if batch_full <= RAW_TARGET * raw else 'NOT MET'}"),
        (f"batch, {args.jobs} jobs, full read, reports written", batch_out, f"{batch_out / raw:.1f}x", ""),
        (f"batch, incremental re-run ({again['reused']} reused)", batch_again, f"{batch_again / raw:.1f}x", ""),
        (f"batch with --baseline ({based['compared_with_baseline']} diffs, change reports)", batch_base,
         f"{batch_base / raw:.1f}x", "reads 2 workbooks per State"),
        ("batch, 1 job (isolated)", batch_one, f"{batch_one / raw:.1f}x", ""),
        ("same work in a plain loop, 1 process (no isolation)", loop, f"{loop / raw:.1f}x",
         f"isolation adds {100 * (batch_one - loop) / loop:+.0f}%"),
        (f"reading step, {args.jobs} jobs, one fresh child per file", per_file, f"{per_file / raw:.1f}x",
         "what chunks of files per child avoid"),
    ]
    print()
    print(f"## batch: {n} State workbooks ({summary['ok']} OK, {summary['warnings']} warnings, "
          f"{summary['errors']} errors), {os.cpu_count()} CPUs")
    print()
    print("| measurement | seconds | per workbook | vs raw read | note |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, seconds, ratio, note in rows:
        print(f"| {name} | {seconds:.2f} | {1000 * seconds / n:.1f} ms | {ratio} | {note} |")
    print()
    print("| stage (in-process, median per workbook) | ms |")
    print("| --- | ---: |")
    for name, ms in stages.items():
        print(f"| {name} | {ms:.1f} |")
    print(f"| raw calamine read (for comparison) | {1000 * raw / n:.1f} |")
    print()
    verdict = "MET" if memory["tree_peak_mb"] < MEMORY_TARGET_MB else "NOT MET"
    print("| memory of the batch command | MB | note |")
    print("| --- | ---: | --- |")
    print(f"| peak resident memory, command + all children (sampled) | {memory['tree_peak_mb']:.0f} | "
          f"target < {MEMORY_TARGET_MB:g} MB: {verdict} |")
    print(f"| largest single process (ru_maxrss of children) | {memory['largest_single_process_mb']:.0f} | |")
    verdict = "MET" if memory_base["tree_peak_mb"] < MEMORY_TARGET_MB else "NOT MET"
    print(f"| peak, the same with --baseline (diffs and change reports) | {memory_base['tree_peak_mb']:.0f} | "
          f"target < {MEMORY_TARGET_MB:g} MB: {verdict} |")
    if args.json:
        print(json.dumps({"raw": raw, "batch_full": batch_full, "batch_out": batch_out, "batch_again": batch_again,
                          "batch_one": batch_one, "loop": loop, "one_child_per_file": per_file, "batch_baseline": batch_base, "stages_ms": stages,
                          "memory": memory, "memory_baseline": memory_base}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
