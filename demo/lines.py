"""Turn simulated flows into declaration lines: units, rounding, stocks that balance exactly."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pandas as pd

from demo.market import Market, Node
from demo.simulation import Flows
from lexicon.movements import INFLOWS, OUTFLOWS
from lexicon.units import VOLUME_UNITS

# Stock lines first, then inflows, outflows, closing stock: the order people list them.
ORDER = {"opening_stock": 0, "purchase": 1, "import": 1, "production": 1, "sale": 2,
         "export": 2, "consumption": 2, "loss": 2, "closing_stock": 3}
LINE_COLUMNS = ("licence_no", "period", "movement", "date", "substance", "quantity", "unit",
                "concentration_pct", "counterparty_licence", "counterparty_name",
                "counterparty_country", "document_ref", "payment_method", "delivery",
                "node", "t", "habit", "origin")


def written_kg_per_unit(node: Node) -> float:
    """Return kg of product per declared unit as the operator computes it.

    An operator that declares volumes with a rounded density (1.84 for 1.836) converts
    with that density; everyone else with the product's own.
    """
    if node.density_written is not None and node.unit in VOLUME_UNITS:
        return VOLUME_UNITS[node.unit] * node.density_written
    return node.product.kg_per_unit(node.unit)


def number_invoices(market: Market, flows: Flows, rng: np.random.Generator) -> None:
    """Give every domestic sale an invoice number from its seller's series (F001-00012345)."""
    by_seller: dict[str, list] = defaultdict(list)
    for trade in flows.trades:
        by_seller[trade.seller.op.licence_no].append(trade)
    for licence in sorted(by_seller):
        trades = sorted(by_seller[licence], key=lambda tr: (
            tr.day, tr.seller.idx, tr.buyer.idx if tr.buyer else -1, tr.kg))
        series = int(rng.integers(1, 5))
        number = int(rng.integers(1000, 60000))
        for trade in trades:
            # Gaps: the same series also invoices goods that are not controlled.
            number += int(rng.integers(1, 25))
            trade.doc = f"F{series:03d}-{number:08d}"


def build_lines(market: Market, flows: Flows, rng: np.random.Generator,
                missing_from: dict[str, int],
                successors: dict[int, int] | None = None) -> pd.DataFrame:
    """Return every declaration line; quantity is in hundredths of the node's unit.

    Each side books a movement in the month of its own date: the buyer's receipt date and
    the importer's or exporter's stock date when they differ from the invoice or customs
    date. `successors` maps a node to the node that takes over its business (and stock).
    """
    cal = market.cal
    buys, sells, crossings = defaultdict(list), defaultdict(list), defaultdict(list)
    for trade in flows.trades:
        sells[trade.seller.idx, trade.t].append(trade)
        if trade.buyer is not None and trade.buyer_declares:
            t = trade.t if trade.received is None else cal.month_index(trade.received)
            buys[trade.buyer.idx, t].append(trade)
    for shipment in flows.shipments:
        if shipment.node is not None and shipment.declared:
            t = shipment.t if shipment.booked is None else cal.month_index(shipment.booked)
            crossings[shipment.node.idx, t].append(shipment)
    rows: list[tuple] = []
    carried: dict[int, int] = {}
    for node in market.nodes:
        stop = min(node.stop, missing_from.get(node.op.licence_no, node.stop))
        stock = _NodeLines(market, flows, node, rng, rows).emit(
            stop, buys, sells, crossings, carried.get(node.idx))
        if successors and node.idx in successors:
            carried[successors[node.idx]] = stock
    return pd.DataFrame(rows, columns=list(LINE_COLUMNS))


