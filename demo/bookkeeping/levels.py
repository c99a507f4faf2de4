"""How messy the books are: the reach of each innocent record-keeping habit, per intensity.

`none` is the tidy country (no habit at all). `usual` is what a national authority sees
from a market of a few hundred operators; `heavy` is a market where most accountants
have most habits. Each habit is drawn per operator (its accountant's or customs broker's
style): `operators` is the share of operators that have it, `rows` the share of their
rows (or counterparties, or periods) it touches.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

LEVELS = ("none", "usual", "heavy")


@dataclass(frozen=True)
class Share:
    """A habit's reach: the share of operators that have it and of their rows it touches."""

    operators: float
    rows: float = 1.0


@dataclass(frozen=True)
class Intensity:
    """The reach of every habit at one intensity."""

    name: str
    counterparty: Share  # counterparties identified other than by the licence as registered
    names: Share  # counterparty names written another way (case, accents, legal form...)
    documents: Share  # the other side's invoice number retyped in another format
    customs_refs: Share  # customs declaration numbers written with other separators
    receipt_lag: Share  # buyers date the receipt 0..receipt_days after the invoice
    receipt_days: int
    stock_entry: Share  # importers enter goods into stock days after customs acceptance
    stock_entry_days: tuple[int, int]
    dispatch: Share  # exporters declare the dispatch date days before or after customs
    dispatch_days: int
    substance_forms: float  # share of operator-products written as "MEK (metil etil cetona)"...
    whole_units: Share  # end users writing received quantities in whole units
    rounded_density: float  # share of operators declaring volumes with a rounded density
    partial: Share  # buyers writing one invoice as two receipts, or two invoices as one
    idle: float  # licences held but unused, as a share of operators (added to the registry)
    successions: float  # businesses taken over in mid-window by a new licensee
    renewals: float  # licence lines renewed with a gap of a few days
    late: Share  # operators sending some declarations after the deadline; share of periods
    stock_dates: Share  # opening stock dated the last day of the previous month
    customs_tax_ids: Share  # traders whose tax id customs writes its way
    customs_names: Share  # traders whose name varies from declaration to declaration
    returns: Share  # buyers returning part of a delivery; share of their purchases

    def to_json(self) -> dict:
        """Return the rates as planted.json records them."""
        return asdict(self)


INTENSITIES: dict[str, Intensity] = {
    "usual": Intensity(
        name="usual",
        counterparty=Share(0.30, 0.40), names=Share(0.40, 0.60), documents=Share(0.30, 0.60),
        customs_refs=Share(0.30), receipt_lag=Share(0.35), receipt_days=3,
        stock_entry=Share(0.50), stock_entry_days=(1, 5), dispatch=Share(0.40),
        dispatch_days=3, substance_forms=0.05, whole_units=Share(0.10, 0.50),
        rounded_density=0.20, partial=Share(0.10, 0.15), idle=0.03, successions=0.01,
        renewals=0.03, late=Share(0.10, 0.10), stock_dates=Share(0.10),
        customs_tax_ids=Share(0.25, 0.70), customs_names=Share(0.30, 0.50),
        returns=Share(0.10, 0.05),
    ),
    "heavy": Intensity(
        name="heavy",
        counterparty=Share(0.60, 0.70), names=Share(0.75, 0.90), documents=Share(0.60, 0.90),
        customs_refs=Share(0.60), receipt_lag=Share(0.70), receipt_days=7,
        stock_entry=Share(0.90), stock_entry_days=(1, 10), dispatch=Share(0.80),
        dispatch_days=5, substance_forms=0.25, whole_units=Share(0.25, 0.80),
        rounded_density=0.50, partial=Share(0.25, 0.30), idle=0.06, successions=0.02,
        renewals=0.06, late=Share(0.25, 0.25), stock_dates=Share(0.25),
        customs_tax_ids=Share(0.60, 0.90), customs_names=Share(0.70, 0.80),
        returns=Share(0.25, 0.10),
    ),
}


def intensity(level: str) -> Intensity | None:
    """Return the rates of a named level, None for `none`; refuse an unknown name."""
    if level == "none":
        return None
    if level not in INTENSITIES:
        raise ValueError(f"unknown habits level {level!r}: choose one of {', '.join(LEVELS)}")
    return INTENSITIES[level]
