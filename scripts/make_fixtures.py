#!/usr/bin/python3
"""Rebuild ``tests/fixtures/``: the bundled samples opened, edited and saved by LibreOffice Calc.

    /usr/bin/python3 scripts/make_fixtures.py              # all fixtures into tests/fixtures/
    /usr/bin/python3 scripts/make_fixtures.py --only formula --only resave  # some of them

Needs LibreOffice and its Python bridge (``apt-get install libreoffice-calc python3-uno``) and
runs with the *system* Python, which has the ``uno`` module (the project's venv does not).
It starts one headless ``soffice`` on a free local port with a throw-away profile, drives it
through UNO exactly as a person would edit in Calc (type into a cell, insert, delete, move and
sort rows, merge cells, rename / move / hide / add sheets, insert a column, enter a formula),
saves the result as .xlsx (and, for the ``marks-text`` edits, also as .xls and .ods), and
stops the office again.

Each fixture ``NAME.xlsx`` gets an edit record ``NAME.json`` beside it: the program and
version that saved it, the sample it started from, every edit as data (action, sheet, cell,
old, new) and what matrix-tools should report for it (``expect``: the diff changes, added
rows, content outside the catalogue, findings). The tests replay these records against
``diff``, ``export`` and ``validate`` (tests/test_fixtures_*.py). CI has no LibreOffice: the
produced files are committed, and this script is only needed to make them again (after a
sample changed, or to add a case). Review the diff of the JSON records before committing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OUT = ROOT / "tests" / "fixtures"

FILTERS = {".xlsx": "Calc Office Open XML", ".xls": "MS Excel 97", ".ods": "calc8"}


# --- the office -------------------------------------------------------------------------

class Office:
    """One headless soffice with its own profile, reachable over a local UNO socket."""

    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="lo-profile-fixtures-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             f"-env:UserInstallation={self.profile.as_uri()}",
             f"--accept=socket,host=127.0.0.1,port={self.port};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import uno

        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                self.ctx = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={self.port};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
                time.sleep(0.5)
        else:
            self.close()
            raise SystemExit("soffice did not start (is libreoffice-calc installed?)")
        smgr = self.ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        provider = smgr.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", self.ctx)
        about = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess",
            (_prop("nodepath", "/org.openoffice.Setup/Product"),))
        self.version = f"LibreOffice {about.getByName('ooSetupVersionAboutBox')}"

    def open(self, path: Path):
        import uno

        return self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(path)), "_blank", 0,
                                                 (_prop("Hidden", True),))

    def close(self) -> None:
        try:
            if getattr(self, "desktop", None) is not None:
                self.desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge drops when soffice exits
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def _prop(name: str, value: object):
    from com.sun.star.beans import PropertyValue

    return PropertyValue(Name=name, Value=value)


def store(doc, path: Path) -> None:
    import uno

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part" + path.suffix)
    doc.storeToURL(uno.systemPathToFileUrl(str(tmp)), (_prop("FilterName", FILTERS[path.suffix]),))
    os.replace(tmp, path)


# --- edits as a person makes them in Calc -----------------------------------------------

class Editor:
    """Applies edits to an open document and records each one (sheet, cell, old, new)."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.records: list[dict] = []

    def sheet(self, name: str):
        return self.doc.Sheets.getByName(name)

    def _cell(self, sheet: str, cell: str):
        return self.sheet(sheet).getCellRangeByName(cell)

    def _log(self, action: str, sheet: str, cell: str = "", old: str = "", new: str = "", **more) -> None:
        self.records.append({"action": action, "sheet": sheet, "cell": cell, "old": old, "new": new, **more})

    def type(self, sheet: str, cell: str, text: str) -> None:
        """Type ``text`` into a cell as a person does (Calc turns TRUE, numbers... into values)."""
        target = self._cell(sheet, cell)
        old = target.getString()
        formats = self.doc.NumberFormats
        if formats.getByKey(target.NumberFormat).FormatString == "@" or text.startswith("="):
            target.setString(text)  # a text-formatted cell keeps what is typed
        elif text.upper() in ("TRUE", "FALSE"):
            # Typed into a General cell, Calc makes a logical value; setFormula would give 1/0
            # with a General format, which the GUI never does.
            from com.sun.star.lang import Locale

            target.setValue(1 if text.upper() == "TRUE" else 0)
            target.NumberFormat = formats.getStandardFormat(1024, Locale("en", "US", ""))  # LOGICAL
        else:
            target.setFormula(text)
        self._log("type", sheet, cell, old, text, shown=target.getString())

    def formula(self, sheet: str, cell: str, formula: str) -> None:
        target = self._cell(sheet, cell)
        old = target.getString()
        target.setFormula(formula)
        self.doc.calculateAll()
        self._log("formula", sheet, cell, old, formula, cached=target.getString())

    def date(self, sheet: str, cell: str, day: dt.date, pattern: str, locale: tuple[str, str]) -> None:
        """A real date cell (a number with a date format), as Calc stores a date typed in ``locale``."""
        from com.sun.star.lang import Locale

        target = self._cell(sheet, cell)
        old = target.getString()
        formats = self.doc.NumberFormats
        loc = Locale(locale[0], locale[1], "")
        key = formats.queryKey(pattern, loc, False)
        if key == -1:
            key = formats.addNew(pattern, loc)
        target.setValue((day - dt.date(1899, 12, 30)).days)
        target.NumberFormat = key
        self._log("date", sheet, cell, old, target.getString(), format=pattern, locale="-".join(locale))

    def rich_text(self, sheet: str, cell: str, bold_chars: int) -> None:
        """Make the first ``bold_chars`` characters bold: the cell becomes rich text."""
        target = self._cell(sheet, cell)
        text = target.getText()
        cursor = text.createTextCursor()
        cursor.gotoStart(False)
        cursor.goRight(bold_chars, True)
        cursor.CharWeight = 150.0  # com.sun.star.awt.FontWeight.BOLD
        self._log("rich-text", sheet, cell, target.getString(), target.getString(), bold_chars=bold_chars)

    def insert_rows(self, sheet: str, before: int, texts: dict[str, str]) -> None:
        """Insert one row above Excel row ``before`` and type ``texts`` (column letter -> text)."""
        self.sheet(sheet).Rows.insertByIndex(before - 1, 1)
        self._log("insert-row", sheet, f"A{before}", "", "", row=before)
        for col, text in texts.items():
            self.type(sheet, f"{col}{before}", text)

    def delete_row(self, sheet: str, row: int) -> None:
        ws = self.sheet(sheet)
        old = " | ".join(ws.getCellByPosition(c, row - 1).getString() for c in range(8))
        ws.Rows.removeByIndex(row - 1, 1)
        self._log("delete-row", sheet, f"A{row}", old, "", row=row)

    def move_row(self, sheet: str, row: int, before: int) -> None:
        """Cut row ``row`` and insert it above row ``before`` (Calc: cut, insert cut cells)."""
        ws = self.sheet(sheet)
        ws.Rows.insertByIndex(before - 1, 1)
        src = row + 1 if row >= before else row
        source = ws.getCellRangeByName(f"A{src}:AMJ{src}").getRangeAddress()
        ws.moveRange(ws.getCellByPosition(0, before - 1).getCellAddress(), source)
        ws.Rows.removeByIndex(src - 1, 1)
        self._log("move-row", sheet, f"A{row}", "", "", row=row, before=before)

    def copy_row(self, sheet: str, row: int, below: int) -> None:
        """Duplicate row ``row`` as a new row under row ``below``."""
        ws = self.sheet(sheet)
        ws.Rows.insertByIndex(below, 1)
        src = row if row <= below else row + 1
        source = ws.getCellRangeByName(f"A{src}:AMJ{src}").getRangeAddress()
        ws.copyRange(ws.getCellByPosition(0, below).getCellAddress(), source)
        self._log("copy-row", sheet, f"A{row}", "", "", row=row, to=below + 1)

    def sort(self, sheet: str, cells: str, by_col: int, ascending: bool = True) -> None:
        """Sort the rows of ``cells`` by its ``by_col``-th column (0-based), as Data > Sort."""
        import uno
        from com.sun.star.table import TableSortField

        target = self._cell(sheet, cells)
        field = TableSortField()
        field.Field = by_col
        field.IsAscending = ascending
        desc = list(target.createSortDescriptor())
        for p in desc:
            if p.Name == "SortFields":
                p.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
            elif p.Name == "ContainsHeader":
                p.Value = False
        uno.invoke(target, "sort", (tuple(desc),))
        self._log("sort", sheet, cells, "", "", by_col=by_col, ascending=ascending)

    def merge(self, sheet: str, cells: str) -> None:
        """Merge ``cells`` answering Calc's question "empty the contents of the hidden cells?"
        with yes: only the top-left cell keeps its content (what Excel always does)."""
        target = self._cell(sheet, cells)
        first = target.getCellByPosition(0, 0)
        kept = first.getFormula()
        emptied = []
        addr = target.getRangeAddress()
        for r in range(addr.EndRow - addr.StartRow + 1):
            for c in range(addr.EndColumn - addr.StartColumn + 1):
                if (r, c) != (0, 0):
                    cell = target.getCellByPosition(c, r)
                    if cell.getString():
                        emptied.append(cell.getString())
                    cell.setString("")
        first.setFormula(kept)
        target.merge(True)
        self._log("merge", sheet, cells, "", "", emptied=emptied)

    def rename_sheet(self, sheet: str, new: str) -> None:
        self.sheet(sheet).Name = new
        self._log("rename-sheet", sheet, "", sheet, new)

    def move_sheet(self, sheet: str, position: int) -> None:
        self.doc.Sheets.moveByName(sheet, position)
        self._log("move-sheet", sheet, "", "", str(position))

    def hide_sheet(self, sheet: str) -> None:
        self.sheet(sheet).IsVisible = False
        self._log("hide-sheet", sheet)

    def hide_row(self, sheet: str, row: int) -> None:
        self.sheet(sheet).Rows.getByIndex(row - 1).IsVisible = False
        self._log("hide-row", sheet, f"A{row}", row=row)

    def autofilter(self, sheet: str, cells: str) -> None:
        address = self._cell(sheet, cells).getRangeAddress()
        ranges = self.doc.DatabaseRanges
        name = f"filter_{len(self.records)}"
        ranges.addNewByName(name, address)
        ranges.getByName(name).AutoFilter = True
        self._log("autofilter", sheet, cells)

    def insert_column(self, sheet: str, before: str, texts: dict[int, str]) -> None:
        """Insert a column left of column ``before`` and type ``texts`` (row number -> text)."""
        ws = self.sheet(sheet)
        index = ws.getCellRangeByName(f"{before}1").getCellAddress().Column
        ws.Columns.insertByIndex(index, 1)
        self._log("insert-column", sheet, f"{before}1", "", "", column=before)
        for row, text in texts.items():
            self.type(sheet, f"{before}{row}", text)

    def add_sheet(self, name: str, position: int, texts: dict[str, str]) -> None:
        self.doc.Sheets.insertNewByName(name, position)
        self._log("add-sheet", name, "", "", name, position=position)
        for cell, text in texts.items():
            self.type(name, cell, text)

    def delete_sheet(self, name: str) -> None:
        self.doc.Sheets.removeByName(name)
        self._log("delete-sheet", name)


