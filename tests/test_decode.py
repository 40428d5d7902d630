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


def test_latin1_english_with_a_few_nbsps_reads_as_windows_text():
    """A detector took the lone 0xA0 bytes of mostly-English text for Mac Roman `†`; the Windows code page reads
    them as the no-break spaces they are."""
    text = "Randomized trial of surgery with or\u00a0without radiotherapy.\nNCT\u00a0ID: NCT00000001\n" * 3
    got = decode(text.encode("latin-1"))
    assert got.encoding == "cp1252"
    assert "with or without" in got.text and "†" not in got.text


def test_cyrillic_single_byte_is_not_read_as_windows_latin():
    text = "Исследование эффективности препарата у пациентов с раком лёгкого.\n" * 5
    got = decode(text.encode("cp1251"))
    assert "Исследование" in got.text
