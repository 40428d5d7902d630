"""Byte offsets in a file read as a stream of blocks: where a layout's records begin, found without holding the file."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


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
