"""Take the README's screenshots of a running Vigía (the demo) with Debian's Chromium.

    vigia demo --port 5000 &          # then:
    .venv/bin/python bench/screenshots.py http://127.0.0.1:5000 docs/screenshots

Signs in as the demo officer, opens the dashboard, the queue, the first alert with a chart
and an operator, at 1366x768 (a government laptop), in Spanish and English.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main(base: str, out: Path) -> None:
    """Sign in and save one screenshot per main page."""
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="es-PE")
        page.goto(f"{base}/sign-in")
        page.screenshot(path=out / "sign-in.png")
        page.fill("#email", "officer@demo.vigia")
        page.fill("#password", "demo-officer-2026")
        page.click("button[type=submit].primary")
        page.locator("button[lang=es]").click()
        page.screenshot(path=out / "dashboard.png", full_page=False)
        page.goto(f"{base}/alerts")
        page.screenshot(path=out / "queue.png")
        page.goto(f"{base}/alerts?detector=quota&status=all")
        if not page.locator("table.alerts td.sentence a").count():
            page.goto(f"{base}/alerts?detector=surge&status=all")
        page.locator("table.alerts td.sentence a").first.click()
        page.screenshot(path=out / "alert.png", full_page=True)
        link = page.locator("dl.facts a[href^='/operators/']").first
        if link.count():
            link.click()
            page.screenshot(path=out / "operator.png", full_page=True)
        page.locator("button[lang=en]").click()
        page.goto(f"{base}/alerts?detector=quota&status=all")
        page.screenshot(path=out / "queue-en.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
