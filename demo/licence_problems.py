"""Licence problems, and registry lines that are legitimately suspended, revoked or expired."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from demo.market import CONSUMER, DISTRIBUTOR
from demo.plants import product_name
from demo.products import PRODUCTS
from demo.sectors import SECTORS
from demo.simulation import Trade
from demo.supply import link_suppliers, sources_of

if TYPE_CHECKING:
    from demo.planting import Planter


def plant_licence_problems(p: Planter) -> None:
    """Trade on a suspended or expired licence, for an unlicensed substance, or to outsiders."""
    used: set[str] = set()
    node = p.one(p.consumers(min_orders=1))
    if node is not None:
        node.op.status = "suspended"
        used.add(node.substance)
        p.book.add("licence", node.substance, 0, p.months - 1, op=node.op, node=node,
                   description="licence suspended, yet the operator keeps buying and "
                               "declaring, and its suppliers keep selling to it")
    january = p.last_year_start()
    node = p.one(p.consumers(avoid=used, min_orders=1))
    if node is not None and january > 0 and not p.small:
        node.op.valid_to = date(p.market.cal.year(january) - 1, 12, 31)
        used.add(node.substance)
        p.book.add("licence", node.substance, january, p.months - 1, op=node.op,
                   node=node, description=f"licence expired on {node.op.valid_to}, "
                                          "yet the operator keeps buying after it")
    if not p.small:
        _unlicensed_substance(p, used)
        _outsider_sales(p, used)


def _unlicensed_substance(p: Planter, used: set[str]) -> None:
    sold = {n.product.key for n in p.market.nodes if n.tier == DISTRIBUTOR
            or n in sources_of(p.market.nodes, n.product.key)}
    for node in p.consumers(min_orders=1):
        sector = SECTORS[node.op.sector_key]
        held = {n.product.key for n in node.op.nodes}
        missing = [key for key in sector.products if key not in held
                   and PRODUCTS[key].substance not in used and key in sold
                   and key not in ("sulphuric_98", "thinner_60")]
        if missing:
            product = missing[0]
            start = p.months - 10
            extra = p.builder.node(node.op, product, CONSUMER, sector=sector, start=start,
                                   annual_kg=sector.products[product][1])
            extra.licensed = False
            link_suppliers(p.builder, extra, 2)
            used.add(extra.substance)
            p.book.add("licence", extra.substance, start, p.months - 1, op=node.op,
                       node=extra, description=(
                           f"buys and uses {product_name(product)} without a licence for "
                           "it (its licence covers other substances only)"))
            return


def _outsider_sales(p: Planter, used: set[str]) -> None:
    node = p.one(p.distributors(avoid=used))
    if node is None:
        return
    outsider = p.builder.namer(("Ferretería", "Comercial", "Negocios"))
    start = p.months - 9
    plant = p.book.add("licence", node.substance, start, p.months - 2, op=node.op,
                       node=node, description=(
                           f"sells {product_name(node.product.key)} every month to "
                           f"{outsider}, which holds no licence"))
    for t in range(start, p.months - 1):
        day = p.market.cal.workdays(t)[int(p.rng.integers(0, 20))]
        kg = p.lots(node, node.product.lot_kg * float(p.rng.uniform(2, 6)))
        p.book.pre_trades.append(Trade(node, None, t, day, kg, buyer_declares=False,
                                       outsider=outsider, plant=plant.id))


def plant_inactive_entries(p: Planter) -> None:
    """Make a few registry lines suspended, revoked or expired, with trading stopped."""
    common = ("acetone", "sulphuric_98", "hydrochloric_33", "thinner_60", "mek")
    for status in ("suspended", "revoked", "expired"):
        node = p.one([n for n in p.consumers(products=common)
                      if all(own.product.key in common for own in n.op.nodes)])
        if node is None:
            return
        op = node.op
        stop = 0 if status != "expired" else p.months - 8
        for own in op.nodes:
            own.start, own.stop = (p.months, p.months) if stop == 0 else (0, stop)
        if status == "expired":
            op.valid_to = p.market.cal.end(stop - 1)
        else:
            op.status = status
