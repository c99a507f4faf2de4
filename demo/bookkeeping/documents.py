"""How the two sides write the same document number: invoices and customs declarations."""

from __future__ import annotations

import re

# The other side's invoice F001-00012345, retyped by the buyer's clerk.
INVOICE_STYLES = ("unpadded", "no_letter", "short_series", "prefixed", "spaced", "compact")
# A customs declaration number 118-2026-10-004321 written in the importer's books.
CUSTOMS_STYLES = ("compact", "unpadded", "slashes", "spaced", "prefixed")
_INVOICE = re.compile(r"^([A-Z])(\d+)-(\d+)$")
_CUSTOMS = re.compile(r"^(\d+)-(\d{4})-(\d+)-(\d+)$")


def invoice_written(doc: str, style: str) -> str:
    """Return an invoice number (`F001-00012345`) as the other side's clerk types it."""
    found = _INVOICE.match(doc)
    if found is None:
        return doc
    letter, series, number = found.groups()
    short = number.lstrip("0") or "0"
    return {
        "unpadded": f"{letter}{series}-{short}", "no_letter": f"{series}-{short}",
        "short_series": f"{letter}{series.lstrip('0') or '0'}-{short}",
        "prefixed": f"FACT. {doc}", "spaced": f"{letter}{series} {number}",
        "compact": f"{letter}{series}{number}",
    }[style]


def invoices_written(docs: list[str], style: str | None) -> str:
    """Return two or more invoices received as one delivery, in one cell."""
    written = [invoice_written(d, style) if style else d for d in docs]
    return " / ".join(written)


def customs_written(number: str, style: str) -> str:
    """Return a customs declaration number as an importer's or exporter's books hold it."""
    found = _CUSTOMS.match(number)
    if found is None:
        return number
    office, year, regime, serial = found.groups()
    return {
        "compact": f"{office}{year}{regime}{serial}",
        "unpadded": f"{office}-{year}-{regime}-{serial.lstrip('0') or '0'}",
        "slashes": f"{office}/{year}/{regime}/{serial}",
        "spaced": f"{office} {year} {regime} {serial}",
        "prefixed": f"DAM {number}",
    }[style]
