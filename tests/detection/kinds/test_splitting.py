"""splitting: a burst of orders from several counterparties against the party's usual rate."""

from datetime import date, timedelta

import numpy as np

from tests.detection.builders import data, line, run
from tests.detection.series import market, month, noisy

AS_OF = date(2026, 11, 5)


def _history(buyer: str = "LIC-001") -> list[dict]:
    """Return a buyer's usual purchases: one of about 800 kg a month from one seller."""
    return [{**row, "counterparty_licence": "LIC-901"}
            for row in market({buyer: noisy(800, 24, seed=1)})["lines"]]


def _burst(buyer: str = "LIC-001", sellers=("LIC-901", "LIC-902", "LIC-903"), n: int = 12,
           field: str = "licence_no", movement: str = "purchase") -> list[dict]:
    """Return n orders of 950–999 kg within two and a half weeks of August 2026."""
    start = date(2026, 8, 3)
    rows = []
    for i in range(n):
        when = start + timedelta(days=int(i * 1.5))
        side = {field: buyer} if field == "licence_no" else {
            "licence_no": sellers[i % len(sellers)], field: buyer}
        other = ({"counterparty_licence": sellers[i % len(sellers)]}
                 if field == "licence_no" else {})
        rows.append(line(**side, **other, movement=movement, substance_code="acetone",
                         date=when, quantity_kg=950.0 + 4 * i))
    return rows


def test_many_orders_just_under_a_round_figure_from_several_sellers_fire():
    [finding] = run("splitting", data(**{**market({"LIC-001": noisy(800, 24, seed=1)}),
                                         "lines": _history() + _burst()}, as_of=AS_OF),
                    severity="medium")

    assert finding.licence_no == "LIC-001"
    assert finding.measures["orders"] >= 12  # the burst, and a usual order in the window
    assert finding.measures["counterparties"] >= 3
    assert finding.measures["just_under_kg"] == 1000.0
    assert finding.measures["p_value"] < 1e-6
    assert finding.severity == "high"  # raised: the orders stay under a round figure
    assert finding.evidence_count == finding.measures["orders"]
    assert "12 of the" in finding.trace[-1] and "just under 1,000 kg" in finding.trace[-1]


def test_a_busy_but_steady_buyer_does_not_fire():
    steady = []
    for m in range(24):
        for k in range(12):
            steady.append(line(licence_no="LIC-001", counterparty_licence=f"LIC-90{k % 3}",
                               substance_code="acetone", date=month(m, 1 + 2 * k),
                               quantity_kg=980.0))
    assert run("splitting", data(lines=steady, as_of=AS_OF)) == []


def test_a_burst_from_a_single_seller_does_not_fire():
    lines = _history() + _burst(sellers=("LIC-901",))
    assert run("splitting", data(lines=lines, as_of=AS_OF)) == []


def test_a_buyer_that_declares_nothing_is_found_through_its_sellers():
    history = [line(licence_no="LIC-901", movement="sale", counterparty_name="Comercial Uno",
                    substance_code="acetone", date=month(m), quantity_kg=700.0)
               for m in range(20)]
    burst = _burst(buyer="Comercial  UNO", field="counterparty_name", movement="sale")

    [finding] = run("splitting", data(lines=history + burst, as_of=AS_OF),
                    params={"movements": ["sale"], "party": "counterparty"})

    assert finding.licence_no is None
    assert finding.party == "name:comercial uno"
    assert finding.measures["counterparties"] == 3
    assert "bought 12 orders" in finding.summary


def test_small_orders_just_under_a_round_figure_hidden_in_a_large_buyers_flow_fire():
    # A buyer of 20 t truckloads, six a month: twelve extra 950–999 kg orders barely move
    # its monthly total or its count of orders, but it never orders just under 1,000 kg.
    trucks = [line(licence_no="LIC-001", counterparty_licence="LIC-900",
                   substance_code="acetone", date=month(m, 2 + 4 * k), quantity_kg=20000.0)
              for m in range(24) for k in range(6)]

    [finding] = run("splitting", data(lines=trucks + _burst(), as_of=AS_OF))

    assert finding.measures["orders"] == 12
    assert "just under a round figure" in finding.trace[1]
    assert finding.severity == "critical"  # raised one step from the test's "high"


