"""The company portal through its pages: upload, refused rows and what to write instead,
the amendment, the receipt, history and deadlines, tokens; nothing of another operator."""

from __future__ import annotations

import hashlib
import io
from datetime import date

from sqlalchemy import select

from app.auth.models import ApiToken
from app.movements.models import Declaration
from app.portal.models import Submission

HEADER = "licence_no,period,movement,date,substance,quantity,unit"
GOOD = ["LIC-001,2025-03,opening_stock,2025-03-01,acetone,100,kg",
        "LIC-001,2025-03,purchase,2025-03-05,acetone,50,kg"]
BAD = ["LIC-001,2025-03,devolución,2025-03-09,acetone,5,kg",
       "LIC-001,2025-03,sale,2025-03-10,acetone,cinco,kg"]
FIXED = ["LIC-001,2025-03,sale,2025-03-09,acetone,5,kg",
         "LIC-001,2025-03,sale,2025-03-10,acetone,5,kg"]


def _csv(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _english(auth) -> None:
    """Sign in as the company, reading the pages in English."""
    assert auth.login("company").status_code == 302
    auth.post("/language", {"lang": "en", "next": "/portal/"})


def _upload(auth, data: bytes, name: str = "marzo.csv"):
    return auth.post("/portal/declarations", {"file": (io.BytesIO(data), name)},
                     content_type="multipart/form-data")


def test_upload_shows_refused_rows_then_the_fix_amends_it(auth, db_session, registered):
    _english(auth)
    first = _upload(auth, _csv(GOOD + BAD))
    assert first.status_code == 302 and "/portal/submissions/" in first.location
    page = auth.client.get(first.location).get_data(as_text=True)
    assert "read 4, stored 2, refused 2" in page
    assert "2 rows were refused" in page
    for text in ("devolución", "cinco", "not a number", "One of: opening_stock",
                 "A number greater than 0"):
        assert text in page, text
    sha = hashlib.sha256(_csv(GOOD + BAD)).hexdigest()
    assert sha in page

    second = _upload(auth, _csv(GOOD + FIXED), "marzo-corregido.csv")
    page = auth.client.get(second.location).get_data(as_text=True)
    assert "Every row was accepted" in page and "read 4, stored 4, refused 0" in page
    first_batch = db_session.scalars(select(Submission.batch_id).order_by(Submission.id)).first()
    assert f"the declaration of batch #{first_batch}" in page
    declarations = db_session.scalars(select(Declaration).where(
        Declaration.licence_no == "LIC-001").order_by(Declaration.id)).all()
    assert [d.is_current for d in declarations] == [False, True]  # both versions kept

    history = auth.client.get("/portal/submissions").get_data(as_text=True)
    assert "marzo.csv" in history and "marzo-corregido.csv" in history


def test_a_company_sees_nothing_of_another_operator(auth, client, db_session, registered,
                                                    users):
    from app.auth.service import create_user
    from tests.webclient import PASSWORD, Auth

    create_user(session=db_session, email="other@example.org", role="company",
                password=PASSWORD, licence_no="LIC-002")
    db_session.commit()
    assert auth.login("other").status_code == 302
    theirs = _upload(auth, _csv([r.replace("LIC-001", "LIC-002").replace("acetone", "toluene")
                                 for r in GOOD]))
    assert theirs.status_code == 302
    auth.post("/sign-out")
    mine = Auth(client)
    _english(mine)
    assert client.get(theirs.location).status_code == 404
    assert client.get("/operators/LIC-002").status_code == 403
    assert client.get("/alerts").status_code == 403
    assert "LIC-002" not in client.get("/portal/submissions").get_data(as_text=True)
    # A row of another licence in one's own file is refused, not stored for it.
    response = _upload(mine, _csv([GOOD[0].replace("LIC-001", "LIC-002")]))
    page = client.get(response.location).get_data(as_text=True)
    assert "is not yours" in page and "stored 0, refused 1" in page


def test_a_whole_file_refused_says_why_and_stores_nothing(auth, registered):
    _english(auth)
    response = _upload(auth, b"fecha,cantidad\n2025-03-01,5\n", "bad.csv")
    page = auth.client.get(response.location).get_data(as_text=True)
    assert "refused as a whole" in page and "licence_no" in page


def test_deadlines_show_overdue_periods(auth, registered):
    _english(auth)
    page = auth.client.get("/portal/submissions").get_data(as_text=True)
    assert "overdue by" in page  # LIC-001 holds a licence since 2024 and declared nothing
    home = auth.client.get("/portal/").get_data(as_text=True)
    assert "declarations are overdue" in home


def test_tokens_are_shown_once_stored_hashed_and_revoked(auth, db_session, users):
    auth.login("company")
    made = auth.post("/portal/tokens", {"name": "ERP export"}).get_data(as_text=True)
    secret = made.split('value="vigia_', 1)[1].split('"', 1)[0]
    secret = "vigia_" + secret
    token = db_session.scalars(select(ApiToken)).one()
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and secret not in (token.prefix, token.name)
    listed = auth.client.get("/portal/tokens").get_data(as_text=True)
    assert token.prefix in listed and secret not in listed
    api = auth.client.application.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/declarations/receipts", headers=headers).status_code == 200
    assert auth.post(f"/portal/tokens/{token.id}/revoke").status_code == 302
    assert api.get("/api/declarations/receipts", headers=headers).status_code == 401


def test_templates_download_in_both_languages(auth, users):
    auth.login("company")
    for lang in ("es", "en"):
        xlsx = auth.client.get(f"/portal/template.xlsx?lang={lang}")
        assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
        csv = auth.client.get(f"/portal/template.csv?lang={lang}")
        assert csv.status_code == 200
    assert "Nº licencia;Periodo" in auth.client.get("/portal/template.csv?lang=es").get_data(
        as_text=True)
    assert auth.client.get("/portal/template.pdf").status_code == 404


def test_deadline_rule_is_the_overdue_rules(app):
    from app.detection.rules.in_force import loaded_rules
    from app.extensions import vigia
    from app.portal.deadlines import deadline_rule, period_starts

    rules, problems = loaded_rules(vigia(app).settings.rules_dir, vigia(app).catalogue)
    assert problems == []
    rule = deadline_rule(rules)
    assert (rule.rule_id, rule.period, rule.deadline_days) == ("overdue-declaration", "month",
                                                               15)
    starts = period_starts(rule, date(2026, 3, 20))
    assert starts[0] == date(2025, 3, 1) and starts[-1] == date(2026, 3, 1)


def test_the_portal_speaks_spanish(auth, registered):
    assert auth.login("company").status_code == 302
    auth.post("/language", {"lang": "es", "next": "/portal/"})
    home = auth.client.get("/portal/").get_data(as_text=True)
    assert "Enviar una declaración" in home and "Qué vence" in home
    assert "declaraciones están vencidas" in home
    response = _upload(auth, _csv(GOOD + BAD))
    receipt = auth.client.get(response.location).get_data(as_text=True)
    assert "Constancia n.º" in receipt and "Escriba en su lugar" in receipt
    assert "Uno de: stock inicial, compra" in receipt  # the Spanish template's words
    tokens_page = auth.client.get("/portal/tokens").get_data(as_text=True)
    assert "Claves en uso" in tokens_page


def test_every_message_of_the_catalogue_is_translated():
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parents[2] / "app/translations/es/LC_MESSAGES/messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po)
    untranslated = [m.id for m in catalogue if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert untranslated == []
