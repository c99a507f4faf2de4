"""Substance cells of several parts, as clerks write them: read as one substance, or refused."""

from __future__ import annotations

import pytest

from app.catalogue import CatalogueError, UnknownSubstance, load_catalogue
from tests.catalogue.test_catalogue_files import GOOD_ENTRY

CATALOGUE = load_catalogue()


def _read(text: str):
    return CATALOGUE.resolve(text)


def _refusal(text: str) -> UnknownSubstance:
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve(text)
    return caught.value


# (text, code, salt form, concentration read from the text)
AGREEING = [
    # an abbreviation with the name in brackets, and the other way round
    ("MEK (metil etil cetona)", "methyl-ethyl-ketone", None, None),
    ("HCl (ácido clorhídrico)", "hydrochloric-acid", None, None),
    ("Metil etil cetona (MEK)", "methyl-ethyl-ketone", None, None),
    ("Ácido clorhídrico (HCl)", "hydrochloric-acid", None, None),
    ("M.E.K. (metil etil cetona)", "methyl-ethyl-ketone", None, None),
    ("Anhídrido acético (Ac2O)", "acetic-anhydride", None, None),
    ("Fenilacetona (P2P)", "1-phenyl-2-propanone", None, None),
    ("3,4-MDP-2-P (PMK)", "3-4-methylenedioxyphenyl-2-propanone", None, None),
    ("PMK (1-(3,4-methylenedioxyphenyl)-2-propanone)", "3-4-methylenedioxyphenyl-2-propanone",
     None, None),
    # two names of one substance, in one or two languages, joined by a separator
    ("MEK - Metil etil cetona", "methyl-ethyl-ketone", None, None),
    ("MEK / metiletilcetona", "methyl-ethyl-ketone", None, None),
    ("MEK;metil etil cetona", "methyl-ethyl-ketone", None, None),
    ("MEK | 2-butanona", "methyl-ethyl-ketone", None, None),
    ("Acetona / Acetone", "acetone", None, None),
    ("Tolueno (Toluol)", "toluene", None, None),
    ("Eter etilico (eter sulfurico)", "ethyl-ether", None, None),
    ("Acido sulfurico (vitriolo)", "sulphuric-acid", None, None),
    # a formula beside the name
    ("Permanganato de potasio 99% (KMnO4)", "potassium-permanganate", None, 99.0),
    ("KMnO4 - Permanganato de potasio", "potassium-permanganate", None, None),
    ("Ácido sulfúrico 98% (H2SO4 98%)", "sulphuric-acid", None, 98.0),
    # a trade name with the chemical (and its concentration) in brackets
    ("Ácido muriático (HCl 33%)", "hydrochloric-acid", None, 33.0),
    ("Hydrochloric acid 33% (muriatic acid)", "hydrochloric-acid", None, 33.0),
    ("Sulphuric Acid 98% (Battery Acid)", "sulphuric-acid", None, 98.0),
    # name and CAS together
    ("Tolueno - CAS 108-88-3", "toluene", None, None),
    ("Tolueno CAS: 108-88-3", "toluene", None, None),
    ("Tolueno | 108-88-3", "toluene", None, None),
    ("Tolueno - CAS 108883", "toluene", None, None),
    # a salt named beside its base, or by its CAS
    ("Efedrina (clorhidrato de efedrina)", "ephedrine", "ephedrine-hydrochloride", None),
    ("Efedrina 50-98-6", "ephedrine", "ephedrine-hydrochloride", None),
    # a word of the substance's own names beside another of its names
    ("Permanganato (KMnO4)", "potassium-permanganate", None, None),
    ("ÉTER ETÍLICO (ÉTER)", "ethyl-ether", None, None),
    # a catalogue's inverted order
    ("Acid, Sulphuric 98%", "sulphuric-acid", None, 98.0),
    ("Ether, ethyl", "ethyl-ether", None, None),
    # a brand or a supplier beside the name
    ("Acetona Merck", "acetone", None, None),
    ("Acetone (Sigma-Aldrich)", "acetone", None, None),
    ("Acetona 99,5% Dinâmica", "acetone", None, 99.5),
    ("Tolueno Petroperú", "toluene", None, None),
    ("AA (anhídrido acético)", "acetic-anhydride", None, None),
]


@pytest.mark.parametrize(("text", "code", "form", "pct"), AGREEING, ids=[a[0] for a in AGREEING])
def test_parts_that_name_one_substance_are_read_as_it_with_a_note(text, code, form, pct):
    resolution = _read(text)
    assert resolution.substance.code == code
    assert (resolution.form.code if resolution.form else None) == form
    assert resolution.concentration_pct == pct
    assert resolution.is_mixture is False
    assert resolution.note.startswith(f"'{text}' read as ")
    expected = resolution.form or resolution.substance
    assert f"read as {expected.name} (" in resolution.note


