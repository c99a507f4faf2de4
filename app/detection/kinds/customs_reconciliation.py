"""customs_reconciliation: customs items against the same trader's declared lines, over time.

Each customs item is matched with declared lines of the same trader and substance
(`app.detection.matching`): by the customs declaration number written in the declaration,
then by date (from `early_days` before to `lag_days` after the customs date: customs
accepts on the 27th, the goods enter stock on the 3rd), forgiving `tolerance_pct` of each
record. Customs weighs products, so an item is compared with the product the lines
declared; a trader and substance that reconcile better with customs read as pure
substance at the rule's typical concentration, or as a salt of the base, are read so.
What stays unmatched after the lag, in months the operator declared, is added up per
period and reported when it passes both tolerances.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.detection.base.common import (
    MAX_EVIDENCE,
    DeclaredMonths,
    as_date,
    capped_note,
    evidence_ids,
    group_counts,
    kg,
    period_end,
    period_param,
    period_start,
    tolerance_params,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.base.summary import format_kg
from app.detection.findings import Finding
from app.detection.matching import Window, reconcile
from app.detection.parties import document_key

TRADER_KEYS = ["tax_id_key", "substance_code", "window"]
GROUP = ["tax_id_key", "substance_code"]
FIGURES = ("declared", "declared_unmatched", "customs", "customs_unmatched", "net")


def evaluate(ctx: Context) -> list[Finding]:
    """Match customs items with the same trader's declared lines; report what stays alone."""
    params = ctx.params
    items, lines = _customs_side(ctx), _declared_side(ctx)
    if items.empty and lines.empty:
        return []
    window = Window(before_days=params["early_days"], after_days=params["lag_days"],
                    tolerance_pct=params["tolerance_pct"])
    items, lines = _best_reading(ctx, items, lines, window)
    items, lines = _judged(ctx, items, lines)
    period = params["period"]
    items = items.assign(window=period_start(items["date"], period))
    lines = lines.assign(window=period_start(lines["date"], period))
    both = _totals(items, lines)
    larger = np.maximum(both["declared"], both["customs"]).where(lambda v: v > 0, 1.0)
    flagged = both[(both["unmatched"] > params["tolerance_kg"])
                   & (both["unmatched"] / larger * 100 > params["tolerance_pct"])]
    if flagged.empty:
        return []
    items = items.merge(flagged[TRADER_KEYS], on=TRADER_KEYS)
    lines = lines.merge(flagged[TRADER_KEYS], on=TRADER_KEYS)
    evidence = {
        "customs_item": evidence_ids(items, TRADER_KEYS, "item_id", weight="unmatched_pure"),
        "declaration_line": evidence_ids(lines, TRADER_KEYS, "line_id", weight="unmatched_pure"),
    }
    counts = {"items": group_counts(items, TRADER_KEYS), "lines": group_counts(lines, TRADER_KEYS)}
    matched = {
        "items": {k: g for k, g in items.groupby(TRADER_KEYS, sort=False)},  # noqa: C416
        "lines": {k: g for k, g in lines.groupby(TRADER_KEYS, sort=False)},  # noqa: C416
    }
    return [_finding(ctx, row, evidence, counts, matched) for row in flagged.itertuples()]


def _customs_side(ctx: Context) -> pd.DataFrame:
    """Return the customs items of registered traders in the rule's flow."""
    customs = ctx.data.customs
    registered = set(ctx.names.licences_by_tax_key)
    items = customs[(customs["flow"] == ctx.params["flow"]) & customs["substance_code"].notna()
                    & customs["tax_id_key"].isin(registered)]
    return pd.DataFrame({
        "tax_id_key": items["tax_id_key"], "substance_code": items["substance_code"],
        "date": items["date"], "net": items["net_mass_kg"].astype(float),
        "doc_key": items["declaration_no"].map(document_key).fillna(""),
        "item_id": items["item_id"],
    })


