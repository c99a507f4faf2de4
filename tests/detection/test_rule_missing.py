"""missing_declaration: licensed operators silent past their deadline."""

from datetime import date

from tests.detection.builders import customs_item, data, licence, run


def test_missing_month_after_the_deadline_fires_and_is_worse_when_trading():
    detection = data(
        declarations=[("LIC-001", date(2025, m, 1)) for m in range(1, 8) if m != 3],
        customs=[customs_item(date=date(2025, 7, 14), net_mass_kg=2000.0)],
        licences=[licence(valid_from=date(2025, 1, 1))],
        as_of=date(2025, 8, 20),
    )

    findings = run("missing_declaration", detection, params={"lookback_months": 8})

    assert [f.window_start for f in findings] == [date(2025, 3, 1)]
    [march] = findings
    assert (march.licence_no, march.substance_code) == ("LIC-001", None)
    assert march.window_end == date(2025, 3, 31)
    assert march.severity == "high"
    assert march.summary == (
        "ACME S.A. has not declared March 2025; the declaration was due by 2025-04-15")

    without_july = data(
        declarations=[("LIC-001", date(2025, m, 1)) for m in range(1, 7)],
        customs=[customs_item(date=date(2025, 7, 14), net_mass_kg=2000.0)],
        licences=[licence(valid_from=date(2025, 1, 1))],
        as_of=date(2025, 8, 20),
    )
    [july] = run("missing_declaration", without_july, severity="medium",
                 params={"lookback_months": 8})
    assert july.window_start == date(2025, 7, 1)
    assert july.severity == "high"
    assert (july.observed, july.expected) == (2000.0, None)
    assert july.evidence == {"customs_item": (1,)}
    assert july.summary == (
        "ACME S.A. has not declared July 2025 (due by 2025-08-15) although customs recorded "
        "2,000 kg of controlled substances it traded then")


def test_declared_on_time_or_not_yet_due_or_unlicensed_does_not_fire():
    on_time = data(declarations=[("LIC-001", date(2025, m, 1)) for m in range(1, 8)],
                   licences=[licence(valid_from=date(2025, 1, 1))], as_of=date(2025, 8, 10))
    expired = data(licences=[licence(valid_from=date(2024, 1, 1), valid_to=date(2024, 6, 30))],
                   as_of=date(2025, 8, 10))

    assert run("missing_declaration", on_time, params={"lookback_months": 8}) == []
    assert run("missing_declaration", expired) == []


def test_the_month_a_licence_begins_is_due_only_when_customs_shows_trading():
    # Licensed from 8 January: January is the licensee's set-up month, February its first
    # full period (declared); March is missing.
    detection = data(
        declarations=[("LIC-001", date(2025, 2, 1))],
        licences=[licence(valid_from=date(2025, 1, 8))],
        as_of=date(2025, 4, 20),
    )
    findings = run("missing_declaration", detection, params={"lookback_months": 4})
    assert [f.window_start for f in findings] == [date(2025, 3, 1)]

    trading = data(
        declarations=[("LIC-001", date(2025, 2, 1)), ("LIC-001", date(2025, 3, 1))],
        customs=[customs_item(date=date(2025, 1, 20), net_mass_kg=900.0)],
        licences=[licence(valid_from=date(2025, 1, 8))],
        as_of=date(2025, 4, 20),
    )
    [january] = run("missing_declaration", trading, params={"lookback_months": 4})
    assert january.window_start == date(2025, 1, 1)
    assert january.measures["situation"] == "trading"
