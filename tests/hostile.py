"""Builders of hostile and malformed input files (checklist A of security-reliability.md §10).

Every file is made by code at test time in a temporary folder: no binary blob is committed.
``CASES`` lists them with the pre-flight code each must get (``None``: accepted, maybe with
notes). Other helpers' tests may import this module (``from hostile import CASES,
minimal_xlsx_parts, write_zip``) to run their commands over the same corpus.
"""

from __future__ import annotations

import io
import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    XML_DECL
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{workbook_type}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ROOT_RELS = (
    XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    XML_DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="OP1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "{extra}</Relationships>"
)
SHEET = (
    XML_DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Country</t></is></c><c r="B2"><v>42</v></c></row>'
    "</sheetData></worksheet>"
)
SHARED_STRINGS = (
    XML_DECL + f'<sst xmlns="{MAIN_NS}" count="2" uniqueCount="2">'
    "<si><t>1540 Committee matrix</t></si><si><t>X</t></si></sst>"
)
STYLES = (
    XML_DECL + f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    "</styleSheet>"
)
CORE = (
    XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Narnia</dc:creator>'
    "</cp:coreProperties>"
)

BILLION_LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def minimal_xlsx_parts(*, workbook_type: str = XLSX_TYPE, extra_rels: str = "") -> dict[str, bytes]:
    """The parts of a small valid workbook (one sheet "OP1"), as name -> bytes."""
    return {
        "[Content_Types].xml": CONTENT_TYPES.replace("{workbook_type}", workbook_type).encode(),
        "_rels/.rels": ROOT_RELS.encode(),
        "docProps/core.xml": CORE.encode(),
        "xl/workbook.xml": WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace("{extra}", extra_rels).encode(),
        "xl/worksheets/sheet1.xml": SHEET.encode(),
        "xl/sharedStrings.xml": SHARED_STRINGS.encode(),
        "xl/styles.xml": STYLES.encode(),
    }


def write_zip(path: Path, parts: Iterable[tuple[str, bytes]] | dict[str, bytes], *,
              compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Write ``parts`` as a ZIP (duplicates allowed, in the order given)."""
    items = parts.items() if isinstance(parts, dict) else parts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on duplicate names; that is the point
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return path


def xlsx_bytes(parts: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (parts or minimal_xlsx_parts()).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_part(name: str, data: bytes | str, **kw: str) -> Callable[[Path], Path]:
    """A builder: the minimal workbook with one part replaced (or added)."""

    def build(path: Path) -> Path:
        parts = minimal_xlsx_parts(**kw)
        parts[name] = data.encode() if isinstance(data, str) else data
        return write_zip(path, parts)

    return build


def _with_dtd(part: str, dtd: str, body: str | None = None) -> Callable[[Path], Path]:
    """The minimal workbook with ``dtd`` inserted after the XML declaration of ``part``."""
    original = minimal_xlsx_parts()[part].decode()
    if body is not None:
        original = body
    head, sep, rest = original.partition("?>\n")
    return _with_part(part, head + sep + dtd + rest)


# --- ZIP surgery -----------------------------------------------------------------------


def _central_records(data: bytes) -> list[int]:
    """Offsets of the central directory records (signature PK\\x01\\x02)."""
    eocd = data.rindex(b"PK\x05\x06")
    count, _size, start = struct.unpack_from("<HII", data, eocd + 10)
    offsets, pos = [], start
    for _ in range(count):
        offsets.append(pos)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + name_len + extra_len + comment_len
    return offsets


def _record_name(data: bytes, pos: int) -> str:
    name_len = struct.unpack_from("<H", data, pos + 28)[0]
    return data[pos + 46: pos + 46 + name_len].decode()


def patch_central(data: bytes, name: str, **fields: int) -> bytes:
    """Change fields of ``name``'s central directory record: flag, size, offset."""
    layout = {"flag": (8, "<H"), "size": (24, "<I"), "compressed": (20, "<I"), "offset": (42, "<I")}
    buffer = bytearray(data)
    for pos in _central_records(data):
        if _record_name(data, pos) == name:
            for key, value in fields.items():
                offset, fmt = layout[key]
                struct.pack_into(fmt, buffer, pos + offset, value)
            return bytes(buffer)
    raise KeyError(name)


def local_offset(data: bytes, name: str) -> int:
    for pos in _central_records(data):
        if _record_name(data, pos) == name:
            return int(struct.unpack_from("<I", data, pos + 42)[0])
    raise KeyError(name)


def _patched(**fields_by_name: dict[str, int]) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        data = xlsx_bytes()
        for name, fields in fields_by_name.items():
            data = patch_central(data, name, **fields)
        path.write_bytes(data)
        return path

    return build


def _overlapping(path: Path) -> Path:
    """Two central records pointing at the same local header (CVE-2024-0450 family)."""
    data = xlsx_bytes()
    target = local_offset(data, "xl/worksheets/sheet1.xml")
    path.write_bytes(patch_central(data, "xl/sharedStrings.xml", offset=target))
    return path


def _quoted_overlap(path: Path) -> Path:
    """An entry whose local header sits inside the previous entry's stored data."""
    inner_name = b"xl/sharedStrings.xml"
    inner_data = SHARED_STRINGS.encode()
    crc = zlib.crc32(inner_data)
    inner_local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(inner_data),
                              len(inner_data), len(inner_name), 0) + inner_name + inner_data
    parts = minimal_xlsx_parts()
    del parts["xl/sharedStrings.xml"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        archive.writestr("xl/media/padding.bin", inner_local)  # stored: the header is quoted verbatim
    data = buffer.getvalue()
    quoted_at = local_offset(data, "xl/media/padding.bin") + 30 + len("xl/media/padding.bin")
    # Append a central record for the quoted entry and fix the end record.
    eocd = data.rindex(b"PK\x05\x06")
    count, cd_size, cd_start = struct.unpack_from("<HII", data, eocd + 10)
    record = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, crc, len(inner_data),
                         len(inner_data), len(inner_name), 0, 0, 0, 0, 0, quoted_at) + inner_name
    central = data[cd_start:eocd] + record
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count + 1, count + 1, len(central), cd_start, 0)
    path.write_bytes(data[:cd_start] + central + end)
    return path


