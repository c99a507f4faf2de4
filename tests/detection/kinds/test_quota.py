"""quota: acquisitions beyond the annual quota, and pace warnings before the year ends."""

from datetime import date

from tests.detection.builders import data, licence, line, run


def test_acquisitions_beyond_the_quota_fire_with_the_whole_year_as_window():
    detection = data(lines=[
        line(quantity_kg=5000.0, date=date(2025, 2, 3)),
        line(quantity_kg=7400.0, movement="import", date=date(2025, 5, 6)),
        line(quantity_kg=900.0, movement="sale", date=date(2025, 5, 7)),
    ])

    [finding] = run("quota", detection)

    assert finding.rule_id == "quota"
    assert finding.kind == "quota"
    assert finding.severity == "high"
    assert finding.licence_no == "LIC-001"
    assert finding.tax_id == "20-100000001"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (finding.observed, finding.expected) == (12400.0, 8000.0)
    assert finding.evidence == {"declaration_line": (1, 2)}
    assert finding.summary == (
        "ACME S.A. acquired 12,400 kg of acetic anhydride in 2025, quota 8,000 kg (155%)"
    )
    assert finding.measures["import_kg"] == 7400.0
    assert "holds a quota of 8,000 kg" in finding.trace[0]


def test_within_quota_does_not_fire():
    detection = data(lines=[line(quantity_kg=3000.0), line(quantity_kg=4000.0)],
                     as_of=date(2026, 2, 1))

    assert run("quota", detection) == []


def test_a_raised_quota_in_a_new_licence_version_counts():
    raised = licence(annual_quota_kg=15000.0, effective_from=date(2025, 4, 1), version=2)
    detection = data(lines=[line(quantity_kg=12400.0)], licences=[licence(), raised],
                     as_of=date(2026, 2, 1))

    assert run("quota", detection) == []


def test_no_quota_means_no_finding():
    detection = data(lines=[line(quantity_kg=99000.0)],
                     licences=[licence(annual_quota_kg=None)])

    assert run("quota", detection) == []


def test_share_lets_acquisitions_pass_the_quota_by_a_margin():
    detection = data(lines=[line(quantity_kg=8500.0)], as_of=date(2026, 2, 1))

    assert run("quota", detection, params={"share": 1.1}) == []
    assert len(run("quota", detection, params={"share": 1.0})) == 1


def test_pace_warning_before_the_year_ends():
    lines = [line(quantity_kg=1800.0, date=date(2025, m, 5)) for m in range(1, 5)]
    detection = data(lines=lines, as_of=date(2025, 5, 20))

    [finding] = run("quota", detection)

    assert finding.measures["situation"] == "pace"
    assert finding.severity == "medium"
    assert (finding.observed, finding.expected) == (7200.0, 8000.0)
    assert finding.measures["projected_kg"] == 21600.0
    assert finding.evidence == {"declaration_line": (1, 2, 3, 4)}
    assert finding.summary == (
        "ACME S.A. acquired 7,200 kg of acetic anhydride in 2025 up to April "
        "(90% of its 8,000 kg quota) and is on pace for 21,600 kg"
    )


def test_no_pace_warning_too_early_at_a_slow_pace_or_when_switched_off():
    early = data(lines=[line(quantity_kg=7000.0, date=date(2025, 1, 5))],
                 as_of=date(2025, 2, 20))
    slow = data(lines=[line(quantity_kg=6500.0, date=date(2025, 10, 5))],
                as_of=date(2025, 11, 20))
    fast = data(lines=[line(quantity_kg=1800.0, date=date(2025, m, 5)) for m in range(1, 5)],
                as_of=date(2025, 5, 20))

    assert run("quota", early) == []
    assert run("quota", slow) == []
    assert run("quota", fast, params={"pace_warning_share": None}) == []


def _formulator(**quota_rule):
    """A formulator buys 6,000 kg, consumes 5,000 kg of it into a mixture it declares as made."""
    detection = data(lines=[
        line(quantity_kg=6000.0, date=date(2025, 2, 3)),
        line(quantity_kg=5000.0, movement="consumption", date=date(2025, 3, 3)),
        line(quantity_kg=5000.0, movement="production", date=date(2025, 3, 3)),
    ], as_of=date(2026, 2, 1))
    return run("quota", detection, **quota_rule)


def test_production_made_from_consumed_stock_is_not_an_acquisition():
    assert _formulator() == []


def test_production_is_counted_whole_when_the_rule_says_so():
    [finding] = _formulator(params={"net_production": False})

    assert finding.observed == 11000.0


def test_production_beyond_consumption_still_counts_and_the_trace_says_what_was_netted():
    detection = data(lines=[
        line(quantity_kg=6000.0, date=date(2025, 2, 3)),
        line(quantity_kg=1000.0, movement="consumption", date=date(2025, 3, 3)),
        line(quantity_kg=4000.0, movement="production", date=date(2025, 3, 3)),
    ], as_of=date(2026, 2, 1))

    [finding] = run("quota", detection)

    assert finding.observed == 9000.0
    assert finding.measures["reformulated_kg"] == 1000.0
    assert "less 1,000 kg of production made from its own consumption" in finding.trace[1]
