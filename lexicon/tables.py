"""The lists a controlled substance is on: the 1988 Convention's Tables I and II, or national."""

from __future__ import annotations

# Table I is the stricter; "national" are the substances a country adds to its own list.
TABLES = ("I", "II", "national")
