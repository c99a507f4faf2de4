"""Markup typed by outsiders (operator names, comments, file names) is shown as text."""

from sqlalchemy import select

from app.alerts.models import Alert
from app.intake.models import ImportBatch
from tests.alerts.builders import stored_alert, stored_operator

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_in_names_comments_and_files_is_escaped(auth, db_session):
    stored_operator(db_session, licence_no="LIC-001", legal_name=MARKUP)
    alert = stored_alert(db_session, severity="low", summary=MARKUP)
    batch = ImportBatch(feed="declarations", filename=MARKUP + ".csv", sha256="a" * 64,
                        size_bytes=1, submitted_by=MARKUP, status="stored")
    db_session.add(batch)
    db_session.commit()
    auth.login("officer")
    assert auth.post(f"/alerts/{alert.id}/comment", {"text": MARKUP}).status_code == 302
    pages = [f"/alerts/{alert.id}", "/alerts", "/operators/LIC-001", f"/batches/{batch.id}",
             f"/alerts/{alert.id}/case", "/operators/LIC-001/case"]
    for page in pages:
        html = auth.client.get(page).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, page
    html = auth.client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "&lt;script&gt;" in html  # shown, as text
    assert db_session.scalar(select(Alert.id).where(Alert.id == alert.id))


def test_security_headers_on_every_response(client):
    for path in ("/sign-in", "/alerts", "/healthz", "/static/web/vigia.css", "/nowhere"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        response.close()


def test_a_form_without_its_csrf_token_is_refused(auth):
    auth.login("officer")
    response = auth.client.post("/sign-out")
    assert response.status_code == 400
    assert auth.client.get("/alerts").status_code == 200  # still signed in
