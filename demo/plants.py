"""Planted problems and look-alikes: the record kept of each and the helpers that choose targets."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from demo.market import CONSUMER, DISTRIBUTOR, Calendar, Market, MarketBuilder, Node, Operator
from demo.products import PRODUCTS, SUBSTANCES
from demo.sectors import sector_of_key
from demo.simulation import Flows, Trade


@dataclass(eq=False)
class Plant:
    """One planted problem (or legitimate look-alike) and where it shows in the data."""

    id: str
    kind: str
    substance: str
    start: int  # first month index of the window it concerns
    stop: int  # last month index (inclusive)
    op: Operator | None = None
    node: Node | None = None
    tax_id: str | None = None
    lookalike: bool = False
    description: str = ""
    describe: Callable[[Flows], str] | None = None
    involved: set[str] = field(default_factory=set)
    evidence: dict = field(default_factory=dict)
    dates: tuple[date, date] | None = None  # exact window when finer than months

    def to_json(self, cal: Calendar) -> dict:
        """Return the planted.json entry."""
        start, end = self.dates or (cal.start(self.start), cal.end(self.stop))
        entry = {
            "id": self.id, "kind": self.kind,
            "licence_no": self.op.licence_no if self.op else None,
            "tax_id": self.op.tax_id if self.op else self.tax_id,
            "substance_cas": SUBSTANCES[self.substance].cas,
            "period_start": start.isoformat(), "period_end": end.isoformat(),
            "description": self.description,
        }
        if self.involved:
            entry["involved_licences"] = sorted(self.involved)
        if self.evidence:
            entry["evidence"] = self.evidence
        return entry


@dataclass
class PlantBook:
    """Everything planted, and the settings the later stages must honour."""

    plants: list[Plant] = field(default_factory=list)
    lookalikes: list[Plant] = field(default_factory=list)
    pre_trades: list[Trade] = field(default_factory=list)
    busy: set[str] = field(default_factory=set)  # licences something is planted on
    quota_fixed: dict[int, float] = field(default_factory=dict)  # node idx -> pure kg
    quota_raised: dict[int, date] = field(default_factory=dict)  # node idx -> raise date
    pace_product: str | None = None
    counters: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, substance: str, start: int, stop: int, *,
            lookalike: bool = False, **fields) -> Plant:
        """Record a new plant with the next id of its kind."""
        self.counters[kind] = self.counters.get(kind, 0) + 1
        plant = Plant(f"{kind}-{self.counters[kind]}", kind, substance, start, stop,
                      lookalike=lookalike, **fields)
        (self.lookalikes if lookalike else self.plants).append(plant)
        if plant.op is not None:
            self.busy.add(plant.op.licence_no)
        return plant

    def all(self) -> list[Plant]:
        """Return plants then look-alikes."""
        return [*self.plants, *self.lookalikes]


def nice(kg: float) -> float:
    """Round a quota or baseline up to two significant figures, as authorities write them."""
    if kg <= 0:
        return 0.0
    step = 10 ** max(0, math.floor(math.log10(kg)) - 1)
    return float(math.ceil(kg / step) * step)


class Chooser:
    """Pick plant targets among operators nothing is planted on yet."""

    def __init__(self, market: Market, builder: MarketBuilder, book: PlantBook) -> None:
        self.market, self.builder, self.book = market, builder, book
        self.rng = builder.rng
        self.months = len(market.cal)

    def free(self, op: Operator) -> bool:
        """Tell whether nothing is planted on an operator and it trades normally."""
        return op.licence_no not in self.book.busy and op.status == "active"

    def consumers(self, *, products=None, avoid=(), labs: bool = False, flat: bool | None = None,
                  min_orders: float = 0.0) -> list[Node]:
        """Return full-window end-use nodes that fit, nothing planted on their operator."""
        found = []
        for node in self.market.nodes:
            op = node.op
            if (node.tier != CONSUMER or op.role != "end_user" or not self.free(op)
                    or node.start != 0 or node.stop != self.months or not node.licensed
                    or (products is not None and node.product.key not in products)
                    or node.substance in avoid
                    or (not labs and "laboratory" in op.activities)
                    or node.annual_kg / 12 < min_orders * node.lot_kg):
                continue
            if flat is not None:
                sector = sector_of_key(op.sector_key)
                is_flat = sector is not None and sector.season_for(node.product.key) == "flat"
                if is_flat != flat:
                    continue
            found.append(node)
        return found

    def distributors(self, *, products=None, avoid=()) -> list[Node]:
        """Return chemical distributors' nodes (not blenders) that fit."""
        return [n for n in self.market.nodes
                if n.tier == DISTRIBUTOR and n.op.role == "distributor" and self.free(n.op)
                and n.substance not in avoid
                and (products is None or n.product.key in products)]

    def one(self, nodes: list[Node]) -> Node | None:
        """Draw one node, None when there is none."""
        return nodes[self.rng.integers(len(nodes))] if nodes else None

    def months_of_main_year(self) -> tuple[int, list[int]]:
        """Return the calendar year with most months in the window (latest on ties)."""
        cal = self.market.cal
        years = cal.years()
        best = max(years, key=lambda y: (sum(cal.year(t) == y for t in range(self.months)), y))
        return best, [t for t in range(self.months) if cal.year(t) == best]

    def last_year_start(self) -> int:
        """Return the index of January of the last year in the window (0 if none)."""
        cal = self.market.cal
        return next((t for t in range(self.months) if cal.year(t) == cal.years()[-1]), 0)

    def lots(self, node: Node, kg: float) -> float:
        """Round an amount to whole packages of the node."""
        return max(1, round(kg / node.lot_kg)) * node.lot_kg


def pure(node: Node, kg: float | np.ndarray) -> float | np.ndarray:
    """Convert product kg of a node to kg of pure substance (base)."""
    return kg * node.product.pure_factor()


def acquisitions(flows: Flows, node: Node, months: list[int]) -> float:
    """Return declared purchases of a node in the given months, in pure kg."""
    wanted = set(months)
    kg = sum(tr.kg for tr in flows.trades
             if tr.buyer is node and tr.buyer_declares and tr.t in wanted)
    kg += sum(s.kg for s in flows.shipments
              if s.node is node and s.flow == "import" and s.declared and s.t in wanted)
    return float(pure(node, kg))


def product_name(product: str) -> str:
    """Return the English name of a product's substance."""
    return SUBSTANCES[PRODUCTS[product].substance].names["en"][0].lower()
