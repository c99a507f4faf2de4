"""Server-side SVG charts: monthly bars, cumulative lines against a limit. Pure functions.

Readable without colour: the months an alert is about are hatched and labelled, a limit is a
dashed line with its value written beside it, and every chart comes with a data table.
Only presentation attributes are used (no style attributes), so the page's Content-Security-
Policy holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
INK, MUTED, BAR, FOCUS, LIMIT = "#1d2733", "#5b6775", "#8fb3d9", "#0b4f8a", "#b3261e"


@dataclass(frozen=True)
class Point:
    """One month of a chart."""

    label: str  # short month label, e.g. 'Mar 25'
    value: float
    focus: bool = False  # a month the alert is about


def _nice_max(value: float) -> float:
    """Return a round axis maximum at or above a value."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _frame(title: str, description: str, top: float, fmt, ident: str) -> list[str]:
    """Return the SVG opening, pattern, title, description and the y axis with its grid."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" class="chart" font-family="sans-serif" '
        f'font-size="11">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{FOCUS}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>',
    ]
    plot_h = HEIGHT - TOP - BOTTOM
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'stroke="#d5dbe3" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="{MUTED}">{escape(fmt(value))}</text>')
    return parts


def _limit(parts: list[str], value: float, top: float, label: str) -> None:
    """Draw a dashed horizontal limit with its label."""
    plot_h = HEIGHT - TOP - BOTTOM
    y = TOP + plot_h - plot_h * value / top
    parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                 f'stroke="{LIMIT}" stroke-width="2" stroke-dasharray="6 4"/>')
    parts.append(f'<text x="{WIDTH - RIGHT - 4}" y="{y - 5:.1f}" text-anchor="end" '
                 f'fill="{LIMIT}" font-weight="bold">{escape(label)}</text>')


def bar_chart(points: list[Point], *, title: str, description: str, fmt,
              limit: float | None = None, limit_label: str = "",
              focus_label: str = "", ident: str = "chart") -> Markup:
    """Draw monthly bars, the focus months hatched and marked, and an optional limit."""
    top = _nice_max(max([p.value for p in points] + [limit or 0, 0]) * 1.08)
    parts = _frame(title, description, top, fmt, ident)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)
    for i, point in enumerate(points):
        h = plot_h * point.value / top
        x = LEFT + i * slot + slot * 0.15
        fill = f"url(#{ident}-hatch)" if point.focus else BAR
        parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{h:.1f}" fill="{fill}" stroke="{INK if point.focus else BAR}">'
                     f'<title>{escape(point.label)}: {escape(fmt(point.value))}</title></rect>')
        if point.focus and focus_label:
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{TOP + plot_h - h - 4:.1f}" '
                         f'text-anchor="middle" fill="{INK}" font-weight="bold">▼</text>')
        if len(points) <= 14 or i % 2 == 0:
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                         f'text-anchor="middle" fill="{MUTED}">{escape(point.label)}</text>')
    if limit is not None:
        _limit(parts, limit, top, limit_label)
    if focus_label:
        parts.append(f'<text x="{LEFT}" y="{HEIGHT - 8}" fill="{INK}">▼ / '
                     f'<tspan font-weight="bold">▨</tspan> {escape(focus_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(points: list[Point], *, title: str, description: str, fmt,
               limit: float | None = None, limit_label: str = "",
               reference: list[float] | None = None, reference_label: str = "",
               ident: str = "chart") -> Markup:
    """Draw a cumulative line (with dots) against a flat limit or a reference line."""
    values = [p.value for p in points] + (reference or []) + [limit or 0, 0]
    top = _nice_max(max(values) * 1.08)
    parts = _frame(title, description, top, fmt, ident)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        return LEFT + i * slot + slot / 2, TOP + plot_h - plot_h * value / top

    if reference:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(reference)))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LIMIT}" stroke-width="2" '
                     f'stroke-dasharray="6 4"/>')
        x, y = xy(len(reference) - 1, reference[-1])
        parts.append(f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="end" fill="{LIMIT}" '
                     f'font-weight="bold">{escape(reference_label)}</text>')
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, p.value) for i, p in enumerate(points)))
    parts.append(f'<polyline points="{path}" fill="none" stroke="{FOCUS}" stroke-width="3"/>')
    for i, point in enumerate(points):
        x, y = xy(i, point.value)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{FOCUS}">'
                     f'<title>{escape(point.label)}: {escape(fmt(point.value))}</title></circle>')
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                     f'fill="{MUTED}">{escape(point.label)}</text>')
    if limit is not None:
        _limit(parts, limit, top, limit_label)
    parts.append("</svg>")
    return Markup("".join(parts))
