"""The dashboard is the home page of staff; assets are served by the app itself."""

from datetime import date

from app.registry.service import apply_registry_records
from tests.alerts.builders import stored_alert
from tests.builders import registry_records, registry_row


def test_dashboard_shows_open_alerts_by_rule_and_the_late_declarers(auth, db_session):
    apply_registry_records(session=db_session, records=registry_records(
        registry_row(valid_from=date(2024, 1, 1), valid_to=date(2030, 12, 31))),
        batch_id=None, as_of=date(2026, 1, 1))
    stored_alert(db_session, rule_id="quota-annual", severity="critical")
    stored_alert(db_session, rule_id="quota-annual", licence_no="LIC-009", severity="high")
    stored_alert(db_session, rule_id="surge-own-history", detector="surge", status="dismissed")
    db_session.commit()
    auth.login("officer")
    html = auth.client.get("/").get_data(as_text=True)
    assert "quota-annual" in html
    assert "Química Andina S.A." in html  # a licence in force and no declaration: late
    assert "surge-own-history" in html  # in the precision table: 0 confirmed, 1 dismissed


def test_pages_use_no_external_assets(auth):
    auth.login("officer")
    for path in ("/", "/alerts", "/sign-in"):
        html = auth.client.get(path).get_data(as_text=True)
        assert "http://" not in html and "https://" not in html.replace(
            'xmlns="http://www.w3.org/2000/svg"', "")
    css = auth.client.get("/static/web/vigia.css")
    assert css.status_code == 200 and "--accent" in css.get_data(as_text=True)
    css.close()


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
