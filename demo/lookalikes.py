"""Legitimate look-alikes: shapes that resemble diversion but must not be flagged."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from demo.market import Node, add_end_user
from demo.plants import product_name
from demo.sectors import SECTORS, Sector, season_curve, sector_of_key
from demo.supply import link_suppliers

if TYPE_CHECKING:
    from demo.planting import Planter


def plant_newcomer(planter: Planter, sector: Sector, product: str, start: int) -> Node:
    """Register a new end user whose licence starts shortly before month `start`."""
    cal = planter.market.cal
    valid_from = cal.start(start) - timedelta(days=int(planter.rng.integers(3, 25)))
    op = add_end_user(planter.builder, sector, start=start, products=[product],
                      valid_from=valid_from)
    node = op.nodes[0]
    node.trend = 0.0
    link_suppliers(planter.builder, node, 2)
    return node


def plant_lookalikes(p: Planter) -> None:
    """Plant seasonal, growing, one-off-with-raised-quota and normal newcomer operators."""
    _seasonal(p)
    _growth(p)
    _raised_quota(p)
    _newcomers(p)


def _seasonal(p: Planter) -> None:
    used: set[str] = set()
    for _ in range(p.count(2)):
        node = p.one(p.consumers(avoid=used, flat=False, min_orders=1))
        if node is None:
            return
        used.add(node.substance)
        season = sector_of_key(node.op.sector_key).season_for(node.product.key)
        node.season = season_curve(season, 2.2)
        node.noise = 0.08
        peak = int(np.argmax(node.season)) + 1
        ratio = float(node.season.max() / node.season.min())
        p.book.add("seasonal", node.substance, 0, p.months - 1, lookalike=True, op=node.op,
                   node=node, description=(
                       f"strong '{season}' season: use of {product_name(node.product.key)} peaks "
                       f"in month {peak} at {ratio:.1f} times its trough, the same every year"))


def _growth(p: Planter) -> None:
    used: set[str] = set()
    for _ in range(p.count(2)):
        node = p.one(p.consumers(avoid=used, flat=True, min_orders=1))
        if node is None:
            return
        used.add(node.substance)
        node.trend = 0.0
        node.multiplier = 0.55 * 1.035 ** np.arange(p.months)
        p.book.add("growth", node.substance, 0, p.months - 1, lookalike=True, op=node.op,
                   node=node, description=(
                       f"steady growth of 3.5 % a month in {product_name(node.product.key)} "
                       f"(x{1.035 ** (p.months - 1):.1f} over the window), within its quota"))


def _raised_quota(p: Planter) -> None:
    used: set[str] = set()
    month = p.year_months[min(6, len(p.year_months) - 2)]
    for _ in range(p.count(2)):
        node = p.one(p.consumers(avoid=used, flat=True, min_orders=1))
        if node is None:
            return
        used.add(node.substance)
        node.trend = 0.0
        kg = p.lots(node, 0.8 * node.annual_kg)
        node.forced.append((month, kg, node.suppliers[0], None, True))
        p.book.quota_raised[node.idx] = p.market.cal.start(month) - timedelta(days=20)
        # The description, with both quotas, is written once quotas are known.
        p.book.add("raised_quota_one_off", node.substance, month, month, lookalike=True,
                   op=node.op, node=node, evidence={"order_kg_product": kg})


def _newcomers(p: Planter) -> None:
    sectors = [SECTORS[k] for k in ("footwear", "paint", "textile", "printing")]
    for i, span in enumerate((9, 5)[: p.count(2)]):
        sector = sectors[(i + int(p.rng.integers(0, 4))) % len(sectors)]
        product = max(sector.products, key=lambda key: sector.products[key][0])
        start = p.months - span
        node = plant_newcomer(p, sector, product, start)
        ramp = np.minimum(1.0, np.linspace(0.5, 1.5, span))
        node.multiplier[start:] = ramp
        p.book.add("new_operator_normal", node.substance, start, p.months - 1, lookalike=True,
                   op=node.op, node=node, description=(
                       f"licensed from {node.op.valid_from.isoformat()} (sector {sector.code}); "
                       f"ramps up to an ordinary size for its sector ({node.annual_kg:,.0f} kg a "
                       f"year of {product_name(product)})"))
