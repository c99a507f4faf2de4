"""Periodic declarations by licensed operators (interfaces §2): one row per movement."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
from marshmallow import Schema

from importers.codes import (
    DELIVERY,
    MOVEMENT,
    PAYMENT_METHOD,
    UNIT,
)
from importers.engine import Cells, FileState, Parsed, refuse_duplicates
from importers.feeds.checks import (
    canonical_licences,
    note_implausible,
    note_unlicensed_substances,
)
from importers.feeds.counterparty import counterparty_by_direction
from importers.fields import (
    IDENTIFIER,
    NAME,
    REFERENCE,
    Code,
    Country,
    Date,
    Number,
    Period,
    Text,
)
from importers.reference_fields import SubstanceName
from importers.text import cell_text
from lexicon.movements import STOCK_MOVEMENTS
from lexicon.units import MASS_UNITS, VOLUME_UNITS


class DeclarationRow(Schema):
    """One declared movement of a controlled substance."""

    licence_no = Text(required=True, max_length=IDENTIFIER)
    period = Period(required=True)
    movement = Code(MOVEMENT, required=True)
    date = Date(required=True, past=True)
    substance = SubstanceName(required=True, max_length=NAME)
    quantity = Number(required=True, gt=0, units=UNIT)
    unit = Code(UNIT, required=True)
    concentration_pct = Number(gt=0, le=100, percent=True, load_default=100.0)
    counterparty_licence = Text(max_length=IDENTIFIER)
    counterparty_name = Text(max_length=NAME)
    counterparty_country = Country(home_default=True)
    document_ref = Text(max_length=REFERENCE)
    payment_method = Code(PAYMENT_METHOD)
    delivery = Code(DELIVERY)


OUTPUT_COLUMNS = (
    "licence_no", "period", "movement", "date", "substance_code", "substance_text", "form_code",
    "quantity", "unit", "concentration_pct", "density_kg_per_l", "base_fraction", "quantity_kg",
    "counterparty_licence", "counterparty_name", "counterparty_country", "document_ref",
    "payment_method", "delivery",
)


@cache
def _factors() -> tuple[np.ndarray, np.ndarray]:
    """Return kg and L per unit, by position in UNIT.codes; NaN where of the other kind."""
    mass = np.array([MASS_UNITS.get(u, np.nan) for u in UNIT.codes] + [np.nan])
    volume = np.array([VOLUME_UNITS.get(u, np.nan) for u in UNIT.codes] + [np.nan])
    return mass, volume


def finish(cells: Cells, parsed: dict[str, Parsed], state: FileState) -> dict[str, np.ndarray]:
    """Check what spans columns, convert to kg of pure substance, and lay out the records."""
    licence, substance = parsed["licence_no"], parsed["substance"]
    if cells.match.pairs:  # "Cliente" and "Proveedor" side by side
        counterparty_by_direction(cells, parsed, state)
    licences = canonical_licences(cells, "licence_no", licence, state, refuse_unknown=True)
    _only_declarant(cells, licences, licence, state)
    counterparty = canonical_licences(
        cells, "counterparty_licence", parsed["counterparty_licence"], state, refuse_unknown=False
    )
    _concentration_from_substance_text(cells, parsed)
    _usual_concentration(cells, parsed, state)
    _require_mixture_concentration(cells, parsed)
    _check_period(cells, parsed, state)
    _check_unit_against_header(cells, parsed)
    _check_unit_after_quantity(cells, parsed)
    density, quantity_kg = _quantity_kg(cells, parsed, state)
    _refuse_repeated_stock(cells, licences, parsed, state)
    note_implausible(cells, quantity_kg, "quantity", state)
    note_unlicensed_substances(cells, licences, licence.ok & ~cells.bad, substance, state)
    return {
        "licence_no": licences,
        "period": parsed["period"].values,
        "movement": parsed["movement"].values,
        "date": parsed["date"].values,
        "substance_code": substance.values,
        "substance_text": substance.extra["text"],
        "form_code": substance.extra["form"],
        "quantity": parsed["quantity"].values,
        "unit": parsed["unit"].values,
        "concentration_pct": parsed["concentration_pct"].values,
        "density_kg_per_l": density,
        "base_fraction": substance.extra["base_fraction"],
        "quantity_kg": quantity_kg,
        "counterparty_licence": counterparty,
        "counterparty_name": parsed["counterparty_name"].values,
        "counterparty_country": parsed["counterparty_country"].values,
        "document_ref": parsed["document_ref"].values,
        "payment_method": parsed["payment_method"].values,
        "delivery": parsed["delivery"].values,
    }


def _only_declarant(cells: Cells, licences: np.ndarray, licence: Parsed,
                    state: FileState) -> None:
    """Refuse rows of another licence than the sender's, when the sender is one operator."""
    declarant = state.context.declarant if state.context is not None else None
    if declarant is None:
        return
    mask = licence.ok & (licences != declarant)
    if not mask.any():
        return
    reasons = np.full(cells.n, None, dtype=object)
    reasons[mask] = [f"licence {v!r} is not yours: this account declares for {declarant} only"
                     for v in licences[mask]]
    cells.fail("licence_no", mask, reasons)
    licence.ok = licence.ok & ~mask


