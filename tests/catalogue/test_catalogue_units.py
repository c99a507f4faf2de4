"""Converting declared quantities of product to kilograms of pure substance."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.catalogue import load_catalogue, pure_kg_vectorised, to_pure_kg
from app.catalogue.units import canonical_unit

CATALOGUE = load_catalogue()
ACETONE = CATALOGUE.resolve("acetone")
HCL = CATALOGUE.resolve("ácido clorhídrico")
SULPHURIC = CATALOGUE.resolve("sulphuric acid")
EPHEDRINE_HCL = CATALOGUE.resolve("ephedrine hydrochloride")
PERMANGANATE = CATALOGUE.resolve("potassium permanganate")
PIPERIDINE_HCL = CATALOGUE.resolve("piperidine hydrochloride")


@pytest.mark.parametrize(
    ("quantity", "unit", "resolution", "pct", "expected"),
    [
        (12.5, "kg", ACETONE, 100, 12.5),
        (1500, "g", ACETONE, 100, 1.5),
        (2, "t", ACETONE, 100, 2000),
        (10, "L", ACETONE, 100, 7.91),
        (500, "mL", CATALOGUE.resolve("acetic anhydride"), 100, 0.541),
        (100, "kg", ACETONE, 40, 40),
        (1, "kg", EPHEDRINE_HCL, 100, 0.8193),
        (1, "kg", EPHEDRINE_HCL, 50, 0.40965),
        (100, "L", HCL, 33, 100 * 1.1642 * 0.33),
        (1, "L", SULPHURIC, 98, 1.8361 * 0.98),
        (1, "L", SULPHURIC, 100, 1.8305),
        (200, "l", ACETONE, 100, 158.2),
        (1000, "ML", ACETONE, 100, 0.791),
    ],
)
def test_to_pure_kg(quantity, unit, resolution, pct, expected):
    result = to_pure_kg(quantity, unit, resolution=resolution, concentration_pct=pct)
    assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("resolution", "unit", "pct", "reason"),
    [
        (PERMANGANATE, "L", 100, "is a solid"),
        (PIPERIDINE_HCL, "L", 100, "is a salt"),
        (HCL, "L", 100, "give the concentration"),
        (HCL, "mL", 45, "give the concentration"),
        (ACETONE, "kg", 0, "outside"),
        (ACETONE, "kg", 100.5, "outside"),
        (ACETONE, "oz", 100, "unknown unit"),
    ],
)
def test_impossible_conversions_say_why(resolution, unit, pct, reason):
    with pytest.raises(ValueError, match=reason):
        to_pure_kg(1, unit, resolution=resolution, concentration_pct=pct)


def test_solid_by_mass_needs_no_density():
    assert to_pure_kg(3, "kg", resolution=PERMANGANATE) == 3


def test_canonical_unit():
    assert canonical_unit(" KG ") == "kg"
    assert canonical_unit("ml") == "mL"
    with pytest.raises(ValueError):
        canonical_unit("litros")


def test_vectorised_matches_the_scalar_conversion():
    cases = [
        (1500, "g", ACETONE, 100), (2, "t", ACETONE, 100), (10, "L", ACETONE, 100),
        (100, "L", HCL, 33), (250, "mL", SULPHURIC, 98), (1, "kg", EPHEDRINE_HCL, 50),
    ]
    quantity = np.array([c[0] for c in cases], dtype=float)
    unit = np.array([c[1] for c in cases])
    density = np.array([c[2].substance.density_for(c[3]) or np.nan for c in cases])
    concentration = np.array([c[3] for c in cases], dtype=float)
    fraction = np.array([c[2].base_fraction for c in cases])
    result = pure_kg_vectorised(quantity, unit, density, concentration, fraction)
    expected = [to_pure_kg(q, u, resolution=r, concentration_pct=p) for q, u, r, p in cases]
    np.testing.assert_allclose(result, expected)


def test_vectorised_gives_nan_where_impossible():
    result = pure_kg_vectorised(
        np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
        np.array(["L", "mL", "oz", "kg", "kg", None], dtype=object),
        np.array([np.nan, np.nan, 1.0, 1.0, 1.0, 1.0]),
        np.array([100, 100, 100, 0, 150, 100], dtype=float),
        np.ones(6),
    )
    assert np.isnan(result).all()


def test_vectorised_accepts_scalars_for_constant_columns():
    result = pure_kg_vectorised(np.array([1.0, 2.0]), np.array(["kg", "t"]), np.nan, 50.0, 1.0)
    np.testing.assert_allclose(result, [0.5, 1000.0])


def test_vectorised_handles_a_million_rows_quickly():
    n = 1_000_000
    rng = np.random.default_rng(7)
    unit = rng.choice(np.array(["kg", "g", "t", "L", "mL"]), size=n)
    started = time.perf_counter()
    result = pure_kg_vectorised(
        rng.uniform(1, 1000, n), unit, np.full(n, 0.791), np.full(n, 100.0), np.ones(n)
    )
    assert time.perf_counter() - started < 5.0
    assert not np.isnan(result).any()


def test_a_gallon_is_the_us_gallon():
    density = ACETONE.substance.density_for(100)
    assert to_pure_kg(2, "gal", resolution=ACETONE) == pytest.approx(2 * 3.785411784 * density)
    assert canonical_unit("GAL") == "gal"
