"""new_operator: large or fast-growing acquisitions soon after an operator's licence starts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.detection.base.common import kg
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.base.summary import month_end
from app.detection.findings import Finding
from app.detection.statistics.common import (
    STAT_FIELDS,
    format_p,
    month_span,
    stat_fields,
    stat_measures,
)
from app.detection.statistics.groups import assign_groups, describe_operators
from app.detection.statistics.panel import (
    Panel,
    build_panel,
    month_date,
    month_index,
    window_evidence,
)
from app.detection.statistics.significance import (
    MAD_SCALE,
    adjusted,
    benjamini_hochberg,
    fdr_param,
    upper_p,
)
from lexicon.movements import INFLOWS

PEERS_LISTED = 10

PARAMS = {
    "movements": Param("choices", INFLOWS, "movements counted as acquisitions", choices=INFLOWS),
    "new_months": Param("integer", 12, "months after the licence starts during which an "
                        "operator counts as new", "months", minimum=1, maximum=36),
    "min_months": Param("integer", 2, "declared months a new operator needs before it is "
                        "tested", "months", minimum=1),
    "established_months": Param("integer", 6, "declared months an operator needs to count "
                                "as an established peer", "months", minimum=1),
    "min_group": Param("integer", 5, "established peers needed: sector group, else activity "
                       "group, else no test", "operators", minimum=3),
    "min_ratio": Param("number", 3.0, "report only new operators acquiring at least this many "
                       "times the peers' median month", "ratio", minimum=1),
    "min_spread": Param("number", 0.5, "smallest spread of the peers on the log scale",
                        "log", minimum=0.01),
    "fdr": fdr_param(0.05),
    "takeover_days": Param("integer", 90, "a new licensee whose licence starts within this many "
                           "days of the end of the licence of an established operator of the "
                           "same sector, activities and substance (whose acquisitions stop "
                           "when the newcomer's begin) took over that business: it is compared "
                           "with the business's own history, not with peers; 0 turns this off",
                           "days", minimum=0, maximum=365),
}
SITUATIONS = {
    "large_start": "{operator}, licensed since {licensed_from}, acquired {observed_kg} kg of "
                   "{substance} a month on average in {window}, {ratio_pct} of the median "
                   "month of {compared_with} (z {z}, p {p_value})",
}
FIELDS = {**STAT_FIELDS, "licensed_from": "first day of the operator's earliest licence",
          "growth": "last declared month as a multiple of the first, e.g. 2.3"}


def evaluate(ctx: Context) -> list[Finding]:
    """Compare new operators' first months with the usual month of established peers."""
    params = ctx.params
    panel = build_panel(ctx.data, tuple(params["movements"]))
    if panel.values.size == 0:
        return []
    starts = _licence_starts(ctx)
    pairs = describe_operators(panel.pairs, ctx.data.operators)
    start_month = pd.Series(pairs["licence_no"].map(starts))
    begins = np.full(len(pairs), -1, dtype=np.int64)
    has = start_month.notna().to_numpy()
    begins[has] = month_index(pd.to_datetime(start_month[has])) - panel.first
    known = np.isfinite(panel.values)
    new = has & (begins >= 0)
    established = ~new & (known.sum(axis=1) >= params["established_months"])
    pairs = assign_groups(pairs, established, params["min_group"])
    filled = np.where(known, panel.values, 0.0)
    cum_total = np.concatenate([np.zeros((len(pairs), 1)), np.cumsum(filled, axis=1)], axis=1)
    cum_known = np.concatenate([np.zeros((len(pairs), 1)), np.cumsum(known, axis=1)], axis=1)
    candidates = np.flatnonzero(new & (pairs["group"] != "").to_numpy())
    first = begins[candidates]
    last = np.minimum(panel.months - 1, first + params["new_months"] - 1)
    count = cum_known[candidates, last + 1] - cum_known[candidates, first]
    total = cum_total[candidates, last + 1] - cum_total[candidates, first]
    level = np.divide(total, count, out=np.zeros(len(candidates)), where=count > 0)
    keep = (count >= params["min_months"]) & (level > 0)
    tests = pd.DataFrame({"pair": candidates[keep], "first": first[keep], "last": last[keep],
                          "months": count[keep].astype(int), "level": level[keep]})
    # Peers' average month over all they declared: steadier than a few months of lots.
    average = np.divide(cum_total[:, -1], cum_known[:, -1], out=np.zeros(len(pairs)),
                        where=cum_known[:, -1] > 0)
    # A newcomer that took over an established business at its size is not new trade.
    tests = _without_takeovers(ctx, panel, pairs, starts, tests, established, average)
    if tests.empty:
        return []
    reference = established & (average > 0)
    # A newcomer in an activity group is compared with the whole activity group.
    sector = pairs["group_kind"].to_numpy()[tests["pair"]] == "sector"
    for column in ("centre", "spread", "n", "label"):
        tests[column] = None
    for tier, chosen in (("fine", sector), ("broad", ~sector)):
        stats = _peer_stats(pairs[tier].to_numpy(), average, reference)
        labels = pairs[tier].to_numpy()[tests["pair"][chosen]]
        matched = stats.reindex(labels)
        tests.loc[chosen, ["centre", "spread", "n"]] = matched[
            ["centre", "spread", "n"]].to_numpy()
        tests.loc[chosen, "label"] = labels
    tests = tests[tests["n"].fillna(0).astype(int) >= params["min_group"]].copy()
    if tests.empty:
        return []
    tests["n"] = tests["n"].astype(int)
    tests["spread"] = np.maximum(tests["spread"].astype(float).fillna(0), params["min_spread"])
    tests["centre"] = tests["centre"].astype(float)
    tests["z"] = (np.log(tests["level"]) - tests["centre"]) / tests["spread"]
    tests["expected"] = np.exp(tests["centre"])
    tests["p"] = upper_p(tests["z"].to_numpy(), tests["n"].to_numpy())
    tests["q"] = adjusted(tests["p"].to_numpy())
    found = benjamini_hochberg(tests["p"].to_numpy(), params["fdr"])
    practical = tests["level"] >= params["min_ratio"] * tests["expected"]
    hits = tests[found & practical.to_numpy()]
    peers = {"average": average, "reference": reference}
    return [_finding(ctx, panel, pairs, starts, row, len(tests), peers)
            for row in hits.itertuples()]


