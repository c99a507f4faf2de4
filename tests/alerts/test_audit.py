"""The audit chain: verify finds edits, removals and insertions; PostgreSQL refuses edits."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.alerts.audit import verify_chains
from app.triage import service
from app.triage.service import Actor
from tests.alerts.builders import stored_alert

OFFICER = Actor("officer@example.org", "officer")


def _history(session):
    alert = stored_alert(session, severity="low")
    for text_ in ("first look", "asked the company", "answer received"):
        service.comment(session=session, alert_id=alert.id, actor=OFFICER, text=text_)
    session.flush()
    return alert


def test_an_untouched_chain_verifies(db_session):
    alert = _history(db_session)
    report = verify_chains(session=db_session)
    assert report.ok, report.problems
    assert report.events >= 3 and report.alerts >= 1
    assert alert.id


def test_edits_are_refused_on_postgresql_and_found_elsewhere(db_session, database_url):
    alert = _history(db_session)
    edit = text("UPDATE alert_event SET comment = 'nothing' WHERE alert_id = :a AND seq = 2")
    if database_url.startswith("postgresql"):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(edit, {"a": alert.id})
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text("DELETE FROM alert_event WHERE alert_id = :a"),
                               {"a": alert.id})
        return
    db_session.execute(edit, {"a": alert.id})
    problems = verify_chains(session=db_session).problems
    assert [(p.alert_id, p.seq) for p in problems] == [(alert.id, 2)]
    assert "edited" in problems[0].message


def test_a_removed_event_breaks_the_chain(db_session, database_url):
    if database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL refuses the DELETE (previous test)")
    alert = _history(db_session)
    db_session.execute(text("DELETE FROM alert_event WHERE alert_id = :a AND seq = 2"),
                       {"a": alert.id})
    messages = [p.message for p in verify_chains(session=db_session).problems]
    assert any("missing" in m for m in messages) and any("hash of the event" in m
                                                         for m in messages)


def test_audit_verify_command(runner, app):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "every chain holds" in result.output
