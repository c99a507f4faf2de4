"""The alert page, operator page and case files over data stored through intake and detect."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.alerts.models import Alert
from app.extensions import vigia
from app.pipeline import detect
from tests.detection.stored import (
    DECLARATION_HEADER,
    REGISTRY_HEADER,
    declaration_row,
    store,
    write_csv,
)

AS_OF = date(2025, 9, 1)


@pytest.fixture
def quota_alert(app, tmp_path, db_session):
    """ACME buys 9,000 kg of acetic anhydride against an 8,000 kg quota by August 2025."""
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [
        ["LIC-001", "ACME S.A.", "20100000001", "end_user", "acetic anhydride",
         8000, "2025-01-01", "2026-12-31", "active", "Lima", "2029 Chemicals"]])
    rows = [declaration_row("LIC-001", f"2025-{m:02d}", "purchase", f"2025-{m:02d}-05",
                            "108-24-7", 1125, document_ref=f"F-{m}") for m in range(1, 9)]
    declarations = write_csv(tmp_path / "compras_<script>x.csv", DECLARATION_HEADER, rows)
    store(app, {"registry": [registry], "declarations": [declarations]})
    detect(vigia(app), as_of=AS_OF)
    return db_session.scalars(select(Alert).where(Alert.detector == "quota")).one()


def test_the_alert_page_says_it_in_spanish_with_rule_chart_and_evidence(auth, quota_alert):
    auth.login("officer")
    html = auth.client.get(f"/alerts/{quota_alert.id}",
                           headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "ACME S.A. adquirió 9.000 kg de anhídrido acético en 2025" in html
    assert "Acquisitions beyond the annual quota" in html and "quota.yaml:" in html
    assert "<svg" in html and "cupo 8.000 kg" in html  # cumulative line against the quota
    assert html.count("F-") >= 8  # every declaration line, with its document
    assert "compras_&lt;script&gt;x.csv" in html  # the file it came from, escaped
    batch = html.split('href="/batches/')[1].split('"')[0]
    page = auth.client.get(f"/batches/{batch}").get_data(as_text=True)
    original = auth.client.get(f"/batches/{batch}/original")
    assert original.status_code == 200 and original.data.startswith(b"licence_no,period")
    original.close()
    assert "original" in page


def test_regulators_read_but_cannot_download_originals(auth, quota_alert):
    auth.login("regulator")
    html = auth.client.get(f"/alerts/{quota_alert.id}").get_data(as_text=True)
    assert "Propose closure" not in html and "Proponer" not in html
    batch = html.split('href="/batches/')[1].split('"')[0]
    assert auth.client.get(f"/batches/{batch}/original").status_code == 403


def test_case_files_and_operator_page(auth, quota_alert):
    auth.login("officer")
    case = auth.client.get(f"/alerts/{quota_alert.id}/case").get_data(as_text=True)
    assert "Printed" in case or "Impreso" in case
    response = auth.client.get(f"/alerts/{quota_alert.id}/case.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    response.close()
    assert workbook.sheetnames == ["alert", "declaration lines", "customs items",
                                   "notifications", "timeline"]
    assert workbook["declaration lines"].max_row == 9  # header and eight lines
    assert workbook["timeline"]["A2"].value == 1  # seq of the raised event
    operator = auth.client.get("/operators/LIC-001",
                               headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Quotas and their use this year" in operator and f"#{quota_alert.id}" in operator
    response = auth.client.get("/operators/LIC-001/case.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    response.close()
    assert book["licences"]["C2"].value == 8000
    assert auth.client.get("/operators/LIC-404").status_code == 404
    assert auth.client.get("/alerts/999999").status_code == 404


def test_queue_export_is_the_current_filter(auth, quota_alert):
    auth.login("officer")
    response = auth.client.get("/alerts/export.csv?detector=quota&status=all")
    text = response.data.decode("utf-8-sig")
    response.close()
    assert text.splitlines()[0].startswith("alert_id,rule_id,kind,severity")
    assert len(text.splitlines()) == 2 and f"{quota_alert.id},quota-annual" in text
    response = auth.client.get("/alerts/export.csv?detector=surge")
    empty = response.data.decode("utf-8-sig")
    response.close()
    assert len(empty.splitlines()) == 1


def test_a_national_chart_is_drawn_by_its_own_request(auth, quota_alert, db_session):
    from tests.alerts.builders import stored_alert

    national = stored_alert(db_session, detector="national_pace", rule_id="national-pace",
                            licence_no=None, tax_id=None, substance_code="acetic-anhydride",
                            measures={"baseline_kg": 12000})
    db_session.commit()
    auth.login("officer")
    html = auth.client.get(f"/alerts/{national.id}").get_data(as_text=True)
    assert f'src="/alerts/{national.id}/chart.svg"' in html and "<svg" not in html
    svg = auth.client.get(f"/alerts/{national.id}/chart.svg")
    assert svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert text.startswith("<svg") and "polyline" in text  # ACME's 2025 lines, cumulated
    case = auth.client.get(f"/alerts/{national.id}/case").get_data(as_text=True)
    assert "<svg" in case  # the printed case file draws it in place


def test_a_national_finding_that_keeps_its_months_is_charted_in_its_page(auth, db_session):
    from tests.alerts.builders import stored_alert

    national = stored_alert(db_session, detector="national_pace", rule_id="national-pace",
                            licence_no=None, tax_id=None, substance_code="acetone",
                            measures={"baseline_kg": 12000, "monthly_kg": {
                                "2025-01": 1500, "2025-02": 2500, "2025-03": 900}})
    db_session.commit()
    auth.login("officer")
    html = auth.client.get(f"/alerts/{national.id}").get_data(as_text=True)
    assert "<svg" in html and "chart.svg" not in html
    assert html.count("<circle") == 3  # three months, cumulated
