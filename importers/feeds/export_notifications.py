"""Pre-export notifications and their answers (interfaces §5)."""

from __future__ import annotations

import numpy as np
from marshmallow import Schema

from importers.codes import NOTIFICATION_STATUS
from importers.engine import Cells, FileState, Parsed, refuse_duplicates
from importers.feeds.checks import canonical_licences, note_implausible
from importers.feeds.mass_units import check_mass_unit
from importers.fields import IDENTIFIER, NAME, Code, Country, Date, Number, Text
from importers.reference_fields import SubstanceName


class ExportNotificationRow(Schema):
    """One pre-export notification sent to an importing country."""

    notification_ref = Text(required=True, max_length=IDENTIFIER)
    date = Date(required=True, past=True)
    exporter_licence = Text(required=True, max_length=IDENTIFIER)
    importer_name = Text(required=True, max_length=NAME)
    importing_country = Country(required=True)
    substance = SubstanceName(required=True, max_length=NAME)
    quantity_kg = Number(required=True, gt=0)
    status = Code(NOTIFICATION_STATUS, required=True)


OUTPUT_COLUMNS = (
    "notification_ref", "date", "exporter_licence", "importer_name", "importing_country",
    "substance_code", "substance_text", "quantity_kg", "status",
)


def finish(cells: Cells, parsed: dict[str, Parsed], state: FileState) -> dict[str, np.ndarray]:
    """Refuse a notification reference given twice, and lay out the records.

    The exporter's licence is written as the registry spells it when the registry knows
    it, but an unknown one is not refused: an export by an unlicensed exporter is a finding
    for detection, not a reason to drop the row.
    """
    check_mass_unit(cells, parsed, "quantity_kg", state)
    note_implausible(cells, parsed["quantity_kg"].values, "quantity_kg", state)
    refuse_duplicates(
        cells,
        state,
        key={"ref": parsed["notification_ref"].values},
        column="notification_ref",
        message="duplicate of row {row}: same notification reference",
    )
    substance = parsed["substance"]
    return {
        "notification_ref": parsed["notification_ref"].values,
        "date": parsed["date"].values,
        "exporter_licence": canonical_licences(
            cells, "exporter_licence", parsed["exporter_licence"], state, refuse_unknown=False
        ),
        "importer_name": parsed["importer_name"].values,
        "importing_country": parsed["importing_country"].values,
        "substance_code": substance.values,
        "substance_text": substance.extra["text"],
        "quantity_kg": parsed["quantity_kg"].values,
        "status": parsed["status"].values,
    }
