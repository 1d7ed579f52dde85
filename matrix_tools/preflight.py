"""Pre-flight check of a submitted file, before any spreadsheet parser touches it.

Submissions are untrusted (shared/untrusted-input.md, policy 1). ``check_file`` classifies a
file with the standard library only (``os``, ``zipfile``, ``pyexpat``): size, magic bytes,
the ZIP directory (entry count, duplicate and overlapping entries, declared sizes,
compression ratio, encrypted entries) and every XML part, streamed in chunks under a byte
cap, for a DTD (Excel never writes one; billion laughs, quadratic blow-up and XXE all need
one). Anything refused raises ``UnsafeInputError`` with a stable kebab-case ``code`` and a
one-line message telling the sender what to do. Things to report but not refuse (macros,
external links) come back as ``Preflight.notes``.

What this does *not* catch, on purpose: a small, valid sheet describing a huge grid (a cell
at XFD1048576, a merge over the whole sheet, a wrong ``<dimension>``). The reader bounds
those while streaming rows; batch runs also read in a child process (``isolation.py``).
"""

from __future__ import annotations

import codecs
import re
import stat
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NoReturn

from .errors import UnsafeInputError
from .limits import DEFAULT_LIMITS, Limits
from .model import Observation

# Limits not (yet) in limits.Limits; module constants until the lead adds them there.
RATIO_GRACE_BYTES = 100 * 1024  # ratio is not checked below this declared size (POI's grace)
MAX_XML_TOKEN_BYTES = 8 * 1024 * 1024  # one XML token (tag, comment...) longer is refused
READ_CHUNK_BYTES = 1024 * 1024  # XML parts are streamed in chunks of this size
SNIFF_BYTES = 4096

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
RESAVE = "open it in Excel and save it as .xlsx (Excel Workbook), then send it again"
DAMAGED = "ask the sender to save it again in Excel and send it again"

TRANSITIONAL_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_PREFIX = "http://purl.oclc.org/ooxml/"
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
MACRO_MARKERS = ("vbaproject.bin", "xl/macrosheets/")


@dataclass(frozen=True)
class Preflight:
    """What the pre-flight check learned about a file it accepted."""

    kind: str  # "xlsx" or "xlsm"
    notes: tuple[Observation, ...]  # reported, not refused: "macros-present", "external-links-present"
    entries: int  # ZIP entries
    uncompressed: int  # declared uncompressed bytes, all entries
    # Grid extents as the XML pass saw them, for the reader to pick a bounded reader before a
    # dense one (python-calamine) allocates the whole rectangle: 0-based, -1 when no cell.
    # Found through the workbook's relationships (any part name) and counting cells without
    # an ``r`` reference as readers do.
    max_row: int = -1
    max_col: int = -1
    shared_strings_declared: int = 0  # <sst count/uniqueCount>; calamine preallocates it


