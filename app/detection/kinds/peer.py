"""peer: an operator acquiring far more of a substance than peers of the same kind."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from app.detection.base.common import kg
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.findings import Finding
from app.detection.statistics.common import STAT_FIELDS, format_p, stat_fields, stat_measures
from app.detection.statistics.groups import assign_groups, describe_operators
from app.detection.statistics.panel import build_panel, window_evidence
from app.detection.statistics.significance import (
    MAD_SCALE,
    adjusted,
    benjamini_hochberg,
    fdr_param,
    upper_p,
)
from lexicon.movements import INFLOWS

PEERS_LISTED = 15

PARAMS = {
    "movements": Param("choices", INFLOWS, "movements counted as acquisitions", choices=INFLOWS),
    "min_months": Param("integer", 6, "declared months in the year before an operator is "
                        "compared (or counts as a peer)", "months", minimum=1, maximum=12),
    "min_group": Param("integer", 5, "peers a group needs: the sector group (sector × "
                       "activities × substance) falls back to the activity group (activities "
                       "× substance) below this size, and no group means no test",
                       "operators", minimum=3),
    "min_ratio": Param("number", 3.0, "report only operators acquiring at least this many "
                       "times the group's median", "ratio", minimum=1),
    "min_spread": Param("number", 0.5, "smallest spread of the group on the log scale (0.5 ≈ "
                        "peers differing by a factor 1.65 per spread): firms of one trade "
                        "legitimately differ in size", "log", minimum=0.01),
    "fdr": fdr_param(0.05),
}
SITUATIONS = {
    "above_peers": "{operator} acquired {observed_kg} kg of {substance} in {window} "
                   "(annualised), {ratio_pct} of the median of {compared_with} "
                   "(z {z}, p {p_value})",
}


def evaluate(ctx: Context) -> list[Finding]:
    """Compare each operator's annual acquisitions per substance with its peer group's."""
    params = ctx.params
    panel = build_panel(ctx.data, tuple(params["movements"]))
    if panel.values.size == 0:
        return []
    years = (panel.first + np.arange(panel.months)) // 12
    frames = []
    for year in np.unique(years):
        columns = panel.values[:, years == year]
        known = np.isfinite(columns).sum(axis=1)
        total = np.nansum(np.where(np.isfinite(columns), columns, 0), axis=1)
        frames.append(pd.DataFrame({
            "pair": np.arange(len(panel.pairs)), "year": int(year), "months": known,
            "annual": np.divide(total * 12, known, out=np.zeros(len(known)), where=known > 0),
        }))
    pairs = describe_operators(panel.pairs, ctx.data.operators)
    annual = pd.concat(frames, ignore_index=True)
    annual = annual[(annual["months"] >= params["min_months"]) & (annual["annual"] > 0)]
    if annual.empty:
        return []
    eligible = np.zeros(len(pairs), dtype=bool)
    eligible[annual["pair"].unique()] = True
    grouped = assign_groups(pairs, eligible, params["min_group"])
    index = annual["pair"].to_numpy()
    annual = annual.assign(group=grouped["group"].to_numpy()[index],
                           fine=grouped["fine"].to_numpy()[index],
                           broad=grouped["broad"].to_numpy()[index])
    annual["log"] = np.log(annual["annual"])
    # A pair in the activity group is compared with every member of that group, including
    # those whose sector group was large enough to stand on its own.
    stats = {level: _group_stats(annual, level) for level in ("fine", "broad")}
    use_fine = (grouped["group_kind"].to_numpy()[index] == "sector")
    for column in ("centre", "spread", "size"):
        annual[column] = np.where(use_fine, stats["fine"][column], stats["broad"][column])
    annual["reference"] = np.where(use_fine, annual["fine"], annual["broad"])
    pool = annual
    annual = annual[(annual["group"] != "") & (annual["size"] >= params["min_group"])].copy()
    if annual.empty:
        return []
    spread = np.maximum(annual["spread"].to_numpy(), params["min_spread"])
    annual["z"] = (annual["log"] - annual["centre"]).to_numpy() / spread
    annual["spread"] = spread
    annual["p"] = upper_p(annual["z"].to_numpy(), annual["size"].to_numpy())
    annual["q"] = adjusted(annual["p"].to_numpy())
    annual["expected"] = np.exp(annual["centre"])
    found = benjamini_hochberg(annual["p"].to_numpy(), params["fdr"])
    practical = annual["annual"] >= params["min_ratio"] * annual["expected"]
    hits = annual[found & practical.to_numpy()]
    everyone = pd.concat([frame.assign(reference=frame[level])
                          for level, frame in (("fine", pool), ("broad", pool))])
    members = everyone.groupby(["reference", "year"], sort=False)
    return [_finding(ctx, panel, grouped, row, members.get_group((row.reference, row.year)),
                     len(annual)) for row in hits.itertuples()]


def _group_stats(annual: pd.DataFrame, level: str) -> pd.DataFrame:
    """Return each row's group median, MAD spread and size at one level (fine or broad)."""
    by = annual.groupby([level, "year"], sort=False)["log"]
    centre = by.transform("median")
    deviation = (annual["log"] - centre).abs()
    spread = MAD_SCALE * deviation.groupby([annual[level], annual["year"]],
                                           sort=False).transform("median")
    return pd.DataFrame({"centre": centre.to_numpy(), "spread": spread.to_numpy(),
                         "size": by.transform("size").to_numpy()})


