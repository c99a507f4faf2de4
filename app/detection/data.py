"""Everything detection reads, as plain data frames: no database, no Flask."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from app.registry.licensing import LicenceBook

if TYPE_CHECKING:
    from app.catalogue.catalogue import Catalogue

# The columns each frame must have; the loaders in storage may add more.
COLUMNS: dict[str, tuple[str, ...]] = {
    "lines": (
        "line_id", "licence_no", "period", "movement", "date", "substance_code",
        "quantity_kg", "counterparty_licence", "counterparty_name", "counterparty_country",
        "document_ref", "payment_method", "delivery",
    ),
    "customs": (
        "item_id", "declaration_no", "item_no", "date", "flow", "hs_code", "hs6",
        "substance_code", "goods_description", "net_mass_kg", "trader_tax_id", "tax_id_key",
        "trader_name", "partner_country",
    ),
    "operators": (
        "licence_no", "legal_name", "tax_id", "tax_id_key", "region", "sector", "sector_code",
        "activities",
    ),
    "declarations": ("licence_no", "period", "received_at"),
    "baselines": ("substance_code", "year", "quantity_kg", "source"),
    "notifications": (
        "notification_id", "notification_ref", "date", "exporter_licence", "importer_name",
        "importing_country", "substance_code", "quantity_kg", "status",
    ),
}
DATE_COLUMNS = {
    "lines": ("period", "date"),
    "customs": ("date",),
    "declarations": ("period",),
    "notifications": ("date",),
}
FRAMES = tuple(COLUMNS)


@dataclass
class DetectionData:
    """The current declarations, customs, registry and references a detection run reads."""

    lines: pd.DataFrame
    customs: pd.DataFrame
    operators: pd.DataFrame
    licences: LicenceBook
    declarations: pd.DataFrame
    baselines: pd.DataFrame
    notifications: pd.DataFrame
    catalogue: Catalogue
    as_of: date
    home_country: str

    def rows_read(self) -> dict[str, int]:
        """Return how many rows each frame holds, for the run record."""
        return {name: len(getattr(self, name)) for name in FRAMES}


def empty_frame(name: str) -> pd.DataFrame:
    """Return an empty frame with the columns (and date types) of one input."""
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS[name]})
    for column in DATE_COLUMNS.get(name, ()):
        frame[column] = pd.Series(dtype="datetime64[ns]")
    return frame


def product_kg(lines: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """Return each line's mass of product (kg as declared, before concentration and salt).

    Customs weighs products, declarations count the pure base: to compare them the base is
    turned back into the product it was declared as (quantity_kg / concentration / the salt's
    base fraction). Lines without their declared concentration count as pure.
    """
    quantity = lines["quantity_kg"].astype(float)
    if "concentration_pct" not in lines.columns:
        return quantity
    share = pd.to_numeric(lines["concentration_pct"], errors="coerce").fillna(100.0) / 100
    if "base_fraction" in lines.columns:
        fraction = pd.to_numeric(lines["base_fraction"], errors="coerce")
    elif "form_code" in lines.columns:
        fractions = {form.code: form.base_fraction for s in catalogue for form in s.forms}
        fraction = lines["form_code"].map(fractions)
    else:
        fraction = pd.Series(1.0, index=lines.index)
    divisor = (share * fraction.fillna(1.0)).where(lambda d: d > 0, 1.0)
    return quantity / divisor


def prepared(data: DetectionData) -> DetectionData:
    """Check every frame has its columns and dates are datetimes; return the data to use."""
    missing = []
    changes: dict[str, pd.DataFrame] = {}
    for name in FRAMES:
        frame = getattr(data, name)
        absent = [c for c in COLUMNS[name] if c not in frame.columns]
        if absent:
            missing.append(f"{name}: {', '.join(absent)}")
            continue
        converted = None
        for column in DATE_COLUMNS.get(name, ()):
            if not pd.api.types.is_datetime64_dtype(frame[column]):
                converted = frame.copy() if converted is None else converted
                converted[column] = pd.to_datetime(converted[column])
        if converted is not None:
            changes[name] = converted
    if missing:
        raise ValueError("detection data lacks columns: " + "; ".join(missing))
    lines = changes.get("lines", data.lines)
    if "product_kg" not in lines.columns:
        changes["lines"] = lines.assign(product_kg=product_kg(lines, data.catalogue))
    if not changes:
        return data
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    values.update(changes)
    return DetectionData(**values)