# --- the fixtures -----------------------------------------------------------------------
# Each recipe: source sample, the edits, and what matrix-tools should report (``expect``):
#   changes: every cell change diff must list (no more, no fewer): field, column, kind, old, new
#   unknown_rows: rows outside the catalogue diff lists (kind, table, label)
#   extra: content outside the catalogue diff lists (kind, place, name, item, new)
#   findings: finding codes validate must report at a cell (code, cell)

APPROVED = "testland-approved.xlsx"
PSI_INFO = "Endorsement of the Statement of Interdiction Principles, 12 June 2019"
NPT_REMARK = "National report (2004), p. 2; Ministry of Foreign Affairs web site"
COMMENT = ("Comment of the Republic of Testland: since 2021 licences are issued by the Export Control "
           "Agency (Counter-Proliferation Act (2021), s. 30).")


def recipe_marks_text(ed: Editor) -> dict:
    """Marks changed (blank -> X, ? -> x typed, X -> blank) and texts typed or rewritten."""
    ed.type("OP1", "C27", "X")  # PSI: blank -> X
    ed.type("OP1", "D27", PSI_INFO)
    ed.type("OP1", "C14", "x")  # Geneva Protocol: ? -> X, typed lower case
    ed.type("OP1", "E6", NPT_REMARK)
    ed.type("OP2 NW", "C17", "x")  # finance: blank -> X
    ed.type("OP2 NW", "D17", "Counter-Proliferation Act (2021), s. 12")
    ed.type("OP2 CW", "C6", "")  # manufacture: X -> blank (a measure no longer recorded)
    return {"changes": [
        _change("OP1.psi", "status", "added", "", "X", "'OP1'!C27"),
        _change("OP1.psi", "info", "added", "", PSI_INFO, "'OP1'!D27"),
        _change("OP1.geneva_protocol_1925", "status", "changed", "?", "X", "'OP1'!C14"),
        _change("OP1.npt", "remarks", "changed", None, NPT_REMARK, "'OP1'!E6"),
        _change("OP2.NW.finance", "status", "added", "", "X", "'OP2 NW'!C17"),
        _change("OP2.NW.finance", "source", "added", "", "Counter-Proliferation Act (2021), s. 12", "'OP2 NW'!D17"),
        _change("OP2.CW.manufacture", "status", "removed", "X", "", "'OP2 CW'!C6"),
    ], "findings": [{"code": "mark-normalised", "cell": "'OP1'!C14"},
                    {"code": "mark-normalised", "cell": "'OP2 NW'!C17"}]}


