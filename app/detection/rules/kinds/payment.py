"""payment_delivery: a buyer paying cash or collecting in person again and again."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.detection.findings import Finding
from app.detection.rules.context import Context
from app.detection.rules.kinds.common import (
    as_date,
    fill_text,
    kg,
    period_start,
)
from app.detection.rules.params import Kind, Param
from app.detection.rules.summary import month_end

METHODS = ("cash", "card", "cheque", "other", "bank_transfer")


def evaluate(ctx: Context) -> list[Finding]:
    """Count each buyer's cash or in-person sales over a rolling window of days."""
    params = ctx.params
    lines = ctx.data.lines
    sales = lines[lines["movement"] == "sale"]
    flagged = sales["payment_method"].isin(params["methods"])
    if params["count_collected"]:
        flagged |= sales["delivery"] == "collected"
    sales = sales[flagged]
    if sales.empty:
        return []
    # Sellers report how the buyer paid; the buyer is named by licence when it has one.
    # The buyer as resolved before the rules ran (licence, tax id, name or invoice).
    licence = fill_text(sales["counterparty"])
    name = fill_text(sales["counterparty_label"])
    sales = sales.assign(buyer=fill_text(sales["counterparty_party"]), buyer_name=name,
                         buyer_licence=licence)
    sales = sales[sales["buyer"] != ""]
    keys = ["buyer", "substance_code"] if params["per_substance"] else ["buyer"]
    sales = sales.sort_values([*keys, "date"], kind="stable").reset_index(drop=True)
    group = sales.groupby(keys, sort=False).ngroup().to_numpy().astype(np.int64)
    days = sales["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    # One sorted number per (group, day) lets a binary search find each window's start.
    stamp = group * 1_000_000 + days
    start = np.searchsorted(stamp, stamp - params["window_days"] + 1, side="left")
    end = np.searchsorted(stamp, stamp, side="right") - 1
    counts = end - start + 1
    hits = np.flatnonzero(counts >= params["min_count"])
    if hits.size == 0:
        return []
    episodes = pd.DataFrame({
        "row": hits, "start": start[hits], "count": counts[hits],
        "month": period_start(sales["date"].iloc[hits], "month").to_numpy(),
        "group": group[hits],
    }).groupby(["group", "month"], sort=False).agg(
        first=("start", "min"), last=("row", "max"), most=("count", "max"),
    ).reset_index()
    return [_finding(ctx, sales, row, keys) for row in episodes.itertuples()]


def _finding(ctx: Context, sales: pd.DataFrame, row, keys: list[str]) -> Finding:
    """Build the finding of one buyer's month of cash or in-person purchases."""
    params = ctx.params
    rows = sales.iloc[row.first:row.last + 1]
    head = rows.iloc[0]
    licence_no = head["buyer_licence"] or None
    name = head["buyer_name"] or licence_no or "an unnamed buyer"
    who = ctx.names.who(licence_no) if licence_no else name
    substance = head["substance_code"] if "substance_code" in keys else None
    methods = rows["payment_method"].value_counts()
    collected = int((rows["delivery"] == "collected").sum())
    sellers = sorted({ctx.names.who(s) for s in rows["licence_no"]})
    start = as_date(row.month)
    trace = [
        f"{len(rows):,} sales to {who} from {as_date(rows['date'].min()).isoformat()} to "
        f"{as_date(rows['date'].max()).isoformat()} ({kg(rows['quantity_kg'].sum())}) were "
        "paid in " + ", ".join(f"{m} ({n})" for m, n in methods.items() if m in params["methods"])
        + (f" or collected in person ({collected})" if collected else "") + ".",
        f"Up to {row.most} of them fell within {params['window_days']} days; the rule asks "
        f"for {params['min_count']}.",
        f"Sellers: {', '.join(sellers)}.",
    ]
    return ctx.finding(
        situation="repeated", licence_no=licence_no,
        party=None if licence_no else head["buyer"], substance_code=substance, who=who,
        start=start, end=month_end(start), observed=float(rows["quantity_kg"].sum()),
        expected=None, evidence={"declaration_line": rows["line_id"].tolist()}, trace=trace,
        measures={"count": len(rows), "max_in_window": row.most, "collected": collected,
                  "sellers": len(sellers)},
        fields={"count": f"{len(rows):,}", "days": str(params["window_days"])},
    )


KIND = Kind(
    name="payment_delivery",
    title="Repeated cash payment or collection in person",
    help="A buyer whose purchases, as its sellers declared them, were paid by one of the "
         "listed methods or collected in person at least a number of times within a rolling "
         "window of days.",
    params={
        "window_days": Param("integer", 30, "length of the rolling window", "days", minimum=1),
        "min_count": Param("integer", 3, "sales within the window that make a finding",
                           "sales", minimum=1),
        "methods": Param("choices", ("cash",), "payment methods counted", choices=METHODS),
        "count_collected": Param("boolean", True, "count goods collected in person too"),
        "per_substance": Param("boolean", True, "count each substance apart (false: all "
                               "controlled substances the buyer takes together)"),
    },
    situations={"repeated": "{operator} paid in cash or collected in person {count} times "
                            "({observed_kg} kg of {substance}) in {window}, with several "
                            "within {days} days"},
    fields={"count": "number of cash or in-person sales", "days": "the rolling window in days"},
    evaluate=evaluate,
    scope_keys=("substances", "tables"),
)
