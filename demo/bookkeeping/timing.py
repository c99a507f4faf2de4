"""When each side writes that goods moved: receipt after the invoice, stock after customs.

A buyer that books the receipt date writes a purchase 0 to N days after the seller's
invoice; an importer enters goods into stock days after customs accepted them; an
exporter declares the dispatch date a few days before or after customs. Near a month end
the two sides then declare the same goods in different months. Goods that arrive later
also leave the buyer's stock later: a move into the next month is kept only when the
stock the operator declares stays positive all along (else the goods arrived in time).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import numpy as np

from demo.bookkeeping.clerks import Clerk
from demo.lines import written_kg_per_unit
from demo.market import Market, Node
from demo.simulation import Flows


def closing_stock(market: Market, flows: Flows) -> dict[int, np.ndarray]:
    """Return each node's closing stock per month (kg of product) as it would declare it."""
    months = len(market.cal)
    change: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(months))
    for trade in flows.trades:
        change[trade.seller.idx][trade.t] -= trade.kg
        if trade.buyer is not None and trade.buyer_declares:
            change[trade.buyer.idx][trade.t] += trade.kg
    for s in flows.shipments:
        if s.node is not None and s.declared:
            change[s.node.idx][s.t] += s.kg if s.flow == "import" else -s.kg
    stocks = {}
    for node in market.nodes:
        net = change[node.idx].copy()
        for source, sign in ((flows.production, 1), (flows.use, -1), (flows.loss, -1)):
            if node.idx in source:
                net += sign * source[node.idx]
        net -= node.hidden_out
        stocks[node.idx] = flows.initial.get(node.idx, 0.0) + np.cumsum(net)
    return stocks


class _Booker:
    """Move items to their operator's own date while every declared stock stays positive."""

    def __init__(self, market: Market, flows: Flows) -> None:
        self.cal = market.cal
        self.stocks = closing_stock(market, flows)
        self.shift: dict[str, list[int]] = {}  # licence -> [days earlier, days later]

    def book(self, node: Node, t: int, day: date, new: date, kg: float, inflow: bool) -> date:
        """Return the date the operator writes (new, or the nearest day of month t if unsafe)."""
        cal = self.cal
        last = min(node.stop, len(cal)) - 1
        new = min(max(new, cal.start(node.start)), cal.end(last))
        moved = cal.month_index(new)
        if moved != t:
            stock = self.stocks[node.idx]
            low, high = sorted((t, moved))
            # An inflow booked later, or an outflow booked earlier, lowers the stock between.
            lowers = (moved > t) == inflow
            margin = written_kg_per_unit(node)
            if lowers and (stock[low:high] - kg).min() < margin:
                new = min(max(new, cal.start(t)), cal.end(t))
                moved = t
            else:
                stock[low:high] += -kg if lowers else kg
        if new != day:
            shift = self.shift.setdefault(node.op.licence_no, [0, 0])
            days = (new - day).days
            shift[0], shift[1] = max(shift[0], -days), max(shift[1], days)
        return new


def book_dates(market: Market, flows: Flows, clerks: dict[str, Clerk],
               rng: np.random.Generator) -> dict[str, list[int]]:
    """Write buyers' receipt dates and importers' and exporters' stock dates.

    Return, per operator whose dates moved, the largest shift earlier and later in days.
    """
    booker = _Booker(market, flows)
    for trade in flows.trades:
        buyer = trade.buyer
        clerk = clerks.get(buyer.op.licence_no) if buyer is not None else None
        if clerk is None or not trade.buyer_declares or clerk.receipt_days == 0:
            continue
        lag = int(rng.integers(0, clerk.receipt_days + 1))
        if lag:
            new = booker.book(buyer, trade.t, trade.day, trade.day + timedelta(days=lag),
                              trade.kg, inflow=True)
            trade.received = new if new != trade.day else None
    for s in flows.shipments:
        clerk = clerks.get(s.node.op.licence_no) if s.node is not None else None
        if clerk is None or not s.declared:
            continue
        if s.flow == "import" and clerk.stock_entry_days[1] > 0:
            low, high = clerk.stock_entry_days
            offset = int(rng.integers(low, high + 1))
        elif s.flow == "export" and clerk.dispatch_days > 0:
            offset = int(rng.integers(-clerk.dispatch_days, clerk.dispatch_days + 1))
        else:
            continue
        if offset:
            new = booker.book(s.node, s.t, s.day, s.day + timedelta(days=offset), s.kg,
                              inflow=s.flow == "import")
            s.booked = new if new != s.day else None
    return booker.shift
