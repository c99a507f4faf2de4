"""Findings to alerts in the database: raise, refresh, reopen; store every finding.

- A key seen for the first time raises an alert (event `raised`).
- An open alert (open, in review, escalated) found again is refreshed: figures, summary,
  evidence, score, times seen, last seen, last run. An event `refreshed` is recorded only
  when what the officer sees changed (figures, evidence, severity, summary), so daily runs
  on unchanged data do not bury the history.
- A dismissed alert is not raised again for the same evidence. It is reopened (event
  `reopened`, dismissed → open) when the observed figure grows past the rule's
  `reopen_factor` times the figure it was dismissed with.
- A confirmed alert is closed for good: detection only counts it as seen again.
- Findings of `monitor` rules are stored but raise nothing.
Every finding of the run is stored in `finding`, linked to its alert when it has one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Row, String, any_, bindparam, func, insert, select, text
from sqlalchemy import update as update_statement
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.alerts.audit import append_event, chain_events
from app.alerts.models import OPEN_STATUSES, Alert, AlertEvent, StoredFinding
from app.alerts.planning import AlertDraft, Policy, plan_alerts
from app.db import json_text, utcnow
from app.detection.base.summary import format_kg
from app.detection.findings import Finding
from app.detection.models import DetectionRun
from app.storage.bulk import bulk_insert

ACTOR = "vigia detect"
KEY_CHUNK = 500
INSERT_CHUNK = 5000
# From this many rows, bulk paths (COPY on PostgreSQL) beat an executemany.
COPY_MIN_ROWS = 1000
# A run that adds this many rows to an alert table, and this share of what it held, refreshes
# its statistics.
ANALYZE_MIN_ROWS = 10_000
ANALYZE_GROWTH = 0.2
# The JSON columns of alerts and findings, written as text on the bulk paths.
JSON_COLUMNS = frozenset({"wording", "evidence", "trace", "measures"})
# Columns a refresh sets to one value for every alert (bound once, not sent per row).
SHARED_COLUMNS = frozenset({"last_seen_at", "last_run_id"})


@dataclass
class AlertOutcome:
    """What the alert step did in one run."""

    findings: int = 0
    raised: int = 0
    refreshed: int = 0
    reopened: int = 0
    kept_dismissed: int = 0
    kept_closed: int = 0
    monitored: int = 0


def record_findings(
    *, session: Session, run: DetectionRun, findings: Iterable[Finding],
    policies: Mapping[str, Policy], now: datetime | None = None,
) -> AlertOutcome:
    """Turn a run's findings into alerts and store every finding; the caller commits.

    Everything is written with bulk statements (one INSERT or UPDATE per kind of change,
    executed for many rows), never one ORM object per alert: a run may touch 100,000s.
    """
    now = now or utcnow()
    drafts = plan_alerts(findings, policies)
    outcome = AlertOutcome(findings=sum(len(d.findings) for d in drafts))
    existing = _stored_alerts(session, [d.key for d in drafts if d.raises])
    seen = {"times_seen": None, "last_seen_at": now, "last_run_id": run.id}
    new: list[AlertDraft] = []
    updates: dict[str, dict] = {}
    events: list[dict] = []
    for draft in drafts:
        if not draft.raises:
            outcome.monitored += 1
            continue
        stored = existing.get(draft.key)
        if stored is None:
            new.append(draft)
            outcome.raised += 1
            continue
        update = {"id": stored.id, **seen, "times_seen": (stored.times_seen or 0) + 1}
        if stored.status in OPEN_STATUSES:
            changes = _changes(stored, draft)
            update.update(_figures(draft))
            if changes:
                events.append(_event(stored.id, now, "refreshed", stored.status, stored.status,
                                     "; ".join(changes)))
            outcome.refreshed += 1
        elif stored.status == "dismissed" and _grew(stored, draft):
            update.update(_figures(draft), status="open")
            events.append(_event(stored.id, now, "reopened", "dismissed", "open",
                                 _reopen_comment(stored, draft)))
            outcome.reopened += 1
        elif stored.status == "dismissed":
            outcome.kept_dismissed += 1
        else:
            outcome.kept_closed += 1
        updates[draft.key] = update
    ids = {key: row.id for key, row in existing.items()}
    ids.update(_insert_alerts(session, new, run=run, now=now))
    events.extend(_event(ids[d.key], now, "raised", None, "open", d.finding.summary)
                  for d in new)
    statuses = {key: row.status for key, row in existing.items()}
    statuses.update(dict.fromkeys((d.key for d in new), "open"))
    for key, update in updates.items():
        statuses[key] = update.get("status", statuses[key])
    _corroborate(drafts, ids, statuses, updates)
    _update_alerts(session, list(updates.values()))
    _insert_events(session, events)
    _store_findings(session, drafts, ids, run=run)
    _analyze_if_grown(session, new=len(new), findings=outcome.findings)
    for alert in [o for o in session.identity_map.values() if isinstance(o, Alert)]:
        session.expire(alert)  # bulk statements bypass the objects the session holds
    return outcome


def dismiss_alert(*, session: Session, alert: Alert, actor: str, reason: str,
                  detail: Mapping | None = None) -> dict:
    """Dismiss an alert, remembering the figure it was dismissed with (to reopen if it grows)."""
    event = append_event(session, alert=alert, actor=actor, action="dismissed",
                         from_status=alert.status, to_status="dismissed", comment=reason,
                         detail=detail)
    alert.status = "dismissed"
    alert.dismissed_observed = alert.observed
    return event


def alert_counts(*, session: Session, run_id: int) -> dict[str, int]:
    """Return how many alerts a run saw (raised, refreshed or kept), per detector."""
    rows = session.execute(
        select(Alert.detector, func.count(Alert.id)).where(Alert.last_run_id == run_id)
        .group_by(Alert.detector).order_by(Alert.detector))
    return {detector: int(count) for detector, count in rows.all()}


STORED_COLUMNS = (Alert.id, Alert.key, Alert.status, Alert.observed, Alert.expected,
                  Alert.severity, Alert.summary, Alert.evidence, Alert.dismissed_observed,
                  Alert.times_seen, Alert.kind, Alert.detector, Alert.rule_id)


def _stored_alerts(session: Session, keys: list[str]) -> dict[str, Row]:
    """Return what the alert step needs of the stored alerts of the given keys.

    On PostgreSQL in one statement, the keys as one array: the same statement run for
    chunk after chunk is prepared by the driver after five, and the plan PostgreSQL then
    keeps was made when the table was empty (before a first run's alerts): 0.7 s a chunk,
    85 s for 59,000 alerts, where the one statement takes under a second.
    """
    found: dict[str, Row] = {}
    if session.connection().dialect.name == "postgresql":
        wanted = bindparam("keys", keys, type_=postgresql.ARRAY(String))
        rows = session.execute(select(*STORED_COLUMNS).where(Alert.key == any_(wanted)))
        return {row.key: row for row in rows}
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start:start + KEY_CHUNK]
        rows = session.execute(select(*STORED_COLUMNS).where(Alert.key.in_(chunk)))
        found.update((row.key, row) for row in rows)
    return found


def _insert_alerts(session: Session, drafts: list[AlertDraft], *, run: DetectionRun,
                   now: datetime) -> dict[str, int]:
    """Insert the alerts of new keys in bulk and return their ids by key."""
    if not drafts:
        return {}
    rows = [{"key": d.key, "rule_id": d.finding.rule_id, "period_start": d.finding.window_start,
             "period_end": d.finding.window_end, "status": "open", "times_seen": 1,
             "first_raised_at": now, "last_seen_at": now, "last_run_id": run.id,
             **_figures(d)} for d in drafts]
    if len(rows) >= COPY_MIN_ROWS:
        # Ids given first, then the bulk path (COPY, or the driver's executemany): INSERT ...
        # RETURNING of 59,000 alerts with their JSON took 34 s on PostgreSQL, 10 s on SQLite.
        frame = pd.DataFrame(rows)
        frame.insert(0, "id", _new_ids(session, len(rows)))
        bulk_insert(session, "alert", _as_json_text(frame))
        return dict(zip(frame["key"], frame["id"].tolist(), strict=True))
    ids: dict[str, int] = {}
    for start in range(0, len(rows), INSERT_CHUNK):
        result = session.execute(insert(Alert).returning(Alert.id, Alert.key),
                                 rows[start:start + INSERT_CHUNK])
        ids.update((key, alert_id) for alert_id, key in result)
    return ids


def _new_ids(session: Session, count: int) -> list[int]:
    """Return ids for that many new alerts.

    PostgreSQL: drawn from the table's sequence. SQLite: after the largest id, which is what
    SQLite would give them; the run's transaction holds the database's only write lock.
    """
    if session.connection().dialect.name == "postgresql":
        drawn = session.execute(text("SELECT nextval(pg_get_serial_sequence('alert', 'id')) "
                                     "FROM generate_series(1, :n)"), {"n": count})
        return [int(alert_id) for alert_id in drawn.scalars()]
    last = session.execute(select(func.coalesce(func.max(Alert.id), 0))).scalar_one()
    return list(range(last + 1, last + 1 + count))


def _update_alerts(session: Session, rows: list[dict]) -> None:
    """Update alerts by primary key in bulk, rows with the same columns together.

    A large group goes through a temporary table (COPY on PostgreSQL, the driver's
    executemany on SQLite) and one UPDATE ... FROM; the columns every row of it sets alike
    (when it was seen, by which run) are bound once. An executemany of 60,000 UPDATE
    statements takes minutes on PostgreSQL; on SQLite the ORM's binding of them took 5 s.
    """
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(row)].append(row)
    postgres = session.connection().dialect.name == "postgresql"
    for columns, group in groups.items():
        if len(group) < COPY_MIN_ROWS:
            session.execute(update_statement(Alert), group)
            continue
        frame = pd.DataFrame(group, columns=list(columns))
        alike = [c for c in columns if c != "id" and c in SHARED_COLUMNS
                 and frame[c].nunique(dropna=False) == 1]
        varying = [c for c in columns if c != "id" and c not in alike]
        session.execute(text(f"CREATE TEMPORARY TABLE alert_update AS SELECT "
                             f"{', '.join(['id', *varying])} FROM alert WHERE 1 = 0"))
        bulk_insert(session, "alert_update", _as_json_text(frame[["id", *varying]]))
        if postgres:  # without a key and statistics it joins the two by nested loops
            session.execute(text("ALTER TABLE alert_update ADD PRIMARY KEY (id)"))
            session.execute(text("ANALYZE alert_update"))
        assignments = [f"{name} = alert_update.{name}" for name in varying]
        assignments += [f"{name} = :{name}" for name in alike]
        values = [bindparam(name, group[0][name], type_=Alert.__table__.c[name].type)
                  for name in alike]
        session.execute(text(f"UPDATE alert SET {', '.join(assignments)} FROM alert_update "
                             "WHERE alert.id = alert_update.id").bindparams(*values))
        session.execute(text("DROP TABLE alert_update"))


def _analyze_if_grown(session: Session, *, new: int, findings: int) -> None:
    """Refresh PostgreSQL's statistics of the alert tables after a run that grew them a lot.

    Autovacuum may be off, or not have come round yet: planned on the statistics of an
    empty table, the next run's statements (and the officers' queue) read every row where
    an index would do.
    """
    if session.connection().dialect.name != "postgresql":
        return
    added = {"alert": new, "alert_event": new, "finding": findings}
    known = dict(session.execute(text(
        "SELECT name, (SELECT reltuples FROM pg_class WHERE oid = to_regclass(name)) "
        "FROM unnest(CAST(:names AS text[])) AS name"), {"names": list(added)}).all())
    # Like autovacuum's analyze threshold: rows added beyond a share of what the table held
    # when last analysed (-1: never analysed).
    grown = [table for table, rows in added.items() if rows >= ANALYZE_MIN_ROWS
             and rows > ANALYZE_GROWTH * max(float(known.get(table) or 0), 0.0)]
    if grown:
        session.execute(text(f"ANALYZE {', '.join(grown)}"))


def _insert_events(session: Session, events: list[dict]) -> None:
    """Append alert events in bulk (COPY on PostgreSQL)."""
    if not events:
        return
    chain_events(session, events)
    if len(events) >= COPY_MIN_ROWS:
        bulk_insert(session, "alert_event", pd.DataFrame(events))
    else:
        session.execute(insert(AlertEvent), events)


def _event(alert_id: int, at: datetime, action: str, before: str | None, after: str | None,
           comment: str) -> dict:
    return {"alert_id": alert_id, "at": at, "actor": ACTOR, "action": action,
            "from_status": before, "to_status": after, "comment": comment}


def _figures(draft: AlertDraft) -> dict:
    """Return the alert columns a draft sets, as shown to the officer."""
    finding = draft.finding
    measures = {**finding.measures, **draft.parts.as_measures(), "findings": len(draft.findings)}
    trace = list(finding.trace)
    for other in draft.findings:
        if other is not finding and other.summary != finding.summary:
            trace.append(f"Also found: {other.summary}")
    return {
        "rule_version": finding.rule_version,
        "kind": draft.category,
        "detector": finding.kind,
        "queue": draft.policy.queue,
        "severity": finding.severity,
        "score": draft.parts.total,
        "licence_no": finding.licence_no,
        "tax_id": finding.tax_id,
        "substance_code": finding.substance_code,
        "summary": finding.summary,
        "wording": finding.wording,
        "observed": finding.observed,
        "expected": finding.expected,
        "evidence": draft.evidence,
        "trace": trace,
        "measures": measures,
    }


def _reopen_comment(stored: Row, draft: AlertDraft) -> str:
    before = stored.dismissed_observed if stored.dismissed_observed is not None \
        else stored.observed
    return (f"observed {_kg(draft.finding.observed)} grew past "
            f"{draft.policy.reopen_factor:g} × the {_kg(before)} it was dismissed with")


def _grew(stored: Row, draft: AlertDraft) -> bool:
    """Tell whether a dismissed alert's observed figure grew past the reopen factor."""
    before = stored.dismissed_observed if stored.dismissed_observed is not None \
        else stored.observed
    now = draft.finding.observed
    if before is None or now is None:
        return False
    return abs(now) > abs(before) * draft.policy.reopen_factor


