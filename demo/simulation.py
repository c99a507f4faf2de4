"""Simulate monthly flows: demand, stock policy, orders, deliveries, imports and production."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from demo.market import BLENDER_INPUT, CONSUMER, DISTRIBUTOR, SOURCE, Market, Node
from demo.sectors import FOREIGN_SUPPLIERS


@dataclass(eq=False)
class Trade:
    """A domestic sale: one invoice, a sale for the seller and a purchase for the buyer."""

    seller: Node
    buyer: Node | None
    t: int
    day: date
    kg: float  # product kg
    payment: str = "bank_transfer"
    delivery: str = "delivered"
    buyer_declares: bool = True
    outsider: str | None = None  # name of a buyer outside the registry
    doc: str = ""
    plant: str | None = None
    received: date | None = None  # the buyer's receipt date, when it is not the invoice's


@dataclass(eq=False)
class Shipment:
    """A cross-border movement of a controlled product (import or export)."""

    node: Node | None
    flow: str
    t: int
    day: date
    kg: float
    country: str
    partner: str
    declared: bool = True  # the operator declares it
    notification: str | None = None  # exports: approved, objected or missing
    declaration_no: str = ""
    plant: str | None = None
    hs_code: str = ""
    description: str = ""
    tax_id: str = ""
    trader_name: str = ""
    booked: date | None = None  # the operator's stock date, when it is not the customs date


@dataclass
class Flows:
    """What the simulation produced, per node and month, in product kg."""

    trades: list[Trade] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    production: dict[int, np.ndarray] = field(default_factory=dict)
    use: dict[int, np.ndarray] = field(default_factory=dict)
    legit_use: dict[int, np.ndarray] = field(default_factory=dict)
    loss: dict[int, np.ndarray] = field(default_factory=dict)
    initial: dict[int, float] = field(default_factory=dict)

    def trades_of(self, node: Node) -> list[Trade]:
        """Return the trades in which a node buys or sells."""
        return [tr for tr in self.trades if node in (tr.seller, tr.buyer)]


def simulate(market: Market, exports: list[dict], pre_trades: list[Trade],
             rng: np.random.Generator) -> Flows:
    """Run every node through its stock policy, buyers before their suppliers."""
    flows = Flows(trades=list(pre_trades))
    months = len(market.cal)
    outflow: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(months))
    for trade in pre_trades:
        outflow[trade.seller.idx][trade.t] += trade.kg
    for plan in exports:
        node, t = plan["node"], plan["t"]
        flows.shipments.append(Shipment(
            node, "export", t, _days(market, rng, t, 1)[0], plan["kg"], plan["country"],
            plan["buyer"], notification=plan["notification"], plant=plan.get("plant")))
        outflow[node.idx][t] += plan["kg"]
    sim = _Simulator(market, flows, outflow, rng)
    for tier in (CONSUMER, DISTRIBUTOR, BLENDER_INPUT, SOURCE):
        for node in market.nodes:
            if node.tier == tier:
                sim.run(node)
    return flows


def _days(market: Market, rng: np.random.Generator, t: int, count: int) -> list[date]:
    """Return `count` sorted working days of month t."""
    days = market.cal.workdays(t)
    picks = rng.choice(len(days), size=count, replace=count > len(days))
    return sorted(days[i] for i in picks)


class _Simulator:
    """Run one node at a time; buyers' orders become their suppliers' outflows."""

    def __init__(self, market: Market, flows: Flows, outflow: dict[int, np.ndarray],
                 rng: np.random.Generator) -> None:
        self.market, self.flows, self.outflow, self.rng = market, flows, outflow, rng
        self.months = len(market.cal)
        self.calendar_month = np.array([market.cal.month(t) - 1 for t in range(self.months)])

    def run(self, node: Node) -> None:
        """Simulate one node: what goes out decides what must come in."""
        use, legit = self._use(node)
        forced = np.zeros(self.months)
        for t, kg, _supplier, _day, is_legit in node.forced:
            forced[t] += kg
            if is_legit:
                legit[t] += kg
        sales = self.outflow[node.idx]
        loss = (node.loss_rate + node.loss_boost) * (use + sales)
        self.flows.use[node.idx] = use + forced
        self.flows.legit_use[node.idx] = legit
        self.flows.loss[node.idx] = loss
        need = use + sales + loss + node.hidden_out
        makes = node.op.role in ("manufacturer", "blender") and node.tier != BLENDER_INPUT
        if makes:
            self._produce(node, need)
        elif node.tier == SOURCE:
            self._import(node, need)
        else:
            orders = self._replenish(node, need, node.lot_kg)
            self._buy(node, orders)
            self._buy_forced(node)

    def _use(self, node: Node) -> tuple[np.ndarray, np.ndarray]:
        """Return the node's own consumption and its legitimate part, per month."""
        if node.tier == BLENDER_INPUT:
            thinner = next(n for n in node.op.nodes if n.product.key == "thinner_60")
            made = self.flows.production[thinner.idx] * thinner.product.pure_factor()
            return made.copy(), made.copy()
        if node.annual_kg <= 0:
            return np.zeros(self.months), np.zeros(self.months)
        base = (node.annual_kg / 12 * node.season[self.calendar_month]
                * (1 + node.trend) ** np.arange(self.months) * node.multiplier)
        base *= self.rng.lognormal(-node.noise ** 2 / 2, node.noise, self.months)
        base[~node.active] = 0.0
        return base * node.excess + node.extra_use, base

    def _replenish(self, node: Node, need: np.ndarray, lot: float) -> np.ndarray:
        """Order whole lots up to a target stock whenever stock would fall below safety."""
        active = node.active
        mean = float(need[active].mean()) if active.any() else 0.0
        target = max(node.cover * mean, lot)
        safety = max(0.3 * mean, 0.05 * lot)
        stock = target * float(self.rng.uniform(0.5, 1.0)) if node.start == 0 else 0.0
        self.flows.initial[node.idx] = stock
        orders = np.zeros(self.months)
        for t in np.flatnonzero(active):
            if stock - need[t] < safety:
                orders[t] = math.ceil((target + need[t] - stock) / lot) * lot
                stock += orders[t]
            stock -= need[t]
        return orders

    def _buy(self, node: Node, orders: np.ndarray) -> None:
        """Split each month's order into deliveries from the node's suppliers."""
        for t in np.flatnonzero(orders):
            lots = round(orders[t] / node.lot_kg)
            trucks = math.ceil(orders[t] / node.delivery_kg)
            count = min(lots, max(trucks, int(self.rng.integers(1, 4))))
            shares = np.full(count, lots // count)
            shares[: lots % count] += 1
            days = _days(self.market, self.rng, t, count)
            for share, day in zip(shares, days, strict=True):
                supplier = self._supplier(node, t)
                self._trade(node, supplier, t, day, float(share * node.lot_kg))

    def _buy_forced(self, node: Node) -> None:
        """Place the planted (or look-alike) extra orders exactly as specified."""
        for t, kg, supplier, day, legit in node.forced:
            trade = self._trade(node, supplier or self._supplier(node, t), t,
                                day or _days(self.market, self.rng, t, 1)[0], kg)
            if not legit:
                trade.plant = "planted"  # the diverter writes these orders exactly as placed

    def _supplier(self, node: Node, t: int) -> Node:
        weights = np.asarray(node.weights, dtype=float)
        return node.suppliers[self.rng.choice(len(node.suppliers), p=weights / weights.sum())]

    def _trade(self, buyer: Node, seller: Node, t: int, day: date, kg: float) -> Trade:
        op = buyer.op
        cash = t in buyer.cash_months
        trade = Trade(seller, buyer, t, day, kg,
                      payment="cash" if cash else op.payment,
                      delivery="collected" if cash or op.collects else "delivered")
        self.flows.trades.append(trade)
        self.outflow[seller.idx][t] += kg
        return trade

    def _import(self, node: Node, need: np.ndarray) -> None:
        """Import in shipments (one customs declaration each) to keep stock up."""
        low, high = node.product.shipment_kg
        # A small importer does not bring in a year's worth at once: at most ~3 months.
        monthly = float(need[node.active].mean()) if node.active.any() else 0.0
        lot = float(np.clip(self.rng.uniform(low, high), low, max(low, 3 * monthly)))
        orders = self._replenish(node, need, lot)
        origin = node.product.origins[self.rng.integers(len(node.product.origins))]
        for t in np.flatnonzero(orders):
            count = round(orders[t] / lot)
            digits = 0 if lot >= 100 else 2
            sizes = np.round(lot * (1 + self.rng.uniform(-0.04, 0.04, count)), digits)
            # The last shipment makes up the order exactly, so stocks stay as planned.
            sizes[-1] = round(orders[t] - sizes[:-1].sum(), digits)
            for kg, day in zip(sizes, _days(self.market, self.rng, t, count), strict=True):
                country = origin if self.rng.random() < 0.8 else node.product.origins[0]
                partners = FOREIGN_SUPPLIERS[country]
                self.flows.shipments.append(Shipment(
                    node, "import", int(t), day, float(kg), country,
                    partners[self.rng.integers(len(partners))]))

    def _produce(self, node: Node, need: np.ndarray) -> None:
        """Produce steadily, steering stock towards a target instead of buying."""
        active = node.active
        mean = float(need[active].mean()) if active.any() else 0.0
        target = node.cover * mean
        stock = target * float(self.rng.uniform(0.7, 1.0))
        self.flows.initial[node.idx] = stock
        made = np.zeros(self.months)
        for t in np.flatnonzero(active):
            made[t] = max(0.0, need[t] + 0.5 * (target - stock)) * self.rng.uniform(0.97, 1.03)
            made[t] = max(made[t], need[t] - stock + 0.1 * mean)
            stock += made[t] - need[t]
        self.flows.production[node.idx] = made
