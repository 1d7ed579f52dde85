"""Pre-flight check of a submitted file, before any spreadsheet parser touches it.

Submissions are untrusted (shared/untrusted-input.md, policy 1). ``check_file`` classifies a
file with the standard library only (``os``, ``zipfile``, ``pyexpat``): size, magic bytes,
the ZIP directory (entry count, duplicate and overlapping entries, declared sizes,
compression ratio, encrypted entries) and every XML part, streamed in chunks under a byte
cap, for a DTD (Excel never writes one; billion laughs, quadratic blow-up and XXE all need
one). Anything refused raises ``UnsafeInputError`` with a stable kebab-case ``code`` and a
one-line message telling the sender what to do. Things to report but not refuse (macros,
external links) come back as ``Preflight.notes``.

Modules: ``sniff`` names non-ZIP files (legacy .xls, encrypted, PDF, CSV, HTML...) and
holds the refusal type; ``partscan`` is the streaming XML pass; this module checks the file,
the ZIP directory and the workbook, and is the only entry point.

What this does *not* catch, on purpose: a small, valid sheet describing a huge grid (a cell
at XFD1048576, a merge over the whole sheet, a wrong ``<dimension>``). The reader bounds
those while streaming rows, helped by ``Preflight.max_row``/``max_col``; batch runs also read
in a child process (``isolation.py``).
"""

from __future__ import annotations

import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from matrix_tools.errors import MissingInputError, UnsafeInputError
from matrix_tools.limits import DEFAULT_LIMITS, Limits
from matrix_tools.model import Observation
from matrix_tools.reading.partscan import PartScan, workbook_part
from matrix_tools.reading.sniff import (
    DAMAGED,
    OLE_MAGIC,
    RESAVE,
    SAVE_AS_XLSX,
    SNIFF_BYTES,
    ZIP_MAGICS,
    Refused,
    classify_not_zip,
    classify_ole,
    mb,
    show,
)
from matrix_tools.reading.zipcheck import check_structure
from matrix_tools.safety import one_line

# Not (yet) in limits.Limits; a module constant until the lead adds it there.

TRANSITIONAL_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_PREFIX = "http://purl.oclc.org/ooxml/"
MACRO_MARKERS = ("vbaproject.bin", "xl/macrosheets/")  # VBA project, Excel 4.0 macro sheets


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
    formulas: bool = False  # some worksheet holds a formula (python-calamine gives values only)


def check_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Preflight:
    """Classify ``path`` before any parser sees it; refuse it with ``UnsafeInputError`` if unfit.

    The file is only opened for reading and never modified. Cost: a directory read plus one
    streaming pass over the XML parts (a few ms for a matrix, ~0.2 s for a 20 MB sheet).
    """
    path = Path(path)
    try:
        return _check(path, limits)
    except Refused as refused:
        # A missing file is also a FileNotFoundError, so Python callers can catch the usual one.
        error = MissingInputError if refused.code == "input-not-found" else UnsafeInputError
        raise error(one_line(refused.message, squeeze=True), code=refused.code, path=path) from None


def _check(path: Path, limits: Limits) -> Preflight:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise Refused("input-not-found", "no such file: check the name and the folder") from None
    except OSError as exc:
        raise Refused("input-unreadable", f"cannot be opened ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise Refused("input-unreadable", "this is a folder, not a workbook file")
    if not stat.S_ISREG(info.st_mode):
        raise Refused("input-unreadable", "this is not a regular file (device, pipe or socket)")
    if path.name.startswith("~$"):
        raise Refused("lock-file", "this is an Excel lock file, not a workbook; it is skipped")
    if info.st_size == 0:
        raise Refused("input-empty", "the file is empty (0 bytes): ask the sender to send the workbook again")
    if info.st_size > limits.max_file_bytes:
        raise Refused(
            "input-too-large",
            f"the file is {mb(info.st_size)}, above the limit of {mb(limits.max_file_bytes)} "
            "for one matrix: check that this is the right file",
        )
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            if head.startswith(OLE_MAGIC):
                raise classify_ole(handle, limits)
    except OSError as exc:
        raise Refused("input-unreadable", f"cannot be read ({exc.strerror or exc})") from None
    if not head.startswith(ZIP_MAGICS):
        raise classify_not_zip(head)
    return _check_zip(path, limits, info.st_size)


# --- the ZIP directory -----------------------------------------------------------------


def _check_zip(path: Path, limits: Limits, file_size: int) -> Preflight:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError, struct.error):
        raise Refused(
            "zip-corrupt",
            f"the file is damaged or incomplete (cut off while copying or downloading?): {DAMAGED}",
        ) from None
    except OSError as exc:
        raise Refused("input-unreadable", f"cannot be read ({exc.strerror or exc})") from None
    with archive:
        infos = archive.infolist()
        names = _check_directory(archive, infos, limits, file_size)
        _classify_package(archive, names)
        scan = PartScan(archive, limits)
        scan.run(infos)
        return _check_workbook(scan, names, infos)


