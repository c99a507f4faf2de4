"""National legitimate-need baselines (interfaces §4): one row per substance and year."""

from __future__ import annotations

import numpy as np
from marshmallow import Schema

from importers.engine import Cells, FileState, Parsed, refuse_duplicates
from importers.feeds.mass_units import check_mass_unit
from importers.fields import NAME, Integer, Number, Text
from importers.reference_fields import SubstanceName


class BaselineRow(Schema):
    """The legitimate national requirement of one substance for one year (pure substance)."""

    substance = SubstanceName(required=True, max_length=NAME)
    year = Integer(required=True, ge=1900, le=2100)
    quantity_kg = Number(required=True, ge=0)
    source = Text(max_length=NAME)


OUTPUT_COLUMNS = ("substance_code", "substance_text", "year", "quantity_kg", "source")
INT_COLUMNS = ("year",)


def finish(cells: Cells, parsed: dict[str, Parsed], state: FileState) -> dict[str, np.ndarray]:
    """Refuse a substance given twice for one year, and lay out the records."""
    check_mass_unit(cells, parsed, "quantity_kg", state)
    substance = parsed["substance"]
    refuse_duplicates(
        cells,
        state,
        key={"substance": substance.values, "year": parsed["year"].values},
        column="substance",
        message="duplicate of row {row}: same substance and year",
    )
    return {
        "substance_code": substance.values,
        "substance_text": substance.extra["text"],
        "year": np.nan_to_num(parsed["year"].values),
        "quantity_kg": parsed["quantity_kg"].values,
        "source": parsed["source"].values,
    }