def test_the_note_says_what_it_was_read_as_and_what_was_ignored():
    assert _read("MEK (metil etil cetona)").note == (
        "'MEK (metil etil cetona)' read as methyl ethyl ketone (78-93-3)")
    assert _read("Acetona Merck").note == (
        "'Acetona Merck' read as acetone (67-64-1); 'Merck' ignored")
    assert _read("AA (anhídrido acético)").note == (
        "'AA (anhídrido acético)' read as acetic anhydride (108-24-7); 'AA' ignored")
    assert _read("Efedrina 50-98-6").note == (
        "'Efedrina 50-98-6' read as ephedrine hydrochloride (50-98-6)")


# A name with grade, concentration or presentation words: read as before, without a note.
PLAIN = [
    ("Ácido sulfúrico 98% grado técnico", "sulphuric-acid", 98.0),
    ("Acetona QP x 200 L", "acetone", None),
    ("Acetona cilindro 160 kg", "acetone", None),
    ("Acetona en tambor de 200 L", "acetone", None),
    ("ACETONA TECNICA - TAMBOR 160 KG", "acetone", None),
    ("Acetona 99,5% - Bombona 200 L", "acetone", 99.5),
    ("Acetone, 99.5%, drum 160 kg", "acetone", 99.5),
    ("Acetone - Tech Grade - 55 gal drum", "acetone", None),
    ("Toluene 5 gal pail", "toluene", None),
    ("MEK 55 GAL DRUM", "methyl-ethyl-ketone", None),
    ("Ácido Clorhídrico Grado Técnico 32% - Cilindro 250 kg", "hydrochloric-acid", 32.0),
    ("Ácido muriático para piscinas", "hydrochloric-acid", None),
    ("Ácido sulfúrico para baterías (electrolito)", "sulphuric-acid", None),
    ("Efedrina grado farmacéutico USP", "ephedrine", None),
    ("Acetona - lote 2024-118", "acetone", None),
    ("Tolueno UN1294", "toluene", None),
    ("Acetona UN 1090", "acetone", None),
]


@pytest.mark.parametrize(("text", "code", "pct"), PLAIN, ids=[p[0] for p in PLAIN])
def test_a_name_with_grade_and_presentation_words_needs_no_note(text, code, pct):
    resolution = _read(text)
    assert (resolution.substance.code, resolution.concentration_pct) == (code, pct)
    assert resolution.note is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("2-butanona", "methyl-ethyl-ketone"), ("butanona", "methyl-ethyl-ketone"),
     ("propanona", "acetone"), ("dimetilcetona", "acetone"), ("Dimetil cetona", "acetone"),
     ("vitriolo", "sulphuric-acid"), ("aceite de vitriolo", "sulphuric-acid"),
     ("Muriático", "hydrochloric-acid"), ("H2SO4", "sulphuric-acid"),
     ("HCl", "hydrochloric-acid"), ("KMnO4", "potassium-permanganate"),
     ("CH3COCH3", "acetone"), ("(CH3)2CO", "acetone"), ("CH3COC2H5", "methyl-ethyl-ketone"),
     ("C6H5CH3", "toluene"), ("(CH3CO)2O", "acetic-anhydride"), ("Et2O", "ethyl-ether"),
     ("(C2H5)2O", "ethyl-ether")],
)
def test_synonyms_and_formulas_people_type(text, code):
    resolution = _read(text)
    assert resolution.substance.code == code
    assert resolution.note is None


@pytest.mark.parametrize(
    ("text", "typo", "code"),
    [("Tolueno (108-88-4)", "108-88-4", "toluene"),
     ("Acetona 67-64-2", "67-64-2", "acetone"),
     ("Tolueno CAS 108-88-8", "108-88-8", "toluene")],
)
def test_a_cas_typo_beside_a_name_that_identifies_the_substance(text, typo, code):
    resolution = _read(text)
    substance = resolution.substance
    assert substance.code == code
    assert resolution.note == (
        f"'{text}' read as {substance.label}; CAS number {typo} has a wrong check digit, "
        f"taken as a typing error for {substance.cas}")


def test_a_cas_typo_of_a_salt_gives_the_salt():
    resolution = _read("Efedrina (50-98-7)")
    assert resolution.form.code == "ephedrine-hydrochloride"