def _concentration_from_substance_text(cells: Cells, parsed: dict[str, Parsed]) -> None:
    """Use a concentration written with the substance when the concentration cell is empty.

    ("ácido clorhídrico 33%", as the catalogue reads it.) A concentration cell, when given,
    always wins.
    """
    written = parsed["substance"].extra["concentration"]
    raw = cells.raw("concentration_pct")
    empty = np.ones(cells.n, dtype=bool) if raw is None else raw == ""
    use = empty & ~np.isnan(written)
    if use.any():
        use &= ~_refuse_unreadable_written(cells, parsed, use)
    if use.any():
        concentration = parsed["concentration_pct"]
        concentration.values = concentration.values.copy()
        concentration.values[use] = written[use]


# What the catalogue cannot read right in "Ácido clorhídrico 33-37%" or "HCl 37% p/v": it takes
# one number of a range, and a percentage by volume as one by mass.
_RANGE = re.compile(r"\d(?:[.,]\d+)?\s*%?\s*(?:-|–|a|to|al)\s*\d{1,3}(?:[.,]\d+)?\s*%")
_BY_VOLUME = re.compile(r"%\s*(?:[pwm]/v|v/[pwmv])\b", re.IGNORECASE)


def _refuse_unreadable_written(cells: Cells, parsed: dict[str, Parsed], use: np.ndarray):
    """Refuse rows whose substance text gives a range or a percentage by volume; return them."""
    texts = parsed["substance"].extra["text"]
    at, uniques = pd.factorize(texts[use])
    why = []
    for text in uniques:
        if _RANGE.search(text):
            why.append("a range of concentrations")
        elif _BY_VOLUME.search(text):
            why.append("a percentage by volume")
        else:
            why.append(None)
    found = np.array([*why, None], dtype=object)[at]
    refused = np.zeros(cells.n, dtype=bool)
    refused[np.flatnonzero(use)[pd.notna(found)]] = True
    if refused.any():
        column = "concentration_pct" if "concentration_pct" in cells.match.columns else "substance"
        where = (cells.header(column) if column == "concentration_pct"
                 else "a concentration_pct column")
        reasons = np.full(cells.n, None, dtype=object)
        reasons[refused] = [
            f"{t!r} gives {w}: give the concentration by mass (% p/p) in {where}"
            for t, w in zip(texts[refused], found[pd.notna(found)], strict=True)
        ]
        cells.fail(column, refused, reasons)
        parsed["concentration_pct"].ok = parsed["concentration_pct"].ok & ~refused
    return refused


