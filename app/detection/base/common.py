"""Helpers the kinds share: periods, evidence lists, tolerances. All vectorised."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from app.detection.base.kind import Param
from app.detection.base.summary import format_kg, month_end

# An alert cites at most this many rows per table (the largest ones); the total is kept
# in the measures. A national figure can rest on 100,000 lines nobody would open.
MAX_EVIDENCE = 500


def tolerance_params(kg: float, pct: float, what: str) -> dict[str, Param]:
    """Return the usual pair of tolerances: both must be exceeded for a finding."""
    return {
        "tolerance_kg": Param("number", kg, f"difference in kg {what} tolerated", "kg", minimum=0),
        "tolerance_pct": Param(
            "number", pct, f"difference as % of the larger figure {what} tolerated", "%",
            minimum=0, maximum=100,
        ),
    }


def period_param(default: str, over: str) -> Param:
    """Return the period parameter: month, quarter or year."""
    return Param("choice", default, f"length of the periods over which {over}",
                 choices=("month", "quarter", "year"))


def period_start(dates: pd.Series, period: str) -> pd.Series:
    """Return the first day of the month, quarter or year of each date."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    if period == "year":
        floored = values.astype("datetime64[Y]")
    else:
        months = values.astype("datetime64[M]")
        if period == "quarter":
            index = months.astype(np.int64)
            months = (index - index % 3).astype("datetime64[M]")
        floored = months
    return pd.Series(floored.astype("datetime64[ns]"), index=dates.index)


def shift_months(dates: pd.Series, months: int) -> pd.Series:
    """Return first-of-month dates moved by a number of months."""
    values = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]") + months
    return pd.Series(values.astype("datetime64[ns]"), index=dates.index)


def period_end(start: date, period: str) -> date:
    """Return the last day of the period starting on a date."""
    if period == "year":
        return date(start.year, 12, 31)
    months = 3 if period == "quarter" else 1
    last_month = date(start.year + (start.month + months - 2) // 12,
                      (start.month + months - 2) % 12 + 1, 1)
    return month_end(last_month)


def as_date(value: object) -> date:
    """Return a pandas timestamp (or date) as a plain date."""
    return pd.Timestamp(value).date()


def exceeds(diff: pd.Series, left: pd.Series, right: pd.Series, kg: float, pct: float) -> pd.Series:
    """Return where a difference passes both tolerances: kg, and % of the larger figure."""
    larger = np.maximum(left.abs(), right.abs())
    share = np.where(larger > 0, diff.abs() / larger.where(larger > 0, 1.0) * 100, 0.0)
    return (diff.abs() > kg) & (share > pct)


def evidence_ids(
    rows: pd.DataFrame, keys: Sequence[str], id_column: str, weight: str | None = None,
    limit: int = MAX_EVIDENCE,
) -> dict[tuple, tuple[int, ...]]:
    """Group row ids by keys (the largest rows first, capped), sorting once for all groups."""
    if rows.empty:
        return {}
    keys = list(keys)
    columns = [*keys, id_column] + ([weight] if weight else [])
    ordered = rows[columns]
    if weight:
        ordered = ordered.sort_values(weight, ascending=False, kind="stable")
        rank = ordered.groupby(keys, sort=False, dropna=False).cumcount()
        ordered = ordered[rank.to_numpy() < limit]
    # One sort by group, then one split: no per-group pandas work.
    codes = ordered.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    chunks = np.split(ordered[id_column].to_numpy().astype(np.int64)[order], bounds)
    firsts = order[np.r_[0, bounds]]
    heads = ordered[keys].iloc[firsts].itertuples(index=False, name=None)
    return {
        tuple(_nan_to_none(k) for k in head): tuple(np.sort(chunk).tolist())
        for head, chunk in zip(heads, chunks, strict=True)
    }


def group_counts(rows: pd.DataFrame, keys: Sequence[str]) -> dict[tuple, int]:
    """Return how many rows each group holds."""
    if rows.empty:
        return {}
    sizes = rows.groupby(list(keys), sort=False, dropna=False).size()
    return {
        tuple(_nan_to_none(k) for k in (key if isinstance(key, tuple) else (key,))): int(n)
        for key, n in sizes.items()
    }


def capped_note(total: int, shown: int) -> list[str]:
    """Return a trace sentence when the evidence list was cut to its largest rows."""
    if total <= shown:
        return []
    return [f"The evidence lists the {shown:,} largest of {total:,} rows."]


def kg(value: float) -> str:
    """Format kg for trace sentences."""
    return f"{format_kg(value)} kg"


def _nan_to_none(value: object) -> object:
    if isinstance(value, float) and value != value:  # NaN is the one value unequal to itself
        return None
    return value


def fill_text(series: pd.Series) -> pd.Series:
    """Return a text column with missing values as empty strings (never NaN)."""
    return series.astype(object).where(series.notna(), "").astype(str)


def month_index(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Return months since 1970 of dates (January 1970 is 0)."""
    values = np.asarray(dates, dtype="datetime64[ns]")
    return values.astype("datetime64[M]").astype(np.int64)


class DeclaredMonths:
    """Which months each operator declared, to tell silence from not having declared yet."""

    def __init__(self, both: pd.DataFrame) -> None:
        """`both`: licence_no and period of the declarations and lines (`declared_periods`)."""
        codes, self._licences = pd.factorize(both["licence_no"].astype(object))
        self._index = {lic: i for i, lic in enumerate(self._licences)}
        keys = codes.astype(np.int64) * 100_000 + month_index(both["period"])
        self._keys = np.unique(keys[codes >= 0])

    def covers(self, licences: pd.Series, first: pd.Series, last: pd.Series) -> np.ndarray:
        """Tell, per row, whether the licence declared every month from first to last."""
        code = licences.map(self._index).to_numpy(dtype=float)
        known = ~np.isnan(code)
        code = np.nan_to_num(code).astype(np.int64) * 100_000
        start, stop = month_index(first), month_index(last)
        found = (np.searchsorted(self._keys, code + stop, side="right")
                 - np.searchsorted(self._keys, code + start, side="left"))
        return known & (found == stop - start + 1)