def _declared_side(ctx: Context) -> pd.DataFrame:
    """Return the declared lines of the rule's flow, keyed by their operator's tax id."""
    key_of = {lic: key for key, lics in ctx.names.licences_by_tax_key.items() for lic in lics}
    lines = ctx.data.lines
    declared = lines[lines["movement"] == ctx.params["flow"]]
    declared = declared.assign(tax_id_key=declared["licence_no"].map(key_of))
    declared = declared[declared["tax_id_key"].notna()]
    return pd.DataFrame({
        "tax_id_key": declared["tax_id_key"], "substance_code": declared["substance_code"],
        "date": declared["date"], "pure": declared["quantity_kg"].astype(float),
        "product": declared["product_kg"].astype(float), "doc_key": declared["doc_key"],
        "line_id": declared["line_id"],
    })


def _readings(ctx: Context) -> dict[str, dict[str, float]]:
    """Return the other ways customs net mass may be read: the share of it that is base."""
    params = ctx.params
    typical = {s.code: params["concentrations"].get(s.code, params["concentration_pct"]) / 100
               for s in ctx.data.catalogue}
    readings = {"as pure substance at the rule's typical concentration": typical}
    for substance in ctx.data.catalogue:
        for form in substance.forms:
            readings.setdefault(f"as {form.name}", {})[substance.code] = form.base_fraction
    return readings


def _best_reading(ctx: Context, items: pd.DataFrame, lines: pd.DataFrame,
                  window: Window) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reconcile each trader and substance with the reading of customs that matches best."""
    # First reading: customs net mass against the products the lines declared; the items
    # count as pure substance at the concentration the trader declared for the substance.
    a, b = reconcile(items.assign(qty=items["net"]), lines.assign(qty=lines["product"]),
                     group=GROUP, window=window)
    a = a.assign(reading="", pure=a["qty"] * _declared_share(a, lines))
    best_a, best_b = a, b.assign(reading="")
    left = _unmatched(a, b)
    for name, shares in _readings(ctx).items():
        share = items["substance_code"].map(shares)
        if share.isna().all():
            continue
        read = items.assign(qty=items["net"] * share.fillna(1.0))[share.notna()]
        ra, rb = reconcile(read, lines.assign(qty=lines["pure"]), group=GROUP, window=window)
        other = _unmatched(ra, rb)
        other = other[other.index.isin(pd.MultiIndex.from_frame(read[GROUP]))]
        better = other.index[(other < left.reindex(other.index).fillna(np.inf) * 0.999)
                             .to_numpy()]
        if len(better):
            best_a = _replace(best_a, ra.assign(reading=name, pure=ra["qty"]), better)
            best_b = _replace(best_b, rb.assign(reading=name), better)
            left.loc[better] = other.loc[better]
    share = (best_b["pure"] / best_b["qty"].where(best_b["qty"] > 0)).fillna(1.0)
    return best_a, best_b.assign(unmatched_pure=best_b["unmatched_kg"] * share)


def _declared_share(items: pd.DataFrame, lines: pd.DataFrame) -> np.ndarray:
    """Return the share of pure substance in each item, as the trader declared its products."""
    sums = lines.groupby(GROUP)[["pure", "product"]].sum()
    share = (sums["pure"] / sums["product"].where(sums["product"] > 0)).rename("share")
    return items.join(share, on=GROUP)["share"].fillna(1.0).to_numpy()


def _unmatched(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    """Return the unmatched kg of both sides per trader and substance."""
    sides = [a.groupby(GROUP)["unmatched_kg"].sum(), b.groupby(GROUP)["unmatched_kg"].sum()]
    return pd.concat(sides, axis=1).fillna(0.0).sum(axis=1)


def _replace(base: pd.DataFrame, other: pd.DataFrame, chosen: pd.Index) -> pd.DataFrame:
    """Return base with the rows of the chosen groups taken from other."""
    take = pd.MultiIndex.from_frame(other[GROUP]).isin(chosen)
    keep = ~pd.MultiIndex.from_frame(base[GROUP]).isin(chosen)
    return pd.concat([base[keep], other[take]], ignore_index=True)


def _judged(ctx: Context, items: pd.DataFrame,
            lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count unmatched quantity only where it can be judged: lag passed, periods declared.

    An item counts once `lag_days` have passed and only if the trader declared every month
    the goods could have been entered in (an item in months it did not declare is left to
    the activity-without-declaration rule). A declared line counts only up to the last day
    the customs data reaches.
    """
    params = ctx.params
    as_of = pd.Timestamp(ctx.data.as_of)
    lag, early = pd.Timedelta(days=params["lag_days"]), pd.Timedelta(days=params["early_days"])
    share = (items["pure"] / items["qty"].where(items["qty"] > 0)).fillna(1.0)
    items = items.assign(unmatched_pure=items["unmatched_kg"] * share)
    licence_of = {key: lics[0] for key, lics in ctx.names.licences_by_tax_key.items()}
    months = DeclaredMonths(ctx.declared_periods())
    heard = months.covers(items["tax_id_key"].map(licence_of), items["date"] - early,
                          (items["date"] + lag).clip(upper=as_of))
    due = (items["date"] + lag <= as_of).to_numpy() & heard
    items.loc[~due, "unmatched_pure"] = 0.0
    dates = ctx.data.customs["date"]
    if len(dates):
        lines.loc[(lines["date"] + early > dates.max()).to_numpy(), "unmatched_pure"] = 0.0
    else:
        lines = lines.assign(unmatched_pure=0.0)
    return items, lines