def test_a_cas_typo_near_another_substance_is_refused():
    error = _refusal("Acetona (108-24-6)")
    assert str(error) == (
        "'Acetona (108-24-6)' names acetone (67-64-1), but CAS number 108-24-6 has a wrong "
        "check digit and is one typing error away from acetic anhydride (108-24-7): correct "
        "the CAS number, or leave it out")


def test_a_cas_typo_near_nothing_is_refused():
    assert "is not close to 67-64-1" in str(_refusal("Acetona (12-34-5)"))


def test_a_valid_cas_of_something_else_beside_a_name_is_refused():
    error = _refusal("Acetona (75-86-5)")  # acetone cyanohydrin's number
    assert str(error) == (
        "'Acetona (75-86-5)' names acetone (67-64-1), but CAS number 75-86-5 is not its "
        "number nor that of any controlled substance: correct the CAS number (67-64-1) or "
        "the name")


def test_a_cas_typo_alone_is_refused_with_the_closest_number():
    error = _refusal("108-88-4")
    assert error.suggestions == ["toluene (108-88-3)"]
    assert str(error) == ("unknown substance '108-88-4': CAS number 108-88-4 has a wrong check "
                          "digit (a typing error); closest: toluene (108-88-3)")


# Parts naming different substances: refused, naming both, saying what to write instead.
DISAGREEING = [
    ("MEK (acetona)", ["methyl ethyl ketone (78-93-3)", "acetone (67-64-1)"]),
    ("Acetona (MEK)", ["acetone (67-64-1)", "methyl ethyl ketone (78-93-3)"]),
    ("Acetona + Tolueno", ["acetone (67-64-1)", "toluene (108-88-3)"]),
    ("Acetona/Tolueno", ["acetone (67-64-1)", "toluene (108-88-3)"]),
    ("Acetona y tolueno", ["acetone (67-64-1)", "toluene (108-88-3)"]),
    ("Mezcla acetona tolueno", ["acetone (67-64-1)", "toluene (108-88-3)"]),
    ("Thinner (acetona)", ["toluene (108-88-3)", "acetone (67-64-1)"]),
    ("Acetona (67-64-1) / Tolueno", ["acetone (67-64-1)", "toluene (108-88-3)"]),
    ("Acetona / Tolueno (108-88-3)", ["acetone (67-64-1)", "toluene (108-88-3)"]),
    ("Clorhidrato de efedrina (sulfato de efedrina)",
     ["ephedrine hydrochloride (50-98-6)", "ephedrine sulfate (134-72-5)"]),
]


@pytest.mark.parametrize(("text", "labels"), DISAGREEING, ids=[d[0] for d in DISAGREEING])
def test_parts_that_name_different_substances_are_refused_naming_both(text, labels):
    error = _refusal(text)
    assert str(error) == (
        f"'{text}' names {labels[0]} and {labels[1]}: write one substance per row, by its "
        "name or CAS number (a mixture: one row for each controlled substance it holds, "
        "with its percentage)")
    assert error.suggestions == labels


@pytest.mark.parametrize(
    ("text", "message"),
    [("Acetona (108-24-7)", "'Acetona (108-24-7)' names acetone (67-64-1), but its CAS number "
      "108-24-7 is acetic anhydride (108-24-7): correct the name or the CAS number"),
     ("MEK - CAS 64-19-7", "'MEK - CAS 64-19-7' names methyl ethyl ketone (78-93-3), but its "
      "CAS number 64-19-7 is acetic acid (64-19-7), which is not controlled: correct the name "
      "or the CAS number")],
)
def test_a_name_beside_another_substances_cas_is_refused(text, message):
    assert str(_refusal(text)) == message


@pytest.mark.parametrize(
    ("text", "alike"),
    [("Tolueno (xileno)", "xylene (1330-20-7)"),
     ("Acetona (ACN)", "acetonitrile (75-05-8)"),
     ("Piperidina (piperazina)", "piperazine (110-85-0)"),
     ("Permanganato de potasio (permanganato de sodio)", "sodium permanganate (10101-50-5)")],
)
def test_a_controlled_substance_beside_a_look_alike_is_refused_naming_both(text, alike):
    error = _refusal(text)
    assert f" and {alike}, which is not controlled: if the product is " in str(error)
    assert "it is not declared; if it is a mixture, write only the controlled substance" in (
        str(error))


