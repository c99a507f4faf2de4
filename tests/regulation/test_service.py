"""Rule changes with four eyes: checked as `vigia rules check`, backtested, published, restored."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from app.alerts.models import Alert
from app.detection.rules.loader import load_rules
from app.pipeline import run_detection
from app.regulation import service
from app.regulation.audit import verify_events
from app.regulation.models import RegulationEvent, RuleProposal
from app.regulation.rulebook import MIN_REVIEWED, rule_precision
from app.regulation.service import Actor, RegulationError
from tests.alerts.builders import stored_alert
from tests.regulation.conftest import ANA, BETO, KEY_800, KEY_1200, KEY_1500

RULE = "large-movement"
THRESHOLD = ("params", "thresholds", "108-24-7")


def _loosen(db_session, ctx, kg="500", actor=ANA):
    return service.propose(session=db_session, ctx=ctx, rule_id=RULE, actor=actor,
                           reason="Too few alerts on acetic anhydride", values={THRESHOLD: kg})


def _rule(ctx):
    return load_rules(ctx.rules_dir, catalogue=ctx.catalogue).by_id[RULE]


def test_a_value_the_check_refuses_is_shown_with_its_field_and_nothing_is_stored(
        db_session, ctx):
    before = (ctx.rules_dir / "threshold.yaml").read_bytes()

    negative = _loosen(db_session, ctx, kg="-5")
    wrong_mode = service.propose(session=db_session, ctx=ctx, rule_id=RULE, actor=ANA,
                                 reason="try", mode="sometimes")

    assert negative.proposal is None and wrong_mode.proposal is None
    [problem] = negative.problems
    assert problem.file == "threshold.yaml" and problem.line > 0
    assert "thresholds" in problem.message and "greater than or equal to 0" in problem.message
    assert any("'mode'" in p.message and "must be one of" in p.message
               for p in wrong_mode.problems)
    assert db_session.scalars(select(RuleProposal)).all() == []
    assert (ctx.rules_dir / "threshold.yaml").read_bytes() == before


def test_the_same_messages_as_rules_check(db_session, ctx, runner, tmp_path):
    proposed = _loosen(db_session, ctx, kg="lots")
    folder = tmp_path / "would-be"
    folder.mkdir()
    (folder / "threshold.yaml").write_text(proposed.would_be_text, encoding="utf-8")

    result = runner.invoke(args=["rules", "check", str(folder)])

    assert result.exit_code == 1
    for problem in proposed.problems:
        assert f"threshold.yaml:{problem.line}: {problem.message}" in result.output


def test_proposal_is_backtested_and_the_proposer_cannot_approve_it(acme, db_session, ctx):
    stored_alert(db_session, key=KEY_1500, rule_id=RULE, status="confirmed")

    proposal = _loosen(db_session, ctx).proposal

    assert proposal.status == "pending" and (proposal.base_version, proposal.version) == (2, 3)
    [rule] = proposal.backtest["rules"]
    assert rule["added"] == [KEY_800] and rule["counts"]["unchanged"] == 2
    assert rule["counts"]["missed_confirmed"] == 0
    with pytest.raises(RegulationError, match="another regulator must approve"):
        service.approve(session=db_session, ctx=ctx, proposal_id=proposal.id, actor=ANA)
    with pytest.raises(RegulationError, match="Only a regulator"):
        service.approve(session=db_session, ctx=ctx, proposal_id=proposal.id,
                        actor=Actor("boss@example.org", "supervisor"))
    assert _rule(ctx).version == 2


def test_a_second_regulator_publishes_it_into_the_folder_keeping_comments(db_session, ctx):
    proposal = _loosen(db_session, ctx).proposal

    service.approve(session=db_session, ctx=ctx, proposal_id=proposal.id, actor=BETO)

    path = ctx.rules_dir / "threshold.yaml"
    text = path.read_text(encoding="utf-8")
    rule = _rule(ctx)  # the written file round-trips through the loader
    assert rule.version == 3 and rule.params["thresholds"]["acetic-anhydride"] == 500
    assert "108-24-7: 500          # acetic anhydride" in text
    assert text.startswith("# Single large movements.")
    assert [p.name for p in ctx.rules_dir.iterdir()] == ["threshold.yaml"]  # no temp file left
    found, published = service.list_versions(session=db_session, rule_id=RULE)
    assert (found.seq, found.version, found.author) == (1, 2, service.FOLDER_AUTHOR)
    assert (published.seq, published.version) == (2, 3)
    assert (published.author, published.approver) == (ANA.email, BETO.email)
    assert published.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert published.file_text == text and "108-24-7: 500" in published.rule_text
    assert proposal.status == "published" and proposal.decided_by == BETO.email
    actions = [e.action for e in db_session.scalars(select(RegulationEvent)
                                                    .order_by(RegulationEvent.seq))]
    assert actions == ["proposed", "recorded", "published"]
    assert verify_events(session=db_session) == []


def test_a_proposal_on_a_version_no_longer_in_force_is_refused_as_stale(db_session, ctx):
    first = _loosen(db_session, ctx, kg="500").proposal
    second = _loosen(db_session, ctx, kg="700").proposal
    service.approve(session=db_session, ctx=ctx, proposal_id=first.id, actor=BETO)
    written = (ctx.rules_dir / "threshold.yaml").read_bytes()

    service.approve(session=db_session, ctx=ctx, proposal_id=second.id, actor=BETO)

    assert second.status == "stale"
    assert (ctx.rules_dir / "threshold.yaml").read_bytes() == written
    with pytest.raises(RegulationError, match="no longer pending"):
        service.approve(session=db_session, ctx=ctx, proposal_id=second.id, actor=BETO)


def test_a_hand_edited_file_makes_a_pending_proposal_stale(db_session, ctx):
    proposal = _loosen(db_session, ctx).proposal
    path = ctx.rules_dir / "threshold.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("severity: medium",
                                                             "severity: high"), "utf-8")

    service.approve(session=db_session, ctx=ctx, proposal_id=proposal.id, actor=BETO)

    assert proposal.status == "stale" and "severity: high" in path.read_text("utf-8")


def test_restore_is_a_new_proposal_of_the_old_text_under_a_new_version(db_session, ctx):
    service.approve(session=db_session, ctx=ctx, actor=BETO,
                    proposal_id=_loosen(db_session, ctx).proposal.id)

    restored = service.restore(session=db_session, ctx=ctx, rule_id=RULE, seq=1, actor=BETO,
                               reason="Back to 1,000 kg").proposal

    assert (restored.kind, restored.restored_seq, restored.version) == ("restore", 1, 4)
    assert _rule(ctx).version == 3  # nothing changes before a second regulator approves
    with pytest.raises(RegulationError, match="another regulator"):
        service.approve(session=db_session, ctx=ctx, proposal_id=restored.id, actor=BETO)
    service.approve(session=db_session, ctx=ctx, proposal_id=restored.id, actor=ANA)
    rule = _rule(ctx)
    assert rule.version == 4 and rule.params["thresholds"]["acetic-anhydride"] == 1000
    assert [v.version for v in service.list_versions(session=db_session, rule_id=RULE)] == [2, 3, 4]


def test_refuse_and_withdraw(db_session, ctx):
    one, two = _loosen(db_session, ctx).proposal, _loosen(db_session, ctx, kg="600").proposal

    service.refuse(session=db_session, proposal_id=one.id, actor=BETO, reason="Too loose")
    service.refuse(session=db_session, proposal_id=two.id, actor=ANA, reason="Changed my mind")

    assert (one.status, two.status) == ("refused", "withdrawn")
    with pytest.raises(RegulationError, match="Say why"):
        service.refuse(session=db_session, proposal_id=one.id, actor=BETO, reason=" ")


def test_the_next_detection_uses_the_published_version(acme, db_session, ctx):
    service.approve(session=db_session, ctx=ctx, actor=BETO,
                    proposal_id=_loosen(db_session, ctx).proposal.id)
    published = service.latest_version(db_session, RULE)

    run = run_detection(session=db_session, catalogue=ctx.catalogue, rules_dir=ctx.rules_dir,
                        as_of=date(2025, 9, 1), home_country="PE")

    record = run.rule_files
    assert record["versions"][RULE] == 3
    assert [f["sha256"] for f in record["files"]] == [published.sha256]
    keys = set(db_session.scalars(select(Alert.key).where(Alert.rule_id == RULE)))
    assert keys == {KEY_1500, KEY_1200, KEY_800}


def test_precision_from_triage_outcomes(db_session):
    for i in range(7):
        stored_alert(db_session, key=f"a{i}", rule_id="quota-annual", status="confirmed")
    for i in range(3):
        stored_alert(db_session, key=f"b{i}", rule_id="quota-annual", status="dismissed")
    stored_alert(db_session, key="c", rule_id="quota-annual", status="open")
    stored_alert(db_session, key="d", rule_id="surge", status="confirmed")

    figures = rule_precision(session=db_session)

    quota = figures["quota-annual"]
    assert (quota.confirmed, quota.dismissed, quota.open, quota.reviewed) == (7, 3, 1, 10)
    assert quota.value == pytest.approx(0.7)
    assert figures["surge"].reviewed == 1 < MIN_REVIEWED and figures["surge"].value is None
