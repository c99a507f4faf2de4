"""Read a generated demo country through the importers into DetectionData (no database).

Used by bench/detection_quality.py. Declarations are read as intake reads them: with the
registry's licences known (so `lic 00123` is LIC-00123 and an unknown declaring licence is
refused). The registry's extra columns `Cupo anterior (kg)` and `Fecha de modificación
del cupo` become a second licence version (the raised quota in force from that date), as
a registry kept in Vigía would record the change. When planted.json says when each
declaration file was sent (countries with record-keeping habits), that is its
`received_at`; the rows intake refuses are kept, with their file, row, column and reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from app.catalogue.loader import load_catalogue
from app.detection.data import DetectionData, empty_frame
from app.pipeline import licence_infos
from app.registry.licensing import LicenceBook, LicenceState
from app.registry.service import sector_code
from importers import LicenceInfo, ReadContext, read_file

PREVIOUS_QUOTA = "Cupo anterior (kg)"
QUOTA_CHANGED = "Fecha de modificación del cupo"
LICENCE_FIELDS = ("licence_no", "tax_id", "substance_code", "valid_from", "valid_to")


@dataclass(frozen=True)
class Refusal:
    """One row intake refused: where, what was written, why."""

    feed: str
    file: str
    row: int
    column: str | None
    value: str | None
    reason: str


@dataclass
class CountryRead:
    """A demo country as detection sees it, and what intake refused on the way."""

    data: DetectionData
    refused: list[Refusal]
    rows_read: int


def load_country(folder: Path, *, home_country: str = "PE") -> DetectionData:
    """Read every feed file of a demo country folder into detection frames."""
    return read_country(folder, home_country=home_country).data


def read_country(folder: Path, *, home_country: str = "PE") -> CountryRead:
    """Read every feed file of a demo country folder; keep the rows intake refused."""
    catalogue = load_catalogue()
    plain = ReadContext(catalogue=catalogue, home_country=home_country)
    refused: list[Refusal] = []
    rows_read = 0

    def read(feed: str, path: Path, context: ReadContext) -> pd.DataFrame:
        nonlocal rows_read
        outcome = read_file(feed, path, filename=path.name, context=context)
        rows_read += outcome.rows_read
        name = str(path.relative_to(folder))
        refused.extend(Refusal(feed, name, e.row, e.column, e.value, e.reason)
                       for e in outcome.errors)
        return outcome.records.assign(file=name)

    registry = read("registry", folder / "registry.csv", plain)
    operators, book = _registry(registry)
    checked = ReadContext(catalogue=catalogue, home_country=home_country,
                          known_licences=_known_licences(registry))
    lines = _declarations([read("declarations", p, checked)
                           for p in sorted((folder / "declarations").iterdir())])
    customs = pd.concat([read("customs", p, plain)
                         for p in sorted((folder / "customs").iterdir())], ignore_index=True)
    customs["item_id"] = range(1, len(customs) + 1)
    customs["date"] = pd.to_datetime(customs["date"])
    baselines = read("baselines", folder / "baselines.csv", plain)
    notices = read("export_notifications", folder / "export_notifications.csv", checked)
    notices["notification_id"] = range(1, len(notices) + 1)
    notices["date"] = pd.to_datetime(notices["date"])
    last = lines["period"].max()
    as_of = (last + pd.offsets.MonthEnd(0)).date() + pd.Timedelta(days=1)
    data = DetectionData(
        lines=lines.drop(columns="file"), customs=customs.drop(columns="file"),
        operators=operators, licences=book, declarations=_received(lines, folder),
        baselines=baselines.drop(columns="file"), notifications=notices.drop(columns="file"),
        catalogue=catalogue, as_of=as_of, home_country=home_country,
    )
    return CountryRead(data, refused, rows_read)


def _known_licences(records: pd.DataFrame) -> dict[str, LicenceInfo]:
    """Return what intake may check of each licence number, as app.pipeline builds it."""
    return licence_infos(records[list(LICENCE_FIELDS)].itertuples(index=False, name=None))


def _received(lines: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """Return each declared (licence, period) with the day its file was sent, when known."""
    planted = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
    sent = planted.get("habits", {}).get("sent_on", {})
    declared = lines[["licence_no", "period", "file"]].drop_duplicates(["licence_no", "period"],
                                                                        keep="last")
    if declared.empty:
        return empty_frame("declarations")
    received = pd.to_datetime(declared["file"].map(sent)) if sent else None
    return declared.drop(columns="file").assign(received_at=received)


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
