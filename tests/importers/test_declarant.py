"""A sender bound to one licence (the company portal) cannot declare for another."""

from __future__ import annotations

from datetime import date

from app.catalogue import load_catalogue
from importers import LicenceInfo, ReadContext, read_file

CSV = b"""licence_no,period,movement,date,substance,quantity,unit
LIC-001,2025-03,purchase,2025-03-05,acetone,100,kg
lic 002,2025-03,purchase,2025-03-05,acetone,100,kg
"""


def _context(declarant):
    known = {name: LicenceInfo("1", frozenset({"acetone"}), date(2020, 1, 1), date(2030, 1, 1))
             for name in ("LIC-001", "LIC-002")}
    return ReadContext(catalogue=load_catalogue([]), known_licences=known,
                       today=date(2025, 6, 1), declarant=declarant)


def test_rows_of_another_licence_are_refused_for_a_declarant():
    result = read_file("declarations", CSV, filename="d.csv", context=_context("LIC-001"))
    assert list(result.records["licence_no"]) == ["LIC-001"]
    [error] = result.errors
    assert (error.row, error.column) == (3, "licence_no")
    assert "'LIC-002' is not yours" in error.reason and "LIC-001 only" in error.reason


def test_without_a_declarant_any_registered_licence_is_read():
    result = read_file("declarations", CSV, filename="d.csv", context=_context(None))
    assert list(result.records["licence_no"]) == ["LIC-001", "LIC-002"]
