"""The activities a licence allows an operator for a substance."""

from __future__ import annotations

ACTIVITIES = (
    "importer",
    "exporter",
    "manufacturer",
    "distributor",
    "end_user",
    "pharma",
    "laboratory",
)
# The activities that let an operator hold a substance as goods for trade, and so sell it:
# distributors, manufacturers (what they make) and importers (what they import).
SELLING_ACTIVITIES = ("distributor", "manufacturer", "importer")
