"""Backtest comparison (pure): added, removed, unchanged alerts by key; triage outcomes."""

from dataclasses import replace
from datetime import date

from app.detection.rules import RuleSet, evaluate
from app.regulation.backtest import (
    COUNTS,
    BacktestSchema,
    Evaluated,
    backtest_lines,
    compare,
    same_evaluation,
)
from tests.detection.builders import data, line, ruleset

THRESHOLD = "large-movement"
KEY_6000 = "large-movement|LIC-001|acetic-anhydride|2025-03-10|2025-03-10"
KEY_2500 = "large-movement|LIC-001|acetic-anhydride|2025-04-10|2025-04-10"
KEY_800 = "large-movement|LIC-001|acetic-anhydride|2025-05-10|2025-05-10"


def _detection():
    return data(lines=[
        line(quantity_kg=6000.0, date=date(2025, 3, 10)),
        line(quantity_kg=2500.0, date=date(2025, 4, 10)),
        line(quantity_kg=800.0, date=date(2025, 5, 10)),
    ])


def _threshold(kg: float, *, mode: str = "active"):
    return ruleset("threshold", rule_id=THRESHOLD, mode=mode,
                   params={"thresholds": {"108-24-7": kg}})


def _evaluated(rules, detection):
    return Evaluated(rules, evaluate(rules, detection))


def _compare(before, after, statuses=None, since=None):
    detection = _detection()
    return compare(in_force=_evaluated(before, detection), proposed=_evaluated(after, detection),
                   statuses=statuses or {}, since=since, as_of=date(2025, 9, 1))


def test_identical_rules_leave_every_alert_unchanged():
    [rule] = _compare(_threshold(2000), _threshold(2000)).rules

    assert rule.change == "same"
    assert rule.unchanged == [KEY_6000, KEY_2500]
    assert rule.added == rule.removed == []


def test_loosening_the_threshold_adds_alerts():
    [rule] = _compare(_threshold(2000), _threshold(500)).rules

    assert rule.change == "edited"
    assert rule.added == [KEY_800]
    assert rule.removed == []
    assert rule.unchanged == [KEY_6000, KEY_2500]
    assert (rule.in_force.alerts, rule.proposed.alerts) == (2, 3)


def test_tightening_reports_the_confirmed_alerts_it_would_miss_and_the_noise_it_drops():
    statuses = {KEY_2500: "confirmed", KEY_800: "dismissed", KEY_6000: "confirmed"}

    backtest = _compare(_threshold(500), _threshold(5000), statuses)

    [rule] = backtest.rules
    assert rule.removed == [KEY_2500, KEY_800]
    assert rule.unchanged == [KEY_6000]
    assert rule.missed_confirmed == [KEY_2500]
    assert rule.dropped_dismissed == [KEY_800]
    assert backtest.totals == {"in_force_alerts": 3, "proposed_alerts": 1, "added": 0,
                               "removed": 2, "unchanged": 1, "missed_confirmed": 1,
                               "dropped_dismissed": 1}


def test_monitor_mode_keeps_findings_but_removes_the_alerts():
    backtest = _compare(_threshold(2000), _threshold(2000, mode="monitor"))

    [rule] = backtest.rules
    assert rule.change == "edited"
    assert rule.removed == [KEY_6000, KEY_2500]
    assert (rule.proposed.findings, rule.proposed.alerts) == (2, 0)
    text = backtest_lines(backtest, proposed_dir="new", in_force_dir="rules")
    row = next(t for t in text if t.startswith(THRESHOLD))
    assert "v1 active  v1 monitor (2 found)" in row


def test_a_new_rule_adds_and_a_withdrawn_rule_removes_everything():
    other = ruleset("threshold", rule_id="huge-movement",
                    params={"thresholds": {"108-24-7": 3000}})

    added, kept = _compare(_threshold(2000), _merge(_threshold(2000), other)).rules
    assert (added.rule_id, added.change, added.added, added.in_force) == (
        "huge-movement", "new", [KEY_6000.replace(THRESHOLD, "huge-movement")], None)
    assert kept.change == "same"

    [withdrawn] = _compare(_threshold(2000), _merge()).rules
    assert (withdrawn.change, withdrawn.removed, withdrawn.proposed) == (
        "withdrawn", [KEY_6000, KEY_2500], None)


def test_since_drops_alerts_whose_window_ended_before_it():
    [rule] = _compare(_threshold(500), _threshold(500), since=date(2025, 4, 1)).rules

    assert rule.unchanged == [KEY_2500, KEY_800]


def test_same_evaluation_ignores_file_position_and_mode_only():
    one, moved = _threshold(2000).rules[0], _threshold(2000, mode="monitor").rules[0]
    assert same_evaluation(one, moved)
    assert not same_evaluation(one, _threshold(2001).rules[0])
    assert not same_evaluation(one, replace(one, version=2))
    assert not same_evaluation(one, None)


def test_table_and_json_show_the_same_figures():
    statuses = {KEY_2500: "confirmed"}
    backtest = _compare(_threshold(500), _threshold(5000), statuses)

    text = "\n".join(backtest_lines(backtest, proposed_dir="new", in_force_dir="rules"))
    dumped = BacktestSchema().dump(backtest)

    row = next(t for t in text.splitlines() if t.startswith(THRESHOLD))
    assert row.split() == [THRESHOLD, "edited", "v1", "active", "v1", "active",
                           "3", "1", "+0", "-2", "1", "1", "0"]
    assert f"  {THRESHOLD}: {KEY_2500}" in text
    assert dumped["totals"] == backtest.totals
    [rule] = dumped["rules"]
    assert rule["counts"] == {name: backtest.rules[0].count(name) for name in COUNTS}
    assert rule["missed_confirmed"] == [KEY_2500]
    assert rule["in_force"]["mode"] == "active"
    assert dumped["as_of"] == "2025-09-01"


def _merge(*rulesets):
    return RuleSet(tuple(rule for rs in rulesets for rule in rs.rules))
