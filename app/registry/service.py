"""Registry services: apply an imported registry file, answer licensing questions."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.registry.licensing import LicenceBook, LicenceState
from app.registry.models import Licence, LicenceVersion, LicenceVersionActivity, Operator
from lexicon.text import identifier_key

SECTOR_CODE = re.compile(r"^\s*(\d{2,6})\b")
TRACKED = ("activities", "annual_quota_kg", "valid_to", "status")


@dataclass
class RegistryChanges:
    """What applying a registry file did."""

    operators_created: int = 0
    operators_updated: int = 0
    licences_created: int = 0
    licences_changed: int = 0
    licences_unchanged: int = 0
    rejected: list[tuple[int, str | None, str | None, str]] = field(default_factory=list)

    @property
    def rows_stored(self) -> int:
        """Return how many rows were accepted (new, changed or already up to date)."""
        return self.licences_created + self.licences_changed + self.licences_unchanged


def sector_code(sector: str | None) -> str | None:
    """Return the ISIC/CIIU code a sector text starts with, if any."""
    if not sector:
        return None
    match = SECTOR_CODE.match(sector)
    return match.group(1) if match else None


def _text(value) -> str | None:
    """Return a stripped string, or None for empty and missing values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _quota(value) -> float | None:
    """Return a quota in kg, or None where the registry sets none."""
    if value is None or pd.isna(value):
        return None
    return float(value)


def apply_registry_records(
    *, session: Session, records: pd.DataFrame, batch_id: int | None, as_of: date
) -> RegistryChanges:
    """Create or update operators and licence lines; record a version for each change."""
    changes = RegistryChanges()
    licence_nos = sorted(set(records["licence_no"]))
    operators = {
        op.licence_no: op
        for op in session.scalars(
            select(Operator)
            .where(Operator.licence_no.in_(licence_nos))
            .options(selectinload(Operator.licences).selectinload(Licence.versions))
        )
    }
    first_row: dict[str, tuple[int, str]] = {}
    touched: set[str] = set()
    for record in records.to_dict("records"):
        licence_no = record["licence_no"]
        row = int(record["source_row"])
        tax_id = str(record["tax_id"]).strip()
        seen = first_row.get(licence_no)
        if seen and identifier_key(seen[1]) != identifier_key(tax_id):
            changes.rejected.append((
                row, "tax_id", tax_id,
                f"licence {licence_no} has tax id {seen[1]} on row {seen[0]}; "
                "one licence number belongs to one operator",
            ))
            continue
        first_row.setdefault(licence_no, (row, tax_id))
        operator = operators.get(licence_no)
        if operator is None:
            operator = Operator(licence_no=licence_no, legal_name="", tax_id=tax_id,
                                tax_id_key=identifier_key(tax_id))
            operator.licences = []
            session.add(operator)
            operators[licence_no] = operator
            changes.operators_created += 1
            _update_operator(operator, record)
        elif licence_no not in touched and _update_operator(operator, record):
            changes.operators_updated += 1
        touched.add(licence_no)
        _apply_licence_line(operator, record, batch_id=batch_id, as_of=as_of, changes=changes)
    session.flush()
    return changes


def _update_operator(operator: Operator, record: dict) -> bool:
    """Bring an operator's own fields in line with a registry row; return whether any changed."""
    wanted = {
        "legal_name": _text(record.get("operator_name")) or operator.legal_name,
        "tax_id": str(record["tax_id"]).strip(),
        "tax_id_key": identifier_key(str(record["tax_id"])),
        "region": _text(record.get("region")),
        "sector": _text(record.get("sector")),
    }
    wanted["sector_code"] = sector_code(wanted["sector"])
    changed = {k: v for k, v in wanted.items() if getattr(operator, k) != v}
    for key, value in changed.items():
        setattr(operator, key, value)
    if changed and operator.id is not None:
        operator.updated_at = utcnow()
    return bool(changed)


