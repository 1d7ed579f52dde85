"""Bounds on what reading one workbook may cost (untrusted-input.md, "Bound the parser").

A real 1540 matrix has 11 sheets of at most a few dozen rows and under ten columns; these
limits leave a wide margin and turn anything beyond them into a finding or a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024  # a filled matrix is ~50-200 kB
    max_zip_entries: int = 2_000
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: float = 200.0  # per entry, for entries above a few kB
    max_sheets: int = 100
    max_rows_read: int = 20_000  # rows read per sheet (a table has < 100); data below is reported, not read
    max_cols_read: int = 60
    max_shared_strings: int = 1_000_000  # declared count; a matrix has a few hundred
    max_cell_chars: int = 32_767  # Excel's own limit per cell
    ratio_grace_bytes: int = 100 * 1024  # the ratio is not checked below this size (as Apache POI)
    max_xml_token_bytes: int = 8 * 1024 * 1024  # one text node or tag (expat < 2.6 is slow on long tokens)
    long_text_chars: int = 5_000  # longer text is a validation warning
    max_merged_ranges: int = 10_000  # per workbook; a matrix has a few dozen
    # One string (a shared string or an inline cell string) as XML, runs and markup included:
    # 8 characters of XML per character of text leaves room for rich text and &amp; escapes.
    max_string_xml_chars: int = 8 * 32_767


DEFAULT_LIMITS = Limits()