def _usual_concentration(cells: Cells, parsed: dict[str, Parsed], state: FileState) -> None:
    """Read a substance traded only as a solution, declared without a percentage, at its usual one.

    Hydrogen chloride is a gas: "Ácido muriático, 200 L" is its solution, about 33 %, not
    200 L of pure substance (which has no density to convert with). The catalogue says which
    substances are so and at what percentage; each is named once in a warning.
    """
    substance = parsed["substance"]
    usual = np.array([getattr(s, "usual_concentration_pct", None) if s is not None else None
                      for s in substance.extra["substance"]], dtype=object)
    candidates = substance.ok & pd.notna(usual) & np.isnan(substance.extra["concentration"])
    if not candidates.any():
        return
    raw = cells.raw("concentration_pct")
    empty = np.ones(cells.n, dtype=bool)
    if raw is not None:
        where = np.flatnonzero(candidates)
        empty[where] = [cell_text(v).strip() == "" for v in raw[where]]
    use = candidates & empty
    if not use.any():
        return
    concentration = parsed["concentration_pct"]
    concentration.values = concentration.values.copy()
    concentration.values[use] = usual[use].astype(float)
    for s in {substance.extra["substance"][i] for i in np.flatnonzero(use)}:
        state.notes[("usual_concentration", "concentration_pct",
                     f"{s.name} at {s.usual_concentration_pct:g} %")] += int(
            (use & (substance.extra["substance"] == s)).sum())


def _require_mixture_concentration(cells: Cells, parsed: dict[str, Parsed]) -> None:
    """Refuse a mixture ("Thinner") declared without the share of the controlled substance.

    A thinner may hold 10 % toluene or 90 %: taking it as pure would overstate, taking any
    fixed share would be a guess. The concentration cell, or one written with the name
    ("Thinner 60%"), must say it.
    """
    substance = parsed["substance"]
    mixture = substance.ok & substance.extra["mixture"]
    if not mixture.any():
        return
    raw = cells.raw("concentration_pct")
    empty = np.ones(cells.n, dtype=bool)
    if raw is not None:
        where = np.flatnonzero(mixture)
        empty[where] = [cell_text(v).strip() == "" for v in raw[where]]
    missing = mixture & empty & np.isnan(substance.extra["concentration"])
    if not missing.any():
        return
    column = "concentration_pct" if raw is not None else "substance"
    where = cells.header(column) if raw is not None else "a concentration_pct column"
    reasons = np.full(cells.n, None, dtype=object)
    reasons[missing] = [
        f"{text} is a mixture: give the percentage of {s.name} in {where}"
        for text, s in zip(
            substance.extra["text"][missing], substance.extra["substance"][missing], strict=True
        )
    ]
    cells.fail(column, missing, reasons)
    parsed["concentration_pct"].ok = parsed["concentration_pct"].ok & ~missing


def _check_period(cells: Cells, parsed: dict[str, Parsed], state: FileState) -> None:
    """Refuse movements dated outside their period.

    One day of grace at each end: an opening stock is often dated the last day of the
    previous month, a closing stock the first day of the next. Rows accepted thanks to that
    grace are counted and reported as a warning.
    """
    period, date = parsed["period"], parsed["date"]
    both = period.ok & date.ok
    if not both.any():
        return
    at, uniques = pd.factorize(period.values[both])
    months = np.array(uniques, dtype="datetime64[M]")[at]
    start = months.astype("datetime64[D]")
    end = (months + 1).astype("datetime64[D]") - 1
    days = date.values[both]
    outside = (days < start - 1) | (days > end + 1)
    graced = ((days == start - 1) | (days == end + 1)).sum()
    if graced:
        state.notes[("period_grace", "date", None)] += int(graced)
    if outside.any():
        mask = np.zeros(cells.n, dtype=bool)
        mask[np.flatnonzero(both)[outside]] = True
        reasons = np.full(cells.n, None, dtype=object)
        reasons[mask] = [
            f"date {d} is outside the period {p}"
            for d, p in zip(date.values[mask], period.values[mask], strict=True)
        ]
        cells.fail("date", mask, reasons)


def _unit_column(cells: Cells) -> str:
    """Return the column that gives the unit: its own, or the quantity's ("Cantidad (Kg)")."""
    return "unit" if "unit" in cells.match.columns else "quantity"


def _check_unit_against_header(cells: Cells, parsed: dict[str, Parsed]) -> None:
    """Refuse a unit cell that contradicts the quantity's header ("Cantidad (Kg)" and "TM").

    Either reading could be the wrong one by a factor of a thousand: never guessed.
    """
    named = cells.match.implied.get("unit")
    if named is None or "unit" not in cells.match.columns:
        return
    unit = parsed["unit"]
    wrong = unit.ok & (unit.values != named)
    if wrong.any():
        header = cells.header("quantity")
        cells.fail("unit", wrong, f"disagrees with column {header!r}, which is in {named}")
        unit.ok = unit.ok & ~wrong


