"""Mixture trade names ("Thinner"): they name the substance, but never as pure substance."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.catalogue import CatalogueError, UnknownSubstance, load_catalogue

CATALOGUE = load_catalogue()


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "pct"),
    [
        ("Thinner", None),
        ("THINNER", None),
        ("thinner acrílico", None),
        ("THINNER ACRILICO", None),
        ("Thinner estándar", None),
        ("Lacquer thinner", None),
        ("thiner", None),  # the usual misspelling, listed
        ("tiner", None),
        ("Thinner 60%", 60.0),
        ("Thinner al 60 %", 60.0),
        ("thinner acrilico grado industrial", None),
    ],
)
def test_thinner_resolves_to_toluene_as_a_mixture(text, pct):
    resolution = CATALOGUE.resolve(text)
    assert resolution.substance.code == "toluene"
    assert resolution.form is None
    assert resolution.matched == "mixture"
    assert resolution.is_mixture is True
    assert resolution.base_fraction == 1.0
    assert resolution.concentration_pct == pct


def test_a_typo_of_a_mixture_name_is_still_a_mixture():
    resolution = CATALOGUE.resolve("thinnner acrilico")
    assert (resolution.substance.code, resolution.matched) == ("toluene", "mixture")


def test_thinner_with_the_cas_of_toluene_stays_a_mixture():
    resolution = CATALOGUE.resolve("Thinner (108-88-3)")
    assert (resolution.substance.code, resolution.matched) == ("toluene", "mixture")


@pytest.mark.parametrize(
    ("text", "matched"),
    [("Tolueno", "name"), ("toluol", "synonym"), ("108-88-3", "cas"), ("toluene", "code")],
)
def test_toluene_itself_is_not_a_mixture(text, matched):
    resolution = CATALOGUE.resolve(text)
    assert (resolution.substance.code, resolution.matched) == ("toluene", matched)
    assert resolution.is_mixture is False


@pytest.mark.parametrize(
    "text", ["diluyente", "solvente para pintura", "aguarrás", "disolvente", "Solvente XR-47"]
)
def test_generic_solvent_words_do_not_name_toluene(text):
    # They may hold any solvent (or none that is controlled): no guess, only suggestions.
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve(text)
    assert caught.value.not_controlled is None
    assert str(caught.value).startswith(f"unknown substance '{text}'")


@pytest.mark.parametrize(
    ("text", "alike"),
    [("xileno", "xylene (1330-20-7)"), ("MIBK", "methyl isobutyl ketone (108-10-1)"),
     ("diisocianato de tolueno", "toluene diisocyanate (26471-62-5)")],
)
def test_look_alikes_still_refuse(text, alike):
    with pytest.raises(UnknownSubstance) as caught:
        CATALOGUE.resolve(text)
    assert caught.value.not_controlled == alike


def test_customs_descriptions_naming_a_thinner_mention_no_substance():
    assert CATALOGUE.mentions("THINNER ACRILICO X 20 L") == []
    assert [s.code for s in CATALOGUE.mentions("TOLUENO GRADO INDUSTRIAL")] == ["toluene"]


def test_the_shipped_file_lists_thinner_as_a_mixture_of_toluene():
    toluene = CATALOGUE.get("toluene")
    assert "thinner" in toluene.mixtures
    assert "thinner" not in toluene.synonyms


def test_a_national_file_adds_mixture_names(tmp_path):
    path = _write(tmp_path, "pe.yaml", """\
        substances:
          - code: toluene
            mixtures: [solvente T-100, thinner económico]
        """)
    catalogue = load_catalogue([path])
    for text in ("Solvente T100", "THINNER ECONOMICO"):
        resolution = catalogue.resolve(text)
        assert (resolution.substance.code, resolution.matched) == ("toluene", "mixture")
    assert catalogue.get("toluene").mixtures[-2:] == ("solvente T-100", "thinner económico")
    assert catalogue.mentions("SOLVENTE T-100") == []


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        # a mixture name is not a synonym: one phrase cannot be both
        ("substances:\n  - code: toluene\n    synonyms: {es: [thinner]}\n",
         ["'thinner' would name both", "toluene"]),
        ("substances:\n  - code: toluene\n    mixtures: [toluol]\n",
         ["'toluol' would name both", "toluene"]),
        ("substances:\n  - code: acetone\n    mixtures: [thinner]\n",
         ["'thinner' would name both", "acetone (mixture)", "toluene (mixture)"]),
        ("substances:\n  - code: toluene\n    mixtures: [xileno]\n",
         ["'xileno' would name both", "xylene"]),
        ("not_controlled:\n  - names: {es: thinner}\n", ["'thinner' would name both"]),
    ],
)
def test_conflicting_mixture_names_are_refused(tmp_path, text, reasons):
    path = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([path])
    for reason in reasons:
        assert reason in str(caught.value)
