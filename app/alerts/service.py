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

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.alerts.models import OPEN_STATUSES, Alert, AlertEvent, DetectionRun, StoredFinding
from app.alerts.planning import AlertDraft, Policy, plan_alerts
from app.db import utcnow
from app.detection.findings import Finding
from app.detection.rules.summary import format_kg

ACTOR = "vigia detect"
KEY_CHUNK = 500


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
    """Turn a run's findings into alerts and store every finding; the caller commits."""
    now = now or utcnow()
    drafts = plan_alerts(findings, policies)
    outcome = AlertOutcome(findings=sum(len(d.findings) for d in drafts))
    existing = _alerts_by_key(session, [d.key for d in drafts])
    alert_of: dict[str, Alert] = {}
    for draft in drafts:
        alert = existing.get(draft.key)
        if not draft.raises:
            outcome.monitored += 1
            continue
        if alert is None:
            alert = _raise(session, draft, run=run, now=now)
            outcome.raised += 1
        elif alert.status in OPEN_STATUSES:
            _refresh(session, alert, draft, run=run, now=now)
            outcome.refreshed += 1
        elif alert.status == "dismissed" and _grew(alert, draft):
            _reopen(session, alert, draft, run=run, now=now)
            outcome.reopened += 1
        else:
            _seen(alert, run=run, now=now)
            if alert.status == "dismissed":
                outcome.kept_dismissed += 1
            else:
                outcome.kept_closed += 1
        alert_of[draft.key] = alert
    session.flush()
    _store_corroboration(drafts, alert_of)
    _store_findings(session, drafts, alert_of, run=run)
    return outcome


def dismiss_alert(*, session: Session, alert: Alert, actor: str, reason: str) -> AlertEvent:
    """Dismiss an alert, remembering the figure it was dismissed with (to reopen if it grows)."""
    event = AlertEvent(alert_id=alert.id, actor=actor, action="dismissed",
                       from_status=alert.status, to_status="dismissed", comment=reason)
    alert.status = "dismissed"
    alert.dismissed_observed = alert.observed
    session.add(event)
    return event


def alert_counts(*, session: Session, run_id: int) -> dict[str, int]:
    """Return how many alerts a run saw (raised, refreshed or kept), per detector."""
    rows = session.execute(
        select(Alert.detector, func.count(Alert.id)).where(Alert.last_run_id == run_id)
        .group_by(Alert.detector).order_by(Alert.detector))
    return {detector: int(count) for detector, count in rows.all()}


def _alerts_by_key(session: Session, keys: list[str]) -> dict[str, Alert]:
    """Return the stored alerts of the given keys."""
    found: dict[str, Alert] = {}
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start:start + KEY_CHUNK]
        found.update((a.key, a) for a in session.scalars(select(Alert).where(Alert.key.in_(chunk))))
    return found


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
        "severity": finding.severity,
        "score": draft.parts.total,
        "licence_no": finding.licence_no,
        "tax_id": finding.tax_id,
        "substance_code": finding.substance_code,
        "summary": finding.summary,
        "observed": finding.observed,
        "expected": finding.expected,
        "evidence": _json(draft.evidence),
        "trace": _json(trace),
        "measures": _json(measures),
    }


def _raise(session: Session, draft: AlertDraft, *, run: DetectionRun, now: datetime) -> Alert:
    """Create the alert of a new key, with its `raised` event."""
    finding = draft.finding
    alert = Alert(key=draft.key, rule_id=finding.rule_id, period_start=finding.window_start,
                  period_end=finding.window_end, status="open", times_seen=1,
                  first_raised_at=now, last_seen_at=now, last_run_id=run.id, **_figures(draft))
    session.add(alert)
    session.flush()
    session.add(AlertEvent(alert_id=alert.id, at=now, actor=ACTOR, action="raised",
                           from_status=None, to_status="open", comment=finding.summary))
    return alert


def _refresh(session: Session, alert: Alert, draft: AlertDraft, *, run: DetectionRun,
             now: datetime) -> None:
    """Bring an open alert up to date; record an event when what it shows changed."""
    changes = _changes(alert, draft)
    for column, value in _figures(draft).items():
        setattr(alert, column, value)
    _seen(alert, run=run, now=now)
    if changes:
        session.add(AlertEvent(alert_id=alert.id, at=now, actor=ACTOR, action="refreshed",
                               from_status=alert.status, to_status=alert.status,
                               comment="; ".join(changes)))