def _peer_stats(labels: np.ndarray, average: np.ndarray, reference: np.ndarray) -> pd.DataFrame:
    """Return per group label the median and robust spread of log average months, and size."""
    logs = pd.Series(np.log(average[reference]), index=labels[reference])
    by = logs.groupby(level=0)
    centre = by.median()
    deviation = (logs - centre.reindex(logs.index).to_numpy()).abs()
    spread = MAD_SCALE * deviation.groupby(level=0).median()
    return pd.DataFrame({"centre": centre, "spread": spread, "n": by.size()})


def _without_takeovers(ctx: Context, panel: Panel, pairs: pd.DataFrame, starts: dict,
                       tests: pd.DataFrame, established: np.ndarray,
                       average: np.ndarray) -> pd.DataFrame:
    """Drop newcomers that took over an established business and trade at its size.

    A takeover (a business passing to a new legal entity) shows in the registry and the
    declarations as one established operator of the same sector, activities and substance
    whose licence ends within `takeover_days` of the newcomer's start and whose
    acquisitions stop when the newcomer's begin. When exactly one such predecessor exists
    (in the same region if several), the newcomer is measured against the predecessor's
    own average month: under `min_ratio` times it, it continues that business and is not
    tested; above, it is tested against its peers as any newcomer.
    """
    days = ctx.params["takeover_days"]
    if days == 0 or tests.empty:
        return tests
    ends = _licence_ends(ctx)
    known = np.isfinite(panel.values)
    last_known = np.where(known.any(axis=1),
                          panel.months - 1 - np.argmax(known[:, ::-1], axis=1), -1)
    regions = ctx.data.operators.drop_duplicates("licence_no").set_index("licence_no")
    region = pairs["licence_no"].map(regions.get("region", {}))
    fine = pairs["fine"].to_numpy()
    licences = pairs["licence_no"].to_numpy()
    by_group: dict[str, list[int]] = {}
    for index in np.flatnonzero(established & (average > 0)):
        by_group.setdefault(fine[index], []).append(int(index))
    window = pd.Timedelta(days=days)
    drop = []
    for row in tests.itertuples():
        start = pd.Timestamp(starts[licences[row.pair]])
        found = [q for q in by_group.get(fine[row.pair], ())
                 if licences[q] != licences[row.pair] and licences[q] in ends
                 and abs(pd.Timestamp(ends[licences[q]]) - start) <= window
                 and row.first - 3 <= last_known[q] <= row.first + 1]
        if len(found) > 1:
            found = [q for q in found if region.iat[q] == region.iat[row.pair]]
        if len(found) == 1 and row.level < ctx.params["min_ratio"] * average[found[0]]:
            drop.append(row.Index)
    return tests.drop(index=drop)


