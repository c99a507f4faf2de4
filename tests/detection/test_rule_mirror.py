"""mirror: both sides of a trade between licensed operators."""

from datetime import date

from tests.detection.builders import data, licence, line, operator, run

OPERATORS = [operator(), operator(licence_no="LIC-002", legal_name="Beta S.R.L.",
                                  tax_id="20-2")]
LICENCES = [licence(), licence(licence_id=2, licence_no="LIC-002", operator_name="Beta S.R.L.")]


def sale(kg: float) -> dict:
    return line(movement="sale", quantity_kg=kg, counterparty_licence="LIC-002")


def purchase(kg: float) -> dict:
    return line(licence_no="LIC-002", movement="purchase", quantity_kg=kg,
                counterparty_licence="LIC-001", date=date(2025, 3, 11))


def test_a_sale_the_buyer_never_declared_goes_to_the_seller():
    detection = data(lines=[sale(1200.0)], operators=OPERATORS, licences=LICENCES)

    [finding] = run("mirror", detection)

    assert finding.licence_no == "LIC-001"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert (finding.observed, finding.expected) == (1200.0, 0.0)
    assert finding.evidence == {"declaration_line": (1,)}
    assert finding.measures["missing_side"] == "the counterparty"
    assert finding.measures["missing_with"] == "LIC-002"
    assert finding.summary == (
        "ACME S.A. declared 1,200 kg of acetic anhydride sales to Beta S.R.L. (LIC-002) in "
        "March 2025; the other side declared 0 kg"
    )


def test_purchases_beyond_the_sellers_sales_go_to_the_buyer():
    detection = data(lines=[sale(500.0), purchase(1200.0)], operators=OPERATORS,
                     licences=LICENCES)

    [finding] = run("mirror", detection)

    assert finding.licence_no == "LIC-002"
    assert (finding.observed, finding.expected) == (1200.0, 500.0)
    assert finding.evidence == {"declaration_line": (1, 2)}
    assert finding.measures["missing_side"] == "none"
    assert "purchases from ACME S.A. (LIC-001)" in finding.summary


def test_mirrored_trades_do_not_fire():
    detection = data(lines=[sale(1200.0), purchase(1195.0)], operators=OPERATORS,
                     licences=LICENCES)

    assert run("mirror", detection) == []