class _NodeLines:
    """Write one node's monthly declarations, keeping stocks in exact hundredths."""

    def __init__(self, market: Market, flows: Flows, node: Node, rng: np.random.Generator,
                 rows: list[tuple]) -> None:
        self.market, self.flows, self.node, self.rng, self.rows = market, flows, node, rng, rows
        self.per_unit = written_kg_per_unit(node)
        self.home = market.home_country

    def h(self, kg: float) -> int:
        """Return kg of product as hundredths of the declared unit (at least one)."""
        return max(1, int(round(kg / self.per_unit * 100)))

    def emit(self, stop: int, buys, sells, crossings, opening: int | None = None) -> int:
        """Append the node's lines for every month it declares; return its last closing stock.

        `opening` is the stock (hundredths) a successor takes over in its first month.
        """
        node, cal = self.node, self.market.cal
        initial = self.flows.initial.get(node.idx, 0.0)
        stock = self.h(initial) if initial > 0 and node.start == 0 else 0
        if opening is not None:
            stock = opening
        for t in range(node.start, stop):
            lines = self._month(t, buys.get((node.idx, t), ()), sells.get((node.idx, t), ()),
                                crossings.get((node.idx, t), ()))
            inflow = sum(q for m, _, q, *_ in lines if m in INFLOWS)
            outflow = sum(q for m, _, q, *_ in lines if m in OUTFLOWS)
            hidden = int(round(node.hidden_out[t] / self.per_unit * 100))
            closing = stock + inflow - outflow - hidden
            if closing < 0:
                raise RuntimeError(f"negative stock for {node.op.licence_no} {node.label} "
                                   f"in {cal.periods[t]}")
            if stock > 0:
                self._row(t, "opening_stock", cal.start(t), stock)
            for line in lines:
                self._row(t, *line)
            if closing > 0:
                self._row(t, "closing_stock", cal.end(t), closing)
            stock = closing
        return stock

    def _month(self, t: int, buys, sells, crossings) -> list[tuple]:
        node, flows, cal = self.node, self.flows, self.market.cal
        lines = []
        for tr in buys:
            lines.append(("purchase", tr.received or tr.day, self.h(tr.kg),
                          tr.seller.op.licence_no, tr.seller.op.name, self.home, tr.doc,
                          tr.payment, tr.delivery, tr))
        for s in crossings:
            if s.flow == "import":
                lines.append(("import", s.booked or s.day, self.h(s.kg), "", s.partner,
                              s.country, s.declaration_no, "bank_transfer", "", s))
        made = flows.production.get(node.idx)
        if made is not None and made[t] > 0:
            for day, part in self._split(t, self.h(made[t])):
                lines.append(("production", day, part, "", "", "", "", "", ""))
        for tr in sells:
            buyer = tr.buyer.op if tr.buyer is not None else None
            lines.append(("sale", tr.day, self.h(tr.kg), buyer.licence_no if buyer else "",
                          buyer.name if buyer else tr.outsider, self.home, tr.doc, tr.payment,
                          tr.delivery, tr))
        for s in crossings:
            if s.flow == "export":
                lines.append(("export", s.booked or s.day, self.h(s.kg), "", s.partner,
                              s.country, s.declaration_no, "bank_transfer", "", s))
        use = flows.use[node.idx][t] if node.idx in flows.use else 0.0
        if use > 0:
            parts = self._split(t, self.h(use)) if node.weekly_use else [(cal.end(t),
                                                                         self.h(use))]
            for day, part in parts:
                lines.append(("consumption", day, part, "", "", "", "", "", ""))
        loss = flows.loss[node.idx][t] if node.idx in flows.loss else 0.0
        if loss / self.per_unit >= 0.005:
            lines.append(("loss", cal.end(t), self.h(loss), "", "", "", "", "", ""))
        return lines

    def _split(self, t: int, total: int) -> list[tuple[date, int]]:
        """Split a monthly total into four weekly lines that add up exactly."""
        cal = self.market.cal
        shares = self.rng.dirichlet(np.full(4, 8.0))
        parts = np.floor(shares * total).astype(int)
        parts[-1] += total - parts.sum()
        days = [cal.start(t).replace(day=d) for d in (7, 14, 21)] + [cal.end(t)]
        return [(day, int(p)) for day, p in zip(days, parts, strict=True) if p > 0]

    def _row(self, t: int, movement: str, day: date, quantity: int, cp_licence: str = "",
             cp_name: str = "", cp_country: str = "", doc: str = "", payment: str = "",
             delivery: str = "", origin=None) -> None:
        node = self.node
        self.rows.append((
            node.op.licence_no, self.market.cal.periods[t], movement, day, node.label, quantity,
            node.unit, node.concentration_written, cp_licence, cp_name, cp_country, doc,
            payment, delivery, node.idx, t, node.op.habit, origin))