def recipe_values_typed(ed: Editor) -> dict:
    """TRUE typed, header dates entered as date cells (de-DE, en-US), rich text, a filter, a hidden row and sheet."""
    ed.type("OP1", "D10", "TRUE")  # Calc makes a boolean of it
    ed.date("About", "B6", dt.date(2004, 10, 12), "DD.MM.YYYY", ("de", "DE"))  # same date, as a date cell
    ed.date("About", "B8", dt.date(2012, 3, 15), "MM/DD/YY", ("en", "US"))
    ed.rich_text("OP1", "D6", 9)
    ed.autofilter("OP1", "A5:F29")
    ed.hide_row("OP2 NW", 9)
    ed.hide_sheet("Legend")
    return {"changes": [_change("OP1.cppnm_2005_amendment", "info", "added", "", "TRUE", "'OP1'!D10")]}


def recipe_rows_inserted(ed: Editor) -> dict:
    """A comment row inserted into two tables."""
    ed.insert_rows("OP3cd NW", 16, {"B": COMMENT})
    ed.insert_rows("OP1", 8, {"B": "Note of the State", "E": "Treaty list checked on 1 March 2024"})
    return {"unknown_rows": [_unknown("added", "OP3cd.NW", COMMENT), _unknown("added", "OP1", "Note of the State")]}


