"""Every route x every role: who may see and do what, walked from the app's URL map.

EXPECTED is the policy. The test fails when a route is missing from it (a new route must
be given its roles here), when a view declares other roles than the policy, and when a
request of a role is answered otherwise than the policy says: refused roles get 403,
nobody signed in is sent to sign in (under /api/: 401, in JSON), admitted roles get
through. The JSON API's operations are routes like any other, so each is in EXPECTED too.
"""

from __future__ import annotations

import pytest

from app.auth.access import PUBLIC, admitted_roles
from tests.alerts.builders import stored_alert

ANYONE = "*"
READ = {"officer", "supervisor", "regulator"}
STAFF = {"officer", "supervisor"}
SUPERVISOR = {"supervisor"}
REGULATOR = {"regulator"}
COMPANY = {"company"}
ALL = {"officer", "supervisor", "regulator", "company", "admin"}
EXPECTED = {
    "web.home": ALL,
    "web.health": ANYONE,
    "auth.sign_in": ANYONE,
    "auth.language": ANYONE,
    "auth.sign_out": ALL,
    "auth.password": ALL,
    "auth.users": {"admin"},
    "auth.create_user": {"admin"},
    "auth.toggle_user": {"admin"},
    "triage.queue": READ,
    "triage.export": READ,
    "triage.bulk": STAFF,
    "triage.alert": READ,
    "triage.chart": READ,
    "triage.change_status": STAFF,
    "triage.assign": STAFF,
    "triage.comment": STAFF,
    "triage.approve": SUPERVISOR,
    "triage.refuse": SUPERVISOR,
    "triage.suppress": SUPERVISOR,
    "triage.suppressions": READ,
    "triage.lift": SUPERVISOR,
    "triage.case_file": READ,
    "triage.case_workbook": READ,
    "registry.operator": READ,
    "registry.case_file": READ,
    "registry.case_workbook": READ,
    "intake.batch": READ,
    "intake.original": STAFF,
    "regulation.rules": READ,
    "regulation.rule": READ,
    "regulation.rule_file": READ,
    "regulation.version_file": READ,
    "regulation.propose": REGULATOR,
    "regulation.restore": REGULATOR,
    "regulation.proposal": READ,
    "regulation.approve": REGULATOR,
    "regulation.refuse": REGULATOR,
    "regulation.baselines": READ,
    "regulation.upload_baselines": REGULATOR,
    "regulation.registry": READ,
    "regulation.licences": READ,
    # the company portal
    "portal.home": COMPANY,
    "portal.template": COMPANY,
    "portal.upload": COMPANY,
    "portal.history": COMPANY,
    "portal.receipt": COMPANY,
    "portal.token_list": COMPANY,
    "portal.create_token": COMPANY,
    "portal.revoke_token": COMPANY,
    # the JSON API and its pages
    "api_pages.openapi": ANYONE,
    "api_pages.docs": ANYONE,
    "api_pages.tokens_page": READ,
    "api_pages.create_token": READ,
    "api_pages.revoke_token": READ,
    "declarations.upload": COMPANY,
    "declarations.receipts": COMPANY,
    "declarations.receipt": COMPANY,
    "alerts.queue": READ,
    "alerts.export": READ,
    "alerts.detail": READ,
    "alerts.transition": STAFF,
    "alerts.add_comment": STAFF,
    "rules.rule_list": READ,
    "rules.rule_detail": READ,
    "rules.rule_versions": READ,
    "rules.rule_proposals": READ,
    "rules.run_list": READ,
    "rules.run_detail": READ,
    "scheduler.runs": SUPERVISOR,
}
ROLES = ("officer", "supervisor", "regulator", "company", "admin")


def routes(app):
    """Return (endpoint, rule, method) for every route but static files."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, rule, method))
    return out


def test_every_route_is_in_the_policy_and_declares_its_roles(app):
    endpoints = {endpoint for endpoint, _rule, _method in routes(app)}
    assert endpoints - set(EXPECTED) == set(), "routes without a rule in EXPECTED"
    assert set(EXPECTED) - endpoints == set(), "EXPECTED names routes that no longer exist"
    for endpoint in endpoints:
        declared = admitted_roles(app, endpoint)
        assert declared is not None, f"{endpoint} declares no roles"
        wanted = PUBLIC if EXPECTED[endpoint] == ANYONE else frozenset(EXPECTED[endpoint])
        assert declared == wanted, f"{endpoint} admits {sorted(declared)}"


def _url(rule, ids: dict) -> str:
    values = {}
    for name in rule.arguments:
        values[name] = {"alert_id": ids["alert"], "suppression_id": 999999,
                        "batch_id": 999999, "user_id": 999999, "licence_no": "LIC-001",
                        "fmt": "csv", "rule_id": "large-movement", "proposal_id": 999999,
                        "seq": 999999, "submission_id": 999999, "token_id": 999999,
                        "receipt_id": 999999, "run_id": 999999}[name]
    return rule.build(values, append_unknown=False)[1]


@pytest.mark.parametrize("role", [*ROLES, None])
def test_route_by_role(app, auth, db_session, role):
    ids = {"alert": stored_alert(db_session, severity="low").id}
    db_session.commit()
    if role is not None:
        assert auth.login(role).status_code == 302
    else:
        auth.token = auth.csrf()
    for endpoint, rule, method in routes(app):
        if endpoint == "auth.sign_out":
            continue  # signing out would end the walk; it is checked below
        url = _url(rule, ids)
        response = (auth.client.get(url) if method == "GET" else auth.post(url, {}))
        status = response.status_code
        location = response.headers.get("Location", "")
        is_json = response.is_json
        response.close()
        expected = EXPECTED[endpoint]
        where = f"{method} {url} as {role or 'nobody'}"
        api = rule.rule.startswith("/api/")
        if api and status >= 400:
            assert is_json, f"{where}: an API error must be JSON"
        if expected == ANYONE:
            assert status < 500 and status != 403, where
        elif role is None and api:
            assert status == 401, where
        elif role is None:
            assert status == 302 and "/sign-in" in location, where
        elif role in expected:
            assert status not in (401, 403) and "/sign-in" not in location, where
            assert status < 500, where
        else:
            assert status == 403, f"{where}: {status}, should be refused"
    if role is not None:
        assert auth.post("/sign-out").status_code == 302
        assert auth.client.get("/alerts").status_code == 302  # signed out: sent to sign in
