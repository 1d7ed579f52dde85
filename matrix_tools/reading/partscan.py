"""One streaming pass over the XML parts of an OOXML package, for the pre-flight check.

Every XML part (by name, or by content for oddly named parts) goes through expat in chunks
under a byte cap: a DTD or entity declaration anywhere is refused (Excel never writes one;
billion laughs, quadratic blow-up and XXE all need one), as is XML that is not well-formed.
On the way it collects what ``preflight`` needs: the workbook part and its sheets, external
relationships, the shared-string count claim, and how far the worksheets reach.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from matrix_tools.limits import Limits
from matrix_tools.reading.sniff import DAMAGED, Refused, mb, show
from matrix_tools.reading.textbounds import SharedStringsScan, StringSpans, complete_tags

READ_CHUNK_BYTES = 1024 * 1024  # XML parts are streamed in chunks of this size

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_DOC_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

# Relationship types (by their last path segment) that point at another file or data source.
# Plain cell hyperlinks are left out: matrices cite laws by URL and those links are text to us.
EXTERNAL_REL_KINDS = frozenset(
    {"externalLink", "externalLinkPath", "oleObject", "attachedTemplate", "connections",
     "queryTable", "xlExternalLinkPath", "frame", "subDocument", "package"}
)


@dataclass
class PackageFacts:
    """What the XML scan collects for the workbook-level checks."""

    overrides: dict[str, str]  # part name (lower, no leading '/') -> content type
    office_document: str = ""  # target of the root officeDocument relationship
    workbook_root: str = ""  # "namespace localname" of the workbook part's root element
    sheets: list[str] | None = None  # r:id of each <sheet> in the workbook
    workbook_rels: dict[str, tuple[str, str]] | None = None  # id -> (type, target)
    external: list[str] | None = None  # parts holding external relationships
    max_row: int = -1  # largest 0-based row / column of any cell of any worksheet
    max_col: int = -1
    shared_strings_declared: int = 0  # the <sst count/uniqueCount> claim (calamine preallocates it)
    formulas: bool = False  # some worksheet has an <f> element (the reader then records formulas)
    sheet_names: list[str] | None = None  # the name of each <sheet> in the workbook
    merged_ranges: int = 0  # <mergeCell> elements over all worksheets


_CELL_TAG = re.compile(r"<c(?=[\s/>])([^>]*)")
_ROW_TAG = re.compile(r"<row(?=[\s/>])([^>]*)")
# With a namespace prefix (<x:c>): 2-3 times slower, so used only when ':c' or ':row' occurs.
_CELL_TAG_ANY = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?c(?=[\s/>])([^>]*)")
_ROW_TAG_ANY = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?row(?=[\s/>])([^>]*)")
# A cell or row reference. Every ``r`` attribute is counted, and every one must be a reference
# inside Excel's grid (A1 to XFD1048576, as Excel writes them): a reference the pre-flight
# pass cannot read the way the reader will (``ZZZZ7999``, ``A0``, ``1A``) is refused, so the
# two can never disagree on how far a sheet reaches (issue 13: 4-7 column letters made
# python-calamine allocate hundreds of GB).
_R_ATTR = re.compile(r"\sr\s*=\s*[\"']([^\"']*)")
_CELL_REF = re.compile(r"\sr\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})[\"']")
_ROW_REF = re.compile(r"\sr\s*=\s*[\"']([1-9][0-9]{0,6})[\"']")
_CELL_REF_ONE = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})")
_ROW_REF_ONE = re.compile(r"[1-9][0-9]{0,6}")
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COL = 16_384
_FORMULA_TAG = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?f(?=[\s/>])")
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]{1,40})")


class Extent:
    """Tracks how far a worksheet reaches, as a reader that fills the rectangle would see it.

    Regular expressions over the decoded text (an element handler per cell would cost ~4x
    the whole expat pass). Cells and rows may omit their ``r`` reference (they then follow
    the previous one), so each cell or row without one widens the bound by one: the result
    is exact for files Excel writes and an upper bound otherwise. Duplicate ``r`` attributes
    cannot mislead the count: expat has already refused them as malformed.
    """

    def __init__(self, package: PackageFacts, head: bytes, part: str = "", limits: Limits | None = None):
        self.package = package
        self.part = part
        self.strings = StringSpans("is", part, limits.max_string_xml_chars if limits else 0)
        self.decoder = codecs.getincrementaldecoder(encoding_of(head))(errors="replace")
        self.tail = ""
        self.ref_row = self.ref_col = -1
        self.row_ref_max = -1  # largest <row r> seen, used only when cells lack their own r
        self.rows_without_ref = self.cells_without_ref = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text, self.tail = complete_tags(self.tail + self.decoder.decode(chunk, final), final)
        if not self.package.formulas and _FORMULA_TAG.search(text):
            self.package.formulas = True
        prefixed = ":c" in text or ":row" in text
        self.strings.feed(text)
        if "mergeCell" in text:
            self.package.merged_ranges += len(_MERGE_TAG.findall(text))
        cell_tags = (_CELL_TAG_ANY if prefixed else _CELL_TAG).findall(text)
        cells = "\x00".join(cell_tags)
        refs = _CELL_REF.findall(cells)
        cell_attrs = _R_ATTR.findall(cells)
        if len(refs) != len(cell_attrs):
            self.refuse(next((v for v in cell_attrs if not _CELL_REF_ONE.fullmatch(v)), "?"))
        self.cells_without_ref += len(cell_tags) - len(refs)
        # Extents are judged by cells that hold data (<c .../> holds none): LibreOffice writes
        # styled empty cells and an empty <row r="1048576"> after a row deletion. Every
        # reference is still checked to lie inside Excel's grid.
        data_refs = _CELL_REF.findall("\x00".join(c for c in cell_tags if not c.endswith("/")))
        for letters in {letters.upper() for letters, _ in refs}:
            if _column_number(letters) > EXCEL_MAX_COL:
                self.refuse(letters)
        for letters in {letters.upper() for letters, _ in data_refs}:
            self.ref_col = max(self.ref_col, _column_number(letters) - 1)
        row_tags = (_ROW_TAG_ANY if prefixed else _ROW_TAG).findall(text)
        rows = "\x00".join(row_tags)
        row_refs = _ROW_REF.findall(rows)
        row_attrs = _R_ATTR.findall(rows)
        if len(row_refs) != len(row_attrs):
            self.refuse(next((v for v in row_attrs if not _ROW_REF_ONE.fullmatch(v)), "?"))
        self.rows_without_ref += len(row_tags) - len(row_refs)
        last = max(map(int, [*row_refs, *(number for _, number in refs)]), default=0)
        if last > EXCEL_MAX_ROW:
            self.refuse(str(last))
        if row_refs:
            self.row_ref_max = max(self.row_ref_max, max(map(int, row_refs)) - 1)
        # A row's own number only counts for cells that lack an ``r`` and so sit in the row
        # they are in (publish); otherwise the rows of cells that hold data.
        numbers = {number for _, number in data_refs}
        if numbers:
            self.ref_row = max(self.ref_row, max(map(int, numbers)) - 1)
        if final:
            self.publish()

    def refuse(self, reference: str) -> NoReturn:
        raise Refused(
            "cell-reference-invalid",
            f"the sheet part {show(self.part)} refers to a cell {show(reference, 20)} that is not a cell "
            "of an Excel sheet (A1 to XFD1048576; Excel never writes this): refused for safety; " + DAMAGED,
        )

    def publish(self) -> None:
        package = self.package
        if self.cells_without_ref:
            self.ref_row = max(self.ref_row, self.row_ref_max)
        if self.ref_row >= 0 or self.rows_without_ref or self.cells_without_ref:
            row = max(self.ref_row, 0) + self.rows_without_ref
            col = max(self.ref_col, 0) + self.cells_without_ref
            if self.ref_col < 0 and self.cells_without_ref:
                col -= 1
            package.max_row = max(package.max_row, row)
            package.max_col = max(package.max_col, col)


_MERGE_TAG = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?mergeCell(?=[\s/>])")


def _column_number(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384 (upper-case letters)."""
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    return col