def _corrupt_central_directory(path: Path) -> Path:
    data = bytearray(xlsx_bytes())
    start = _central_records(bytes(data))[0]
    data[start: start + 40] = b"\xAB" * 40
    path.write_bytes(bytes(data))
    return path


def _corrupt_deflate(path: Path) -> Path:
    parts = minimal_xlsx_parts()
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r * 7919 % 1000}</v></c></row>' for r in range(1, 400))
    parts["xl/worksheets/sheet1.xml"] = (
        XML_DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()
    data = bytearray(xlsx_bytes(parts))
    start = local_offset(bytes(data), "xl/worksheets/sheet1.xml") + 30 + len("xl/worksheets/sheet1.xml")
    for i in range(start + 40, start + 60):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _truncated(path: Path) -> Path:
    data = xlsx_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _truncated_sheet_xml(path: Path) -> Path:
    return _with_part("xl/worksheets/sheet1.xml", SHEET[: len(SHEET) // 2])(path)


def _zip_bomb(path: Path) -> Path:
    """20 MB of whitespace inside <sheetData>, about 20 kB on disk (ratio ~1000:1)."""
    body = (XML_DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData>').encode() + b" " * (20 << 20) + (
        b"</sheetData></worksheet>"
    )
    return _with_part("xl/worksheets/sheet1.xml", body)(path)


def _huge_declared(path: Path) -> Path:
    """A part declaring 3 GB uncompressed (never actually built)."""
    data = patch_central(xlsx_bytes(), "xl/sharedStrings.xml", size=3_000_000_000)
    path.write_bytes(data)
    return path


def _lying_size(path: Path) -> Path:
    """A part declaring 100 bytes that really inflates to 2 MB."""
    body = (XML_DECL + f'<sst xmlns="{MAIN_NS}"><si><t>').encode() + b"a" * (2 << 20) + b"</t></si></sst>"
    parts = minimal_xlsx_parts()
    parts["xl/sharedStrings.xml"] = body
    path.write_bytes(patch_central(xlsx_bytes(parts), "xl/sharedStrings.xml", size=100))
    return path


def _many_entries(path: Path) -> Path:
    parts = list(minimal_xlsx_parts().items())
    parts += [(f"xl/media/empty{i}.bin", b"") for i in range(2_100)]
    return write_zip(path, parts, compression=zipfile.ZIP_STORED)


def _duplicate(path: Path, *, other_case: bool = False) -> Path:
    parts = list(minimal_xlsx_parts().items())
    second = "XL/SharedStrings.xml" if other_case else "xl/sharedStrings.xml"
    parts.append((second, SHARED_STRINGS.replace("1540 Committee", "Hidden").encode()))
    return write_zip(path, parts)


# --- other file types ------------------------------------------------------------------


def cfb_bytes(stream_names: Iterable[str]) -> bytes:
    """A minimal Compound File (OLE2) whose directory holds ``stream_names`` (empty streams)."""
    names = ["Root Entry", *stream_names]
    sector = 512
    directory = bytearray()
    for index, name in enumerate(names):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if index == 0 else 2  # root storage / stream
        struct.pack_into("<III", entry, 68, 0xFFFFFFFF, 0xFFFFFFFF, 1 if index == 0 and len(names) > 1 else 0xFFFFFFFF)
        if index:
            # chain the streams as right siblings so the tree is well formed enough
            right = index + 1 if index + 1 < len(names) else 0xFFFFFFFF
            struct.pack_into("<I", entry, 72, right)
        struct.pack_into("<I", entry, 116, 0xFFFFFFFE)
        directory += entry
    dir_sectors = max(1, -(-len(directory) // sector))
    directory += b"\x00" * (dir_sectors * sector - len(directory))
    fat = [0xFFFFFFFD] + [i + 2 for i in range(1, dir_sectors)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<II", header, 44, 1, 1)  # one FAT sector; directory starts at sector 1
    struct.pack_into("<IIIII", header, 56, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    difat = [0] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header) + struct.pack(f"<{sector // 4}I", *fat) + bytes(directory)


def _bytes(data: bytes) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return build


def _ods(path: Path) -> Path:
    return write_zip(path, [
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
                        b'opendocument:xmlns:office:1.0"/>'),
        ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest/>'),
    ], compression=zipfile.ZIP_STORED)


def _docx(path: Path) -> Path:
    types = (XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ROOT_RELS.replace("xl/workbook.xml", "word/document.xml")
    doc = XML_DECL + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    return write_zip(path, {"[Content_Types].xml": types.encode(), "_rels/.rels": rels.encode(),
                            "word/document.xml": doc.encode()})


def _xlsb(path: Path) -> Path:
    parts = minimal_xlsx_parts(workbook_type="application/vnd.ms-excel.sheet.binary.macroEnabled.main")
    parts["_rels/.rels"] = ROOT_RELS.replace("xl/workbook.xml", "xl/workbook.bin").encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"/xl/workbook.xml", b"/xl/workbook.bin")
    del parts["xl/workbook.xml"]
    parts["xl/workbook.bin"] = b"\x83\x01\x00\x80\x01"
    return write_zip(path, parts)


def _plain_zip(path: Path) -> Path:
    return write_zip(path, {"readme.txt": b"minutes of the meeting", "photo.jpg": b"\xff\xd8\xff\xe0"})


def _zip_in_zip(path: Path) -> Path:
    return write_zip(path, {"Narnia matrix.xlsx": xlsx_bytes()})


def _strict(path: Path) -> Path:
    strict_main = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    strict_rel = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    parts = minimal_xlsx_parts()
    parts["xl/workbook.xml"] = (XML_DECL + f'<workbook xmlns="{strict_main}" xmlns:r="{strict_rel}">'
                                '<sheets><sheet name="OP1" sheetId="1" r:id="rId1"/></sheets></workbook>').encode()
    parts["xl/worksheets/sheet1.xml"] = SHEET.replace(MAIN_NS, strict_main).encode()
    parts["xl/sharedStrings.xml"] = SHARED_STRINGS.replace(MAIN_NS, strict_main).encode()
    parts["_rels/.rels"] = ROOT_RELS.replace(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
        f"{strict_rel}/officeDocument").encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        REL_NS.encode(), strict_rel.encode())
    return write_zip(path, parts)


def _sheetless(path: Path) -> Path:
    body = XML_DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets/></workbook>'
    return _with_part("xl/workbook.xml", body)(path)


def _chart_only(path: Path) -> Path:
    parts = minimal_xlsx_parts()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"/worksheet\" Target=\"worksheets/sheet1.xml", b"/chartsheet\" Target=\"chartsheets/sheet1.xml")
    parts["xl/chartsheets/sheet1.xml"] = (XML_DECL + f'<chartsheet xmlns="{MAIN_NS}"/>').encode()
    return write_zip(path, parts)


def _missing_sheet(path: Path) -> Path:
    parts = minimal_xlsx_parts()
    del parts["xl/worksheets/sheet1.xml"]
    return write_zip(path, parts)


def _xlsm(path: Path) -> Path:
    parts = minimal_xlsx_parts(
        workbook_type=XLSM_TYPE,
        extra_rels='<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/'
                   'vbaProject" Target="vbaProject.bin"/>')
    parts["xl/vbaProject.bin"] = cfb_bytes(["VBA", "PROJECT"])
    return write_zip(path, parts)


def _external_link(path: Path) -> Path:
    parts = minimal_xlsx_parts(
        extra_rels=f'<Relationship Id="rId8" Type="{REL_NS}/externalLink" Target="externalLinks/externalLink1.xml"/>')
    parts["xl/externalLinks/externalLink1.xml"] = (
        XML_DECL + f'<externalLink xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><externalBook r:id="rId1"/></externalLink>'
    ).encode()
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/externalLinkPath" Target="file:///\\\\srv\\share\\secret.xlsx" TargetMode="External"/>'
        "</Relationships>"
    ).encode()
    return write_zip(path, parts)


def _hyperlinked(path: Path) -> Path:
    """A cell hyperlink to a law's web page: ordinary, accepted without any note."""
    parts = minimal_xlsx_parts()
    parts["xl/worksheets/sheet1.xml"] = SHEET.replace(
        "</sheetData>", '</sheetData><hyperlinks><hyperlink ref="A1" r:id="rId1"/></hyperlinks>').replace(
        f'<worksheet xmlns="{MAIN_NS}">', f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">').encode()
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/hyperlink" '
        'Target="https://example.org/law" TargetMode="External"/></Relationships>').encode()
    return write_zip(path, parts)


def _utf16_part(dtd: str) -> Callable[[Path], Path]:
    text = SHARED_STRINGS.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    head, sep, rest = text.partition("?>\n")
    return _with_part("xl/sharedStrings.xml", (head + sep + dtd + rest).encode("utf-16"))


def _dtd_in_odd_named_part(path: Path) -> Path:
    """A worksheet stored under a non-.xml name (allowed by OPC), carrying a DTD."""
    parts = minimal_xlsx_parts()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet1.xml", b"worksheets/sheet1.dat")
    sheet = parts.pop("xl/worksheets/sheet1.xml").decode()
    head, sep, rest = sheet.partition("?>\n")
    parts["xl/worksheets/sheet1.dat"] = (head + sep + BILLION_LAUGHS_DTD + rest).encode()
    return write_zip(path, parts)


def _control_name(path: Path) -> Path:
    """A DTD in a part whose name holds a newline and an escape sequence (message injection)."""
    parts = minimal_xlsx_parts()
    parts["xl/evil\nTraceback (most recent call last):\x1b[31m.xml"] = (
        XML_DECL + '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>').encode()
    return write_zip(path, parts)


def _lock_file(path: Path) -> Path:
    lock = path.with_name("~$" + path.name)
    lock.write_bytes(b"\x0bJane Expert" + b" " * 40 + b"\x00" * 110)
    return lock


def _folder(path: Path) -> Path:
    folder = path.with_suffix("")
    folder.mkdir()
    return folder


def _missing(path: Path) -> Path:
    return path.with_name("no-such-matrix.xlsx")


# --- second round (issue 13): parser differentials and growth ------------------------------


def _sheet_with(cells: str, rows_attr: str = 'r="1"', tail: str = "") -> Callable[[Path], Path]:
    body = (XML_DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData><row {rows_attr}>{cells}</row>'
            f"</sheetData>{tail}</worksheet>")
    return _with_part("xl/worksheets/sheet1.xml", body)


def _cell_at(ref: str) -> Callable[[Path], Path]:
    return _sheet_with(f'<c r="A1" t="s"><v>0</v></c><c r="{ref}"><v>1</v></c>')


def _row_at(number: str) -> Callable[[Path], Path]:
    return _sheet_with('<c r="A1" t="s"><v>0</v></c>', rows_attr=f'r="{number}"')


def _two_sheets_one_name(path: Path) -> Path:
    parts = minimal_xlsx_parts()
    parts["xl/workbook.xml"] = (
        XML_DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="OP1" sheetId="1" '
        'r:id="rId1"/><sheet name="op1" sheetId="2" r:id="rId1"/></sheets></workbook>'
    ).encode()
    return write_zip(path, parts)


def _many_merges(count: int) -> Callable[[Path], Path]:
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, count + 1))
    return _sheet_with('<c r="A1" t="s"><v>0</v></c>', tail=f'<mergeCells count="{count}">{merges}</mergeCells>')


