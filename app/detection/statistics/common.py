"""What the statistical kinds share: raised quotas, number words, month windows, fields."""

from __future__ import annotations

from datetime import date, timedelta

from app.detection.base.summary import month_end
from app.registry.licensing import LicenceBook

# Summary fields every statistical kind offers rule writers.
STAT_FIELDS = {
    "z": "robust z-score: how many spreads above the expected value (e.g. 4.2)",
    "p_value": "one-sided p-value of the test (e.g. 0.0001)",
    "compared_with": "what the operator was compared with, in words",
}


def format_p(p: float) -> str:
    """Format a p-value for people: 0.003, 2e-06."""
    if p >= 0.001:
        return f"{p:.3f}"
    return f"{p:.0e}"


def stat_fields(z: float, p: float, compared_with: str) -> dict[str, str]:
    """Return the summary fields of a statistical finding."""
    return {"z": f"{z:.1f}", "p_value": format_p(p), "compared_with": compared_with}


def stat_measures(*, p: float, z: float, q: float, expected: float, spread: float,
                  group: str, tests: int, statistic: float | None = None,
                  **extra: float | str | None) -> dict[str, float | str | None]:
    """Return the measures every statistical finding carries (the alert score reads them)."""
    return {"p_value": p, "z": z, "statistic": z if statistic is None else statistic,
            "q_value": q, "expected": expected, "spread": spread, "group": group,
            **extra, "tests": tests}


def month_window(first: date, months: int) -> tuple[date, date]:
    """Return the first and last day of `months` months starting at `first`."""
    index = first.year * 12 + first.month - 1 + months - 1
    return first, month_end(date(index // 12, index % 12 + 1, 1))


def month_span(first: date, last: date) -> str:
    """Name a span of months: 'Mar 2025–Feb 2026'."""
    return f"{first:%b %Y}–{last:%b %Y}" if first != last else f"{first:%b %Y}"


def quota_raises(book: LicenceBook) -> dict[tuple[str, str], list[tuple[date, float]]]:
    """Return, per licence and substance, the dates the quota was raised and the new quota."""
    raises: dict[tuple[str, str], list[tuple[date, float]]] = {}
    by_line: dict[tuple[str, str, int], list] = {}
    for state in book.states():
        by_line.setdefault((state.licence_no, state.substance_code, state.licence_id),
                           []).append(state)
    for (licence_no, substance, _line), versions in by_line.items():
        versions.sort(key=lambda s: s.version)
        for before, after in zip(versions, versions[1:], strict=False):
            old, new = before.annual_quota_kg, after.annual_quota_kg
            if after.effective_from is None or new is None:
                continue
            if old is None or new > old:
                raises.setdefault((licence_no, substance), []).append(
                    (after.effective_from, float(new)))
    return raises


def recent_raise(raises: list[tuple[date, float]], start: date, end: date,
                 days: int) -> tuple[date, float] | None:
    """Return a quota raise that took effect up to `days` before a window, or within it."""
    for when, quota in raises:
        if start - timedelta(days=days) <= when <= end:
            return when, quota
    return None
