"""peer: an operator against peers of the same sector and activities."""

from datetime import date

from tests.detection.builders import data, run
from tests.detection.series import market, noisy, peer_market

AS_OF = date(2026, 11, 5)


def test_steady_over_buying_normal_for_itself_fires_against_its_peers():
    group = peer_market({"LIC-001": noisy(6000, 24, seed=1)})

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
    assert run("peer", data(**peer_market({"LIC-001": noisy(250, 24, seed=1)}), as_of=AS_OF)) == []


def test_a_small_sector_falls_back_to_the_activity_group():
    group = peer_market({}, peers=7, sector="1811")
    other = market({"LIC-001": noisy(6000, 24, seed=1), "LIC-002": noisy(200, 24, seed=2)},
                   sector="2023")
    detection = data(**{k: group[k] + other[k] for k in group}, as_of=AS_OF)

    findings = run("peer", detection)

    assert {f.licence_no for f in findings} == {"LIC-001"}
    assert findings[0].measures["group"] == "end_user · acetone"
    assert "activity peers" in findings[0].summary
