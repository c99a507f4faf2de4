"""The home page shows what the registry and catalogue hold."""

import re
from datetime import date

from app.registry.service import apply_registry_records
from tests.builders import registry_records, registry_row


def figure(html: str, name: str) -> int:
    match = re.search(rf'data-count="{name}">(\d+)<', html)
    assert match, f"no {name} figure on the page"
    return int(match.group(1))


def test_home_counts(client, db_session, app):
    apply_registry_records(
        session=db_session,
        records=registry_records(
            registry_row(),
            registry_row(substance_code="toluene", status="suspended"),
            registry_row(licence_no="LIC-002", tax_id="20100000002"),
        ),
        batch_id=None, as_of=date(2026, 1, 1),
    )
    db_session.commit()
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert figure(html, "operators") == 2
    assert figure(html, "licences") == 3
    assert "(2 active)" in html
    assert figure(html, "substances") >= 28


def test_home_on_empty_database_and_no_external_assets(client):
    html = client.get("/").get_data(as_text=True)
    assert figure(html, "operators") == 0
    assert "http://" not in html and "https://" not in html
    css = client.get("/static/web/vigia.css")
    assert css.status_code == 200
    assert "--accent" in css.get_data(as_text=True)
    css.close()


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
