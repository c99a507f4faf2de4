"""mirror: what a seller declared selling to a licensed buyer against what the buyer declared.

Both sides of every trade between registered operators are matched line by line
(`app.detection.matching`): by invoice number, then within `lag_days` of each other (the
buyer records the day the goods arrived, the seller the invoice day; month ends split
them), each line forgiving `tolerance_pct` of its quantity (units, rounding, densities).
Counterparties come resolved (`app.detection.parties`): a buyer written by name, tax id or
only through the invoice is still that buyer. Sales or purchases a side declared without
naming the other one are matched too. What stays unmatched once the lag has passed, in
months the other side has declared, is the finding.
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
    kg,
    period_end,
    period_param,
    period_start,
    tolerance_params,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.findings import Finding
from app.detection.matching import Window, joint_codes, reconcile
from app.detection.parties import RETURN_DAYS

PAIR = ["seller", "buyer", "substance_code"]
PAIR_KEYS = [*PAIR, "window"]
PARTY_KEYS = ["party", "substance_code", "window"]
TRACE_ITEMS = 5
TRADE_COLUMNS = ["seller", "buyer", "substance_code", "date", "qty", "doc_key", "line_id",
                 "how", "period", "product"]


def evaluate(ctx: Context) -> list[Finding]:
    """Match both sides of each trade between registered operators; report what stays alone."""
    sales, purchases, loose_sales, loose_purchases = _trades(ctx)
    if sales.empty and purchases.empty:
        return []
    lag = ctx.params["lag_days"]
    window = Window(before_days=lag, after_days=lag, tolerance_pct=ctx.params["tolerance_pct"])
    sales, purchases = _best_reading(sales, purchases, window)
    # A side that declared a trade without naming the other still declared it.
    sales = _absorb(sales, loose_purchases, ["buyer", "substance_code"], window)
    purchases = _absorb(purchases, loose_sales, ["seller", "substance_code"], window)
    _offset_returns(sales, purchases, RETURN_DAYS, ctx.params["tolerance_pct"])
    sides = pd.concat([_side(ctx, sales, "sold", "buyer", lag),
                       _side(ctx, purchases, "bought", "seller", lag)], ignore_index=True)
    if sides.empty:
        return []
    return _findings(ctx, sides)


def _trades(ctx: Context) -> tuple[pd.DataFrame, ...]:
    """Return sales and purchases between registered operators, and those naming no one."""
    lines = ctx.data.lines
    known = set(ctx.names.operator)
    # Only the columns read below: a copy of every column of the trades held 100 MB more.
    trades = lines.loc[(lines["movement"].isin(("sale", "purchase")) & lines["domestic"]
                        & lines["licence_no"].isin(known)).to_numpy(),
                       ["licence_no", "counterparty", "movement", "substance_code", "date",
                        "quantity_kg", "product_kg", "doc_key", "line_id", "counterparty_how",
                        "period"]]
    is_sale = trades["movement"] == "sale"
    frame = pd.DataFrame({
        "seller": trades["licence_no"].where(is_sale, trades["counterparty"]),
        "buyer": trades["counterparty"].where(is_sale, trades["licence_no"]),
        "substance_code": trades["substance_code"], "date": trades["date"],
        "qty": trades["quantity_kg"].astype(float), "doc_key": trades["doc_key"],
        "line_id": trades["line_id"], "how": trades["counterparty_how"],
        "period": trades["period"], "is_sale": is_sale,
        "product": trades["product_kg"].astype(float) / trades["quantity_kg"].where(
            trades["quantity_kg"] > 0).astype(float),
    })
    linked = frame["seller"].isin(known) & frame["buyer"].isin(known) & (
        frame["seller"] != frame["buyer"])
    loose = frame["how"].isin(("unresolved", "none"))
    sales = frame[linked & frame["is_sale"]][TRADE_COLUMNS]
    purchases = frame[linked & ~frame["is_sale"]][TRADE_COLUMNS]
    return (sales, purchases, frame[loose & frame["is_sale"]][TRADE_COLUMNS],
            frame[loose & ~frame["is_sale"]][TRADE_COLUMNS])


def _best_reading(sales: pd.DataFrame, purchases: pd.DataFrame,
                  window: Window) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match each pair by pure substance, or by product mass where that matches better.

    A seller invoices 33 % hydrochloric acid; the buyer writes the acid without its
    concentration, read as pure: the pure quantities differ threefold, the product's mass
    does not. Unmatched quantities are kept in pure substance either way.
    """
    pure_s, pure_p = reconcile(sales, purchases, group=PAIR, window=window)
    as_product = [side.assign(pure=side["qty"], ratio=side["product"].fillna(1.0))
                  for side in (sales, purchases)]
    # Only pairs where a line declared a product heavier than its substance can read
    # differently by product mass; elsewhere the second matching would repeat the first.
    code_s, code_p = joint_codes([sales[k] for k in PAIR], [purchases[k] for k in PAIR])
    mixed = np.union1d(code_s[(as_product[0]["ratio"] != 1.0).to_numpy()],
                       code_p[(as_product[1]["ratio"] != 1.0).to_numpy()])
    mixed = mixed[mixed >= 0]
    if not len(mixed):
        return pure_s, pure_p
    as_product = [side[np.isin(code, mixed)]
                  for side, code in zip(as_product, (code_s, code_p), strict=True)]
    prod_s, prod_p = reconcile(*[side.assign(qty=side["qty"] * side["ratio"])
                                 for side in as_product], group=PAIR, window=window)
    for side in (prod_s, prod_p):
        side["unmatched_kg"] = side["unmatched_kg"] / side["ratio"]
        side["qty"] = side["pure"]
        side["matched_kg"] = side["qty"] - side["unmatched_kg"]
        side.loc[side["match_how"] != "", "match_how"] = "product"
    left_pure, left_prod = _left(pure_s, pure_p), _left(prod_s, prod_p)
    better = left_prod.index[(left_prod < left_pure.reindex(left_prod.index) * 0.999).to_numpy()]
    if not len(better):
        return pure_s, pure_p
    columns = list(pure_s.columns)
    return (_swap(pure_s, prod_s[columns], better), _swap(pure_p, prod_p[columns], better))


