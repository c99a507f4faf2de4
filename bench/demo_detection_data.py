"""Read a generated demo country through the importers into DetectionData (no database).

Used by bench/detection_quality.py. The registry's extra columns `Cupo anterior (kg)` and
`Fecha de modificación del cupo` become a second licence version (the raised quota in
force from that date), as a registry kept in Vigía would record the change.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from app.catalogue.loader import load_catalogue
from app.detection.data import DetectionData, empty_frame
from app.registry.licensing import LicenceBook, LicenceState
from app.registry.service import sector_code
from importers import ReadContext, read_file

PREVIOUS_QUOTA = "Cupo anterior (kg)"
QUOTA_CHANGED = "Fecha de modificación del cupo"


def load_country(folder: Path, *, home_country: str = "PE") -> DetectionData:
    """Read every feed file of a demo country folder into detection frames."""
    catalogue = load_catalogue()
    context = ReadContext(catalogue=catalogue, home_country=home_country)

    def read(feed: str, path: Path) -> pd.DataFrame:
        return read_file(feed, path, filename=path.name, context=context).records

    registry = read("registry", folder / "registry.csv")
    operators, book = _registry(registry)
    lines = _declarations([read("declarations", p)
                           for p in sorted((folder / "declarations").iterdir())])
    customs = pd.concat([read("customs", p) for p in sorted((folder / "customs").iterdir())],
                        ignore_index=True)
    customs["item_id"] = range(1, len(customs) + 1)
    customs["date"] = pd.to_datetime(customs["date"])
    baselines = read("baselines", folder / "baselines.csv")
    notices = read("export_notifications", folder / "export_notifications.csv")
    notices["notification_id"] = range(1, len(notices) + 1)
    notices["date"] = pd.to_datetime(notices["date"])
    last = lines["period"].max()
    as_of = (last + pd.offsets.MonthEnd(0)).date() + pd.Timedelta(days=1)
    declared = lines[["licence_no", "period"]].drop_duplicates().assign(received_at=None)
    return DetectionData(
        lines=lines, customs=customs, operators=operators, licences=book,
        declarations=declared if len(declared) else empty_frame("declarations"),
        baselines=baselines, notifications=notices, catalogue=catalogue,
        as_of=as_of, home_country=home_country,
    )


def _registry(records: pd.DataFrame) -> tuple[pd.DataFrame, LicenceBook]:
    """Return the operators frame and the licence book (with raised quotas as versions)."""
    states = []
    for number, row in enumerate(records.itertuples(), start=1):
        common = {
            "licence_id": number, "licence_no": row.licence_no,
            "operator_name": row.operator_name, "substance_code": row.substance_code,
            "activities": frozenset(row.activities or ()), "valid_from": row.valid_from,
            "valid_to": row.valid_to, "status": row.status,
        }
        quota = None if pd.isna(row.annual_quota_kg) else float(row.annual_quota_kg)
        previous, changed = _raise(row.extra or {})
        if previous is not None and changed is not None:
            states.append(LicenceState(**common, annual_quota_kg=previous,
                                       effective_from=None, version=1))
            states.append(LicenceState(**common, annual_quota_kg=quota,
                                       effective_from=changed, version=2))
        else:
            states.append(LicenceState(**common, annual_quota_kg=quota, effective_from=None,
                                       version=1))
    by_licence = records.groupby("licence_no", sort=False)
    operators = by_licence.agg(
        legal_name=("operator_name", "first"), tax_id=("tax_id", "first"),
        tax_id_key=("tax_id_key", "first"), region=("region", "first"),
        sector=("sector", "first"),
        activities=("activities", lambda acts: "|".join(sorted({a for t in acts for a in t}))),
    ).reset_index()
    operators["sector_code"] = operators["sector"].map(sector_code)
    return operators, LicenceBook(states)


def _raise(extra: dict) -> tuple[float | None, date | None]:
    """Return the previous quota and the day it changed, from the registry's extra columns."""
    text, day = (extra.get(PREVIOUS_QUOTA) or "").strip(), (extra.get(QUOTA_CHANGED) or "").strip()
    if not text or not day:
        return None, None
    previous = float(text.replace(".", "").replace(",", "."))
    return previous, pd.to_datetime(day, format="%d/%m/%Y").date()


def _declarations(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate monthly files; a later file for the same licence and period replaces it."""
    kept: list[pd.DataFrame] = []
    for number, frame in enumerate(frames):
        kept.append(frame.assign(file_order=number))
    lines = pd.concat(kept, ignore_index=True)
    latest = lines.groupby(["licence_no", "period"])["file_order"].transform("max")
    lines = lines[lines["file_order"] == latest].drop(columns="file_order")
    lines = lines.reset_index(drop=True)
    lines["line_id"] = range(1, len(lines) + 1)
    lines["period"] = pd.to_datetime(lines["period"] + "-01")
    lines["date"] = pd.to_datetime(lines["date"])
    return lines
