"""The licensing question for millions of movements, asked once per span of licence state.

A licence line's answer can only change on a valid_from, the day after a valid_to, or
the day a new version takes effect. So the book is asked once per (licence, substance,
activity needed) and per such breakpoint, and every movement picks up the answer of the
span its date falls in (an as-of join), instead of asking the book once per line.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from app.registry.licensing import REASONS, LicenceBook, LicenceCheck
from lexicon.activities import SELLING_ACTIVITIES

# The activity each movement needs. Selling needs a licence that lets the operator hold
# the substance as goods for trade: distributors, manufacturers (selling what they make)
# and importers (selling what they import). End users, pharma and laboratories acquire
# for their own use, so a sale by them is itself a red flag. Acquiring, consuming or
# losing a substance needs a valid licence for it, whatever the activity.
NEEDED_ACTIVITY = {
    "import": "importer",
    "export": "exporter",
    "production": "manufacturer",
    "sale": "seller",
    "purchase": "any",
    "consumption": "any",
    "loss": "any",
}
_FLOOR = date(1900, 1, 1)


def answer(book: LicenceBook, licence_no: str, substance: str, need: str, on: date) -> LicenceCheck:
    """Answer the licensing question for one activity need (seller = any selling activity)."""
    if need == "any":
        return book.check(licence_no, substance, None, on)
    if need != "seller":
        return book.check(licence_no, substance, need, on)
    checks = [book.check(licence_no, substance, a, on) for a in SELLING_ACTIVITIES]
    best = min(checks, key=lambda c: REASONS.index(c.reason))
    if best.reason == "activity_not_licensed" and ", not as " in best.message:
        head = best.message.rsplit(", not as ", 1)[0]
        message = f"{head}, which does not allow selling it (distributor, manufacturer or importer)"
        return LicenceCheck(best.licensed, best.reason, message, best.licence_no,
                            best.substance_code, best.on, best.licence_id, best.annual_quota_kg)
    return best


def breakpoints(book: LicenceBook) -> dict[tuple[str, str], list[date]]:
    """Return, per (licence, substance), the days on which the licensing answer may change."""
    days: dict[tuple[str, str], set[date]] = {}
    for state in book.states():
        found = days.setdefault((state.licence_no, state.substance_code), {_FLOOR})
        found.add(state.valid_from)
        if state.valid_to < date.max:  # 31/12/9999: open-ended, the answer never ends
            found.add(state.valid_to + timedelta(days=1))
        if state.effective_from is not None:
            found.add(state.effective_from)
    return {key: sorted(found) for key, found in days.items()}


def check_rows(
    book: LicenceBook, rows: pd.DataFrame, licence: str, substance: str, need: str, on: str,
) -> pd.DataFrame:
    """Return licensed / reason / message for every row, aligned with the rows' index."""
    if rows.empty:
        return pd.DataFrame({"licensed": pd.Series(dtype=bool), "reason": pd.Series(dtype=object),
                             "message": pd.Series(dtype=object)}, index=rows.index)
    keys = [licence, substance, need]
    codes = rows.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(rows))).groupby(codes).first().to_numpy()
    unique = rows[keys].iloc[first]
    spans = breakpoints(book)
    records = []
    for code, (lic, sub, act) in enumerate(unique.itertuples(index=False, name=None)):
        for start in spans.get((lic, sub), [_FLOOR]):
            result = answer(book, lic, sub, act, start)
            records.append((code, pd.Timestamp(start), result.licensed, result.reason,
                            result.message))
    segments = pd.DataFrame.from_records(
        records, columns=["code", "span_start", "licensed", "reason", "message"]
    )
    segments["span_start"] = segments["span_start"].astype("datetime64[ns]")
    segments = segments.sort_values("span_start", kind="stable")
    left = pd.DataFrame({
        "code": codes,
        "on": rows[on].to_numpy(dtype="datetime64[ns]"),
        "position": np.arange(len(rows)),
    }).sort_values("on", kind="stable")
    joined = pd.merge_asof(left, segments, left_on="on", right_on="span_start", by="code")
    joined = joined.sort_values("position")
    return pd.DataFrame({
        "licensed": joined["licensed"].astype(bool).to_numpy(),
        "reason": joined["reason"].to_numpy(),
        "message": joined["message"].to_numpy(),
    }, index=rows.index)
