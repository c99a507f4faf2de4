"""The JSON API with tokens: a company uploads and reads its receipts; an officer lists
alerts, moves one and comments through the triage service (audit chain); wrong roles get
403, no token 401, and every error is JSON."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.alerts.audit import verify_chains
from app.alerts.models import AlertEvent
from app.auth import tokens
from tests.alerts.builders import stored_alert

HEADER = "licence_no,period,movement,date,substance,quantity,unit"


@pytest.fixture
def bearer(db_session, users):
    """Return an Authorization header per user name (one token each)."""
    from app.auth.models import User

    headers = {}
    for name, email in users.items():
        user = db_session.scalars(select(User).where(User.email == email)).one()
        made = tokens.create_token(session=db_session, user_id=user.id, name="test",
                                   created_by=email)
        headers[name] = {"Authorization": f"Bearer {made.secret}"}
    db_session.commit()
    return headers


def _file(rows: list[str], name: str = "marzo.csv"):
    return {"file": (io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode()), name)}


def test_company_uploads_and_reads_its_receipts(client, bearer, registered):
    company = bearer["company"]
    answer = client.post("/api/declarations", headers=company, content_type="multipart/form-data",
                         data=_file(["LIC-001,2025-03,purchase,2025-03-05,acetone,50,kg",
                                     "LIC-001,2025-03,purchase,2025-03-06,acetone,-5,kg"]))
    assert answer.status_code == 201, answer.json
    receipt = answer.json
    assert (receipt["rows_stored"], receipt["rows_rejected"]) == (1, 1)
    assert len(receipt["sha256"]) == 64 and receipt["batch_id"]
    refused = receipt["refused"][0]
    assert (refused["row"], refused["column"], refused["value"]) == (3, "quantity", "-5")
    assert refused["reason"] and refused["instead"]
    listed = client.get("/api/declarations/receipts", headers=company).json
    assert [r["id"] for r in listed["items"]] == [receipt["id"]]
    assert client.get(f"/api/declarations/receipts/{receipt['id']}",
                      headers=company).json["sha256"] == receipt["sha256"]
    again = client.post("/api/declarations", headers=company, content_type="multipart/form-data",
                        data=_file(["LIC-001,2025-03,purchase,2025-03-05,acetone,50,kg",
                                    "LIC-001,2025-03,purchase,2025-03-06,acetone,-5,kg"]))
    assert again.status_code == 409 and again.json["error"]["code"] == "duplicate"
    unreadable = client.post("/api/declarations", headers=company,
                             content_type="multipart/form-data",
                             data={"file": (io.BytesIO(b"fecha,cantidad\n2025-01-01,5\n"),
                                            "x.csv")})
    assert unreadable.status_code == 422 and "licence_no" in unreadable.json["error"]["message"]
    missing = client.post("/api/declarations", headers=company, data={})
    assert missing.status_code == 422 and missing.json["error"]["code"] == "invalid"


def test_officer_lists_moves_and_comments_on_an_alert(client, bearer, db_session):
    alert = stored_alert(db_session, severity="low", score=70)
    stored_alert(db_session, severity="high", score=90, licence_no="LIC-002")
    db_session.commit()
    officer = bearer["officer"]
    page = client.get("/api/alerts?severity=low&limit=1", headers=officer).json
    assert [a["alert_id"] for a in page["items"]] == [alert.id]
    assert page["counts"]["open"] == 1
    both = client.get("/api/alerts?limit=1", headers=officer).json
    assert both["next_cursor"] and len(both["items"]) == 1
    rest = client.get(f"/api/alerts?limit=1&after={both['next_cursor']}", headers=officer).json
    assert rest["items"][0]["alert_id"] != both["items"][0]["alert_id"]

    moved = client.post(f"/api/alerts/{alert.id}/transition", headers=officer,
                        json={"to_status": "in_review", "reason": "looking"})
    assert moved.status_code == 200 and moved.json["result"] == "changed"
    assert moved.json["alert"]["status"] == "in_review"
    closed = client.post(f"/api/alerts/{alert.id}/transition", headers=officer,
                         json={"to_status": "dismissed", "outcome": "legitimate",
                               "reason": "the quota was raised"})
    assert closed.json["result"] == "closed"
    again = client.post(f"/api/alerts/{alert.id}/transition", headers=officer,
                        json={"to_status": "confirmed", "outcome": "diversion_suspected",
                              "reason": "x"})
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    noted = client.post(f"/api/alerts/{alert.id}/comments", headers=officer,
                        json={"text": "invoice checked"})
    assert noted.status_code == 201
    detail = client.get(f"/api/alerts/{alert.id}", headers=officer).json
    assert [e["action"] for e in detail["events"]][-3:] == ["status_changed", "dismissed",
                                                            "commented"]
    events = db_session.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert.id)
                                .order_by(AlertEvent.seq)).all()
    assert events[-1].actor == "officer@example.org"
    assert [p for p in verify_chains(session=db_session).problems if p.alert_id == alert.id] == []
    export = client.get("/api/alerts/export?format=csv&status=all", headers=officer)
    assert export.status_code == 200 and b"alert_id" in export.data
    export.close()


def test_roles_are_checked_as_on_the_pages(client, bearer, db_session):
    alert = stored_alert(db_session, severity="low")
    db_session.commit()
    assert client.get("/api/alerts", headers=bearer["company"]).status_code == 403
    assert client.get("/api/alerts", headers=bearer["admin"]).status_code == 403
    assert client.get("/api/alerts", headers=bearer["regulator"]).status_code == 200
    refused = client.post(f"/api/alerts/{alert.id}/transition", headers=bearer["regulator"],
                          json={"to_status": "in_review"})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert client.post("/api/declarations", headers=bearer["officer"],
                       data={}).status_code == 403
    assert client.get("/api/rules", headers=bearer["regulator"]).json["items"]
    assert client.get("/api/rules/no-such-rule",
                      headers=bearer["regulator"]).json["error"]["code"] == "not_found"
    nobody = client.get("/api/alerts")
    assert nobody.status_code == 401 and nobody.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/alerts", headers={"Authorization": "Bearer vigia_wrong"}
                      ).status_code == 401
    missing = client.get("/api/alerts/999999", headers=bearer["officer"])
    assert missing.status_code == 404 and missing.is_json


def test_session_sign_in_works_and_needs_csrf_to_change(auth, db_session):
    alert = stored_alert(db_session, severity="low")
    db_session.commit()
    auth.login("officer")
    assert auth.client.get("/api/alerts").status_code == 200
    forged = auth.client.post(f"/api/alerts/{alert.id}/comments", json={"text": "hi"})
    assert forged.status_code == 403 and forged.json["error"]["code"] == "csrf"
    signed = auth.client.post(f"/api/alerts/{alert.id}/comments", json={"text": "hi"},
                              headers={"X-CSRFToken": auth.token})
    assert signed.status_code == 201


def test_the_spec_and_its_page_are_served_offline(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {"/api/declarations", "/api/alerts", "/api/alerts/{alert_id}/transition",
            "/api/rules", "/api/detection-runs"} <= set(spec["paths"])
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
    page = client.get("/api/docs").get_data(as_text=True)
    assert "POST /api/alerts/{alert_id}/transition" in page
    assert "http" not in page.split("<main", 1)[1].replace("http://localhost", "")


def test_an_officer_makes_a_personal_token_and_uses_it(auth, client):
    auth.login("officer")
    page = auth.post("/account/tokens", {"name": "nightly report"}).get_data(as_text=True)
    secret = "vigia_" + page.split('value="vigia_', 1)[1].split('"', 1)[0]
    api = client.application.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/alerts", headers=headers).status_code == 200
    assert api.get("/api/declarations/receipts", headers=headers).status_code == 403
    assert "nightly report" in auth.client.get("/account/tokens").get_data(as_text=True)


def test_a_rules_versions_and_proposals_are_read_by_api(client, bearer, db_session):
    from app.regulation.models import RuleVersion

    path = "/api/rules/large-movement/versions"
    assert client.get(path, headers=bearer["regulator"]).json == {"items": []}
    db_session.add(RuleVersion(
        rule_id="large-movement", seq=1, version=3, file_name="threshold.yaml",
        rule_text="  - id: large-movement\n    version: 3\n", rule_sha256="a" * 64,
        file_text="rules:\n  - id: large-movement\n    version: 3\n", sha256="b" * 64,
        author="regulator@demo.vigia", approver="regulator2@demo.vigia", reason="looser"))
    db_session.commit()
    [version] = client.get(path, headers=bearer["officer"]).json["items"]
    assert (version["version"], version["approver"], version["sha256"]) == (
        3, "regulator2@demo.vigia", "b" * 64)
    assert "file_text" not in version  # the rule's own lines, not the whole file
    assert client.get("/api/rules/large-movement/proposals",
                      headers=bearer["regulator"]).json == {"items": []}
    assert client.get(path, headers=bearer["company"]).status_code == 403
