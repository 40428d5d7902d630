"""Cutting a large file of many records (a registry's whole export) into parts that workers read alone and at once.

A part is a byte range that begins at a record, with the index in the file of its first record and the number of
records it holds, so every record keeps the index it has in the whole file. A layout that can be cut offers
`record_starts(blocks) -> Iterator[int]`: the byte offset of each record, found the way its `parse` finds them, so
a part's parse yields exactly the records counted in it (the worker checks). Every part after the first is read
after the file's head (the bytes before its first record: an XML declaration and root, a CSV header, a JSON
array's `[`), so it parses as the whole file would; a layout whose parts would still be left open (a JSON array
cut after a study's `,`) also offers `close_part(text) -> str`, which closes them.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from transforms.decode import MIXED_UTF8, MIXED_UTF8_BOM, decode
from transforms.errors import TrialhouseError
from transforms.layouts import by_name, detect_layout
from transforms.offsets import Uncuttable

HEAD_BYTES = 1 << 20  # the part of the file its layout is detected from (a first CSV row may be long)
# Encodings in which markup, separators and registry IDs are the same bytes as in ASCII, so a byte search finds them.
ASCII_COMPATIBLE = frozenset({"ascii", "utf-8", "utf-8-bom", "cp1252", "latin-1", MIXED_UTF8, MIXED_UTF8_BOM})


@dataclass(frozen=True, slots=True)
class Part:
    """Records `first_index` to `first_index + records - 1` of a file, in its bytes `first_byte` to `end_byte`."""

    layout: str
    number: int  # 0-based
    of: int  # how many parts the file has
    first_byte: int
    end_byte: int
    first_index: int
    records: int
    head_bytes: int  # the bytes at the file's start read before this part (none for the first part)

    def name(self, rel: str) -> str:
        """The part as errors name it: the file, then which part (record positions in errors count from it)."""
        return f"{rel} (part {self.number + 1} of {self.of}, bytes {self.first_byte:,}–{self.end_byte:,})"


def layout_of_head(head: bytes) -> str | None:
    """The name of the layout a file with this head can be cut by, or None (not one, or not in an ASCII-compatible
    encoding, or not text at all: then the file is read whole and any error is reported as usual)."""
    cut = head[:HEAD_BYTES]
    cut = cut[:cut.rfind(b"\n") + 1] or cut  # not in the middle of a line (nor of a character)
    try:
        decoded = decode(cut)
    except TrialhouseError:
        return None
    layout = detect_layout(decoded.text)
    if layout is None or decoded.encoding not in ASCII_COMPATIBLE or not hasattr(layout, "record_starts"):
        return None
    return str(layout.NAME)


def cut_parts(layout: str, blocks: Iterable[bytes], size: int, part_bytes: int, workers: int = 1) -> list[Part]:
    """The parts of a file of `size` bytes read as `blocks`, each beginning at a record, at most about `part_bytes`
    and as many as a multiple of `workers` (so that they keep every worker busy to the end); none when the file is
    no bigger than one part or holds too few records to cut."""
    wanted = -(-size // max(part_bytes, 1))
    if wanted < 2:
        return []
    wanted = -(-wanted // max(workers, 1)) * max(workers, 1)
    starts: Iterator[int] = by_name(layout).record_starts(blocks)
    try:
        first = next(starts, None)
        if first is None:
            return []
        bounds, counts = [0], [1]  # each part's first byte and how many records it holds (the first: the head too)
        next_cut = first + max((size - first) // wanted, 1)
        for start in starts:
            if start >= next_cut and len(bounds) < wanted:
                bounds.append(start)
                counts.append(0)
                next_cut = start + max((size - start) // (wanted - len(bounds) + 1), 1)  # the rest shared evenly
            counts[-1] += 1
    except Uncuttable:
        return []  # read whole: the parse finds what it can of its records
    if len(bounds) < 2:
        return []
    ends = [*bounds[1:], size]
    firsts = [0, *accumulate(counts[:-1])]
    return [Part(layout, n, len(bounds), bounds[n], ends[n], firsts[n], counts[n], first if n else 0)
            for n in range(len(bounds))]