def _reopen(session: Session, alert: Alert, draft: AlertDraft, *, run: DetectionRun,
            now: datetime) -> None:
    """Reopen a dismissed alert whose evidence grew past the rule's reopen factor."""
    before = alert.dismissed_observed if alert.dismissed_observed is not None else alert.observed
    comment = (f"observed {_kg(draft.finding.observed)} grew past "
               f"{draft.policy.reopen_factor:g} × the {_kg(before)} it was dismissed with")
    for column, value in _figures(draft).items():
        setattr(alert, column, value)
    session.add(AlertEvent(alert_id=alert.id, at=now, actor=ACTOR, action="reopened",
                           from_status=alert.status, to_status="open", comment=comment))
    alert.status = "open"
    _seen(alert, run=run, now=now)


def _seen(alert: Alert, *, run: DetectionRun, now: datetime) -> None:
    alert.times_seen = (alert.times_seen or 0) + 1
    alert.last_seen_at = now
    alert.last_run_id = run.id


def _grew(alert: Alert, draft: AlertDraft) -> bool:
    """Tell whether a dismissed alert's observed figure grew past the reopen factor."""
    before = alert.dismissed_observed if alert.dismissed_observed is not None else alert.observed
    now = draft.finding.observed
    if before is None or now is None:
        return False
    return abs(now) > abs(before) * draft.policy.reopen_factor


def _changes(alert: Alert, draft: AlertDraft) -> list[str]:
    """Describe what a refresh changes in what the officer sees."""
    finding = draft.finding
    changes = []
    if alert.observed != finding.observed:
        changes.append(f"observed {_kg(alert.observed)} → {_kg(finding.observed)}")
    if alert.expected != finding.expected:
        changes.append(f"expected {_kg(alert.expected)} → {_kg(finding.expected)}")
    if alert.severity != finding.severity:
        changes.append(f"severity {alert.severity} → {finding.severity}")
    before = json.loads(alert.evidence or "{}")
    if before != draft.evidence:
        count = sum(len(v) for v in before.values())
        changes.append(f"evidence {count} → {sum(len(v) for v in draft.evidence.values())} rows")
    if not changes and alert.summary != finding.summary:
        changes.append("summary reworded")
    return changes


def _store_corroboration(drafts: list[AlertDraft], alert_of: Mapping[str, Alert]) -> None:
    """Name each alert's corroborating alerts (id, rule, detector) in its measures and trace."""
    for draft in drafts:
        alert = alert_of.get(draft.key)
        if alert is None or not draft.corroborated_by or alert.status not in OPEN_STATUSES:
            continue
        links = [alert_of[k] for k in draft.corroborated_by if k in alert_of]
        measures = json.loads(alert.measures)
        measures["corroborated_by"] = [
            {"alert_id": other.id, "rule_id": other.rule_id, "detector": other.detector}
            for other in links
        ]
        alert.measures = _json(measures)
        trace = json.loads(alert.trace)
        trace.extend(f"Corroborated by alert #{other.id} ({other.kind} {other.detector}, "
                     f"{other.rule_id}): {other.summary}" for other in links)
        alert.trace = _json(trace)


def _store_findings(session: Session, drafts: list[AlertDraft],
                    alert_of: Mapping[str, Alert], *, run: DetectionRun) -> None:
    """Insert every finding of the run, linked to its alert (none for monitor rules)."""
    rows = []
    for draft in drafts:
        alert = alert_of.get(draft.key)
        for finding in draft.findings:
            rows.append({
                "run_id": run.id, "alert_id": alert.id if alert is not None else None,
                "rule_id": finding.rule_id, "rule_version": finding.rule_version,
                "kind": finding.kind, "mode": draft.policy.mode, "severity": finding.severity,
                "licence_no": finding.licence_no, "tax_id": finding.tax_id,
                "substance_code": finding.substance_code,
                "window_start": finding.window_start, "window_end": finding.window_end,
                "observed": finding.observed, "expected": finding.expected,
                "summary": finding.summary,
                "evidence": _json({k: list(v) for k, v in finding.evidence.items()}),
                "trace": _json(list(finding.trace)), "measures": _json(dict(finding.measures)),
            })
    if rows:
        session.execute(insert(StoredFinding), rows)


def _kg(value: float | None) -> str:
    return "none" if value is None else f"{format_kg(value)} kg"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
