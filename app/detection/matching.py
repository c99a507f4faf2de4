"""Match two records of the same goods over time: by document, then within a lag window.

The same shipment is recorded twice, by different people on different days: customs
accepts an import on the 27th and the importer enters it into stock on the 3rd; a seller
invoices on the 30th and the buyer receives on the 2nd. Comparing the two records per
calendar month reports one month short and the next month over. Instead each record of
side A (customs items, a seller's sales) is matched with records of side B (declared
imports, the buyer's purchases) of the same group (trader and substance, pair of operators
and substance):

1. **By document**: records carrying the same document number (`parties.document_key`)
   dated within `DOCUMENT_SLACK_DAYS` of each other match, quantity for quantity; a record
   listing several documents matches the records of all of them together.
2. **Within the lag window**: what is left is matched in date order, a B record dated
   from `before_days` before to `after_days` after an A record covering it (earliest A
   first, partial quantities allowed: one invoice received in two deliveries, two
   invoices in one).
3. **Within the month**: what is still left is matched against the other side's remainders
   of the same calendar month (a clerk declaring a month's purchases from a supplier as one
   line dated the last day).
4. **Within tolerance**: a record left with less than `tolerance_pct` of its quantity
   unmatched counts as matched (rounding, densities, tonnes written as kg).

What stays unmatched after that is the quantity a cross-check may report. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Two records with the same document number are the same goods if dated this close.
DOCUMENT_SLACK_DAYS = 45
MATCH_COLUMNS = ("matched_kg", "unmatched_kg", "match_how", "lag_days")


@dataclass(frozen=True)
class Window:
    """How far the B record of the same goods may be dated before or after the A record."""

    before_days: int
    after_days: int
    tolerance_pct: float = 5.0


def reconcile(a: pd.DataFrame, b: pd.DataFrame, *, group: list[str],
              window: Window) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match side A with side B per group; return both with MATCH_COLUMNS added.

    Both frames need the group columns, `date`, `qty` (kg) and `doc_key` ('' when none).
    `match_how` is 'document', 'window', 'period', 'tolerance' or '' (unmatched); `lag_days` is the
    largest gap, in days, between a record and what it was matched with. A record with a
    missing group value matches nothing.
    """
    a = _start(a)
    b = _start(b)
    if a.empty or b.empty:
        return _finish(a), _finish(b)
    # Each group as one integer, the same on both sides: grouping and joining by it instead
    # of by the group's text columns.
    group_a, group_b = joint_codes([a[c] for c in group], [b[c] for c in group])
    _by_document(a, b, group_a, group_b)
    _by_window(a, b, group_a, group_b, window)
    _by_period(a, b, group_a, group_b)
    return _finish(a, window.tolerance_pct), _finish(b, window.tolerance_pct)


def joint_codes(columns_a: list, columns_b: list) -> tuple[np.ndarray, np.ndarray]:
    """Return one code per row for the tuple of its columns, equal tuples equal codes on both
    sides; -1 where a value is missing."""
    size = len(columns_a[0])
    combined = np.zeros(size + len(columns_b[0]), dtype=np.int64)
    missing = np.zeros(len(combined), dtype=bool)
    for left, right in zip(columns_a, columns_b, strict=True):
        codes, uniques = pd.factorize(np.concatenate([np.asarray(left, dtype=object),
                                                      np.asarray(right, dtype=object)]))
        missing |= codes < 0
        combined, _ = pd.factorize(combined * (len(uniques) + 1) + codes + 1)
    combined[missing] = -1
    return combined[:size], combined[size:]


