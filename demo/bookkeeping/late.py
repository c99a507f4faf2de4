"""Declarations sent after their deadline: late, not missing.

The demo country's declarations are due 15 days after the period ends (the deadline the
shipped `missing_declaration` rule assumes). The monthly files arrive ten days after the
period; a late filer sends some periods in a file of its own, days to weeks after the
deadline. Every declaration is sent within the window, so none is missing at its end.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from demo.bookkeeping.clerks import Clerk
from demo.market import Calendar

DEADLINE_DAYS = 15
MONTHLY_SENT_DAYS = 10
LATEST_DAYS = 75  # how late a late declaration comes, at most, after its deadline


def deadline(cal: Calendar, t: int) -> date:
    """Return the day the declaration of month t is due."""
    return cal.end(t) + timedelta(days=DEADLINE_DAYS)


def monthly_sent_on(cal: Calendar, t: int) -> date:
    """Return the day the monthly files of month t are sent (on time)."""
    return cal.end(t) + timedelta(days=MONTHLY_SENT_DAYS)


def late_day(cal: Calendar, t: int, rng: np.random.Generator, *, at_least: int = 1) -> date:
    """Return a day after month t's deadline, no later than the window's last day."""
    due = deadline(cal, t)
    latest = min(due + timedelta(days=LATEST_DAYS), cal.end(len(cal) - 1))
    room = max(at_least, (latest - due).days)
    return due + timedelta(days=int(rng.integers(at_least, room + 1)))


def choose_late(lines: pd.DataFrame, cal: Calendar, clerks: dict[str, Clerk], touched: set[str],
                rng: np.random.Generator) -> list[dict]:
    """Choose the (licence, month) declarations sent late, and the day each was sent."""
    pairs = lines[["licence_no", "t"]].drop_duplicates().sort_values(["licence_no", "t"])
    entries = []
    for licence, t in pairs.itertuples(index=False):
        clerk = clerks[licence]
        if not clerk.late or licence in touched or t > len(cal) - 3:
            continue
        if rng.random() < clerk.late:
            entries.append({"licence_no": licence, "period": cal.periods[int(t)], "t": int(t),
                            "deadline": deadline(cal, int(t)),
                            "sent_on": late_day(cal, int(t), rng)})
    return entries
