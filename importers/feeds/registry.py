"""Registry of operators and licences (interfaces §1): one row per licence line."""

from __future__ import annotations

import numpy as np
from marshmallow import Schema

from importers.codes import LICENCE_STATUS
from importers.engine import Cells, FileState, Parsed, refuse_duplicates
from importers.feeds.keys import tax_id_keys
from importers.feeds.mass_units import check_mass_unit
from importers.fields import IDENTIFIER, NAME, REFERENCE, Code, Date, Number, Text
from importers.reference_fields import Activities, SubstanceName, TaxId


class RegistryRow(Schema):
    """One operator licensed for one substance."""

    licence_no = Text(required=True, max_length=IDENTIFIER)
    operator_name = Text(required=True, max_length=NAME)
    tax_id = TaxId(required=True, max_length=IDENTIFIER)
    activity = Activities(required=True)
    substance = SubstanceName(required=True, max_length=NAME)
    annual_quota_kg = Number(ge=0)
    valid_from = Date(required=True)
    valid_to = Date(required=True, open_ended=True)
    status = Code(LICENCE_STATUS, required=True)
    region = Text(max_length=REFERENCE)
    sector = Text(max_length=NAME)


OUTPUT_COLUMNS = (
    "licence_no", "operator_name", "tax_id", "tax_id_key", "activities", "substance_code",
    "substance_text", "annual_quota_kg", "valid_from", "valid_to", "status", "region", "sector",
)


def finish(cells: Cells, parsed: dict[str, Parsed], state: FileState) -> dict[str, np.ndarray]:
    """Check validity dates and duplicate licence lines, and lay out the records."""
    check_mass_unit(cells, parsed, "annual_quota_kg", state)
    start, end = parsed["valid_from"], parsed["valid_to"]
    reversed_dates = start.ok & end.ok & (end.values < start.values)
    if reversed_dates.any():
        reasons = np.full(cells.n, None, dtype=object)
        reasons[reversed_dates] = [
            f"valid_to {e} is before valid_from {s}"
            for s, e in zip(start.values[reversed_dates], end.values[reversed_dates], strict=True)
        ]
        cells.fail("valid_to", reversed_dates, reasons)
    substance = parsed["substance"]
    refuse_duplicates(
        cells,
        state,
        key={"licence": parsed["licence_no"].values, "substance": substance.values,
             "valid_from": start.values.astype(np.int64)},
        column="licence_no",
        message="duplicate of row {row}: same licence, substance and valid_from",
    )
    return {
        "licence_no": parsed["licence_no"].values,
        "operator_name": parsed["operator_name"].values,
        "tax_id": parsed["tax_id"].values,
        "tax_id_key": tax_id_keys(parsed["tax_id"].values),
        "activities": parsed["activity"].values,
        "substance_code": substance.values,
        "substance_text": substance.extra["text"],
        "annual_quota_kg": parsed["annual_quota_kg"].values,
        "valid_from": start.values,
        "valid_to": end.values,
        "status": parsed["status"].values,
        "region": parsed["region"].values,
        "sector": parsed["sector"].values,
    }
