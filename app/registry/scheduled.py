"""The licence-expiry job: the licence lines in force that end within the coming days."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from app.extensions import Vigia
from app.registry.licensing import version_in_force
from app.registry.service import load_licence_book
from app.scheduler.service import JobResult

SHOWN = 20  # licence lines named in the summary; all are in the details


def expiring_licences(book, *, today, days: int) -> list[dict]:
    """Return the active licence lines whose validity ends within `days` of `today`."""
    versions = defaultdict(list)
    for state in book.states():
        versions[state.licence_id].append(state)
    expiring = []
    for states in versions.values():
        state = version_in_force(sorted(states, key=lambda s: s.version), today)
        if state.status == "active" and today <= state.valid_to <= today + timedelta(days=days):
            expiring.append({"licence_no": state.licence_no, "operator": state.operator_name,
                             "substance": state.substance_code,
                             "valid_to": state.valid_to.isoformat()})
    return sorted(expiring, key=lambda e: (e["valid_to"], e["licence_no"], e["substance"]))


def licences_expiring(services: Vigia, *, now: datetime) -> JobResult:
    """List the licence lines in force that expire within VIGIA_LICENCE_EXPIRY_DAYS."""
    days = services.settings.scheduler.licence_expiry_days
    with services.db.sessionmaker() as session:
        book = load_licence_book(session=session)
    lines = expiring_licences(book, today=now.date(), days=days)
    named = "; ".join(f"{e['licence_no']} {e['substance']} on {e['valid_to']}"
                      for e in lines[:SHOWN])
    more = f" and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    summary = (f"{len(lines)} licence line(s) expire within {days} days"
               + (f": {named}{more}" if lines else ""))
    return JobResult(summary=summary, details={"days": days, "licences": lines})
