"""The benchmark scripts' own machinery: one table, loud failure when nothing was processed.

The benchmarks themselves are not run here (minutes, machine-dependent); these tests cover
what makes their numbers trustworthy: the floor script reads real workbooks and refuses a
DTD like the tool does, a benchmark that processed nothing stops with exit code 1, and the
README table is replaced only between its markers.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import floor  # noqa: E402
import results  # noqa: E402
import run_all  # noqa: E402

from matrix_tools.writing.template import write_template  # noqa: E402


def test_the_floor_reads_every_cell_of_real_workbooks(tmp_path, capsys):
    for name in ("a", "b"):
        write_template(tmp_path / f"{name}.xlsx", "Republic of Examplia", "FRA")
    assert floor.main([str(tmp_path)]) == 0
    files, cells = capsys.readouterr().out.split(",")
    assert files == "2 files" and int(cells.split()[0]) > 1000


def test_the_floor_refuses_a_dtd_and_an_empty_folder(tmp_path):
    book = write_template(tmp_path / "a.xlsx", "Republic of Examplia", "FRA")
    with zipfile.ZipFile(book, "a") as archive:
        archive.writestr("xl/evil.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with pytest.raises(SystemExit, match="declares a DTD"):
        floor.main([str(tmp_path)])
    empty = tmp_path / "empty"
    empty.mkdir()
    assert floor.main([str(empty)]) == 1


def test_a_benchmark_that_processed_nothing_fails_loudly(capsys):
    with pytest.raises(SystemExit) as stopped:
        results.require(False, "the batch did not read every file")
    assert stopped.value.code == 1
    assert "BENCHMARK FAILED: the batch did not read every file" in capsys.readouterr().err
    results.require(True, "not shown")


def test_ratio_rows_say_whether_the_target_is_met():
    slow = results.ratio_row("batch", 3.0, 1.0, limit=2.0)
    fast = results.ratio_row("diff", 1.0, 30.0, limit=20.0, better="higher")
    assert (slow.ratio, slow.target, slow.met) == ("3.00x", "<= 2x", "NO")
    assert (fast.ratio, fast.target, fast.met) == ("30.00x", ">= 20x faster", "yes")
    table = results.markdown([slow, fast, results.Row("a | b", "1 s")])
    assert table.splitlines()[0] == "| figure | ours | baseline | ratio | target | met? |"
    assert "a \\| b" in table


def test_rows_travel_from_a_script_to_run_all(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BENCH_RESULTS", str(tmp_path / "rows.jsonl"))
    rows = [results.ratio_row("validate", 0.1, 0.2, limit=0.5), results.Row("memory", "120 MB", met="yes")]
    results.emit(rows)
    assert results.read_rows(tmp_path / "rows.jsonl") == rows


def test_the_readme_table_is_written_only_between_its_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n## Performance\n\n{run_all.README_START}\nold table\n{run_all.README_END}\n\n"
                      "## For developers\nkept\n", encoding="utf-8")
    run_all.write_readme("| figure |\n| --- |", "today", readme)
    text = readme.read_text(encoding="utf-8")
    assert "old table" not in text and "| figure |" in text and "Measured today." in text
    assert text.startswith("# Title") and text.endswith("## For developers\nkept\n")
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no benchmark table markers"):
        run_all.write_readme("| figure |", "today", readme)