def _check_unit_after_quantity(cells: Cells, parsed: dict[str, Parsed]) -> None:
    """Accept "12,5 kg" in the quantity when the unit column says the same; refuse otherwise."""
    written = parsed["quantity"].extra.get("unit")
    if written is None:
        return
    unit = parsed["unit"]
    given = pd.notna(written)
    wrong = given & unit.ok & (written != unit.values)
    if wrong.any():
        where = cells.header("unit") if "unit" in cells.match.columns else cells.header("quantity")
        reasons = np.full(cells.n, None, dtype=object)
        reasons[wrong] = [
            f"the quantity says {w} but {where!r} says {u}: which is it?"
            for w, u in zip(written[wrong], unit.values[wrong], strict=True)
        ]
        cells.fail("quantity", wrong, reasons)
        parsed["quantity"].ok = parsed["quantity"].ok & ~wrong


def _quantity_kg(
    cells: Cells, parsed: dict[str, Parsed], state: FileState
) -> tuple[np.ndarray, np.ndarray]:
    """Convert product quantities to kg of pure substance: unit, density, concentration, salt."""
    substance, unit = parsed["substance"], parsed["unit"]
    concentration = parsed["concentration_pct"]
    index = unit.extra["index"]
    mass_factor, volume_factor = _factors()
    density = np.full(cells.n, np.nan)
    volume = unit.ok & substance.ok & concentration.ok & ~np.isnan(volume_factor[index])
    if volume.any():
        where = np.flatnonzero(volume)
        sub_at, _ = pd.factorize(substance.extra["text"][where])  # text: the form matters
        pct_at, pct_uniques = pd.factorize(concentration.values[where])
        at, _ = pd.factorize(sub_at.astype(np.int64) * len(pct_uniques) + pct_at)
        first = np.unique(at, return_index=True)[1]  # one row per (substance, concentration)
        objects = substance.extra["substance"][where][first]
        salts = substance.extra["form"][where][first]
        pcts = concentration.values[where][first]
        looked_up = np.array([
            np.nan if salt is not None else _density(s, p)  # salts are solids
            for s, p, salt in zip(objects, pcts, salts, strict=True)
        ])
        density[where] = looked_up[at]
        unknown = volume & np.isnan(density)
        if unknown.any():
            reasons = np.full(cells.n, None, dtype=object)
            reasons[unknown] = [
                f"{s.name}{' (a salt)' if salt else ''} has no known density: "
                "declare it by mass (kg, g, t)"
                for s, salt in zip(
                    substance.extra["substance"][unknown], substance.extra["form"][unknown],
                    strict=True,
                )
            ]
            cells.fail(_unit_column(cells), unknown, reasons)
    per_unit = np.where(np.isnan(density), mass_factor[index], volume_factor[index] * density)
    quantity_kg = (
        parsed["quantity"].values * per_unit * concentration.values / 100.0
        * substance.extra["base_fraction"]
    )
    return density, quantity_kg


def _density(substance, concentration_pct: float) -> float:
    """Ask the catalogue for a product's density (NaN when unknown)."""
    found = substance.density_for(float(concentration_pct))
    return np.nan if found is None else float(found)


def _refuse_repeated_stock(
    cells: Cells, licences: np.ndarray, parsed: dict[str, Parsed], state: FileState
) -> None:
    """Refuse an opening or closing stock given twice for the same product and period.

    Other movements may legitimately repeat (two identical sales on one day), so only
    stocks are checked; "same product" includes the salt form and the concentration,
    because an operator may hold two grades of one substance.
    """
    movement = parsed["movement"].values
    substance = parsed["substance"]
    refuse_duplicates(
        cells,
        state,
        key={
            "licence": licences,
            "period": parsed["period"].values,
            "movement": movement,
            "substance": substance.values,
            "form": np.where(pd.isna(substance.extra["form"]), "", substance.extra["form"]),
            "concentration": parsed["concentration_pct"].values,
        },
        column="movement",
        message="stock already given in row {row} for this substance and period",
        among=np.isin(movement, list(STOCK_MOVEMENTS)),
        index_name="stock_keys",
    )