def _left(sales: pd.DataFrame, purchases: pd.DataFrame) -> pd.Series:
    """Return the unmatched kg of both sides per pair and substance."""
    sides = [sales.groupby(PAIR)["unmatched_kg"].sum(),
             purchases.groupby(PAIR)["unmatched_kg"].sum()]
    return pd.concat(sides, axis=1).fillna(0.0).sum(axis=1)


def _swap(base: pd.DataFrame, other: pd.DataFrame, chosen: pd.Index) -> pd.DataFrame:
    """Return base with the rows of the chosen pairs taken from other."""
    take = pd.MultiIndex.from_frame(other[PAIR]).isin(chosen)
    keep = ~pd.MultiIndex.from_frame(base[PAIR]).isin(chosen)
    return pd.concat([base[keep], other[take]], ignore_index=True)


def _absorb(side: pd.DataFrame, loose: pd.DataFrame, group: list[str],
            window: Window) -> pd.DataFrame:
    """Match a side's unmatched lines with the other side's lines that named no one."""
    open_ = side["unmatched_kg"] > 0
    if not open_.any() or loose.empty:
        return side
    rest = side[open_].drop(columns=["matched_kg", "match_how", "lag_days"])
    rest = rest.assign(qty=rest.pop("unmatched_kg"))
    rest = rest.assign(row=rest.index)
    matched, _ = reconcile(rest, loose, group=group, window=window)
    side = side.copy()
    at = matched["row"].to_numpy()
    side.loc[at, "unmatched_kg"] = matched["unmatched_kg"].to_numpy()
    side.loc[at, "matched_kg"] = side.loc[at, "qty"] - side.loc[at, "unmatched_kg"]
    absorbed = matched["match_how"].to_numpy() != ""
    side.loc[at[absorbed], "match_how"] = "unnamed"
    return side


