"""surge: acquisitions far above the operator's own history, and the look-alikes it must spare."""

from datetime import date

import numpy as np

from tests.detection.builders import data, licence, run
from tests.detection.series import market, noisy, purchases

AS_OF = date(2026, 11, 5)


def _group(target: np.ndarray, *, peers: int = 6, **kwargs) -> dict:
    """Return a sector group: the target LIC-001 and peers buying ~1,000 kg a month."""
    members = {"LIC-001": target}
    for i in range(peers):
        members[f"LIC-1{i:02d}"] = noisy(1000, 24, seed=100 + i)
    return market(members, **kwargs)


def test_a_two_month_surge_fires_with_its_statistics_and_evidence():
    target = noisy(1000, 24, seed=1)
    target[18:20] = 4000.0
    group = _group(target)

    [finding] = run("surge", data(**group, as_of=AS_OF))

    assert finding.licence_no == "LIC-001"
    assert finding.window_start >= date(2026, 4, 1)
    assert finding.window_end <= date(2026, 6, 30)
    assert finding.observed >= 4000.0
    assert finding.measures["p_value"] < 1e-4
    assert finding.measures["z"] > 5
    assert finding.measures["q_value"] <= 0.05
    for key in ("statistic", "expected", "spread", "group"):
        assert key in finding.measures
    lines = {r["line_id"]: r for r in _numbered(group["lines"])}
    assert all(lines[i]["quantity_kg"] == 4000.0 for i in finding.evidence["declaration_line"])
    assert "history" in finding.trace[1]
    assert "Benjamini–Hochberg" in " ".join(finding.trace)
    assert "expected from its own" in finding.summary


def test_seasonal_demand_repeating_a_year_earlier_does_not_fire():
    season = np.tile([1, 1, 1, 1, 1, 1, 1, 3, 3.5, 3, 1, 1], 2)  # peak Jun–Aug, both years
    target = noisy(1000, 24, seed=2) * season

    assert run("surge", data(**_group(target), as_of=AS_OF)) == []


def test_a_sector_season_does_not_fire_for_its_members():
    season = np.tile([1, 1, 1, 1, 1, 1, 1, 2.5, 3, 2.5, 1, 1], 2)
    members = {f"LIC-{i:03d}": noisy(1000, 24, seed=i) * season for i in range(1, 9)}

    assert run("surge", data(**market(members), as_of=AS_OF)) == []


def test_steady_growth_does_not_fire():
    target = noisy(500, 24, seed=3, sigma=0.1) * 1.035 ** np.arange(24)

    assert run("surge", data(**_group(target), as_of=AS_OF)) == []


def test_a_one_off_order_within_a_raised_quota_does_not_fire_and_would_without_the_raise():
    target = noisy(1000, 24, seed=4)
    target[8] = 10000.0  # July 2025
    group = _group(target, quota=16000.0)
    raised = licence(licence_id=1, licence_no="LIC-001", operator_name="Firm LIC-001",
                     substance_code="acetone", activities="end_user", annual_quota_kg=25000.0,
                     valid_from=date(2019, 1, 1), effective_from=date(2025, 6, 10), version=2)

    assert run("surge", data(**{**group, "licences": [*group["licences"], raised]},
                             as_of=AS_OF)) == []
    [finding] = run("surge", data(**group, as_of=AS_OF))
    assert finding.window_start.year == 2025


def test_an_operator_with_a_short_history_is_left_to_new_operator_and_peer():
    group = _group(np.array([]))
    group["lines"] += purchases("LIC-001", [1000, 1000, 1000, 9000], start=20)

    assert run("surge", data(**group, as_of=AS_OF)) == []


def test_noise_across_many_operators_stays_within_the_false_alarm_target():
    # 119 operators × 2 years of skewed noise (log-normal, 35 %): the target is at most
    # 2 false alerts per 100 operators per year, i.e. 4 here.
    members = {f"LIC-{i:03d}": noisy(800, 24, seed=i, sigma=0.35) for i in range(1, 120)}

    assert len(run("surge", data(**market(members), as_of=AS_OF))) <= 4


def _numbered(rows):
    return [{**r, "line_id": r.get("line_id") or n} for n, r in enumerate(rows, start=1)]
