"""Byte offsets in a file read as a stream of blocks: where a layout's records begin, found without holding the file."""
from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from transforms.csv_cells import allow_long_cells


def pattern_starts(pattern: re.Pattern[bytes], longest: int, blocks: Iterable[bytes]) -> Iterator[int]:
    """The offset of every match of `pattern` in the blocks joined, for a pattern whose matches never overlap and
    are at most `longest` bytes: each block is searched after the tail of the one before it that a match could
    still start in."""
    base, carry = 0, b""  # `carry` is the text from offset `base` on that is not searched to its end yet
    for block in blocks:
        text = carry + block
        stop = max(len(text) - longest, 0)  # a match that starts before `stop` ends inside `text`
        for found in pattern.finditer(text, 0, len(text)):
            if found.start() >= stop:
                break
            yield base + found.start()
        carry, base = text[stop:], base + stop
    for found in pattern.finditer(carry):
        yield base + found.start()


def head_of(blocks: Iterable[bytes], enough: Callable[[bytes], bool]) -> tuple[bytes, Iterator[bytes]]:
    """The first blocks joined, as far as `enough` of them (or all there are), and every block again from the first:
    what a cutter reads before it knows how the file is laid out (a CSV header, a JSON array's opening)."""
    stream, head = iter(blocks), b""
    for block in stream:
        head += block
        if enough(head):
            break
    return head, chain([head], stream)


class Uncuttable(ValueError):
    """The file's records cannot be told apart without reading it whole (a broken row, a quote left open)."""


def csv_rows(blocks: Iterable[bytes], delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(offset, cells) of each row as the csv module reads it, the cells read as Latin-1 (byte for byte, so only
    what is ASCII in them is meaningful); a row the csv module cannot read raises Uncuttable."""
    allow_long_cells()
    feed = _ByteLines(blocks)
    reader = csv.reader(feed, delimiter=delimiter)
    while True:
        start = feed.consumed
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Uncuttable(f"row at byte {start:,}: {exc}") from exc
        yield start, cells


class _ByteLines:
    """The lines of blocks of bytes as Latin-1 text, counting the bytes handed out (a UTF-8 byte-order mark is
    counted, not handed out)."""

    def __init__(self, blocks: Iterable[bytes]):
        self._lines = self._split(blocks)
        self.consumed = 0

    def __iter__(self) -> _ByteLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        text = line[3:] if self.consumed == 0 and line.startswith(codecs.BOM_UTF8) else line
        self.consumed += len(line)
        return text.decode("latin-1")

    @staticmethod
    def _split(blocks: Iterable[bytes]) -> Iterator[bytes]:
        carry = b""
        for block in blocks:
            lines = (carry + block).split(b"\n")
            carry = lines.pop()
            for line in lines:
                yield line + b"\n"
        if carry:
            yield carry
