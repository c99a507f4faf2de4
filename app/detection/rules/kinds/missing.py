"""missing_declaration: a licensed operator that has not declared a period past its deadline."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from app.detection.findings import Finding
from app.detection.rules.context import Context
from app.detection.rules.kinds.common import as_date, evidence_ids, period_end, period_start
from app.detection.rules.kinds.licensing import check_rows
from app.detection.rules.params import SEVERITY_CHOICES, Kind, Param

KEYS = ["licence_no", "window"]


def evaluate(ctx: Context) -> list[Finding]:
    """List the periods each licensed operator should have declared by now and did not."""
    params = ctx.params
    windows = _due_windows(ctx)
    if not windows:
        return []
    licensed = _licensed(ctx, windows)
    if licensed.empty:
        return []
    period = params["period"]
    declared = pd.concat([
        ctx.data.declarations[["licence_no", "period"]], ctx.data.lines[["licence_no", "period"]],
    ])
    declared = declared.assign(window=period_start(declared["period"], period))
    declared = declared[["licence_no", "window"]].drop_duplicates()
    missing = licensed.merge(declared, on=KEYS, how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"][[*KEYS, "whole"]]
    if missing.empty:
        return []
    trading = _trading(ctx, missing[KEYS])
    ids = evidence_ids(trading, KEYS, "item_id", weight="net_mass_kg")
    traded = trading.groupby(KEYS, sort=False).agg(
        kg=("net_mass_kg", "sum"), items=("item_id", "size")).to_dict("index")
    # The period a licence began in is reported only when customs shows the operator trading.
    return [_finding(ctx, row, ids, traded) for row in missing.itertuples()
            if row.whole or (row.licence_no, row.window) in traded]


def _due_windows(ctx: Context) -> list[pd.Timestamp]:
    """Return the periods in the look-back whose declaration deadline has passed."""
    params = ctx.params
    period = params["period"]
    as_of = ctx.data.as_of
    first = pd.Timestamp(as_of.replace(day=1)) - pd.DateOffset(months=params["lookback_months"])
    starts = period_start(pd.Series(pd.date_range(first, as_of, freq="MS")), period).unique()
    due = []
    for start in starts:
        end = period_end(as_date(start), period)
        if end + timedelta(days=params["deadline_days"]) < as_of:
            due.append(pd.Timestamp(start))
    return due


def _licensed(ctx: Context, windows: list[pd.Timestamp]) -> pd.DataFrame:
    """Return (licence_no, window, whole) where a licence line was valid at the start or end.

    `whole` says whether a licence was valid on the period's first day.
    """
    pairs = {(s.licence_no, s.substance_code) for s in ctx.data.licences.states()}
    if ctx.licence_nos is not None:
        pairs = {p for p in pairs if p[0] in ctx.licence_nos}
    if not pairs:
        return pd.DataFrame(columns=KEYS)
    period = ctx.params["period"]
    ends = [pd.Timestamp(period_end(as_date(w), period)) for w in windows]
    base = pd.DataFrame(sorted(pairs), columns=["licence_no", "substance_code"])
    queries = pd.concat([
        base.assign(window=w, on=day) for w, end in zip(windows, ends, strict=True)
        for day in (w, end)
    ], ignore_index=True).assign(need="any")
    answers = check_rows(ctx.data.licences, queries, "licence_no", "substance_code", "need", "on")
    valid = queries[answers["licensed"].to_numpy(dtype=bool)]
    # Licensed on the first day of the period: the whole period is due. Licensed only by
    # its last day: the licence began during the period, and a new licensee's first
    # declaration is for its first full period.
    whole = valid[valid["on"] == valid["window"]][KEYS].drop_duplicates()
    result = valid[KEYS].drop_duplicates().merge(whole.assign(whole=True), on=KEYS, how="left")
    return result.assign(whole=result["whole"].fillna(False).astype(bool))


def _trading(ctx: Context, missing: pd.DataFrame) -> pd.DataFrame:
    """Return the controlled customs items of the missing operators in their missing periods."""
    key_of = {lic: key for key, lics in ctx.names.licences_by_tax_key.items() for lic in lics}
    wanted = missing.assign(tax_id_key=missing["licence_no"].map(key_of)).dropna()
    customs = ctx.data.customs
    items = customs[customs["substance_code"].notna()
                    & customs["tax_id_key"].isin(set(wanted["tax_id_key"]))]
    items = items.assign(window=period_start(items["date"], ctx.params["period"]))
    return items.merge(wanted, on=["tax_id_key", "window"])


def _finding(ctx: Context, row, ids, traded) -> Finding:
    """Build the finding of one operator's missing period."""
    params = ctx.params
    start = as_date(row.window)
    end = period_end(start, params["period"])
    due = end + timedelta(days=params["deadline_days"])
    trace = [f"No declaration from {ctx.names.who(row.licence_no)} ({row.licence_no}) for "
             f"{start.isoformat()} to {end.isoformat()}; it was due by {due.isoformat()} and a "
             f"licence of the operator was valid in the period."]
    key = (row.licence_no, row.window)
    activity = traded.get(key)
    if activity is None:
        return ctx.finding(
            situation="silent", licence_no=row.licence_no, start=start, end=end, observed=None,
            expected=None, trace=trace, measures={"due": due.isoformat()},
            fields={"due": due.isoformat()},
        )
    trace.append(f"Customs shows it trading in the period: {activity['items']:,} items of "
                 f"controlled substances, {np.round(activity['kg']):,.0f} kg net.")
    return ctx.finding(
        situation="trading", licence_no=row.licence_no, start=start, end=end,
        observed=activity["kg"], expected=None, evidence={"customs_item": ids.get(key, ())},
        trace=trace, measures={"due": due.isoformat(), "customs_items": activity["items"]},
        fields={"due": due.isoformat()}, severity=params["trading_severity"],
    )


KIND = Kind(
    name="missing_declaration",
    title="Declaration missing after its deadline",
    help="An operator with a valid licence in a period that has not declared it some days after "
         "the period ended; worse when customs shows it trading in that period. The period a "
         "licence began in counts only when customs shows trading.",
    params={
        "period": Param("choice", "month", "how often operators declare",
                        choices=("month", "quarter")),
        "deadline_days": Param("integer", 15, "days after the end of the period the declaration "
                               "is due", "days", minimum=0),
        "lookback_months": Param("integer", 12, "how far back missing periods are reported",
                                 "months", minimum=1),
        "trading_severity": Param("choice", "high", "severity when customs shows the operator "
                                  "trading in the missing period", choices=SEVERITY_CHOICES),
    },
    situations={
        "silent": "{operator} has not declared {window}; the declaration was due by {due}",
        "trading": "{operator} has not declared {window} (due by {due}) although customs "
                   "recorded {observed_kg} kg of controlled substances it traded then",
    },
    fields={"due": "the date the declaration was due"},
    evaluate=evaluate,
    scope_keys=("activities", "regions"),
)
