"""quota: acquisitions in a calendar year beyond the operator's licensed annual quota."""

from __future__ import annotations

import calendar
from datetime import date

import pandas as pd

from app.detection.base.common import (
    MAX_EVIDENCE,
    capped_note,
    evidence_ids,
    group_counts,
    kg,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.base.summary import format_kg
from app.detection.findings import Finding
from lexicon.movements import INFLOWS
from lexicon.severities import SEVERITIES

KEYS = ["licence_no", "substance_code", "year"]

PARAMS = {
    "share": Param("number", 1.0, "share of the quota acquisitions may reach (1.0 = the quota)",
                   "ratio", minimum=0),
    "pace_warning_share": Param(
        "number", 0.8, "before the year ends, warn once acquisitions reach this share of the "
        "quota and the pace would pass it by December; null switches warnings off",
        "ratio", minimum=0, nullable=True),
    "min_months": Param("integer", 3, "months of the year declared before a pace warning",
                        "months", minimum=1, maximum=12),
    "pace_severity": Param("choice", "medium", "severity of pace warnings",
                           choices=SEVERITIES),
    "movements": Param("choices", INFLOWS, "movements counted as acquisitions", choices=INFLOWS),
    "net_production": Param(
        "boolean", True, "count production less the same year's consumption of the substance: "
        "a formulator that turns its toluene into thinner declares both, and acquires nothing "
        "new by it"),
}
SITUATIONS = {
    "exceeded": "{operator} acquired {observed_kg} kg of {substance} in {year}, "
                "quota {expected_kg} kg ({ratio_pct})",
    "pace": "{operator} acquired {observed_kg} kg of {substance} in {year} up to {declared_to} "
            "({ratio_pct} of its {expected_kg} kg quota) and is on pace for {projected_kg} kg",
}
FIELDS = {
    "declared_to": "last month declared in the year (pace warnings)",
    "projected_kg": "acquisitions projected to the end of the year at the pace so far",
    "months": "number of months of the year declared",
}


def evaluate(ctx: Context) -> list[Finding]:
    """Compare each operator's acquisitions per substance and year with its quota."""
    lines = ctx.data.lines
    # Only the columns read below (a copy of every column took 220 MB more).
    acquired = lines.loc[lines["movement"].isin(ctx.params["movements"]).to_numpy(),
                         ["line_id", "licence_no", "substance_code", "movement", "period",
                          "quantity_kg"]]
    if acquired.empty:
        return []
    acquired = acquired.assign(year=acquired["period"].dt.year)
    totals = acquired.groupby(KEYS, sort=False)["quantity_kg"].sum()
    reformulated = _reformulated(ctx, lines, acquired)
    totals = (totals - reformulated.reindex(totals.index, fill_value=0.0).to_numpy()).reset_index()
    book = ctx.data.licences
    totals["quota"] = [
        book.quota(lic, sub, int(year)) for lic, sub, year in
        totals[KEYS].itertuples(index=False, name=None)
    ]
    totals = totals[totals["quota"].notna()].copy()
    if totals.empty:
        return []
    totals["quota"] = totals["quota"].astype(float)
    totals = totals.merge(_months_declared(ctx), on=["licence_no", "year"], how="left")
    totals["months"] = totals["months"].fillna(0).astype(int)
    flagged = _flag(totals, ctx)
    if flagged.empty:
        return []
    rows = acquired.merge(flagged[KEYS], on=KEYS)
    ids = evidence_ids(rows, KEYS, "line_id", weight="quantity_kg")
    counts = group_counts(rows, KEYS)
    by_movement = rows.groupby([*KEYS, "movement"], sort=False)["quantity_kg"].sum().to_dict()
    by_movement.update({(*key, "reformulated"): q for key, q in reformulated.items()})
    return [_finding(ctx, row, ids, counts, by_movement) for row in flagged.itertuples()]


def _reformulated(ctx: Context, lines: pd.DataFrame, acquired: pd.DataFrame) -> pd.Series:
    """Return, per operator, substance and year, production that only reworks consumed stock."""
    if not ctx.params["net_production"] or "production" not in ctx.params["movements"]:
        return pd.Series(dtype=float)
    produced = acquired[acquired["movement"] == "production"]
    used = lines.loc[((lines["movement"] == "consumption")
                      & lines["licence_no"].isin(produced["licence_no"].unique())).to_numpy(),
                     ["licence_no", "substance_code", "period", "quantity_kg"]]
    used = used.assign(year=used["period"].dt.year).groupby(KEYS)["quantity_kg"].sum()
    produced = produced.groupby(KEYS)["quantity_kg"].sum()
    offset = produced.clip(upper=used.reindex(produced.index, fill_value=0.0))
    return offset[offset > 0]


def _months_declared(ctx: Context) -> pd.DataFrame:
    """Return, per operator and year, the last month it declared (any substance)."""
    periods = ctx.declared_periods()
    periods = periods.assign(year=periods["period"].dt.year, months=periods["period"].dt.month)
    return periods.groupby(["licence_no", "year"], sort=False)["months"].max().reset_index()


def _flag(totals: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Mark groups beyond the quota, or on pace to pass it, with their situation."""
    params = ctx.params
    limit = totals["quota"] * params["share"]
    exceeded = totals["quantity_kg"] > limit
    totals["situation"] = pd.Series("exceeded", index=totals.index).where(exceeded, "")
    warning_share = params["pace_warning_share"]
    if warning_share is not None:
        as_of = ctx.data.as_of
        year_open = (totals["year"] > as_of.year) | (
            (totals["year"] == as_of.year) & (as_of < date(as_of.year, 12, 31))
        )
        months = totals["months"].clip(lower=1)
        totals["projected"] = totals["quantity_kg"] * 12 / months
        pace = (
            ~exceeded & year_open & (totals["months"] < 12)
            & (totals["months"] >= params["min_months"])
            & (totals["quantity_kg"] >= totals["quota"] * warning_share)
            & (totals["projected"] > limit)
        )
        totals.loc[pace, "situation"] = "pace"
    return totals[totals["situation"] != ""]


def _finding(ctx: Context, row, ids, counts, by_movement) -> Finding:
    """Turn one flagged (operator, substance, year) into a finding."""
    key = (row.licence_no, row.substance_code, row.year)
    year = int(row.year)
    who = ctx.names.who(row.licence_no)
    name = ctx.names.substance.get(row.substance_code, row.substance_code)
    parts = {m: by_movement.get((*key, m), 0.0) for m in ctx.params["movements"]}
    reworked = by_movement.get((*key, "reformulated"), 0.0)
    less = (f", less {kg(reworked)} of production made from its own consumption"
            if reworked else "")
    share = ctx.params["share"]
    trace = [
        f"{who} ({row.licence_no}) holds a quota of {kg(row.quota)} of {name} for {year}.",
        f"It declared acquisitions of {kg(row.quantity_kg)} in {year}: "
        + ", ".join(f"{m} {kg(q)}" for m, q in parts.items()) + less
        + f" ({counts[key]:,} lines).",
    ]
    if reworked:
        parts["reformulated"] = reworked
    measures = {"quota_kg": row.quota, "share": share, "months_declared": row.months,
                **{f"{m}_kg": q for m, q in parts.items()}}
    fields = {"months": str(row.months)}
    severity = None
    if row.situation == "exceeded":
        trace.append(f"That passes {share:.0%} of the quota ({kg(row.quota * share)}).")
    else:
        month = calendar.month_name[row.months]
        trace.append(
            f"Up to {month} ({row.months} months declared) that is "
            f"{row.quantity_kg / row.quota:.0%} of the quota; at the same pace the year ends at "
            f"{kg(row.projected)}, beyond {share:.0%} of the quota."
        )
        measures["projected_kg"] = row.projected
        fields.update(declared_to=month, projected_kg=format_kg(row.projected))
        severity = ctx.params["pace_severity"]
    trace += capped_note(counts[key], MAX_EVIDENCE)
    return ctx.finding(
        situation=row.situation, licence_no=row.licence_no, substance_code=row.substance_code,
        start=date(year, 1, 1), end=date(year, 12, 31), observed=row.quantity_kg,
        expected=row.quota, evidence={"declaration_line": ids[key]}, trace=trace,
        measures=measures, fields=fields, severity=severity,
    )


KIND = Kind(
    name="quota",
    title="Acquisitions beyond the annual quota",
    help="An operator's purchases, imports and production of a substance in a calendar year "
         "pass its licensed annual quota, or are on pace to pass it before December.",
    params=PARAMS,
    situations=SITUATIONS,
    fields=FIELDS,
    evaluate=evaluate,
)