class _Refused(Exception):
    """Internal: carries code and message up to check_file, which adds the path."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def check_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Preflight:
    """Classify ``path`` before any parser sees it; refuse it with ``UnsafeInputError`` if unfit.

    The file is only opened for reading and never modified. Cost: a directory read plus one
    streaming pass over the XML parts (a few ms for a matrix, ~0.2 s for a 20 MB sheet).
    """
    path = Path(path)
    try:
        return _check(path, limits)
    except _Refused as refused:
        raise UnsafeInputError(_one_line(refused.message), code=refused.code, path=path) from None


def _check(path: Path, limits: Limits) -> Preflight:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _Refused("input-not-found", "no such file: check the name and the folder") from None
    except OSError as exc:
        raise _Refused("input-unreadable", f"cannot be opened ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise _Refused("input-unreadable", "this is a folder, not a workbook file")
    if not stat.S_ISREG(info.st_mode):
        raise _Refused("input-unreadable", "this is not a regular file (device, pipe or socket)")
    if path.name.startswith("~$"):
        raise _Refused("lock-file", "this is an Excel lock file, not a workbook; it is skipped")
    if info.st_size == 0:
        raise _Refused("input-empty", "the file is empty (0 bytes): ask the sender to send the workbook again")
    if info.st_size > limits.max_file_bytes:
        raise _Refused(
            "input-too-large",
            f"the file is {_mb(info.st_size)}, above the limit of {_mb(limits.max_file_bytes)} "
            "for one matrix: check that this is the right file",
        )
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            if head.startswith(OLE_MAGIC):
                raise _classify_ole(handle, limits)
    except OSError as exc:
        raise _Refused("input-unreadable", f"cannot be read ({exc.strerror or exc})") from None
    if not head.startswith(ZIP_MAGICS):
        raise _classify_not_zip(head)
    return _check_zip(path, limits, info.st_size)


# --- not a ZIP -------------------------------------------------------------------------


def _classify_not_zip(head: bytes) -> _Refused:
    """Name what a non-ZIP file most likely is, so the message can say what to do."""
    if head.startswith(b"%PDF"):
        return _Refused("pdf-file", "this is a PDF document, not an Excel workbook: send the .xlsx workbook instead")
    text = _sniff_text(head)
    if text is None:
        return _Refused("not-a-workbook", f"this is not an Excel workbook (unknown content): {RESAVE}")
    lower = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in lower:
        return _Refused("xml-spreadsheet-2003", f"this is an 'XML Spreadsheet 2003' file, not .xlsx: {RESAVE}")
    if lower.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body")) or (
        "<html" in lower or "<table" in lower
    ):
        return _Refused("html-file", f"this is a web page (HTML) renamed as a workbook, not an Excel workbook: {RESAVE}")
    first = lower.splitlines()[0] if lower else ""
    if any(sep in first for sep in (",", ";", "\t")):
        return _Refused("csv-file", f"this is a CSV text file, not an Excel workbook: {RESAVE}")
    return _Refused("text-file", f"this is a plain text file, not an Excel workbook: {RESAVE}")


def _sniff_text(head: bytes) -> str | None:
    """The head decoded as text if it looks like text (BOM-aware), else None."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    sample = head[:-4] if len(head) == SNIFF_BYTES else head  # do not judge a cut character
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = sample.decode("cp1252", errors="replace")
    if not text:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return text if "\x00" not in text and printable / len(text) > 0.95 else None


def _classify_ole(handle: BinaryIO, limits: Limits) -> _Refused:
    """A Compound File (OLE2): legacy .xls, a password-protected workbook, or another Office file."""
    names = _read_cfb_names(handle, limits)
    if names is None:  # directory unreadable: fall back to looking for the stream name
        names = set()
        handle.seek(0)
        if _contains(handle, "EncryptedPackage".encode("utf-16-le"), limits.max_file_bytes):
            names.add("encryptedpackage")
    if "encryptedpackage" in names or "encryptioninfo" in names:
        return _Refused(
            "encrypted-workbook",
            "the workbook is password-protected (encrypted): remove the password "
            "(File > Info > Protect Workbook > Encrypt with Password, clear it), save and send it again",
        )
    if "worddocument" in names:
        return _Refused("not-a-workbook", "this is a Word document (.doc), not an Excel workbook: send the .xlsx workbook")
    if "powerpoint document" in names:
        return _Refused("not-a-workbook", "this is a PowerPoint file (.ppt), not an Excel workbook: send the .xlsx workbook")
    return _Refused("legacy-xls", f"this is a legacy Excel 97-2003 .xls file: {RESAVE}")


