"""peer and new_operator: an operator against peers of the same sector and activities."""

from datetime import date

import numpy as np

from tests.detection.builders import data, run
from tests.detection.series import market, noisy, purchases, registered

AS_OF = date(2026, 11, 5)


def _sector(extra: dict, peers: int = 8, sector: str = "2022") -> dict:
    """Return paint shops buying 100–300 kg a month, plus the given members."""
    rng = np.random.default_rng(5)
    members = {f"LIC-2{i:02d}": noisy(float(rng.uniform(100, 300)), 24, seed=200 + i)
               for i in range(peers)}
    return market({**members, **extra}, sector=sector)


def test_steady_over_buying_normal_for_itself_fires_against_its_peers():
    group = _sector({"LIC-001": noisy(6000, 24, seed=1)})

    findings = run("peer", data(**group, as_of=AS_OF))

    assert {(f.licence_no, f.window_start.year) for f in findings} == {
        ("LIC-001", 2025), ("LIC-001", 2026)}
    finding = findings[0]
    assert finding.measures["group"] == "2022 · end_user · acetone"
    assert finding.measures["group_size"] == 9
    assert finding.measures["p_value"] < 0.001
    assert finding.observed > 10 * finding.expected
    assert "LIC-200" in finding.trace[2]  # the peers, by licence number, with their kg
    assert "sector peers" in finding.summary
    # The same operator is unremarkable against its own history.
    assert run("surge", data(**group, as_of=AS_OF)) == []


def test_an_operator_buying_like_its_peers_does_not_fire():
    assert run("peer", data(**_sector({"LIC-001": noisy(250, 24, seed=1)}), as_of=AS_OF)) == []


def test_a_small_sector_falls_back_to_the_activity_group():
    group = _sector({}, peers=7, sector="1811")
    other = market({"LIC-001": noisy(6000, 24, seed=1), "LIC-002": noisy(200, 24, seed=2)},
                   sector="2023")
    detection = data(**{k: group[k] + other[k] for k in group}, as_of=AS_OF)

    findings = run("peer", detection)

    assert {f.licence_no for f in findings} == {"LIC-001"}
    assert findings[0].measures["group"] == "end_user · acetone"
    assert "activity peers" in findings[0].summary


def _newcomer(amounts: list[float]) -> dict:
    group = _sector({})
    row, states = registered("LIC-001", sector="2022", valid_from=date(2026, 2, 10))
    group["operators"].append(row)
    group["licences"].extend(states)
    group["lines"] += purchases("LIC-001", amounts, start=16)
    return group


def test_a_new_operator_buying_far_more_than_established_peers_fires():
    [finding] = run("new_operator", data(**_newcomer([2000, 3000, 4000, 5000, 6000]),
                                         as_of=AS_OF))

    assert finding.licence_no == "LIC-001"
    assert (finding.window_start, finding.window_end) == (date(2026, 2, 1), date(2027, 1, 31))
    assert finding.measures["p_value"] < 0.01
    assert finding.measures["group_size"] == 8
    assert finding.measures["growth"] == 3.0
    assert "licensed since 2026-02-10" in finding.summary


def test_a_new_operator_ramping_up_to_an_ordinary_size_does_not_fire():
    assert run("new_operator", data(**_newcomer([100, 150, 200, 250, 250]), as_of=AS_OF)) == []


def _takeover(newcomer_month: float, *, licence_ends: date) -> dict:
    """A large paint shop whose business passes to LIC-001 in February 2026."""
    group = _newcomer([newcomer_month] * 5)
    row, states = registered("LIC-300", sector="2022", valid_to=licence_ends)
    group["operators"].append(row)
    group["licences"].extend(states)
    group["lines"] += purchases("LIC-300", noisy(4000, 16, seed=9))
    return group


def test_a_new_licensee_that_took_over_a_business_at_its_size_is_not_new_trade():
    # The predecessor's licence ends five days before the newcomer's starts, and its
    # purchases stop when the newcomer's begin: it continues that business.
    takeover = _takeover(4200, licence_ends=date(2026, 2, 5))
    assert run("new_operator", data(**takeover, as_of=AS_OF)) == []
    # Without the takeover in the registry (the big firm's licence runs on) it is tested
    # against its peers as any newcomer, and 4,200 kg a month is far above them.
    ongoing = _takeover(4200, licence_ends=date(2030, 12, 31))
    assert [f.licence_no for f in run("new_operator", data(**ongoing, as_of=AS_OF))] == [
        "LIC-001"]


def test_a_new_licensee_far_above_the_business_it_took_over_is_still_tested():
    takeover = _takeover(20000, licence_ends=date(2026, 2, 5))
    [finding] = run("new_operator", data(**takeover, as_of=AS_OF))
    assert finding.licence_no == "LIC-001"
    assert finding.observed == 20000
