"""Peer groups (sector, activity) and the seasonal profile of each group's acquisitions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.detection.base.common import fill_text
from app.detection.statistics.panel import Panel

# A member's month counts at most this many times its own average in the group profile,
# so one operator's surge cannot make a season for its whole sector.
PROFILE_CAP = 4.0
# Seasonal indices are kept within these bounds: no month is expected to be empty, and
# none to be more than five times the average month.
INDEX_FLOOR, INDEX_CEILING = 0.2, 5.0


def describe_operators(pairs: pd.DataFrame, operators: pd.DataFrame) -> pd.DataFrame:
    """Return the pairs with each operator's sector and sorted activity set."""
    info = operators.drop_duplicates("licence_no").set_index("licence_no")
    code = fill_text(info["sector_code"])
    sector = code.where(code != "", fill_text(info["sector"]))
    activities = fill_text(info["activities"]).map(
        lambda text: "|".join(sorted(a.strip() for a in text.split("|") if a.strip())))
    pairs = pairs.copy()
    pairs["sector"] = pairs["licence_no"].map(sector).fillna("").astype(str)
    pairs["activity"] = pairs["licence_no"].map(activities).fillna("").astype(str)
    return pairs


def assign_groups(pairs: pd.DataFrame, members: np.ndarray, min_size: int) -> pd.DataFrame:
    """Give each pair its peer group: sector × activity × substance, else activity × substance.

    Only `members` (a boolean mask: pairs with enough data) count towards a group's size;
    a sector group smaller than `min_size` falls back to the activity group, and an
    activity group smaller than that leaves the pair without peers (group "").
    """
    fine = pairs["sector"] + " · " + pairs["activity"] + " · " + pairs["substance_code"]
    broad = pairs["activity"] + " · " + pairs["substance_code"]
    fine_size = fine[members].value_counts()
    broad_size = broad[members].value_counts()
    fine_n = fine.map(fine_size).fillna(0).astype(int)
    broad_n = broad.map(broad_size).fillna(0).astype(int)
    use_fine = (pairs["sector"] != "") & (fine_n >= min_size)
    use_broad = ~use_fine & (broad_n >= min_size)
    result = pairs.copy()
    result["fine"], result["broad"] = fine.to_numpy(), broad.to_numpy()
    result["group"] = np.where(use_fine, fine, np.where(use_broad, broad, ""))
    result["group_kind"] = np.where(use_fine, "sector", np.where(use_broad, "activity", ""))
    result["group_size"] = np.where(use_fine, fine_n, np.where(use_broad, broad_n, 0))
    return result


def seasonal_index(panel: Panel, groups: pd.Series) -> np.ndarray:
    """Return each pair's expected share of an average month, per column (1.0 = flat).

    A group's profile is the mean, over its members and years, of each member's month
    divided by that member's own average month (capped), normalised to average 1.
    """
    values = panel.values
    n_pairs, n_months = values.shape
    index = np.ones((n_pairs, n_months))
    if n_pairs == 0 or n_months == 0:
        return index
    level = row_mean(values)
    grouped = groups.to_numpy() != ""
    usable = grouped & (level > 0)
    if not usable.any():
        return index
    calendar = (panel.first + np.arange(n_months)) % 12
    ratio = np.minimum(values[usable] / level[usable, None], PROFILE_CAP)
    codes, names = pd.factorize(groups.to_numpy()[usable])
    rows = np.repeat(codes, n_months)
    months = np.tile(calendar, usable.sum())
    flat = ratio.ravel()
    ok = np.isfinite(flat)
    key = rows[ok] * 12 + months[ok]
    sums = np.bincount(key, weights=flat[ok], minlength=len(names) * 12)
    counts = np.bincount(key, minlength=len(names) * 12)
    profile = np.divide(sums, counts, out=np.full(len(sums), np.nan), where=counts > 0)
    profile = profile.reshape(len(names), 12)
    with np.errstate(divide="ignore", invalid="ignore"):
        profile = np.nan_to_num(profile / row_mean(profile)[:, None], nan=1.0, posinf=1.0)
    # A season is a matter of quarters: a circular [1, 2, 1] filter removes the every-other-
    # month rhythm of members that buy in lots, and keeps peaks of two months or more.
    profile = (np.roll(profile, 1, axis=1) + 2 * profile + np.roll(profile, -1, axis=1)) / 4
    profile = np.clip(profile, INDEX_FLOOR, INDEX_CEILING)
    all_codes = pd.Index(names).get_indexer(groups.to_numpy())
    has = all_codes >= 0
    index[has] = profile[all_codes[has]][:, calendar]
    return index


def row_mean(values: np.ndarray) -> np.ndarray:
    """Return the mean of each row over its known (non-NaN) values; 0 for an empty row."""
    known = np.isfinite(values)
    count = known.sum(axis=1)
    total = np.where(known, values, 0.0).sum(axis=1)
    return np.divide(total, count, out=np.zeros(len(values)), where=count > 0)