def _read_cfb_names(handle: BinaryIO, limits: Limits) -> set[str] | None:
    """Lower-cased stream names of a Compound File's directory, or None if it cannot be walked.

    Follows [MS-CFB]: header, the first 109 FAT sectors named in the header, then the
    directory's sector chain. Bounded: at most the file's own number of sectors is visited.
    """
    handle.seek(0)
    header = handle.read(512)
    if len(header) < 512:
        return None
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    first_dir = struct.unpack_from("<I", header, 48)[0]
    difat = struct.unpack_from("<109I", header, 76)
    max_sectors = limits.max_file_bytes // size + 1

    def read_sector(number: int) -> bytes:
        handle.seek(512 + number * size if shift == 9 else size * (number + 1))
        return handle.read(size)

    fat: list[int] = []
    for sector in difat:
        if sector >= 0xFFFFFFFA:
            continue
        data = read_sector(sector)
        if len(data) < size:
            return None
        fat.extend(struct.unpack(f"<{size // 4}I", data))
    names: set[str] = set()
    sector, seen = first_dir, 0
    while sector < 0xFFFFFFFA and seen < max_sectors:
        data = read_sector(sector)
        if len(data) < size:
            return None
        for offset in range(0, size, 128):
            length = struct.unpack_from("<H", data, offset + 64)[0]
            if 2 <= length <= 64:
                names.add(data[offset:offset + length - 2].decode("utf-16-le", errors="replace").lower())
        if sector >= len(fat):
            break
        sector, seen = fat[sector], seen + 1
    return names


def _contains(handle: BinaryIO, needle: bytes, cap: int) -> bool:
    """Whether ``needle`` occurs in the stream, read in chunks up to ``cap`` bytes."""
    tail, done = b"", 0
    while done < cap:
        chunk = handle.read(READ_CHUNK_BYTES)
        if not chunk:
            return False
        if needle in tail + chunk:
            return True
        tail, done = chunk[-len(needle):], done + len(chunk)
    return False


# --- the ZIP directory -----------------------------------------------------------------


def _check_zip(path: Path, limits: Limits, file_size: int) -> Preflight:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError, struct.error):
        raise _Refused(
            "zip-corrupt",
            f"the file is damaged or incomplete (cut off while copying or downloading?): {DAMAGED}",
        ) from None
    except OSError as exc:
        raise _Refused("input-unreadable", f"cannot be read ({exc.strerror or exc})") from None
    with archive:
        infos = archive.infolist()
        names = _check_directory(archive, infos, limits, file_size)
        _classify_package(archive, names)
        scan = _Scan(archive, limits)
        scan.run(infos)
        return _check_workbook(scan, names, infos)


