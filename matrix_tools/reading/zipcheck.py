"""Refuse ZIP files that two readers could read differently, before any parser runs.

A ZIP can be read from its end (the central directory: Python's ``zipfile``, the Rust
reader inside python-calamine) or from its start (the local headers: streaming readers), and
a reader may take the first or the last end record it finds. A file that Excel, LibreOffice
or a ZIP library wrote has one reading only: entries one after another from byte 0, then the
central directory, then one end record (and its comment) up to the last byte. Anything else
is a parser differential waiting to happen (the pre-flight check would judge one archive and
the reader open another), so it is refused with ``zip-ambiguous``:

- more than one end-of-central-directory record, or bytes after the one that counts;
- data before the first entry, between entries, or between the last entry and the directory;
- an end record whose entry count, offset or size disagrees with the directory;
- a central directory and local headers that disagree (name, method, encryption, data
  descriptor, and CRC and sizes when the local header carries them).

Zip64 archives (over 4 GB or 65,535 entries) are far beyond any matrix and the size limits,
so their extra records are not interpreted here: the limits refuse them first.
"""

from __future__ import annotations

import struct
import zipfile
from typing import IO

from matrix_tools.reading.sniff import DAMAGED, Refused, show

EOCD_SIGNATURE = b"PK\x05\x06"
EOCD_SIZE = 22
EOCD_SEARCH = 65_535 + EOCD_SIZE  # the window readers search (the comment is at most 65,535 bytes)
LOCAL_SIGNATURE = b"PK\x03\x04"
DESCRIPTOR_SIGNATURE = b"PK\x07\x08"
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_AMBIGUOUS = "its ZIP structure can be read in more than one way (a known trick to show one file to a " \
             "checker and another to the reader): refused for safety; " + DAMAGED


def check_structure(fp: IO[bytes], infos: list[zipfile.ZipInfo], file_size: int) -> None:
    """Raise ``Refused("zip-ambiguous")`` unless the file has exactly one reading (see module doc).

    Cost: one read of the last 64 kB and one of each local header (30 bytes + name).
    """
    eocd_at, entries, cd_size, cd_offset = _end_record(fp, file_size)
    if eocd_at >= 20:
        fp.seek(eocd_at - 20)
        if fp.read(4) == ZIP64_LOCATOR_SIGNATURE:
            return  # Zip64: refused by the size and entry limits before this matters
    if entries != len(infos) or cd_offset + cd_size != eocd_at:
        raise Refused("zip-ambiguous", f"the file's end record does not match its directory: {_AMBIGUOUS}")
    position = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset != position:
            where = "before the first part" if position == 0 else f"before the part {show(info.filename)}"
            raise Refused("zip-ambiguous", f"the file has hidden data {where}: {_AMBIGUOUS}")
        position = _local_entry_end(fp, info)
    if position != cd_offset:
        raise Refused("zip-ambiguous", f"the file has hidden data before its directory: {_AMBIGUOUS}")


def _end_record(fp: IO[bytes], file_size: int) -> tuple[int, int, int, int]:
    """Where the one end record is, and its entry count, directory size and offset."""
    start = max(0, file_size - EOCD_SEARCH)
    fp.seek(start)
    tail = fp.read()
    found = []
    at = tail.find(EOCD_SIGNATURE)
    while at >= 0:
        found.append(at)
        at = tail.find(EOCD_SIGNATURE, at + 1)
    plausible = [at for at in found if _plausible(tail, at, start)]
    if not plausible:
        raise Refused("zip-corrupt", f"the file's ZIP end record is missing or damaged: {DAMAGED}")
    last = plausible[-1]  # the one Python's zipfile takes
    if len(plausible) > 1:
        raise Refused("zip-ambiguous", f"the file has {len(plausible)} ZIP end records: {_AMBIGUOUS}")
    _, _, _, _, entries, cd_size, cd_offset, comment = struct.unpack_from("<4s4HIIH", tail, last)
    if last + EOCD_SIZE + comment != len(tail):
        raise Refused("zip-ambiguous", f"the file has data after its ZIP end record: {_AMBIGUOUS}")
    return start + last, entries, cd_size, cd_offset


def _plausible(tail: bytes, at: int, start: int) -> bool:
    """Whether the signature at ``at`` starts an end record a reader could take (not random bytes)."""
    if at + EOCD_SIZE > len(tail):
        return False
    _, disk, cd_disk, here, entries, cd_size, cd_offset, _ = struct.unpack_from("<4s4HIIH", tail, at)
    if (disk, cd_disk) == (0xFFFF, 0xFFFF):
        return True  # Zip64 placeholders
    return bool(disk == 0 and cd_disk == 0 and here == entries and cd_offset + cd_size <= start + at)


def _local_entry_end(fp: IO[bytes], info: zipfile.ZipInfo) -> int:
    """The offset just after the entry (header, name, extra, data, descriptor); refuses a local
    header that disagrees with the central directory."""
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) < 30 or header[:4] != LOCAL_SIGNATURE:
        raise Refused("zip-corrupt", f"the part {show(info.filename)} has a damaged header: {DAMAGED}")
    (flags, method, crc, csize, usize, name_len, extra_len) = struct.unpack_from("<2xHH4xIIIHH", header, 4)
    name = fp.read(name_len)
    central_name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    disagree = (
        method != info.compress_type
        or (flags ^ info.flag_bits) & 0x9  # encryption (bit 0) or data descriptor (bit 3)
        or (name != central_name and name.replace(b"\\", b"/") != central_name.replace(b"\\", b"/"))
        # 0xFFFFFFFF (a Zip64 marker) is no exception: a workbook is far below 4 GB and the
        # central directory then holds the real sizes, so a local header must say the same
        or (not flags & 0x8 and (crc, csize, usize) != (info.CRC, info.compress_size, info.file_size))
    )
    if disagree:
        raise Refused(
            "zip-ambiguous",
            f"the part {show(info.filename)} is described differently in two places of the file: {_AMBIGUOUS}",
        )
    end = int(info.header_offset + 30 + name_len + extra_len + info.compress_size)
    if flags & 0x8:  # a data descriptor follows: CRC and sizes, with or without its signature
        fp.seek(end)
        end += 16 if fp.read(4) == DESCRIPTOR_SIGNATURE else 12
    return end
