"""The bundled samples: up to date with their script, readable, clean, and edited as documented."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from matrix_tools.model import Catalogue, Matrix
from matrix_tools.validation.engine import validate_matrix

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
NAMES = ["examplia", "nordmark", "testland-approved", "testland-working", "testland-returned"]
CLEAN = ["examplia", "nordmark", "testland-approved", "testland-working"]


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_samples", ROOT / "scripts" / "make_samples.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = (
        module  # dataclasses look their module up while the class is built
    )
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def loaded() -> dict[str, Matrix]:
    from matrix_tools.reading.parse import load_matrix

    return {name: load_matrix(SAMPLES / f"{name}.xlsx") for name in NAMES}


def test_samples_are_exactly_what_the_script_builds(script: ModuleType, tmp_path: Path) -> None:
    built = script.build_samples(tmp_path, log=lambda _: None)
    assert sorted(p.name for p in built) == sorted(f"{n}.xlsx" for n in NAMES)
    stale = [p.name for p in built if p.read_bytes() != (SAMPLES / p.name).read_bytes()]
    assert not stale, (
        f"run `python scripts/make_samples.py`: {stale} differ from what the script builds"
    )


@pytest.mark.parametrize(
    ("name", "state", "iso3"),
    [
        ("examplia", "Kingdom of Examplia", "XEX"),
        ("nordmark", "Federated States of Nordmark", "XNM"),
        ("testland-approved", "REPUBLIC OF TESTLAND", "XTL"),
        ("testland-working", "REPUBLIC OF TESTLAND", "XTL"),
        ("testland-returned", "Republic of Testland", "XTL"),
    ],
)
def test_every_sample_loads_with_its_state(
    loaded: dict[str, Matrix], name: str, state: str, iso3: str
) -> None:
    matrix = loaded[name]
    assert (matrix.state.name, matrix.state.iso3) == (state, iso3)
    assert len(matrix.entries) == sum(1 for _ in matrix.catalogue.iter_keys())


@pytest.mark.parametrize("name", CLEAN)
def test_clean_samples_cite_a_source_for_every_x_and_explain_every_query(
    loaded: dict[str, Matrix], name: str
) -> None:
    matrix = loaded[name]
    marks = {"X": 0, "?": 0, "NA": 0, "": 0}
    for table, row, col in matrix.catalogue.iter_keys():
        if not col.is_mark:
            continue
        value = matrix.value(row.field, col.key)
        assert value.raw is None and value.recognised, (row.field, col.key)
        marks[value.text] += 1
        keys = {c.key for c in table.columns}
        if value.text == "X":
            support = (
                "enforcement_source"
                if col.key == "enforcement"
                else ("source" if "source" in keys else "info")
            )
            assert matrix.text(row.field, support), f"{row.field}: X without {support}"
        if value.text == "?":
            assert matrix.text(row.field, "remarks"), f"{row.field}: ? without a remark"
    assert marks["X"] > 150 and marks["?"] >= 2 and marks[""] > 20  # a realistic mix, not all X
    assert not matrix.unknown_rows and not matrix.observations


@pytest.mark.parametrize("name", CLEAN)
def test_clean_samples_validate_without_errors_or_warnings(
    loaded: dict[str, Matrix], name: str
) -> None:
    result = validate_matrix(loaded[name])
    assert result.valid
    assert [f.code for f in result.findings if f.severity.value != "info"] == []


def test_examplia_marks_fuel_cycle_rows_not_applicable(loaded: dict[str, Matrix]) -> None:
    matrix = loaded["examplia"]
    assert matrix.text("OP3ab.NW.account_production", "status") == "NA"
    assert matrix.text("OP1.nwfz", "status") == "NA"


def test_returned_sample_holds_the_documented_hand_edits(
    loaded: dict[str, Matrix], script: ModuleType, catalogue: Catalogue
) -> None:
    returned, approved = loaded["testland-returned"], loaded["testland-approved"]
    typed = {
        ("OP2.CW.finance", "status"): "x",
        ("OP3cd.CW.brokering", "status"): " X ",
        ("OP1.psi", "status"): "Yes",
    }
    for key, raw in typed.items():
        value = returned.value(*key)
        assert (value.text, value.raw) == ("X", raw)
    nbsp = returned.value("OP2.BW.manufacture", "source")
    assert nbsp.raw is not None and "\u00a0" in nbsp.raw
    assert nbsp.text == approved.text("OP2.BW.manufacture", "source")
    assert returned.sheets["OP2.NW"] == script.RENAMED[1]
    assert returned.value("OP2.NW.finance", "source").cell.startswith("'OP 2 Nuclear'!")
    (inserted,) = returned.unknown_rows
    assert (inserted.table, inserted.label) == ("OP3cd.NW", script.INSERTED_LABEL)
    after = catalogue.table("OP3cd.NW").rows.index(catalogue.row(script.INSERTED_ROW_AFTER))
    for index, row in enumerate(catalogue.table("OP3cd.NW").rows):
        shift = 1 if index > after else 0  # rows below the inserted one moved down
        assert returned.value(row.field, "status").cell == f"'OP3cd NW'!C{6 + index + shift}"
    assert returned.header["dates_of_additional_reports"].text.endswith(script.RETURNED_ADDITIONAL)
    assert returned.text("OP3cd.NW.control_list_updating", "status") == "?"
    assert approved.text("OP3cd.NW.control_list_updating", "status") == "X"


def test_working_copy_differs_from_the_approved_one_only_by_the_experts_edits(
    loaded: dict[str, Matrix], script: ModuleType
) -> None:
    approved, working = loaded["testland-approved"], loaded["testland-working"]
    changed = {
        key for key, value in working.entries.items() if value.text != approved.entries[key].text
    }
    assert changed == {
        key for key, text in script.WORKING_EDITS.items() if text != approved.text(*key)
    }
    assert dict(working.header) == dict(approved.header)


def test_state_and_experts_disagree_on_exactly_one_cell(loaded: dict[str, Matrix]) -> None:
    base, ours, theirs = (loaded[f"testland-{n}"] for n in ("approved", "working", "returned"))
    conflicts = [
        key
        for key in base.entries
        if len({base.text(*key), ours.text(*key), theirs.text(*key)}) == 3
    ]
    assert conflicts == [("OP3ab.NW.personnel_reliability", "source")]
