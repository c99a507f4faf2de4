"""The catalogue's figures that turn a declared quantity into kg of pure substance.

The conversion itself is the importer's (tests/importers), with lexicon's unit factors;
these are the densities and salt fractions it reads from the catalogue.
"""

from __future__ import annotations

import pytest

from app.catalogue import load_catalogue
from lexicon import VOLUME_UNITS

CATALOGUE = load_catalogue()
ACETONE = CATALOGUE.resolve("acetone")
HCL = CATALOGUE.resolve("ácido clorhídrico")
SULPHURIC = CATALOGUE.resolve("sulphuric acid")
EPHEDRINE_HCL = CATALOGUE.resolve("ephedrine hydrochloride")
PERMANGANATE = CATALOGUE.resolve("potassium permanganate")
PIPERIDINE_HCL = CATALOGUE.resolve("piperidine hydrochloride")


@pytest.mark.parametrize(
    ("resolution", "pct", "density"),
    [
        (ACETONE, 100, 0.791),
        (CATALOGUE.resolve("acetic anhydride"), 100, 1.082),
        (HCL, 33, 1.1642),
        (SULPHURIC, 98, 1.8361),
        (SULPHURIC, 100, 1.8305),
    ],
)
def test_liquids_have_a_density_at_their_concentration(resolution, pct, density):
    assert resolution.substance.density_for(pct) == pytest.approx(density)


def test_solutions_have_no_density_outside_their_table():
    assert HCL.substance.density_for(45) is None
    assert HCL.substance.solution_densities


def test_solids_have_no_density():
    assert PERMANGANATE.substance.density_for(100) is None
    assert PERMANGANATE.form is None


def test_salts_count_as_their_base():
    assert EPHEDRINE_HCL.base_fraction == pytest.approx(0.8193, abs=1e-4)
    assert PIPERIDINE_HCL.form is not None
    assert ACETONE.base_fraction == 1.0


def test_a_gallon_of_acetone_in_kg():
    kg = 2 * VOLUME_UNITS["gal"] * ACETONE.substance.density_for(100)
    assert kg == pytest.approx(2 * 3.785411784 * 0.791, rel=1e-3)
