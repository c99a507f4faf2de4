"""missing_declaration: overdue declarations (administrative) and activity without declaration."""

from datetime import date

from tests.detection.builders import (
    customs_item,
    data,
    licence,
    line,
    operator,
    ruleset,
    run,
)

LICENSED = [licence(valid_from=date(2025, 1, 1))]
OVERDUE = {"check": "overdue", "lookback_months": 8}
ACTIVITY = {"check": "activity", "lookback_months": 8}


def months(*numbers):
    return [("LIC-001", date(2025, m, 1)) for m in numbers]


def test_overdue_periods_are_one_notice_per_operator_and_year():
    detection = data(declarations=months(1, 2, 4, 6, 7), licences=LICENSED,
                     as_of=date(2025, 8, 20))

    [notice] = run("missing_declaration", detection, params=OVERDUE, severity="low")

    assert (notice.licence_no, notice.substance_code) == ("LIC-001", None)
    assert (notice.window_start, notice.window_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert notice.severity == "low"
    assert notice.measures["periods"] == "2025-03, 2025-05"
    assert notice.summary == (
        "ACME S.A. has not declared March 2025, May 2025 (2 overdue; the last was due by "
        "2025-06-15)")


def test_overdue_rules_go_to_the_administrative_queue_unless_told_otherwise():
    overdue = ruleset("missing_declaration", params={"check": "overdue"})
    activity = ruleset("missing_declaration", params={"check": "activity"})

    assert [r.queue for r in overdue.rules] == ["administrative"]
    assert [r.queue for r in activity.rules] == ["diversion"]


def test_customs_trading_in_an_undeclared_month_is_activity_without_declaration():
    detection = data(declarations=months(1, 2, 3, 4, 5, 6), licences=LICENSED,
                     customs=[customs_item(date=date(2025, 7, 14), net_mass_kg=2000.0)],
                     as_of=date(2025, 8, 20))

    [july] = run("missing_declaration", detection, params=ACTIVITY)

    assert (july.window_start, july.window_end) == (date(2025, 7, 1), date(2025, 7, 31))
    assert july.severity == "high"
    assert (july.observed, july.expected) == (2000.0, None)
    assert july.evidence == {"customs_item": (1,)}
    assert july.summary == (
        "ACME S.A. has not declared July 2025 (due by 2025-08-15) although customs recorded "
        "2,000 kg of controlled substances it traded then")
    assert run("missing_declaration", detection, params=OVERDUE) != []


def test_other_operators_declaring_trade_with_it_is_activity_without_declaration():
    # Beta declared selling to ACME (by name) in July, which ACME did not declare.
    detection = data(
        declarations=months(1, 2, 3, 4, 5, 6) + [("LIC-002", date(2025, 7, 1))],
        lines=[line(licence_no="LIC-002", movement="sale", quantity_kg=800.0,
                    date=date(2025, 7, 10), counterparty_name="Acme SA")],
        operators=[operator(), operator(licence_no="LIC-002", legal_name="Beta S.R.L.",
                                        tax_id="20-2")],
        licences=[*LICENSED, licence(licence_id=2, licence_no="LIC-002",
                                     operator_name="Beta S.R.L.", valid_from=date(2025, 1, 1))],
        as_of=date(2025, 8, 20))

    [july] = run("missing_declaration", detection, params=ACTIVITY)

    assert (july.licence_no, july.window_start) == ("LIC-001", date(2025, 7, 1))
    assert july.evidence == {"declaration_line": (1,)}
    assert july.measures["seen_by"] == "counterparties"
    assert "other operators recorded 800 kg" in july.summary


def test_a_record_its_next_declaration_accounts_for_is_not_undeclared_activity():
    # June not declared; the goods customs accepted on 28 June entered stock on 2 July.
    accepted = customs_item(date=date(2025, 6, 28), net_mass_kg=2000.0)
    entered = line(movement="import", quantity_kg=2000.0, date=date(2025, 7, 2),
                   counterparty_country="DE")
    accounted = data(declarations=months(1, 2, 3, 4, 5, 7), licences=LICENSED,
                     customs=[accepted], lines=[entered], as_of=date(2025, 8, 20))
    unaccounted = data(declarations=months(1, 2, 3, 4, 5, 7), licences=LICENSED,
                       customs=[accepted], as_of=date(2025, 8, 20))

    assert run("missing_declaration", accounted, params=ACTIVITY) == []
    assert [f.window_start for f in run("missing_declaration", unaccounted, params=ACTIVITY)] \
        == [date(2025, 6, 1)]


def test_declared_on_time_or_not_yet_due_or_unlicensed_does_not_fire():
    on_time = data(declarations=months(1, 2, 3, 4, 5, 6, 7), licences=LICENSED,
                   as_of=date(2025, 8, 10))
    expired = data(licences=[licence(valid_from=date(2024, 1, 1), valid_to=date(2024, 6, 30))],
                   customs=[customs_item(date=date(2025, 3, 3))], as_of=date(2025, 8, 10))

    for params in (OVERDUE, ACTIVITY):
        assert run("missing_declaration", on_time, params=params) == []
        assert run("missing_declaration", expired, params=params) == []


def test_the_month_a_licence_begins_is_overdue_never_but_counts_for_activity():
    # Licensed from 8 January: January is the licensee's set-up month, February its first
    # full period (declared); March is missing.
    detection = data(declarations=months(2), licences=[licence(valid_from=date(2025, 1, 8))],
                     as_of=date(2025, 4, 20))
    [notice] = run("missing_declaration", detection,
                   params={"check": "overdue", "lookback_months": 4})
    assert notice.measures["periods"] == "2025-03"

    trading = data(declarations=months(3), licences=[licence(valid_from=date(2025, 1, 8))],
                   customs=[customs_item(date=date(2025, 1, 10), net_mass_kg=900.0)],
                   as_of=date(2025, 4, 20))
    [january] = run("missing_declaration", trading,
                    params={"check": "activity", "lookback_months": 4})
    assert january.window_start == date(2025, 1, 1)
    assert january.measures["situation"] == "activity"
