"""Resolving what people write (CAS, code, names, synonyms, typos) to one controlled substance."""

from __future__ import annotations

import pytest

from app.catalogue import UnknownSubstance, load_catalogue
from lexicon import strip_accents

CATALOGUE = load_catalogue()

# DOMAIN.md's table: (table, CAS, HS) for every substance of the 1988 Convention.
CONVENTION = {
    "108-24-7": ("I", "2915.24"), "89-52-1": ("I", "2924.23"), "299-42-3": ("I", "2939.41"),
    "90-82-4": ("I", "2939.42"), "14838-15-4": ("I", "2939.44"), "60-79-7": ("I", "2939.61"),
    "113-15-5": ("I", "2939.62"), "82-58-6": ("I", "2939.63"), "103-79-7": ("I", "2914.31"),
    "103-82-2": ("I", "2916.34"), "4468-48-8": ("I", "2926.40"), "4433-77-6": ("I", "2924.29"),
    "16648-44-5": ("I", "2918.30"), "120-58-1": ("I", "2932.91"), "94-59-7": ("I", "2932.94"),
    "120-57-0": ("I", "2932.93"), "4676-39-5": ("I", "2932.92"), "21409-26-7": ("I", "2933.36"),
    "39742-60-4": ("I", "2933.37"), "7722-64-7": ("I", "2841.61"), "67-64-1": ("II", "2914.11"),
    "118-92-3": ("II", "2922.43"), "60-29-7": ("II", "2909.11"), "7647-01-0": ("II", "2806.10"),
    "78-93-3": ("II", "2914.12"), "110-89-4": ("II", "2933.32"), "7664-93-9": ("II", "2807.00"),
    "108-88-3": ("II", "2902.30"),
}


def _spellings():
    """Yield (substance, form, text, matched) for every way the catalogue names something."""
    for substance in CATALOGUE:
        yield substance, None, substance.cas, "cas"
        yield substance, None, substance.cas.replace("-", ""), "cas"
        yield substance, None, substance.code, "code"
        yield substance, None, substance.code.upper(), "code"
        for name in substance.names.values():
            for variant in (name, name.upper(), strip_accents(name), f"  {name}  "):
                yield substance, None, variant, None
        for synonym in (*substance.synonyms, *substance.ambiguous_synonyms):
            yield substance, None, synonym, None
            yield substance, None, strip_accents(synonym).upper(), None
        for form in substance.forms:
            if form.cas:
                yield substance, form, form.cas, "cas"
            yield substance, form, form.code, "code"
            for name in (*form.names.values(), *form.synonyms):
                yield substance, form, name, None
                yield substance, form, strip_accents(name).upper(), None


SPELLINGS = list(_spellings())


def test_the_catalogue_carries_exactly_the_convention_tables():
    assert len(CATALOGUE) == 28
    found = {s.cas: (s.table, s.hs_codes[0]) for s in CATALOGUE}
    assert found == CONVENTION
    assert len({s.code for s in CATALOGUE}) == 28


def test_every_substance_has_three_languages_and_table_ii_acids_have_no_salts():
    for substance in CATALOGUE:
        assert set(substance.names) == {"en", "es", "pt"}, substance
        assert substance.name == substance.names["en"]
    assert CATALOGUE.get("hydrochloric-acid").forms == ()
    assert CATALOGUE.get("sulphuric-acid").forms == ()


@pytest.mark.parametrize(
    ("substance", "form", "text", "matched"),
    SPELLINGS,
    ids=[f"{s.code}:{t}" for s, _f, t, _m in SPELLINGS],
)
def test_every_spelling_resolves(substance, form, text, matched):
    resolution = CATALOGUE.resolve(text)
    assert resolution.substance == substance
    assert resolution.form == form
    expected_fraction = form.base_fraction if form else 1.0
    assert resolution.base_fraction == expected_fraction
    if matched:
        assert resolution.matched == matched
    else:
        assert resolution.matched in {"name", "synonym", "code"}