def _start(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with nothing matched yet."""
    out = frame.reset_index(drop=True).copy()
    out["left"] = out["qty"].astype(float).clip(lower=0.0)
    out["match_how"] = ""
    out["lag_days"] = 0
    return out


def _compound_documents(a: pd.DataFrame, b: pd.DataFrame, group_a: np.ndarray,
                        group_b: np.ndarray) -> None:
    """Give a record listing several documents' key to the records of each one it lists.

    A buyer that received two invoices in one delivery writes both (`F004-35054 /
    F4-35110`); the seller's two lines then match it together, as one document.
    """
    docs = np.concatenate([a["doc_key"].to_numpy(dtype=object),
                           b["doc_key"].to_numpy(dtype=object)])
    several = pd.Series(docs).str.contains("+", regex=False).to_numpy(dtype=bool)
    if not several.any():
        return
    keyed = pd.DataFrame({"group": np.concatenate([group_a, group_b])[several],
                          "doc_key": docs[several]}).drop_duplicates()
    members = keyed.assign(part=keyed["doc_key"].str.split("+")).explode("part")
    members = members.drop_duplicates(["group", "part"]).set_index(["group", "part"])["doc_key"]
    for frame, codes in ((a, group_a), (b, group_b)):
        single = (~frame["doc_key"].str.contains("+", regex=False)
                  & (frame["doc_key"] != "")).to_numpy(dtype=bool)
        if not single.any():
            continue
        at = pd.MultiIndex.from_arrays([codes[single],
                                        frame["doc_key"].to_numpy(dtype=object)[single]])
        found = members.reindex(at).to_numpy()
        hit = pd.notna(found)
        index = frame.index[single][hit]
        frame.loc[index, "doc_key"] = found[hit]


def _by_document(a: pd.DataFrame, b: pd.DataFrame, group_a: np.ndarray,
                 group_b: np.ndarray) -> None:
    """Match records that carry the same document number, within the document slack."""
    _compound_documents(a, b, group_a, group_b)
    key_a, key_b = joint_codes([group_a, a["doc_key"]], [group_b, b["doc_key"]])
    for frame, key, codes in ((a, key_a, group_a), (b, key_b, group_b)):
        key[(frame["doc_key"].to_numpy(dtype=object) == "") | (codes < 0)] = -1
    use_a, use_b = key_a >= 0, key_b >= 0
    if not use_a.any() or not use_b.any():
        return
    sums_a = a[use_a].groupby(key_a[use_a], sort=False).agg(qa=("left", "sum"),
                                                           da=("date", "mean"))
    sums_b = b[use_b].groupby(key_b[use_b], sort=False).agg(qb=("left", "sum"),
                                                           db=("date", "mean"))
    both = sums_a.join(sums_b, how="inner")
    if both.empty:
        return
    gap = (both["da"] - both["db"]).abs().dt.days
    both = both[gap <= DOCUMENT_SLACK_DAYS]
    both = both.assign(matched=np.minimum(both["qa"], both["qb"]), gap=gap)
    for frame, total, key in ((a, "qa", key_a), (b, "qb", key_b)):
        share = (both["matched"] / both[total].where(both[total] > 0)).fillna(0.0)
        factor = share.reindex(key).to_numpy()
        hit = ~np.isnan(factor)
        taken = np.where(hit, frame["left"].to_numpy() * np.nan_to_num(factor), 0.0)
        frame["left"] = frame["left"].to_numpy() - taken
        frame.loc[hit & (taken > 0), "match_how"] = "document"
        lags = both["gap"].reindex(key).to_numpy()
        frame.loc[hit, "lag_days"] = np.nan_to_num(lags[hit]).astype(int)


def _by_window(a: pd.DataFrame, b: pd.DataFrame, group_a: np.ndarray, group_b: np.ndarray,
               window: Window) -> None:
    """Match what is left in date order, B within [A - before, A + after]."""
    a_left, b_left = a["left"].to_numpy().copy(), b["left"].to_numpy().copy()
    open_a = np.flatnonzero((a_left > 1e-9) & (group_a >= 0))
    open_b = np.flatnonzero((b_left > 1e-9) & (group_b >= 0))
    if not len(open_a) or not len(open_b):
        return
    a_days = a["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    b_days = b["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    a_lag, b_lag = a["lag_days"].to_numpy().copy(), b["lag_days"].to_numpy().copy()
    a_how, b_how = a["match_how"].to_numpy().copy(), b["match_how"].to_numpy().copy()
    # Each side's open records by group, then date (stable: earlier rows first on a tie).
    open_a = open_a[np.lexsort((a_days[open_a], group_a[open_a]))]
    open_b = open_b[np.lexsort((b_days[open_b], group_b[open_b]))]
    groups_a, starts_a = np.unique(group_a[open_a], return_index=True)
    ends_a = np.append(starts_a[1:], len(open_a))
    sorted_b = group_b[open_b]
    for key, start, end in zip(groups_a, starts_a, ends_a, strict=True):
        low, high = np.searchsorted(sorted_b, key, "left"), np.searchsorted(sorted_b, key, "right")
        if low == high:
            continue
        order_a = open_a[start:end]
        first = 0
        for j in open_b[low:high]:
            day = b_days[j]
            while first < len(order_a) and (a_days[order_a[first]] < day - window.after_days
                                            or a_left[order_a[first]] <= 1e-9):
                first += 1
            k = first
            while b_left[j] > 1e-9 and k < len(order_a):
                i = order_a[k]
                if a_days[i] > day + window.before_days:
                    break
                take = min(a_left[i], b_left[j])
                if take > 0:
                    a_left[i] -= take
                    b_left[j] -= take
                    gap = int(abs(day - a_days[i]))
                    a_lag[i], b_lag[j] = max(a_lag[i], gap), max(b_lag[j], gap)
                    a_how[i] = a_how[i] or "window"
                    b_how[j] = b_how[j] or "window"
                k += 1
    a["left"], b["left"] = a_left, b_left
    a["lag_days"], b["lag_days"] = a_lag, b_lag
    a["match_how"], b["match_how"] = a_how, b_how


def _by_period(a: pd.DataFrame, b: pd.DataFrame, group_a: np.ndarray,
               group_b: np.ndarray) -> None:
    """Match what is still left within the same calendar month, quantity for quantity.

    A clerk who declares a month's purchases from a supplier as one line dated the last day
    leaves the supplier's early invoices outside any lag window; the month's totals still
    agree. Each side's remainders of a group and month are reduced in proportion.
    """
    month_a = a["date"].to_numpy(dtype="datetime64[M]")
    month_b = b["date"].to_numpy(dtype="datetime64[M]")
    open_a = (a["left"].to_numpy() > 1e-9) & (group_a >= 0) & ~np.isnat(month_a)
    open_b = (b["left"].to_numpy() > 1e-9) & (group_b >= 0) & ~np.isnat(month_b)
    if not open_a.any() or not open_b.any():
        return
    # A group and month as one number (months since 1970 stay far below 2**16).
    key_a = (group_a << 16) + month_a.astype(np.int64)
    key_b = (group_b << 16) + month_b.astype(np.int64)
    left_a = a.loc[open_a, "left"].groupby(key_a[open_a]).sum().rename("qa")
    left_b = b.loc[open_b, "left"].groupby(key_b[open_b]).sum().rename("qb")
    sums = left_a.to_frame().join(left_b, how="inner")
    if sums.empty:
        return
    matched = np.minimum(sums["qa"], sums["qb"])
    for frame, rows, key, total in ((a, open_a, key_a, "qa"), (b, open_b, key_b, "qb")):
        share = (matched / sums[total]).reindex(key[rows]).to_numpy()
        hit = ~np.isnan(share)
        index = frame.index[rows][hit]
        frame.loc[index, "left"] = frame.loc[index, "left"] * (1 - share[hit])
        unset = frame.loc[index, "match_how"] == ""
        frame.loc[index[unset.to_numpy()], "match_how"] = "period"


def _finish(frame: pd.DataFrame, tolerance_pct: float = 0.0) -> pd.DataFrame:
    """Turn what is left into matched and unmatched kg, forgiving small remainders."""
    qty = frame["qty"].astype(float).clip(lower=0.0)
    left = frame["left"].clip(lower=0.0)
    small = (left > 0) & (left <= qty * tolerance_pct / 100)
    frame.loc[small & (frame["match_how"] == ""), "match_how"] = "tolerance"
    left = left.where(~small, 0.0)
    frame["matched_kg"] = qty - left
    frame["unmatched_kg"] = left
    return frame.drop(columns="left")
