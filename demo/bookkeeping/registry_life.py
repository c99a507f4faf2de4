"""Registry life: licences held and never used, businesses taken over, renewals with a gap.

- An **idle holder** keeps a licence it does not use: it never trades and never declares,
  or it declares nothing but the same opening and closing stock month after month.
- A **succession**: an end user's business (plant, stock, suppliers) passes to a new legal
  entity in mid-window. The old licensee's last declaration ends with its stock, its
  licence ends days later; the new licensee, registered a few weeks before, opens its
  first declaration with that stock and keeps buying from the same suppliers.
- A **renewal with a gap**: a licence line expires and the renewed one starts a few days
  later (the authority was slow); the registry holds both lines and trade went on.
Nothing physical changes: the same goods move, only who holds the licence does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from demo.bookkeeping.levels import Intensity
from demo.bookkeeping.timing import closing_stock
from demo.market import CONSUMER, Market, MarketBuilder, Node, Operator, end_use_sector
from demo.plants import PlantBook, nice, pure
from demo.products import SUBSTANCES
from demo.registry import licence_row, yearly_need
from demo.sectors import sector_of_key
from demo.simulation import Flows

HOLDER = "holder"  # the role of an operator that holds a licence it does not use


def _count(share: float, operators: int) -> int:
    return max(1, round(share * operators))


def _room_for_one(builder: MarketBuilder) -> None:
    """Make sure the builder has a licence number left for one more operator."""
    if len(builder.licence_numbers) > len(builder.operators):
        return
    used = {int(n[4:]) for n in builder.licence_numbers}
    number = next(n for n in range(20000, 100000) if n not in used)
    builder.licence_numbers.append(f"LIC-{number:05d}")


def add_idle_holders(market: Market, builder: MarketBuilder, flows: Flows, rates: Intensity,
                     rng: np.random.Generator) -> list[dict]:
    """Register unused licences: half never declare, half declare an unchanging stock.

    The builder adds them to the market (its operator and node lists are the market's).
    """
    months = len(market.cal)
    entries = []
    for i in range(_count(rates.idle, len(market.operators))):
        sector = end_use_sector(builder)
        product = max(sector.products, key=lambda key: sector.products[key][0])
        region = builder.pick(sector.regions) if sector.regions else None
        _room_for_one(builder)
        op = builder.operator(role=HOLDER, name_prefixes=sector.prefixes, sector=sector.label,
                              sector_key=sector.key, activities=(sector.activity,),
                              region=region)
        node = builder.node(op, product, CONSUMER, sector=sector)
        stock_only = i % 2 == 1
        if stock_only:
            flows.initial[node.idx] = node.lot_kg * int(rng.integers(1, 5))
        else:
            node.start = node.stop = months
        for table in (flows.use, flows.legit_use, flows.loss):
            table[node.idx] = np.zeros(months)
        entries.append({"licence_no": op.licence_no,
                        "kind": "stock_only" if stock_only else "never_declares"})
    return entries


def _free_end_users(market: Market, book: PlantBook) -> list[Operator]:
    """Return active end users nothing is planted on, licensed and trading all window."""
    months = len(market.cal)
    return [op for op in market.operators
            if op.role == "end_user" and op.status == "active"
            and op.licence_no not in book.busy and op.nodes
            and all(n.start == 0 and n.stop == months and n.licensed for n in op.nodes)]


def add_successions(market: Market, builder: MarketBuilder, flows: Flows, book: PlantBook,
                    rates: Intensity, rng: np.random.Generator
                    ) -> tuple[list[dict], dict[int, int]]:
    """Pass some end users' businesses to new licensees; return them and node successors."""
    cal, months = market.cal, len(market.cal)
    stocks = closing_stock(market, flows)
    candidates = [op for op in _free_end_users(market, book) if sector_of_key(op.sector_key)]
    entries, successors = [], {}
    for _ in range(min(_count(rates.successions, len(market.operators)), len(candidates))):
        old = candidates.pop(int(rng.integers(len(candidates))))
        k = int(rng.integers(months // 3, months - 3))
        sector = sector_of_key(old.sector_key)
        _room_for_one(builder)
        new = builder.operator(
            role="end_user", name_prefixes=sector.prefixes, sector=old.sector,
            sector_key=old.sector_key, activities=old.activities, region=old.region,
            valid_from=cal.start(k) - timedelta(days=int(rng.integers(3, 25))))
        new.habit, new.label_style = old.habit, old.label_style  # the same staff keeps the books
        new.payment, new.collects = old.payment, old.collects
        old.valid_to = cal.end(k - 1) + timedelta(days=int(rng.integers(0, 10)))
        for node in list(old.nodes):
            successor = replace(node, idx=len(market.nodes), op=new, start=k, stop=months)
            market.nodes.append(successor)
            new.nodes.append(successor)
            _hand_over(flows, node, successor, k, stocks[node.idx][k - 1])
            successors[node.idx] = successor.idx
        entries.append({"leaving": old.licence_no, "joining": new.licence_no,
                        "period": cal.periods[k], "leaving_valid_to": old.valid_to,
                        "joining_valid_from": new.valid_from})
    return entries, successors


def _hand_over(flows: Flows, node: Node, successor: Node, k: int, stock_kg: float) -> None:
    """Give the successor the node's use, losses, stock and orders from month k on."""
    for table in (flows.use, flows.legit_use, flows.loss):
        if node.idx in table:
            later = table[node.idx].copy()
            later[:k] = 0.0
            table[node.idx][k:] = 0.0
            table[successor.idx] = later
    flows.initial[successor.idx] = float(stock_kg)
    for trade in flows.trades:
        if trade.buyer is node and trade.t >= k:
            trade.buyer = successor
    node.stop = k


def plan_renewals(market: Market, book: PlantBook, rates: Intensity, rng: np.random.Generator,
                  taken: set[str]) -> list[dict]:
    """Choose licence lines renewed in mid-window a few days after they expired."""
    cal, months = market.cal, len(market.cal)
    candidates = [op for op in _free_end_users(market, book)
                  if op.licence_no not in taken and op.valid_from < cal.start(0)
                  and op.valid_to > cal.end(months - 1)]
    entries = []
    for _ in range(min(_count(rates.renewals, len(market.operators)), len(candidates))):
        op = candidates.pop(int(rng.integers(len(candidates))))
        node = op.nodes[int(rng.integers(len(op.nodes)))]
        expired = cal.start(int(rng.integers(3, months - 2))) + timedelta(
            days=int(rng.integers(0, 25)))
        renewed = expired + timedelta(days=int(rng.integers(3, 12)))
        entries.append({"licence_no": op.licence_no, "substance": node.substance,
                        "expired_on": expired, "renewed_from": renewed})
    return entries


def registry_lines(market: Market, flows: Flows, added: list[Operator],
                   rng: np.random.Generator) -> list[dict]:
    """Return the registry lines of operators added by these habits, quotas sized as usual."""
    rows = []
    for op in added:
        for substance in sorted({n.substance for n in op.nodes if n.licensed},
                                key=lambda key: SUBSTANCES[key].cas):
            nodes = [n for n in op.nodes if n.substance == substance]
            need = yearly_need(market, flows, nodes)
            if need <= 0:  # an idle holder: quota for what its sector normally uses, or none
                need = sum(pure(n, n.annual_kg) for n in nodes) or (
                    0.0 if rng.random() < 0.5 else pure(nodes[0], 12 * nodes[0].lot_kg))
            quota = nice(float(rng.uniform(1.3, 1.6)) * need) if need > 0 else None
            rows.append(licence_row(op, substance,
                                    {"quota": quota, "previous": None, "changed_on": None}))
    return rows


def renew(rows: list[dict], renewals: list[dict]) -> list[dict]:
    """Return registry rows with each renewed line as two: the expired one and the renewal."""
    wanted = {(r["licence_no"], r["substance"]): r for r in renewals}
    result = []
    for row in rows:
        renewal = wanted.get((row["licence_no"], row["substance"]))
        if renewal is None:
            result.append(row)
            continue
        result.append({**row, "valid_to": renewal["expired_on"]})
        result.append({**row, "valid_from": renewal["renewed_from"]})
    return result


def json_dates(entry: dict) -> dict:
    """Return an entry with its dates as ISO text, for planted.json."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in entry.items()}