def _apply_licence_line(
    operator: Operator, record: dict, *, batch_id: int | None, as_of: date, changes: RegistryChanges
) -> None:
    """Create a licence line or record a new version of it when something changed."""
    wanted = {
        "activities": tuple(sorted(set(record["activities"]))),
        "annual_quota_kg": _quota(record.get("annual_quota_kg")),
        "valid_to": record["valid_to"],
        "status": record["status"],
    }
    key = (record["substance_code"], record["valid_from"])
    licence = next(
        (lic for lic in operator.licences if (lic.substance_code, lic.valid_from) == key), None
    )
    if licence is None:
        licence = Licence(substance_code=record["substance_code"], valid_from=record["valid_from"],
                          **wanted)
        licence.versions = []
        operator.licences.append(licence)
        _add_version(licence, batch_id=batch_id, effective_from=None, change="first recorded")
        changes.licences_created += 1
        return
    diff = [
        f"{key} {_show(getattr(licence, key))} → {_show(value)}"
        for key, value in wanted.items()
        if getattr(licence, key) != value
    ]
    if not diff:
        changes.licences_unchanged += 1
        return
    for key, value in wanted.items():
        setattr(licence, key, value)
    licence.updated_at = utcnow()
    _add_version(licence, batch_id=batch_id, effective_from=as_of, change="; ".join(diff))
    changes.licences_changed += 1


def _show(value) -> str:
    """Render a licence field for a change note."""
    if value is None:
        return "none"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):  # activities, as the registry file writes them
        return "|".join(value)
    return str(value)


def _add_version(
    licence: Licence, *, batch_id: int | None, effective_from: date | None, change: str
) -> None:
    """Append the licence's current state as its next version."""
    licence.versions.append(LicenceVersion(
        version=len(licence.versions) + 1,
        effective_from=effective_from,
        activities=licence.activities,
        annual_quota_kg=licence.annual_quota_kg,
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        status=licence.status,
        change=change,
        batch_id=batch_id,
    ))


def load_licence_book(
    *,
    session: Session,
    licence_nos: Iterable[str] | None = None,
    substance_names: dict[str, str] | None = None,
) -> LicenceBook:
    """Load the licence versions of some (or all) operators into a LicenceBook."""
    query = (
        select(
            LicenceVersion.id, LicenceVersion.licence_id, LicenceVersion.annual_quota_kg,
            LicenceVersion.valid_from, LicenceVersion.valid_to, LicenceVersion.status,
            LicenceVersion.effective_from, LicenceVersion.version,
            Licence.substance_code, Operator.licence_no, Operator.legal_name,
        )
        .join(Licence, LicenceVersion.licence_id == Licence.id)
        .join(Operator, Licence.operator_id == Operator.id)
    )
    # The versions' activities in one second query over the same versions (no query per row).
    activities_query = (
        select(LicenceVersionActivity.licence_version_id, LicenceVersionActivity.activity)
        .join(LicenceVersion, LicenceVersionActivity.licence_version_id == LicenceVersion.id)
        .join(Licence, LicenceVersion.licence_id == Licence.id)
        .join(Operator, Licence.operator_id == Operator.id)
    )
    operators_query = select(Operator.licence_no, Operator.legal_name)
    if licence_nos is not None:
        wanted = sorted(set(licence_nos))
        query = query.where(Operator.licence_no.in_(wanted))
        activities_query = activities_query.where(Operator.licence_no.in_(wanted))
        operators_query = operators_query.where(Operator.licence_no.in_(wanted))
    held: dict[int, set[str]] = defaultdict(set)
    for version_id, activity in session.execute(activities_query):
        held[version_id].add(activity)
    states = [
        LicenceState(
            licence_id=row.licence_id,
            licence_no=row.licence_no,
            operator_name=row.legal_name,
            substance_code=row.substance_code,
            activities=frozenset(held.get(row.id, ())),
            annual_quota_kg=row.annual_quota_kg,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            status=row.status,
            effective_from=row.effective_from,
            version=row.version,
        )
        for row in session.execute(query)
    ]
    operators = dict(session.execute(operators_query).all())
    return LicenceBook(states, operators, substance_names)


def registry_counts(*, session: Session) -> dict[str, int]:
    """Return how many operators and licence lines (and active ones) are registered."""
    return {
        "operators": session.scalar(select(func.count(Operator.id))) or 0,
        "licences": session.scalar(select(func.count(Licence.id))) or 0,
        "active_licences": session.scalar(
            select(func.count(Licence.id)).where(Licence.status == "active")
        ) or 0,
    }