def _changes(stored: Row, draft: AlertDraft) -> list[str]:
    """Describe what a refresh changes in what the officer sees."""
    finding = draft.finding
    changes = []
    if stored.observed != finding.observed:
        changes.append(f"observed {_kg(stored.observed)} → {_kg(finding.observed)}")
    if stored.expected != finding.expected:
        changes.append(f"expected {_kg(stored.expected)} → {_kg(finding.expected)}")
    if stored.severity != finding.severity:
        changes.append(f"severity {stored.severity} → {finding.severity}")
    before = stored.evidence or {}
    if before != draft.evidence:
        count = sum(len(v) for v in before.values())
        changes.append(f"evidence {count} → {sum(len(v) for v in draft.evidence.values())} rows")
    if not changes and stored.summary != finding.summary:
        changes.append("summary reworded")
    return changes


def _corroborate(drafts: list[AlertDraft], ids: Mapping[str, int],
                 statuses: Mapping[str, str], updates: dict[str, dict]) -> None:
    """Name each open alert's corroborating alerts (id, rule, detector) in measures and trace."""
    by_key = {d.key: d for d in drafts}
    for draft in drafts:
        if not draft.corroborated_by or statuses.get(draft.key) not in OPEN_STATUSES:
            continue
        links = [by_key[k] for k in draft.corroborated_by if k in ids]
        figures = _figures(draft)
        measures = dict(figures["measures"])
        measures["corroborated_by"] = [
            {"alert_id": ids[o.key], "rule_id": o.finding.rule_id, "detector": o.finding.kind}
            for o in links
        ]
        trace = list(figures["trace"])
        trace.extend(f"Corroborated by alert #{ids[o.key]} ({o.category} {o.finding.kind}, "
                     f"{o.finding.rule_id}): {o.finding.summary}" for o in links)
        patch = updates.setdefault(draft.key, {"id": ids[draft.key]})
        patch.update(measures=measures, trace=trace)