def _finding(ctx: Context, panel, pairs: pd.DataFrame, row, group: pd.DataFrame,
             tests: int) -> Finding:
    """Describe one operator-year far above its peers, naming the peers used."""
    params = ctx.params
    info = pairs.iloc[int(row.pair)]
    year = int(row.year)
    start, end = date(year, 1, 1), date(year, 12, 31)
    who = ctx.names.who(info.licence_no)
    what = ctx.names.substance.get(info.substance_code, info.substance_code)
    others = group[group["pair"] != row.pair].sort_values("annual", ascending=False)
    listed = ", ".join(
        f"{pairs.iloc[int(p)].licence_no} ({kg(a)})"
        for p, a in zip(others["pair"][:PEERS_LISTED], others["annual"][:PEERS_LISTED],
                        strict=True))
    more = len(others) - PEERS_LISTED
    kind_word = "sector" if info.group_kind == "sector" else "activity"
    compared = f"its {len(others)} {kind_word} peers ({info.group})"
    trace = [
        f"{who} ({info.licence_no}) acquired {kg(row.annual)} of {what} a year in {year} "
        f"(annualised from {int(row.months)} declared months).",
        f"Peer group ({kind_word}: {info.group}), {int(row.size)} operators with at least "
        f"{params['min_months']} declared months in {year}; median {kg(row.expected)} a year, "
        f"robust spread {row.spread:.2f} on the log scale.",
        f"Peers (annualised kg): {listed}" + (f" and {more} more." if more > 0 else "."),
        f"Robust z = {row.z:.1f}, one-sided p = {format_p(row.p)} (Student t, "
        f"{int(row.size) - 1} df); Benjamini–Hochberg q = {format_p(row.q)} over {tests:,} "
        f"operator-years of this run, below the rule's false discovery rate {params['fdr']}.",
    ]
    first_col = max(0, year * 12 - panel.first)
    last_col = min(panel.months - 1, year * 12 + 11 - panel.first)
    ids = window_evidence(panel, int(row.pair), first_col, last_col)
    return ctx.finding(
        situation="above_peers", licence_no=info.licence_no,
        substance_code=info.substance_code, start=start, end=end, observed=row.annual,
        expected=row.expected, evidence={"declaration_line": ids}, trace=trace,
        measures=stat_measures(
            p=row.p, z=row.z, q=row.q, expected=row.expected, spread=row.spread,
            group=info.group, tests=tests, group_size=int(row.size),
            months_declared=int(row.months)),
        fields=stat_fields(row.z, row.p, compared),
    )


KIND = Kind(
    name="peer",
    title="Acquisitions far above peers of the same kind",
    help="An operator's annual acquisitions of a substance against those of operators of "
         "the same sector and activities (or the same activities when the sector group is "
         "small), with a robust z-score on the log scale and false discoveries controlled "
         "across the run. Catches steady over-buying that looks normal in its own history.",
    params=PARAMS,
    situations=SITUATIONS,
    fields=STAT_FIELDS,
    evaluate=evaluate,
)
