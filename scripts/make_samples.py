#!/usr/bin/env python3
"""Rebuild the bundled sample matrices in ``samples/`` (fictional States, realistic content).

    python scripts/make_samples.py            # writes samples/*.xlsx (byte-identical on rerun)
    python scripts/make_samples.py --out DIR  # somewhere else (tests use this)

The States are fictional and carry ISO 3166 user-assigned codes (XTL, XEX, XNM), so nobody
mistakes them for real data. Content follows the observed style of published matrices
(reference/real-matrix-examples.md): "Criminal Code (2009), art. 142", "Ratification 5 March
1970", remarks citing report pages. Randomness is seeded and the workbooks carry a fixed
creation date and fixed ZIP timestamps, so a rerun gives the same bytes.

Testland comes in three versions for the validate / diff / merge demos (see docs/samples.md):
``testland-approved`` (base), ``testland-working`` (experts' copy, written by matrix-tools)
and ``testland-returned`` (the draft as the State sent it back, edited "by hand" with openpyxl
the way Excel users do: marks typed ``x``, `` X ``, ``Yes``, a row inserted, a sheet renamed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from matrix_tools.catalogue import load_catalogue
from matrix_tools.model import Catalogue, Matrix, Table, Value
from matrix_tools.writing.output import write_bytes
from matrix_tools.writing.template import blank_matrix
from matrix_tools.writing.workbook import write_matrix_workbook

CREATED = dt.datetime(2024, 6, 3, 9, 0, 0)  # fixed: reruns give identical bytes
RETURNED_SAVED = "2024-06-17T14:32:00Z"  # when the State "saved" its return in Excel
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Entries = dict[tuple[str, str], str]


@dataclass(frozen=True)
class Profile:
    """What a fictional State's legislation looks like, for generating its matrix."""

    name: str
    iso3: str
    title: str
    report: str
    additional: tuple[str, ...]
    approval: str | None
    report_year: int
    prohibition: Mapping[str, tuple[str, str, int]]  # weapon -> (law, unit, first article)
    penalties: Mapping[str, tuple[str, str, int]]
    security: Mapping[str, tuple[str, str, int]]
    export: tuple[str, str, int]
    customs: tuple[str, str, int]
    control_list: str
    nuclear_activities: bool  # False: fuel-cycle and production rows are NA
    regulator: Mapping[str, str]
    op1: Mapping[str, tuple[str, str, str]]  # OP1 row key -> (mark, information, remarks)
    op6: Mapping[str, tuple[str, str, str]]
    gaps: frozenset[str] = frozenset()  # field ids left blank (nothing identified)
    queries: Mapping[str, str] = field(default_factory=dict)  # field id -> remark for a "?"


def _law(spec: tuple[str, str, int], offset: int) -> str:
    law, unit, first = spec
    return f"{law}, {unit} {first + offset}"


def _pages(rng: random.Random, year: int) -> str:
    page = rng.randint(2, 18)
    choice = rng.random()
    if choice < 0.55:
        return f"National report ({year}), p. {page}"
    if choice < 0.8:
        return f"First addendum ({year + 1}), pp. {page}-{page + 1}"
    return f"National report ({year}), p. {page}; official gazette"


