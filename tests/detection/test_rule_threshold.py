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