# Look-alikes stay refused, whatever is written beside them.
LOOK_ALIKES = [
    ("Acetonitrilo (ACN)", "acetonitrile (75-05-8)"),
    ("acetonitrilo 99.9%", "acetonitrile (75-05-8)"),
    ("Acetonitrile HPLC grade", "acetonitrile (75-05-8)"),
    ("Ácido acético glacial", "acetic acid (64-19-7)"),
    ("Ácido acético (vinagre)", "acetic acid (64-19-7)"),
    ("Ácido acético 99% (AcOH)", "acetic acid (64-19-7)"),
    ("Éter de petróleo", "petroleum ether (8032-32-4)"),
    ("Éter de petróleo 40-60 x 4 L", "petroleum ether (8032-32-4)"),
    ("MIBK (metil isobutil cetona)", "methyl isobutyl ketone (108-10-1)"),
    ("Metil isobutil cetona (MIBK)", "methyl isobutyl ketone (108-10-1)"),
    ("Peróxido de MEK", "methyl ethyl ketone peroxide (1338-23-4)"),
    ("MEK peroxide (MEKP)", "methyl ethyl ketone peroxide (1338-23-4)"),
    ("Tolueno diisocianato (TDI)", "toluene diisocyanate (26471-62-5)"),
    ("vitriolo azul", "copper sulfate (7758-98-7)"),
    ("Piedra lipe x 25 kg", "copper sulfate (7758-98-7)"),
]


@pytest.mark.parametrize(("text", "alike"), LOOK_ALIKES, ids=[a[0] for a in LOOK_ALIKES])
def test_look_alikes_stay_refused_whatever_is_beside_them(text, alike):
    error = _refusal(text)
    assert error.not_controlled == alike
    assert str(error) == f"'{text}' is {alike}, which is not a controlled substance"


# Words that may make the name another chemical, a salt, an extract, or deny it.
CHEMICAL = [
    ("Acetona cianhidrina", "'cianhidrina'"),
    ("Tolueno sulfonato de sodio", "'sulfonato', 'sodio'"),
    ("Ácido tolueno sulfónico", "'Ácido', 'sulfónico'"),
    ("Thinner sin tolueno", "'sin'"),
    ("Sal de efedrina", "'Sal'"),
    ("Efedrina maleato", "'maleato'"),
    ("ephedrine extract", "'extract'"),
    ("metformina HCl", "'metformina'"),
    ("Acetona (metanol)", "'metanol'"),
    ("Éter etílico de petróleo", "'petróleo'"),
    ("Tolueno metil", "'metil'"),
]


@pytest.mark.parametrize(("text", "words"), CHEMICAL, ids=[c[0] for c in CHEMICAL])
def test_words_that_may_make_it_another_chemical_are_refused(text, words):
    error = _refusal(text)
    assert f"but {words} may make it another chemical or a product without it: if it is " in (
        str(error))
    assert "write its name alone (grade, concentration and presentation may follow)" in (
        str(error))


@pytest.mark.parametrize(
    ("text", "code", "pct", "left_out"),
    [("Thinner (tolueno)", "toluene", None, None),
     ("Thinner acrílico (tolueno 60%)", "toluene", 60.0, None),
     ("Thinner (Tolueno 30%, Xileno 70%)", "toluene", 30.0, "xylene (1330-20-7)"),
     ("Tolueno 30% + Xileno 70%", "toluene", 30.0, "xylene (1330-20-7)"),
     ("Acetona + Acetato de etilo", "acetone", None, "ethyl acetate (141-78-6)"),
     ("Mezcla de tolueno", "toluene", None, None),
     ("Acetona + agua", "acetone", None, None),
     ("Ácido clorhídrico en agua", "hydrochloric-acid", None, None),
     ("Residuos de tolueno", "toluene", None, None)],
)
def test_a_cell_that_says_it_is_a_mixture_is_read_as_a_mixture(text, code, pct, left_out):
    resolution = _read(text)
    assert (resolution.substance.code, resolution.concentration_pct) == (code, pct)
    assert resolution.is_mixture is True  # never taken as the pure substance
    label = resolution.substance.label
    expected = f"'{text}' read as a mixture holding {label}"
    if left_out:
        expected += f"; {left_out}, not controlled, left out"
    assert resolution.note == expected


@pytest.mark.parametrize(
    ("text", "misspelt"),
    [("MEK (metil etil cetna)", "metil etil cetna"), ("Acteona x 200 L", "Acteona")],
)
def test_a_misspelt_part_is_named_in_the_note(text, misspelt):
    resolution = _read(text)
    assert resolution.note == (
        f"'{text}' read as {resolution.substance.label}; '{misspelt}' taken as a misspelling")


@pytest.mark.parametrize(
    ("text", "what"),
    [("permanganto de potasio", "potassium permanganate (7722-64-7)"),
     ("thinnner acrilico", "a mixture holding toluene (108-88-3)")],
)
def test_a_misspelt_name_with_nothing_else_gets_a_short_note(text, what):
    assert _read(text).note == f"'{text}' read as {what}, taken as a misspelling"