def _check_directory(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits, file_size: int) -> set[str]:
    """Structural ZIP checks; returns the set of lower-cased, '/'-separated entry names."""
    if len(infos) > limits.max_zip_entries:
        raise _Refused(
            "zip-too-many-entries",
            f"the file has {len(infos)} parts, above the limit of {limits.max_zip_entries}: "
            f"refused for safety; {DAMAGED}",
        )
    names: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/").lower()
        if name in names:
            raise _Refused(
                "zip-duplicate-entry",
                f"the part {_show(info.filename)} appears twice, so programs may disagree on what the "
                f"file holds: refused for safety; {DAMAGED}",
            )
        names.add(name)
        if info.flag_bits & 0x1:
            raise _Refused(
                "zip-encrypted-entry",
                f"the part {_show(info.filename)} is encrypted: remove any password, save and send it again",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Refused(
                "zip-unsupported-compression",
                f"the part {_show(info.filename)} uses a compression Excel does not write: {RESAVE}",
            )
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise _Refused(
                "zip-too-large-uncompressed",
                f"the file unpacks to more than {_mb(limits.max_uncompressed_bytes)}: refused for safety "
                f"(zip bomb?); {DAMAGED}",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_BYTES and ratio > limits.max_compression_ratio:
            raise _Refused(
                "zip-compression-ratio",
                f"the part {_show(info.filename)} expands {ratio:.0f} times when unpacked "
                f"(limit {limits.max_compression_ratio:.0f}): refused for safety (zip bomb?); {DAMAGED}",
            )
    _check_overlaps(archive, infos, file_size)
    return names


def _check_overlaps(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], file_size: int) -> None:
    """Refuse entries whose data overlap another entry or the central directory.

    CVE-2024-0450 ("quoted-overlap" zip bombs): CPython before 3.11.8/3.12.2 does not check
    this itself. Each entry runs from its local header to the end of its compressed data;
    the local header's own name and extra lengths are used, as zipfile does when reading.
    """
    start_dir = getattr(archive, "start_dir", None)
    fp = archive.fp
    if fp is None:
        return
    spans: list[tuple[int, int, str]] = []
    for info in infos:
        fp.seek(info.header_offset)
        local = fp.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise _Refused("zip-corrupt", f"the part {_show(info.filename)} has a damaged header: {DAMAGED}")
        name_len, extra_len = struct.unpack_from("<HH", local, 26)
        end = info.header_offset + 30 + name_len + extra_len + info.compress_size
        if end > file_size:
            raise _Refused("zip-corrupt", f"the part {_show(info.filename)} is cut off: {DAMAGED}")
        spans.append((info.header_offset, end, info.filename))
    spans.sort()
    for (_, end, name), (next_start, _, _) in zip(spans, spans[1:], strict=False):
        if end > next_start:
            raise _Refused(
                "zip-overlapping-entries",
                f"the part {_show(name)} overlaps another part (a known zip-bomb trick): refused for safety; {DAMAGED}",
            )
    if spans and isinstance(start_dir, int) and spans[-1][1] > start_dir:
        raise _Refused(
            "zip-overlapping-entries",
            f"the part {_show(spans[-1][2])} overlaps the ZIP directory: refused for safety; {DAMAGED}",
        )


def _classify_package(archive: zipfile.ZipFile, names: set[str]) -> None:
    """Refuse ZIPs that are not Office packages (ODS, a ZIP of workbooks, anything else)."""
    if "[content_types].xml" in names:
        return
    if "mimetype" in names:
        try:
            mimetype = archive.open(_real_name(archive, "mimetype")).read(200).decode("ascii", "replace")
        except Exception:  # noqa: BLE001 - a broken mimetype entry still means "not xlsx"
            mimetype = ""
        if "opendocument.spreadsheet" in mimetype:
            raise _Refused("ods-file", f"this is an OpenDocument spreadsheet (.ods), not .xlsx: {RESAVE}")
        raise _Refused("not-a-workbook", "this is an OpenDocument file, not an Excel workbook: send the .xlsx workbook")
    inner = sorted(n for n in names if n.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")))
    if inner:
        raise _Refused(
            "zip-archive",
            f"this is a ZIP archive holding {len(inner)} workbook(s) (e.g. {_show(inner[0])}): "
            "unzip it and send the workbook itself",
        )
    raise _Refused("not-a-workbook", f"this is a ZIP archive, not an Excel workbook: {RESAVE}")


def _real_name(archive: zipfile.ZipFile, lower: str) -> str:
    for name in archive.namelist():
        if name.replace("\\", "/").lower() == lower:
            return name
    raise KeyError(lower)


# --- the XML parts ---------------------------------------------------------------------


@dataclass
class _Package:
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


_CELL_TAG = re.compile(r"<c(?=[\s/>])([^>]*)")
_ROW_TAG = re.compile(r"<row(?=[\s/>])([^>]*)")
# With a namespace prefix (<x:c>): 2-3 times slower, so used only when ':c' or ':row' occurs.
_CELL_TAG_ANY = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?c(?=[\s/>])([^>]*)")
_ROW_TAG_ANY = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?row(?=[\s/>])([^>]*)")
_REF = re.compile(r"\sr\s*=\s*[\"']\$?([A-Za-z]{0,3})\$?([0-9]{1,9})")
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]{1,40})")


