"""customs_reconciliation: customs entries and exits against what the operators declared."""

from dataclasses import replace
from datetime import date

from app.catalogue.loader import load_catalogue
from tests.detection.builders import customs_item, data, line, run


def test_customs_imports_not_declared_fire_with_both_figures():
    detection = data(
        lines=[line(movement="import", quantity_kg=1000.0, date=date(2025, 3, 14))],
        customs=[customs_item(net_mass_kg=1000.0), customs_item(net_mass_kg=2000.0,
                                                                 item_no="2")],
    )

    [finding] = run("customs_reconciliation", detection)

    assert finding.licence_no == "LIC-001"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert (finding.observed, finding.expected) == (1000.0, 3000.0)
    assert finding.evidence == {"customs_item": (1, 2), "declaration_line": (1,)}
    assert finding.summary == (
        "ACME S.A. declared 1,000 kg of acetic anhydride imports in March 2025; customs "
        "recorded 3,000 kg, and 2,000 kg match nothing within 15 days"
    )
    assert finding.measures["difference_kg"] == -2000.0
    assert finding.measures["customs_unmatched_kg"] == 2000.0
    assert "timing_lag" in [e["code"] for e in finding.measures["excluded"]]


def test_reconciled_within_tolerance_does_not_fire():
    detection = data(
        lines=[line(movement="import", quantity_kg=980.0)],
        customs=[customs_item(net_mass_kg=1000.0)],
    )

    assert run("customs_reconciliation", detection) == []


def test_the_lag_absorbs_month_boundaries_and_concentration_converts_product_mass():
    # Entered into stock on 27 February, accepted by customs on 2 March (declared early).
    detection = data(
        lines=[line(movement="import", substance_code="hydrochloric-acid", quantity_kg=330.0,
                    date=date(2025, 2, 27))],
        customs=[customs_item(substance_code="hydrochloric-acid", hs_code="2806.10.00",
                              net_mass_kg=1000.0, date=date(2025, 3, 2))],
        declarations=[("LIC-001", date(2025, 2, 1)), ("LIC-001", date(2025, 3, 1))],
    )
    params = {"concentrations": {"7647-01-0": 33}}

    assert run("customs_reconciliation", detection, params=params) == []
    [finding] = run("customs_reconciliation", detection, params={"concentrations": {}})
    assert finding.window_start == date(2025, 3, 1)
    assert finding.measures["customs_unmatched_kg"] == 670.0  # 330 kg matched as product


def test_customs_compares_the_product_declared_whatever_its_concentration():
    # 1,000 kg of 33 % acid declared as such (330 kg pure) against 1,000 kg of product.
    declared = line(movement="import", substance_code="hydrochloric-acid", quantity_kg=330.0,
                    concentration_pct=33.0, date=date(2025, 3, 20))
    detection = data(lines=[declared], customs=[customs_item(
        substance_code="hydrochloric-acid", hs_code="2806.10.00", net_mass_kg=1000.0)])

    assert run("customs_reconciliation", detection, params={"concentrations": {}}) == []


def test_an_entry_into_stock_weeks_after_customs_does_not_match():
    detection = data(
        lines=[line(movement="import", quantity_kg=1000.0, date=date(2025, 4, 20),
                    period=date(2025, 4, 1)), line(movement="opening_stock", quantity_kg=5.0)],
        customs=[customs_item(net_mass_kg=1000.0, date=date(2025, 3, 12)),
                 customs_item(item_no="9", net_mass_kg=1.0, date=date(2025, 6, 1))],
    )

    found = run("customs_reconciliation", detection)

    assert [(f.window_start, f.measures["missing_in"]) for f in found] == [
        (date(2025, 3, 1), "declarations"), (date(2025, 4, 1), "customs")]


def test_customs_items_in_months_not_declared_or_within_the_lag_are_not_judged():
    undeclared = data(customs=[customs_item(net_mass_kg=1000.0)],
                      lines=[line(movement="opening_stock", date=date(2025, 1, 1))])
    recent = data(customs=[customs_item(net_mass_kg=1000.0, date=date(2025, 8, 25))],
                  lines=[line(movement="opening_stock", date=date(2025, 8, 1))])

    assert run("customs_reconciliation", undeclared) == []
    assert run("customs_reconciliation", recent) == []


def test_declared_exports_customs_never_saw():
    # Customs data reaches June (another trader's item), so March can be judged.
    detection = data(lines=[line(movement="export", quantity_kg=500.0,
                                 counterparty_country="CO")],
                     customs=[customs_item(trader_tax_id="20-999", date=date(2025, 6, 1))])

    [finding] = run("customs_reconciliation", detection, params={"flow": "export"})

    assert (finding.observed, finding.expected) == (500.0, 0.0)
    assert finding.measures["missing_in"] == "customs"
    assert finding.evidence == {"declaration_line": (1,)}


def test_customs_mass_of_a_salt_reconciles_with_the_declared_base():
    # 603.39 kg of pseudoephedrine hydrochloride is 494.3 kg of the base the importer declared.
    salt = customs_item(substance_code="pseudoephedrine", hs_code="2939.42.00",
                        net_mass_kg=603.39)
    base = line(movement="import", substance_code="pseudoephedrine", quantity_kg=494.3)
    real = load_catalogue()  # with the salts and their base fractions
    detection = replace(data(lines=[base], customs=[salt]), catalogue=real)
    assert run("customs_reconciliation", detection) == []

    short = line(movement="import", substance_code="pseudoephedrine", quantity_kg=300.0)
    detection = replace(data(lines=[short], customs=[salt]), catalogue=real)
    [finding] = run("customs_reconciliation", detection)
    assert "as pseudoephedrine" in finding.trace[0]
    # Still 300 kg short of even the salt reading closest to it (the sulfate's, 465 kg).
    assert 300.0 < finding.expected < 603.39
