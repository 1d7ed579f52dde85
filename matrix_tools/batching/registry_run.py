"""``batch --registry``: a batch run whose baselines come from the registry and whose accepted
submissions are recorded in it.

Without ``--baseline``, each State's latest approved version is staged as a file named after
its reference (``XTL@3.xlsx``), so the change reports say which version they compare with;
the staging folder sits in the output folder (reused next run, so unchanged baselines are not
identified again) or, without one, in a temporary folder. After the run, every submission that
was read as a matrix (whatever its findings) is added to the registry as ``received``; files
refused as unreadable, unsafe or duplicate are not.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matrix_tools.batching.run import BatchResult, batch
from matrix_tools.errors import MatrixToolsError
from matrix_tools.registry.store import Registry

STAGED_FOLDER = ".registry-baselines"
RECORDED_STATUSES = ("ok", "warnings", "errors")


@dataclass(frozen=True)
class Recorded:
    """What the registry did with one submission."""

    file: str
    ref: str  # "XTL@4", or "" when it could not be added
    new: bool
    message: str


@dataclass(frozen=True)
class RegistryBatch:
    """A batch run with the registry: its result, what was recorded, the baselines used."""

    result: BatchResult
    recorded: tuple[Recorded, ...]
    baselines: tuple[str, ...]  # references compared with, e.g. ("XTL@3",)


@contextmanager
def _staging(output: str | Path | None) -> Iterator[Path]:
    if output is not None:
        folder = Path(output) / STAGED_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="matrix-baselines-") as tmp:
        yield Path(tmp)


def stage_approved(registry: Registry, folder: Path) -> list[str]:
    """Write each State's latest approved version into ``folder`` as ``<ISO>@<n>.xlsx``; files
    of versions no longer the approved one are removed. Returns the references staged."""
    wanted = {}
    for version in registry.latest_per_state():
        if version.status == "approved":
            wanted[f"{version.ref}.xlsx"] = version
    for old in folder.glob("*.xlsx"):
        if old.name not in wanted:
            old.unlink()
    for name, version in wanted.items():
        target = folder / name
        if not target.is_file():
            tmp = folder / f".{name}.part"
            tmp.write_bytes(registry.read_bytes(version))
            tmp.replace(target)
    return [v.ref for v in wanted.values()]


def batch_with_registry(folder: str | Path, *, registry: str | Path | None = None,
                        baseline: str | Path | None = None, output: str | Path | None = None,
                        **options: Any) -> RegistryBatch:
    """``batch`` with the registry: baselines ``ISO@approved`` (unless ``baseline`` is given),
    and every accepted submission recorded as ``received``."""
    with Registry(registry) as store:
        if baseline is not None:
            result = batch(folder, baseline=baseline, output=output, **options)
            staged: list[str] = []
        else:
            with _staging(output) as stage:
                staged = stage_approved(store, stage)
                result = batch(folder, baseline=stage if staged else None, output=output, **options)
        recorded = tuple(_record(store, result))
    return RegistryBatch(result, recorded, tuple(staged))


def _record(store: Registry, result: BatchResult) -> Iterator[Recorded]:
    for entry in result.entries:
        if entry.status not in RECORDED_STATUSES or entry.error:
            continue
        try:
            added = store.add(entry.path, status="received")
        except MatrixToolsError as exc:
            yield Recorded(entry.file, "", False, f"not recorded: {exc.message}")
            continue
        if added.version.sha256 != entry.sha256:
            yield Recorded(entry.file, added.version.ref, added.new,
                           "recorded, but the file changed during the run: check it")
        elif added.new:
            yield Recorded(entry.file, added.version.ref, True, "recorded as received")
        else:
            yield Recorded(entry.file, added.version.ref, False, "already in the registry")