def recipe_row_deleted(ed: Editor) -> dict:
    """A row deleted (LibreOffice then writes an empty row 1048576) and two X marks merged."""
    ed.merge("OP2 NW", "C6:C7")  # two X marks merged into one cell
    ed.delete_row("OP1", 21)  # row 16, HCOC
    return {"changes": [
        _change("OP1.hcoc", "status", "removed", "X", "", ""),
        _change("OP1.hcoc", "info", "removed", None, "", ""),
        _change("OP1.hcoc", "remarks", "removed", None, "", ""),
    ], "findings": [{"code": "field-missing", "cell": None}]}


def recipe_rows_moved(ed: Editor) -> dict:
    """Rows cut and inserted elsewhere in their table."""
    ed.move_row("OP2 CW", 8, 14)  # possess moved below attempt
    ed.move_row("OP3ab NW", 10, 7)
    return {}


def recipe_rows_sorted(ed: Editor) -> dict:
    """Table rows sorted by label (ascending and descending)."""
    ed.sort("OP1", "A6:F29", 1)  # by label
    ed.sort("OP2 BW", "A6:H19", 1, ascending=False)
    return {}


def recipe_cells_merged(ed: Editor) -> dict:
    """Mark cells merged (the hidden cells emptied, as Calc offers) and the title merged."""
    ed.merge("OP2 BW", "C6:C8")  # three X marks
    ed.merge("OP2 BW", "E6:E7")
    ed.merge("OP1", "A1:F1")  # the title over the table
    return {}


