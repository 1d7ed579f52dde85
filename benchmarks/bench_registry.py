"""Benchmark: the registry with many versions: add, list, references, history, coverage over time.

Not a test: run it by hand.

    .venv/bin/python benchmarks/bench_registry.py                 # 20 States x 5 versions
    .venv/bin/python benchmarks/bench_registry.py --states 50 --versions 8

Each version is a real workbook written in tmp (random marks, ~2% of cells edited from one
version to the next). Times exclude writing the workbooks. ``add`` includes the pre-flight
check and reading the workbook, as ``registry add`` does.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_diff import fill

from matrix_tools import layout
from matrix_tools.catalogue import load_catalogue
from matrix_tools.model import HeaderValue, Matrix, State, Value, cell_ref
from matrix_tools.registry.coverage import coverage_over_time
from matrix_tools.registry.store import Registry
from matrix_tools.writing.workbook import write_matrix_workbook


def build(catalogue, values, iso: str, name: str) -> Matrix:
    entries = {}
    for table in catalogue.tables:
        for index, row in enumerate(table.rows):
            for col in table.columns:
                cell = cell_ref(table.sheet, layout.data_row(index), layout.value_col(table, col.key))
                entries[(row.field, col.key)] = Value(values.get((row.field, col.key), ""), cell)
    header = {"state": HeaderValue("state", name), "iso3": HeaderValue("iso3", iso)}
    return Matrix(catalogue, State(name, iso), header, entries, sheets={t.id: t.sheet for t in catalogue.tables})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--states", type=int, default=20)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1540)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files: list[tuple[Path, str]] = []
        for s in range(args.states):
            iso = "X" + chr(65 + s // 26) + chr(65 + s % 26)
            values = fill(catalogue, rng)
            for v in range(args.versions):
                if v:
                    for key in rng.sample(sorted(values), max(1, len(values) // 50)):
                        values[key] = rng.choice(["X", "?", "", "NA"]) if key[1] in ("status", "enforcement") \
                            else f"amended {v}"
                path = folder / f"{iso}-{v + 1}.xlsx"
                write_matrix_workbook(path, build(catalogue, values, iso, f"State {iso}"))
                files.append((path, f"{2010 + v * 3}-06-30"))
        total_bytes = sum(p.stat().st_size for p, _ in files)
        registry_path = folder / "r.sqlite"
        with Registry(registry_path) as registry:
            start = time.perf_counter()
            for path, day in files:
                registry.add(path, received=__import__("datetime").date.fromisoformat(day))
            add_s = time.perf_counter() - start
            start = time.perf_counter()
            again = sum(1 for path, _ in files[:20] if not registry.add(path).new)
            dup_s = (time.perf_counter() - start) / 20
            start = time.perf_counter()
            versions = registry.versions()
            list_s = time.perf_counter() - start
            start = time.perf_counter()
            registry.find("XAA@approved") if any(v.status == "approved" for v in versions) else registry.find("XAA@latest")
            find_s = time.perf_counter() - start
            start = time.perf_counter()
            registry.get("XAA@latest")
            get_s = time.perf_counter() - start
            start = time.perf_counter()
            history = registry.history("XAA")
            history_s = time.perf_counter() - start
            start = time.perf_counter()
            points = coverage_over_time(registry)
            coverage_s = time.perf_counter() - start
        size = registry_path.stat().st_size
    n = len(files)
    print(f"{args.states} States x {args.versions} versions = {n} workbooks ({total_bytes / 1e6:.1f} MB)")
    print(f"{'add (pre-flight + read + store)':<40} {add_s / n * 1000:8.1f} ms per workbook")
    print(f"{'add of bytes already stored':<40} {dup_s * 1000:8.1f} ms per workbook ({again}/20 found)")
    print(f"{'list all versions (with mark counts)':<40} {list_s * 1000:8.1f} ms")
    print(f"{'find a reference':<40} {find_s * 1000:8.2f} ms")
    print(f"{'get(ref) -> Matrix (read stored bytes)':<40} {get_s * 1000:8.1f} ms")
    print(f"{'history of one State':<40} {history_s * 1000:8.1f} ms ({len(history.steps)} versions)")
    print(f"{'coverage over time, all States':<40} {coverage_s * 1000:8.1f} ms ({len(points)} figures)")
    print(f"{'registry file':<40} {size / 1e6:8.1f} MB ({size / total_bytes:.2f} x the workbooks' bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
