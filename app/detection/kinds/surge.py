"""surge: an operator's monthly acquisitions of a substance far above its own history."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from app.detection.base.common import kg
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.findings import Finding
from app.detection.statistics.common import (
    STAT_FIELDS,
    format_p,
    month_span,
    month_window,
    quota_raises,
    recent_raise,
    stat_fields,
    stat_measures,
)
from app.detection.statistics.groups import assign_groups, describe_operators, seasonal_index
from app.detection.statistics.panel import Panel, build_panel, window_evidence
from app.detection.statistics.significance import (
    adjusted,
    benjamini_hochberg,
    empirical_null,
    fdr_param,
    upper_p,
)
from lexicon.movements import INFLOWS

PARAMS = {
    "movements": Param("choices", INFLOWS, "movements counted as acquisitions", choices=INFLOWS),
    "history_months": Param("integer", 24, "months before the tested window that make the "
                            "operator's own history", "months", minimum=3, maximum=60),
    "min_history": Param("integer", 6, "declared months of history needed before an operator "
                         "is tested (newer ones are left to new_operator and peer)", "months",
                         minimum=3, maximum=60),
    "max_span": Param("integer", 3, "longest window tested, in months: each month alone and "
                      "together with the months before it, up to this many", "months",
                      minimum=1, maximum=6),
    "min_ratio": Param("number", 2.0, "report only windows at least this many times what was "
                       "expected (practical, not only statistical, significance)", "ratio",
                       minimum=1),
    "min_excess_kg": Param("number", 0.0, "report only windows at least this many kg above "
                           "what was expected", "kg", minimum=0),
    "min_active_months": Param("integer", 3, "months with acquisitions the history needs: "
                               "with fewer, a lot bought once or twice a year says nothing "
                               "about the next", "months", minimum=2),
    "min_spread": Param("number", 0.25, "smallest spread of a window, as a share of the usual "
                        "window (0.25: a very regular buyer must not alarm on a small rise)",
                        "ratio", minimum=0.01),
    "seasonal": Param("boolean", True, "adjust for the seasonal profile of the operator's "
                      "sector (or activity) group, and expect at least what it acquired in "
                      "the same months a year earlier"),
    "min_group": Param("integer", 5, "operators a sector or activity group needs before its "
                       "seasonal profile is used", "operators", minimum=2),
    "quota_raise_days": Param("integer", 90, "stay silent when the authority raised the "
                              "operator's quota for the substance up to this many days before "
                              "the window (an approved one-off order); null = never",
                              "days", minimum=0, nullable=True),
    "fdr": fdr_param(0.05),
}
SITUATIONS = {
    "surge": "{operator} acquired {observed_kg} kg of {substance} in {window}, {ratio_pct} of "
             "the {expected_kg} kg expected from {compared_with} (z {z}, p {p_value})",
}


def evaluate(ctx: Context) -> list[Finding]:
    """Test every operator × substance × month against the operator's own history."""
    params = ctx.params
    panel = build_panel(ctx.data, tuple(params["movements"]))
    if panel.values.size == 0:
        return []
    pairs = describe_operators(panel.pairs, ctx.data.operators)
    known = np.isfinite(panel.values).sum(axis=1)
    pairs = assign_groups(pairs, known >= params["min_history"], params["min_group"])
    season = (seasonal_index(panel, pairs["group"]) if params["seasonal"]
              else np.ones(panel.values.shape))
    tests = pd.concat([_tests(panel, season, span, params)
                       for span in range(1, params["max_span"] + 1)], ignore_index=True)
    if tests.empty:
        return []
    tests["z"] = tests["z"].astype(float)
    shift, scale = empirical_null(tests["z"].to_numpy())
    tests["p"] = np.minimum(1.0, upper_p((tests["z"] - shift) / scale, tests["df"] + 1)
                            * params["max_span"])
    tests["q"] = adjusted(tests["p"].to_numpy())
    found = benjamini_hochberg(tests["p"].to_numpy(), params["fdr"])
    practical = ((tests["observed"] >= params["min_ratio"] * tests["expected"])
                 & (tests["observed"] - tests["expected"] >= params["min_excess_kg"]))
    hits = tests[found & practical.to_numpy()]
    if hits.empty:
        return []
    best = _episodes(hits)
    raises = quota_raises(ctx.data.licences) if params["quota_raise_days"] is not None else {}
    findings = []
    for row in best.itertuples():
        finding = _finding(ctx, panel, pairs, season, row, len(tests), raises, scale)
        if finding is not None:
            findings.append(finding)
    return findings


