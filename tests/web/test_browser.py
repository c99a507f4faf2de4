"""The officer's day in Debian's Chromium (headless, driven by Playwright; never a
downloaded browser): sign in, filter, open an alert with its chart, assign, comment,
escalate, propose a closure; a supervisor approves it; Spanish; a company user is refused.

The app runs in a thread on a database of its own (committed data, like production), on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.auth.service import create_user
from app.db import make_engine
from app.detection.rules.vocabulary import KINDS
from app.extensions import vigia
from app.migrate import upgrade
from tests.alerts.builders import stored_alert, stored_operator

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PASSWORD = "browser test password"


def _own_database(database_url: str, tmp_path: Path, worker_id: str) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    from tests.conftest import _fresh_postgres_database

    return _fresh_postgres_database(f"{worker_id}_browser")


def browser_app(database_url: str, tmp_path: Path, worker_id: str, **config):
    """Return the app over its own migrated database, for Chromium (required in CI)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install -y chromium")
        pytest.skip("Chromium NOT installed: apt-get install -y chromium")
    url = _own_database(database_url, tmp_path, worker_id)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "browser",
                       "INSTANCE_PATH": str(tmp_path / "instance"), **config})


@pytest.fixture
def live(database_url, tmp_path, worker_id, cheap_hashes):
    """Serve the app on a free local port over its own migrated database; yield its URL."""
    app = browser_app(database_url, tmp_path, worker_id)
    with vigia(app).db.session() as session:
        stored_operator(session, licence_no="LIC-001", legal_name="Química Andina S.A.C.",
                        region="Lima")
        stored_alert(session, severity="high", score=91, period_start=date(2025, 1, 1),
                     period_end=date(2025, 12, 31), wording={
                         "template": KINDS["quota"].situations["exceeded"],
                         "values": {"operator": "ACME S.A.", "observed_kg": "12,400",
                                    "substance": "acetic anhydride", "year": "2025",
                                    "expected_kg": "8,000", "ratio_pct": "155%"}})
        stored_alert(session, severity="low", score=20, licence_no="LIC-002", detector="surge",
                     rule_id="surge-own-history")
        for name, role in (("officer", "officer"), ("boss", "supervisor"),
                           ("firm", "company")):
            create_user(session=session, email=f"{name}@example.org", role=role,
                        password=PASSWORD, licence_no="LIC-001" if role == "company" else None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    vigia(app).db.engine.dispose()


def _sign_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#email", f"{name}@example.org")
    page.fill("#password", PASSWORD)
    page.click("button.primary")


@pytest.mark.slow
def test_an_officers_day_in_chromium(live):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        _sign_in(page, live, "officer")
        expect(page.locator("h1")).to_contain_text("Dashboard")
        page.goto(f"{live}/alerts")
        page.select_option("select[name=severity]", "high")
        page.click("form.filters button.primary")
        rows = page.locator("table.alerts tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("ACME S.A. acquired 12,400 kg")
        rows.first.locator("td.sentence a").click()
        expect(page.locator("h1")).to_contain_text("Alert #")
        expect(page.locator("section[aria-labelledby=chart-h]")).to_be_visible()
        page.click("text=Take this alert")
        expect(page.locator(".flash")).to_contain_text("Assignment saved")
        page.fill("#comment", "Asked the company for the invoices.")
        page.click("text=Add comment")
        expect(page.locator(".timeline")).to_contain_text("Asked the company for the invoices.")
        page.select_option("#to_status", "escalated")
        page.fill("#reason-s", "Quantity far beyond its quota")
        page.click("fieldset:has-text('Change status') button")
        expect(page.locator("h1 .status")).to_contain_text("escalated")
        page.select_option("#close-status", "dismissed")
        page.select_option("#outcome", "legitimate")
        page.fill("#reason-c", "The quota was raised in May")
        page.click("text=Propose closure")
        expect(page.locator(".callout.pending")).to_contain_text("awaiting approval")
        alert_url = page.url
        page.click("text=Sign out")
        _sign_in(page, live, "boss")
        page.goto(alert_url)
        page.click("text=Approve closure")
        expect(page.locator("h1 .status")).to_contain_text("dismissed")
        timeline = page.locator(".timeline")
        for action in ("approved", "closure proposed", "status changed", "commented",
                       "assigned", "dismissed"):
            expect(timeline).to_contain_text(action)
        page.click("button[lang=es]")
        expect(page.locator("h1 .status")).to_contain_text("descartada")
        expect(page.locator(".sentence-big")).to_contain_text("adquirió 12.400 kg")
        page.click("text=Salir")
        _sign_in(page, live, "firm")
        response = page.goto(f"{live}/alerts")
        assert response.status == 403
        expect(page.locator("h1")).to_contain_text("Not for your role")
        browser.close()