def _offset_returns(sales: pd.DataFrame, purchases: pd.DataFrame, days: int,
                    tolerance_pct: float) -> None:
    """Offset a party's own unconfirmed lines in both directions with one counterparty.

    A buyer books the whole invoice, then the part it sent back as a sale to its supplier
    (with the credit note's number), while the supplier only netted its sale by the credit
    note: the buyer's purchase is short of confirmation by what its sale back is. The same
    the other way round (a seller booking the sale as invoiced and the return as a
    purchase, a buyer netting its purchase). Within `days`, what one direction leaves
    unconfirmed is offset by the other's: the party's net declaration is what the other
    side declared. What is left of a pair of lines once offset, within `tolerance_pct` of
    the larger (the delivery: the two sides' figures of it differ by rounding, density or
    concentration), counts as offset too. A sale back that the supplier does not confirm
    and no over-declared purchase explains stays unconfirmed.
    """
    out = sales[sales["unmatched_kg"] > 0]
    back = purchases[purchases["unmatched_kg"] > 0]
    if out.empty or back.empty:
        return
    keys = ["party", "counterpart", "substance_code"]
    left = out.assign(party=out["seller"], counterpart=out["buyer"])
    right = back.assign(party=back["buyer"], counterpart=back["seller"])
    left = left[pd.MultiIndex.from_frame(left[keys]).isin(pd.MultiIndex.from_frame(right[keys]))]
    if left.empty:
        return
    right = right[pd.MultiIndex.from_frame(right[keys]).isin(pd.MultiIndex.from_frame(left[keys]))]
    limit = pd.Timedelta(days=days).value
    # The walk reads and writes plain arrays, each side sorted once by pair and date (a
    # cell of a frame per pair, and a sort per pair, took 196 s on a random 1,000,000-line
    # file of 160,000 pairs); then the columns go back.
    s_left, p_left = _column(sales, "unmatched_kg"), _column(purchases, "unmatched_kg")
    s_qty, p_qty = _column(sales, "qty"), _column(purchases, "qty")
    s_day, p_day = _nanoseconds(sales["date"]), _nanoseconds(purchases["date"])
    s_nat, p_nat = sales["date"].isna().to_numpy(), purchases["date"].isna().to_numpy()
    s_hit = np.zeros(len(sales), dtype=bool)
    p_hit = np.zeros(len(purchases), dtype=bool)
    code_l, code_r = joint_codes([left[k] for k in keys], [right[k] for k in keys])
    rows_l = _by_pair_and_date(sales.index.get_indexer(left.index), code_l, s_day, s_nat)
    rows_r = _by_pair_and_date(purchases.index.get_indexer(right.index), code_r, p_day, p_nat)
    for pair, mine in rows_l.items():
        theirs = rows_r.get(pair)
        if theirs is None:
            continue
        # Only the other direction's lines within `days` of a line (theirs are by date,
        # undated last) and the undated ones are read: a scan of all of them for each line
        # was quadratic in a pair's lines.
        dated = int(np.count_nonzero(~p_nat[theirs]))
        their_days = p_day[theirs[:dated]]
        every = theirs.tolist()
        undated = every[dated:]
        day = np.where(s_nat[mine], 0, s_day[mine])  # (an undated line reads them all)
        low = np.searchsorted(their_days, day - limit, "left")
        high = np.searchsorted(their_days, day + limit, "right")
        for i, lo, hi in zip(mine.tolist(), low.tolist(), high.tolist(), strict=True):
            near = every if s_nat[i] else every[lo:hi] + undated
            for j in near:
                have, owe = s_left[i], p_left[j]
                if have <= 0:
                    break
                if owe <= 0:
                    continue
                take = min(have, owe)
                slack = max(s_qty[i], p_qty[j]) * tolerance_pct / 100
                have, owe = have - take, owe - take
                s_left[i] = 0.0 if have <= slack else have
                p_left[j] = 0.0 if owe <= slack else owe
                s_hit[i] = p_hit[j] = True
    for frame, unmatched, qty, hit in ((sales, s_left, s_qty, s_hit),
                                       (purchases, p_left, p_qty, p_hit)):
        if hit.any():
            frame["unmatched_kg"] = unmatched
            rows = frame.index[hit]
            frame.loc[rows, "matched_kg"] = qty[hit] - unmatched[hit]
            frame.loc[rows, "match_how"] = "return"


