"""The evaluator: modes, scope, keys, timings and summary formatting."""

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from app.detection.base.summary import format_kg, format_pct, window_label
from app.detection.rules import KINDS, RuleSet, evaluate
from lexicon import raise_severity
from tests.detection.builders import catalogue, data, licence, line, operator, ruleset, run


def over_quota():
    return data(
        lines=[line(quantity_kg=9000.0),
               line(licence_no="LIC-002", quantity_kg=9000.0),
               line(substance_code="toluene", quantity_kg=9000.0)],
        operators=[operator(), operator(licence_no="LIC-002", legal_name="Beta S.R.L.",
                                        tax_id="20-2", region="Cusco",
                                        activities="end_user|importer")],
        licences=[licence(), licence(licence_id=2, substance_code="toluene"),
                  licence(licence_id=3, licence_no="LIC-002", operator_name="Beta S.R.L.")],
        as_of=date(2026, 2, 1),
    )


def who(findings):
    return sorted((f.licence_no, f.substance_code) for f in findings)


def test_evaluation_reports_findings_timings_and_rows_read():
    result = evaluate(ruleset("quota"), over_quota())

    assert who(result.findings) == [("LIC-001", "acetic-anhydride"), ("LIC-001", "toluene"),
                                    ("LIC-002", "acetic-anhydride")]
    assert result.per_rule["quota"]["findings"] == 3
    assert result.per_rule["quota"]["seconds"] >= 0
    assert result.rows_read["lines"] == 3
    assert result.errors == {}


def test_inactive_rules_do_not_run_and_modes_can_be_chosen():
    detection = over_quota()

    assert evaluate(ruleset("quota", mode="inactive"), detection).per_rule == {}
    monitor = ruleset("quota", mode="monitor")
    assert len(evaluate(monitor, detection).findings) == 3
    assert evaluate(monitor, detection, modes=("active",)).findings == []


def test_scope_by_substance_table_activity_and_region():
    detection = over_quota()

    assert who(run("quota", detection, scope={"substances": ["108-88-3"]})) == [
        ("LIC-001", "toluene")]
    assert who(run("quota", detection, scope={"tables": ["I"]})) == [
        ("LIC-001", "acetic-anhydride"), ("LIC-002", "acetic-anhydride")]
    assert who(run("quota", detection, scope={"activities": ["importer"]})) == [
        ("LIC-002", "acetic-anhydride")]
    assert who(run("quota", detection, scope={"regions": ["lima"], "tables": ["I"]})) == [
        ("LIC-001", "acetic-anhydride")]


def test_a_failing_rule_is_recorded_and_the_others_still_run(monkeypatch, caplog):
    def boom(ctx):
        raise RuntimeError("kaput")

    monkeypatch.setitem(KINDS, "threshold", replace(KINDS["threshold"], evaluate=boom))
    rules = RuleSet(ruleset("threshold").rules + ruleset("quota").rules)

    result = evaluate(rules, over_quota())

    assert result.errors == {"threshold": "RuntimeError: kaput"}
    assert len(result.findings) == 3
    assert "rule threshold failed" in caplog.text


def test_missing_columns_are_named():
    broken = over_quota()
    broken.lines = broken.lines.drop(columns=["movement"])

    with pytest.raises(ValueError, match="lines: movement"):
        evaluate(ruleset("quota"), broken)


def test_findings_key_and_custom_summary():
    [finding] = run("quota", over_quota(), scope={"substances": ["108-88-3"]},
                    summary="{licence_no} {cas} {window} {start} {end} {difference_kg} {rule}")

    assert finding.key == ("quota", "LIC-001", "toluene", date(2025, 1, 1), date(2025, 12, 31))
    assert finding.summary == "LIC-001 108-88-3 2025 2025-01-01 2025-12-31 1,000 quota"


def test_dates_given_as_text_are_read_as_dates():
    detection = over_quota()
    detection.lines = detection.lines.assign(date=detection.lines["date"].dt.strftime("%Y-%m-%d"),
                                             period=detection.lines["period"].astype(str))

    assert len(run("quota", detection)) == 3
    assert isinstance(detection.lines["date"].iloc[0], str)


def test_number_and_window_formatting():
    assert format_kg(12400.0) == "12,400"
    assert format_kg(0.25) == "0.25"
    assert format_kg(12.0) == "12"
    assert format_kg(None) == "n/a"
    assert format_pct(12400, 8000) == "155%"
    assert format_pct(1, 0) == "n/a"
    assert window_label(date(2025, 3, 1), date(2025, 3, 31)) == "March 2025"
    assert window_label(date(2025, 4, 1), date(2025, 6, 30)) == "Q2 2025"
    assert window_label(date(2025, 1, 1), date(2025, 12, 31)) == "2025"
    assert window_label(date(2025, 3, 10), date(2025, 3, 10)) == "2025-03-10"
    assert window_label(date(2025, 3, 10), date(2025, 3, 20)) == "2025-03-10 to 2025-03-20"
    assert raise_severity("high") == "critical"
    assert raise_severity("critical") == "critical"


def test_test_catalogue_resolves_cas_and_mentions():
    assert catalogue().get("108-24-7").code == "acetic-anhydride"
    assert [s.code for s in catalogue().mentions("ÁCIDO MURIÁTICO 33%")] == ["hydrochloric-acid"]
    assert pd.api.types.is_datetime64_dtype(data(lines=[line()]).lines["date"])
