"""Customs: declarations for every shipment, ordinary trade as noise, and customs-only plants."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from demo.market import SOURCE, Market
from demo.plants import Plant, PlantBook, product_name
from demo.products import MISLABEL_HS, PRODUCTS, UNCONTROLLED_GOODS
from demo.sectors import EXPORT_OFFICES, FOREIGN_SUPPLIERS, IMPORT_OFFICES
from demo.simulation import Flows, Shipment

NOISE_COUNTRIES = ("US", "CN", "BR", "MX", "DE", "CL", "CO", "AR", "IN", "KR", "ES", "EC")
LOOKALIKE_SHARE = 0.15  # share of noise items naming a look-alike (acetic acid, MIBK...)


@dataclass
class CustomsDeclaration:
    """One customs declaration: who, when, where, and its items."""

    flow: str
    day: date
    office: tuple[str, str]
    tax_id: str
    trader: str
    country: str
    items: list[tuple[str, str, float, float]] = field(default_factory=list)  # hs, text, kg, usd
    shipment: Shipment | None = None
    number: str = ""


def plant_customs(market: Market, flows: Flows, book: PlantBook,
                  rng: np.random.Generator) -> None:
    """Add the customs-only planted shipments and finish those plants' records."""
    unregistered = iter(market.unregistered)
    for plant in book.plants:
        if plant.kind == "customs_reconciliation":
            _reconciliation(market, flows, plant, rng)
        elif plant.kind == "missing_declaration" and plant.node.tier == SOURCE:
            _missing(market, flows, plant, rng)
        elif plant.kind in ("unregistered_trader", "mislabelling"):
            if plant.op is None:
                plant.tax_id, name = next(unregistered)
            else:
                name = plant.op.name
            _outside_imports(market, flows, plant, name, rng)


def _reconciliation(market: Market, flows: Flows, plant: Plant, rng: np.random.Generator) -> None:
    node, months = plant.node, len(market.cal)
    imports = [s for s in flows.shipments if s.node is node and s.flow == "import"]
    starts = sorted({s.t for s in imports if months - 14 <= s.t <= months - 3}) or [months - 6]
    t0 = starts[int(rng.integers(len(starts)))]
    window = range(t0, t0 + 3)
    declared = sum(s.kg for s in imports if s.t in window)
    extra = max(2.0 * declared, node.product.shipment_kg[1] * 2)
    count = int(rng.integers(2, 4))
    origin = imports[0].country if imports else node.product.origins[0]
    for i in range(count):
        t = t0 + i % 3
        flows.shipments.append(Shipment(
            node, "import", t, _day(market, rng, t), round(extra / count, 0), origin,
            FOREIGN_SUPPLIERS[origin][0], declared=False, plant=plant.id))
    plant.start, plant.stop = t0, t0 + 2
    plant.description = (
        f"customs shows {declared + extra:,.0f} kg of {product_name(node.product.key)} imported "
        f"in {market.cal.periods[t0]} to {market.cal.periods[t0 + 2]}; the importer declares "
        f"{declared:,.0f} kg ({count} customs declarations never declared)")


def _missing(market: Market, flows: Flows, plant: Plant, rng: np.random.Generator) -> None:
    node = plant.node
    window = range(plant.start, plant.stop + 1)
    imports = [s for s in flows.shipments if s.node is node and s.flow == "import"]
    inside = [s for s in imports if s.t in window]
    size = float(np.median([s.kg for s in imports])) if imports else node.product.shipment_kg[0]
    for t in (plant.start + 1, plant.stop - 1)[: max(0, 2 - len(inside))]:
        shipment = Shipment(node, "import", t, _day(market, rng, t), round(size, 0),
                            node.product.origins[0], FOREIGN_SUPPLIERS[node.product.origins[0]][0],
                            plant=plant.id)
        flows.shipments.append(shipment)
        inside.append(shipment)
    plant.description = (
        f"declares nothing from {market.cal.periods[plant.start]} on, while customs shows "
        f"{len(inside)} imports ({sum(s.kg for s in inside):,.0f} kg) of "
        f"{product_name(node.product.key)} in those months")


def _outside_imports(market: Market, flows: Flows, plant: Plant, name: str,
                     rng: np.random.Generator) -> None:
    """Imports nobody declares: by an unregistered firm, or under a tariff line that hides them."""
    product = next(p for p in PRODUCTS.values() if p.substance == plant.substance
                   and p.hs_code)
    months = len(market.cal)
    hs, text = product.hs_code, product.customs_description
    if plant.kind == "mislabelling":
        hs, text = MISLABEL_HS[plant.substance]
        text += " " + ("EN ISOTANQUE" if product.density else "EN TAMBORES")
    offset = int(rng.integers(5, 9))
    moments = [months - offset, months - offset + 1, months - offset + 3]
    if plant.kind == "mislabelling":
        moments = moments[:2]
    tax_id = plant.op.tax_id if plant.op else plant.tax_id
    total = 0.0
    for t in moments:
        kg = round(float(rng.uniform(*product.shipment_kg)), 0)
        total += kg
        flows.shipments.append(Shipment(
            None, "import", t, _day(market, rng, t), kg, product.origins[0],
            FOREIGN_SUPPLIERS[product.origins[0]][0], declared=False, plant=plant.id,
            hs_code=hs, description=text, tax_id=tax_id, trader_name=name))
    plant.start, plant.stop = moments[0], moments[-1]
    who = f"{name} (RUC {tax_id}), not in the registry," if plant.op is None else name
    if plant.kind == "mislabelling":
        plant.description = (f"{who} imports {total:,.0f} kg described as '{text}' under "
                             f"tariff code {hs}, which is not a controlled heading")
    else:
        plant.description = (f"{who} imports {total:,.0f} kg of {product_name(product.key)} "
                             f"under controlled tariff code {hs}")


