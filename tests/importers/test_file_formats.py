"""Telling formats and encodings from the bytes, never from the name."""

from __future__ import annotations

import random

import pytest

from importers import sniff
from importers.mixed_encoding import UTF8_SEQUENCE, holds_utf8_sequence


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"fecha;cantidad\n2025-01-01;1\n", "utf-8"),
        ("sustancia;ácido\n".encode(), "utf-8"),
        (b"\xef\xbb\xbfsustancia;cantidad\n", "utf-8-sig"),
        ("sustancia;ácido\n".encode("cp1252"), "cp1252"),
        ("año;€\n".encode("cp1252"), "cp1252"),
        (b"sustancia;\x81\xe1cido\n", "latin-1"),  # 0x81 is undefined in Windows-1252
        ("sustancia\tácido\r\n".encode("utf-16"), "utf-16"),
    ],
)
def test_text_encodings(data, encoding):
    found = sniff(data, filename="x.csv")
    assert (found.kind, found.encoding) == ("csv", encoding)


def test_a_late_non_utf8_byte_decides_for_windows_1252():
    data = b"a;b\n" + b"x;y\n" * 2_000_000 + "ñ;ü\n".encode("cp1252")
    assert sniff(data, filename="x.csv").encoding == "cp1252"


def test_workbooks_are_told_by_content(make_xlsx):
    data = make_xlsx({"Hoja1": [["a", "b"]]})
    as_csv_name = sniff(data, filename="export.csv")
    assert (as_csv_name.kind, as_csv_name.encoding) == ("xlsx", None)
    assert as_csv_name.warnings == ("export.csv is a XLSX workbook; read as such",)
    assert sniff(data, filename="export.xlsx").warnings == ()


def test_legacy_ole2_files_are_handed_to_calamine():
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), filename="a.xls").kind == "xls"


def test_utf8_sequences_are_found_as_the_regex_finds_them():
    chance = random.Random(5)
    # bytes around the lead and continuation ranges, where the two could differ
    alphabet = [0x41, 0x7F, 0x80, 0xA9, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xEF, 0xF0, 0xFF]
    for _ in range(5000):
        data = bytes(chance.choices(alphabet, k=chance.randint(0, 6)))
        assert holds_utf8_sequence(data) == (UTF8_SEQUENCE.search(data) is not None), data