def test_a_buyer_whose_usual_package_sits_just_under_a_round_figure_does_not_fire():
    usual = [line(licence_no="LIC-001", counterparty_licence=f"LIC-90{k % 3}",
                  substance_code="acetone", date=month(m, 3 + 5 * k), quantity_kg=985.0)
             for m in range(24) for k in range(5)]

    assert run("splitting", data(lines=usual, as_of=AS_OF)) == []


def _distributor_sales(rng_seed: int = 3, drum: float | None = None) -> list[dict]:
    """Return two years of a distributor's sales: about 25 a month of varied sizes."""
    rng = np.random.default_rng(rng_seed)
    rows = []
    for m in range(24):
        for k in range(25):
            size = drum if drum is not None else float(np.round(rng.lognormal(6.0, 0.9), 1))
            rows.append(line(licence_no="LIC-500", movement="sale", substance_code="acetone",
                             counterparty_licence=f"LIC-{600 + k % 40}", date=month(m, 1 + k),
                             quantity_kg=size))
    return rows


def _structured_sales() -> list[dict]:
    """Return eight sales of 190–199 kg to three buyers within two weeks of August 2026."""
    start = date(2026, 8, 3)
    return [line(licence_no="LIC-500", movement="sale", substance_code="acetone",
                 counterparty_licence=("LIC-700", "LIC-701", "LIC-702")[i % 3],
                 date=start + timedelta(days=i * 2 % 14), quantity_kg=190.0 + i)
            for i in range(8)]


SELLER = {"movements": ["sale"], "party": "declarant"}


def test_a_seller_spreading_sales_just_under_a_round_figure_over_buyers_fires():
    [finding] = run("splitting", data(lines=_distributor_sales() + _structured_sales(),
                                      as_of=AS_OF), params=SELLER, severity="medium")

    # Found as a burst of orders just under a round figure, or as orders bunched there.
    assert finding.licence_no == "LIC-500"
    assert finding.measures["orders_just_under"] >= 8
    assert finding.measures["p_value"] < 0.01
    assert finding.severity == "high"
    assert "sold" in finding.summary
    assert "200 kg" in " ".join(finding.trace)


def test_orders_bunched_under_a_round_figure_are_found_even_when_their_count_is_usual():
    # The distributor usually sells two 980 kg lots a month among 25 sales: eight 190-199 kg
    # sales add little to its count or its kilograms just under a round figure, but bunch.
    sizes = (310.0, 420.0, 610.0, 730.0, 880.0)
    usual = [line(licence_no="LIC-500", movement="sale", substance_code="acetone",
                  counterparty_licence=f"LIC-{600 + k % 40}", date=month(m, 1 + k),
                  quantity_kg=980.0 if k in (5, 17) else sizes[k % 5])
             for m in range(24) for k in range(25)]

    [finding] = run("splitting", data(lines=usual + _structured_sales(), as_of=AS_OF),
                    params=SELLER, severity="medium")

    assert finding.measures["situation"] == "bunched"
    assert finding.measures["orders_just_under"] >= 8
    assert "just under 200 kg" in finding.summary
    assert "own_habit" in [e["code"] for e in finding.measures["excluded"]]


def test_a_seller_whose_drums_always_weigh_just_under_a_round_figure_does_not_fire():
    lines = _distributor_sales(drum=190.0) + _structured_sales()

    assert run("splitting", data(lines=lines, as_of=AS_OF), params=SELLER) == []


def test_sales_just_under_a_round_figure_to_one_buyer_do_not_fire():
    one_buyer = [{**row, "counterparty_licence": "LIC-700"} for row in _structured_sales()]

    assert run("splitting", data(lines=_distributor_sales() + one_buyer, as_of=AS_OF),
               params=SELLER) == []