def _by_pair_and_date(rows: np.ndarray, pair: np.ndarray, day: np.ndarray,
                      nat: np.ndarray) -> dict[int, np.ndarray]:
    """Return the rows of each pair (code), by date, missing dates last, ties in row order."""
    keep = pair >= 0
    rows, pair = rows[keep], pair[keep]
    when = np.where(nat[rows], np.iinfo(np.int64).max, day[rows])
    order = np.lexsort((rows, when, pair))
    rows, pair = rows[order], pair[order]
    firsts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else pair
    bounds = [*firsts.tolist(), len(rows)]
    return {int(pair[a]): rows[a:b] for a, b in zip(bounds, bounds[1:], strict=False)}


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Return a float copy of a column (written back by the caller)."""
    return frame[name].to_numpy(dtype=float, copy=True)


def _nanoseconds(dates: pd.Series) -> np.ndarray:
    """Return dates as int64 nanoseconds (NaT: the smallest int64; see the NaT mask)."""
    return pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]").astype(np.int64)


def _side(ctx: Context, rows: pd.DataFrame, declared: str, other: str, lag: int) -> pd.DataFrame:
    """Return one side's lines with what the other side confirmed, where it can be judged."""
    as_of = pd.Timestamp(ctx.data.as_of)
    due = rows["date"] + pd.Timedelta(days=lag) <= as_of
    months = DeclaredMonths(ctx.declared_periods())
    first = rows["date"] - pd.Timedelta(days=lag)
    last = (rows["date"] + pd.Timedelta(days=lag)).clip(upper=as_of)
    heard = months.covers(rows[other], first, last)
    rows = rows[due.to_numpy() & heard]
    party = "seller" if declared == "sold" else "buyer"
    return rows.assign(
        party=rows[party], counterpart=rows[other], side=declared,
        window=period_start(rows["period"], ctx.params["period"]),
    )


def _net_agreed(sides: pd.DataFrame, tolerance_kg: float, tolerance_pct: float) -> pd.DataFrame:
    """Count as confirmed a pair's month whose net flow both sides agree on.

    Where a party traded both ways with one counterpart in a month (goods sent back), line
    matching can pair a return's leftover with another line's rounding; what matters is the
    net: what the party took in from the counterpart less what it sent back, against what
    the counterpart sent less what it took back, within both tolerances of the gross.
    """
    group = ["party", "counterpart", "substance_code", "window"]
    inflow = sides["qty"].where(sides["side"] == "bought", -sides["qty"])
    flows = sides.assign(inflow=inflow).groupby(group, sort=False).agg(
        net=("inflow", "sum"), gross=("qty", "sum"), ways=("side", "nunique"))
    if not (flows["ways"] > 1).any():
        return sides
    mirrored = flows["net"].rename_axis(["counterpart", "party", "substance_code", "window"])
    other = mirrored.reorder_levels(group).reindex(flows.index).fillna(0.0)
    gap = (flows["net"] + other).abs()
    agreed = (gap <= tolerance_kg) | (gap <= flows["gross"] * tolerance_pct / 100)
    both = flows["ways"] > 1
    chosen = flows.index[(both & agreed).to_numpy()]
    if not len(chosen):
        return sides
    swapped = chosen.set_names(["counterpart", "party", "substance_code", "window"]).reorder_levels(
        group)
    at = pd.MultiIndex.from_frame(sides[group])
    hit = at.isin(chosen) | at.isin(swapped)
    sides = sides.copy()
    sides.loc[hit & (sides["unmatched_kg"] > 0), "match_how"] = "return"
    sides.loc[hit, "unmatched_kg"] = 0.0
    return sides


def _findings(ctx: Context, sides: pd.DataFrame) -> list[Finding]:
    """Report each party's months where what it declared stays unconfirmed beyond tolerance."""
    params = ctx.params
    sides = _net_agreed(sides, params["tolerance_kg"], params["tolerance_pct"])
    keys = ["party", "counterpart", "side", "substance_code", "window"]
    pairs = sides.groupby(keys, sort=False).agg(
        declared=("qty", "sum"), unmatched=("unmatched_kg", "sum"), lines=("line_id", "size"),
    ).reset_index()
    pairs["confirmed"] = pairs["declared"] - pairs["unmatched"]
    share = pairs["unmatched"] / pairs["declared"].where(pairs["declared"] > 0, 1.0) * 100
    flagged = pairs[(pairs["unmatched"] > params["tolerance_kg"])
                    & (share > params["tolerance_pct"])]
    if flagged.empty:
        return []
    rows = sides.merge(flagged[keys], on=keys)
    ids = evidence_ids(pd.concat([rows, _other_side(ctx, sides, flagged)]), PARTY_KEYS,
                       "line_id", weight="unmatched_kg")
    totals = flagged.groupby(PARTY_KEYS, sort=False).agg(
        declared=("declared", "sum"), confirmed=("confirmed", "sum"),
    ).reset_index()
    # Each finding's counterparties, largest first, by the number of its row in totals (the
    # groups in order of appearance, as totals has them): keyed by party, substance and a
    # Timestamp, 421,000 flagged pairs took 3 s of boxing and hashing.
    details: list[list] = [[] for _ in range(len(totals))]
    group = flagged.groupby(PARTY_KEYS, sort=False).ngroup()
    order = flagged["unmatched"].sort_values(ascending=False).index
    items = flagged.loc[order, ["counterpart", "side", "declared", "lines", "confirmed",
                                "unmatched"]]
    for code, item in zip(group.loc[order].tolist(), items.itertuples(index=False),
                          strict=True):
        if code >= 0:
            details[code].append(item)
    # What each finding says was ruled out, from its lines, worked out for all at once (a
    # group of a frame per finding took 24 of 44 s over 13,000 findings).
    facts = _exclusion_facts(rows).reindex(pd.MultiIndex.from_frame(totals[PARTY_KEYS]))
    return [_finding(ctx, row, ids, items, fact) for row, items, fact
            in zip(totals.itertuples(), details, facts.itertuples(), strict=True)]