class _Extent:
    """Tracks how far a worksheet reaches, as a reader that fills the rectangle would see it.

    Regular expressions over the decoded text (an element handler per cell would cost ~4x
    the whole expat pass). Cells and rows may omit their ``r`` reference (they then follow
    the previous one), so each cell or row without one widens the bound by one: the result
    is exact for files Excel writes and an upper bound otherwise. Duplicate ``r`` attributes
    cannot mislead the count: expat has already refused them as malformed.
    """

    def __init__(self, package: _Package, head: bytes):
        self.package = package
        self.decoder = codecs.getincrementaldecoder(_encoding_of(head))(errors="replace")
        self.tail = ""
        self.ref_row = self.ref_col = -1
        self.rows_without_ref = self.cells_without_ref = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text = self.tail + self.decoder.decode(chunk, final)
        cut = text.rfind("<")
        if not final and cut >= 0 and text.find(">", cut) < 0:  # keep an unfinished tag for later
            text, self.tail = text[:cut], text[cut:]
        else:
            self.tail = ""
        prefixed = ":c" in text or ":row" in text
        cells = (_CELL_TAG_ANY if prefixed else _CELL_TAG).findall(text)
        refs = _REF.findall("\x00".join(cells))
        self.cells_without_ref += len(cells) - len(refs)
        for letters in {letters.upper() for letters in {letters for letters, _ in refs} if letters}:
            col = 0
            for letter in letters:
                col = col * 26 + ord(letter) - 64
            self.ref_col = max(self.ref_col, col - 1)
        rows = (_ROW_TAG_ANY if prefixed else _ROW_TAG).findall(text)
        row_refs = [number for _, number in _REF.findall("\x00".join(rows))]
        self.rows_without_ref += len(rows) - len(row_refs)
        numbers = {number for _, number in refs}
        numbers.update(row_refs)
        if numbers:
            self.ref_row = max(self.ref_row, max(map(int, numbers)) - 1)
        if final:
            self.publish()

    def publish(self) -> None:
        package = self.package
        if self.ref_row >= 0 or self.rows_without_ref or self.cells_without_ref:
            row = max(self.ref_row, 0) + self.rows_without_ref
            col = max(self.ref_col, 0) + self.cells_without_ref
            if self.ref_col < 0 and self.cells_without_ref:
                col -= 1
            package.max_row = max(package.max_row, row)
            package.max_col = max(package.max_col, col)


def _encoding_of(head: bytes) -> str:
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