def _store_findings(session: Session, drafts: list[AlertDraft],
                    ids: Mapping[str, int], *, run: DetectionRun) -> None:
    """Insert every finding of the run, linked to its alert (none for monitor rules)."""
    rows = []
    for draft in drafts:
        alert_id = ids.get(draft.key) if draft.raises else None
        for finding in draft.findings:
            rows.append({
                "run_id": run.id, "alert_id": alert_id,
                "rule_id": finding.rule_id, "rule_version": finding.rule_version,
                "kind": finding.kind, "mode": draft.policy.mode, "severity": finding.severity,
                "licence_no": finding.licence_no, "tax_id": finding.tax_id,
                "substance_code": finding.substance_code,
                "window_start": finding.window_start, "window_end": finding.window_end,
                "observed": finding.observed, "expected": finding.expected,
                "summary": finding.summary, "wording": finding.wording,
                "evidence": {k: list(v) for k, v in finding.evidence.items()},
                "trace": list(finding.trace), "measures": dict(finding.measures),
            })
    if len(rows) < COPY_MIN_ROWS:
        if rows:
            session.execute(insert(StoredFinding), rows)
        return
    # Findings with and without an alert apart: a column of ids with gaps would be floats.
    linked = [row for row in rows if row["alert_id"] is not None]
    alone = [{k: v for k, v in row.items() if k != "alert_id"} for row in rows
             if row["alert_id"] is None]
    for batch in (linked, alone):
        if batch:
            bulk_insert(session, "finding", _as_json_text(pd.DataFrame(batch)))


def _kg(value: float | None) -> str:
    return "none" if value is None else f"{format_kg(value)} kg"


def _as_json_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Write a frame's JSON columns as JSON text: COPY and executemany bypass the column type."""
    for name in JSON_COLUMNS.intersection(frame.columns):
        frame[name] = frame[name].map(json_text)
    return frame
