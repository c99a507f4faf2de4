"""Convert a declared quantity of product to kilograms of the pure controlled substance."""

from __future__ import annotations

import math

import numpy as np

from app.catalogue.models import Resolution

# Canonical units -> kilograms per unit (mass) or litres per unit (volume).
MASS_UNITS = {"kg": 1.0, "g": 0.001, "t": 1000.0}
VOLUME_UNITS = {"L": 1.0, "mL": 0.001, "gal": 3.785411784}  # gal: US gallon
_CANONICAL = {unit.casefold(): unit for unit in (*MASS_UNITS, *VOLUME_UNITS)}


def canonical_unit(unit: str) -> str:
    """Return the canonical spelling of a unit ('ML' -> 'mL'); ValueError if unknown."""
    canonical = _CANONICAL.get(str(unit).strip().casefold())
    if canonical is None:
        raise ValueError(f"unknown unit '{unit}' (use kg, g, t, L, mL or gal)")
    return canonical


def to_pure_kg(
    quantity: float, unit: str, *, resolution: Resolution, concentration_pct: float = 100.0
) -> float:
    """Return kg of pure substance (as base) in a quantity of product at a concentration."""
    if not math.isfinite(quantity):
        raise ValueError(f"quantity {quantity} is not a number")
    if not 0 < concentration_pct <= 100:
        raise ValueError(f"concentration {concentration_pct} % is outside (0, 100]")
    unit = canonical_unit(unit)
    if unit in MASS_UNITS:
        mass_kg = quantity * MASS_UNITS[unit]
    else:
        mass_kg = quantity * VOLUME_UNITS[unit] * _density(resolution, concentration_pct)
    return mass_kg * concentration_pct / 100.0 * resolution.base_fraction


def _density(resolution: Resolution, concentration_pct: float) -> float:
    substance = resolution.substance
    if resolution.form is not None:
        raise ValueError(f"{resolution.form.name} is a salt (a solid): declare it by mass, "
                         "not by volume")
    density = substance.density_for(concentration_pct)
    if density is not None:
        return density
    if substance.solution_densities:
        low, high = substance.solution_densities[0][0], substance.solution_densities[-1][0]
        raise ValueError(f"no density for {substance.name} at {concentration_pct:g} %: give the "
                         f"concentration of the solution ({low:g}-{high:g} %)")
    raise ValueError(f"{substance.name} is a solid: declare it by mass, not by volume")


def pure_kg_vectorised(
    quantity: np.ndarray,
    unit: np.ndarray,
    density: np.ndarray,
    concentration_pct: np.ndarray,
    base_fraction: np.ndarray,
) -> np.ndarray:
    """Return kg of pure substance per row; NaN where a row cannot be converted."""
    quantity = np.asarray(quantity, dtype=float)
    units = np.asarray(unit).astype(str)
    quantity, units, density, concentration, fraction = np.broadcast_arrays(
        quantity,
        units,
        np.asarray(density, dtype=float),
        np.asarray(concentration_pct, dtype=float),
        np.asarray(base_fraction, dtype=float),
    )
    factor = np.full(quantity.shape, np.nan)
    # A handful of whole-array comparisons, not a Python loop per row.
    for spelling, canonical in _spellings().items():
        match = units == spelling
        if canonical in MASS_UNITS:
            factor[match] = MASS_UNITS[canonical]
        else:
            factor[match] = VOLUME_UNITS[canonical] * density[match]  # NaN density stays NaN
    valid = (concentration > 0) & (concentration <= 100)
    concentration = np.where(valid, concentration, np.nan)
    return quantity * factor * concentration / 100.0 * fraction


def _spellings() -> dict[str, str]:
    """Return the spellings pure_kg_vectorised accepts: canonical, lower and upper case."""
    spellings = {}
    for canonical in (*MASS_UNITS, *VOLUME_UNITS):
        for spelling in (canonical, canonical.lower(), canonical.upper()):
            spellings[spelling] = canonical
    return spellings
