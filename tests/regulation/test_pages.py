"""The regulator's pages over HTTP (in Spanish, the default language): the check's messages,
four eyes, registry, baselines."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.regulation.models import RegulationEvent, RuleProposal
from tests.alerts.builders import stored_operator

FIELD = "v|params|thresholds|108-24-7"


def _propose(auth, kg: str, reason: str = "Catch smaller purchases"):
    return auth.post("/regulation/rules/large-movement/propose", {FIELD: kg, "reason": reason,
                                                                   "mode": "active"})


def test_the_rule_page_shows_parameters_with_their_meaning(auth):
    auth.login("regulator")
    html = auth.client.get("/regulation/rules/large-movement").get_data(as_text=True)
    assert "outlier_multiple" in html and "thresholds" in html
    assert 'name="v|params|thresholds|108-24-7" value="1000"' in html
    assert "no hay suficientes alertas revisadas" in html


def test_the_checks_messages_are_shown_with_their_field(auth, db_session):
    auth.login("regulator")
    response = _propose(auth, "-5")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "threshold.yaml:" in html and "thresholds" in html
    assert "greater than or equal to 0" in html
    assert db_session.scalars(select(RuleProposal)).all() == []


def test_the_proposer_cannot_approve_but_a_second_regulator_can(auth, db_session, rules_dir):
    auth.login("regulator")
    response = _propose(auth, "500")
    assert response.status_code == 302
    proposal = db_session.scalars(select(RuleProposal)).one()
    page = auth.client.get(f"/regulation/proposals/{proposal.id}").get_data(as_text=True)
    assert "otro regulador debe aprobarlo" in page and "Aprobar y publicar" not in page
    auth.post(f"/regulation/proposals/{proposal.id}/approve")
    db_session.refresh(proposal)
    assert proposal.status == "pending"
    assert "108-24-7: 1000 " in (rules_dir / "threshold.yaml").read_text("utf-8")
    auth.post("/sign-out")
    auth.login("regulator2")
    follow = auth.post(f"/regulation/proposals/{proposal.id}/approve", follow_redirects=True)
    assert "Publicada: la versión 3" in follow.get_data(as_text=True)
    db_session.refresh(proposal)
    assert proposal.status == "published"
    assert "108-24-7: 500 " in (rules_dir / "threshold.yaml").read_text("utf-8")
    download = auth.client.get("/regulation/rules/large-movement/versions/2.yaml")
    assert download.status_code == 200 and b"108-24-7: 500 " in download.data


def test_registry_search_by_name_tax_id_and_licence_in_any_format(auth, db_session):
    stored_operator(db_session, licence_no="LIC-00123", legal_name="Química Andina S.A.C.",
                    tax_id="20-1000000-01")
    stored_operator(db_session, licence_no="LIC-00999", legal_name="Otra Empresa",
                    tax_id="20999", tax_id_key="20999")
    db_session.commit()
    auth.login("regulator")
    for query in ("andina", "lic 00123", "20100000001", "LIC00123"):
        html = auth.client.get("/regulation/registry", query_string={"q": query}).get_data(
            as_text=True)
        assert "Química Andina" in html and "Otra Empresa" not in html, query
    page = auth.client.get("/regulation/registry/LIC-00123").get_data(as_text=True)
    assert "Líneas de licencia y su historia" in page


def test_baselines_upload_through_the_importer_with_row_errors(auth, db_session):
    auth.login("regulator")
    data = "substance,year,quantity_kg,source\n108-24-7,2025,50000,national estimate\n" \
           "unobtainium,2025,10,x\n"
    response = auth.post("/regulation/baselines", {"file": (io.BytesIO(data.encode()),
                                                            "needs.csv")},
                         content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "needs.csv: leídas 2, guardadas 1, rechazadas 1." in html
    assert "fila 3, columna" in html
    assert "50.000" in html  # the baseline in the table (Spanish: the default language)
    event = db_session.scalars(select(RegulationEvent)).one()
    assert event.action == "baselines imported"
