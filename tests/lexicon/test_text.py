"""Folding text for comparison (two rules), identifier keys, accents, formula neutralising."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lexicon import (
    FORMULA_TRIGGERS,
    fold_chemical_text,
    fold_words,
    identifier_key,
    neutralise_formula,
    strip_accents,
)


@pytest.mark.parametrize(
    ("text", "words", "chemical"),
    [
        ("ÁCIDO CLORHÍDRICO", "acido clorhidrico", "acido clorhidrico"),
        ("  anhídrido   acético ", "anhidrido acetico", "anhidrido acetico"),
        ("1-Phenyl-2-Propanone", "1 phenyl 2 propanone", "1 phenyl 2 propanone"),
        ("licence_no", "licence no", "licence no"),
        ("permanganato de potássio", "permanganato de potassio", "permanganato de potassio"),
        ("", "", ""),
        (12.5, "12 5", "12 5"),
        # Where the two rules part: ordinal signs are separators in typed words ...
        ("Nº licencia", "n licencia", "no licencia"),
        ("1ª quincena", "1 quincena", "1a quincena"),
        ("20° Bé", "20 be", "20 be"),
        # ... and Greek letters are spelled in chemical names.
        ("α-phenylacetoacetonitrile", "phenylacetoacetonitrile", "alpha phenylacetoacetonitrile"),
        ("Β-Keto", "keto", "beta keto"),
    ],
)
def test_the_two_folding_rules(text, words, chemical):
    assert fold_words(text) == words
    assert fold_chemical_text(text) == chemical


@given(st.text())
def test_folding_is_idempotent_and_leaves_single_spaced_ascii(text):
    for fold in (fold_words, fold_chemical_text):
        folded = fold(text)
        assert fold(folded) == folded
        assert folded.isascii() and folded == " ".join(folded.split())
        assert folded == folded.lower()


@pytest.mark.parametrize(
    ("written", "key"),
    [("20-10000000-1", "20100000001"), ("lic 00012", "LIC00012"),
     ("RFC: AÑO-850101", "RFCANO850101"), ("Nº 12", "N12"), ("", "")],
)
def test_identifier_key(written, key):
    assert identifier_key(written) == key


@given(st.text())
def test_identifier_key_is_idempotent(text):
    key = identifier_key(text)
    assert identifier_key(key) == key
    assert key.isalnum() or key == ""


def test_strip_accents_keeps_case_and_punctuation():
    assert strip_accents("Química Ñandú S.A.") == "Quimica Nandu S.A."


@pytest.mark.parametrize("text", ["=1+2", "+5", "-x", "@a", "\t=1+1", "\r=1+1",
                                  '=HYPERLINK("http://evil")', "-"])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert text.startswith(FORMULA_TRIGGERS)
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "", "Química = buena", " =1+1", "\n=1", "'=1",
                                   5, -3.5, None])
def test_everything_else_is_left_alone(value):
    # A leading space or line feed is not a trigger (spreadsheets show such a cell as text).
    assert neutralise_formula(value) == value
