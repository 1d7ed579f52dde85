"""What a submitted file is, judged from its bytes alone, and the refusal it gets.

Used by ``preflight.check_file`` before any parser runs: a file that is not a ZIP is named
(legacy .xls, password-protected workbook, PDF, CSV, HTML, plain text...) so the message can
tell the sender what to do. ``Refused`` carries a stable code and a one-line message;
``show`` makes names taken from a file safe to print on one line.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from matrix_tools.limits import Limits
from matrix_tools.safety import one_line

SNIFF_BYTES = 4096
CHUNK_BYTES = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
RESAVE = "open it in Excel and save it as .xlsx (Excel Workbook), then send it again"
# For files people make in either program (.xls, .ods): name both, with LibreOffice's own words.
SAVE_AS_XLSX = ("open it in Excel (File > Save As > Excel Workbook (*.xlsx)) or LibreOffice Calc "
                "(File > Save As... > Excel 2007-365 (.xlsx)) and send the .xlsx file again")
DAMAGED = "ask the sender to save it again in Excel and send it again"


class Refused(Exception):
    """A refusal on its way to ``check_file``, which adds the path: stable code + one-line message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def classify_not_zip(head: bytes) -> Refused:
    """Name what a non-ZIP file most likely is, so the message can say what to do."""
    if head.startswith(b"%PDF"):
        return Refused("pdf-file", "this is a PDF document, not an Excel workbook: send the .xlsx workbook instead")
    text = sniff_text(head)
    if text is None:
        return Refused("not-a-workbook", f"this is not an Excel workbook (unknown content): {RESAVE}")
    lower = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in lower:
        return Refused("xml-spreadsheet-2003", f"this is an 'XML Spreadsheet 2003' file, not .xlsx: {RESAVE}")
    if lower.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body")) or (
        "<html" in lower or "<table" in lower
    ):
        return Refused("html-file", f"this is a web page (HTML) renamed as a workbook, not an Excel workbook: {RESAVE}")
    first = lower.splitlines()[0] if lower else ""
    if any(sep in first for sep in (",", ";", "\t")):
        return Refused("csv-file", f"this is a CSV text file, not an Excel workbook: {RESAVE}")
    return Refused("text-file", f"this is a plain text file, not an Excel workbook: {RESAVE}")


def sniff_text(head: bytes) -> str | None:
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


def classify_ole(handle: BinaryIO, limits: Limits) -> Refused:
    """A Compound File (OLE2): legacy .xls, a password-protected workbook, or another Office file."""
    names = read_cfb_names(handle, limits)
    if names is None:  # directory unreadable: fall back to looking for the stream name
        names = set()
        handle.seek(0)
        if contains_bytes(handle, "EncryptedPackage".encode("utf-16-le"), limits.max_file_bytes):
            names.add("encryptedpackage")
    if "encryptedpackage" in names or "encryptioninfo" in names:
        return Refused(
            "encrypted-workbook",
            "the workbook is password-protected (encrypted): remove the password "
            "(File > Info > Protect Workbook > Encrypt with Password, clear it), save and send it again",
        )
    if "worddocument" in names:
        return Refused("not-a-workbook", "this is a Word document (.doc), not an Excel workbook: send the .xlsx workbook")
    if "powerpoint document" in names:
        return Refused("not-a-workbook", "this is a PowerPoint file (.ppt), not an Excel workbook: send the .xlsx workbook")
    return Refused("legacy-xls", f"this is a legacy Excel 97-2003 .xls file, not .xlsx: {SAVE_AS_XLSX}")


def read_cfb_names(handle: BinaryIO, limits: Limits) -> set[str] | None:
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


def contains_bytes(handle: BinaryIO, needle: bytes, cap: int) -> bool:
    """Whether ``needle`` occurs in the stream, read in chunks up to ``cap`` bytes."""
    tail, done = b"", 0
    while done < cap:
        chunk = handle.read(CHUNK_BYTES)
        if not chunk:
            return False
        if needle in tail + chunk:
            return True
        tail, done = chunk[-len(needle):], done + len(chunk)
    return False


def show(text: str, width: int = 100) -> str:
    """A name from the file, quoted and made safe for a one-line message (``safety.one_line``)."""
    return f"'{one_line(text, width=width, breaks=None)}'"


def mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"
