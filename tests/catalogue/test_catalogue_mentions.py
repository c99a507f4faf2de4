"""Finding controlled substances in customs goods descriptions and by tariff code."""

from __future__ import annotations

import time

import pytest

from app.catalogue import load_catalogue
from lexicon import strip_accents

CATALOGUE = load_catalogue()


def _phrases():
    for substance in CATALOGUE:
        phrases = (*substance.names.values(), *substance.synonyms)
        for form in substance.forms:
            phrases += (*form.names.values(), *form.synonyms)
        for phrase in dict.fromkeys(phrases):
            yield substance, phrase


PHRASES = list(_phrases())


@pytest.mark.parametrize(
    ("substance", "phrase"), PHRASES, ids=[f"{s.code}:{p}" for s, p in PHRASES]
)
def test_every_name_is_found_inside_a_description(substance, phrase):
    description = f"TAMBORES 200 KG {strip_accents(phrase).upper()}, LOTE 55/2025"
    assert CATALOGUE.mentions(description) == [substance]
    assert CATALOGUE.mentions(f"x {phrase} x") == [substance]


LOOK_ALIKES = [p for a in CATALOGUE.not_controlled for p in (*a.names.values(), *a.synonyms)]


@pytest.mark.parametrize("phrase", LOOK_ALIKES)
def test_look_alikes_mention_nothing(phrase):
    assert CATALOGUE.mentions(f"IMPORTACION DE {phrase.upper()} EN BIDONES") == []


@pytest.mark.parametrize(
    ("description", "codes"),
    [
        ("ACIDO ACETICO GLACIAL", []),
        ("ANHIDRIDO ACETICO 99%", ["acetic-anhydride"]),
        ("anhídrido acético, tambor 220 L", ["acetic-anhydride"]),
        ("PEROXIDO DE METIL ETIL CETONA (MEKP) ENDURECEDOR", []),
        ("METIL ETIL CETONA", ["methyl-ethyl-ketone"]),
        ("SOLVENTE MEK", ["methyl-ethyl-ketone"]),
        ("MEK OXIMA ANTIPIEL", []),
        ("TOLUENO DIISOCIANATO TDI 80/20", []),
        ("ETER DE PETROLEO 40-60", []),
        ("ETER ETILICO ANHIDRO", ["ethyl-ether"]),
        ("METFORMINA HCL 500 MG", []),
        ("EFEDRINA HCL USP", ["ephedrine"]),
        ("PSEUDO EFEDRINA CLORHIDRATO", ["pseudoephedrine"]),
        ("MAPA DE CARRETERAS IMPRESO", []),
        ("ACIDO SULFURICO 98% Y ACETONA", ["sulphuric-acid", "acetone"]),
        ("ACETONA / ACETONE / ACETONA", ["acetone"]),
        ("ACETONITRILO GRADO HPLC", []),
        ("1-FENIL-2-PROPANONA", ["1-phenyl-2-propanone"]),
        ("3,4-METILENDIOXI FENIL-2-PROPANONA", ["3-4-methylenedioxyphenyl-2-propanone"]),
        ("REACTIVO CAS 108-24-7", ["acetic-anhydride"]),
        ("ACETONAS", []),  # word boundaries: no match inside a longer word
        ("PRODUCTO QUIMICO", []),
        ("", []),
    ],
)
def test_mentions(description, codes):
    assert [s.code for s in CATALOGUE.mentions(description)] == codes


def test_mentions_is_fast_on_many_distinct_descriptions():
    descriptions = [f"ITEM {i} ACETONA TECNICA TAMBOR {i % 97} LOTE {i * 7}" for i in range(20_000)]
    started = time.perf_counter()
    found = [CATALOGUE.mentions(text) for text in descriptions]
    elapsed = time.perf_counter() - started
    assert all(f == [CATALOGUE.get("acetone")] for f in found)
    assert elapsed < 2.0  # 100k descriptions take well under ten seconds


def test_mentions_returns_a_new_list_each_time():
    first = CATALOGUE.mentions("ACETONA")
    first.append("mutated")
    assert CATALOGUE.mentions("ACETONA") == [CATALOGUE.get("acetone")]


@pytest.mark.parametrize(
    "code", ["2915.24.00", "29152400", "2915 24", "291524", "2915.24", "2915.24.00.10"]
)
def test_hs_code_spellings(code):
    assert CATALOGUE.substance_for_hs(code) == CATALOGUE.get("acetic-anhydride")


@pytest.mark.parametrize("substance", list(CATALOGUE), ids=lambda s: s.code)
def test_every_specific_heading_identifies_its_substance(substance):
    for code in substance.hs_codes:
        expected = None if code in substance.shared_hs_codes else substance
        assert CATALOGUE.substance_for_hs(code) == expected
        assert CATALOGUE.substance_for_hs(code.replace(".", "") + "00") == expected


@pytest.mark.parametrize("code", ["3814.00", "2915.21", "2924.29.00", "2918.30", "2915", "abc"])
def test_uncontrolled_shared_or_malformed_codes(code):
    assert CATALOGUE.substance_for_hs(code) is None


def test_spreadsheet_numbers_as_hs_codes():
    assert CATALOGUE.substance_for_hs("2902.3") == CATALOGUE.get("toluene")
    assert CATALOGUE.substance_for_hs(2915.24) == CATALOGUE.get("acetic-anhydride")
    assert CATALOGUE.substance_for_hs(29152400) == CATALOGUE.get("acetic-anhydride")
