"""The licensing question, answered from licence versions in memory."""

from datetime import date

import pytest

from app.registry.licensing import LicenceBook
from tests.builders import licence_state


def book(*states, operators=None):
    return LicenceBook(states, operators=operators, substance_names={"acetone": "acetone"})


@pytest.mark.parametrize(
    ("on", "activity", "licensed", "reason"),
    [
        (date(2025, 6, 1), "distributor", True, "licensed"),
        (date(2024, 1, 1), "distributor", True, "licensed"),
        (date(2025, 12, 31), "distributor", True, "licensed"),
        (date(2023, 12, 31), "distributor", False, "not_yet_valid"),
        (date(2026, 1, 1), "distributor", False, "expired"),
        (date(2025, 6, 1), "importer", False, "activity_not_licensed"),
        (date(2025, 6, 1), None, True, "licensed"),
    ],
)
def test_validity_period_and_activity(on, activity, licensed, reason):
    answer = book(licence_state()).check("LIC-001", "acetone", activity, on)
    assert (answer.licensed, answer.reason) == (licensed, reason)
    assert answer.on == on


def test_unknown_operator_and_other_substance():
    licences = book(licence_state(), operators={"LIC-002": "Pinturas Sur"})
    unknown = licences.check("LIC-999", "acetone", None, date(2025, 1, 1))
    assert unknown.reason == "unknown_operator"
    assert "LIC-999" in unknown.message
    other = licences.check("LIC-001", "toluene", None, date(2025, 1, 1))
    assert other.reason == "not_licensed_for_substance"
    assert other.message == "Química Andina S.A. (LIC-001) holds no licence for toluene"
    no_lines = licences.check("LIC-002", "acetone", None, date(2025, 1, 1))
    assert no_lines.reason == "not_licensed_for_substance"


@pytest.mark.parametrize("status", ["suspended", "revoked"])
def test_status_from_first_version_covers_the_past(status):
    answer = book(licence_state(status=status)).check("LIC-001", "acetone", None, date(2024, 3, 1))
    assert not answer.licensed
    assert answer.reason == status
    assert answer.message == f"Química Andina S.A. (LIC-001)'s licence for acetone is {status}"


def test_suspension_recorded_later_applies_from_its_date_only():
    states = [
        licence_state(version=1),
        licence_state(version=2, status="suspended", effective_from=date(2025, 6, 1)),
    ]
    licences = book(*states)
    assert licences.check("LIC-001", "acetone", None, date(2025, 5, 31)).licensed
    after = licences.check("LIC-001", "acetone", None, date(2025, 6, 1))
    assert (after.licensed, after.reason) == (False, "suspended")


def test_renewed_line_covers_dates_the_expired_line_does_not():
    states = [
        licence_state(licence_id=1, valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31)),
        licence_state(licence_id=2, valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31),
                      annual_quota_kg=9000.0),
    ]
    answer = book(*states).check("LIC-001", "acetone", "distributor", date(2025, 3, 1))
    assert answer.licensed
    assert answer.licence_id == 2
    assert answer.annual_quota_kg == 9000.0


def test_quota_per_year():
    states = [
        licence_state(licence_id=1, valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31),
                      annual_quota_kg=8000.0),
        licence_state(licence_id=2, valid_from=date(2025, 1, 1), valid_to=date(2026, 12, 31),
                      annual_quota_kg=9000.0),
        licence_state(licence_id=2, version=2, valid_from=date(2025, 1, 1),
                      valid_to=date(2026, 12, 31), annual_quota_kg=15000.0,
                      effective_from=date(2026, 4, 1)),
    ]
    licences = book(*states)
    assert licences.quota("LIC-001", "acetone", 2023) is None
    assert licences.quota("LIC-001", "acetone", 2024) == 8000.0
    assert licences.quota("LIC-001", "acetone", 2025) == 9000.0
    # A quota raised during the year counts for that whole year.
    assert licences.quota("LIC-001", "acetone", 2026) == 15000.0
    assert licences.quota("LIC-001", "acetone", 2027) is None
    assert licences.quota("LIC-001", "toluene", 2025) is None


def test_licence_without_quota():
    licences = book(licence_state(annual_quota_kg=None))
    assert licences.quota("LIC-001", "acetone", 2025) is None
    assert licences.check("LIC-001", "acetone", None, date(2025, 1, 1)).licensed