def _other_side(ctx: Context, sides: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
    """Return the counterparts' lines of each flagged pair dated within the lag of its period."""
    lag = pd.Timedelta(days=ctx.params["lag_days"])
    wanted = flagged[["party", "counterpart", "side", "substance_code", "window"]].rename(
        columns={"party": "counterpart", "counterpart": "party"})
    wanted = wanted.assign(side=wanted["side"].map({"sold": "bought", "bought": "sold"}))
    other = sides.drop(columns="window").merge(wanted, on=["party", "counterpart", "side",
                                                           "substance_code"])
    windows = pd.Index(other["window"].unique())
    ends = pd.to_datetime([period_end(as_date(w), ctx.params["period"]) for w in windows])
    ends = ends[windows.get_indexer(other["window"])].to_numpy()
    near = (other["date"] >= other["window"] - lag) & (other["date"] <= ends + lag)
    other = other[near]
    # Listed under the flagged party, after its own unconfirmed lines.
    return other.assign(party=other["counterpart"], unmatched_kg=0.0)


def _finding(ctx: Context, row, ids, items, facts) -> Finding:
    """Turn one operator's unconfirmed trades of a substance and period into a finding."""
    key = (row.party, row.substance_code, row.window)
    who = ctx.names.who
    lag = ctx.params["lag_days"]
    trace, counterparts = [], []
    for item in items[:TRACE_ITEMS]:
        them = f"{who(item.counterpart)} ({item.counterpart})"
        counterparts.append(them)
        verb, back = (("sales to", "purchases from it") if item.side == "sold"
                      else ("purchases from", "sales to it"))
        trace.append(f"{who(row.party)} declared {kg(item.declared)} of {verb} {them} in "
                     f"{item.lines:,} lines; {who(item.counterpart)}'s {back} dated within "
                     f"{lag} days confirm {kg(item.confirmed)}: {kg(item.unmatched)} stays "
                     "unconfirmed.")
    if len(items) > TRACE_ITEMS:
        trace.append(f"And {len(items) - TRACE_ITEMS} more counterparties.")
    trace += capped_note(len(ids.get(key, ())), MAX_EVIDENCE)
    roles = {item.side for item in items}
    declared_as = ("sales to" if roles == {"sold"} else "purchases from" if roles == {"bought"}
                   else "trades with")
    missing = [item.counterpart for item in items if item.confirmed <= 0]
    start = as_date(row.window)
    unmatched = float(sum(item.unmatched for item in items))
    return ctx.finding(
        situation="mismatch", licence_no=row.party, substance_code=row.substance_code,
        start=start, end=period_end(start, ctx.params["period"]), observed=row.declared,
        expected=row.confirmed, evidence={"declaration_line": ids.get(key, ())}, trace=trace,
        measures={"counterparties": ", ".join(i.counterpart for i in items),
                  "missing_side": "the counterparty" if missing else "none",
                  "missing_with": ", ".join(missing), "unmatched_kg": unmatched,
                  "lag_days": lag},
        fields={"declared_as": declared_as, "counterparties": ", ".join(counterparts),
                "lag_days": str(lag)},
        excluded=_excluded(ctx, facts),
    )


RESOLVED_HOW = ("tax_id", "name", "similar_name", "document")


def _exclusion_facts(rows: pd.DataFrame) -> pd.DataFrame:
    """Return, per party, substance and window, what its lines say about how they matched."""
    how = rows["match_how"]
    flags = pd.DataFrame({
        **{key: rows[key] for key in PARTY_KEYS},
        "widest_lag": rows["lag_days"], "by_window": how == "window",
        "by_document": how == "document", "by_period": how == "period",
        "by_product": how == "product", "by_unnamed": how == "unnamed",
        "resolved": rows["how"].isin(RESOLVED_HOW),
        **{f"resolved_{way}": rows["how"] == way for way in RESOLVED_HOW},
    })
    return flags.groupby(PARTY_KEYS, sort=False).agg(
        widest_lag=("widest_lag", "max"), by_window=("by_window", "any"),
        by_document=("by_document", "sum"), by_period=("by_period", "any"),
        by_product=("by_product", "any"), by_unnamed=("by_unnamed", "any"),
        resolved=("resolved", "sum"),
        **{f"resolved_{way}": (f"resolved_{way}", "any") for way in RESOLVED_HOW})


def _excluded(ctx: Context, facts) -> list[tuple[str, str]]:
    """Say which innocent explanations were ruled out before reporting the mismatch."""
    lag, pct = ctx.params["lag_days"], ctx.params["tolerance_pct"]
    ruled_out = [
        ("timing_lag", f"The other side's lines dated up to {lag} days before or after each "
                       "line (invoice against receipt, month ends) were matched to it"
         + (f"; the widest gap matched was {int(facts.widest_lag)} days."
            if facts.by_window else ".")),
        ("tolerance", f"Differences up to {pct:g}% of a line (units, rounding, densities) "
                      "were forgiven."),
        ("declared_periods", "The other side had declared every month concerned; months it "
                             "has not declared yet are left to the missing-declaration rules."),
        ("amendments", "Only current declarations were compared: amendments replace what "
                       "they amend."),
        ("returns", f"Goods sent back within {RETURN_DAYS} days (a return booked by one side "
                    "and netted by a credit note by the other) were offset against the "
                    "delivery."),
    ]
    by_document = int(facts.by_document)
    if by_document:
        ruled_out.append(("documents", f"{by_document:,} lines were matched by invoice number "
                                       "whatever their dates within 45 days."))
    if facts.resolved:
        ways = ", ".join(sorted(way.replace("_", " ") for way in RESOLVED_HOW
                                if getattr(facts, f"resolved_{way}")))
        ruled_out.append(("counterparty_resolved", f"{int(facts.resolved):,} lines named the "
                          f"other side without its licence number; it was identified by {ways}."))
    if facts.by_period:
        ruled_out.append(("monthly_totals", "Lines left over were compared with the other "
                          "side's lines of the same month, for clerks who declare a month's "
                          "trade as one line."))
    if facts.by_product:
        ruled_out.append(("concentration", "Lines left over were compared by the mass of the "
                          "product declared, for sides that wrote different concentrations."))
    if facts.by_unnamed:
        ruled_out.append(("unnamed_counterparty", "Lines the other side declared without "
                          "naming its counterparty were matched too."))
    return ruled_out


KIND = Kind(
    name="mirror",
    title="Trades between licensed operators that do not mirror",
    help="A seller's declared sales to a licensed buyer against that buyer's declared purchases "
         "from the seller, line by line: by invoice number, then within a lag of days. The "
         "alert goes to the side whose declared trade the other side does not confirm.",
    params={
        "period": period_param("month", "unconfirmed trades are added up and reported"),
        "lag_days": Param("integer", 15, "how many days apart the two sides may date the same "
                          "trade (invoice against receipt)", "days", minimum=0, maximum=120),
        **tolerance_params(10.0, 5.0, "between the two sides"),
    },
    situations={"mismatch": "{operator} declared {observed_kg} kg of {substance} {declared_as} "
                            "{counterparties} in {window}; the other side's lines within "
                            "{lag_days} days confirm {expected_kg} kg"},
    fields={"declared_as": "sales to, purchases from, or trades with",
            "counterparties": "the operators on the other side",
            "lag_days": "the days the two sides may date a trade apart"},
    evaluate=evaluate,
    scope_keys=("substances", "tables"),
)
