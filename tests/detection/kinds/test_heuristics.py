"""sar_max6 and sar_avg12: the usual heuristics, including where they go wrong."""

from datetime import date

import numpy as np

from tests.detection.builders import data, run
from tests.detection.series import market, noisy

AS_OF = date(2026, 11, 5)


def _one(amounts) -> dict:
    return market({"LIC-001": np.asarray(amounts, dtype=float)})


def test_max6_fires_on_a_month_above_the_previous_six():
    findings = run("sar_max6", data(**_one([100] * 10 + [150] + [100] * 13), as_of=AS_OF))

    assert [(f.window_start, f.observed, f.expected) for f in findings] == [
        (date(2025, 9, 1), 150.0, 100.0)]


def test_avg12_fires_at_twice_and_calls_three_times_extraordinary():
    amounts = [100] * 14 + [250] + [100] * 5 + [400] + [100] * 3
    findings = run("sar_avg12", data(**_one(amounts), as_of=AS_OF), severity="low")

    assert [(f.measures["situation"], f.severity) for f in findings] == [
        ("above_average", "low"), ("extraordinary", "medium")]


def test_the_heuristics_fire_on_ordinary_seasonal_demand():
    season = np.tile([1, 1, 1, 1, 1, 1, 1, 3, 3.5, 3, 1, 1], 2)
    members = {f"LIC-{i:03d}": noisy(100, 24, seed=i) * season for i in range(1, 7)}
    detection = data(**market(members), as_of=AS_OF)

    assert run("sar_max6", detection)
    assert run("sar_avg12", detection)
    assert run("surge", detection) == []