def recipe_sheets(ed: Editor) -> dict:
    """A sheet renamed, one moved, one hidden."""
    ed.rename_sheet("OP2 NW", "OP 2 Nuclear")
    ed.move_sheet("OP6-8d", 2)
    ed.hide_sheet("OP3ab BW")
    return {"findings": [{"code": "sheet-renamed", "cell": "'OP 2 Nuclear'!A1"}]}


def recipe_column_inserted(ed: Editor) -> dict:
    """A column 'Our comments' inserted into a table, with text in two rows."""
    ed.insert_column("OP2 NW", "G", {5: "Our comments", 6: "Draft law on dual-use goods before parliament",
                                      8: "See also the 2023 annual report"})
    return {
        "extra": [
            _extra("added", "column", "Our comments", "OP2.NW.manufacture", "Draft law on dual-use goods before parliament"),
            _extra("added", "column", "Our comments", "OP2.NW.possess", "See also the 2023 annual report"),
        ],
        "findings": [{"code": "column-unknown", "cell": "'OP2 NW'!G5"}],
    }


def recipe_formula(ed: Editor) -> dict:
    """Formulas entered in text cells (=HYPERLINK and a text formula); Calc saves their values."""
    ed.formula("OP1", "E16", '=HYPERLINK("http://www.iaea.example.org/members";"IAEA members")')
    ed.formula("OP2 NW", "G6", '="National report (2004), p. "&(3+4)')
    return {"changes": [
        _change("OP1.iaea_member", "remarks", "changed", None, "IAEA members", "'OP1'!E16"),
        _change("OP2.NW.manufacture", "remarks", "added", "", "National report (2004), p. 7", "'OP2 NW'!G6"),
    ], "findings": [{"code": "cell-formula", "cell": "'OP1'!E16"}, {"code": "cell-formula", "cell": "'OP2 NW'!G6"}]}


def recipe_row_duplicated(ed: Editor) -> dict:
    """A row copied under itself, the copy with a new remark."""
    ed.copy_row("OP2 NW", 7, 7)  # acquire, copied under itself
    ed.type("OP2 NW", "G8", "Second source: Customs Code (2015), art. 12")
    return {
        "unknown_rows": [_unknown("added", "OP2.NW", "acquire")],
        "findings": [{"code": "field-duplicate", "cell": "'OP2 NW'!B8"}],
    }


def recipe_sheet_added(ed: Editor) -> dict:
    """A sheet 'Notes of the State' added with three texts."""
    ed.add_sheet("Notes of the State", 13, {
        "A1": "Notes of the Republic of Testland",
        "A3": "The Export Control Agency took over licensing in 2021.",
        "B4": "Contact: non-proliferation@mfa.example.org",
    })
    return {
        "extra": [
            _extra("added", "sheet", "Notes of the State", "A1", "Notes of the Republic of Testland"),
            _extra("added", "sheet", "Notes of the State", "A3", "The Export Control Agency took over licensing in 2021."),
            _extra("added", "sheet", "Notes of the State", "B4", "Contact: non-proliferation@mfa.example.org"),
        ],
        "findings": [{"code": "sheet-unrecognised", "cell": "'Notes of the State'!A1"}],
    }


ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth")


def committee_layout(ed: Editor, report: str, addenda: list[str], disagree: str | None = None) -> None:
    """The Committee's own layout: no About sheet, the header block above every table."""
    names = list(ed.doc.Sheets.ElementNames)
    for name in names:
        if name in ("About", "Legend"):
            ed.delete_sheet(name)
    for i, name in enumerate(n for n in names if n not in ("About", "Legend")):
        labels = [("Date of Report", report)]
        labels += [(f"Date of {ORDINALS[k]} Addendum:", d) for k, d in enumerate(addenda)]
        labels.append(("Date of Committee Approval:", ""))
        ws = ed.sheet(name)
        ws.Rows.insertByIndex(3, len(labels))
        for k, (label, value) in enumerate(labels):
            if disagree is not None and i == 5 and label == "Date of Report":
                value = disagree
            ws.getCellByPosition(0, 3 + k).setString(label)
            ws.getCellByPosition(1, 3 + k).setString(value)
        ed._log("header-block", name, f"A4:B{3 + len(labels)}", "", "; ".join(v for _, v in labels))


NORDMARK_ADDENDA = ["13 September 2005", "21 December 2007", "8 January 2008", "11 October 2013"]


