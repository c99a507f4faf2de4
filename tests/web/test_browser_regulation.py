"""A regulator's change in Debian's Chromium: loosen a threshold, read the backtest, a second
regulator approves, and the next `vigia detect` runs the new version."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.alerts.models import Alert
from app.auth.service import create_user
from app.detection.models import DetectionRun
from app.extensions import vigia
from app.regulation.models import RuleVersion
from tests.regulation.conftest import KEY_800, rules_folder
from tests.web.test_browser import ARGS, CHROMIUM, PASSWORD, _sign_in, browser_app

SHOTS = os.environ.get("VIGIA_SCREENSHOTS")  # a folder: save the pages as PNG there


@pytest.fixture
def live_rules(database_url, tmp_path, worker_id, cheap_hashes):
    """Serve the app over its own database and rules folder, with ACME's purchases stored."""
    from tests.regulation.conftest import (
        DECLARATION_HEADER,
        REGISTRY_HEADER,
        declaration_row,
        store,
        write_csv,
    )

    app = browser_app(database_url, tmp_path, f"{worker_id}_reg",
                      RULES_DIR=str(rules_folder(tmp_path)))
    store(app, {
        "registry": [write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [
            ["LIC-001", "ACME S.A.", "20100000001", "distributor", "acetic anhydride", 20000,
             "2020-01-01", "2026-12-31", "active", "Lima", ""]])],
        "declarations": [write_csv(tmp_path / "declarations.csv", DECLARATION_HEADER, [
            declaration_row("LIC-001", f"2025-0{m}", "purchase", f"2025-0{m}-10", "108-24-7",
                            kg) for m, kg in ((3, 1500), (4, 1200), (5, 800))])]})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["detect", "--as-of", "2025-09-01"])
    assert first.exit_code == 0, first.output
    with vigia(app).db.session() as session:
        for name in ("regulator", "regulator2"):
            create_user(session=session, email=f"{name}@example.org", role="regulator",
                        password=PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    vigia(app).db.engine.dispose()


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.slow
def test_a_loosened_threshold_is_backtested_approved_and_detected(live_rules):
    from playwright.sync_api import expect, sync_playwright

    app, base = live_rules
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        _sign_in(page, base, "regulator")
        page.click("nav >> text=Rules")
        expect(page.locator("h1")).to_contain_text("Rules in force")
        page.click("text=large-movement")
        expect(page.locator("h1")).to_contain_text("version 2")
        page.fill("input[name='v|params|thresholds|108-24-7']", "-5")
        page.fill("#reason", "Catch the 800 kg purchases")
        page.click("text=Check, backtest and propose")
        expect(page.locator("#problems")).to_contain_text("thresholds")
        expect(page.locator("#problems")).to_contain_text("greater than or equal to 0")
        _shot(page, "regulation-check")
        page.fill("input[name='v|params|thresholds|108-24-7']", "500")
        page.click("text=Check, backtest and propose")
        expect(page.locator("h1")).to_contain_text("Proposal #")
        expect(page.locator("dl.backtest .added")).to_have_text("+1")
        expect(page.locator("table.diff")).to_contain_text("108-24-7: 500")
        expect(page.locator(".decide")).to_contain_text("another regulator must approve it")
        _shot(page, "regulation-proposal")
        proposal_url = page.url
        page.click("text=Sign out")
        _sign_in(page, base, "regulator2")
        page.goto(proposal_url)
        page.click("text=Approve and publish")
        expect(page.locator(".flash")).to_contain_text("Published: version 3")
        expect(page.locator("h1 .status")).to_contain_text("published")
        page.goto(f"{base}/regulation/rules/large-movement")
        expect(page.locator("h1")).to_contain_text("version 3")
        expect(page.locator("#history-h + *, section[aria-labelledby=history-h]")
               .first).to_contain_text("approved by regulator2@example.org")
        _shot(page, "regulation-rule")
        page.click("button[lang=es]")
        expect(page.locator("h1")).to_contain_text("versión 3")
        browser.close()

    result = app.test_cli_runner().invoke(args=["detect", "--as-of", "2025-09-01"])
    assert result.exit_code == 0, result.output
    assert "1 raised" in result.output
    with vigia(app).db.session() as session:
        run = session.scalars(select(DetectionRun).order_by(DetectionRun.id.desc())).first()
        published = session.scalars(select(RuleVersion).order_by(RuleVersion.seq.desc())).first()
        record = run.rule_files
        assert record["versions"]["large-movement"] == 3 == published.version
        assert [f["sha256"] for f in record["files"]] == [published.sha256]
        alert = session.scalar(select(Alert).where(Alert.key == KEY_800))
        assert alert is not None and alert.rule_version == 3
        assert alert.period_end == date(2025, 5, 10)
