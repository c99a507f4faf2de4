"""Build the legitimate market: end users first, then the supply side that serves them."""

from __future__ import annotations

import numpy as np

from demo.market import (
    BLENDER_INPUT,
    COMMODITIES,
    CONSUMER,
    DISTRIBUTED,
    DISTRIBUTOR,
    PHARMA_PRODUCTS,
    SOURCE,
    Calendar,
    Market,
    MarketBuilder,
    Node,
    add_end_user,
    end_use_sector,
    lognormal,
    ruc,
)
from demo.sectors import FOREIGN_BUYERS, SECTORS, SUPPLY_PREFIXES, SUPPLY_SECTORS

EXPORT_ROUTES = {"sulphuric_98": ("BO", "CL"), "hydrochloric_33": ("BO",),
                 "acetone": ("EC", "BO"), "toluene": ("EC", "BO")}
UNREGISTERED_PREFIXES = ("Comercial", "Importaciones", "Negociaciones", "Inversiones",
                         "Ferretería Industrial", "Multiservicios")
MIN_OPERATORS = 20


def build_market(*, seed: int, operators: int, cal: Calendar, home_country: str,
                 reserve: int) -> tuple[Market, MarketBuilder]:
    """Create the legitimate market, leaving `reserve` operators for planted newcomers."""
    if operators < MIN_OPERATORS:
        raise ValueError(f"a demo country needs at least {MIN_OPERATORS} operators")
    b = MarketBuilder(seed=seed, operators=operators, cal=cal, home_country=home_country)
    n = operators
    counts = {
        "importer": max(3, round(0.06 * n)), "pharma_importer": 1 if n < 150 else 2,
        "smelter": 1, "chlor_alkali": 1 if n >= 80 else 0, "blender": 1 if n < 200 else 2,
        "direct": round(0.03 * n) if n >= 60 else 0, "distributor": max(3, round(0.11 * n)),
        "pharma_distributor": max(1, round(0.012 * n)),
        "exporter": max(1 if n < 100 else 2, round(0.012 * n)),
    }
    supply = sum(v for k, v in counts.items() if k != "exporter")
    for _ in range(n - supply - reserve):
        add_end_user(b, end_use_sector(b))
    demanded = {node.product.key for node in b.nodes}
    _add_sources(b, counts, demanded)
    _add_distributors(b, counts, demanded)
    for node in b.nodes:
        if node.tier in (CONSUMER, DISTRIBUTOR, BLENDER_INPUT) and not node.suppliers:
            link_suppliers(b, node)
    unregistered = [(ruc(b.rng, b.tax_ids), b.namer(UNREGISTERED_PREFIXES)) for _ in range(30)]
    market = Market(seed, home_country, cal, b.operators, b.nodes, unregistered)
    return market, b


def _add_sources(b: MarketBuilder, counts: dict[str, int], demanded: set[str]) -> None:
    """Create the importers and manufacturers, covering every product someone uses."""
    smelter = b.operator(role="manufacturer", name_prefixes=SUPPLY_PREFIXES["smelter"],
                         sector=SUPPLY_SECTORS["smelter"], sector_key="smelter",
                         activities=("manufacturer", "distributor", "exporter"), region="Moquegua")
    node = b.node(smelter, "sulphuric_98", SOURCE)
    node.unit, node.exporter = "t", True
    if counts["chlor_alkali"]:
        chlor = b.operator(role="manufacturer", name_prefixes=SUPPLY_PREFIXES["chlor_alkali"],
                           sector=SUPPLY_SECTORS["chlor_alkali"], sector_key="chlor_alkali",
                           activities=("manufacturer", "distributor"), region="Callao")
        b.node(chlor, "hydrochloric_33", SOURCE)
    wanted = [p for p in COMMODITIES if p in demanded or p in DISTRIBUTED]
    importers = []
    for _ in range(counts["importer"]):
        op = b.operator(role="importer", name_prefixes=SUPPLY_PREFIXES["importer"],
                        sector=SUPPLY_SECTORS["chemicals_wholesale"],
                        sector_key="chemicals_wholesale", activities=("importer", "distributor"),
                        region=b.pick(("Lima", "Callao"), (3, 1)))
        size = int(b.rng.integers(2, 5))
        picks = b.rng.choice(len(wanted), size=min(size, len(wanted)), replace=False)
        importers.append((op, [wanted[i] for i in sorted(picks)]))
    # Every product somebody uses needs a source; the least busy importer takes it.
    for product in wanted:
        covered = sum(product in portfolio for _, portfolio in importers)
        if product == "sulphuric_98" or product == "hydrochloric_33" and counts["chlor_alkali"]:
            covered += 1  # a domestic manufacturer makes it
        if not covered:
            min(importers, key=lambda item: len(item[1]))[1].append(product)
    for op, portfolio in importers:
        for product in portfolio:
            b.node(op, product, SOURCE)
    for i in range(counts["pharma_importer"]):
        op = b.operator(role="importer", name_prefixes=SUPPLY_PREFIXES["pharma_importer"],
                        sector=SUPPLY_SECTORS["pharma_wholesale"], sector_key="pharma_wholesale",
                        activities=("importer", "distributor"), region="Lima")
        for product in PHARMA_PRODUCTS:
            if product in demanded and (i == 0 or product == "pseudoephedrine_hcl"):
                b.node(op, product, SOURCE)
    for i in range(counts["direct"]):
        sector = SECTORS[("mining", "paint", "pharma")[i % 3]]
        product = {"mining": "sulphuric_98", "paint": "toluene",
                   "pharma": "pseudoephedrine_hcl"}[sector.key]
        activity = "pharma" if sector.key == "pharma" else "end_user"
        op = b.operator(role="direct_importer", name_prefixes=sector.prefixes,
                        sector=sector.label, sector_key=sector.key,
                        activities=("importer", activity),
                        region=b.pick(sector.regions) if sector.regions else None)
        b.node(op, product, SOURCE, sector=sector,
               annual_kg=2.0 * lognormal(b.rng, sector.products[product][1], 0.3))
    for _ in range(counts["blender"]):
        op = b.operator(role="blender", name_prefixes=SUPPLY_PREFIXES["blender"],
                        sector=SUPPLY_SECTORS["blender"], sector_key="blender",
                        activities=("manufacturer", "distributor"), region="Lima")
        b.node(op, "thinner_60", DISTRIBUTOR)
        b.node(op, "toluene", BLENDER_INPUT)


