"""The regulation audit trail: one append-only hash chain of every step a regulator takes.

Event n carries seq n and the hash of event n-1; its hash covers what happened (who, when,
which action, rule, proposal, detail) and that previous hash, as the alerts' chain does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.hashing import chained_hash
from app.regulation.models import RegulationEvent

HASHED_FIELDS = ("seq", "at", "actor", "action", "rule_id", "proposal_id", "detail",
                 "prev_hash")
# PostgreSQL advisory lock taken while appending, so two writers never both append event n.
CHAIN_LOCK = 15_0001



def event_hash(event: Mapping) -> str:
    """Return the SHA-256 of an event's content and the previous event's hash."""
    return chained_hash(event, HASHED_FIELDS)


def record_event(session: Session, *, actor: str, action: str, rule_id: str | None = None,
                 proposal_id: int | None = None, detail: Mapping | None = None,
                 at: datetime | None = None) -> RegulationEvent:
    """Append one event to the regulation chain and return it."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = session.execute(select(RegulationEvent.seq, RegulationEvent.hash)
                           .order_by(RegulationEvent.seq.desc()).limit(1)).first()
    seq, previous = (last[0], last[1]) if last else (0, "")
    event = RegulationEvent(
        seq=seq + 1, at=at or datetime.now(UTC), actor=actor, action=action, rule_id=rule_id,
        proposal_id=proposal_id, prev_hash=previous,
        detail=json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True))
    event.hash = event_hash({name: getattr(event, name) for name in HASHED_FIELDS})
    session.add(event)
    session.flush()
    return event


def verify_events(*, session: Session) -> list[str]:
    """Check the chain: numbering, links and hashes; return the problems (empty when it holds)."""
    problems, previous = [], ""
    events = session.scalars(select(RegulationEvent).order_by(RegulationEvent.seq))
    for expected, event in enumerate(events, start=1):
        if event.seq != expected:
            problems.append(f"event {event.seq}: numbered {event.seq} where {expected} was due")
        if (event.prev_hash or "") != previous:
            problems.append(f"event {event.seq}: does not carry the hash of the event before it")
        if event_hash({name: getattr(event, name) for name in HASHED_FIELDS}) != event.hash:
            problems.append(f"event {event.seq}: its content does not match its hash (edited)")
        previous = event.hash
    return problems


def events_of(session: Session, *, rule_id: str | None = None, limit: int = 200) -> list:
    """Return the latest events, of one rule when given, newest first."""
    query = select(RegulationEvent).order_by(RegulationEvent.seq.desc()).limit(limit)
    if rule_id is not None:
        query = query.where(RegulationEvent.rule_id == rule_id)
    return list(session.scalars(query))
