"""national_pace: national imports plus production against the baseline, pro rata."""

from datetime import date

from tests.detection.builders import data, line, run


def imports(year: int, months: range, kg: float, substance="ephedrine") -> list[dict]:
    return [line(movement="import", substance_code=substance, quantity_kg=kg,
                 date=date(year, m, 10)) for m in months]


def test_acquisitions_ahead_of_the_pro_rata_baseline():
    lines = imports(2025, range(1, 7), 200.0) + [
        line(movement="purchase", substance_code="ephedrine", quantity_kg=999.0),
        line(movement="export", substance_code="ephedrine", quantity_kg=100.0,
             counterparty_country="CO"),
    ]
    detection = data(lines=lines, baselines=[
        {"substance_code": "ephedrine", "year": 2025, "quantity_kg": 1800.0,
         "source": "INCB annual legitimate requirement"}])

    [finding] = run("national_pace", detection)

    assert (finding.licence_no, finding.tax_id) == (None, None)
    assert finding.substance_code == "ephedrine"
    assert (finding.window_start, finding.window_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (finding.observed, finding.expected) == (1100.0, 900.0)
    assert finding.evidence == {"declaration_line": (1, 2, 3, 4, 5, 6)}
    assert finding.summary == (
        "National acquisitions of ephedrine reached 1,100 kg in 2025 up to June, against 900 kg "
        "pro rata of a baseline of 1,800 kg (122%; INCB annual legitimate requirement)"
    )


def test_within_the_baseline_does_not_fire():
    detection = data(lines=imports(2025, range(1, 7), 140.0), baselines=[
        {"substance_code": "ephedrine", "year": 2025, "quantity_kg": 1800.0, "source": None}])

    assert run("national_pace", detection) == []


def test_without_a_baseline_the_estimate_comes_from_earlier_years():
    lines = (imports(2023, range(1, 13), 100.0) + imports(2024, range(1, 13), 100.0)
             + imports(2025, range(1, 7), 150.0))

    [finding] = run("national_pace", data(lines=lines))

    assert (finding.observed, finding.expected) == (900.0, 660.0)
    assert finding.measures["baseline_source"] == "estimated from 2023–2024"
    assert finding.summary.endswith("(136%; estimated from 2023–2024)")


def test_no_baseline_and_no_history_means_no_finding():
    assert run("national_pace", data(lines=imports(2025, range(1, 7), 150.0))) == []
