"""Findings to stored alerts: raise, refresh without duplicating, reopen, monitor, link."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from app.alerts import service
from app.alerts.audit import verify_chains
from app.alerts.keys import alert_key
from app.alerts.models import Alert, AlertEvent, StoredFinding
from app.alerts.planning import Policy, plan_alerts
from app.alerts.service import dismiss_alert, record_findings
from app.detection.models import DetectionRun
from tests.alerts.findings import QUOTA, SURGE, finding

POLICIES = {"quota-annual": Policy(mode="active", reopen_factor=1.5)}


def _run(session, findings, policies=POLICIES):
    run = DetectionRun(as_of=date(2025, 9, 1))
    session.add(run)
    session.flush()
    return run, record_findings(session=session, run=run, findings=findings, policies=policies)


def _alert(session, f=QUOTA) -> Alert:
    return session.scalars(select(Alert).where(Alert.key == alert_key(f))).one()


def _events(session, alert):
    return [(e.action, e.from_status, e.to_status, e.actor) for e in session.scalars(
        select(AlertEvent).where(AlertEvent.alert_id == alert.id).order_by(AlertEvent.id))]


def test_a_new_finding_raises_an_alert_with_its_event_and_stored_finding(db_session):
    run, outcome = _run(db_session, [QUOTA])
    assert (outcome.raised, outcome.refreshed, outcome.findings) == (1, 0, 1)
    alert = _alert(db_session)
    assert (alert.status, alert.kind, alert.detector, alert.severity) == (
        "open", "rule", "quota", "high")
    assert alert.summary == QUOTA.summary
    assert alert.score == 56
    assert alert.evidence == {"declaration_line": [1, 2, 3]}
    assert alert.measures["score_excess"] == 6.3
    assert (alert.times_seen, alert.last_run_id) == (1, run.id)
    assert _events(db_session, alert) == [("raised", None, "open", "vigia detect")]
    stored = db_session.scalars(select(StoredFinding).where(StoredFinding.run_id == run.id)).all()
    assert [(s.alert_id, s.mode, s.observed) for s in stored] == [(alert.id, "active", 12400.0)]


def test_running_again_refreshes_the_open_alert_instead_of_duplicating(db_session):
    _run(db_session, [QUOTA])
    second, outcome = _run(db_session, [QUOTA])
    assert (outcome.raised, outcome.refreshed) == (0, 1)
    alert = _alert(db_session)
    assert (alert.times_seen, alert.last_run_id) == (2, second.id)
    # Nothing the officer sees changed: no event beyond the raise.
    assert [e[0] for e in _events(db_session, alert)] == ["raised"]
    grown = finding(observed=14000.0, summary="ACME S.A. acquired 14,000 kg",
                    evidence={"declaration_line": (1, 2, 3, 4)})
    third, outcome = _run(db_session, [grown])
    db_session.refresh(alert)
    assert db_session.scalars(select(Alert)).all() == [alert]
    assert (alert.observed, alert.summary, alert.times_seen) == (14000.0, grown.summary, 3)
    assert alert.evidence == {"declaration_line": [1, 2, 3, 4]}
    event = db_session.scalars(select(AlertEvent).where(AlertEvent.action == "refreshed")).one()
    assert event.comment == "observed 12,400 kg → 14,000 kg; evidence 3 → 4 rows"
    assert len(db_session.scalars(select(StoredFinding)).all()) == 3


def test_a_dismissed_alert_stays_dismissed_until_the_evidence_grows_past_the_factor(db_session):
    _run(db_session, [QUOTA])
    alert = _alert(db_session)
    dismiss_alert(session=db_session, alert=alert, actor="officer@example.org",
                  reason="quota raised by resolution 12/2025")
    db_session.flush()
    _, outcome = _run(db_session, [finding(observed=18000.0)])  # 1.45 × 12,400: below 1.5
    assert (outcome.kept_dismissed, outcome.reopened, outcome.raised) == (1, 0, 0)
    assert alert.status == "dismissed"
    assert alert.observed == 12400.0  # figures it was dismissed with are kept
    _, outcome = _run(db_session, [finding(observed=18700.0)])  # 1.51 × 12,400
    assert outcome.reopened == 1
    db_session.refresh(alert)
    assert (alert.status, alert.observed) == ("open", 18700.0)
    assert _events(db_session, alert)[-2:] == [
        ("dismissed", "open", "dismissed", "officer@example.org"),
        ("reopened", "dismissed", "open", "vigia detect"),
    ]
    reopened = db_session.scalars(select(AlertEvent).where(AlertEvent.action == "reopened")).one()
    assert "18,700 kg grew past 1.5 × the 12,400 kg" in reopened.comment


def test_a_confirmed_alert_is_only_counted_as_seen(db_session):
    _run(db_session, [QUOTA])
    alert = _alert(db_session)
    alert.status = "confirmed"
    db_session.flush()
    _, outcome = _run(db_session, [finding(observed=50000.0)])
    assert (outcome.kept_closed, outcome.reopened, outcome.refreshed) == (1, 0, 0)
    assert (alert.status, alert.observed, alert.times_seen) == ("confirmed", 12400.0, 2)


def test_monitor_rules_store_findings_and_raise_nothing(db_session):
    run, outcome = _run(db_session, [QUOTA], {"quota-annual": Policy(mode="monitor")})
    assert (outcome.raised, outcome.monitored, outcome.findings) == (0, 1, 1)
    assert db_session.scalars(select(Alert)).all() == []
    stored = db_session.scalars(select(StoredFinding)).one()
    assert (stored.alert_id, stored.mode, stored.run_id) == (None, "monitor", run.id)


def test_corroborating_alerts_name_each_other_and_rank_higher(db_session):
    _, outcome = _run(db_session, [QUOTA, SURGE])
    assert outcome.raised == 2
    quota, surge = _alert(db_session, QUOTA), _alert(db_session, SURGE)
    assert surge.kind == "statistical" and surge.detector == "surge"
    assert quota.measures["corroborated_by"] == [
        {"alert_id": surge.id, "rule_id": "stat-surge", "detector": "surge"}]
    assert surge.measures["corroborated_by"][0]["alert_id"] == quota.id
    assert any(f"alert #{surge.id}" in line for line in quota.trace)
    assert quota.score == 66


def test_large_runs_take_the_bulk_paths_and_keep_every_change(db_session, monkeypatch):
    monkeypatch.setattr(service, "ANALYZE_MIN_ROWS", 1000)
    many = [finding(licence_no=f"LIC-{i:04d}", observed=9000.0 + i) for i in range(1200)]
    watched = [finding(rule_id="watch", licence_no=f"LIC-{i:04d}") for i in range(10)]
    policies = {**POLICIES, "watch": Policy(mode="monitor")}
    first, outcome = _run(db_session, many + watched, policies)
    assert (outcome.raised, outcome.monitored) == (1200, 10)
    fresh = db_session.scalars(select(Alert)).all()
    assert {(a.status, a.times_seen, a.queue, a.last_run_id) for a in fresh} == {
        ("open", 1, "diversion", first.id)}
    assert all(a.first_raised_at is not None for a in fresh)
    assert {(a.rule_id, a.period_start, a.expected) for a in fresh} == {
        ("quota-annual", date(2025, 1, 1), 8000.0)}
    assert all(a.evidence == {"declaration_line": [1, 2, 3]} and a.trace[:2] == [
        "quota 8,000 kg", "acquired 12,400 kg"] for a in fresh)
    if db_session.connection().dialect.name == "postgresql":  # statistics refreshed
        counted = db_session.execute(text(
            "SELECT reltuples FROM pg_class WHERE relname = 'alert'")).scalar()
        assert counted >= 1200
    unlinked = db_session.scalars(select(StoredFinding).where(StoredFinding.rule_id == "watch"))
    assert [s.alert_id for s in unlinked] == [None] * 10
    grown = [finding(f, observed=f.observed + 5000.0) for f in many]
    second, outcome = _run(db_session, grown)
    assert (outcome.raised, outcome.refreshed) == (0, 1200)
    alerts = db_session.scalars(select(Alert)).all()
    assert len(alerts) == 1200
    assert {(a.times_seen, a.last_run_id) for a in alerts} == {(2, second.id)}
    sample = next(a for a in alerts if a.licence_no == "LIC-0007")
    assert (sample.observed, sample.status) == (14007.0, "open")
    refreshed = db_session.scalars(select(AlertEvent).where(
        AlertEvent.alert_id == sample.id, AlertEvent.action == "refreshed")).one()
    assert refreshed.comment == "observed 9,007 kg → 14,007 kg"
    # When it was seen, bound once for the whole refresh, reads back as the refresh's time.
    db_session.expire_all()
    assert {a.last_seen_at for a in db_session.scalars(select(Alert))} == {refreshed.at}
    assert sample.last_seen_at > sample.first_raised_at
    # Events written in bulk read back with the times they were hashed with.
    db_session.flush()
    chains = verify_chains(session=db_session)
    assert chains.ok and chains.events == 2400, chains.problems[:3]
    actions = [e.action for e in db_session.scalars(select(AlertEvent))]
    assert (actions.count("raised"), actions.count("refreshed")) == (1200, 1200)
    stored = db_session.scalars(select(StoredFinding).where(StoredFinding.run_id == second.id))
    stored = stored.all()
    assert len(stored) == 1200 and all(s.alert_id is not None for s in stored)
    assert {s.window_start for s in stored} == {date(2025, 1, 1)}
    # Each finding is linked to its own alert, and each alert's event to it.
    by_id = {a.id: a for a in alerts}
    assert all(by_id[s.alert_id].licence_no == s.licence_no for s in stored)
    raised = db_session.scalars(select(AlertEvent).where(AlertEvent.action == "raised")).all()
    assert all(by_id[e.alert_id].summary == e.comment for e in raised)
    # An alert raised afterwards one by one takes the next free id.
    third, outcome = _run(db_session, [finding(licence_no="LIC-9999")])
    assert outcome.raised == 1
    assert db_session.scalars(select(Alert.id).where(Alert.licence_no == "LIC-9999")).one() \
        > max(by_id)


def test_a_refresh_writes_the_figures_that_changed_and_keeps_the_others(db_session):
    # Some alerts grow, some do not, and the rule's queue changes: every stored figure is the
    # new one, on the bulk path (temporary table) and by single statements.
    for count in (1200, 3):
        start = len(db_session.scalars(select(Alert.id)).all())
        many = [finding(licence_no=f"LIC-{count}-{i:04d}", observed=9000.0 + i)
                for i in range(count)]
        _run(db_session, many)
        changed = [finding(f, observed=f.observed + 5000.0, summary=f"grew {i}") if i % 2 else f
                   for i, f in enumerate(many)]
        elsewhere = {"quota-annual": Policy(mode="active", reopen_factor=1.5,
                                            queue="administrative")}
        second, outcome = _run(db_session, changed, elsewhere)
        assert outcome.refreshed == count
        db_session.expire_all()
        alerts = {a.licence_no: a for a in db_session.scalars(select(Alert))}
        assert len(alerts) == start + count
        drafts = {d.finding.licence_no: d for d in plan_alerts(changed, elsewhere)}
        for f in changed:
            alert = alerts[f.licence_no]
            assert (alert.observed, alert.summary, alert.queue, alert.last_run_id,
                    alert.times_seen) == (f.observed, f.summary, "administrative", second.id, 2)
            assert alert.score == drafts[f.licence_no].parts.total
            assert alert.measures["findings"] == 1


def test_an_alert_goes_to_the_queue_its_rule_names(db_session):
    administrative = {"quota-annual": Policy(mode="active", queue="administrative")}
    _run(db_session, [QUOTA], policies=administrative)

    assert _alert(db_session).queue == "administrative"
    assert _run(db_session, [SURGE])[1].raised == 1
    assert _alert(db_session, SURGE).queue == "diversion"


def test_statistics_are_refreshed_when_a_run_grew_a_table_by_a_share_of_it(db_session,
                                                                            monkeypatch):
    monkeypatch.setattr(service, "ANALYZE_MIN_ROWS", 1000)
    monkeypatch.setattr(service, "ANALYZE_GROWTH", 0.5)
    postgres = db_session.connection().dialect.name == "postgresql"

    def counted() -> float | None:
        if not postgres:
            return None
        return db_session.execute(text(
            "SELECT reltuples FROM pg_class WHERE relname = 'alert'")).scalar()

    def raise_many(start: int, count: int) -> None:
        batch = [finding(licence_no=f"LIC-{i:05d}") for i in range(start, start + count)]
        assert _run(db_session, batch)[1].raised == count

    raise_many(0, 2000)  # a table never analysed
    assert counted() in (None, 2000)
    raise_many(2000, 1500)  # 1,500 more is 75 % of 2,000
    assert counted() in (None, 3500)
    raise_many(3500, 1200)  # 34 % of 3,500: left to autovacuum
    assert counted() in (None, 3500)
    assert len(db_session.scalars(select(Alert.id)).all()) == 4700