def _totals(items: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Return per trader, substance and period: declared, customs and what stays unmatched."""
    both = pd.merge(
        lines.groupby(TRADER_KEYS, sort=False).agg(
            declared=("pure", "sum"), declared_unmatched=("unmatched_pure", "sum")),
        items.groupby(TRADER_KEYS, sort=False).agg(
            customs=("pure", "sum"), customs_unmatched=("unmatched_pure", "sum"),
            net=("net", "sum"), reading=("reading", "first")),
        left_index=True, right_index=True, how="outer",
    ).reset_index()
    both[list(FIGURES)] = both[list(FIGURES)].fillna(0.0)
    both["reading"] = both["reading"].fillna("")
    both["unmatched"] = both["declared_unmatched"] + both["customs_unmatched"]
    return both


def _finding(ctx: Context, row, evidence, counts, matched) -> Finding:
    """Turn one trader's unreconciled period into a finding."""
    params = ctx.params
    flow, period = params["flow"], params["period"]
    key = (row.tax_id_key, row.substance_code, row.window)
    licences = ctx.names.licences_by_tax_key[row.tax_id_key]
    licence_no = licences[0]
    who = ctx.names.who(licence_no)
    start = as_date(row.window)
    n_items, n_lines = counts["items"].get(key, 0), counts["lines"].get(key, 0)
    reading = row.reading or "against the products declared (customs weighs products)"
    trace = [
        f"Customs recorded {n_items:,} {flow} items of {kg(row.net)} net, counted as "
        f"{kg(row.customs)} of pure substance, compared {reading}.",
        f"{who} declared {n_lines:,} {flow} lines totalling {kg(row.declared)}.",
    ]
    if row.customs_unmatched > 0:
        trace.append(f"{kg(row.customs_unmatched)} of the customs items match no declared "
                     f"{flow} dated from {params['early_days']} days before to "
                     f"{params['lag_days']} days after them.")
    if row.declared_unmatched > 0:
        trace.append(f"{kg(row.declared_unmatched)} of the declared {flow}s match no customs "
                     "item in that window.")
    if len(licences) > 1:
        trace.append(f"The tax id is shared by licences {', '.join(licences)}; their "
                     "declarations are added together.")
    trace += capped_note(n_items, MAX_EVIDENCE) + capped_note(n_lines, MAX_EVIDENCE)
    missing = ("declarations" if row.declared == 0 else "customs" if row.customs == 0
               else "none")
    larger = max(abs(row.declared), abs(row.customs))
    share = row.unmatched / larger * 100 if larger else 0.0
    return ctx.finding(
        situation="unreconciled", licence_no=licence_no, substance_code=row.substance_code,
        start=start, end=period_end(start, period), observed=row.declared,
        expected=row.customs,
        evidence={"customs_item": evidence["customs_item"].get(key, ()),
                  "declaration_line": evidence["declaration_line"].get(key, ())},
        trace=trace,
        measures={"customs_net_kg": row.net, "difference_kg": row.declared - row.customs,
                  "unmatched_kg": row.unmatched, "customs_unmatched_kg": row.customs_unmatched,
                  "declared_unmatched_kg": row.declared_unmatched,
                  "difference_pct": float(np.round(share, 2)), "missing_in": missing,
                  "licences": ", ".join(licences)},
        fields={"flows": f"{flow}s", "unmatched_kg": format_kg(row.unmatched),
                "lag_days": str(params["lag_days"])},
        excluded=_excluded(ctx, [matched["items"].get(key), matched["lines"].get(key)]),
    )


def _excluded(ctx: Context, frames: list) -> list[tuple[str, str]]:
    """Say which innocent explanations were ruled out before reporting the difference."""
    params = ctx.params
    rows = pd.concat([f for f in frames if f is not None])
    how = rows["match_how"]
    widest = int(rows["lag_days"].max()) if len(rows) else 0
    ruled_out = [
        ("timing_lag", f"Declared lines dated from {params['early_days']} days before to "
                       f"{params['lag_days']} days after the customs date (acceptance against "
                       "entry into stock, month ends) were matched to it"
         + (f"; the widest gap matched was {widest} days." if (how == "window").any()
            else ".")),
        ("tolerance", f"Differences up to {params['tolerance_pct']:g}% of a record (rounding, "
                      "densities, concentration) were forgiven; customs was compared with the "
                      "products declared, or read as the salt or concentration that "
                      "reconciles best."),
        ("declared_periods", "Customs items in months the operator has not declared are left "
                             "to the activity-without-declaration rule."),
    ]
    by_document = int((how == "document").sum())
    if by_document:
        ruled_out.append(("documents", f"{by_document:,} records were matched by the customs "
                                       "declaration number written in the declaration."))
    if (how == "period").any():
        ruled_out.append(("monthly_totals", "Records left over were compared with the other "
                          "side's records of the same month."))
    return ruled_out


KIND = Kind(
    name="customs_reconciliation",
    title="Customs and declarations do not reconcile",
    help="Per trader and substance, each customs item matched with the operator's declared "
         "imports (or exports): by document, then within a lag of days; what stays unmatched "
         "after the lag, per period, must pass both tolerances.",
    params={
        "flow": Param("choice", "import", "which flow to reconcile", choices=("import", "export")),
        "period": period_param("month", "unmatched customs items and declared lines are added "
                               "up and reported"),
        "lag_days": Param("integer", 15, "days after the customs date the operator may date the "
                          "movement (entry into stock after acceptance)", "days", minimum=0,
                          maximum=120),
        "early_days": Param("integer", 5, "days before the customs date the operator may date "
                            "the movement", "days", minimum=0, maximum=120),
        **tolerance_params(50.0, 10.0, "between customs and declarations"),
        "concentration_pct": Param(
            "number", 100.0, "customs net mass is product mass: the share of pure substance "
            "assumed in it when the declarations do not reconcile as products", "%",
            minimum=0, maximum=100),
        "concentrations": Param(
            "pct_by_substance", {}, "typical concentration by substance CAS, where products are "
            "sold diluted (hydrochloric acid about 33%)", "%"),
    },
    situations={"unreconciled": "{operator} declared {observed_kg} kg of {substance} {flows} in "
                                "{window}; customs recorded {expected_kg} kg, and "
                                "{unmatched_kg} kg match nothing within {lag_days} days"},
    fields={"flows": "imports or exports",
            "unmatched_kg": "kg of customs items and declared lines left unmatched",
            "lag_days": "days allowed between customs and the declared date"},
    evaluate=evaluate,
)
