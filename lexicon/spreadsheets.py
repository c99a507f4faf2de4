"""Text a spreadsheet program would run as a formula, and how it is written harmlessly."""

from __future__ import annotations

from typing import Any

# Excel, LibreOffice and Google Sheets run a cell that begins with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Return text a spreadsheet would run as a formula with a leading quote; else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