def _check_directory(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits, file_size: int) -> set[str]:
    """Structural ZIP checks; returns the set of lower-cased, '/'-separated entry names."""
    if len(infos) > limits.max_zip_entries:
        raise Refused(
            "zip-too-many-entries",
            f"the file has {len(infos)} parts, above the limit of {limits.max_zip_entries}: "
            f"refused for safety; {DAMAGED}",
        )
    names: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/").lower()
        if name in names:
            raise Refused(
                "zip-duplicate-entry",
                f"the part {show(info.filename)} appears twice, so programs may disagree on what the "
                f"file holds: refused for safety; {DAMAGED}",
            )
        names.add(name)
        if info.flag_bits & 0x1:
            raise Refused(
                "zip-encrypted-entry",
                f"the part {show(info.filename)} is encrypted: remove any password, save and send it again",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(
                "zip-unsupported-compression",
                f"the part {show(info.filename)} uses a compression Excel does not write: {RESAVE}",
            )
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise Refused(
                "zip-too-large-uncompressed",
                f"the file unpacks to more than {mb(limits.max_uncompressed_bytes)}: refused for safety "
                f"(zip bomb?); {DAMAGED}",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_grace_bytes and ratio > limits.max_compression_ratio:
            raise Refused(
                "zip-compression-ratio",
                f"the part {show(info.filename)} expands {ratio:.0f} times when unpacked "
                f"(limit {limits.max_compression_ratio:.0f}): refused for safety (zip bomb?); {DAMAGED}",
            )
    _check_overlaps(archive, infos, file_size)
    if archive.fp is not None:
        check_structure(archive.fp, infos, file_size)
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
        if not 0 <= info.header_offset < file_size:  # a damaged directory can point anywhere
            raise Refused("zip-corrupt", f"the part {show(info.filename)} points outside the file: {DAMAGED}")
        fp.seek(info.header_offset)
        local = fp.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise Refused("zip-corrupt", f"the part {show(info.filename)} has a damaged header: {DAMAGED}")
        name_len, extra_len = struct.unpack_from("<HH", local, 26)
        end = info.header_offset + 30 + name_len + extra_len + info.compress_size
        if end > file_size:
            raise Refused("zip-corrupt", f"the part {show(info.filename)} is cut off: {DAMAGED}")
        spans.append((info.header_offset, end, info.filename))
    spans.sort()
    for (_, end, name), (next_start, _, _) in zip(spans, spans[1:], strict=False):
        if end > next_start:
            raise Refused(
                "zip-overlapping-entries",
                f"the part {show(name)} overlaps another part (a known zip-bomb trick): refused for safety; {DAMAGED}",
            )
    if spans and isinstance(start_dir, int) and spans[-1][1] > start_dir:
        raise Refused(
            "zip-overlapping-entries",
            f"the part {show(spans[-1][2])} overlaps the ZIP directory: refused for safety; {DAMAGED}",
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
            raise Refused("ods-file", f"this is an OpenDocument spreadsheet (.ods), not .xlsx: {SAVE_AS_XLSX}")
        raise Refused("not-a-workbook", "this is an OpenDocument file, not an Excel workbook: send the .xlsx workbook")
    inner = sorted(n for n in names if n.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")))
    if inner:
        raise Refused(
            "zip-archive",
            f"this is a ZIP archive holding {len(inner)} workbook(s) (e.g. {show(inner[0])}): "
            "unzip it and send the workbook itself",
        )
    raise Refused("not-a-workbook", f"this is a ZIP archive, not an Excel workbook: {RESAVE}")


def _real_name(archive: zipfile.ZipFile, lower: str) -> str:
    for name in archive.namelist():
        if name.replace("\\", "/").lower() == lower:
            return name
    raise KeyError(lower)


# --- the workbook ----------------------------------------------------------------------


def _check_sheet_names(names: list[str]) -> None:
    """Refuse two sheets whose names differ only in case (``OP1``, ``op1``): Excel treats them
    as one name and never writes both, and readers differ on which one a reference means."""
    seen: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        if key in seen:
            raise Refused(
                "sheet-names-duplicate",
                f"two sheets are named {show(seen[key], 40)} and {show(name, 40)}, which Excel treats as the "
                "same name: rename one of them in Excel, save and send the workbook again",
            )
        seen[key] = name


def _check_workbook(scan: PartScan, names: set[str], infos: list[zipfile.ZipInfo]) -> Preflight:
    package = scan.package
    workbook = workbook_part(package)
    content_type = package.overrides.get(workbook, "")
    absent = workbook not in names
    if "wordprocessingml" in content_type or (absent and "word/document.xml" in names):
        raise Refused("not-a-workbook", "this is a Word document, not an Excel workbook: send the .xlsx workbook")
    if "presentationml" in content_type or (absent and "ppt/presentation.xml" in names):
        raise Refused("not-a-workbook", "this is a PowerPoint file, not an Excel workbook: send the .xlsx workbook")
    if "sheet.binary" in content_type or workbook.endswith(".bin") or (absent and "xl/workbook.bin" in names):
        raise Refused("xlsb-file", f"this is an Excel Binary Workbook (.xlsb): {RESAVE}")
    if absent:
        raise Refused("not-a-workbook", f"this is an Office file without an Excel workbook part: {RESAVE}")
    if package.workbook_root.startswith(STRICT_PREFIX):
        raise Refused(
            "strict-ooxml",
            "the workbook is saved as 'Strict Open XML Spreadsheet', which this tool cannot read: "
            "open it in Excel and save it as 'Excel Workbook (.xlsx)', then send it again",
        )
    if package.workbook_root and package.workbook_root != f"{TRANSITIONAL_MAIN} workbook":
        raise Refused("not-a-workbook", f"the workbook part is not an Excel workbook: {RESAVE}")
    sheets = package.sheets or []
    rels = package.workbook_rels or {}
    worksheets = [rels[rid][1] for rid in sheets if rid in rels and rels[rid][0] == "worksheet"]
    if not worksheets:
        what = "only chart sheets" if sheets else "no sheets"
        raise Refused(
            "no-worksheets",
            f"the workbook has {what} and no worksheet to read: send the filled-in matrix workbook",
        )
    missing = [target for target in worksheets if target not in names]
    if missing:
        raise Refused(
            "workbook-part-missing",
            f"the workbook names a sheet part that is not in the file ({show(missing[0])}): {DAMAGED}",
        )
    _check_sheet_names(package.sheet_names or [])
    if package.merged_ranges > scan.limits.max_merged_ranges:
        raise Refused(
            "too-many-merged-ranges",
            f"the workbook has {package.merged_ranges:,} merged cell ranges, above the limit of "
            f"{scan.limits.max_merged_ranges:,} (a matrix has a few dozen): refused for safety; {DAMAGED}",
        )
    notes: list[Observation] = []
    macros = sorted({n for n in names if any(marker in n for marker in MACRO_MARKERS)})
    if macros:
        notes.append(
            Observation(
                code="macros-present",
                message="the workbook contains macros; they are never run and are not copied into any output",
                value=", ".join(show(n, 60) for n in macros[:3]),
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
                value=", ".join(show(n, 60) for n in shown[:3]),
            )
        )
    macro_type = "macroenabled" in content_type.lower()
    kind = "xlsm" if macros or macro_type else "xlsx"
    uncompressed = sum(info.file_size for info in infos)
    return Preflight(kind=kind, notes=tuple(notes), entries=len(infos), uncompressed=uncompressed,
                     max_row=package.max_row, max_col=package.max_col,
                     shared_strings_declared=package.shared_strings_declared,
                     formulas=package.formulas)


__all__ = ["Preflight", "check_file"]
