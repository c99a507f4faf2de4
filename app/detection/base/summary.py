"""Summary sentences: number and window formatting, template checking and rendering."""

from __future__ import annotations

import calendar
import math
import string
from datetime import date

_FORMATTER = string.Formatter()


def format_kg(value: float | None) -> str:
    """Format a quantity with thousands separators: 12,400 or 0.25."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    # Small quantities matter for ephedrine and the like: keep two decimals, trim zeros.
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_pct(observed: float | None, expected: float | None) -> str:
    """Format observed as a percentage of expected (155%); n/a when undefined."""
    if observed is None or expected is None or expected == 0:
        return "n/a"
    return f"{observed / expected * 100:,.0f}%"


def month_end(day: date) -> date:
    """Return the last day of the month of a date."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def window_label(start: date, end: date) -> str:
    """Name a window the way people say it: 2025, March 2025, Q1 2025, or a range."""
    if start == end:
        return start.isoformat()
    if start.day == 1 and end == month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return f"{calendar.month_name[start.month]} {start.year}"
        if months == 3 and start.month % 3 == 1:
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        if months == 12 and start.month == 1:
            return str(start.year)
        return (f"{calendar.month_name[start.month]} {start.year} to "
                f"{calendar.month_name[end.month]} {end.year}")
    return f"{start.isoformat()} to {end.isoformat()}"


def template_problems(template: str, allowed: dict[str, str]) -> list[str]:
    """Return what is wrong with a summary template: unknown fields, bad braces."""
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError as exc:
        return [f"summary template is malformed ({exc}); write fields as {{name}}, "
                "and a literal brace as {{ or }}"]
    problems = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            problems.append(f"unknown field {{{name}}} in summary; allowed: "
                            + ", ".join(sorted(allowed)))
        elif spec or conversion:
            problems.append(f"write {{{name}}} without a format: numbers are formatted for you")
    return problems


def render(template: str, values: dict[str, str]) -> str:
    """Fill a (validated) template; fields the kind left out render empty."""
    # str.format_map is the C implementation: a run may render a million summaries.
    return template.format_map(_Blank(values))


class _Blank(dict):
    """Mapping that answers an empty string for fields a situation does not set."""

    def __missing__(self, key: str) -> str:
        return ""
