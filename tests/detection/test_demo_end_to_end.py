"""End to end on the demo country: import its files, run detection, compare with planted.json.

One country of 100 operators (24 months, ≈ 30,000 declaration lines) is generated once and
imported on each backend through intake, as `vigia demo` does; detection then runs with the
rule files in force (rules/). The country's key (planted.json) says what was planted:

- every planted problem of the 12 rule kinds must raise an alert of that kind naming the
  planted operator (licence number, or tax id for parties outside the registry; national
  problems name none), the planted substance and a window overlapping the planted one;
- no alert, of any detector, may name one of the clean operators (registry licences with
  nothing planted, no look-alike, no involvement in a plant, no amendment, no bad row);
- no rule alert may name a legitimate look-alike (seasonal buyer, steady growth, one-off
  order after a raised quota, a newcomer ramping up normally).

The statistical kinds (surge, peer, splitting, new_operator) belong to issue 5 and are
not asserted here: on this country (seed 7, 100 operators) new_operator and peer miss their
planted cases and surge fires on the raised-quota one-off look-alike (reported to issue 5).
Their alerts do count for the clean-operator check.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.alerts.models import Alert
from app.extensions import vigia
from app.pipeline import demo_as_of, detect, import_in_order
from demo import generate_country

RULE_KINDS = {"quota", "licence", "unregistered_trader", "customs_reconciliation",
              "mass_balance", "mirror", "national_pace", "payment_delivery", "threshold",
              "export_notification", "mislabelling", "missing_declaration"}
COUNTRY = {"seed": 7, "operators": 100, "months": 24}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def country(tmp_path_factory):
    """Generate the demo country once for both backends."""
    return generate_country(tmp_path_factory.mktemp("e2e-country"), **COUNTRY)


@pytest.fixture
def detected(app, country):
    """Import the country through intake and run detection; return the alerts and the key."""
    services = vigia(app)
    report = import_in_order(services, files=dict(country.feeds()), submitted_by="e2e",
                             as_of=date(2026, 11, 30))
    assert all(o.status == "stored" for o in report.outcomes)
    planted = country.expectations()
    run = detect(services, as_of=demo_as_of(planted["periods"][-1]))
    assert run.status == "completed", run.message
    with services.db.session() as session:
        alerts = list(session.scalars(select(Alert)))
    return alerts, planted, services.catalogue


def _key(tax_id: str | None) -> str:
    return "".join(ch for ch in (tax_id or "") if ch.isalnum()).upper()


def _names(alert: Alert, entry: dict) -> bool:
    """Tell whether an alert is about the party of a planted entry."""
    if entry["licence_no"]:
        return alert.licence_no == entry["licence_no"]
    if entry["tax_id"]:
        return _key(alert.tax_id) == _key(entry["tax_id"])
    return alert.licence_no is None and alert.tax_id is None  # national


def _matches(alert: Alert, entry: dict, code: str) -> bool:
    """Tell whether an alert reports a planted entry: kind, party, substance, window.

    An alert without a substance (a missing declaration is about the operator) covers all.
    """
    return (alert.detector == entry["kind"] and _names(alert, entry)
            and alert.substance_code in (code, None)
            and alert.period_start <= date.fromisoformat(entry["period_end"][:10])
            and date.fromisoformat(entry["period_start"][:10]) <= alert.period_end)


def _missed(alerts, planted, catalogue, kinds) -> list[str]:
    code_of = {s.cas: s.code for s in catalogue}
    return [
        f"{p['kind']} {p['licence_no'] or p['tax_id'] or 'national'} {p['substance_cas']} "
        f"{p['period_start']}..{p['period_end']}: {p['description']}"
        for p in planted["planted"] if p["kind"] in kinds
        and not any(_matches(a, p, code_of[p["substance_cas"]]) for a in alerts)
    ]


def test_demo_country_alerts_match_what_was_planted(detected):
    alerts, planted, catalogue = detected
    kinds = {p["kind"] for p in planted["planted"]} & RULE_KINDS
    assert kinds == RULE_KINDS  # the country has every rule kind planted at least once
    assert _missed(alerts, planted, catalogue, RULE_KINDS) == []

    clean = set(planted["clean_operators"])
    assert len(clean) > 30
    named = [f"{a.detector} {a.licence_no}: {a.summary}" for a in alerts if a.licence_no in clean]
    assert named == [], "alerts on clean operators"

    look_alikes = {p["licence_no"]: p["kind"] for p in planted["lookalikes"]}
    assert set(look_alikes.values()) == {"seasonal", "growth", "raised_quota_one_off",
                                         "new_operator_normal"}
    named = [f"{a.detector} on {look_alikes[a.licence_no]} {a.licence_no}: {a.summary}"
             for a in alerts if a.kind == "rule" and a.licence_no in look_alikes]
    assert named == [], "rule alerts on legitimate look-alikes"