def fill_measures(profile: Profile, table: Table, rng: random.Random) -> Entries:
    """OP 2 and OP 3 tables: marks with the law and the penalty provision that support them."""
    out: Entries = {}
    weapon = table.weapon or "NW"
    for index, row in enumerate(table.rows):
        fid = row.field
        put = {}
        if fid in profile.gaps:
            continue
        if fid in profile.queries:
            put["status"] = "?"
            put["remarks"] = profile.queries[fid]
            if table.family == "OP3ab":
                put["source"] = _law(profile.security[weapon], 2 + index)
            elif table.family == "OP3cd":
                put["source"] = _law(profile.export, index)
        elif table.family == "OP3ab" and weapon == "NW" and not profile.nuclear_activities and row.key in (
            "account_production", "secure_production", "account_use", "secure_use",
        ):  # fmt: skip
            put["status"] = "NA"
            put["remarks"] = f"No nuclear facilities; National report ({profile.report_year}), p. 4"
        elif table.family == "OP2":
            put["status"] = "X"
            put["source"] = _law(profile.prohibition[weapon], index // 3)
            put["enforcement"] = "X"
            put["enforcement_source"] = _law(profile.penalties[weapon], index // 4)
        elif table.family == "OP3ab":
            put["status"] = "X"
            if row.key == "regulatory_authority":
                put["source"] = f"{profile.regulator[weapon]}; {_law(profile.security[weapon], 0)}"
            else:
                put["source"] = _law(profile.security[weapon], 2 + index)
            if row.key.startswith(("secure", "physical", "licensing")):
                put["enforcement"] = "X"
                put["enforcement_source"] = _law(profile.penalties[weapon], 3 + index // 5)
        else:  # OP3cd: border and export controls
            put["status"] = "X"
            border = row.key in ("border_control", "law_enforcement_trafficking", "detection_capacity",
                                 "customs_cooperation", "transit", "trans_shipment", "import_controls")  # fmt: skip
            spec = profile.customs if border else profile.export
            put["source"] = _law(spec, index)
            if row.key in ("control_lists", "means_of_delivery_listed", "control_list_updating"):
                put["source"] = f"{profile.control_list}; {_law(profile.export, 3)}"
            if row.key in (
                "penalties",
                "border_control",
                "export_control_legislation",
                "transit",
                "brokering",
            ):
                put["enforcement"] = "X"
                put["enforcement_source"] = _law(spec, 40 + index // 3)
        if "remarks" not in put and rng.random() < 0.35:
            put["remarks"] = _pages(rng, profile.report_year)
        out.update({(fid, key): text for key, text in put.items()})
    return out


def fill_matrix(profile: Profile, catalogue: Catalogue) -> Entries:
    """Every entry of a fictional State's matrix (blank ones omitted)."""
    rng = random.Random(f"1540-{profile.iso3}")
    entries: Entries = {}
    for table in catalogue.tables:
        rows = {row.key: row for row in table.rows}
        if table.family in ("OP1", "OP6_8d"):
            source = profile.op1 if table.family == "OP1" else profile.op6
            for key, (mark, info, remarks) in source.items():
                fid = rows[key].field
                for col, text in (("status", mark), ("info", info), ("remarks", remarks)):
                    if text:
                        entries[(fid, col)] = text
        else:
            entries.update(fill_measures(profile, table, rng))
    return entries


def matrix_of(profile: Profile, catalogue: Catalogue, entries: Entries, **header: object) -> Matrix:
    """A Matrix with ``entries``, cells where the generated workbook puts them."""
    blank = blank_matrix(
        catalogue,
        str(header.get("name", profile.name)),
        profile.iso3,
        date_of_report=profile.report,
        additional_reports=tuple(header.get("additional", profile.additional)),  # type: ignore[arg-type]
        approval=header.get("approval", profile.approval),  # type: ignore[arg-type]
        title=str(header.get("title", profile.title)),
    )
    unknown = set(entries) - set(blank.entries)
    if unknown:
        raise KeyError(f"not in the catalogue: {sorted(unknown)}")
    values = {key: Value(entries.get(key, ""), value.cell) for key, value in blank.entries.items()}
    return Matrix(blank.catalogue, blank.state, blank.header, values, sheets=blank.sheets)


# --- the three fictional States ------------------------------------------------------------

TESTLAND = Profile(
    name="REPUBLIC OF TESTLAND",
    iso3="XTL",
    title="APPROVED 1540 COMMITTEE MATRIX OF THE REPUBLIC OF TESTLAND",
    report="12 October 2004",
    additional=("13 September 2005", "21 December 2007", "8 January 2011"),
    approval="15 March 2012",
    report_year=2004,
    prohibition={
        "NW": ("Criminal Code (2009)", "art.", 142),
        "CW": ("Chemical Weapons (Prohibition) Act (2001)", "s.", 4),
        "BW": ("Biological Agents and Toxins Act (2006)", "art.", 9),
    },
    penalties={
        "NW": ("Criminal Code (2009)", "art.", 150),
        "CW": ("Chemical Weapons (Prohibition) Act (2001)", "s.", 21),
        "BW": ("Criminal Code (2009)", "art.", 156),
    },
    security={
        "NW": ("Atomic Energy Act (1998)", "sect.", 57),
        "CW": ("Chemical Weapons (Prohibition) Act (2001)", "s.", 10),
        "BW": ("Biological Agents and Toxins Act (2006)", "art.", 20),
    },
    export=("Export Control Act (2007)", "art.", 12),
    customs=("Customs Code (2015)", "art.", 210),
    control_list="Export Control List Regulation (2012), annex I",
    nuclear_activities=True,
    regulator={
        "NW": "Nuclear Regulatory Authority of Testland",
        "CW": "National Authority for the CWC (Ministry of Industry)",
        "BW": "Biosafety Inspectorate (Ministry of Health)",
    },
    op1={
        "npt": ("X", "Accession 18 July 1995", "National report (2004), p. 2"),
        "nwfz": (
            "X",
            "Treaty of Pelindaba, Ratification 3 March 2005",
            "National report (2004), p. 2",
        ),
        "icsant": ("X", "Ratification 10 October 2011", "Depositary notification"),
        "cppnm": ("X", "Accession 1 December 2003", "National report (2004), p. 3"),
        "ctbt": (
            "X",
            "Signature 24 September 1996\nRatification 30 June 2000",
            "National report (2004), p. 3",
        ),
        "cwc": ("X", "Ratification 9 April 1997", "National report (2004), p. 3"),
        "bwc": ("X", "Ratification 7 June 1978", "National report (2004), p. 3"),
        "geneva_protocol_1925": (
            "?",
            "",
            "Party status not confirmed; to be clarified with the State",
        ),
        "other_conventions": (
            "X",
            "International Convention for the Suppression of Terrorist Bombings, "
            "Accession 2 May 2002",
            "First addendum (2005), p. 2",
        ),  # fmt: skip
        "iaea_member": ("X", "Member since 1958", "http://www.iaea.example.org/members"),
        "iaea_safeguards": (
            "X",
            "Comprehensive Safeguards Agreement in force 14 March 1997",
            "National report (2004), p. 5",
        ),
        "iaea_additional_protocol": (
            "X",
            "In force 3 February 2009",
            "Second addendum (2007), p. 4",
        ),
        "opcw_member": ("X", "Member since 9 April 1997", "National report (2004), p. 3"),
        "iaea_code_of_conduct": (
            "X",
            "Political commitment, letter of 4 May 2006",
            "Second addendum (2007), p. 6",
        ),
        "hcoc": (
            "X",
            "Subscribing State since 2003",
            "http://www.mfa.example.gov/non-proliferation",
        ),
        "gicnt": ("X", "Partner since 2008", "Third addendum (2011), p. 2"),
        "national_statements": (
            "X",
            "Statement on non-possession of weapons of mass destruction, 2004",
            "National report (2004), p. 1",
        ),  # fmt: skip
    },
    op6={
        "control_list_nuclear": (
            "X",
            "Export Control List Regulation (2012), annex I, part A",
            "Third addendum (2011), p. 7",
        ),
        "control_list_chemical": (
            "X",
            "Export Control List Regulation (2012), annex I, part B",
            "Third addendum (2011), p. 7",
        ),
        "control_list_biological": (
            "X",
            "Export Control List Regulation (2012), annex I, part C",
            "Third addendum (2011), p. 7",
        ),
        "control_list_delivery": ("?", "", "Coverage of missile items (MTCR annex) unclear"),
        "control_list_dual_use": (
            "X",
            "Export Control List Regulation (2012), annex II",
            "Third addendum (2011), p. 8",
        ),
        "control_list_published": (
            "X",
            "Official Gazette No. 33 (2012)",
            "http://www.gazette.example.gov/2012/33",
        ),
        "assistance_offered": (
            "X",
            "Offers training on border control to neighbouring States",
            "Second addendum (2007), p. 9",
        ),
        "assistance_requested": ("NA", "", "No assistance requested; Third addendum (2011), p. 9"),
        "outreach_industry": (
            "X",
            "Annual export control seminar for exporters since 2010",
            "Third addendum (2011), p. 10",
        ),
        "information_sharing_iaea": (
            "X",
            "Incident and Trafficking Database contact point",
            "Third addendum (2011), p. 11",
        ),
        "information_sharing_opcw": (
            "X",
            "Annual declarations to the OPCW",
            "National report (2004), p. 9",
        ),
        "information_sharing_bwc": (
            "X",
            "Confidence-building measures submitted 2008, 2010",
            "Third addendum (2011), p. 11",
        ),
        "regional_cooperation": (
            "X",
            "Regional customs cooperation agreement (2009)",
            "Third addendum (2011), p. 12",
        ),
        "training": (
            "X",
            "Customs officers trained in detection of strategic goods",
            "Third addendum (2011), p. 12",
        ),
    },
    gaps=frozenset(
        {
            "OP2.NW.finance",
            "OP2.CW.finance",
            "OP2.BW.finance",
            "OP2.BW.means_of_delivery",
            "OP3cd.NW.funds",
            "OP3cd.CW.funds",
            "OP3cd.BW.funds",
            "OP3cd.NW.extraterritorial",
            "OP3cd.CW.extraterritorial",
            "OP3cd.BW.extraterritorial",
            "OP3cd.CW.brokering",
            "OP3cd.BW.brokering",
            "OP3cd.NW.transport_services",
            "OP3ab.BW.genetic_engineering",
            "OP3ab.NW.means_of_delivery",
            "OP3cd.CW.end_user_controls",
        }
    ),  # fmt: skip
    queries={
        "OP3ab.NW.personnel_reliability": "Reference to security clearance of staff is general; clarify with the State",
        "OP3cd.NW.intangible_transfers": "Export Control Act (2007) does not mention technology transfers; clarify",
        "OP2.BW.terrorist_purposes": "Counter-terrorism law cited only in part; see National report (2004), p. 6",
        "OP3cd.BW.catch_all": "Catch-all clause covers military end-use only",
    },
)

EXAMPLIA = Profile(
    name="Kingdom of Examplia",
    iso3="XEX",
    title="APPROVED 1540 COMMITTEE MATRIX OF THE KINGDOM OF EXAMPLIA",
    report="27 April 2005",
    additional=("30 September 2008", "14 January 2015"),
    approval="2 December 2016",
    report_year=2005,
    prohibition={
        "NW": ("Penal Code (1996)", "art.", 288),
        "CW": ("Law No. 12/2003 on Chemical Weapons", "art.", 6),
        "BW": ("Biosecurity Act (2012)", "sect.", 14),
    },
    penalties={
        "NW": ("Penal Code (1996)", "art.", 301),
        "CW": ("Law No. 12/2003 on Chemical Weapons", "art.", 31),
        "BW": ("Penal Code (1996)", "art.", 305),
    },
    security={
        "NW": ("Ionising Radiation Regulations (2008)", "reg.", 11),
        "CW": ("Law No. 12/2003 on Chemical Weapons", "art.", 15),
        "BW": ("Biosecurity Act (2012)", "sect.", 30),
    },
    export=("Strategic Goods Control Act (2011)", "sect.", 5),
    customs=("Customs Act (2004)", "sect.", 66),
    control_list="Strategic Goods List Order (2013), schedules 1-3",
    nuclear_activities=False,
    regulator={
        "NW": "Radiation Protection Board",
        "CW": "Chemical Weapons Convention Office",
        "BW": "Ministry of Health, Biosecurity Division",
    },
    op1={
        "npt": ("X", "Ratification 2 May 1975", "National report (2005), p. 2"),
        "nwfz": ("NA", "", "Not situated in a nuclear-weapon-free zone"),
        "icsant": ("X", "Ratification 8 February 2008", "First addendum (2008), p. 3"),
        "cppnm": ("X", "Ratification 6 September 1991", "National report (2005), p. 2"),
        "cppnm_2005_amendment": ("X", "Ratification 5 June 2009", "First addendum (2008), p. 3"),
        "ctbt": ("X", "Ratification 20 August 1998", "National report (2005), p. 2"),
        "cwc": ("X", "Ratification 12 August 1994", "National report (2005), p. 3"),
        "bwc": ("X", "Ratification 7 April 1983", "National report (2005), p. 3"),
        "geneva_protocol_1925": ("X", "Accession 25 April 1929", "National report (2005), p. 3"),
        "iaea_member": ("X", "Member since 1967", "National report (2005), p. 4"),
        "iaea_safeguards": (
            "X",
            "Small Quantities Protocol, in force 11 June 1976",
            "National report (2005), p. 4",
        ),
        "iaea_additional_protocol": ("?", "", "Signed 2010; entry into force not reported"),
        "opcw_member": ("X", "Member since 1997", "National report (2005), p. 3"),
        "iaea_code_of_conduct": ("X", "Political commitment, 2012", "Second addendum (2015), p. 5"),
        "national_statements": (
            "X",
            "Statement in the First Committee, 2005",
            "National report (2005), p. 1",
        ),
    },
    op6={
        "control_list_nuclear": (
            "X",
            "Strategic Goods List Order (2013), schedule 1",
            "Second addendum (2015), p. 8",
        ),
        "control_list_chemical": (
            "X",
            "Strategic Goods List Order (2013), schedule 2",
            "Second addendum (2015), p. 8",
        ),
        "control_list_biological": (
            "X",
            "Strategic Goods List Order (2013), schedule 3",
            "Second addendum (2015), p. 8",
        ),
        "assistance_requested": (
            "X",
            "Request for assistance with detection equipment, 2015",
            "Second addendum (2015), p. 11",
        ),  # fmt: skip
        "assistance_received": (
            "X",
            "Radiation portal monitors at the main port, 2017",
            "http://www.customs.example.gov/news",
        ),
        "national_point_of_contact": (
            "X",
            "Ministry of Foreign Affairs, Disarmament Section",
            "Note verbale of 9 May 2014",
        ),
        "outreach_industry": (
            "?",
            "",
            "Outreach mentioned without details; clarify frequency and audience",
        ),
        "information_sharing_opcw": (
            "X",
            "Annual declarations to the OPCW",
            "National report (2005), p. 6",
        ),
        "information_sharing_interpol": (
            "X",
            "INTERPOL National Central Bureau",
            "First addendum (2008), p. 9",
        ),
    },
    gaps=frozenset(
        {
            "OP2.NW.finance",
            "OP2.NW.means_of_delivery",
            "OP2.CW.means_of_delivery",
            "OP2.BW.means_of_delivery",
            "OP3cd.NW.brokering",
            "OP3cd.CW.brokering",
            "OP3cd.BW.brokering",
            "OP3cd.NW.intangible_transfers",
            "OP3cd.CW.intangible_transfers",
            "OP3cd.BW.intangible_transfers",
            "OP3cd.NW.extraterritorial",
            "OP3cd.CW.extraterritorial",
            "OP3cd.BW.extraterritorial",
            "OP3cd.NW.funds",
            "OP3cd.CW.funds",
            "OP3cd.BW.funds",
            "OP3cd.NW.transport_services",
            "OP3cd.CW.transport_services",
            "OP3cd.BW.transport_services",
            "OP3ab.NW.means_of_delivery",
            "OP3ab.CW.means_of_delivery",
            "OP3ab.BW.means_of_delivery",
            "OP3ab.CW.personnel_reliability",
        }
    ),  # fmt: skip
    queries={
        "OP3ab.BW.genetic_engineering": "Draft regulation on genetic engineering announced; status unknown",
        "OP3cd.NW.catch_all": "Catch-all provision in draft only (Second addendum (2015), p. 7)",
        "OP3cd.CW.catch_all": "Catch-all provision in draft only (Second addendum (2015), p. 7)",
        "OP3cd.BW.catch_all": "Catch-all provision in draft only (Second addendum (2015), p. 7)",
        "OP2.BW.terrorist_purposes": "Anti-Terrorism Act (2007) cited without article",
    },
)

NORDMARK = Profile(
    name="Federated States of Nordmark",
    iso3="XNM",
    title="APPROVED 1540 COMMITTEE MATRIX OF THE FEDERATED STATES OF NORDMARK",
    report="28 October 2004",
    additional=("2 February 2006", "30 June 2009", "11 October 2013", "19 April 2018"),
    approval="6 November 2019",
    report_year=2004,
    prohibition={
        "NW": ("War Weapons Control Act (1990)", "sect.", 17),
        "CW": ("War Weapons Control Act (1990)", "sect.", 18),
        "BW": ("War Weapons Control Act (1990)", "sect.", 18),
    },
    penalties={
        "NW": ("Federal Criminal Code (2002)", "sect.", 310),
        "CW": ("War Weapons Control Act (1990)", "sect.", 20),
        "BW": ("War Weapons Control Act (1990)", "sect.", 20),
    },
    security={
        "NW": ("Federal Nuclear Energy Act (1985)", "sect.", 22),
        "CW": ("Chemicals Act (1994)", "sect.", 12),
        "BW": ("Genetic Engineering Act (1993)", "sect.", 6),
    },
    export=("Foreign Trade Act (2013)", "sect.", 8),
    customs=("Federal Customs Administration Act (2009)", "sect.", 12),
    control_list="Foreign Trade Ordinance (2013), export list part I",
    nuclear_activities=True,
    regulator={
        "NW": "Federal Office for Nuclear Safety",
        "CW": "Federal Office of Economics and Export Control",
        "BW": "Federal Institute for Infectious Diseases",
    },
    op1={
        "npt": ("X", "Ratification 2 May 1975", "National report (2004), p. 3"),
        "nwfz": ("NA", "", "Not situated in a nuclear-weapon-free zone"),
        "icsant": ("X", "Ratification 8 February 2008", "Second addendum (2009), p. 2"),
        "cppnm": ("X", "Ratification 6 September 1991", "National report (2004), p. 3"),
        "cppnm_2005_amendment": (
            "X",
            "Ratification 21 October 2010",
            "Third addendum (2013), p. 2",
        ),
        "ctbt": ("X", "Ratification 20 August 1998", "National report (2004), p. 3"),
        "cwc": ("X", "Ratification 12 August 1994", "National report (2004), p. 4"),
        "bwc": ("X", "Ratification 7 April 1983", "National report (2004), p. 4"),
        "geneva_protocol_1925": ("X", "Ratification 25 April 1929", "National report (2004), p. 4"),
        "other_conventions": (
            "X",
            "Convention on the Marking of Plastic Explosives, Ratification 3 May 1999\n"
            "International Convention for the Suppression of the Financing of Terrorism, "
            "Ratification 17 June 2004",
            "National report (2004), p. 5",
        ),  # fmt: skip
        "iaea_member": ("X", "Member since 1957", "http://www.foreign.example.gov/iaea"),
        "iaea_safeguards": (
            "X",
            "Comprehensive Safeguards Agreement in force 21 February 1977",
            "National report (2004), p. 6",
        ),
        "iaea_additional_protocol": ("X", "In force 30 April 2004", "National report (2004), p. 6"),
        "opcw_member": ("X", "Member since 1997", "National report (2004), p. 4"),
        "iaea_code_of_conduct": ("X", "Political commitment, 2004", "First addendum (2006), p. 3"),
        "hcoc": ("X", "Subscribing State since 2002", "National report (2004), p. 7"),
        "zangger": ("X", "Member", "National report (2004), p. 7"),
        "nsg": ("X", "Participating Government", "National report (2004), p. 7"),
        "australia_group": ("X", "Participant", "National report (2004), p. 7"),
        "mtcr": ("X", "Partner", "National report (2004), p. 7"),
        "wassenaar": ("X", "Participating State", "National report (2004), p. 7"),
        "psi": (
            "X",
            "Endorsement of the Statement of Interdiction Principles, 2003",
            "First addendum (2006), p. 4",
        ),
        "gicnt": ("X", "Partner since 2006", "Second addendum (2009), p. 3"),
        "national_statements": (
            "X",
            "Statement to the Committee, 2004",
            "National report (2004), p. 1",
        ),
    },
    op6={
        "control_list_nuclear": (
            "X",
            "Foreign Trade Ordinance (2013), export list part I, category 0",
            "Third addendum (2013), p. 9",
        ),
        "control_list_chemical": (
            "X",
            "Foreign Trade Ordinance (2013), export list part I, category 1C",
            "Third addendum (2013), p. 9",
        ),
        "control_list_biological": (
            "X",
            "Foreign Trade Ordinance (2013), export list part I, category 1C",
            "Third addendum (2013), p. 9",
        ),
        "control_list_delivery": (
            "X",
            "Foreign Trade Ordinance (2013), export list part I, category 9",
            "Third addendum (2013), p. 9",
        ),
        "control_list_dual_use": (
            "X",
            "Foreign Trade Ordinance (2013), export list part I",
            "Third addendum (2013), p. 9",
        ),
        "control_list_published": (
            "X",
            "Federal Gazette, updated yearly",
            "http://www.bafa.example.gov/lists",
        ),
        "assistance_offered": (
            "X",
            "Export control outreach programme for partner States",
            "Fourth addendum (2018), p. 14",
        ),
        "assistance_provided": (
            "X",
            "Workshops on licensing for three States, 2016-2018",
            "Fourth addendum (2018), p. 14",
        ),
        "outreach_industry": (
            "X",
            "Annual export control day; guidance for universities",
            "Fourth addendum (2018), p. 15",
        ),
        "outreach_academia": (
            "X",
            "Guidance on intangible technology transfers for research institutions, 2017",
            "Fourth addendum (2018), p. 15",
        ),  # fmt: skip
        "national_point_of_contact": (
            "X",
            "Federal Foreign Office, Division for Non-Proliferation",
            "Note verbale of 2 March 2015",
        ),
        "national_action_plan": (
            "X",
            "Voluntary national implementation action plan submitted 2016",
            "Fourth addendum (2018), p. 2",
        ),
        "information_sharing_iaea": (
            "X",
            "Incident and Trafficking Database",
            "Third addendum (2013), p. 11",
        ),
        "information_sharing_opcw": (
            "X",
            "Annual declarations to the OPCW",
            "National report (2004), p. 10",
        ),
        "information_sharing_bwc": (
            "X",
            "Confidence-building measures submitted yearly",
            "Third addendum (2013), p. 11",
        ),
        "information_sharing_interpol": (
            "X",
            "INTERPOL and WCO contact points",
            "Third addendum (2013), p. 11",
        ),
        "effective_practices": (
            "X",
            "Effective practice on internal compliance programmes shared, 2018",
            "Fourth addendum (2018), p. 16",
        ),  # fmt: skip
        "training": (
            "X",
            "Licensing officers and customs trained yearly",
            "Fourth addendum (2018), p. 16",
        ),
    },
    gaps=frozenset(
        {
            "OP3cd.NW.transport_services",
            "OP3cd.CW.transport_services",
            "OP3cd.BW.transport_services",
        }
    ),
    queries={
        "OP3cd.BW.intangible_transfers": "Coverage of oral transfers of technology to be confirmed",
        "OP3ab.CW.personnel_reliability": "Reliability checks referred to in general terms only",
    },
)


# --- Testland: working copy and the State's return ------------------------------------------

NEW_LAW = "Counter-Proliferation Act (2021)"

# The experts' edits of the approved matrix (testland-working.xlsx).
WORKING_EDITS: Entries = {
    ("OP3ab.NW.personnel_reliability", "status"): "X",  # also done by the State: identical
    (
        "OP3ab.NW.personnel_reliability",
        "source",
    ): "Radiation Protection Decree No. 45 (2010), art. 17",  # conflict
    ("OP3ab.NW.personnel_reliability", "remarks"): "Decree found on the regulator's web site",
    ("OP6_8d.national_point_of_contact", "status"): "X",  # identical change on both sides
    (
        "OP6_8d.national_point_of_contact",
        "info",
    ): "Ministry of Foreign Affairs, Department of Non-Proliferation",
    ("OP6_8d.national_point_of_contact", "remarks"): "Note verbale of 3 May 2022",
    ("OP1.icsant", "remarks"): "Depositary notification C.N.612.2011.TREATIES-2",
    ("OP3cd.CW.end_user_controls", "status"): "X",
    ("OP3cd.CW.end_user_controls", "source"): "Export Control Act (2007), art. 18",
    (
        "OP2.BW.terrorist_purposes",
        "remarks",
    ): "Counter-terrorism law cited only in part; to raise at the consultation",
}


def hand_edits(approved: Matrix) -> list[tuple[str, str, str, str]]:
    """The State's edits of its draft, as (field, column, typed text, what it shows)."""
    return [
        ("OP2.NW.finance", "status", "X", "blank -> X, with a new law cited"),
        ("OP2.NW.finance", "source", f"{NEW_LAW}, s. 12", "new law cited"),
        ("OP2.NW.finance", "enforcement", "X", "blank -> X"),
        ("OP2.NW.finance", "enforcement_source", f"{NEW_LAW}, s. 19", "new law cited"),
        ("OP2.CW.finance", "status", "x", "mark typed in lower case: read as X"),
        ("OP2.CW.finance", "source", f"{NEW_LAW}, s. 12", "new law cited"),
        ("OP3cd.CW.brokering", "status", " X ", "mark typed with spaces: read as X"),
        ("OP3cd.CW.brokering", "source", f"{NEW_LAW}, s. 14", "new law cited"),
        ("OP1.psi", "status", "Yes", "'Yes' typed in the YES column: read as X"),
        (
            "OP1.psi",
            "info",
            "Endorsement of the Statement of Interdiction Principles, 12 June 2019",
            "new information",
        ),
        (
            "OP3cd.NW.control_list_updating",
            "status",
            "?",
            "X -> ? (the State says the list is being revised)",
        ),
        (
            "OP3cd.NW.control_list_updating",
            "remarks",
            "List under revision; new regulation expected in 2025",
            "remark",
        ),
        (
            "OP3ab.NW.personnel_reliability",
            "status",
            "X",
            "? -> X (same change as the experts made)",
        ),
        (
            "OP3ab.NW.personnel_reliability",
            "source",
            "Nuclear Security Regulation (2019), art. 22",
            "CONFLICT: the experts cited another text",
        ),  # fmt: skip
        (
            "OP6_8d.national_point_of_contact",
            "status",
            "X",
            "same change as the experts: no conflict",
        ),
        (
            "OP6_8d.national_point_of_contact",
            "info",
            "Ministry of Foreign Affairs, Department of Non-Proliferation",
            "same text as the experts",
        ),  # fmt: skip
        (
            "OP6_8d.national_point_of_contact",
            "remarks",
            "Note verbale of 3 May 2022",
            "same text as the experts",
        ),
        (
            "OP1.npt",
            "remarks",
            "National report (2004), p. 2; Ministry of Foreign Affairs web site",
            "remark rewritten",
        ),
        (
            "OP2.CW.manufacture",
            "source",
            approved.text("OP2.CW.manufacture", "source") + f"; {NEW_LAW}, s. 12",
            "a second law added",
        ),  # fmt: skip
        (
            "OP2.BW.manufacture",
            "source",
            approved.text("OP2.BW.manufacture", "source").replace(", ", ",\u00a0"),
            "only a non-breaking space typed: a cosmetic change",
        ),  # fmt: skip
    ]


INSERTED_ROW_AFTER = "OP3cd.NW.licensing_exceptions"
INSERTED_LABEL = (
    "Comment of the Republic of Testland: since 2021 licences are issued by the Export Control "
    f"Agency ({NEW_LAW}, s. 30)."
)
RENAMED = ("OP2 NW", "OP 2 Nuclear")
RETURNED_ADDITIONAL = "2 June 2023"


def write_returned(
    draft_path: Path, cells: Mapping[tuple[str, str], str], approved: Matrix
) -> bytes:
    """Edit the draft the way a State official does in Excel; return the saved workbook bytes."""
    import openpyxl

    book = openpyxl.load_workbook(draft_path)
    for fid, col, text, _ in hand_edits(approved):
        sheet, coordinate = _split(cells[(fid, col)])
        book[sheet][coordinate].value = text
    about = book["About"]
    _, coordinate = _split(cells[("header:dates_of_additional_reports", "")])
    about[coordinate].value = f"{about[coordinate].value}; {RETURNED_ADDITIONAL}"
    sheet, coordinate = _split(cells[(INSERTED_ROW_AFTER, "status")])
    ws = book[sheet]
    at = ws[coordinate].row + 1
    _insert_row(ws, at)
    ws.cell(at, 2).value = INSERTED_LABEL
    ws.cell(at, 2).alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[at].height = 45
    book[RENAMED[0]].title = RENAMED[1]
    book.properties.lastModifiedBy = "Ministry of Foreign Affairs, Republic of Testland"
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible_zip(buffer.getvalue(), modified=RETURNED_SAVED)


def _insert_row(ws: object, at: int) -> None:
    """Insert a row as Excel does: cells, row heights and validation ranges below move down."""
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    heights = {r: d.height for r, d in ws.row_dimensions.items() if r >= at}  # type: ignore[attr-defined]
    ws.insert_rows(at)  # type: ignore[attr-defined]
    for r in sorted(heights, reverse=True):
        ws.row_dimensions[r + 1].height = heights[r]  # type: ignore[attr-defined]
    ws.row_dimensions[at].height = None  # type: ignore[attr-defined]
    for dv in ws.data_validations.dataValidation:  # type: ignore[attr-defined]
        moved = []
        for rng in dv.sqref.ranges:
            cr = CellRange(rng.coord)
            if cr.min_row >= at:
                cr.shift(row_shift=1)
            elif cr.max_row >= at:
                cr.expand(down=1)
            moved.append(cr.coord)
        dv.sqref = MultiCellRange(" ".join(moved))
    if ws.print_area:  # type: ignore[attr-defined]
        area = CellRange(str(ws.print_area).rsplit("!", 1)[-1].replace("$", ""))  # type: ignore[attr-defined]
        area.expand(down=1)
        ws.print_area = area.coord  # type: ignore[attr-defined]


def _split(ref: str) -> tuple[str, str]:
    sheet, coordinate = ref.rsplit("!", 1)
    return sheet[1:-1].replace("''", "'"), coordinate


def reproducible_zip(data: bytes, *, modified: str) -> bytes:
    """The same xlsx with fixed ZIP timestamps and a fixed 'modified' date (openpyxl stamps now)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + modified.encode() + rb"\g<2>",
                    content,
                )
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- build ------------------------------------------------------------------------------------


def build_samples(
    out_dir: Path, catalogue: Catalogue | None = None, log: Callable[[str], None] = print
) -> list[Path]:
    """Write every sample workbook into ``out_dir``; return their paths."""
    cat = catalogue or load_catalogue()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(name: str, matrix: Matrix) -> dict[tuple[str, str], str]:
        path = out_dir / name
        cells = write_matrix_workbook(path, matrix, created=CREATED)
        written.append(path)
        log(f"wrote {path}")
        return cells

    for profile, name in ((EXAMPLIA, "examplia.xlsx"), (NORDMARK, "nordmark.xlsx")):
        save(name, matrix_of(profile, cat, fill_matrix(profile, cat)))

    base = fill_matrix(TESTLAND, cat)
    approved = matrix_of(TESTLAND, cat, base)
    save("testland-approved.xlsx", approved)
    save("testland-working.xlsx", matrix_of(TESTLAND, cat, {**base, **WORKING_EDITS}))

    draft = matrix_of(
        TESTLAND,
        cat,
        base,
        name="Republic of Testland",
        title="DRAFT 1540 COMMITTEE MATRIX",
        approval=None,
    )
    with tempfile.TemporaryDirectory() as tmp:
        draft_path = Path(tmp) / "draft.xlsx"
        cells = write_matrix_workbook(draft_path, draft, created=CREATED)
        returned = write_returned(draft_path, cells, approved)
    path = write_bytes(out_dir / "testland-returned.xlsx", returned)
    written.append(path)
    log(f"wrote {path}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "samples"
    )
    args = parser.parse_args(argv)
    build_samples(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