def test_a_misspelt_name_alone_gets_a_note_too():
    resolution = _read("acteona")
    assert resolution.matched == "fuzzy"
    assert resolution.note == "'acteona' read as acetone (67-64-1), taken as a misspelling"


@pytest.mark.parametrize(
    "text", ["Disolvente XR-47 (ver ficha)", "Solvent blend XR-47", "Merck (lote 12)",
             "AA", "Producto químico x 200 L"],
)
def test_cells_naming_nothing_stay_unknown(text):
    error = _refusal(text)
    assert error.not_controlled is None
    assert str(error).startswith(f"unknown substance '{text}'")


def test_a_cell_is_read_once_then_answered_from_the_cache():
    catalogue = load_catalogue()
    first = catalogue.resolve("MEK (metil etil cetona) x 200 L")
    assert catalogue.resolve("MEK (metil etil cetona) x 200 L") is first


@pytest.mark.parametrize(
    ("text", "alike"),
    [("acido acetco", "acetic acid (64-19-7)"), ("acetonitrlo x 4 L", "acetonitrile (75-05-8)")],
)
def test_a_misspelt_look_alike_is_refused_as_looking_like_it(text, alike):
    error = _refusal(text)
    assert (error.not_controlled, error.suggestions) == (alike, [])
    assert str(error) == f"'{text}' looks like {alike}, which is not a controlled substance"


# National files: their substances, synonyms and words are read the same way.
NATIONAL = GOOD_ENTRY + """\
    synonyms: {en: [GBL]}
  - code: toluene
    synonyms: {es: [solvente T-100]}
words:
  neutral: [Bidoncito]
  chemical: [Quimpac]
"""


@pytest.fixture
def national(tmp_path):
    path = tmp_path / "pe.yaml"
    path.write_text(NATIONAL, encoding="utf-8")
    return load_catalogue([path])


@pytest.mark.parametrize(
    ("text", "code"),
    [("GBL (gamma-butirolactona)", "gamma-butyrolactone"),
     ("Gamma-butirolactona - CAS 96-48-0", "gamma-butyrolactone"),
     ("Solvente T-100 (tolueno)", "toluene")],
)
def test_national_substances_and_synonyms_are_read_in_parts_too(national, text, code):
    resolution = national.resolve(text)
    assert resolution.substance.code == code
    assert resolution.note.startswith(f"'{text}' read as ")


def test_national_substances_disagree_like_the_others(national):
    with pytest.raises(UnknownSubstance) as caught:
        national.resolve("GBL (acetona)")
    assert "names gamma-butyrolactone (96-48-0) and acetone (67-64-1)" in str(caught.value)


def test_national_words_extend_the_shipped_lists(national):
    assert national.resolve("Acetona bidoncito 5 L").note is None  # neutral: no note
    assert "'bidoncito' ignored" in CATALOGUE.resolve("Acetona bidoncito 5 L").note
    with pytest.raises(UnknownSubstance, match="'Quimpac' may make it another chemical"):
        national.resolve("Acetona Quimpac")
    assert "'Quimpac' ignored" in CATALOGUE.resolve("Acetona Quimpac").note


@pytest.mark.parametrize(
    ("words", "reason"),
    [("  neutral: [para piscinas]\n", "'para piscinas' is not one word"),
     ("  chemical: [granel]\n", "'granel' is already a neutral word"),
     ("  neutral: [tolueno]\n", "'tolueno' names 'toluene'"),
     ("  mixture: [MEK]\n", "'mek' names 'methyl-ethyl-ketone'"),
     ("  neutral: [true]\n", "neutral"),
     ("  colour: [red]\n", "colour"),
     ("  - neutral\n", "expected lists 'neutral', 'purpose', 'mixture', 'chemical'")],
)
def test_bad_words_fail_with_file_and_reason(tmp_path, words, reason):
    path = tmp_path / "bad.yaml"
    path.write_text("words:\n" + words, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([path])
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)


def test_a_pickled_catalogue_reads_parts_too():
    # A reader process gets the catalogue pickled, without the reader of parts it rebuilds.
    import pickle

    catalogue = load_catalogue()
    catalogue.resolve("MEK (metil etil cetona)")
    copy = pickle.loads(pickle.dumps(catalogue))
    assert copy.resolve("HCl (ácido clorhídrico)").substance.code == "hydrochloric-acid"
    with pytest.raises(UnknownSubstance, match="names methyl ethyl ketone"):
        copy.resolve("MEK (acetona)")