@pytest.mark.parametrize(
    ("text", "code", "matched"),
    [
        ("ANHÍDRIDO ACÉTICO", "acetic-anhydride", "name"),
        ("anhidrido-acetico", "acetic-anhydride", "name"),
        ("1 phenyl 2 propanone", "1-phenyl-2-propanone", "name"),
        ("P2P", "1-phenyl-2-propanone", "synonym"),
        ("p 2 p", "1-phenyl-2-propanone", "synonym"),
        ("BMK", "1-phenyl-2-propanone", "synonym"),
        ("phenylacetone", "1-phenyl-2-propanone", "synonym"),
        ("PMK", "3-4-methylenedioxyphenyl-2-propanone", "synonym"),
        ("MDP2P", "3-4-methylenedioxyphenyl-2-propanone", "synonym"),
        ("MEK", "methyl-ethyl-ketone", "synonym"),
        ("metil etil cetona", "methyl-ethyl-ketone", "name"),
        ("butanone", "methyl-ethyl-ketone", "synonym"),
        ("éter sulfúrico", "ethyl-ether", "synonym"),
        ("ácido muriático", "hydrochloric-acid", "synonym"),
        ("acido clorhidrico", "hydrochloric-acid", "name"),
        ("ácido clorídrico", "hydrochloric-acid", "name"),
        ("aceite de vitriolo", "sulphuric-acid", "synonym"),
        ("óleum", "sulphuric-acid", "synonym"),
        ("permanganato de potássio", "potassium-permanganate", "name"),
        ("permanganato de potasio", "potassium-permanganate", "name"),
        ("toluol", "toluene", "synonym"),
        ("α-phenylacetoacetonitrile", "apaan", "name"),
        ("alpha-phenylacetoacetonitrile", "apaan", "name"),
        ("pseudo efedrina", "pseudoephedrine", "name"),
    ],
)
def test_common_names(text, code, matched):
    resolution = CATALOGUE.resolve(text)
    assert (resolution.substance.code, resolution.matched) == (code, matched)


@pytest.mark.parametrize(
    ("text", "code", "pct"),
    [
        ("ÁCIDO CLORHÍDRICO 33%", "hydrochloric-acid", 33.0),
        ("ácido clorhídrico al 33 %", "hydrochloric-acid", 33.0),
        ("acido sulfurico 98% p/p", "sulphuric-acid", 98.0),
        ("acetona grado técnico", "acetone", None),
        ("Acetone technical grade", "acetone", None),
        ("permanganato de potasio p.a.", "potassium-permanganate", None),
        ("Tolueno USP", "toluene", None),
    ],
)
def test_concentrations_and_grades_are_stripped(text, code, pct):
    resolution = CATALOGUE.resolve(text)
    assert resolution.substance.code == code
    assert resolution.concentration_pct == pct


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("anhidrido acetco", "acetic-anhydride"),
        ("anhidrdo acetico", "acetic-anhydride"),
        ("permanganto de potasio", "potassium-permanganate"),
        ("acteona", "acetone"),
        ("tolueon", "toluene"),
        ("efedirna", "ephedrine"),
        ("pseudoefedirna", "pseudoephedrine"),
        ("piperidna", "piperidine"),
        ("acido clorhidirco", "hydrochloric-acid"),
        ("metiletilcetna", "methyl-ethyl-ketone"),
        ("fenilacetona", "1-phenyl-2-propanone"),
        ("1-fenil-2-propanon", "1-phenyl-2-propanone"),
    ],
)
def test_misspellings_resolve_fuzzily(text, code):
    resolution = CATALOGUE.resolve(text)
    assert resolution.substance.code == code
    assert resolution.matched in {"fuzzy", "name", "synonym"}


def test_fuzzy_match_is_reported_as_such():
    assert CATALOGUE.resolve("acteona").matched == "fuzzy"


@pytest.mark.parametrize("text", ["MEK5", "acetato", "ephedrine extract", "tolu", "acid"])
def test_short_or_distant_texts_do_not_resolve(text):
    with pytest.raises(UnknownSubstance):
        CATALOGUE.resolve(text)


LOOK_ALIKE_PHRASES = [
    (alike, phrase)
    for alike in CATALOGUE.not_controlled
    for phrase in (*alike.names.values(), *alike.synonyms)
]


@pytest.mark.parametrize(
    ("alike", "phrase"), LOOK_ALIKE_PHRASES, ids=[p for _a, p in LOOK_ALIKE_PHRASES]
)
def test_look_alikes_never_resolve(alike, phrase):
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve(phrase)
    assert caught.value.not_controlled == alike.label
    assert "not a controlled substance" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "acetic acid", "ácido acético", "ACIDO ACETICO GLACIAL", "acetonitrile", "acetonitrilo",
        "petroleum ether", "éter de petróleo", "MIBK", "methyl isobutyl ketone",
        "metil isobutil cetona", "piperazina", "ácido sulfuroso", "ácido fluorhídrico",
        "2-propanol", "64-19-7", "acido acetco", "acetonitrilo 99.9%",
    ],
)
def test_named_look_alikes_and_their_typos(text):
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve(text)
    assert caught.value.not_controlled
    assert caught.value.suggestions == []


