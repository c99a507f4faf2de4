"""Reading chemical text: CAS numbers, HS codes, written concentrations, grade words.

Folding names is lexicon's (tests/lexicon/test_text.py).
"""

from __future__ import annotations

import pytest

from app.catalogue import canonical_cas, normalise_hs
from app.catalogue.text import canonical_hs, split_concentration, strip_qualifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("108-24-7", "108-24-7"),
        ("108247", "108-24-7"),
        ("0108-24-7", "108-24-7"),
        ("108 24 7", "108-24-7"),
        (" 7647-01-0 ", "7647-01-0"),
        ("108-24-8", None),  # wrong check digit
        ("acetone", None),
        ("2915.24", None),
    ],
)
def test_canonical_cas(text, expected):
    assert canonical_cas(text) == expected


@pytest.mark.parametrize(
    ("code", "digits"),
    [
        ("2915.24", "291524"),
        ("2915.24.00", "29152400"),
        ("29152400", "29152400"),
        ("2915 24", "291524"),
        ("291524", "291524"),
        ("2915.24.00.10", "2915240010"),
        ("2902.3", "290230"),  # a spreadsheet number that lost its trailing zero
        ("2807.0", "280700"),
        (29152400, "29152400"),
        ("29152400.0", "29152400"),
        ("2915", None),
        ("29152", None),
        ("abc", None),
    ],
)
def test_normalise_hs(code, digits):
    assert normalise_hs(code) == digits


def test_canonical_hs_is_dotted_and_rejects_impossible_chapters():
    assert canonical_hs("29152400") == "2915.24.00"
    assert canonical_hs("2807.00") == "2807.00"
    assert canonical_hs("9915.24") is None
    assert canonical_hs("0015.24") is None


@pytest.mark.parametrize(
    ("text", "rest", "pct"),
    [
        ("Ácido clorhídrico 33%", "Ácido clorhídrico", 33.0),
        ("acido clorhidrico al 33 %", "acido clorhidrico", 33.0),
        ("ácido sulfúrico 98,5% p/p", "ácido sulfúrico", 98.5),
        ("acetona 99.5 % min", "acetona", 99.5),
        ("acetona", "acetona", None),
        ("mezcla 50% acetona 50% tolueno", "mezcla acetona tolueno", None),
    ],
)
def test_split_concentration(text, rest, pct):
    remainder, found = split_concentration(text)
    assert " ".join(remainder.split()) == rest
    assert found == pct


def test_strip_qualifiers_keeps_the_name():
    assert strip_qualifiers("acetona grado tecnico") == "acetona"
    assert strip_qualifiers("hydrochloric acid technical grade") == "hydrochloric acid"
    assert strip_qualifiers("permanganato de potasio p a") == "permanganato de potasio"
    assert strip_qualifiers("toluene") == "toluene"
