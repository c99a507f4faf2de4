"""Applying registry records to the database and asking the licensing question."""

from datetime import date

import numpy as np
from sqlalchemy import select

from app.alerts.planning import _identities
from app.registry.models import Licence, LicenceVersion, Operator
from app.registry.service import (
    apply_registry_records,
    load_licence_book,
    registry_counts,
    sector_code,
)
from importers.feeds.keys import tax_id_keys
from tests.alerts.findings import finding as finding_builder
from tests.builders import registry_records, registry_row

AS_OF = date(2026, 3, 1)


def apply(session, *rows, as_of=AS_OF):
    changes = apply_registry_records(
        session=session, records=registry_records(*rows), batch_id=None, as_of=as_of
    )
    session.commit()
    return changes


def check(session, licence_no, substance_code, activity, on):
    """Ask the licence book of one operator the licensing question."""
    book = load_licence_book(session=session, licence_nos=[licence_no])
    return book.check(licence_no, substance_code, activity, on)


def test_first_import_creates_operators_licences_and_first_versions(db_session):
    changes = apply(
        db_session,
        registry_row(),
        registry_row(substance_code="toluene", activities=("distributor", "importer"),
                     annual_quota_kg=None),
        registry_row(licence_no="LIC-002", tax_id="20-100000002", operator_name="Pinturas Sur",
                     activities=("end_user",), sector="2022 Fabricación de pinturas"),
    )
    assert (changes.operators_created, changes.licences_created) == (2, 3)
    assert changes.rejected == []
    assert registry_counts(session=db_session) == {
        "operators": 2, "licences": 3, "active_licences": 3,
    }
    andina = db_session.scalars(select(Operator).where(Operator.licence_no == "LIC-001")).one()
    assert andina.activities == ("distributor", "importer")
    sur = db_session.scalars(select(Operator).where(Operator.licence_no == "LIC-002")).one()
    assert (sur.tax_id, sur.tax_id_key, sur.sector_code) == ("20-100000002", "20100000002", "2022")
    versions = db_session.scalars(select(LicenceVersion)).all()
    assert [(v.version, v.effective_from, v.change) for v in versions] == [
        (1, None, "first recorded")] * 3


def test_reimport_of_same_records_changes_nothing(db_session):
    apply(db_session, registry_row(), registry_row(substance_code="toluene"))
    changes = apply(db_session, registry_row(), registry_row(substance_code="toluene"))
    assert (changes.operators_created, changes.operators_updated) == (0, 0)
    assert (changes.licences_created, changes.licences_changed) == (0, 0)
    assert changes.licences_unchanged == 2
    assert len(db_session.scalars(select(LicenceVersion)).all()) == 2


def test_change_is_recorded_as_a_version_and_history_kept(db_session):
    apply(db_session, registry_row())
    changes = apply(db_session, registry_row(status="suspended", annual_quota_kg=12000.0,
                                             region="Callao"))
    assert (changes.licences_changed, changes.operators_updated) == (1, 1)
    licence = db_session.scalars(select(Licence)).one()
    assert (licence.status, licence.annual_quota_kg) == ("suspended", 12000.0)
    first, second = licence.versions
    assert (first.status, first.annual_quota_kg, first.effective_from) == ("active", 8000.0, None)
    assert second.effective_from == AS_OF
    assert second.change == "annual_quota_kg 8000 → 12000; status active → suspended"
    assert licence.operator.region == "Callao"

    before = check(db_session, "LIC-001", "acetone", "distributor", date(2026, 2, 28))
    after = check(db_session, "LIC-001", "acetone", "distributor", AS_OF)
    assert before.licensed
    assert (after.licensed, after.reason) == (False, "suspended")
    book = load_licence_book(session=db_session, licence_nos=["LIC-001"])
    assert book.quota("LIC-001", "acetone", 2026) == 12000.0


def test_conflicting_tax_id_for_one_licence_number_is_rejected(db_session):
    changes = apply(
        db_session,
        registry_row(source_row=2),
        registry_row(substance_code="toluene", tax_id="20999999999", source_row=3),
    )
    assert changes.licences_created == 1
    assert changes.rejected == [(
        3, "tax_id", "20999999999",
        "licence LIC-001 has tax id 20100000001 on row 2; "
        "one licence number belongs to one operator",
    )]


def test_new_validity_period_is_a_new_line_and_both_count(db_session):
    apply(db_session, registry_row(valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31),
                                   annual_quota_kg=5000.0))
    apply(db_session, registry_row(valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31),
                                   annual_quota_kg=7000.0))
    assert len(db_session.scalars(select(Licence)).all()) == 2
    for on, quota in ((date(2024, 6, 1), 5000.0), (date(2025, 6, 1), 7000.0)):
        answer = check(db_session, "LIC-001", "acetone", "distributor", on)
        assert answer.licensed
        assert answer.annual_quota_kg == quota


def test_licensing_question_for_unknown_operator(db_session):
    answer = check(db_session, "NOPE", "acetone", None, date(2025, 1, 1))
    assert (answer.licensed, answer.reason) == (False, "unknown_operator")


def test_sector_code():
    assert sector_code("2022 Fabricación de pinturas") == "2022"
    assert sector_code("Fabricación de pinturas") is None
    assert sector_code(None) is None


def test_a_tax_id_with_accented_letters_is_keyed_as_customs_and_alerts_key_it(db_session):
    # One identity key everywhere: a Mexican RFC with Ñ must not look unregistered in customs.
    apply(db_session, registry_row(tax_id="PEÑ-850101-AB1"))

    stored = db_session.scalars(select(Operator)).one().tax_id_key
    [customs_key] = tax_id_keys(np.array(["PEÑ850101AB1"], dtype=object))
    assert stored == customs_key == "PEN850101AB1"
    finding = finding_builder(licence_no=None, tax_id="peñ 850101 ab1")
    assert _identities(finding) == {"tax:PEN850101AB1"}
