"""The domain's words, defined once: movements, units, severities, activities, tables, text.

A small pure package (the standard library only) that `importers/`, `app/`, the demo
generator and the benchmarks all import, so that a fact such as "a purchase is an inflow"
or "a US gallon is 3.785411784 L" is written in one place. It holds canonical codes and
rules, never the words people type for them (those are the importers' word tables).
"""

from lexicon.activities import ACTIVITIES, SELLING_ACTIVITIES
from lexicon.detectors import HEURISTIC_KINDS, STATISTICAL_KINDS
from lexicon.movements import (
    DIRECTION,
    INFLOWS,
    MOVEMENTS,
    NATIONAL_ENTRIES,
    NATIONAL_EXITS,
    OUTFLOWS,
    STOCK_MOVEMENTS,
    TRADED_INFLOWS,
    TRADED_OUTFLOWS,
)
from lexicon.severities import SEVERITIES, raise_severity
from lexicon.spreadsheets import FORMULA_TRIGGERS, neutralise_formula
from lexicon.tables import TABLES
from lexicon.text import fold_chemical_text, fold_words, identifier_key, strip_accents
from lexicon.units import MASS_UNITS, UNITS, VOLUME_UNITS

__all__ = [
    "ACTIVITIES",
    "DIRECTION",
    "FORMULA_TRIGGERS",
    "HEURISTIC_KINDS",
    "INFLOWS",
    "MASS_UNITS",
    "MOVEMENTS",
    "NATIONAL_ENTRIES",
    "NATIONAL_EXITS",
    "OUTFLOWS",
    "SELLING_ACTIVITIES",
    "SEVERITIES",
    "STATISTICAL_KINDS",
    "STOCK_MOVEMENTS",
    "TABLES",
    "TRADED_INFLOWS",
    "TRADED_OUTFLOWS",
    "UNITS",
    "VOLUME_UNITS",
    "fold_chemical_text",
    "fold_words",
    "identifier_key",
    "neutralise_formula",
    "raise_severity",
    "strip_accents",
]