class _Scan:
    """One streaming pass over every XML part: refuse DTDs, collect package facts."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive = archive
        self.limits = limits
        self.read_total = 0
        self.package = _Package(overrides={}, external=[])

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
        workbook = _workbook_part(self.package)
        second = {workbook, _rels_of(workbook)}
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
            raise _Refused(
                "xml-dtd",
                f"the part {_show(info.filename)} declares a DTD or entities, which Excel never writes "
                f"(possible XML attack): refused for safety; {DAMAGED}",
            )

        parser.StartDoctypeDeclHandler = refuse_dtd
        parser.EntityDeclHandler = refuse_dtd
        parser.ExternalEntityRefHandler = refuse_dtd
        self._install_collectors(parser, name)
        extent: _Extent | None = None
        fed = 0
        try:
            with self.archive.open(info) as stream:
                first = True
                while True:
                    chunk = stream.read(READ_CHUNK_BYTES)
                    if first and sniff:
                        if not _looks_like_xml(chunk):
                            return
                    if first and name in self._targets("worksheet"):
                        extent = _Extent(self.package, chunk[:256])
                    first = False
                    if not chunk:
                        break
                    fed += len(chunk)
                    self.read_total += len(chunk)
                    if fed > info.file_size or self.read_total > self.limits.max_uncompressed_bytes:
                        raise _Refused(
                            "zip-too-large-uncompressed",
                            f"the part {_show(info.filename)} unpacks to more than declared: refused for safety; {DAMAGED}",
                        )
                    parser.Parse(chunk, False)
                    # Expat 2.5 re-scans an unfinished token on every chunk (quadratic time);
                    # CurrentByteIndex is where that pending token starts.
                    if fed - max(parser.CurrentByteIndex, 0) > MAX_XML_TOKEN_BYTES:
                        raise _Refused(
                            "xml-token-too-large",
                            f"the part {_show(info.filename)} holds a single XML item over "
                            f"{_mb(MAX_XML_TOKEN_BYTES)}: refused for safety; {DAMAGED}",
                        )
                    if extent is not None:
                        extent.feed(chunk)
                parser.Parse(b"", True)
                if extent is not None:
                    extent.feed(b"", final=True)
        except _Refused:
            raise
        except pyexpat.ExpatError as exc:
            if sniff:  # a non-XML part that happens to start with '<': not ours to judge
                return
            raise _Refused(
                "xml-malformed",
                f"the part {_show(info.filename)} is not well-formed XML "
                f"({pyexpat.ErrorString(exc.code)} at line {exc.lineno}, column {exc.offset}): {DAMAGED}",
            ) from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise _Refused(
                "zip-corrupt", f"the part {_show(info.filename)} is damaged ({_show(str(exc), 80)}): {DAMAGED}"
            ) from None
        except Exception as exc:  # noqa: BLE001 - zlib.error and friends: still a damaged part
            raise _Refused(
                "zip-corrupt",
                f"the part {_show(info.filename)} is damaged ({type(exc).__name__}): {DAMAGED}",
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
                    package.office_document = package.office_document or _resolve("", attrs.get("Target", ""))
        elif name == _workbook_part(package):
            package.sheets = []
            sheets = package.sheets

            def handler(tag: str, attrs: dict[str, str]) -> None:
                if not package.workbook_root:
                    package.workbook_root = tag
                if tag.endswith(" sheet"):
                    rid = attrs.get(f"{DOC_REL_NS} id") or attrs.get(f"{STRICT_DOC_REL_NS} id") or ""
                    sheets.append(rid)
        elif name in self._targets("sharedStrings"):
            def handler(tag: str, attrs: dict[str, str]) -> None:
                if tag.endswith(" sst") or tag == "sst":
                    declared = [int(v) for k, v in attrs.items() if k in ("count", "uniqueCount") and v.isdigit()]
                    package.shared_strings_declared = max(declared, default=0)
        elif name.endswith(".rels"):
            is_workbook_rels = name == _rels_of(_workbook_part(package))
            if is_workbook_rels:
                package.workbook_rels = {}
            rels = package.workbook_rels if is_workbook_rels else None
            base = _rels_source_dir(name)
            external = package.external if package.external is not None else []

            def handler(tag: str, attrs: dict[str, str]) -> None:
                if tag != f"{REL_NS} Relationship":
                    return
                kind = attrs.get("Type", "").rsplit("/", 1)[-1]
                if attrs.get("TargetMode", "").lower() == "external" and kind in EXTERNAL_REL_KINDS:
                    external.append(name)
                if rels is not None:
                    rels[attrs.get("Id", "")] = (kind, _resolve(base, attrs.get("Target", "")))
        if handler is not None:
            parser.StartElementHandler = handler  # type: ignore[attr-defined]


def _looks_like_xml(chunk: bytes) -> bool:
    head = chunk[:64].lstrip(b" \t\r\n")
    return head.startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00"))


def _workbook_part(package: _Package) -> str:
    return (package.office_document or "xl/workbook.xml").lower()


def _rels_of(part: str) -> str:
    folder, _, leaf = part.rpartition("/")
    return f"{folder}/_rels/{leaf}.rels" if folder else f"_rels/{leaf}.rels"


def _rels_source_dir(rels_name: str) -> str:
    """The folder relative targets of a .rels part are resolved against."""
    folder = rels_name.rsplit("/_rels/", 1)[0] if "/_rels/" in rels_name else ""
    return folder


def _resolve(base: str, target: str) -> str:
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


# --- the workbook ----------------------------------------------------------------------


def _check_workbook(scan: _Scan, names: set[str], infos: list[zipfile.ZipInfo]) -> Preflight:
    package = scan.package
    workbook = _workbook_part(package)
    content_type = package.overrides.get(workbook, "")
    absent = workbook not in names
    if "wordprocessingml" in content_type or (absent and "word/document.xml" in names):
        raise _Refused("not-a-workbook", "this is a Word document, not an Excel workbook: send the .xlsx workbook")
    if "presentationml" in content_type or (absent and "ppt/presentation.xml" in names):
        raise _Refused("not-a-workbook", "this is a PowerPoint file, not an Excel workbook: send the .xlsx workbook")
    if "sheet.binary" in content_type or workbook.endswith(".bin") or (absent and "xl/workbook.bin" in names):
        raise _Refused("xlsb-file", f"this is an Excel Binary Workbook (.xlsb): {RESAVE}")
    if absent:
        raise _Refused("not-a-workbook", f"this is an Office file without an Excel workbook part: {RESAVE}")
    if package.workbook_root.startswith(STRICT_PREFIX):
        raise _Refused(
            "strict-ooxml",
            "the workbook is saved as 'Strict Open XML Spreadsheet', which this tool cannot read: "
            "open it in Excel and save it as 'Excel Workbook (.xlsx)', then send it again",
        )
    if package.workbook_root and package.workbook_root != f"{TRANSITIONAL_MAIN} workbook":
        raise _Refused("not-a-workbook", f"the workbook part is not an Excel workbook: {RESAVE}")
    sheets = package.sheets or []
    rels = package.workbook_rels or {}
    worksheets = [rels[rid][1] for rid in sheets if rid in rels and rels[rid][0] == "worksheet"]
    if not worksheets:
        what = "only chart sheets" if sheets else "no sheets"
        raise _Refused(
            "no-worksheets",
            f"the workbook has {what} and no worksheet to read: send the filled-in matrix workbook",
        )
    missing = [target for target in worksheets if target not in names]
    if missing:
        raise _Refused(
            "workbook-part-missing",
            f"the workbook names a sheet part that is not in the file ({_show(missing[0])}): {DAMAGED}",
        )
    notes: list[Observation] = []
    macros = sorted({n for n in names if any(marker in n for marker in MACRO_MARKERS)})
    if macros:
        notes.append(
            Observation(
                code="macros-present",
                message="the workbook contains macros; they are never run and are not copied into any output",
                value=", ".join(_show(n, 60) for n in macros[:3]),
            )
        )
    links = sorted({n for n in names if n.startswith("xl/externallinks/") and n.endswith(".xml")})
    links_or_rels = links or sorted(set(package.external or []))
    if links_or_rels or "xl/connections.xml" in names:
        shown = links_or_rels or ["xl/connections.xml"]
        notes.append(
            Observation(
                code="external-links-present",
                message=(
                    "the workbook links to other files or data sources; they are never opened or "
                    "refreshed, and values come only from this file"
                ),
                value=", ".join(_show(n, 60) for n in shown[:3]),
            )
        )
    macro_type = "macroenabled" in content_type.lower()
    kind = "xlsm" if macros or macro_type else "xlsx"
    uncompressed = sum(info.file_size for info in infos)
    return Preflight(kind=kind, notes=tuple(notes), entries=len(infos), uncompressed=uncompressed,
                     max_row=package.max_row, max_col=package.max_col,
                     shared_strings_declared=package.shared_strings_declared)


# --- messages --------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _show(text: str, width: int = 100) -> str:
    """A name from the file, quoted and made safe for a one-line message."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"'{text}'"


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


__all__ = ["Preflight", "check_file", "RATIO_GRACE_BYTES", "MAX_XML_TOKEN_BYTES"]
