"""Structure rules: the reader's observations become findings with the reader's cell."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from handmade import write_workbook
from helpers_validate import CONFIG, sample_matrix, summary
from matrix_tools.model import Observation, UnknownRow, Value
from matrix_tools.reading.parse import load_matrix
from matrix_tools.validation.rules.structure import check_observations, check_unknown_rows

OBSERVATION_CASES = [
    (Observation("table-missing", "table OP2.CW was not found", table="OP2.CW"), ("table-missing", "error", "")),
    (Observation("column-missing", "column 'Remarks' not found", cell="'OP1'!A5", table="OP1", column="remarks"),
     ("column-missing", "error", "'OP1'!A5")),
    (Observation("field-missing", "row 3 not found", cell="'OP1'!A5", table="OP1", field="OP1.icsant"),
     ("field-missing", "error", "'OP1'!A5")),
    (Observation("field-duplicate", "row 1 again", cell="'OP1'!B9", table="OP1", field="OP1.npt"),
     ("field-duplicate", "error", "'OP1'!B9")),
    (Observation("row-unknown", "row 'Note' kept", cell="'OP1'!B12", table="OP1", value="Note"),
     ("row-unknown", "warning", "'OP1'!B12")),
    (Observation("header-missing", "header item 'State:' not found", value="state"), ("header-missing", "warning", "")),
    (Observation("sheet-unrecognised", "worksheet 'Notes'", cell="'Notes'!A1", value="Notes"),
     ("sheet-unrecognised", "warning", "'Notes'!A1")),
    (Observation("data-outside-matrix", "data far away", cell="'OP1'!A2001"), ("data-outside-matrix", "warning", "'OP1'!A2001")),
    (Observation("macros-present", "macros", value="xl/vbaProject.bin"), ("macros-present", "warning", "")),
    (Observation("external-links-present", "links"), ("external-links-present", "warning", "")),
    (Observation("caption-changed", "column found under 'Legal source'", cell="'OP2 NW'!D5", table="OP2.NW",
                 column="source", value="Legal source"), ("caption-changed", "info", "'OP2 NW'!D5")),
    (Observation("sheet-renamed", "found in 'Nuclear'", cell="'Nuclear'!A1", table="OP2.NW", value="Nuclear"),
     ("sheet-renamed", "info", "'Nuclear'!A1")),
    (Observation("field-id-unknown", "id 'OP9.x'", cell="'OP1'!F12", table="OP1", value="OP9.x"),
     ("field-id-unknown", "warning", "'OP1'!F12")),
    (Observation("something-new", "a newer reader's note", cell="'OP1'!A1"), ("something-new", "warning", "'OP1'!A1")),
]


@pytest.mark.parametrize(("observation", "expected"), OBSERVATION_CASES, ids=[c[0].code for c in OBSERVATION_CASES])
def test_observation_becomes_a_finding(observation: Observation, expected) -> None:
    matrix = dataclasses.replace(sample_matrix(), observations=(observation,))
    (finding,) = check_observations(matrix, CONFIG)
    assert (finding.code, finding.severity.value, finding.cell) == expected
    assert finding.message == observation.message
    assert (finding.table, finding.column) == (observation.table, observation.column)


def test_missing_header_item_is_attached_to_the_header_field() -> None:
    obs = Observation("header-missing", "header item 'State:' was not found", value="state")
    matrix = dataclasses.replace(sample_matrix(), observations=(obs,))
    (finding,) = check_observations(matrix, CONFIG)
    assert finding.field == "header:state"


def test_unknown_rows_without_observations_are_still_reported() -> None:
    row = UnknownRow("OP1", "OP1", 12, "Comment from the State", "", {"remarks": Value("see letter")})
    matrix = dataclasses.replace(sample_matrix(), unknown_rows=(row,))
    assert summary(check_unknown_rows(matrix, CONFIG)) == [("row-unknown", "warning", "'OP1'!B12")]
    with_obs = dataclasses.replace(matrix, observations=(Observation("row-unknown", "kept", cell="'OP1'!B12"),))
    assert list(check_unknown_rows(with_obs, CONFIG)) == []


def test_real_workbook_with_structural_damage_gives_structure_findings(tmp_path: Path, catalogue) -> None:
    path = write_workbook(
        tmp_path / "damaged.xlsx", catalogue,
        skip_tables=["OP2.CW"], drop_rows=["OP1.ctbt"],
        insert_rows={"OP1": [(2, ["", "Comment inserted by the State"])]},
    )
    matrix = load_matrix(path, catalogue)
    found = summary(check_observations(matrix, CONFIG))
    codes = {code for code, _, _ in found}
    assert {"table-missing", "field-missing", "row-unknown"} <= codes
    assert ("table-missing", "error", "") in found
    unknown = [cell for code, _, cell in found if code == "row-unknown"]
    assert unknown == ["'OP1'!B8"]  # caption row 5, two catalogue rows, then the inserted one
