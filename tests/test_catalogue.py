"""The catalogue is data: validated against its schema, the verified shape kept."""

from __future__ import annotations

import json

import pytest

from matrix_tools import resources
from matrix_tools.catalogue import check_catalogue_data, load_catalogue, parse_catalogue
from matrix_tools.errors import CatalogueError
from matrix_tools.model import ColumnKind, Grade


def shipped() -> dict:
    with resources.schema_file(resources.DEFAULT_CATALOGUE).open(encoding="utf-8") as fh:
        return json.load(fh)


def test_shipped_catalogue_is_valid_against_its_schema():
    assert check_catalogue_data(shipped()) == []


def test_shipped_catalogue_keeps_the_verified_shape(catalogue):
    assert len(catalogue.tables) == 11
    assert catalogue.mark_field_count == 382
    assert [t.id for t in catalogue.tables] == [
        "OP1", "OP2.NW", "OP2.CW", "OP2.BW", "OP3ab.NW", "OP3ab.CW", "OP3ab.BW",
        "OP3cd.NW", "OP3cd.CW", "OP3cd.BW", "OP6_8d",
    ]


def test_verified_op1_rows_and_captions_are_exact(catalogue):
    op1 = catalogue.table("OP1")
    verified = [(r.number, r.label) for r in op1.rows if r.grade is Grade.VERIFIED]
    assert verified == [
        ("1", "Nuclear Non-Proliferation Treaty (NPT)"),
        ("2", "Nuclear Weapons Free Zone/ Protocol(s)"),
        ("3", "Convention for the Suppression of Acts of Nuclear Terrorism"),
        ("4", "Convention on Physical Protection of Nuclear Material (CPPNM)"),
        ("5", "2005 Amendment to the CPPNM"),
        ("6", "Comprehensive Nuclear-Test-Ban Treaty (CTBT) (not in force)"),
        ("7", "Chemical Weapons Convention (CWC)"),
        ("8", "Biological Weapons Convention (BWC)"),
        ("9", "Geneva Protocol of 1925"),
    ]
    assert [c.caption for c in op1.columns] == [
        "YES",
        "if YES, relevant information (i.e. signing, accession, ratification, etc)",
        "Remarks (information refers to the page of the English version of the national report or an official web site)",
    ]
    assert op1.title == "OP 1 and related matters from OP 5, OP 6, OP 8 (a), (b), (c) and OP 10"


def test_field_ids_are_semantic_and_unique(catalogue):
    ids = [row.field for _, row in catalogue.iter_rows()]
    assert len(ids) == len(set(ids))
    assert "OP2.NW.manufacture" in ids and "OP3ab.BW.genetic_engineering" in ids
    assert "OP3ab.NW.genetic_engineering" not in ids  # BW-only row
    assert catalogue.column("OP2.CW.use", "enforcement").kind is ColumnKind.MARK


def test_formerly_ids_lead_to_the_current_field(catalogue):
    assert catalogue.current_id("OP1.row11") == "OP1.iaea_member"
    assert catalogue.current_id("OP1.npt") == "OP1.npt"
    assert catalogue.current_id("OP9.nothing") is None


def test_every_reconstructed_row_says_so(catalogue):
    grades = {row.grade for _, row in catalogue.iter_rows()}
    assert grades == {Grade.VERIFIED, Grade.INFERRED, Grade.RECONSTRUCTED}
    assert all(r.grade is Grade.RECONSTRUCTED for r in catalogue.table("OP2.NW").rows)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["tables"][0]["rows"].append(dict(d["tables"][0]["rows"][0])), "appears twice"),
        (lambda d: d["tables"][0].update(columns="nope"), "not defined"),
        (lambda d: d["tables"][1].update(weapons=["NW", "RW"]), "not in 'weapons'"),
        (lambda d: d["tables"][0]["rows"][0].update(grade="rumoured"), "rumoured"),
        (lambda d: d.pop("tables"), "'tables' is a required property"),
    ],
)
def test_broken_catalogue_data_is_explained(edit, expected):
    data = shipped()
    edit(data)
    problems = check_catalogue_data(data)
    assert problems and expected in problems[0]
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(data, source="mine.json")
    assert "mine.json" in str(err.value) and "\n" not in str(err.value)


def test_catalogue_file_errors_name_the_file(tmp_path):
    missing = tmp_path / "official.json"
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue(missing)
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    with pytest.raises(CatalogueError, match=r"broken\.json is not valid JSON \(line 1"):
        load_catalogue(broken)


def test_another_catalogue_file_is_used_without_code_changes(tmp_path):
    data = shipped()
    data["catalogue"]["version"] = "2017.1"
    data["tables"][0]["rows"].append({"id": "un_convention_x", "number": "25", "label": "A new convention",
                                       "grade": "verified"})
    path = tmp_path / "official.json"
    path.write_text(json.dumps(data))
    cat = load_catalogue(path)
    assert cat.version == "2017.1" and cat.has_field("OP1.un_convention_x")
    assert cat.mark_field_count == 383
