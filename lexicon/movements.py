"""The movements a declaration line records and which way the goods go."""

from __future__ import annotations

# In the order a declaration lists them: opening stock, inflows, outflows, closing stock.
MOVEMENTS = (
    "opening_stock",
    "purchase",
    "import",
    "production",
    "sale",
    "export",
    "consumption",
    "loss",
    "closing_stock",
)
INFLOWS = ("purchase", "import", "production")
OUTFLOWS = ("sale", "export", "consumption", "loss")
# Stock lines say how much is held, not that anything moved.
STOCK_MOVEMENTS = ("opening_stock", "closing_stock")
# The way the goods of each inflow and outflow go: "in" or "out" (stocks have none).
DIRECTION = {**dict.fromkeys(INFLOWS, "in"), **dict.fromkeys(OUTFLOWS, "out")}
# The movements with another party on the other side: a supplier, a customer.
TRADED_INFLOWS = ("purchase", "import")
TRADED_OUTFLOWS = ("sale", "export")
# What enters and leaves the national economy (national baselines count these).
NATIONAL_ENTRIES = ("import", "production")
NATIONAL_EXITS = ("export",)