def encoding_of(head: bytes) -> str:
    """The text encoding of an XML part from its BOM or declaration (as expat decides it)."""
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le" if not head.startswith(b"\xff\xfe") else "utf-16"
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be" if not head.startswith(b"\xfe\xff") else "utf-16"
    match = _DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if match:
        try:
            return codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            pass
    return "utf-8"


class PartScan:
    """One streaming pass over every XML part: refuse DTDs, collect package facts."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive = archive
        self.limits = limits
        self.read_total = 0
        self.package = PackageFacts(overrides={}, external=[])

    def run(self, infos: list[zipfile.ZipInfo]) -> None:
        # Content types and root relationships name the workbook part; the workbook and its
        # relationships name the worksheets. Scan in that order so later parts are known.
        def rank(info: zipfile.ZipInfo) -> int:
            name = info.filename.replace("\\", "/").lower()
            if name in ("[content_types].xml", "_rels/.rels"):
                return 0
            return 2

        ordered = sorted(infos, key=rank)
        early = [i for i in ordered if rank(i) == 0]
        for info in early:
            self._scan_any(info)
        workbook = workbook_part(self.package)
        second = {workbook, rels_of(workbook)}
        middle = sorted((i for i in ordered if i.filename.replace("\\", "/").lower() in second),
                        key=lambda i: i.filename.replace("\\", "/").lower() != workbook)
        for info in middle:
            self._scan_any(info)
        for info in ordered:
            if info not in early and info not in middle:
                self._scan_any(info)

    def _scan_any(self, info: zipfile.ZipInfo) -> None:
        if info.is_dir():
            return
        name = info.filename.replace("\\", "/").lower()
        if self._is_xml_name(name):
            self._scan_part(info, name, sniff=False)
        elif not name.startswith(("xl/media/", "xl/embeddings/")) and "/media/" not in name:
            self._scan_part(info, name, sniff=True)

    @staticmethod
    def _is_xml_name(name: str) -> bool:
        return name.endswith((".xml", ".rels", ".vml"))

    def _scan_part(self, info: zipfile.ZipInfo, name: str, *, sniff: bool) -> None:
        """Stream one part through expat under a byte cap; refuse a DTD or broken XML.

        Expat reads the encoding declaration and BOM itself, so a UTF-16 part cannot hide a
        DOCTYPE from this check. The handlers raise at the *start* of a DOCTYPE, before any
        entity is declared, so nothing is ever expanded or fetched.
        """
        import pyexpat

        parser = pyexpat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)

        def refuse_dtd(*_: object) -> NoReturn:
            raise Refused(
                "xml-dtd",
                f"the part {show(info.filename)} declares a DTD or entities, which Excel never writes "
                f"(possible XML attack): refused for safety; {DAMAGED}",
            )

        parser.StartDoctypeDeclHandler = refuse_dtd
        parser.EntityDeclHandler = refuse_dtd
        parser.ExternalEntityRefHandler = refuse_dtd
        self._install_collectors(parser, name)
        extent: Extent | SharedStringsScan | None = None
        fed = 0
        try:
            with self.archive.open(info) as stream:
                first = True
                while True:
                    chunk = stream.read(READ_CHUNK_BYTES)
                    if first and sniff and not looks_like_xml(chunk):
                        return
                    if first and name in self._targets("worksheet"):
                        extent = Extent(self.package, chunk[:256], info.filename, self.limits)
                    elif first and name in self._targets("sharedStrings"):
                        extent = SharedStringsScan(encoding_of(chunk[:256]), info.filename,
                                                   self.limits.max_string_xml_chars)
                    first = False
                    if not chunk:
                        break
                    fed += len(chunk)
                    self.read_total += len(chunk)
                    if fed > info.file_size or self.read_total > self.limits.max_uncompressed_bytes:
                        raise Refused(
                            "zip-too-large-uncompressed",
                            f"the part {show(info.filename)} unpacks to more than declared: refused for safety; {DAMAGED}",
                        )
                    parser.Parse(chunk, False)
                    # Expat 2.5 re-scans an unfinished token on every chunk (quadratic time);
                    # CurrentByteIndex is where that pending token starts.
                    if fed - max(parser.CurrentByteIndex, 0) > self.limits.max_xml_token_bytes:
                        raise Refused(
                            "xml-token-too-large",
                            f"the part {show(info.filename)} holds a single XML item over "
                            f"{mb(self.limits.max_xml_token_bytes)}: refused for safety; {DAMAGED}",
                        )
                    if extent is not None:
                        extent.feed(chunk)
                parser.Parse(b"", True)
                if extent is not None:
                    extent.feed(b"", final=True)
        except Refused:
            raise
        except pyexpat.ExpatError as exc:
            if sniff:  # a non-XML part that happens to start with '<': not ours to judge
                return
            raise Refused(
                "xml-malformed",
                f"the part {show(info.filename)} is not well-formed XML "
                f"({pyexpat.ErrorString(exc.code)} at line {exc.lineno}, column {exc.offset}): {DAMAGED}",
            ) from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise Refused(
                "zip-corrupt", f"the part {show(info.filename)} is damaged ({show(str(exc), 80)}): {DAMAGED}"
            ) from None
        except Exception as exc:  # noqa: BLE001 - zlib.error and friends: still a damaged part
            raise Refused(
                "zip-corrupt",
                f"the part {show(info.filename)} is damaged ({type(exc).__name__}): {DAMAGED}",
            ) from None

    def _targets(self, kind: str) -> set[str]:
        """Part names the workbook's relationships give for ``kind`` (worksheet, sharedStrings)."""
        rels = self.package.workbook_rels or {}
        return {target for rel_kind, target in rels.values() if rel_kind == kind}

    def _install_collectors(self, parser: object, name: str) -> None:
        """Set element handlers only on the few small parts whose content matters here."""
        package = self.package
        handler: Callable[[str, dict[str, str]], None] | None = None
        if name == "[content_types].xml":
            def handler(tag: str, attrs: dict[str, str]) -> None:
                if tag == f"{CT_NS} Override" and "PartName" in attrs:
                    package.overrides[attrs["PartName"].lstrip("/").lower()] = attrs.get("ContentType", "")
        elif name == "_rels/.rels":
            def handler(tag: str, attrs: dict[str, str]) -> None:
                if tag == f"{REL_NS} Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
                    package.office_document = package.office_document or resolve_target("", attrs.get("Target", ""))
        elif name == workbook_part(package):
            package.sheets = []
            sheets = package.sheets

            package.sheet_names = []
            sheet_names = package.sheet_names

            def handler(tag: str, attrs: dict[str, str]) -> None:
                if not package.workbook_root:
                    package.workbook_root = tag
                if tag.endswith(" sheet"):
                    rid = attrs.get(f"{DOC_REL_NS} id") or attrs.get(f"{STRICT_DOC_REL_NS} id") or ""
                    sheets.append(rid)
                    sheet_names.append(attrs.get("name", ""))
        elif name in self._targets("sharedStrings"):
            def handler(tag: str, attrs: dict[str, str]) -> None:
                if tag.endswith(" sst") or tag == "sst":
                    declared = [int(v) for k, v in attrs.items() if k in ("count", "uniqueCount") and v.isdigit()]
                    package.shared_strings_declared = max(declared, default=0)
        elif name.endswith(".rels"):
            is_workbook_rels = name == rels_of(workbook_part(package))
            if is_workbook_rels:
                package.workbook_rels = {}
            rels = package.workbook_rels if is_workbook_rels else None
            base = rels_source_dir(name)
            external = package.external if package.external is not None else []

            def handler(tag: str, attrs: dict[str, str]) -> None:
                if tag != f"{REL_NS} Relationship":
                    return
                kind = attrs.get("Type", "").rsplit("/", 1)[-1]
                if attrs.get("TargetMode", "").lower() == "external" and kind in EXTERNAL_REL_KINDS:
                    external.append(name)
                if rels is not None:
                    rels[attrs.get("Id", "")] = (kind, resolve_target(base, attrs.get("Target", "")))
        if handler is not None:
            parser.StartElementHandler = handler  # type: ignore[attr-defined]


def looks_like_xml(chunk: bytes) -> bool:
    head = chunk[:64].lstrip(b" \t\r\n")
    return head.startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00"))


def workbook_part(package: PackageFacts) -> str:
    return (package.office_document or "xl/workbook.xml").lower()


def rels_of(part: str) -> str:
    folder, _, leaf = part.rpartition("/")
    return f"{folder}/_rels/{leaf}.rels" if folder else f"_rels/{leaf}.rels"


def rels_source_dir(rels_name: str) -> str:
    """The folder relative targets of a .rels part are resolved against."""
    folder = rels_name.rsplit("/_rels/", 1)[0] if "/_rels/" in rels_name else ""
    return folder


def resolve_target(base: str, target: str) -> str:
    """An OPC relationship target as a lower-cased part name (no leading '/')."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        parts: list[str] = []
        target = target[1:]
    else:
        parts = [p for p in base.split("/") if p]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts).lower()
