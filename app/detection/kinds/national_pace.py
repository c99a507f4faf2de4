"""national_pace: the country's acquisitions of a substance running ahead of its baseline.

National acquisitions are what enters the national economy: declared imports plus
production, less exports. Domestic purchases and sales are left out on purpose: the same
kilogram is bought and sold again along a supply chain, and adding purchases would count
it once per trader.
"""

from __future__ import annotations

import calendar
from datetime import date

import pandas as pd

from app.detection.base.common import MAX_EVIDENCE, capped_note, evidence_ids, kg
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.base.summary import format_kg
from app.detection.findings import Finding
from lexicon.movements import NATIONAL_ENTRIES


def evaluate(ctx: Context) -> list[Finding]:
    """Compare national acquisitions year to date with the pro-rata baseline."""
    params = ctx.params
    lines = ctx.data.lines
    as_of = pd.Timestamp(ctx.data.as_of)
    counted = lines[lines["movement"].isin(NATIONAL_ENTRIES)
                    | ((lines["movement"] == "export") & params["subtract_exports"])]
    counted = counted[counted["period"] <= as_of]
    if counted.empty:
        return []
    sign = counted["movement"].map({"export": -1.0}).fillna(1.0)
    counted = counted.assign(year=counted["period"].dt.year, signed=counted["quantity_kg"] * sign)
    months = _months_covered(lines, as_of)
    totals = counted.groupby(["substance_code", "year"], sort=False)["signed"].sum()
    baselines = _baselines(ctx.data.baselines)
    findings = []
    for (substance, year), observed in totals.items():
        covered = months.get(int(year), 0)
        if covered < params["min_months"]:
            continue
        baseline = _baseline_for(substance, int(year), baselines, totals, months, params)
        if baseline is None:
            continue
        quantity, source = baseline
        expected = quantity * covered / 12
        if observed > expected * params["share"]:
            findings.append((substance, int(year), observed, expected, quantity, source, covered))
    if not findings:
        return []
    flagged = pd.DataFrame([f[:2] for f in findings], columns=["substance_code", "year"])
    rows = counted.merge(flagged, on=["substance_code", "year"])
    rows = rows[rows["movement"] != "export"]
    ids = evidence_ids(rows, ["substance_code", "year"], "line_id", weight="quantity_kg")
    counts = rows.groupby(["substance_code", "year"]).size().to_dict()
    return [_finding(ctx, *f, ids, counts) for f in findings]


def _months_covered(lines: pd.DataFrame, as_of: pd.Timestamp) -> dict[int, int]:
    """Return, per year, the last month any operator declared (up to the run date)."""
    periods = lines.loc[lines["period"] <= as_of, "period"]
    if periods.empty:
        return {}
    latest = periods.groupby(periods.dt.year).max()
    return {int(year): int(p.month) for year, p in latest.items()}


def _baselines(frame: pd.DataFrame) -> dict[tuple[str, int], tuple[float, str]]:
    """Return baselines keyed by (substance, year), with their source in words."""
    result = {}
    for row in frame.itertuples(index=False):
        source = row.source if isinstance(row.source, str) and row.source else "national baseline"
        result[(row.substance_code, int(row.year))] = (float(row.quantity_kg), source)
    return result


def _baseline_for(substance, year, baselines, totals, months, params):
    """Return (kg, source) for a year: the baseline, or an estimate from complete past years."""
    if (substance, year) in baselines:
        return baselines[(substance, year)]
    past = [y for y in range(year - 1, year - 1 - params["history_years"], -1)
            if months.get(y) == 12 and (substance, y) in totals.index]
    if not past:
        return None
    average = sum(float(totals[(substance, y)]) for y in past) / len(past)
    estimate = average * (1 + params["estimate_margin_pct"] / 100)
    span = f"{min(past)}–{max(past)}" if len(past) > 1 else str(past[0])
    return estimate, f"estimated from {span}"


def _finding(ctx, substance, year, observed, expected, baseline, source, covered, ids,
             counts) -> Finding:
    """Build the national finding of one substance and year."""
    name = ctx.names.substance.get(substance, substance)
    month = calendar.month_name[covered]
    key = (substance, year)
    exports = "less exports " if ctx.params["subtract_exports"] else ""
    trace = [
        f"National acquisitions of {name} (imports plus production {exports}declared by every "
        f"operator) reached {kg(observed)} from January to {month} {year}.",
        f"The baseline for {year} is {kg(baseline)} ({source}); pro rata for {covered} months "
        f"that is {kg(expected)}.",
        *capped_note(counts.get(key, 0), MAX_EVIDENCE),
    ]
    return ctx.finding(
        situation="ahead", substance_code=substance, who="the country",
        start=date(year, 1, 1), end=date(year, 12, 31), observed=observed, expected=expected,
        evidence={"declaration_line": ids.get(key, ())}, trace=trace,
        measures={"baseline_kg": baseline, "baseline_source": source, "months": covered,
                  "estimated": "yes" if source.startswith("estimated") else "no"},
        fields={"declared_to": month, "baseline_kg": format_kg(baseline),
                "baseline_source": source},
    )


KIND = Kind(
    name="national_pace",
    title="National acquisitions ahead of the baseline",
    help="The country's imports plus production (less exports) of a substance, year to date, "
         "against the national legitimate-need baseline pro rata; without a baseline for the "
         "year, an estimate from the national figures of earlier complete years.",
    params={
        "share": Param("number", 1.0, "share of the pro-rata baseline national acquisitions may "
                       "reach (1.1 = 10% over)", "ratio", minimum=0),
        "min_months": Param("integer", 3, "months of the year declared before the rule looks",
                            "months", minimum=1, maximum=12),
        "subtract_exports": Param("boolean", True, "count exports as leaving the country"),
        "history_years": Param("integer", 2, "complete earlier years averaged when a year has no "
                               "baseline", "years", minimum=1),
        "estimate_margin_pct": Param("number", 10.0, "growth allowed over the average of earlier "
                                     "years when estimating a baseline", "%", minimum=0),
    },
    situations={"ahead": "National acquisitions of {substance} reached {observed_kg} kg in "
                         "{year} up to {declared_to}, against {expected_kg} kg pro rata of a "
                         "baseline of {baseline_kg} kg ({ratio_pct}; {baseline_source})"},
    fields={"declared_to": "last month declared", "baseline_kg": "the yearly baseline",
            "baseline_source": "where the baseline comes from, or 'estimated from 2023–2024'"},
    evaluate=evaluate,
    scope_keys=("substances", "tables"),
)
