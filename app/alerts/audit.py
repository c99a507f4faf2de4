"""The tamper-evident audit trail: each alert's events form a hash chain.

Event n of an alert carries seq n and the hash of event n-1; its own hash covers every field
that says what happened (who, when, what, from, to, why, detail) and that previous hash. An
event edited, removed or slipped in breaks the chain at that point, which `vigia audit
verify` reports. The database helps: (alert_id, seq) is unique, so two writers cannot both
append event n, and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on the table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.alerts.models import Alert, AlertEvent
from app.hashing import chained_hash

CHUNK = 500
HASHED_FIELDS = ("alert_id", "seq", "at", "actor", "action", "from_status", "to_status",
                 "comment", "detail", "prev_hash")



def event_hash(event: Mapping) -> str:
    """Return the SHA-256 of an event's content and the previous event's hash."""
    return chained_hash({**event, "detail": event.get("detail") or "{}"}, HASHED_FIELDS)


def chain_heads(session: Session, alert_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Return each alert's last event as (seq, hash), for the alerts that have events."""
    heads: dict[int, tuple[int, str]] = {}
    ids = sorted(set(alert_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        last = (select(AlertEvent.alert_id, func.max(AlertEvent.seq).label("seq"))
                .where(AlertEvent.alert_id.in_(chunk)).group_by(AlertEvent.alert_id).subquery())
        rows = session.execute(
            select(AlertEvent.alert_id, AlertEvent.seq, AlertEvent.hash)
            .join(last, (AlertEvent.alert_id == last.c.alert_id) & (AlertEvent.seq == last.c.seq)))
        heads.update((alert_id, (seq, digest)) for alert_id, seq, digest in rows)
    return heads


def chain_events(session: Session, events: list[dict]) -> list[dict]:
    """Give each event dict its seq, previous hash and hash, in order, and return them."""
    heads = chain_heads(session, [e["alert_id"] for e in events])
    for event in events:
        seq, previous = heads.get(event["alert_id"], (0, ""))
        event.setdefault("detail", "{}")
        event.update(seq=seq + 1, prev_hash=previous)
        event["hash"] = event_hash(event)
        heads[event["alert_id"]] = (event["seq"], event["hash"])
    return events


def append_event(session: Session, *, alert: Alert, actor: str, action: str,
                 from_status: str | None = None, to_status: str | None = None,
                 comment: str = "", detail: Mapping | None = None,
                 at: datetime | None = None) -> dict:
    """Append one event to an alert's chain (the alert row is locked first on PostgreSQL)."""
    if session.connection().dialect.name == "postgresql":
        session.execute(select(Alert.id).where(Alert.id == alert.id).with_for_update())
    event = {"alert_id": alert.id, "at": at or datetime.now(UTC), "actor": actor,
             "action": action, "from_status": from_status, "to_status": to_status,
             "comment": comment,
             "detail": json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True)}
    chain_events(session, [event])
    session.execute(insert(AlertEvent), [event])
    session.expire(alert, ["events"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    """One place where an alert's chain does not hold."""

    alert_id: int
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"alert #{self.alert_id}" + (f" event {self.seq}" if self.seq else "")
        return f"{where}: {self.message}"


@dataclass
class ChainReport:
    """What `verify_chains` read and found."""

    alerts: int = 0
    events: int = 0
    problems: list[ChainProblem] | None = None

    @property
    def ok(self) -> bool:
        """Tell whether every chain holds."""
        return not self.problems


def _events_by_alert(session: Session) -> Iterator[tuple[int, list]]:
    """Yield each alert's events in chain order, streaming the table."""
    rows = session.execute(
        select(AlertEvent).order_by(AlertEvent.alert_id, AlertEvent.seq, AlertEvent.id)
        .execution_options(yield_per=2000)).scalars()
    current: int | None = None
    batch: list = []
    for event in rows:
        if event.alert_id != current and batch:
            yield current, batch
            batch = []
        current = event.alert_id
        batch.append(event)
    if batch:
        yield current, batch


def verify_chains(*, session: Session) -> ChainReport:
    """Check every alert's chain: numbering, links and hashes; every alert has its events."""
    report = ChainReport(problems=[])
    seen: set[int] = set()
    for alert_id, events in _events_by_alert(session):
        seen.add(alert_id)
        report.alerts += 1
        previous = ""
        for expected_seq, event in enumerate(events, start=1):
            report.events += 1
            fields = {name: getattr(event, name) for name in HASHED_FIELDS}
            if event.seq != expected_seq:
                report.problems.append(ChainProblem(
                    alert_id, event.seq, f"numbered {event.seq} where {expected_seq} was due "
                    "(an event is missing or was inserted)"))
            if (event.prev_hash or "") != previous:
                report.problems.append(ChainProblem(
                    alert_id, event.seq, "does not carry the hash of the event before it"))
            if event_hash(fields) != event.hash:
                report.problems.append(ChainProblem(
                    alert_id, event.seq, "its content does not match its hash (edited)"))
            previous = event.hash
    unrecorded = select(Alert.id).where(~Alert.id.in_(select(AlertEvent.alert_id).distinct()))
    for alert_id in session.scalars(unrecorded):
        if alert_id not in seen:
            report.problems.append(ChainProblem(alert_id, None, "has no events at all"))
    return report
