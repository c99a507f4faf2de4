"""The score: severity base, size of the excess, recurrence, statistical strength, corroboration."""

from __future__ import annotations

import pytest

from app.alerts.scoring import excess_points, materiality_points, score_parts, strength_points
from tests.alerts.findings import QUOTA, SURGE, finding


@pytest.mark.parametrize(("observed", "expected", "points"), [
    (8000, 8000, 0.0), (16000, 8000, 10.0), (32000, 8000, 20.0), (320000, 8000, 20.0),
    (0, 8000, 10.0), (50, 0, 20.0), (None, 8000, 0.0), (0, 0, 0.0),
    (1000, None, 6.94), (100000, None, 20.0),
])
def test_excess_points_grow_with_the_excess(observed, expected, points):
    assert excess_points(observed, expected) == pytest.approx(points, abs=0.01)


@pytest.mark.parametrize(("measures", "points"), [
    ({}, 0.0), ({"p_value": 0.01}, 5.0), ({"p_value": 1e-9}, 10.0), ({"p_value": 0.5}, 0.75),
    ({"z": 4.0}, 5.0), ({"z": -7.0}, 10.0), ({"z": 1.0}, 0.0),
    ({"p_value": 0.01, "z": 6.0}, 10.0), ({"p_value": "n/a"}, 0.0), ({"z": float("nan")}, 0.0),
])
def test_strength_points_read_p_value_and_z(measures, points):
    assert strength_points(measures) == pytest.approx(points, abs=0.01)


def test_worked_example_of_the_docs():
    # High severity 50; 12,400 kg against 8,000 kg: d = 0.55, 20 × log2(1.55) / 2 = 6.3.
    parts = score_parts(QUOTA)
    assert parts.severity == 50
    assert parts.excess == pytest.approx(6.32, abs=0.01)
    assert parts.total == 56
    # Found again in 2024 (one other window) and corroborated by a statistical surge.
    assert score_parts(QUOTA, other_windows=1, corroborated=True).total == 70
    # The surge beside it: 35 + 20 + 7.5 (p = 0.001) + 10 = 72.5, and halves round up.
    assert score_parts(SURGE, corroborated=True).total == 73


def test_severity_orders_scores_and_the_total_is_capped():
    low = score_parts(finding(severity="low")).total
    critical = score_parts(finding(severity="critical", observed=80000.0), other_windows=5,
                           corroborated=True)
    assert low < score_parts(QUOTA).total < critical.total == 100
    assert score_parts(SURGE).strength == 7.5  # p = 0.001 beats z = 4.2 (5.5 points)


@pytest.mark.parametrize(("ratio", "points"), [
    (None, 0.0), (0.0, 0.0), (0.1, 0.41), (1.0, 3.01), (9.0, 10.0), (500.0, 10.0),
])
def test_materiality_points_grow_with_the_operator_months_at_stake(ratio, points):
    measures = {} if ratio is None else {"material_ratio": ratio}
    assert materiality_points(measures) == pytest.approx(points, abs=0.01)


def test_a_material_mismatch_outranks_a_small_one_of_the_same_rule():
    small = finding(measures={"material_ratio": 0.05})
    large = finding(measures={"material_ratio": 20.0})

    assert score_parts(large).materiality == 10.0
    assert score_parts(small).materiality == pytest.approx(0.21, abs=0.01)
    assert score_parts(large).total - score_parts(small).total in (9, 10)
