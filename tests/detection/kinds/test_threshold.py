"""threshold: single movements above a quantity per substance."""

from datetime import date

from tests.detection.builders import data, line, run


def test_a_movement_above_the_substance_threshold_fires():
    detection = data(lines=[line(movement="import", quantity_kg=6000.0),
                            line(movement="purchase", quantity_kg=400.0)])

    [finding] = run("threshold", detection, params={"thresholds": {"108-24-7": 5000}})

    assert finding.licence_no == "LIC-001"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 3, 10), date(2025, 3, 10))
    assert (finding.observed, finding.expected) == (6000.0, 5000.0)
    assert finding.evidence == {"declaration_line": (1,)}
    assert finding.summary == (
        "ACME S.A. declared an import of 6,000 kg of acetic anhydride on 2025-03-10, above the "
        "threshold of 5,000 kg"
    )


def test_below_threshold_or_unlisted_substance_does_not_fire():
    detection = data(lines=[line(quantity_kg=4000.0),
                            line(substance_code="toluene", quantity_kg=90000.0)])

    assert run("threshold", detection, params={"thresholds": {"108-24-7": 5000}}) == []


def test_default_threshold_covers_unlisted_substances():
    detection = data(lines=[line(substance_code="toluene", quantity_kg=90000.0)])

    [finding] = run("threshold", detection, params={"default_kg": 50000})

    assert finding.expected == 50000.0


def _outlier_case():
    """ACME imports 6 t three times; Beta buys 300 kg a month, then 20 t at once."""
    beta = {"licence_no": "LIC-002"}
    rows = [line(movement="import", quantity_kg=6000.0, date=date(2025, m, 5)) for m in (2, 3, 4)]
    rows += [line(movement="purchase", quantity_kg=5000.0, date=date(2025, 2, 7))]
    rows += [line(**beta, quantity_kg=300.0, date=date(2025, m, 9)) for m in (1, 2, 3, 4)]
    rows += [line(**beta, quantity_kg=20000.0, date=date(2025, 5, 9))]
    return data(lines=rows)


def test_outlier_multiple_keeps_only_movements_that_dwarf_the_market_and_the_operator():
    params = {"thresholds": {"108-24-7": 1000}, "outlier_multiple": 2}

    [finding] = run("threshold", _outlier_case(), params=params)

    # Beta's 20 t is 4 × ACME's largest purchase (5 t) and 67 × its own usual 300 kg;
    # ACME's regular 6 t imports are its own normal trade, and nobody else imports.
    assert (finding.licence_no, finding.observed) == ("LIC-002", 20000.0)
    assert finding.measures["outlier_multiple"] == 2.0


def test_without_outlier_multiple_the_threshold_alone_decides():
    findings = run("threshold", _outlier_case(), params={"thresholds": {"108-24-7": 1000}})

    assert sorted(f.observed for f in findings) == [5000.0, 6000.0, 6000.0, 6000.0, 20000.0]


def test_an_outlier_below_the_fixed_threshold_does_not_fire():
    params = {"thresholds": {"108-24-7": 50000}, "outlier_multiple": 2}

    assert run("threshold", _outlier_case(), params=params) == []


def test_a_movement_twice_the_operators_own_largest_but_not_the_markets_does_not_fire():
    rows = [line(quantity_kg=300.0), line(quantity_kg=2000.0, date=date(2025, 4, 2)),
            line(licence_no="LIC-002", quantity_kg=1500.0)]
    params = {"thresholds": {"108-24-7": 1000}, "outlier_multiple": 2}

    assert run("threshold", data(lines=rows), params=params) == []



def test_a_one_off_order_of_about_a_years_purchases_is_not_an_outlier():
    # Beta buys 1,000 kg a month, then 20 t at once: more than twice its largest purchase
    # but less than twice the 12 t it bought over the year before.
    beta = {"licence_no": "LIC-002"}
    rows = [line(**beta, quantity_kg=1000.0, date=date(2024, m, 9)) for m in range(1, 13)]
    rows += [line(**beta, quantity_kg=20000.0, date=date(2025, 1, 9))]
    rows += [line(quantity_kg=900.0)]
    params = {"thresholds": {"108-24-7": 1000}, "outlier_multiple": 2}

    assert run("threshold", data(lines=rows), params=params) == []
    rows[-2] = line(**beta, quantity_kg=25000.0, date=date(2025, 1, 9))
    [finding] = run("threshold", data(lines=rows), params=params)
    assert finding.observed == 25000.0
