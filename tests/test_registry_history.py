"""The registry's history (pure): changes between versions and the life of each mark."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from matrix_tools.registry.history import build_history, compare_entries
from matrix_tools.registry.records import StoredEntry, Version


def _entry(field: str, value: str, kind: str = "mark", column: str = "status") -> StoredEntry:
    return StoredEntry(field, column, kind, "OP 1", value, "")


def test_cosmetic_edits_are_not_changes():
    old = {("OP1.npt", "info"): _entry("OP1.npt", "Deposit  5 March 1970", "text", "info")}
    new = {("OP1.npt", "info"): _entry("OP1.npt", "deposit 5 March 1970", "text", "info")}
    assert compare_entries(old, new) == ()


def test_added_changed_and_removed_values_are_told_apart():
    old = {("a", "status"): _entry("a", "X"), ("b", "status"): _entry("b", "?")}
    new = {("b", "status"): _entry("b", "X"), ("c", "status"): _entry("c", "NA")}
    kinds = {c.field: c.kind for c in compare_entries(old, new)}
    assert kinds == {"a": "removed", "b": "changed", "c": "added"}


def _version(n: int) -> Version:
    return Version(n, "TST", n, "Testland", f"{n:064x}", "received", dt.date(2020, 1, n), "", f"v{n}.xlsx",
                   "", "", "", "")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["OP1.npt", "OP1.cwc", "OP1.bwc"]),
                                st.sampled_from(["X", "?", "NA"]), max_size=3), min_size=1, max_size=8))
def test_the_mark_timeline_replays_to_each_versions_marks(marks_per_version):
    """Applying a field's events in order gives its mark in every version (nothing is missed)."""
    versions = [_version(i) for i in range(1, len(marks_per_version) + 1)]
    entries = [{(f, "status"): StoredEntry(f, "status", "mark", "OP 1", m, "") for f, m in marks.items()}
               for marks in marks_per_version]
    history = build_history(versions, entries)
    timelines = {f.field: f.events for f in history.fields}
    for i, marks in enumerate(marks_per_version):
        ref = versions[i].ref
        for field in ("OP1.npt", "OP1.cwc", "OP1.bwc"):
            state = ""
            for event in timelines.get(field, ()):
                if int(event.version.split("@")[1]) > int(ref.split("@")[1]):
                    break
                state = "" if event.event == "removed" else event.new
            assert state == marks.get(field, "")
