"""National baselines, pre-export notifications and the national pace each substance runs at."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import numpy as np

from demo.market import BLENDER_INPUT, CONSUMER, SOURCE, Market, Node
from demo.plants import PlantBook, nice
from demo.products import SUBSTANCES
from demo.simulation import Flows

BASELINE_MARGIN = 1.3  # the authority's estimate sits 30 % above legitimate use
PACE_ALERT = 1.10  # year-to-date use above this share of the pro-rata baseline is planted
INCB_SUBSTANCES = ("pseudoephedrine", "ephedrine")


def is_final_user(node: Node) -> bool:
    """Tell whether a node uses the product itself (not resells or blends it)."""
    return node.tier == CONSUMER or (node.tier == SOURCE and node.annual_kg > 0)


def monthly_need(market: Market, flows: Flows, *, legit: bool) -> dict[str, np.ndarray]:
    """Return per substance and month the pure kg used by final users plus exports.

    legit=True counts only legitimate use (what a baseline estimates); legit=False
    counts declared acquisitions of final users plus declared exports (what officers see).
    """
    months = len(market.cal)
    need: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(months))
    for node in market.nodes:
        if not is_final_user(node) or node.tier == BLENDER_INPUT:
            continue
        factor = node.product.pure_factor()
        if legit:
            need[node.substance] += flows.legit_use[node.idx] * factor
    if not legit:
        for trade in flows.trades:
            buyer = trade.buyer
            if buyer is not None and trade.buyer_declares and is_final_user(buyer):
                need[buyer.substance][trade.t] += trade.kg * buyer.product.pure_factor()
    for s in flows.shipments:
        if s.node is None or not s.declared:
            continue
        counted_export = s.flow == "export" and (not legit or s.plant is None)
        counted_import = s.flow == "import" and not legit and is_final_user(s.node)
        if counted_export or counted_import:
            need[s.node.substance][s.t] += s.kg * s.node.product.pure_factor()
    return dict(need)


def baselines(market: Market, flows: Flows) -> list[dict]:
    """Return one baseline per substance and year: legitimate need with a margin."""
    cal = market.cal
    need = monthly_need(market, flows, legit=True)
    rows = []
    for substance in sorted(need, key=lambda s: SUBSTANCES[s].cas):
        annual = {}
        for year in cal.years():
            months = [t for t in range(len(cal)) if cal.year(t) == year]
            if len(months) >= 6:
                annual[year] = need[substance][months].sum() * 12 / len(months)
        fallback = np.mean(list(annual.values())) if annual else need[substance].mean() * 12
        if fallback <= 0:
            continue  # nobody uses it legitimately: the authority sets no baseline
        for year in cal.years():
            estimate = annual.get(year, fallback)
            source = ("INCB annual legitimate requirement" if substance in INCB_SUBSTANCES
                      else f"Estimación nacional de necesidades lícitas {year}")
            rows.append({"substance": SUBSTANCES[substance].names["en"][0], "key": substance,
                         "year": year, "quantity_kg": nice(BASELINE_MARGIN * estimate),
                         "source": source})
    return rows


def pace(market: Market, flows: Flows, baseline_rows: list[dict]) -> list[dict]:
    """Return, per substance and year, what final users acquired against the pro-rata baseline."""
    cal = market.cal
    seen = monthly_need(market, flows, legit=False)
    checks = []
    for row in baseline_rows:
        months = [t for t in range(len(cal)) if cal.year(t) == row["year"]]
        if len(months) < 6 or row["key"] not in seen:
            continue
        acquired = float(seen[row["key"]][months].sum())
        expected = row["quantity_kg"] * len(months) / 12
        checks.append({"substance_cas": SUBSTANCES[row["key"]].cas, "key": row["key"],
                       "year": row["year"], "months": len(months),
                       "acquired_kg": round(acquired, 1), "baseline_kg": row["quantity_kg"],
                       "ratio_to_pro_rata": round(acquired / expected, 3) if expected else None})
    return checks


def finish_pace(market: Market, book: PlantBook, checks: list[dict]) -> None:
    """Describe the designed national-pace plant; record any other substance pushed over too."""
    cal = market.cal
    designed = next((p for p in book.plants if p.kind == "national_pace"), None)
    for check in checks:
        if check["ratio_to_pro_rata"] is None or check["ratio_to_pro_rata"] <= PACE_ALERT:
            continue
        months = [t for t in range(len(cal)) if cal.year(t) == check["year"]]
        text = (f"final users acquired {check['acquired_kg']:,.0f} kg (pure) in "
                f"{check['year']} ({check['months']} months), {check['ratio_to_pro_rata']:.2f} "
                f"times the pro-rata national baseline of {check['baseline_kg']:,.0f} kg/year")
        if designed is not None and designed.substance == check["key"] \
                and designed.stop in months:
            designed.start, designed.stop = months[0], months[-1]
            designed.description = text + " (planted: newcomer, splitting and other extra demand)"
        else:
            book.add("national_pace", check["key"], months[0], months[-1],
                     description=text + " (side effect of other planted purchases)")


def notifications(market: Market, flows: Flows, rng: np.random.Generator) -> list[dict]:
    """Return pre-export notifications: approved for legitimate exports, plus a few others."""
    rows = []
    exports = sorted((s for s in flows.shipments if s.flow == "export"),
                     key=lambda s: (s.day, s.node.idx))
    for s in exports:
        if s.notification == "missing":
            continue
        sent = s.day - timedelta(days=int(rng.integers(12, 40)))
        rows.append(_notification(s.node, sent, s.partner, s.country, s.kg, s.notification))
    # Notifications that never became exports: still pending, and one withdrawn.
    last = len(market.cal) - 1
    for s, status in zip(exports[-2:], ("pending", "withdrawn"), strict=False):
        sent = market.cal.start(last) + timedelta(days=int(rng.integers(0, 20)))
        rows.append(_notification(s.node, sent, s.partner, s.country, s.kg * 0.8, status))
    rows.sort(key=lambda r: (r["date"], r["exporter_licence"]))
    counters: dict[int, int] = {}
    for row in rows:
        year = row["date"].year
        counters[year] = counters.get(year, 0) + 1
        row["notification_ref"] = f"PEN-{market.home_country}-{year}-{counters[year]:04d}"
    return rows


def _notification(node: Node, sent, partner: str, country: str, kg: float, status) -> dict:
    return {"date": sent, "exporter_licence": node.op.licence_no, "importer_name": partner,
            "importing_country": country,
            "substance": SUBSTANCES[node.substance].names["en"][0],
            "quantity_kg": round(kg * node.product.pure_factor(), 1), "status": status}
