"""A unit column beside a column of kg ("Cantidad | Unidad" in a baseline or notification file).

The kg feeds have no unit column, so a file's "Unidad" stays an extra column; but when it is
the only unit in the file it says what the mass column holds: `1.500 | t` is 1,500,000 kg,
and `1.000 | Litros` is no mass at all. Read as kg, both were silently wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from importers.aliases import MASS_UNIT_WORDS, alias_keys, normalise_header
from importers.codes import UNIT
from importers.engine import Cells, FileState, Parsed
from importers.text import cell_text
from lexicon.units import MASS_UNITS


def _unit_position(cells: Cells) -> int | None:
    """Return the extra column that gives a unit, when no other quantity could own it."""
    headers = cells.match.headers
    keys = {p: normalise_header(headers[p]) for p in cells.match.extras}
    # "Unidad comercial", "Unidad física" belong to another quantity of a customs item
    units = [p for p, k in keys.items() if k in alias_keys("unit") and "comercial" not in k]
    quantities = [p for p, k in keys.items() if k in alias_keys("quantity")]
    return units[0] if len(units) == 1 and not quantities else None


def _header_unit(cells: Cells, name: str) -> str | None:
    """Return the unit the mass column's own header names (`Cantidad (kg)`, `Peso (TM)`)."""
    if name in cells.match.scales:
        return "t" if cells.match.scales[name] > 1 else "g"
    words = normalise_header(cells.header(name)).split()
    return "kg" if any(MASS_UNIT_WORDS.get(w) == 1.0 for w in words) else None


def check_mass_unit(cells: Cells, parsed: dict[str, Parsed], name: str, state: FileState) -> None:
    """Convert a kg column's rows given in t or g by a unit column; refuse other units."""
    if name not in cells.match.columns:
        return
    position = _unit_position(cells)
    mass = parsed[name]
    if position is None or not mass.ok.any():
        return
    raw = cells.frame[position].to_numpy(dtype=object)
    at, uniques = pd.factorize(raw)
    texts = [cell_text(u).strip() for u in uniques]
    codes = np.array([UNIT.code_for(t) if t else "" for t in texts] + [""], dtype=object)[at]
    written = np.array([*texts, ""], dtype=object)[at]
    unit_header = cells.match.headers[position]
    named = _header_unit(cells, name)
    reasons = np.full(cells.n, None, dtype=object)
    for i in np.flatnonzero(mass.ok & (codes != "") & (codes != (named or "kg"))):
        code, text = codes[i], written[i]
        if code is None:
            reasons[i] = f"{unit_header!r} says {text!r}: {UNIT.unknown(text)}"
        elif code not in MASS_UNITS:
            reasons[i] = (f"{unit_header!r} says {text!r}, a volume: give the mass in kg "
                          f"(pure substance) in {cells.header(name)!r}")
        elif named is not None:
            reasons[i] = (f"{unit_header!r} says {text!r} but {cells.header(name)!r} is in "
                          f"{named}: which is it?")
    refused = pd.notna(reasons)
    if refused.any():
        cells.fail(name, refused, reasons)
        mass.ok = mass.ok & ~refused
    if named is None:
        factors = np.array([MASS_UNITS.get(c, 1.0) if c else 1.0 for c in codes])
        scaled = mass.ok & (factors != 1.0)
        if scaled.any():
            mass.values = np.where(scaled, mass.values * factors, mass.values)
            state.notes[("unit_column", name, unit_header)] += int(scaled.sum())