def _rich_text_string(runs: int) -> Callable[[Path], Path]:
    """One shared string built from many small rich-text runs (each under the token bound)."""
    words = random.Random(13)
    text = "".join(f"<r><rPr><b/></rPr><t>{''.join(words.choices('abcdefgh ', k=60))}</t></r>" for _ in range(runs))
    sst = XML_DECL + f'<sst xmlns="{MAIN_NS}" count="2" uniqueCount="2"><si>' + text + "</si><si><t>X</t></si></sst>"
    return _with_part("xl/sharedStrings.xml", sst)


def _inline_rich_text(runs: int) -> Callable[[Path], Path]:
    words = random.Random(14)
    text = "".join(f"<r><t>{''.join(words.choices('ijklmnop ', k=60))}</t></r>" for _ in range(runs))
    return _sheet_with(f'<c r="A1" t="inlineStr"><is>{text}</is></c>')


def _concatenated(path: Path) -> Path:
    """Two archives in one file: zipfile reads the last one, a reader from the start the first."""
    hostile = xlsx_bytes(minimal_xlsx_parts() | {"xl/worksheets/sheet1.xml": SHEET.replace("42", "666").encode()})
    path.write_bytes(hostile + xlsx_bytes())
    return path


def _eocd_in_comment(path: Path) -> Path:
    """A second end record hidden in the comment of the first (points at the same directory)."""
    data = xlsx_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    fake = data[eocd:eocd + 20] + b"\x00\x00"  # the same record, without a comment
    comment = b"see attached " + fake
    path.write_bytes(data[:eocd + 20] + struct.pack("<H", len(comment)) + comment)
    return path


