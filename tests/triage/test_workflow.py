"""The triage workflow: outcomes, four eyes, assignment, bulk, suppression, deadlines."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.alerts.models import AlertEvent
from app.triage import service, suppression
from app.triage.queue import queue_page
from app.triage.service import Actor, TriageError
from tests.alerts.builders import stored_alert

OFFICER = Actor("officer@example.org", "officer")
BOSS = Actor("boss@example.org", "supervisor")
BOSS2 = Actor("boss2@example.org", "supervisor")
REGULATOR = Actor("reg@example.org", "regulator")
DAYS = {"critical": 2, "high": 5, "medium": 10, "low": 20}


def actions(session, alert):
    return [e.action for e in session.scalars(select(AlertEvent).where(
        AlertEvent.alert_id == alert.id).order_by(AlertEvent.seq))]


def test_closing_needs_an_outcome_of_that_status_and_a_reason(db_session):
    alert = stored_alert(db_session, severity="low")
    with pytest.raises(TriageError, match="outcome"):
        service.change_status(session=db_session, alert_id=alert.id, actor=OFFICER,
                              to_status="dismissed", outcome="diversion_suspected", reason="x")
    with pytest.raises(TriageError, match="reason"):
        service.change_status(session=db_session, alert_id=alert.id, actor=OFFICER,
                              to_status="dismissed", outcome="false_positive", reason=" ")
    done = service.change_status(session=db_session, alert_id=alert.id, actor=OFFICER,
                                 to_status="dismissed", outcome="false_positive",
                                 reason="the shipment was declared a month later")
    assert done == "closed" and alert.status == "dismissed" and alert.outcome == "false_positive"
    assert alert.dismissed_observed == alert.observed  # detection reopens it if it grows
    assert actions(db_session, alert) == ["dismissed"]


def test_four_eyes_on_high_alerts_records_both_people(db_session):
    alert = stored_alert(db_session, severity="high")
    assert service.change_status(session=db_session, alert_id=alert.id, actor=OFFICER,
                                 to_status="confirmed", outcome="diversion_suspected",
                                 reason="buyer unknown at the address") == "proposed"
    assert alert.status == "open" and alert.pending_status == "confirmed"
    with pytest.raises(TriageError, match="role"):
        service.approve(session=db_session, alert_id=alert.id, actor=OFFICER)
    service.approve(session=db_session, alert_id=alert.id, actor=BOSS, note="agreed")
    assert alert.status == "confirmed" and alert.outcome == "diversion_suspected"
    assert alert.pending_status is None
    events = db_session.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert.id)
                                .order_by(AlertEvent.seq)).all()
    assert [e.action for e in events] == ["closure_proposed", "approved", "confirmed"]
    assert events[0].actor == OFFICER.email and events[1].actor == BOSS.email
    assert '"proposed_by": "officer@example.org"' in events[2].detail
    assert '"approved_by": "boss@example.org"' in events[2].detail


def test_a_supervisor_cannot_approve_their_own_proposal(db_session):
    alert = stored_alert(db_session, severity="critical")
    service.change_status(session=db_session, alert_id=alert.id, actor=BOSS,
                          to_status="dismissed", outcome="data_error", reason="duplicate file")
    with pytest.raises(TriageError, match="Four eyes"):
        service.approve(session=db_session, alert_id=alert.id, actor=BOSS)
    service.refuse(session=db_session, alert_id=alert.id, actor=BOSS2, reason="not a duplicate")
    assert alert.status == "open" and alert.pending_status is None


def test_escalating_needs_a_reason_and_regulators_cannot_triage(db_session):
    alert = stored_alert(db_session, severity="medium")
    with pytest.raises(TriageError, match="reason"):
        service.change_status(session=db_session, alert_id=alert.id, actor=OFFICER,
                              to_status="escalated")
    with pytest.raises(TriageError, match="role"):
        service.comment(session=db_session, alert_id=alert.id, actor=REGULATOR, text="hmm")
    service.change_status(session=db_session, alert_id=alert.id, actor=OFFICER,
                          to_status="escalated", reason="large and unexplained")
    assert alert.status == "escalated"


def test_officers_take_alerts_supervisors_assign_them(db_session):
    alert = stored_alert(db_session)
    with pytest.raises(TriageError):
        service.assign(session=db_session, alert_id=alert.id, actor=OFFICER,
                       assignee="someone@example.org")
    service.assign(session=db_session, alert_id=alert.id, actor=OFFICER, assignee=OFFICER.email)
    service.assign(session=db_session, alert_id=alert.id, actor=BOSS, assignee=BOSS2.email)
    assert alert.assignee == BOSS2.email
    assert actions(db_session, alert) == ["assigned", "assigned"]


def test_bulk_changes_each_alert_and_reports_refusals(db_session):
    low = stored_alert(db_session, severity="low", licence_no="LIC-1")
    high = stored_alert(db_session, severity="high", licence_no="LIC-2")
    closed = stored_alert(db_session, severity="low", licence_no="LIC-3", status="confirmed")
    result = service.bulk(session=db_session, alert_ids=[low.id, high.id, closed.id],
                          actor=OFFICER, action="status", to_status="dismissed",
                          outcome="legitimate", reason="raised quota covers it")
    assert result.done == [low.id, high.id]
    assert [alert_id for alert_id, _ in result.refused] == [closed.id]
    assert low.status == "dismissed" and high.pending_status == "dismissed"


def test_reopening_is_for_supervisors(db_session):
    alert = stored_alert(db_session, status="dismissed", outcome="false_positive")
    with pytest.raises(TriageError):
        service.reopen(session=db_session, alert_id=alert.id, actor=OFFICER, reason="new facts")
    service.reopen(session=db_session, alert_id=alert.id, actor=BOSS, reason="new facts")
    assert alert.status == "open" and alert.outcome is None


def test_suppression_hides_the_rule_for_the_party_until_the_date(db_session):
    alert = stored_alert(db_session, licence_no="LIC-7", severity="low")
    other = stored_alert(db_session, licence_no="LIC-8", severity="low")
    today = datetime.now(UTC).date()
    with pytest.raises(TriageError):
        suppression.suppress(session=db_session, alert_id=alert.id, actor=OFFICER,
                             until=today + timedelta(days=30), reason="licence raised")
    with pytest.raises(TriageError, match="after today"):
        suppression.suppress(session=db_session, alert_id=alert.id, actor=BOSS, until=today,
                             reason="x")
    made = suppression.suppress(session=db_session, alert_id=alert.id, actor=BOSS,
                                until=today + timedelta(days=30), reason="quota raised in May")
    assert actions(db_session, alert) == ["suppressed"]
    visible = lambda **f: [a.id for a, _ in queue_page(  # noqa: E731
        session=db_session, filters={"status": ["open"], **f}, me=None, review_days=DAYS,
        counts=False).alerts]
    assert alert.id not in visible() and other.id in visible()
    assert visible(suppressed=True) == [alert.id]
    counts = lambda **f: queue_page(  # noqa: E731
        session=db_session, filters={"status": ["open"], **f}, me=None, review_days=DAYS).counts
    assert counts()["open"] == 1 and counts(suppressed=True)["open"] == 1
    assert counts(licence="LIC-7")["open"] == 0
    later = datetime.now(UTC) + timedelta(days=31)  # the day passed: back by itself
    assert alert.id in [a.id for a, _ in queue_page(
        session=db_session, filters={"status": ["open"]}, me=None, review_days=DAYS,
        now=later, counts=False).alerts]
    suppression.lift(session=db_session, suppression_id=made.id, actor=BOSS, reason="fraud")
    assert alert.id in visible()


def test_review_deadlines_by_severity_mark_overdue_alerts(db_session):
    raised = datetime.now(UTC) - timedelta(days=3)
    critical = stored_alert(db_session, severity="critical", licence_no="L1",
                            first_raised_at=raised)
    low = stored_alert(db_session, severity="low", licence_no="L2", first_raised_at=raised)
    assert service.is_overdue(critical, DAYS) and not service.is_overdue(low, DAYS)
    page = queue_page(session=db_session, filters={"overdue": True}, me=None, review_days=DAYS)
    assert [a.id for a, _ in page.alerts] == [critical.id]
    assert page.counts["open"] == 1


def test_queue_pages_by_keyset_most_urgent_first(db_session):
    made = [stored_alert(db_session, licence_no=f"K{i}", score=score)
            for i, score in enumerate([50, 90, 50, 70, 10])]
    first = queue_page(session=db_session, filters={}, me=None, review_days=DAYS, page_size=2)
    assert [a.score for a, _ in first.alerts] == [90, 70]
    second = queue_page(session=db_session, filters={"after": first.next_cursor}, me=None,
                        review_days=DAYS, page_size=2)
    third = queue_page(session=db_session, filters={"after": second.next_cursor}, me=None,
                       review_days=DAYS, page_size=2)
    ids = [a.id for page in (first, second, third) for a, _ in page.alerts]
    assert sorted(ids) == sorted(a.id for a in made) and third.next_cursor is None
    assert [a.score for a, _ in second.alerts] == [50, 50]
    assert date(2025, 1, 1) == made[0].period_start
