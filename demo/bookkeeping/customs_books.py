"""Customs habits: the trader's tax id and name as the customs broker typed them.

Customs files carry the tax id and name from the declaration the broker filed, not from
the registry: prefixed (`RUC 20…`), grouped with dots or dashes, the check digit split off
or left out; the name in capitals, without accents, with the legal form written another
way or abbreviated. Each trader's broker has its style; not every declaration uses it.
"""

from __future__ import annotations

import numpy as np

from demo.bookkeeping.clerks import BROKER_TAX_STYLES, BROKER_TAX_WEIGHTS, Clerk
from demo.bookkeeping.identities import name_written, tax_id_written
from demo.bookkeeping.levels import Intensity
from demo.market import Market

_BROKER_NAME_STYLES = ("legal_form", "no_legal_form", "upper", "no_accents", "abbreviated")


def _outside_broker(tax_id: str, rates: Intensity, rng: np.random.Generator) -> Clerk:
    """Draw the customs broker style of a trader outside the registry."""
    clerk = Clerk(licence_no="")
    u = rng.random(2)
    style = BROKER_TAX_STYLES[int(rng.choice(len(BROKER_TAX_STYLES), p=np.asarray(
        BROKER_TAX_WEIGHTS) / sum(BROKER_TAX_WEIGHTS)))]
    count = int(rng.integers(1, 3))
    names = frozenset(_BROKER_NAME_STYLES[int(i)] for i in rng.choice(
        len(_BROKER_NAME_STYLES), size=count, replace=False))
    if u[0] < rates.customs_tax_ids.operators:
        clerk.broker_tax_ids, clerk.broker_tax_style = rates.customs_tax_ids.rows, style
    if u[1] < rates.customs_names.operators:
        clerk.broker_names, clerk.broker_name_styles = rates.customs_names.rows, names
    return clerk


def rewrite_customs(tables: dict[int, dict[str, list]], market: Market, clerks: dict[str, Clerk],
                    rates: Intensity, rng: np.random.Generator) -> dict[str, str]:
    """Write each declaration's trader as its broker did; return written tax id -> registry's."""
    brokers = {op.tax_id: clerks[op.licence_no] for op in market.operators}
    chosen: dict[str, tuple[str, str]] = {}
    written_ids: dict[str, str] = {}
    for year in sorted(tables):
        table = tables[year]
        for i, number in enumerate(table["declaration_no"]):
            tax_id, name = table["trader_tax_id"][i], table["trader_name"][i]
            if number not in chosen:
                if tax_id not in brokers:
                    brokers[tax_id] = _outside_broker(tax_id, rates, rng)
                broker = brokers[tax_id]
                new_id, new_name = tax_id, name
                if broker.broker_tax_ids and rng.random() < broker.broker_tax_ids:
                    new_id = tax_id_written(tax_id, broker.broker_tax_style)
                if broker.broker_names and rng.random() < broker.broker_names:
                    new_name = name_written(name, broker.broker_name_styles, rng)
                chosen[number] = (new_id, new_name)
            new_id, new_name = chosen[number]
            table["trader_tax_id"][i], table["trader_name"][i] = new_id, new_name
            if new_id != tax_id:
                written_ids[new_id] = tax_id
    return written_ids
