"""The alert key: the same finding gives the same key; any part of the identity changes it."""

from dataclasses import replace
from datetime import date

from app.alerts.keys import alert_key
from app.detection.findings import Finding


def _finding(**changes) -> Finding:
    base = Finding(
        rule_id="quota-annual", rule_version=1, kind="quota", severity="high",
        licence_no="LIC-1", tax_id="20100", substance_code="108-24-7",
        window_start=date(2025, 1, 1), window_end=date(2025, 12, 31), observed=12.0,
        expected=8.0, summary="s",
    )
    return replace(base, **changes)


def test_key_is_stable_and_ignores_figures():
    assert alert_key(_finding()) == "quota-annual|LIC-1|108-24-7|2025-01-01|2025-12-31"
    assert alert_key(_finding(observed=99.0, summary="other")) == alert_key(_finding())


def test_key_changes_with_each_part_of_the_identity():
    keys = {
        alert_key(_finding(rule_id="other")),
        alert_key(_finding(licence_no="LIC-2")),
        alert_key(_finding(substance_code="7722-64-7")),
        alert_key(_finding(window_end=date(2025, 6, 30))),
        alert_key(_finding(licence_no=None)),
        alert_key(_finding()),
    }
    assert len(keys) == 6


def test_party_without_licence_uses_tax_id_then_name():
    assert alert_key(_finding(licence_no=None)).split("|")[1] == "20100"
    assert alert_key(_finding(licence_no=None, tax_id=None, party="Juan")).split("|")[1] == "Juan"
