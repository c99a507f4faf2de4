"""The registry snapshot: one line per operator and licensed substance, quotas sized to real use."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from demo.habits import ACTIVITIES_ES, REGISTRY_COLUMNS, REGISTRY_CSV
from demo.market import Market, Node, Operator
from demo.plants import PlantBook, acquisitions, nice, product_name
from demo.products import SUBSTANCES
from demo.simulation import Flows
from demo.writers import number_text

QUOTA_FACTOR = (1.3, 1.6)  # quotas leave this much room above the largest year's use


def yearly_need(market: Market, flows: Flows, nodes: list[Node]) -> float:
    """Return the largest yearly acquisitions of these nodes (partial years scaled up)."""
    cal = market.cal
    best = 0.0
    for year in cal.years():
        months = [t for t in range(len(cal)) if cal.year(t) == year]
        bought = sum(acquisitions(flows, node, months) for node in nodes)
        scaled = bought * 12 / len(months) if len(months) >= 6 else bought
        active = sum(node.active[months].sum() for node in nodes) / len(nodes)
        if 0 < active < len(months):  # a newcomer's first year: scale its active months
            scaled = max(scaled, bought * 12 / active)
        best = max(best, bought, scaled)
    return best


def quotas(market: Market, flows: Flows, book: PlantBook,
           rng: np.random.Generator) -> dict[tuple[str, str], dict]:
    """Return quota, previous quota and change date per (licence, substance)."""
    lines: dict[tuple[str, str], list[Node]] = defaultdict(list)
    for node in market.nodes:
        if node.licensed:
            lines[node.op.licence_no, node.substance].append(node)
    result = {}
    for key, nodes in lines.items():
        op = nodes[0].op
        fixed = [book.quota_fixed[n.idx] for n in nodes if n.idx in book.quota_fixed]
        raised = [n for n in nodes if n.idx in book.quota_raised]
        entry = {"quota": None, "previous": None, "changed_on": None}
        factor = float(rng.uniform(*QUOTA_FACTOR))
        if fixed:
            entry["quota"] = fixed[0]
        elif raised:
            node = raised[0]
            one_off = sum(kg for t, kg, *_ in node.forced) * node.product.pure_factor()
            need = yearly_need(market, flows, nodes)
            entry["previous"] = nice(1.3 * (need - one_off))
            entry["quota"] = nice(max(1.3 * need, 1.4 * entry["previous"]))
            entry["changed_on"] = book.quota_raised[node.idx]
            _describe_raise(book, node, entry, one_off)
        else:
            no_quota = (op.role == "manufacturer" or "laboratory" in op.activities
                        and rng.random() < 0.5 or rng.random() < 0.05)
            if not no_quota or op.licence_no in book.busy:
                need = yearly_need(market, flows, nodes)
                entry["quota"] = nice(factor * need) if need > 0 else nice(
                    factor * sum(n.annual_kg * n.product.pure_factor() for n in nodes) or 100)
        result[key] = entry
    return result


def _describe_raise(book: PlantBook, node: Node, entry: dict, one_off: float) -> None:
    for plant in book.lookalikes:
        if plant.node is node:
            plant.description = (
                f"one-off order of {one_off:,.0f} kg (pure) of {product_name(node.product.key)}"
                f" for a project, covered by a quota raised on {entry['changed_on']} from "
                f"{entry['previous']:,.0f} to {entry['quota']:,.0f} kg; the registry shows the "
                "raised quota (previous_quota_kg and quota_changed_on columns)")
            plant.evidence.update({"previous_quota_kg": entry["previous"],
                                   "raised_quota_kg": entry["quota"],
                                   "quota_changed_on": entry["changed_on"].isoformat()})


def registry_rows(market: Market, flows: Flows, book: PlantBook,
                  rng: np.random.Generator) -> list[dict]:
    """Return registry lines (spec codes), sorted by licence and substance CAS."""
    quota = quotas(market, flows, book, rng)
    rows = []
    for op in market.operators:
        for substance in sorted({n.substance for n in op.nodes if n.licensed},
                                key=lambda s: SUBSTANCES[s].cas):
            rows.append(licence_row(op, substance, quota[op.licence_no, substance]))
    rows.sort(key=lambda r: (r["licence_no"], SUBSTANCES[r["substance"]].cas))
    return rows


def licence_row(op: Operator, substance: str, entry: dict) -> dict:
    """Return one registry line (spec codes) of an operator and substance, with its quota."""
    return {
        "licence_no": op.licence_no, "operator_name": op.name, "tax_id": op.tax_id,
        "activity": "|".join(op.activities), "substance": substance,
        "annual_quota_kg": entry["quota"], "valid_from": op.valid_from,
        "valid_to": op.valid_to, "status": op.status, "region": op.region,
        "sector": op.sector, "previous_quota_kg": entry["previous"],
        "quota_changed_on": entry["changed_on"]}


def registry_tables(rows: list[dict]) -> tuple[dict[str, list], dict[str, list]]:
    """Return the same registry as the Spanish CSV and the English XLSX write it."""
    spanish: dict[str, list] = {c: [] for c in REGISTRY_COLUMNS}
    english: dict[str, list] = {c: [] for c in REGISTRY_COLUMNS}
    spanish["Cupo anterior (kg)"], spanish["Fecha de modificación del cupo"] = [], []
    english["previous_quota_kg"], english["quota_changed_on"] = [], []
    for row in rows:
        substance = SUBSTANCES[row["substance"]]
        for column in REGISTRY_COLUMNS:
            spanish[column].append(row[column])
            english[column].append(row[column])
        spanish["substance"][-1] = substance.names["es"][0]
        english["substance"][-1] = substance.cas
        spanish["activity"][-1] = "|".join(ACTIVITIES_ES[a] for a in row["activity"].split("|"))
        spanish["Cupo anterior (kg)"].append(number_text(row["previous_quota_kg"], 2, REGISTRY_CSV))
        changed = row["quota_changed_on"]
        spanish["Fecha de modificación del cupo"].append(
            changed.strftime("%d/%m/%Y") if changed else "")
        english["previous_quota_kg"].append(row["previous_quota_kg"])
        english["quota_changed_on"].append(changed)
    return spanish, english
