"""Decoding: encodings detected and recorded, newlines and spaces normalised, binary and empty refused."""
from __future__ import annotations

import codecs

import pytest

from transforms.decode import decode
from transforms.errors import DecodeError

TEXT = "Trial Title:\r\nCafé “résumé” – ≥ 18 years\u00a0ok\r\n"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-bom"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),
])
def test_unicode_encodings(data, encoding):
    got = decode(data)
    assert got.encoding == encoding
    assert got.text == "Trial Title:\nCafé “résumé” – ≥ 18 years ok\n"


def test_cp1252_is_detected():
    data = "Trial Title:\nCafé “quoted” – résumé of the study, 2022\n".encode("cp1252")
    got = decode(data)
    assert "“quoted”" in got.text and "Café" in got.text
    assert got.encoding.replace("_", "-").lower() in ("cp1252", "windows-1252", "latin-1", "iso8859-1")


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"  \n\t \r\n", "whitespace"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (bytes(range(0, 32)) * 50, "binary"),
])
def test_refuses_empty_and_binary(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(data, "x.txt")