def _licence_ends(ctx: Context) -> dict[str, object]:
    """Return each licence number's latest valid_to across its licence lines."""
    ends: dict[str, object] = {}
    for state in ctx.data.licences.states():
        known = ends.get(state.licence_no)
        if known is None or state.valid_to > known:
            ends[state.licence_no] = state.valid_to
    return ends


def _licence_starts(ctx: Context) -> dict[str, object]:
    """Return each licence number's earliest valid_from across its licence lines."""
    starts: dict[str, object] = {}
    for state in ctx.data.licences.states():
        known = starts.get(state.licence_no)
        if known is None or state.valid_from < known:
            starts[state.licence_no] = state.valid_from
    return starts


def _finding(ctx: Context, panel: Panel, pairs: pd.DataFrame, starts, row,
             tests: int, peers: dict) -> Finding:
    """Describe one new operator acquiring far more than its established peers."""
    params = ctx.params
    info = pairs.iloc[int(row.pair)]
    start, end = panel.label(row.first), panel.label(row.last)
    months = panel.values[int(row.pair), row.first:row.last + 1]
    declared = months[np.isfinite(months)]
    growth = float(declared[-1] / declared[0]) if declared[0] > 0 else float("nan")
    who = ctx.names.who(info.licence_no)
    what = ctx.names.substance.get(info.substance_code, info.substance_code)
    tier = "fine" if info.group_kind == "sector" else "broad"
    members = np.flatnonzero(peers["reference"] & (pairs[tier].to_numpy() == row.label))
    levels = peers["average"][members]
    order = np.argsort(-levels)[:PEERS_LISTED]
    listed = ", ".join(f"{pairs['licence_no'].iat[int(members[i])]} ({kg(levels[i])})"
                       for i in order)
    licensed = starts[info.licence_no]
    compared = f"its {len(members)} established peers ({row.label})"
    trace = [
        f"{who} ({info.licence_no}) holds a licence since {licensed.isoformat()}; in its first "
        f"{int(row.months)} declared months ({month_span(start, end)}) it acquired "
        f"{kg(float(np.nansum(months)))} of {what}, {kg(row.level)} a month on average.",
        "Month by month: " + ", ".join(kg(v) for v in declared) + "."
        + (f" The last month is {growth:.1f} × the first." if np.isfinite(growth) else ""),
        f"Established peers ({info.group_kind} group {info.group}) acquire a median of "
        f"{kg(row.expected)} in an average month over all months they declared (robust "
        f"spread {row.spread:.2f} on the log scale): {listed}.",
        f"Robust z = {row.z:.1f}, one-sided p = {format_p(row.p)} (Student t, {row.n - 1} "
        f"df); Benjamini–Hochberg q = {format_p(row.q)} over {tests} new operators tested, "
        f"below the rule's false discovery rate {params['fdr']}.",
    ]
    # The window is the whole "new" period, so the finding keeps one identity as months come.
    window_end = month_end(month_date(panel.first + int(row.first) + params["new_months"] - 1))
    ids = window_evidence(panel, int(row.pair), int(row.first), int(row.last))
    fields = stat_fields(row.z, row.p, compared)
    fields.update(licensed_from=licensed.isoformat(),
                  growth=f"{growth:.1f}" if np.isfinite(growth) else "n/a")
    return ctx.finding(
        situation="large_start", licence_no=info.licence_no,
        substance_code=info.substance_code, start=start, end=window_end,
        observed=row.level, expected=row.expected, evidence={"declaration_line": ids},
        trace=trace,
        measures=stat_measures(
            p=row.p, z=row.z, q=row.q, expected=row.expected, spread=row.spread,
            group=info.group, tests=tests, group_size=int(row.n),
            months_declared=int(row.months), growth=growth if np.isfinite(growth) else None),
        fields=fields,
    )


KIND = Kind(
    name="new_operator",
    title="A new operator acquiring far more than established peers",
    help="In the first months after an operator's licence starts, its average monthly "
         "acquisitions of a substance against the average month of established operators of "
         "the same sector and activities.",
    params=PARAMS,
    situations=SITUATIONS,
    fields=FIELDS,
    evaluate=evaluate,
)
