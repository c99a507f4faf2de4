"""A company's declaration in Debian's Chromium: download the template, fill it in with
two bad rows, upload it, read the refused rows, upload the fix, read the receipt (an
amendment), and fail to open another operator's receipt or page by URL.

Set VIGIA_SCREENSHOTS=DIR to keep screenshots of the pages (docs/screenshots/ holds some).
"""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from werkzeug.serving import make_server

from app.auth.service import create_user
from app.extensions import vigia
from app.pipeline import import_one
from app.portal import service
from tests.builders import REGISTRY, REGISTRY_HEADER, write
from tests.web.test_browser import ARGS, CHROMIUM, PASSWORD, browser_app

GOOD = [["LIC-001", "2025-03", "opening_stock", date(2025, 3, 1), "acetone", 100, "kg"],
        ["LIC-001", "2025-03", "purchase", date(2025, 3, 5), "acetone", 50, "kg"]]
BAD = [["LIC-001", "2025-03", "devolución", date(2025, 3, 9), "acetone", 5, "kg"],
       ["LIC-001", "2025-03", "sale", date(2025, 3, 10), "acetone", "cinco", "kg"]]
FIXED = [["LIC-001", "2025-03", "sale", date(2025, 3, 9), "acetone", 5, "kg"],
         ["LIC-001", "2025-03", "sale", date(2025, 3, 10), "acetone", 5, "kg"]]


@pytest.fixture
def portal_live(database_url, tmp_path, worker_id, cheap_hashes):
    """Serve the app with a registry, two company users and the rival's submission."""
    app = browser_app(database_url, tmp_path, f"{worker_id}_portal")
    services = vigia(app)
    registry = write(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY)
    with app.app_context():
        import_one(services, feed="registry", path=registry, submitted_by="test",
                   as_of=date(2024, 1, 1))
    with services.db.session() as session:
        create_user(session=session, email="firm@example.org", role="company",
                    password=PASSWORD, licence_no="LIC-001")
        rival = create_user(session=session, email="rival@example.org", role="company",
                            password=PASSWORD, licence_no="LIC-002")
        rival_file = write(tmp_path / "rival.csv", "licence_no,period,movement,date,"
                           "substance,quantity,unit", ["LIC-002,2025-03,purchase,2025-03-02,"
                                                       "toluene,10,kg"])
        with app.app_context():
            theirs = service.submit_declaration(
                services, session=session, source=rival_file, filename="rival.csv",
                channel="web", sender=service.Sender(rival.id, rival.email, "LIC-002"))
        rival_receipt = theirs.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", rival_receipt
    server.shutdown()
    services.db.engine.dispose()


def _filled(template: Path, rows: list[list], out: Path) -> Path:
    book = load_workbook(template)
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    book.save(out)
    return out


def _shot(page, name: str) -> None:
    folder = os.environ.get("VIGIA_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.mark.slow
def test_a_company_declares_in_chromium(portal_live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, rival_receipt = portal_live
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768},
                                      accept_downloads=True)
        page = context.new_page()
        page.goto(f"{base}/sign-in")
        page.fill("#email", "firm@example.org")
        page.fill("#password", PASSWORD)
        page.click("button.primary")
        expect(page.locator("h1")).to_contain_text("Company portal")
        expect(page.locator(".callout.pending")).to_contain_text("overdue")
        _shot(page, "portal.png")

        with page.expect_download() as download:
            page.click("a[href*='template.xlsx'][href*='lang=en']")
        template = tmp_path / "template.xlsx"
        download.value.save_as(template)
        assert download.value.suggested_filename == "vigia-declaration-LIC-001.xlsx"

        page.set_input_files("#file", str(_filled(template, GOOD + BAD, tmp_path / "march.xlsx")))
        page.click("text=Upload and check")
        expect(page.locator("h1")).to_contain_text("Receipt #")
        refused = page.locator("table.refused tbody tr")
        expect(refused).to_have_count(2)
        expect(refused.nth(0)).to_contain_text("devolución")
        expect(refused.nth(0).locator("td").first).to_have_text("4")  # the sheet row
        expect(refused.nth(0)).to_contain_text("One of: opening_stock")
        expect(refused.nth(1)).to_contain_text("cinco")
        expect(page.locator("dl.facts")).to_contain_text("read 4, stored 2, refused 2")
        _shot(page, "portal-refused.png")

        page.click("text=Send a declaration")
        page.set_input_files("#file", str(_filled(template, GOOD + FIXED,
                                                  tmp_path / "march-fixed.xlsx")))
        page.click("text=Upload and check")
        expect(page.locator(".callout")).to_contain_text("Every row was accepted")
        expect(page.locator("dl.facts")).to_contain_text("SHA-256")
        expect(page.locator("main")).to_contain_text("the declaration of batch #")
        page.emulate_media(media="print")
        expect(page.locator("nav.subnav")).to_be_hidden()
        _shot(page, "portal-receipt-print.png")
        page.emulate_media(media="screen")

        page.click("text=History and deadlines")
        expect(page.locator("main")).to_contain_text("march-fixed.xlsx")
        expect(page.locator("main")).not_to_contain_text("rival.csv")
        response = page.goto(f"{base}/portal/submissions/{rival_receipt}")
        assert response.status == 404
        response = page.goto(f"{base}/operators/LIC-002")
        assert response.status == 403
        browser.close()