def _day(market: Market, rng: np.random.Generator, t: int) -> date:
    days = market.cal.workdays(t)
    return days[int(rng.integers(len(days)))]


def customs_declarations(market: Market, flows: Flows,
                         rng: np.random.Generator) -> list[CustomsDeclaration]:
    """Build every customs declaration, numbered per office, year and regime."""
    declarations = [_of_shipment(s, rng) for s in flows.shipments]
    declarations += _noise(market, rng)
    counters: dict[tuple, int] = {}
    declarations.sort(key=lambda d: (d.day, d.office[0], d.flow, d.tax_id, d.items[0][2]))
    for decl in declarations:
        regime = "10" if decl.flow == "import" else "40"
        key = (decl.office[0], decl.day.year, regime)
        counters[key] = counters.get(key, int(rng.integers(1000, 9000))) + int(rng.integers(1, 9))
        decl.number = f"{decl.office[0]}-{decl.day.year}-{regime}-{counters[key]:06d}"
        if decl.shipment is not None:
            decl.shipment.declaration_no = decl.number
    return declarations


def _of_shipment(s: Shipment, rng: np.random.Generator) -> CustomsDeclaration:
    product = s.node.product if s.node is not None else None
    hs = s.hs_code or product.hs_code
    text = s.description or product.customs_description
    price = product.price_usd_kg if product else 1.5
    if s.flow == "export":
        office = ("145", "Mollendo") if s.kg > 500_000 else EXPORT_OFFICES[s.country]
    elif product is not None and product.base_fraction < 1:
        office = IMPORT_OFFICES["air"]
    elif product is not None and product.key == "sulphuric_98" and rng.random() < 0.6:
        office = IMPORT_OFFICES["south"]
    else:
        office = IMPORT_OFFICES["sea" if rng.random() < 0.85 else "north"]
    tax_id = s.tax_id or s.node.op.tax_id
    trader = s.trader_name or s.node.op.name
    decl = CustomsDeclaration(s.flow, s.day, office, tax_id, trader, s.country, shipment=s)
    decl.items.append((hs, text, s.kg, round(s.kg * price * rng.uniform(0.9, 1.1), 2)))
    if s.flow == "import" and rng.random() < 0.3:
        decl.items.append(_ordinary_item(rng))
    return decl


def _ordinary_item(rng: np.random.Generator, lookalike: bool = False) -> tuple:
    goods = UNCONTROLLED_GOODS[:4] if lookalike else UNCONTROLLED_GOODS[4:]
    hs, text, price = goods[int(rng.integers(len(goods)))]
    kg = round(float(rng.lognormal(np.log(8000), 0.9)), 0)
    return hs, text, kg, round(kg * price * rng.uniform(0.85, 1.15), 2)


def _noise(market: Market, rng: np.random.Generator) -> list[CustomsDeclaration]:
    """Ordinary imports (and a few exports) of uncontrolled goods by many traders."""
    traders = [(op.tax_id, op.name) for op in market.operators] + list(market.unregistered)
    per_month = max(5, round(0.25 * len(market.operators)))
    declarations = []
    for t in range(len(market.cal)):
        for _ in range(int(rng.poisson(per_month))):
            tax_id, name = traders[int(rng.integers(len(traders)))]
            flow = "export" if rng.random() < 0.08 else "import"
            country = NOISE_COUNTRIES[int(rng.integers(len(NOISE_COUNTRIES)))]
            office = IMPORT_OFFICES["sea" if rng.random() < 0.8 else "air"]
            decl = CustomsDeclaration(flow, _day(market, rng, t), office, tax_id, name, country)
            for _ in range(int(rng.integers(1, 4))):
                decl.items.append(_ordinary_item(rng, rng.random() < LOOKALIKE_SHARE))
            declarations.append(decl)
    return declarations


def customs_rows(declarations: list[CustomsDeclaration]) -> dict[int, dict[str, list]]:
    """Return customs items as columns, one table per calendar year."""
    years: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for decl in sorted(declarations, key=lambda d: (d.day, d.number)):
        table = years[decl.day.year]
        for i, (hs, text, kg, usd) in enumerate(decl.items, start=1):
            for column, value in (
                    ("declaration_no", decl.number), ("item_no", i), ("date", decl.day),
                    ("flow", decl.flow), ("hs_code", hs), ("goods_description", text),
                    ("net_mass_kg", kg), ("trader_tax_id", decl.tax_id),
                    ("trader_name", decl.trader), ("partner_country", decl.country),
                    ("customs_office", decl.office[1]), ("statistical_value_usd", usd)):
                table[column].append(value)
    return {year: dict(table) for year, table in sorted(years.items())}