def _prefixed(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 508 + xlsx_bytes())  # data before the first entry
    return path


def _trailing(path: Path) -> Path:
    path.write_bytes(xlsx_bytes() + b"hidden payload after the end record")
    return path


def _gap_between_entries(path: Path) -> Path:
    """Bytes inserted between two entries, with every later offset moved to match."""
    data = xlsx_bytes()
    at = local_offset(data, "xl/worksheets/sheet1.xml")
    junk = b"PK\x03\x04 a hidden entry a streaming reader would see"
    shifted = bytearray(data[:at] + junk + data[at:])
    eocd = bytes(shifted).rindex(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", shifted, eocd + 16)[0]
    struct.pack_into("<I", shifted, eocd + 16, cd_offset + len(junk))
    for pos in _central_records(bytes(shifted)):
        offset = struct.unpack_from("<I", shifted, pos + 42)[0]
        if offset >= at:
            struct.pack_into("<I", shifted, pos + 42, offset + len(junk))
    path.write_bytes(bytes(shifted))
    return path


def _local_method_differs(path: Path) -> Path:
    """The local header says 'stored' where the directory says 'deflated'."""
    data = bytearray(xlsx_bytes())
    at = local_offset(bytes(data), "xl/sharedStrings.xml")
    struct.pack_into("<H", data, at + 8, 0)
    path.write_bytes(bytes(data))
    return path


def _local_name_differs(path: Path) -> Path:
    data = bytearray(xlsx_bytes())
    at = local_offset(bytes(data), "xl/styles.xml")
    data[at + 30: at + 30 + len("xl/styles.xml")] = b"xl/stylez.xml"
    path.write_bytes(bytes(data))
    return path


def _count_differs(path: Path) -> Path:
    data = bytearray(xlsx_bytes())
    eocd = bytes(data).rindex(b"PK\x05\x06")
    count = struct.unpack_from("<H", data, eocd + 10)[0]
    struct.pack_into("<HH", data, eocd + 8, count - 1, count - 1)
    path.write_bytes(bytes(data))
    return path


def _streamed(path: Path) -> Path:
    """Written to a pipe-like stream: every entry has a data descriptor (as some writers do)."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: Any) -> int:
            self.buffer += bytes(b)
            return len(b)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
        for name, data in minimal_xlsx_parts().items():
            archive.writestr(name, data)
    path.write_bytes(bytes(sink.buffer))
    return path


QUADRATIC_DTD = '<!DOCTYPE x [<!ENTITY a "' + "A" * 100_000 + '">]>'
QUADRATIC_SST = (
    XML_DECL + f'<sst xmlns="{MAIN_NS}" count="2" uniqueCount="2"><si><t>' + "&a;" * 50_000
    + "</t></si><si><t>X</t></si></sst>"
)
# 60 kB on disk and in the part (below Limits.ratio_grace_bytes), 300 MB once expanded.
SMALL_QUADRATIC_DTD = '<!DOCTYPE x [<!ENTITY a "' + "A" * 30_000 + '">]>'
SMALL_QUADRATIC_SST = QUADRATIC_SST.replace("&a;" * 50_000, "&a;" * 10_000)
XXE_FILE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_HTTP = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/leak">]>'
XXE_PARAM = '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'
SST_WITH_REF = (
    XML_DECL + f'<sst xmlns="{MAIN_NS}" count="2" uniqueCount="2"><si><t>&xxe;</t></si><si><t>X</t></si></sst>'
)
RANDOM = random.Random(1540).randbytes(4096)


@dataclass(frozen=True)
class HostileCase:
    """One row of checklist A: how to build the file and what the pre-flight check must say."""

    name: str
    row: str  # checklist A row, e.g. "A13"
    build: Callable[[Path], Path]  # gets a suggested path in tmp_path, returns the file to check
    code: str | None  # expected refusal code; None = accepted
    notes: tuple[str, ...] = field(default=())  # expected note codes when accepted
    kind: str = "xlsx"


CASES: tuple[HostileCase, ...] = (
    HostileCase("missing file", "-", _missing, "input-not-found"),
    HostileCase("folder instead of file", "-", _folder, "input-unreadable"),
    HostileCase("excel lock file", "A42", _lock_file, "lock-file"),
    HostileCase("empty file", "A1", _bytes(b""), "input-empty"),
    HostileCase("random bytes", "A2", _bytes(RANDOM if not RANDOM.startswith(b"PK") else b"\x00" + RANDOM),
                "not-a-workbook"),
    HostileCase("csv renamed", "A3", _bytes(b"Country,OP1,Status\r\nNarnia,npt,X\r\n"), "csv-file"),
    HostileCase("csv with bom and semicolons", "A3", _bytes("\ufeffPays;Statut\nNarnia;X\n".encode()), "csv-file"),
    HostileCase("html export renamed", "A4",
                _bytes(b"<html><head><meta charset='utf-8'></head><body><table><tr><td>X</td></tr>"
                       b"</table></body></html>"), "html-file"),
    HostileCase("utf16 html export renamed", "A4",
                _bytes("<html><body><table><tr><td>X</td></tr></table></body></html>".encode("utf-16")),
                "html-file"),
    HostileCase("plain text renamed", "A2", _bytes(b"Please find attached our matrix.\n"), "text-file"),
    HostileCase("xml spreadsheet 2003", "A2",
                _bytes(b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns='
                       b'"urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'), "xml-spreadsheet-2003"),
    HostileCase("pdf", "A2", _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), "pdf-file"),
    HostileCase("legacy xls", "A5", _bytes(cfb_bytes(["Workbook", "\x05SummaryInformation"])), "legacy-xls"),
    HostileCase("legacy excel 5 xls", "A5", _bytes(cfb_bytes(["Book"])), "legacy-xls"),
    HostileCase("encrypted ooxml", "A6",
                _bytes(cfb_bytes(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])), "encrypted-workbook"),
    HostileCase("encrypted ooxml with damaged directory", "A6",
                _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le")
                       + b"\x00" * 100), "encrypted-workbook"),
    HostileCase("word 97 document", "A8", _bytes(cfb_bytes(["WordDocument", "1Table"])), "not-a-workbook"),
    HostileCase("ods", "A7", _ods, "ods-file"),
    HostileCase("docx renamed", "A8", _docx, "not-a-workbook"),
    HostileCase("xlsb", "A8", _xlsb, "xlsb-file"),
    HostileCase("plain zip", "A8", _plain_zip, "not-a-workbook"),
    HostileCase("zip containing an xlsx", "A9", _zip_in_zip, "zip-archive"),
    HostileCase("truncated zip", "A10", _truncated, "zip-corrupt"),
    HostileCase("corrupt central directory", "A10", _corrupt_central_directory, "zip-corrupt"),
    HostileCase("corrupt deflate stream", "A11", _corrupt_deflate, "zip-corrupt"),
    HostileCase("truncated sheet xml", "A12", _truncated_sheet_xml, "xml-malformed"),
    HostileCase("billion laughs in sharedStrings", "A13", _with_dtd("xl/sharedStrings.xml", BILLION_LAUGHS_DTD),
                "xml-dtd"),
    HostileCase("billion laughs in sheet", "A13", _with_dtd("xl/worksheets/sheet1.xml", BILLION_LAUGHS_DTD),
                "xml-dtd"),
    HostileCase("billion laughs in workbook", "A13", _with_dtd("xl/workbook.xml", BILLION_LAUGHS_DTD), "xml-dtd"),
    HostileCase("billion laughs in rels", "A13", _with_dtd("_rels/.rels", BILLION_LAUGHS_DTD), "xml-dtd"),
    HostileCase("billion laughs in core properties", "A13", _with_dtd("docProps/core.xml", BILLION_LAUGHS_DTD),
                "xml-dtd"),
    HostileCase("billion laughs in content types", "A13", _with_dtd("[Content_Types].xml", BILLION_LAUGHS_DTD),
                "xml-dtd"),
    HostileCase("dtd in a part not named .xml", "A13", _dtd_in_odd_named_part, "xml-dtd"),
    HostileCase("quadratic blowup", "A14", _with_dtd("xl/sharedStrings.xml", QUADRATIC_DTD, QUADRATIC_SST),
                "zip-compression-ratio"),
    HostileCase("quadratic blowup under the ratio grace size", "A14",
                _with_dtd("xl/sharedStrings.xml", SMALL_QUADRATIC_DTD, SMALL_QUADRATIC_SST), "xml-dtd"),
    HostileCase("xxe file", "A15", _with_dtd("xl/sharedStrings.xml", XXE_FILE, SST_WITH_REF), "xml-dtd"),
    HostileCase("xxe http", "A15", _with_dtd("xl/sharedStrings.xml", XXE_HTTP, SST_WITH_REF), "xml-dtd"),
    HostileCase("xxe parameter entity", "A15", _with_dtd("xl/workbook.xml", XXE_PARAM), "xml-dtd"),
    HostileCase("harmless internal entity", "A16",
                _with_dtd("xl/sharedStrings.xml", '<!DOCTYPE x [<!ENTITY c "Country">]>'), "xml-dtd"),
    HostileCase("utf16 part with dtd", "A17", _utf16_part(BILLION_LAUGHS_DTD), "xml-dtd"),
    HostileCase("zip bomb", "A18", _zip_bomb, "zip-compression-ratio"),
    HostileCase("huge declared size", "A18", _huge_declared, "zip-too-large-uncompressed"),
    # The directory and the local header disagree on the size: one file, two readings.
    HostileCase("declared small inflates huge", "A19", _lying_size, "zip-ambiguous"),
    HostileCase("overlapping entries", "A20", _overlapping, "zip-overlapping-entries"),
    HostileCase("quoted overlap", "A20", _quoted_overlap, "zip-overlapping-entries"),
    HostileCase("too many entries", "A21", _many_entries, "zip-too-many-entries"),
    HostileCase("duplicate entry", "A22", _duplicate, "zip-duplicate-entry"),
    HostileCase("duplicate entry other case", "A22", lambda p: _duplicate(p, other_case=True), "zip-duplicate-entry"),
    HostileCase("encrypted entry flag", "-", _patched(**{"xl/sharedStrings.xml": {"flag": 1}}), "zip-encrypted-entry"),
    HostileCase("strict ooxml", "A29", _strict, "strict-ooxml"),
    HostileCase("no sheets", "A30", _sheetless, "no-worksheets"),
    HostileCase("chart sheets only", "A30", _chart_only, "no-worksheets"),
    HostileCase("sheet part missing", "A28", _missing_sheet, "workbook-part-missing"),
    HostileCase("control characters in a part name", "-", _control_name, "xml-dtd"),
    HostileCase("xlsm with macros", "A31", _xlsm, None, ("macros-present",), "xlsm"),
    HostileCase("external link", "A32", _external_link, None, ("external-links-present",)),
    HostileCase("cell hyperlink", "A33", _hyperlinked, None),
    HostileCase("utf16 part without dtd", "A17", _utf16_part(""), None),
    HostileCase("minimal workbook", "-", lambda p: write_zip(p, minimal_xlsx_parts()), None),
    # Issue 13, class 1: the pre-flight check and the reader must see the same file.
    HostileCase("cell reference with 4 column letters", "-", _cell_at("ZZZZ7999"), "cell-reference-invalid"),
    HostileCase("cell reference with 7 column letters", "-", _cell_at("AAAAAAA1"), "cell-reference-invalid"),
    HostileCase("cell reference beyond column XFD", "-", _cell_at("XFE1"), "cell-reference-invalid"),
    HostileCase("cell reference beyond row 1048576", "-", _cell_at("A1048577"), "cell-reference-invalid"),
    HostileCase("cell reference row 0", "-", _cell_at("B0"), "cell-reference-invalid"),
    HostileCase("cell reference without letters", "-", _cell_at("77"), "cell-reference-invalid"),
    HostileCase("cell reference with 10 digits", "-", _cell_at("A1000000000"), "cell-reference-invalid"),
    HostileCase("row reference 0", "-", _row_at("0"), "cell-reference-invalid"),
    HostileCase("row reference with letters", "-", _row_at("A1"), "cell-reference-invalid"),
    HostileCase("last cell of the grid", "-", _cell_at("XFD1048576"), None),
    HostileCase("two zip archives in one file", "-", _concatenated, "zip-ambiguous"),
    # zipfile itself takes the record in the comment and finds no directory there: refused too.
    HostileCase("second end record in the comment", "-", _eocd_in_comment, "zip-corrupt"),
    HostileCase("data before the first entry", "-", _prefixed, "zip-ambiguous"),
    HostileCase("data after the end record", "-", _trailing, "zip-ambiguous"),
    HostileCase("data between entries", "-", _gap_between_entries, "zip-ambiguous"),
    HostileCase("local header method differs", "-", _local_method_differs, "zip-ambiguous"),
    HostileCase("local header name differs", "-", _local_name_differs, "zip-ambiguous"),
    HostileCase("entry count differs", "-", _count_differs, "zip-ambiguous"),
    HostileCase("entries with data descriptors", "-", _streamed, None),
    HostileCase("sheet names differing only in case", "-", _two_sheets_one_name, "sheet-names-duplicate"),
    # Class 4: growth. Every per-file cost is bounded; over a bound, refused with its code.
    HostileCase("20000 merged ranges", "-", _many_merges(20_000), "too-many-merged-ranges"),
    HostileCase("500 merged ranges", "-", _many_merges(500), None),
    HostileCase("one shared string of 1.6 MB in rich-text runs", "-", _rich_text_string(20_000),
                "cell-text-too-long"),
    HostileCase("one inline string in rich-text runs", "-", _inline_rich_text(20_000), "cell-text-too-long"),
    HostileCase("a shared string of 500 rich-text runs", "-", _rich_text_string(500), None),
)

REFUSED = tuple(case for case in CASES if case.code is not None)
ACCEPTED = tuple(case for case in CASES if case.code is None)
