"""Bytes → normalised text: encoding detection, BOM, newlines, non-breaking spaces."""
from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.errors import DecodeError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes that never occur in text in any encoding we accept (NUL is allowed only in UTF-16/32).
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32))
_CONTROL_BYTES = bytes(sorted(_CONTROL))
# A UTF-8 text whose few bytes that are not UTF-8 are read as Windows-1252 (`_utf8_with_stray_bytes`).
MIXED_UTF8, MIXED_UTF8_BOM = "utf-8+cp1252", "utf-8-bom+cp1252"
_STRAY_RE = re.compile("[\udc80-\udcff]+")
_MAGIC = {b"\x89PNG": "PNG image", b"%PDF": "PDF document", b"PK\x03\x04": "ZIP archive",
          b"\x1f\x8b": "gzip archive", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image"}


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text ready for layout detection, with the encoding it was read in."""

    text: str
    encoding: str


def decode(data: bytes, source: str = "<bytes>") -> DecodedText:
    """Decode raw bytes to text with LF newlines and plain spaces, or raise DecodeError saying why."""
    if not data.strip():
        raise DecodeError(source, "empty file (no text at all)" if not data else "file holds only whitespace")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise DecodeError(source, f"binary file ({what}), expected text")
    text, encoding = _to_str(data, source)
    # each replace only where its character occurs: a two-character or non-Latin-1 search scans far slower than `in`
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    text = text.replace("\u00a0", " ")
    if not text.strip():
        raise DecodeError(source, "file holds only whitespace")
    return DecodedText(text, encoding)


def file_encoding(part_encodings: Sequence[str | None]) -> str | None:
    """The encoding to record for a file read in parts, from each part's in order: UTF-8 parts beside parts with
    Windows-1252 bytes make a mixed file (each part decodes alone, so a part with a stray byte reads as cp1252, or
    as mixed); otherwise the parts agree, or the first part's speaks for the file."""
    found = list(dict.fromkeys(e for e in part_encodings if e))
    if len(found) < 2:
        return found[0] if found else None
    if all(e.startswith("utf-8") or e == "cp1252" for e in found) and any(e.startswith("utf-8") for e in found):
        return MIXED_UTF8_BOM if any(e.startswith("utf-8-bom") for e in found) else MIXED_UTF8
    return found[0]


def _to_str(data: bytes, source: str) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc + "-bom" if enc == "utf-8" else enc
            except UnicodeDecodeError as exc:
                mixed = _utf8_with_stray_bytes(data[len(bom):]) if enc == "utf-8" else None
                if mixed is not None:
                    return mixed, MIXED_UTF8_BOM
                raise DecodeError(source, f"starts with a {enc} byte-order mark but is not {enc}: {exc}") from exc
    utf16 = _guess_utf16(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        _refuse_binary(text, source)
        return text, "utf-8"
    text = _utf8_with_stray_bytes(data)
    if text is not None:
        _refuse_binary(text, source)
        return text, MIXED_UTF8
    text = _western_single_byte(data)
    if text is not None:
        _refuse_binary(text, source)
        return text, "cp1252"
    import charset_normalizer  # imported lazily: most files are UTF-8 and never need it

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding.startswith("utf_8"):  # detector fell back to UTF-8 but it did not decode: legacy Windows text
        encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("latin-1")
        encoding = "latin-1"
    try:  # sibling code pages often decode these bytes identically: name the one Windows editors write
        if data.decode("cp1252") == text:
            encoding = "cp1252"
    except UnicodeDecodeError:
        pass
    _refuse_binary(text, source)
    return text, encoding.replace("_", "-")


def _utf8_with_stray_bytes(data: bytes) -> str | None:
    """The text read as UTF-8, and each byte that is not UTF-8 as Windows-1252, when its UTF-8 characters are at
    least as many as those stray bytes: a file put together from UTF-8 and Windows sources (an export with one
    record's `–` in cp1252) keeps its `é` and `–` alike, where reading it all as cp1252 would garble every `é`."""
    text = data.decode("utf-8", "surrogateescape")  # a stray byte b becomes U+DC00 + b, one character per byte
    stray = sum(len(run) for run in _STRAY_RE.findall(text))
    multi_byte = len(data) - len(text)  # a UTF-8 character of n bytes makes n - 1 of the difference
    if not stray or multi_byte < stray:
        return None
    return _STRAY_RE.sub(lambda m: bytes(ord(ch) - 0xDC00 for ch in m.group()).decode("cp1252", "replace"), text)


def _western_single_byte(data: bytes) -> str | None:
    """The text read as Windows-1252 (a superset of Latin-1's printable range) when that reads as Western text.

    A detector guesses poorly on English text with a few non-ASCII bytes (a latin-1 NBSP came out as Mac Roman
    `†`), so the Windows code page is preferred whenever its reading is plausible: the non-ASCII characters stand
    alone between ASCII ones (`Café`, `São Paulo`, `±`, `“quoted”`), as they do in Western text, and not in runs
    (a multi-byte Asian encoding, Cyrillic or Greek read as cp1252 gives runs like `Ã¤Â»Ã`)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    high = [k for k, ch in enumerate(text) if ord(ch) > 127]
    if not high:
        return text
    in_runs = sum(1 for a, b in zip(high, high[1:], strict=False) if b == a + 1)
    return text if in_runs <= max(2, len(high) // 5) else None


def _guess_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16 shows as NUL in every other byte of ASCII text."""
    head = data[:4000]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) * 0.4 and even < len(head) * 0.05:
        return "utf-16-le"
    if even > len(head) * 0.4 and odd < len(head) * 0.05:
        return "utf-16-be"
    return None


def _refuse_binary(text: str, source: str) -> None:
    sample = text[:8000]
    # in UTF-8 a control character is its own byte and no other character's bytes include one
    encoded = sample.encode("utf-8", "surrogatepass")
    bad = len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))
    if bad > max(2, len(sample) // 100):
        raise DecodeError(source, f"looks binary ({bad} control characters in the first {len(sample)}), expected text")
