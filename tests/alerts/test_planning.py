"""Planning alerts: one per key, recurrence across windows, rule/statistics corroboration."""

from __future__ import annotations

from datetime import date

from app.alerts.keys import alert_key
from app.alerts.planning import Policy, plan_alerts
from tests.alerts.findings import QUOTA, SURGE, finding


def _by_key(drafts):
    return {d.key: d for d in drafts}


def test_findings_of_one_key_make_one_draft_with_all_evidence():
    pace = finding(severity="medium", observed=9000.0, evidence={"declaration_line": (7,)},
                   summary="on pace to exceed")
    drafts = plan_alerts([pace, QUOTA], {})
    assert len(drafts) == 1
    draft = drafts[0]
    assert draft.finding is QUOTA  # the gravest finding is the one shown
    assert draft.findings == [pace, QUOTA]
    assert draft.evidence == {"declaration_line": [1, 2, 3, 7]}


def test_other_windows_of_the_same_rule_and_party_add_recurrence():
    earlier = finding(window_start=date(2024, 1, 1), window_end=date(2024, 12, 31))
    other_substance = finding(substance_code="acetone")
    drafts = _by_key(plan_alerts([QUOTA, earlier, other_substance], {}))
    assert drafts[alert_key(QUOTA)].other_windows == 1
    assert drafts[alert_key(QUOTA)].parts.recurrence == 4
    assert drafts[alert_key(other_substance)].parts.recurrence == 0


def test_rule_and_statistical_alerts_on_the_same_case_corroborate_each_other():
    drafts = _by_key(plan_alerts([QUOTA, SURGE], {}))
    quota, surge = drafts[alert_key(QUOTA)], drafts[alert_key(SURGE)]
    assert quota.category == "rule" and surge.category == "statistical"
    assert quota.corroborated_by == [surge.key]
    assert surge.corroborated_by == [quota.key]
    alone = plan_alerts([QUOTA], {})[0]
    assert quota.parts.total == alone.parts.total + 10


def test_tax_id_alone_is_enough_to_match_a_party():
    unlicensed = finding(SURGE, licence_no=None, tax_id="20100000001")
    quota = _by_key(plan_alerts([QUOTA, unlicensed], {}))[alert_key(QUOTA)]
    assert quota.corroborated_by == [alert_key(unlicensed)]


def test_no_corroboration_across_substances_windows_parties_or_monitor_rules():
    cases = [
        finding(SURGE, substance_code="acetone"),
        finding(SURGE, window_start=date(2024, 3, 1), window_end=date(2024, 5, 31)),
        finding(SURGE, licence_no="LIC-002", tax_id="20-200000002"),
        finding(SURGE, kind="threshold", rule_id="threshold"),  # two rules: no corroboration
    ]
    for other in cases:
        drafts = _by_key(plan_alerts([QUOTA, other], {}))
        assert drafts[alert_key(QUOTA)].corroborated_by == [], other
    monitored = plan_alerts([QUOTA, SURGE], {"stat-surge": Policy(mode="monitor")})
    assert all(d.corroborated_by == [] for d in monitored)
    assert [d.raises for d in monitored] == [True, False]
