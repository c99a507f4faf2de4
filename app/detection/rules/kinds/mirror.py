"""mirror: what a seller declared selling to a licensed buyer against what the buyer declared."""

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
    kg,
    period_end,
    period_param,
    period_start,
    tolerance_params,
)
from app.detection.rules.params import Kind

PAIR_KEYS = ["seller", "buyer", "substance_code", "window"]
PARTY_KEYS = ["party", "substance_code", "window"]
TRACE_ITEMS = 5


def evaluate(ctx: Context) -> list[Finding]:
    """Match both sides of each trade between licensed operators per pair and period."""
    trades = _trades(ctx)
    if trades.empty:
        return []
    sums = trades.groupby([*PAIR_KEYS, "side"], sort=False)["quantity_kg"].sum()
    pairs = sums.unstack("side", fill_value=0.0)
    for side in ("sold", "bought"):
        if side not in pairs.columns:
            pairs[side] = 0.0
    pairs = pairs.reset_index()
    pairs["difference"] = pairs["sold"] - pairs["bought"]
    params = ctx.params
    flagged = pairs[exceeds(pairs["difference"], pairs["sold"], pairs["bought"],
                            params["tolerance_kg"], params["tolerance_pct"])].copy()
    if flagged.empty:
        return []
    # The alert is about the side whose declared trade the other side does not confirm.
    # A trade left out of one side's declaration leaves that side's own stock unexplained,
    # which its mass balance shows; a trade invented on paper (sales "to" a licensed
    # customer that never received them, to cover goods that went elsewhere) balances the
    # inventor's own books, and only the counterpart's silence reveals it.
    seller_fuller = flagged["sold"] > flagged["bought"]
    flagged["party"] = flagged["seller"].where(seller_fuller, flagged["buyer"])
    flagged["counterpart"] = flagged["buyer"].where(seller_fuller, flagged["seller"])
    flagged["declared"] = np.where(seller_fuller, flagged["sold"], flagged["bought"])
    flagged["witnessed"] = np.where(seller_fuller, flagged["bought"], flagged["sold"])
    flagged["as_seller"] = seller_fuller
    rows = trades.merge(flagged[[*PAIR_KEYS, "party"]], on=PAIR_KEYS)
    ids = evidence_ids(rows, PARTY_KEYS, "line_id", weight="quantity_kg")
    totals = flagged.groupby(PARTY_KEYS, sort=False).agg(
        declared=("declared", "sum"), witnessed=("witnessed", "sum"),
    ).reset_index()
    details: dict[tuple, list] = {}
    for row in flagged.sort_values("witnessed", ascending=False).itertuples(index=False):
        details.setdefault((row.party, row.substance_code, row.window), []).append(row)
    return [_finding(ctx, row, ids, details) for row in totals.itertuples()]


def _trades(ctx: Context) -> pd.DataFrame:
    """Return sales and purchases between registered operators, in one shape."""
    lines = ctx.data.lines
    known = set(ctx.names.operator)
    linked = lines[lines["counterparty_licence"].isin(known)
                   & lines["movement"].isin(("sale", "purchase"))]
    is_sale = linked["movement"] == "sale"
    return pd.DataFrame({
        "seller": linked["licence_no"].where(is_sale, linked["counterparty_licence"]),
        "buyer": linked["counterparty_licence"].where(is_sale, linked["licence_no"]),
        "substance_code": linked["substance_code"],
        "window": period_start(linked["period"], ctx.params["period"]),
        "side": np.where(is_sale, "sold", "bought"),
        "line_id": linked["line_id"],
        "quantity_kg": linked["quantity_kg"],
    })


def _finding(ctx: Context, row, ids, details) -> Finding:
    """Turn one operator's unconfirmed trades of a substance and period into a finding."""
    key = (row.party, row.substance_code, row.window)
    items = details[key]
    who = ctx.names.who
    trace, counterparts = [], []
    for item in items[:TRACE_ITEMS]:
        them = f"{who(item.counterpart)} ({item.counterpart})"
        counterparts.append(them)
        if item.as_seller:
            trace.append(f"{who(row.party)} declared {kg(item.declared)} of sales to {them}, "
                         f"which declared {kg(item.witnessed)} of purchases from it.")
        else:
            trace.append(f"{who(row.party)} declared {kg(item.declared)} of purchases from "
                         f"{them}, which declared {kg(item.witnessed)} of sales to it.")
    if len(items) > TRACE_ITEMS:
        trace.append(f"And {len(items) - TRACE_ITEMS} more counterparties.")
    trace += capped_note(len(ids.get(key, ())), MAX_EVIDENCE)
    roles = {item.as_seller for item in items}
    declared_as = ("sales to" if roles == {True} else "purchases from" if roles == {False}
                   else "trades with")
    missing = [item.counterpart for item in items if item.witnessed == 0]
    start = as_date(row.window)
    return ctx.finding(
        situation="mismatch", licence_no=row.party, substance_code=row.substance_code,
        start=start, end=period_end(start, ctx.params["period"]), observed=row.declared,
        expected=row.witnessed, evidence={"declaration_line": ids.get(key, ())}, trace=trace,
        measures={"counterparties": ", ".join(i.counterpart for i in items),
                  "missing_side": "the counterparty" if missing else "none",
                  "missing_with": ", ".join(missing)},
        fields={"declared_as": declared_as, "counterparties": ", ".join(counterparts)},
    )


KIND = Kind(
    name="mirror",
    title="Trades between licensed operators that do not mirror",
    help="A seller's declared sales to a licensed buyer against that buyer's declared purchases "
         "from the seller, per pair, substance and period. The alert goes to the side whose "
         "declared trade the other side does not confirm (it declared more).",
    params={
        "period": period_param("month", "both sides are compared"),
        **tolerance_params(10.0, 5.0, "between the two sides"),
    },
    situations={"mismatch": "{operator} declared {observed_kg} kg of {substance} {declared_as} "
                            "{counterparties} in {window}; the other side declared "
                            "{expected_kg} kg"},
    fields={"declared_as": "sales to, purchases from, or trades with",
            "counterparties": "the operators on the other side"},
    evaluate=evaluate,
    scope_keys=("substances", "tables"),
)
