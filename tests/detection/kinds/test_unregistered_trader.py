"""unregistered_trader: controlled goods through customs by a trader the registry does not know."""

from datetime import date

from tests.detection.builders import customs_item, data, run


def test_controlled_goods_imported_by_an_unregistered_tax_id():
    detection = data(customs=[
        customs_item(trader_tax_id="20.999.888-7", trader_name="Front Co. S.A.C.",
                     net_mass_kg=2500.0),
        customs_item(trader_tax_id="209998887", trader_name="Front Co. S.A.C.",
                     net_mass_kg=1500.0, date=date(2025, 7, 1)),
        customs_item(trader_tax_id="20-100000001", net_mass_kg=800.0),
        customs_item(trader_tax_id="20999", substance_code=None, hs_code="3208.10.00",
                     goods_description="PINTURA"),
    ])

    [finding] = run("unregistered_trader", detection)

    assert finding.licence_no is None
    assert finding.tax_id == "209998887"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (finding.observed, finding.expected) == (4000.0, None)
    assert finding.evidence == {"customs_item": (1, 2)}
    assert finding.summary == (
        "Front Co. S.A.C. (tax id 209998887), which is not in the registry, imported "
        "4,000 kg of acetic anhydride in 2025"
    )


def test_registered_traders_are_not_unregistered():
    detection = data(customs=[customs_item(trader_tax_id="20100000001")])

    assert run("unregistered_trader", detection) == []
