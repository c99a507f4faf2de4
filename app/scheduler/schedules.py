"""Read a schedule setting into an APScheduler trigger, with a clear message when it is wrong."""

from __future__ import annotations

import re

UNITS = {"second": "seconds", "minute": "minutes", "hour": "hours", "day": "days"}
EVERY = re.compile(r"^every\s+(\d+)\s+(second|minute|hour|day)s?$", re.IGNORECASE)


class ScheduleError(ValueError):
    """A schedule setting that cannot be read."""


def trigger_for(schedule: str, *, setting: str, timezone=None):
    """Return the trigger of a schedule, None for `off`; raise ScheduleError naming the setting."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    text = schedule.strip()
    if text.lower() in ("off", "no", "none", "0"):
        return None
    every = EVERY.match(text)
    if every:
        amount = int(every.group(1))
        if amount < 1:
            raise ScheduleError(f"{setting}: 'every' needs at least 1, got {text!r}")
        return IntervalTrigger(**{UNITS[every.group(2).lower()]: amount}, timezone=timezone)
    if len(text.split()) != 5:
        raise ScheduleError(
            f"{setting}: write a crontab line of 5 fields (minute hour day month weekday, "
            f"e.g. '0 2 * * *'), 'every N minutes' or 'off'; got {text!r}")
    try:
        return CronTrigger.from_crontab(text, timezone=timezone)
    except ValueError as problem:
        raise ScheduleError(f"{setting}: {problem} in {text!r}") from None
