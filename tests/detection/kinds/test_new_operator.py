"""new_operator: a new licensee against established peers, and the business it took over."""

from datetime import date

from tests.detection.builders import data, run
from tests.detection.series import noisy, peer_market, purchases, registered

AS_OF = date(2026, 11, 5)


def _newcomer(amounts: list[float]) -> dict:
    group = peer_market({})
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
