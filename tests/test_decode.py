"""Decoding: encodings detected and recorded, newlines and spaces normalised, binary and empty refused."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.decode import MIXED_UTF8, MIXED_UTF8_BOM, decode, file_encoding
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


def test_utf8_with_a_stray_windows_byte_keeps_both_readings():
    """An export put together from UTF-8 and Windows sources: one record's `–` in cp1252 must not turn every UTF-8
    `é` of the file into `Ã©` (the whole file read as cp1252)."""
    text = "Trial Title: Étude de la résistance à l’insuline\nSite: São Paulo, Zürich, Malmö\n" * 20
    data = text.encode("utf-8") + "Age 18 – 65 years\n".encode("cp1252")
    got = decode(data)
    assert got.encoding == "utf-8+cp1252" and got.text == text + "Age 18 – 65 years\n"
    assert decode(codecs.BOM_UTF8 + data).encoding == "utf-8-bom+cp1252"
    assert decode(codecs.BOM_UTF8 + data).text == got.text


def test_windows_text_with_one_accidental_utf8_pair_is_still_windows_text():
    text = "Café “quoted” – résumé, naïve, déjà vu, São Paulo\n" * 5 + "RÉ" + "\u00b0C\n"  # `É°` is C9 B0: UTF-8 too
    got = decode(text.encode("cp1252"))
    assert got.encoding == "cp1252" and got.text == text


_WESTERN = st.text(st.sampled_from("ab ,.\né–“”’°±ÄÖüßç"), max_size=40)


@given(_WESTERN, st.sampled_from("é–“”’°±ÄÖüßçÉ"), _WESTERN)
def test_a_stray_windows_character_in_utf8_text_reads_as_written(before, stray, after):
    data = before.encode("utf-8") + stray.encode("cp1252") + after.encode("utf-8")
    if len((before + after).encode("utf-8")) == len(before + after):
        return  # no UTF-8 character at all: a Windows text (above)
    got = decode(data)
    assert got.text == before + stray + after and got.encoding == "utf-8+cp1252"


@pytest.mark.parametrize(("parts", "recorded"), [
    ([], None),
    (["utf-8"] * 3, "utf-8"),
    (["utf-8", None, "utf-8"], "utf-8"),  # a part that could not be decoded says nothing
    (["utf-8", MIXED_UTF8, "utf-8"], MIXED_UTF8),  # a stray Windows byte in a later part
    (["utf-8", "cp1252"], MIXED_UTF8),  # a later part whose only non-ASCII byte is a Windows one
    (["utf-8-bom", MIXED_UTF8_BOM], MIXED_UTF8_BOM),
    (["cp1252", "cp1252"], "cp1252"),
    (["utf-16-le", "cp1252"], "utf-16-le"),  # parts that disagree otherwise: the first part speaks for the file
])
def test_a_file_read_in_parts_records_the_encoding_that_covers_every_part(parts, recorded):
    assert file_encoding(parts) == recorded