def test_unknown_substance_message_names_the_closest():
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve("anhidrido")
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.text == "anhidrido"
    assert error.suggestions == ["acetic anhydride (108-24-7)"]
    assert str(error) == "unknown substance 'anhidrido'; closest: acetic anhydride (108-24-7)"


def test_unknown_substance_suggests_at_most_three():
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve("efedrinas compuestas")
    assert 1 <= len(caught.value.suggestions) <= 3
    assert all("(" in label for label in caught.value.suggestions)


@pytest.mark.parametrize("text", ["", "   ", None, "sustancia inventada xyz"])
def test_nothing_to_resolve(text):
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve(text)
    assert caught.value.suggestions == []


def test_the_same_unknown_text_raises_a_fresh_error_each_time():
    errors = []
    for _ in range(2):
        with pytest.raises(UnknownSubstance) as caught:
            CATALOGUE.resolve("xyz-unknown")
        errors.append(caught.value)
    assert errors[0] is not errors[1]
    assert str(errors[0]) == str(errors[1])


def test_name_with_cas_resolves_by_cas():
    resolution = CATALOGUE.resolve("Acetona (67-64-1)")
    assert resolution.substance.code == "acetone"
    assert resolution.matched == "cas"
    assert CATALOGUE.resolve("Clorhidrato de efedrina 50-98-6").form.code == (
        "ephedrine-hydrochloride")


def test_name_contradicting_its_cas_is_refused():
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve("Acetona (108-24-7)")
    assert "acetone (67-64-1)" in str(caught.value)
    assert "acetic anhydride (108-24-7)" in str(caught.value)


def test_salt_forms_carry_their_base_fraction():
    salt = CATALOGUE.resolve("clorhidrato de efedrina")
    assert salt.form.code == "ephedrine-hydrochloride"
    assert salt.base_fraction == pytest.approx(165.24 / 201.69, abs=1e-4)
    sulfate = CATALOGUE.resolve("ephedrine sulfate")
    assert sulfate.base_fraction == pytest.approx(2 * 165.24 / 428.54, abs=1e-4)
    assert CATALOGUE.resolve("ergotamine tartrate").base_fraction == pytest.approx(0.8857)
    assert CATALOGUE.resolve("piperidine hydrochloride").base_fraction == pytest.approx(0.7002)


def test_get_by_code_or_cas():
    assert CATALOGUE.get("acetone").cas == "67-64-1"
    assert CATALOGUE.get("67-64-1").code == "acetone"
    assert CATALOGUE.get("67641").code == "acetone"
    for missing in ("acetona", "50-98-6", "64-19-7", "nothing"):
        with pytest.raises(KeyError):
            CATALOGUE.get(missing)


def test_collection_protocol():
    assert len(CATALOGUE) == len(CATALOGUE.substances) == 28
    assert list(CATALOGUE) == list(CATALOGUE.substances)
    assert load_catalogue() is CATALOGUE


def test_density_for_liquids_solids_and_solutions():
    assert CATALOGUE.get("acetone").density_for(100) == pytest.approx(0.791)
    assert CATALOGUE.get("acetone").density_for(50) == pytest.approx(0.791)
    assert CATALOGUE.get("potassium-permanganate").density_for(100) is None
    hcl = CATALOGUE.get("hydrochloric-acid")
    assert hcl.density_for(33) == pytest.approx((1.1593 + 1.1691) / 2)
    assert hcl.density_for(32) == pytest.approx(1.1593)
    assert hcl.density_for(0.5) == pytest.approx((0.9982 + 1.0032) / 2)
    assert hcl.density_for(40) is None
    assert hcl.density_for(100) is None
    sulphuric = CATALOGUE.get("sulphuric-acid")
    assert sulphuric.density_for(98) == pytest.approx(1.8361)
    assert sulphuric.density_for(100) == pytest.approx(1.8305)
    with pytest.raises(ValueError, match="outside"):
        hcl.density_for(0)
