"""A State's timeline from its stored versions: what changed from one to the next, and when each
mark was first recorded, changed or removed (pure: built from stored entries, no workbook read)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matrix_tools.model import Catalogue, ItemKey, split_row_key
from matrix_tools.reading.normalise import cosmetic_key
from matrix_tools.registry.records import StoredEntry, Version

EntryMap = Mapping[tuple[str, str], StoredEntry]


@dataclass(frozen=True)
class Change:
    """One value that differs between a version and the one before it."""

    field: str
    column: str
    kind: str  # "added", "removed" or "changed"
    old: str
    new: str
    cell: str  # where it is in the newer version ('' when removed: then the old cell)
    label: str = ""
    section: str = ""
    is_mark: bool = False
    caption: str = ""  # the column as the matrix captions it ("National legal framework")


@dataclass(frozen=True)
class Step:
    """A version and its changes since the previous version of the same State."""

    version: Version
    previous: Version | None
    changes: tuple[Change, ...]

    def counts(self) -> dict[str, int]:
        """Values added, removed and changed, and how many of them are marks."""
        kinds = [c.kind for c in self.changes]
        return {
            "added": kinds.count("added"),
            "removed": kinds.count("removed"),
            "changed": kinds.count("changed"),
            "marks_changed": sum(1 for c in self.changes if c.is_mark),
        }


@dataclass(frozen=True)
class MarkEvent:
    """A mark first recorded, changed or removed, and the version that brought it."""

    version: str  # reference, e.g. "XTL@2"
    received: str
    event: str  # "recorded", "changed", "removed"
    old: str
    new: str


@dataclass(frozen=True)
class FieldTimeline:
    """The life of one mark cell across the versions: each time it was recorded, changed or removed."""

    field: str
    column: str
    label: str
    section: str
    events: tuple[MarkEvent, ...]
    caption: str = ""


@dataclass(frozen=True)
class History:
    """Everything ``registry history ISO`` shows."""

    def __repr__(self) -> str:
        return f"<History of {self.state!r} ({self.iso3}): {len(self.steps)} versions, {len(self.fields)} fields traced>"

    iso3: str
    state: str
    steps: tuple[Step, ...]
    fields: tuple[FieldTimeline, ...]


def _label(catalogue: Catalogue | None, fid: str) -> str:
    row_key = ItemKey.row_of(fid)
    if row_key is not None:
        added = split_row_key(row_key)
        return "added row " + (added[1] if added else row_key)
    if catalogue is not None and catalogue.has_field(fid):
        row = catalogue.row(fid)
        return f"{catalogue.table_of(fid).display} {row.number} {row.label}"
    return fid


def _caption(catalogue: Catalogue | None, fid: str, column: str) -> str:
    if catalogue is not None and catalogue.has_field(fid):
        try:
            return catalogue.column(fid, column).caption.split(" (")[0]
        except KeyError:
            pass
    return column


def compare_entries(old: EntryMap, new: EntryMap, catalogue: Catalogue | None = None) -> tuple[Change, ...]:
    """Values added, removed or changed from ``old`` to ``new``; spacing, case and quote edits
    are not changes (as in ``diff``)."""
    changes: list[Change] = []
    for key in [*new, *(k for k in old if k not in new)]:
        o, n = old.get(key), new.get(key)
        before, after = (o.value if o else ""), (n.value if n else "")
        if cosmetic_key(before) == cosmetic_key(after):
            continue
        kind = "added" if not before else "removed" if not after else "changed"
        ref = n if n is not None and (n.cell or o is None) else o
        assert ref is not None  # the key came from one of the two
        changes.append(Change(key[0], key[1], kind, before, after, ref.cell, _label(catalogue, key[0]),
                              ref.section, ref.kind == "mark", _caption(catalogue, key[0], key[1])))
    return tuple(changes)


def build_history(versions: Sequence[Version], entries: Sequence[EntryMap],
                  catalogue: Catalogue | None = None) -> History:
    """The timeline of one State's ``versions`` (oldest first) with their stored ``entries``."""
    steps: list[Step] = []
    timelines: dict[tuple[str, str], list[MarkEvent]] = {}
    sections: dict[tuple[str, str], str] = {}
    previous: EntryMap = {}
    for i, (version, current) in enumerate(zip(versions, entries, strict=True)):
        changes = compare_entries(previous, current, catalogue)
        steps.append(Step(version, versions[i - 1] if i else None, changes if i else ()))
        for change in changes:
            if not change.is_mark:
                continue
            event = {"added": "recorded", "removed": "removed"}.get(change.kind, "changed")
            timelines.setdefault((change.field, change.column), []).append(
                MarkEvent(version.ref, version.received.isoformat(), event, change.old, change.new))
            sections[(change.field, change.column)] = change.section
        previous = current
    fields = tuple(
        FieldTimeline(f, c, _label(catalogue, f), sections[(f, c)], tuple(events), _caption(catalogue, f, c))
        for (f, c), events in timelines.items()
    )
    last = versions[-1]
    return History(last.iso3, last.state, tuple(steps), fields)
