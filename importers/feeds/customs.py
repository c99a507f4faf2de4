"""Customs records (interfaces §3): one row per item of a customs declaration."""

from __future__ import annotations

import numpy as np
import pandas as pd
from marshmallow import Schema

from importers.codes import FLOW
from importers.engine import Cells, FileState, Parsed, refuse_duplicates
from importers.feeds.checks import note_implausible
from importers.feeds.keys import tax_id_keys
from importers.feeds.mass_units import check_mass_unit
from importers.fields import (
    CELL,
    IDENTIFIER,
    NAME,
    REFERENCE,
    Code,
    Country,
    Date,
    Integer,
    Number,
    Text,
)
from importers.reference_fields import HsCode, TaxId


class CustomsRow(Schema):
    """One item of a customs declaration, as the customs administration exports it."""

    declaration_no = Text(required=True, max_length=IDENTIFIER)
    item_no = Integer(required=True, ge=1, le=999_999)
    date = Date(required=True, past=True)
    flow = Code(FLOW, required=True)
    hs_code = HsCode(required=True)
    goods_description = Text(required=True, max_length=CELL)
    net_mass_kg = Number(required=True, ge=0)
    trader_tax_id = TaxId(required=True, max_length=IDENTIFIER)
    trader_name = Text(max_length=NAME)
    partner_country = Country(required=True)
    customs_office = Text(max_length=REFERENCE)
    statistical_value_usd = Number(ge=0, dollars=True)


OUTPUT_COLUMNS = (
    "declaration_no", "item_no", "date", "flow", "hs_code", "hs6", "substance_code",
    "goods_description", "net_mass_kg", "trader_tax_id", "tax_id_key", "trader_name",
    "partner_country", "customs_office", "statistical_value_usd",
)
INT_COLUMNS = ("item_no",)


def finish(cells: Cells, parsed: dict[str, Parsed], state: FileState) -> dict[str, np.ndarray]:
    """Refuse repeated items, find controlled substances by tariff code, lay out the records.

    Items whose code designates no controlled substance are kept (substance_code None):
    a controlled chemical declared under another code is exactly what detection looks for.
    """
    check_mass_unit(cells, parsed, "net_mass_kg", state)
    note_implausible(cells, parsed["net_mass_kg"].values, "net_mass_kg", state)
    refuse_duplicates(
        cells,
        state,
        key={"declaration": parsed["declaration_no"].values, "item": parsed["item_no"].values},
        column="declaration_no",
        message="duplicate of row {row}: same declaration and item",
    )
    hs = parsed["hs_code"].values
    return {
        "declaration_no": parsed["declaration_no"].values,
        "item_no": np.nan_to_num(parsed["item_no"].values),
        "date": parsed["date"].values,
        "flow": parsed["flow"].values,
        "hs_code": hs,
        "hs6": _hs6(hs),
        "substance_code": _substances_for_hs(hs, state),
        "goods_description": parsed["goods_description"].values,
        "net_mass_kg": parsed["net_mass_kg"].values,
        "trader_tax_id": parsed["trader_tax_id"].values,
        "tax_id_key": tax_id_keys(parsed["trader_tax_id"].values),
        "trader_name": parsed["trader_name"].values,
        "partner_country": parsed["partner_country"].values,
        "customs_office": parsed["customs_office"].values,
        "statistical_value_usd": parsed["statistical_value_usd"].values,
    }


def _hs6(hs: np.ndarray) -> np.ndarray:
    """Cut tariff codes to their six internationally harmonised digits."""
    at, uniques = pd.factorize(hs)
    return np.array([u[:6] for u in uniques] + [None], dtype=object)[at]


def _substances_for_hs(hs: np.ndarray, state: FileState) -> np.ndarray:
    """Ask the catalogue once per distinct tariff code which substance it designates."""
    catalogue = state.context.catalogue
    cache: dict[str, str | None] = state.cache("hs_substances", dict)
    at, uniques = pd.factorize(hs)
    for code in uniques:
        if code not in cache:
            found = catalogue.substance_for_hs(code)
            cache[code] = found.code if found is not None else None
    return np.array([cache[c] for c in uniques] + [None], dtype=object)[at]