def _tests(panel: Panel, season: np.ndarray, span: int, params) -> pd.DataFrame:
    """Score every window of `span` months against the pair's history (vectorised).

    The history is every window of the same length within the `history_months` months
    before the tested one, deseasonalised; the tested window is compared with their mean
    (or the same window a year earlier, if higher) in units of their standard deviation
    (a compound-Poisson fit by the method of moments: lots bought at random times).
    Windows of two or three months smooth out buying in lots (a drum every other month);
    degrees of freedom count independent windows with acquisitions, so an operator buying
    twice a year is judged cautiously.
    """
    values = panel.values
    n_pairs, n_months = values.shape
    history = params["history_months"]
    if n_months < span or history < 2 * span:
        return pd.DataFrame(columns=["pair", "end", "span", "z", "df"])
    deseasonalised = values / season
    level = _rolling_mean(deseasonalised, span) * span
    observed = _rolling_mean(values, span) * span
    season_mean = _rolling_mean(season, span)
    width = history - span + 1
    padded = np.concatenate([np.full((n_pairs, history), np.nan), level], axis=1)
    past = sliding_window_view(padded, width, axis=1)[:, :n_months, :]
    known = np.isfinite(past)
    count = known.sum(axis=2)
    mean = np.divide(np.where(known, past, 0.0).sum(axis=2), count,
                     out=np.zeros(count.shape), where=count > 0)
    square = np.where(known, (past - mean[..., None]) ** 2, 0.0).sum(axis=2)
    sd = np.sqrt(np.divide(square, count - 1, out=np.zeros(count.shape), where=count > 1))
    months, active = _history_months(values, history, span)
    centre = mean
    used_year = np.zeros(level.shape, dtype=bool)
    if params["seasonal"] and n_months > 12:
        earlier = np.concatenate([np.full((n_pairs, 12), np.nan), level[:, :-12]], axis=1)
        used_year = np.isfinite(earlier) & (earlier > centre)
        centre = np.where(used_year, earlier, centre)
    spread = np.maximum(sd, params["min_spread"] * mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (level - centre) / spread
    independent = np.minimum(active, np.maximum(months - span, months // span))
    enough = ((months >= params["min_history"]) & (active >= params["min_active_months"])
              & (independent >= 2) & (mean > 0) & np.isfinite(z) & np.isfinite(level))
    pair, end = np.nonzero(enough)
    return pd.DataFrame({
        "pair": pair, "end": end, "span": span, "z": z[pair, end],
        "observed": observed[pair, end], "expected": (centre * season_mean)[pair, end],
        "spread": (spread * season_mean)[pair, end],
        "history": months[pair, end],
        "active": active[pair, end], "df": independent[pair, end] - 1,
        "season": season_mean[pair, end], "used_year": used_year[pair, end],
    })


def _history_months(values: np.ndarray, history: int, span: int) -> tuple[np.ndarray, ...]:
    """Return, per window end, the declared months and months with acquisitions before it."""
    n_pairs = values.shape[0]
    zeros = np.zeros((n_pairs, 1))
    known = np.concatenate([zeros, np.cumsum(np.isfinite(values), axis=1)], axis=1)
    active = np.concatenate([zeros, np.cumsum(np.nan_to_num(values) > 0, axis=1)], axis=1)
    # History of the window ending at t: months t-span-history+1 .. t-span.
    ends = np.arange(values.shape[1]) - span + 1
    starts = np.clip(ends - history, 0, None)
    ends = np.clip(ends, 0, None)
    return ((known[:, ends] - known[:, starts]).astype(int),
            (active[:, ends] - active[:, starts]).astype(int))


def _rolling_mean(values: np.ndarray, span: int) -> np.ndarray:
    """Return the mean of each window of `span` columns ending at each column (NaN if partial)."""
    if span == 1:
        return values.astype(float)
    windows = sliding_window_view(values, span, axis=1).mean(axis=2)
    pad = np.full((values.shape[0], span - 1), np.nan)
    return np.concatenate([pad, windows], axis=1)


def _episodes(hits: pd.DataFrame) -> pd.DataFrame:
    """Keep the strongest window of each run of overlapping or adjacent significant windows."""
    hits = hits.assign(start=hits["end"] - hits["span"] + 1).sort_values(["pair", "start"])
    reach = hits.groupby("pair")["end"].cummax()
    previous = reach.groupby(hits["pair"]).shift()
    new = previous.isna() | (hits["start"] > previous + 1)
    hits = hits.assign(episode=new.cumsum())
    hits["others"] = hits.groupby("episode")["end"].transform("size") - 1
    return hits.sort_values(["p", "z"], ascending=[True, False]).drop_duplicates("episode")


def _finding(ctx: Context, panel: Panel, pairs: pd.DataFrame, season: np.ndarray, row,
             tests: int, raises, scale: float) -> Finding | None:
    """Describe one surge, or return None when a recent quota raise explains it."""
    params = ctx.params
    info = pairs.iloc[int(row.pair)]
    first_col = int(row.end) - int(row.span) + 1
    start, end = month_window(panel.label(first_col), int(row.span))
    lines = (info.licence_no, info.substance_code)
    if params["quota_raise_days"] is not None and lines in raises:
        raised = recent_raise(raises[lines], start, end, params["quota_raise_days"])
        if raised is not None:
            year_total = np.nansum(panel.values[int(row.pair)][
                [c for c in range(panel.months) if panel.label(c).year == start.year]])
            if year_total <= raised[1]:
                return None
    hist_last = first_col - 1
    hist_first = max(0, first_col - params["history_months"])
    history = month_span(panel.label(hist_first), panel.label(hist_last))
    who = ctx.names.who(info.licence_no)
    what = ctx.names.substance.get(info.substance_code, info.substance_code)
    compared = f"its own {int(row.history)} months of history ({history})"
    trace = [
        f"{who} ({info.licence_no}) acquired {kg(row.observed)} of {what} "
        f"({', '.join(params['movements'])}) in {month_span(start, end.replace(day=1))}.",
        f"Its history: {history}, {int(row.history)} declared months, {int(row.active)} of "
        f"them with acquisitions; expected {kg(row.expected)} for the window, give or take "
        f"{kg(row.spread)} (one standard deviation of its windows of the same length).",
    ]
    if params["seasonal"] and info.group:
        trace.append(
            f"Seasonal profile of its {info.group_kind} group ({info.group}, "
            f"{int(info.group_size)} operators): these months run at {row.season:.2f} × an "
            "average month.")
    if row.used_year:
        trace.append("It acquired more in the same months a year earlier than its recent "
                     "median: that earlier level sets the expectation.")
        compared = "its own acquisitions in the same months a year earlier"
    trace.append(
        f"z = {row.z:.1f}, one-sided p = "
        f"{format_p(row.p)} (Student t, {int(row.df)} df, × {params['max_span']} "
        f"window lengths); Benjamini–Hochberg q = {format_p(row.q)} over {tests:,} tests of "
        f"this run, below the rule's false discovery rate {params['fdr']}.")
    if scale > 1:
        trace.append(f"The run's {tests:,} tests spread {scale:.2f} times wider than chance "
                     "alone would (empirical null): every z was divided by that before its "
                     "p-value was taken.")
    if row.others:
        trace.append(f"{int(row.others)} overlapping or adjacent windows were significant too; "
                     "this is the strongest.")
    ids = window_evidence(panel, int(row.pair), first_col, int(row.end))
    return ctx.finding(
        situation="surge", licence_no=info.licence_no, substance_code=info.substance_code,
        start=start, end=end, observed=row.observed, expected=row.expected,
        evidence={"declaration_line": ids}, trace=trace,
        measures=stat_measures(
            p=row.p, z=row.z, q=row.q, expected=row.expected, spread=row.spread,
            group=info.group, tests=tests, history_months=int(row.history),
            span_months=int(row.span)),
        fields=stat_fields(row.z, row.p, compared),
    )


KIND = Kind(
    name="surge",
    title="Acquisitions far above the operator's own history",
    help="An operator's monthly acquisitions of a substance (kg of pure substance) against "
         "its own history, adjusted for its sector's season and never below the same months "
         "a year earlier, as a z-score against the history's month-to-month spread, with "
         "false discoveries controlled across the run.",
    params=PARAMS,
    situations=SITUATIONS,
    fields=STAT_FIELDS,
    evaluate=evaluate,
)
