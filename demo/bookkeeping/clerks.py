"""Each operator's bookkeeping style, drawn once from the seed: who has which habit, and how.

A habit belongs to the operator (its accountant, its software, its customs broker), so an
operator writes the same way all the time. The same draws serve every intensity: an
operator has a habit when its draw falls under the habit's share, so a heavier intensity
keeps every habit of a lighter one and adds more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from demo.bookkeeping.documents import CUSTOMS_STYLES, INVOICE_STYLES
from demo.bookkeeping.identities import LICENCE_STYLES, NAME_STYLES, TAX_ID_STYLES
from demo.bookkeeping.levels import Intensity
from demo.market import Market

# How a clerk identifies a counterparty when not by its licence number as registered.
ID_FORMS = ("licence_written", "tax_id_in_licence", "tax_id_column", "name_only",
            "document_only")
ID_WEIGHTS = (0.30, 0.15, 0.15, 0.30, 0.10)
# A clerk types the other side's tax id whole (a check digit left out is a customs system's
# habit: some keep it in a field of its own).
CLERK_TAX_STYLES = tuple(s for s in TAX_ID_STYLES if s != "no_check_digit")
# Customs: the registry's tax id written another way; a check digit left out is rarer.
BROKER_TAX_STYLES = TAX_ID_STYLES[1:]
BROKER_TAX_WEIGHTS = (0.25, 0.25, 0.25, 0.15, 0.10)
_DRAWS = 24  # uniform draws per operator, so one habit's share never shifts another's


@dataclass
class Clerk:
    """How one operator's books are written."""

    licence_no: str
    counterparty: float = 0.0  # share of its counterparties not named by licence as registered
    id_form: str = "licence_written"  # its usual other way of naming them
    licence_style: str = "spaced"
    tax_id_style: str = "plain"
    names: float = 0.0  # share of counterparties whose names it writes in its styles
    name_styles: frozenset[str] = frozenset()
    documents: float = 0.0  # share of the other side's invoices it retypes
    invoice_style: str | None = None
    customs_style: str | None = None
    receipt_days: int = 0
    stock_entry_days: tuple[int, int] = (0, 0)
    dispatch_days: int = 0
    whole_units: float = 0.0
    rounded_density: bool = False
    substance_form: bool = False
    partial: float = 0.0
    late: float = 0.0
    stock_dates: bool = False
    broker_tax_ids: float = 0.0
    broker_tax_style: str = "prefixed"
    broker_names: float = 0.0
    broker_name_styles: frozenset[str] = field(default_factory=frozenset)
    returns: float = 0.0  # share of its purchases of which it sends part back

    def habits(self) -> list[str]:
        """Return the names of the habits this operator has."""
        flags = {
            "counterparty": self.counterparty > 0, "names": self.names > 0,
            "documents": self.documents > 0, "customs_refs": self.customs_style is not None,
            "receipt_lag": self.receipt_days > 0, "stock_entry": self.stock_entry_days[1] > 0,
            "dispatch": self.dispatch_days > 0, "whole_units": self.whole_units > 0,
            "rounded_density": self.rounded_density, "substance_forms": self.substance_form,
            "partial": self.partial > 0, "late": self.late > 0, "stock_dates": self.stock_dates,
            "customs_tax_ids": self.broker_tax_ids > 0, "customs_names": self.broker_names > 0,
            "returns": self.returns > 0,
        }
        return [name for name, on in flags.items() if on]


def _pick(rng: np.random.Generator, options: tuple[str, ...], weights=None) -> str:
    p = None if weights is None else np.asarray(weights, dtype=float) / sum(weights)
    return options[int(rng.choice(len(options), p=p))]


def _styles(rng: np.random.Generator, options: tuple[str, ...], low: int, high: int) -> frozenset:
    count = int(rng.integers(low, high + 1))
    return frozenset(options[int(i)] for i in rng.choice(len(options), size=count, replace=False))


def draw_clerk(licence_no: str, rates: Intensity, rng: np.random.Generator) -> Clerk:
    """Draw one operator's style: the same draws at every intensity, compared with its shares."""
    u = rng.random(_DRAWS)
    clerk = Clerk(licence_no)
    id_form, licence_style = _pick(rng, ID_FORMS, ID_WEIGHTS), _pick(rng, LICENCE_STYLES)
    tax_style, name_styles = _pick(rng, CLERK_TAX_STYLES), _styles(rng, NAME_STYLES, 1, 3)
    invoice_style, customs_style = _pick(rng, INVOICE_STYLES), _pick(rng, CUSTOMS_STYLES)
    broker_style = _pick(rng, BROKER_TAX_STYLES, BROKER_TAX_WEIGHTS)
    broker_names = _styles(rng, ("legal_form", "no_legal_form", "upper", "no_accents",
                                 "abbreviated"), 1, 2)
    days = rng.random(4)
    if u[0] < rates.counterparty.operators:
        clerk.counterparty, clerk.id_form = rates.counterparty.rows, id_form
        clerk.licence_style, clerk.tax_id_style = licence_style, tax_style
    if u[1] < rates.names.operators:
        clerk.names, clerk.name_styles = rates.names.rows, name_styles
    if u[2] < rates.documents.operators:
        clerk.documents, clerk.invoice_style = rates.documents.rows, invoice_style
    if u[3] < rates.customs_refs.operators:
        clerk.customs_style = customs_style
    if u[4] < rates.receipt_lag.operators:
        clerk.receipt_days = 1 + int(days[0] * rates.receipt_days)
    if u[5] < rates.stock_entry.operators:
        low, high = rates.stock_entry_days
        clerk.stock_entry_days = (low, low + int(days[1] * (high - low + 1)))
    if u[6] < rates.dispatch.operators:
        clerk.dispatch_days = 1 + int(days[2] * rates.dispatch_days)
    if u[7] < rates.whole_units.operators:
        clerk.whole_units = rates.whole_units.rows
    clerk.rounded_density = bool(u[8] < rates.rounded_density)
    clerk.substance_form = bool(u[9] < rates.substance_forms)
    if u[10] < rates.partial.operators:
        clerk.partial = rates.partial.rows
    if u[11] < rates.late.operators:
        clerk.late = rates.late.rows
    clerk.stock_dates = bool(u[12] < rates.stock_dates.operators)
    if u[13] < rates.customs_tax_ids.operators:
        clerk.broker_tax_ids, clerk.broker_tax_style = rates.customs_tax_ids.rows, broker_style
    if u[14] < rates.customs_names.operators:
        clerk.broker_names, clerk.broker_name_styles = rates.customs_names.rows, broker_names
    if u[15] < rates.returns.operators:
        clerk.returns = rates.returns.rows
    return clerk


def draw_clerks(market: Market, rates: Intensity, rng: np.random.Generator) -> dict[str, Clerk]:
    """Draw every registered operator's style, in registry order."""
    return {op.licence_no: draw_clerk(op.licence_no, rates, rng) for op in market.operators}
