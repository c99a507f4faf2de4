"""mass_balance: balance within a month, continuity between months, losses beyond normal."""

from datetime import date

from tests.detection.builders import data, line, run


def month(m: int, opening: float, bought: float, sold: float, closing: float, loss=0.0,
          licence_no="LIC-001") -> list[dict]:
    """Return one month of declared lines for ACME's acetic anhydride."""
    rows = [
        line(movement="opening_stock", quantity_kg=opening, date=date(2025, m, 1)),
        line(movement="purchase", quantity_kg=bought, date=date(2025, m, 5)),
        line(movement="sale", quantity_kg=sold, date=date(2025, m, 20)),
        line(movement="closing_stock", quantity_kg=closing, date=date(2025, m, 28)),
    ]
    if loss:
        rows.append(line(movement="loss", quantity_kg=loss, date=date(2025, m, 25)))
    return [{**r, "licence_no": licence_no} for r in rows]


def test_closing_stock_short_of_the_movements_fires():
    detection = data(lines=month(3, opening=500.0, bought=1000.0, sold=800.0, closing=300.0))

    [finding] = run("mass_balance", detection)

    assert finding.licence_no == "LIC-001"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert (finding.observed, finding.expected) == (300.0, 700.0)
    assert finding.evidence == {"declaration_line": (1, 2, 3, 4)}
    assert finding.summary == (
        "ACME S.A.'s stock of acetic anhydride does not balance in March 2025: closing stock "
        "declared 300 kg, movements account for 700 kg"
    )
    assert finding.measures["difference_kg"] == -400.0


def test_balanced_stocks_do_not_fire():
    lines = month(3, 500.0, 1000.0, 800.0, 700.0) + month(4, 700.0, 0.0, 200.0, 495.0)

    assert run("mass_balance", data(lines=lines)) == []
    assert run("mass_balance", data(lines=lines), params={"check": "continuity"}) == []


def test_closing_of_one_month_not_carried_to_the_next_fires():
    lines = month(3, 500.0, 1000.0, 800.0, 700.0) + month(4, 200.0, 0.0, 100.0, 100.0)

    [finding] = run("mass_balance", data(lines=lines), params={"check": "continuity"})

    assert (finding.window_start, finding.window_end) == (date(2025, 3, 1), date(2025, 4, 30))
    assert (finding.observed, finding.expected) == (200.0, 700.0)
    assert finding.evidence == {"declaration_line": (4, 5)}
    assert finding.summary == (
        "ACME S.A. declared an opening stock of 200 kg of acetic anhydride after closing the "
        "previous month with 700 kg (March 2025 to April 2025)"
    )


def test_losses_beyond_the_operators_own_normal_rate_fire():
    lines = []
    for m in range(1, 8):
        lines += month(m, 0.0, 1000.0, 990.0, 0.0, loss=10.0)
    lines += month(8, 0.0, 1000.0, 850.0, 0.0, loss=150.0)

    [finding] = run("mass_balance", data(lines=lines), params={"check": "losses"})

    assert (finding.window_start, finding.window_end) == (date(2025, 8, 1), date(2025, 8, 31))
    assert (finding.observed, finding.expected) == (150.0, 10.0)
    assert finding.evidence == {"declaration_line": (40,)}
    assert finding.summary == (
        "ACME S.A. declared losses of 150 kg of acetic anhydride in August 2025; its normal "
        "loss rate of 1.0% would give 10 kg"
    )


def test_usual_losses_do_not_fire():
    lines = []
    for m in range(1, 9):
        lines += month(m, 0.0, 1000.0, 985.0, 0.0, loss=15.0)

    assert run("mass_balance", data(lines=lines), params={"check": "losses"}) == []


def test_the_three_checks_in_one_run_find_what_each_finds_alone():
    """They share one monthly table in a run; sharing it changes nothing they find."""
    import dataclasses

    from app.detection.rules import evaluate
    from tests.detection.builders import ruleset

    lines = (month(3, 500.0, 1000.0, 800.0, 300.0, loss=90.0)
             + month(4, 200.0, 0.0, 100.0, 100.0))
    detection = data(lines=lines)
    checks = ("balance", "continuity", "losses")
    alone = {check: run("mass_balance", detection, params={"check": check}) for check in checks}
    rules = tuple(dataclasses.replace(ruleset("mass_balance", rule_id=f"stock-{check}",
                                              params={"check": check}).rules[0])
                  for check in checks)
    together = evaluate(dataclasses.replace(ruleset("mass_balance"), rules=rules), detection)

    assert not together.errors
    for check in checks:
        found = [f for f in together.findings if f.rule_id == f"stock-{check}"]
        assert [(f.key[1:], f.observed, f.evidence) for f in found] == [
            (f.key[1:], f.observed, f.evidence) for f in alone[check]]
    assert all(alone[check] for check in checks)
