"""The demo's users: one per role, the company one bound to a demo operator that declared."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.auth.demo import create_demo_users
from app.auth.models import User
from app.intake.models import ImportBatch
from app.movements.models import Declaration
from tests.alerts.builders import stored_operator


def test_the_demo_company_user_is_bound_to_an_operator_that_declared(db_session,
                                                                    cheap_hashes):
    stored_operator(db_session, licence_no="LIC-001")
    operator = stored_operator(db_session, licence_no="LIC-002", tax_id_key="2", tax_id="2")
    batch = ImportBatch(feed="declarations", filename="d.csv", sha256="0" * 64, size_bytes=1,
                        submitted_by="demo", status="stored", message="")
    db_session.add(batch)
    db_session.flush()
    db_session.add(Declaration(batch_id=batch.id, operator_id=operator.id, licence_no="LIC-002",
                               period=date(2025, 3, 1), lines=1))
    db_session.flush()
    sign_ins = create_demo_users(session=db_session)
    assert {role for _email, role, _password in sign_ins} == {
        "officer", "supervisor", "regulator", "company", "admin"}
    company = db_session.scalars(select(User).where(User.role == "company")).one()
    assert company.licence_no == "LIC-002"