def _add_distributors(b: MarketBuilder, counts: dict[str, int], demanded: set[str]) -> None:
    """Create chemical and pharmaceutical distributors; a few of them also export."""
    offered = [p for p in DISTRIBUTED if p in demanded]
    # Distributors carry what many end users buy.
    weights = np.array([sum(n.product.key == p for n in b.nodes) for p in offered], float) + 1.0
    for i in range(counts["distributor"]):
        exporter = i < counts["exporter"]
        activities = ("distributor", "exporter") if exporter else ("distributor",)
        op = b.operator(role="distributor", name_prefixes=SUPPLY_PREFIXES["distributor"],
                        sector=SUPPLY_SECTORS["chemicals_wholesale"],
                        sector_key="chemicals_wholesale", activities=activities)
        size = min(int(b.rng.integers(2, 6)), len(offered))
        picks = b.rng.choice(len(offered), size=size, replace=False, p=weights / weights.sum())
        for product in sorted(offered[i] for i in picks):
            node = b.node(op, product, DISTRIBUTOR)
            node.lot_kg = node.product.lot_kg * 4
            node.exporter = exporter and product in EXPORT_ROUTES
    for _ in range(counts["pharma_distributor"]):
        op = b.operator(role="distributor", name_prefixes=SUPPLY_PREFIXES["pharma_distributor"],
                        sector=SUPPLY_SECTORS["pharma_wholesale"], sector_key="pharma_wholesale",
                        activities=("distributor",), region="Lima")
        for product in (*PHARMA_PRODUCTS, "ethyl_ether"):
            if product in demanded:
                b.node(op, product, DISTRIBUTOR)


def sources_of(nodes: list[Node], product: str) -> list[Node]:
    """Return the importers and manufacturers that sell a product."""
    return [n for n in nodes if n.tier == SOURCE and n.product.key == product
            and "end_user" not in n.op.activities and "pharma" not in n.op.activities]


def sellers_for(nodes: list[Node], node: Node) -> list[Node]:
    """Return every node that could sell this node's product to it."""
    product = node.product.key
    if node.tier in (DISTRIBUTOR, BLENDER_INPUT):
        return sources_of(nodes, product)
    sellers = [n for n in nodes if n.tier == DISTRIBUTOR and n.product.key == product
               and n.stop == n.months and n.start == 0 and n.op is not node.op]
    big = node.annual_kg > 6 * node.product.delivery_kg
    if big or not sellers:
        sellers += sources_of(nodes, product)
    return sellers


def link_suppliers(b: MarketBuilder, node: Node, count: int | None = None) -> None:
    """Choose one to three regular suppliers for a buyer, the first one its main supplier."""
    if node.product.key == "thinner_60" and node.tier == DISTRIBUTOR:
        return  # the blender makes its own thinner
    candidates = sellers_for(b.nodes, node)
    if not candidates:
        raise ValueError(f"nobody sells {node.product.key} to {node.op.name}")
    count = count or int(b.rng.integers(1, 4))
    count = min(count, len(candidates))
    picks = b.rng.choice(len(candidates), size=count, replace=False)
    node.suppliers = [candidates[i] for i in picks]
    node.weights = [0.7] + [0.3 / (count - 1)] * (count - 1) if count > 1 else [1.0]


def plan_exports(market: Market, rng: np.random.Generator) -> list[dict]:
    """Plan the legitimate export shipments of exporters (month, kg, destination, buyer)."""
    plans = []
    for node in market.nodes:
        if not node.exporter:
            continue
        smelter = node.op.role == "manufacturer"
        routes = ("CL",) if smelter else EXPORT_ROUTES[node.product.key]
        t = int(rng.integers(0, 3))
        while t < len(market.cal):
            country = routes[rng.integers(len(routes))]
            buyers = FOREIGN_BUYERS[country]
            kg = rng.uniform(1_500_000, 3_000_000) if smelter else rng.uniform(12_000, 30_000)
            plans.append({"node": node, "t": t, "kg": round(float(kg), -2), "country": country,
                          "buyer": buyers[rng.integers(len(buyers))], "notification": "approved"})
            t += 3 if smelter else int(rng.integers(1, 4))
    return plans