def recipe_committee_layout(ed: Editor) -> dict:
    """The Committee's layout: no About sheet, the header block above every table."""
    committee_layout(ed, "24 October 2004", NORDMARK_ADDENDA)
    return {"header": {"date_of_report": ["2004-10-24"],
                       "dates_of_additional_reports": ["2005-09-13", "2007-12-21", "2008-01-08", "2013-10-11"]}}


def recipe_committee_layout_disagree(ed: Editor) -> dict:
    """The Committee's layout with one copy of the header giving another date."""
    committee_layout(ed, "24 October 2004", NORDMARK_ADDENDA, disagree="12 October 2004")
    return {"header": {"date_of_report": ["2004-10-24"],
                       "dates_of_additional_reports": ["2005-09-13", "2007-12-21", "2008-01-08", "2013-10-11"]},
            "findings": [{"code": "header-inconsistent", "cell": "'OP3ab CW'!B4"}]}


def _change(field: str, column: str, kind: str, old: str | None, new: str, new_cell: str) -> dict:
    # ``old`` None: the text the sample holds at that field (the test reads it from the sample)
    return {"field": field, "column": column, "kind": kind, "old": old, "new": new, "new_cell": new_cell}


def _unknown(kind: str, table: str, label: str) -> dict:
    return {"kind": kind, "table": table, "label": label}


def _extra(kind: str, place: str, name: str, item: str, new: str) -> dict:
    return {"kind": kind, "place": place, "name": name, "item": item, "new": new}


RECIPES = {
    "marks-text": (APPROVED, recipe_marks_text, (".xlsx", ".xls", ".ods")),
    "values-typed": (APPROVED, recipe_values_typed, (".xlsx",)),
    "rows-inserted": (APPROVED, recipe_rows_inserted, (".xlsx",)),
    "row-deleted": (APPROVED, recipe_row_deleted, (".xlsx",)),
    "rows-moved": (APPROVED, recipe_rows_moved, (".xlsx",)),
    "rows-sorted": (APPROVED, recipe_rows_sorted, (".xlsx",)),
    "cells-merged": (APPROVED, recipe_cells_merged, (".xlsx",)),
    "sheets": (APPROVED, recipe_sheets, (".xlsx",)),
    "column-inserted": (APPROVED, recipe_column_inserted, (".xlsx",)),
    "formula": (APPROVED, recipe_formula, (".xlsx",)),
    "row-duplicated": (APPROVED, recipe_row_duplicated, (".xlsx",)),
    "sheet-added": (APPROVED, recipe_sheet_added, (".xlsx",)),
    "committee-layout": ("nordmark.xlsx", recipe_committee_layout, (".xlsx",)),
    "committee-layout-disagree": ("nordmark.xlsx", recipe_committee_layout_disagree, (".xlsx",)),
}


def make_resave(office: Office, sample: Path, out: Path) -> None:
    doc = office.open(sample)
    try:
        target = out / "resave" / sample.name
        store(doc, target)
    finally:
        doc.close(True)
    write_record(target, {"program": office.version, "source": f"samples/{sample.name}",
                          "what": "opened and saved again, no edit", "edits": [], "expect": {}})


def make_edited(office: Office, name: str, out: Path) -> None:
    source, recipe, suffixes = RECIPES[name]
    doc = office.open(SAMPLES / source)
    try:
        ed = Editor(doc)
        expect = recipe(ed)
        for suffix in suffixes:
            target = out / "edited" / f"{name}{suffix}"
            store(doc, target)
            write_record(target, {"program": office.version, "source": f"samples/{source}",
                                  "what": recipe.__doc__ or name, "edits": ed.records, "expect": expect})
    finally:
        doc.close(True)


def write_record(target: Path, record: dict) -> None:
    path = target.with_name(target.name + ".json")
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", action="append", help="fixture name (repeatable); 'resave' for the re-saves")
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None:
        print("soffice not found: install libreoffice-calc and python3-uno", file=sys.stderr)
        return 2
    office = Office()
    try:
        wanted = args.only or ["resave", *RECIPES]
        if "resave" in wanted:
            for sample in sorted(SAMPLES.glob("*.xlsx")):
                make_resave(office, sample, args.out)
        for name in wanted:
            if name != "resave":
                make_edited(office, name, args.out)
                print(f"made {name}")
    finally:
        office.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
