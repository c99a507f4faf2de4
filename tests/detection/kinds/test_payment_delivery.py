"""payment_delivery: repeated cash payment or collection in person by one buyer."""

from datetime import date

from tests.detection.builders import data, line, run


def cash_sale(day: int, **overrides) -> dict:
    values = {"movement": "sale", "quantity_kg": 100.0, "date": date(2025, 3, day),
              "counterparty_name": "Ferretería El Sol", "payment_method": "cash"}
    values.update(overrides)
    return line(**values)


def test_three_cash_sales_within_thirty_days_fire_for_the_buyer():
    detection = data(lines=[
        cash_sale(2), cash_sale(9, licence_no="LIC-009"),
        cash_sale(20, payment_method="bank_transfer", delivery="collected",
                  counterparty_name="FERRETERIA  EL SOL"),
        cash_sale(21, counterparty_name="Another buyer"),
    ])

    [finding] = run("payment_delivery", detection)

    assert finding.licence_no is None
    assert finding.party == "name:ferreteria sol"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert (finding.observed, finding.expected) == (300.0, None)
    assert finding.evidence == {"declaration_line": (1, 2, 3)}
    assert finding.summary == (
        "Ferretería El Sol paid in cash or collected in person 3 times (300 kg of acetic "
        "anhydride) in March 2025, with several within 30 days"
    )
    assert finding.key[1] == "name:ferreteria sol"


def test_bank_transfers_and_spread_out_cash_do_not_fire():
    transfers = data(lines=[cash_sale(d, payment_method="bank_transfer") for d in (2, 9, 20)])
    spread = data(lines=[cash_sale(1), cash_sale(20), line(
        movement="sale", quantity_kg=100.0, date=date(2025, 5, 1),
        counterparty_name="Ferretería El Sol", payment_method="cash")])

    assert run("payment_delivery", transfers) == []
    assert run("payment_delivery", spread) == []
