"""Customs against registry and declarations: unregistered_trader, customs_reconciliation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.detection.findings import Finding
from app.detection.rules.context import Context
from app.detection.rules.kinds.common import (
    MAX_EVIDENCE,
    as_date,
    capped_note,
    evidence_ids,
    exceeds,
    group_counts,
    kg,
    period_end,
    period_param,
    period_start,
    tolerance_params,
)
from app.detection.rules.params import Kind, Param

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
        ))
    return findings


def evaluate_reconciliation(ctx: Context) -> list[Finding]:
    """Compare what customs recorded with what the same trader declared, per period."""
    params = ctx.params
    flow, period = params["flow"], params["period"]
    key_of = {lic: key for key, lics in ctx.names.licences_by_tax_key.items() for lic in lics}
    customs = ctx.data.customs
    items = customs[(customs["flow"] == flow) & customs["substance_code"].notna()
                    & customs["tax_id_key"].isin(registered_keys(ctx))]
    concentration = items["substance_code"].map(params["concentrations"]).astype(float)
    items = items.assign(
        window=period_start(items["date"], period),
        pure_kg=items["net_mass_kg"] * concentration.fillna(params["concentration_pct"]) / 100,
    )
    lines = ctx.data.lines
    declared = lines[lines["movement"] == flow]
    declared = declared.assign(tax_id_key=declared["licence_no"].map(key_of),
                               window=period_start(declared["period"], period))
    declared = declared[declared["tax_id_key"].notna()]
    both = pd.merge(
        declared.groupby(TRADER_KEYS, sort=False)["quantity_kg"].sum().rename("declared"),
        items.groupby(TRADER_KEYS, sort=False).agg(customs=("pure_kg", "sum"),
                                                    net=("net_mass_kg", "sum")),
        left_index=True, right_index=True, how="outer",
    ).fillna(0.0).reset_index()
    both = _read_as_salts(ctx, both)
    both["difference"] = both["declared"] - both["customs"]
    flagged = both[exceeds(both["difference"], both["declared"], both["customs"],
                           params["tolerance_kg"], params["tolerance_pct"])]
    if flagged.empty:
        return []
    picked = flagged[TRADER_KEYS]
    items = items.merge(picked, on=TRADER_KEYS)
    declared = declared.merge(picked, on=TRADER_KEYS)
    item_ids = evidence_ids(items, TRADER_KEYS, "item_id", weight="net_mass_kg")
    line_ids = evidence_ids(declared, TRADER_KEYS, "line_id", weight="quantity_kg")
    item_counts = group_counts(items, TRADER_KEYS)
    line_counts = group_counts(declared, TRADER_KEYS)
    return [
        _reconciliation_finding(ctx, row, item_ids, line_ids, item_counts, line_counts)
        for row in flagged.itertuples()
    ]


def _read_as_salts(ctx: Context, both: pd.DataFrame) -> pd.DataFrame:
    """Read customs mass as a salt of the substance where that reconciles the figures better.

    Ephedrines and other bases travel as salts under the same tariff code, so customs net mass
    may be the hydrochloride's while declarations count the base.
    """
    both = both.assign(reading="")
    for substance in ctx.data.catalogue:
        rows = both.index[both["substance_code"] == substance.code]
        for form in substance.forms if len(rows) else ():
            as_salt = both.loc[rows, "net"] * form.base_fraction
            gap = (both.loc[rows, "declared"] - both.loc[rows, "customs"]).abs()
            better = rows[((both.loc[rows, "declared"] - as_salt).abs() < gap).to_numpy()]
            both.loc[better, "customs"] = as_salt[better]
            both.loc[better, "reading"] = form.name
    return both


def _reconciliation_finding(ctx, row, item_ids, line_ids, item_counts, line_counts) -> Finding:
    """Turn one trader's unreconciled period into a finding."""
    params = ctx.params
    flow, period = params["flow"], params["period"]
    key = (row.tax_id_key, row.substance_code, row.window)
    licences = ctx.names.licences_by_tax_key[row.tax_id_key]
    licence_no = licences[0]
    who = ctx.names.who(licence_no)
    start = as_date(row.window)
    n_items, n_lines = item_counts.get(key, 0), line_counts.get(key, 0)
    larger = max(abs(row.declared), abs(row.customs))
    share = abs(row.difference) / larger * 100 if larger else 0.0
    pct = params["concentrations"].get(row.substance_code, params["concentration_pct"])
    reading = (f"as {row.reading} (the reading closest to the declarations)" if row.reading
               else f"at {pct:g}%")
    trace = [
        f"Customs recorded {n_items:,} {flow} items of {kg(row.net)} net, counted as "
        f"{kg(row.customs)} of pure substance {reading}.",
        f"{who} declared {n_lines:,} {flow} lines totalling {kg(row.declared)}.",
        f"The difference, {kg(row.difference)} ({share:.0f}% of the larger figure), passes both "
        f"tolerances ({kg(params['tolerance_kg'])} and {params['tolerance_pct']:g}%).",
    ]
    if len(licences) > 1:
        trace.append(f"The tax id is shared by licences {', '.join(licences)}; their "
                     "declarations are added together.")
    trace += capped_note(n_items, MAX_EVIDENCE) + capped_note(n_lines, MAX_EVIDENCE)
    missing = "declarations" if row.declared == 0 else "customs" if row.customs == 0 else "none"
    return ctx.finding(
        situation="unreconciled", licence_no=licence_no, substance_code=row.substance_code,
        start=start, end=period_end(start, period), observed=row.declared,
        expected=row.customs,
        evidence={"customs_item": item_ids.get(key, ()), "declaration_line": line_ids.get(key, ())},
        trace=trace,
        measures={"customs_net_kg": row.net, "difference_kg": row.difference,
                  "difference_pct": float(np.round(share, 2)), "missing_in": missing,
                  "licences": ", ".join(licences)},
        fields={"flows": f"{flow}s"},
    )


UNREGISTERED = Kind(
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

RECONCILIATION = Kind(
    name="customs_reconciliation",
    title="Customs and declarations do not reconcile",
    help="Per trader, substance and period, the imports (or exports) customs recorded, counted "
         "as pure substance, against those the operator declared; both tolerances must be passed.",
    params={
        "flow": Param("choice", "import", "which flow to reconcile", choices=("import", "export")),
        "period": period_param("month", "customs and declarations are compared"),
        **tolerance_params(50.0, 10.0, "between customs and declarations"),
        "concentration_pct": Param(
            "number", 100.0, "customs net mass is product mass: the share of pure substance "
            "assumed in it", "%", minimum=0, maximum=100),
        "concentrations": Param(
            "pct_by_substance", {}, "typical concentration by substance CAS, where products are "
            "sold diluted (hydrochloric acid about 33%)", "%"),
    },
    situations={"unreconciled": "{operator} declared {observed_kg} kg of {substance} {flows} in "
                                "{window}; customs recorded {expected_kg} kg"},
    fields={"flows": "imports or exports"},
    evaluate=evaluate_reconciliation,
)
