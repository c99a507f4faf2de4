"""Monthly acquisitions of every operator and substance as one matrix (pure, vectorised).

Rows are (licence, substance) pairs, columns are calendar months. A month the operator
declared (any line, or an empty declaration) without acquisitions holds 0; a month it did
not declare, or before the pair's first line, holds NaN: unknown is not zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from app.detection.data import DetectionData


def month_index(dates: pd.Series) -> np.ndarray:
    """Return months since year 0 (year × 12 + month − 1) of each date."""
    values = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    return values + 1970 * 12


def month_date(index: int) -> date:
    """Return the first day of a month index."""
    return date(int(index) // 12, int(index) % 12 + 1, 1)


@dataclass
class Panel:
    """Monthly kg of pure substance acquired, per (licence, substance) pair and month."""

    pairs: pd.DataFrame  # licence_no, substance_code, plus group columns added later
    first: int  # month index of column 0
    values: np.ndarray  # pairs × months, NaN where the month is unknown
    rows: pd.DataFrame  # the acquisition lines: line_id, quantity_kg, pair, month

    @property
    def months(self) -> int:
        """Return how many months (columns) the panel spans."""
        return self.values.shape[1]

    def label(self, column: int) -> date:
        """Return the first day of a column's month."""
        return month_date(self.first + column)


def build_panel(data: DetectionData, movements: tuple[str, ...]) -> Panel:
    """Build the monthly acquisitions matrix from the declaration lines (cached per frame)."""
    key = (id(data.lines), id(data.declarations), tuple(movements))
    cached = _CACHE.get("panel")
    if cached is not None and cached[0] == key and cached[1] is data.lines \
            and cached[2] is data.declarations:
        return cached[3]
    panel = _build(data, tuple(movements))
    _CACHE["panel"] = (key, data.lines, data.declarations, panel)
    return panel


# The statistical rules of one run read the same lines: the last panel is kept (with the
# frames it came from, so a new frame at a reused address is never mistaken for it).
_CACHE: dict[str, tuple] = {}


def _build(data: DetectionData, movements: tuple[str, ...]) -> Panel:
    """Build the monthly acquisitions matrix from the declaration lines."""
    lines = data.lines
    if lines.empty:
        empty = pd.DataFrame({"licence_no": [], "substance_code": []})
        return Panel(empty, 0, np.zeros((0, 0)), lines.iloc[0:0])
    lines = lines[lines["substance_code"].notna() & lines["licence_no"].notna()]
    month = month_index(lines["period"])
    lic_codes, licences = pd.factorize(lines["licence_no"])
    sub_codes, substances = pd.factorize(lines["substance_code"])
    combined = lic_codes.astype(np.int64) * len(substances) + sub_codes
    unique, pair = np.unique(combined, return_inverse=True)
    licence_codes = unique // len(substances)
    pairs = pd.DataFrame({
        "licence_no": np.asarray(licences, dtype=object)[licence_codes],
        "substance_code": np.asarray(substances, dtype=object)[unique % len(substances)],
    })
    first, last = int(month.min()), int(month.max())
    declared = data.declarations
    if not declared.empty:
        declared_months = month_index(declared["period"])
        last = max(last, int(declared_months.max()))
    n_months = last - first + 1
    # Months each licence declared anything: its lines, or an empty declaration.
    seen = np.zeros((len(licences), n_months), dtype=bool)
    seen[lic_codes, month - first] = True
    if not declared.empty:
        known = pd.Index(licences).get_indexer(declared["licence_no"])
        inside = (known >= 0) & (declared_months >= first)
        seen[known[inside], declared_months[inside] - first] = True
    start = np.full(len(pairs), n_months, dtype=np.int64)
    np.minimum.at(start, pair, month - first)
    columns = np.arange(n_months)
    known_month = seen[licence_codes] & (columns[None, :] >= start[:, None])
    wanted = lines["movement"].isin(movements).to_numpy()
    qty = lines["quantity_kg"].to_numpy(dtype=float)
    flat = np.bincount(pair[wanted] * n_months + (month[wanted] - first),
                       weights=np.nan_to_num(qty[wanted]), minlength=len(pairs) * n_months)
    values = flat.reshape(len(pairs), n_months)
    values[~known_month] = np.nan
    rows = pd.DataFrame({
        "line_id": lines["line_id"].to_numpy()[wanted], "quantity_kg": qty[wanted],
        "pair": pair[wanted], "month": month[wanted] - first,
    })
    return Panel(pairs, first, values, rows)


def window_evidence(panel: Panel, pair: int, start: int, end: int, limit: int = 500) -> tuple:
    """Return the line ids of one pair's acquisitions in columns start..end (largest first)."""
    index = getattr(panel, "_by_pair", None)
    if index is None:
        rows = panel.rows
        order = np.argsort(rows["pair"].to_numpy(), kind="stable")
        bounds = np.searchsorted(rows["pair"].to_numpy()[order], np.arange(len(panel.pairs) + 1))
        index = (order, bounds, rows["month"].to_numpy()[order],
                 rows["quantity_kg"].to_numpy()[order], rows["line_id"].to_numpy()[order])
        panel._by_pair = index  # type: ignore[attr-defined]
    _order, bounds, months, qty, ids = index
    chunk = slice(bounds[pair], bounds[pair + 1])
    inside = (months[chunk] >= start) & (months[chunk] <= end)
    picked_qty, picked_ids = qty[chunk][inside], ids[chunk][inside]
    picked_ids = picked_ids[np.argsort(-picked_qty, kind="stable")][:limit]
    return tuple(sorted(int(i) for i in picked_ids))
