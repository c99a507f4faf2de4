"""unregistered_trader: controlled goods through customs by a tax id not in the registry."""

from __future__ import annotations

from app.detection.base.common import (
    MAX_EVIDENCE,
    as_date,
    capped_note,
    evidence_ids,
    kg,
    period_end,
    period_param,
    period_start,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.findings import Finding

FLOWS = ("import", "export", "transit")
FLOW_VERBS = {"import": "imported", "export": "exported", "transit": "moved in transit"}
TRADER_KEYS = ["tax_id_key", "substance_code", "window"]


def registered_keys(ctx: Context) -> set[str]:
    """Return the normalised tax ids of every registered operator."""
    return set(ctx.names.licences_by_tax_key)


def evaluate_unregistered(ctx: Context) -> list[Finding]:
    """Find customs items of controlled substances traded by a tax id not in the registry."""
    customs = ctx.data.customs
    items = customs[customs["substance_code"].notna() & customs["flow"].isin(ctx.params["flows"])]
    items = items[~items["tax_id_key"].isin(registered_keys(ctx))]
    if items.empty:
        return []
    period = ctx.params["period"]
    items = items.assign(window=period_start(items["date"], period))
    totals = items.groupby(TRADER_KEYS, sort=False).agg(
        net_mass_kg=("net_mass_kg", "sum"), items=("item_id", "size"),
        trader_name=("trader_name", "first"), trader_tax_id=("trader_tax_id", "first"),
        first=("date", "min"), last=("date", "max"),
    ).reset_index()
    totals = totals[totals["net_mass_kg"] >= ctx.params["min_kg"]]
    ids = evidence_ids(items, TRADER_KEYS, "item_id", weight="net_mass_kg")
    flows = items.groupby(TRADER_KEYS, sort=False)["flow"].unique().to_dict()
    findings = []
    for row in totals.itertuples():
        key = (row.tax_id_key, row.substance_code, row.window)
        start = as_date(row.window)
        name = row.trader_name if isinstance(row.trader_name, str) and row.trader_name else None
        verbs = " and ".join(FLOW_VERBS[f] for f in sorted(flows[key]))
        trace = [
            f"No registered operator has the tax id {row.trader_tax_id} "
            f"(compared as {row.tax_id_key}).",
            f"Customs shows {row.items:,} items of {ctx.names.substance.get(row.substance_code)} "
            f"({kg(row.net_mass_kg)} net) from {as_date(row.first).isoformat()} to "
            f"{as_date(row.last).isoformat()}, under controlled tariff codes.",
            *capped_note(row.items, MAX_EVIDENCE),
        ]
        findings.append(ctx.finding(
            situation="unregistered", tax_id=row.tax_id_key, substance_code=row.substance_code,
            who=name or f"tax id {row.trader_tax_id}", start=start, end=period_end(start, period),
            observed=row.net_mass_kg, expected=None, evidence={"customs_item": ids[key]},
            trace=trace, measures={"items": row.items, "trader_tax_id": str(row.trader_tax_id)},
            fields={"traded": verbs},
            excluded=[("tax_id_searched", "The tax id was also compared without words such as "
                                          "RUC or NIT, without leading zeros or its check digit, "
                                          "and with one typing slip where the trader's name "
                                          "names a registered operator: none matches.")],
        ))
    return findings


KIND = Kind(
    name="unregistered_trader",
    title="Controlled goods traded by an unregistered tax id",
    help="Customs items under a controlled tariff code whose importer or exporter is not a "
         "registered operator (tax ids compared without dots, dashes or spaces).",
    params={
        "flows": Param("choices", ("import", "export"), "customs flows looked at", choices=FLOWS),
        "period": period_param("year", "a trader's items are added up and reported"),
        "min_kg": Param("number", 0.0, "report a trader from this net mass per period up", "kg",
                        minimum=0),
    },
    situations={"unregistered": "{operator} (tax id {tax_id}), which is not in the registry, "
                                "{traded} {observed_kg} kg of {substance} in {window}"},
    fields={"traded": "what the trader did: imported, exported"},
    evaluate=evaluate_unregistered,
    scope_keys=("substances", "tables"),
)
