"""mislabelling: a customs description naming a controlled chemical under another code."""

from datetime import date

from tests.detection.builders import customs_item, data, operator, run


def test_description_naming_a_controlled_chemical_under_another_code():
    detection = data(
        customs=[
            customs_item(substance_code=None, hs_code="3824.99.99", net_mass_kg=5000.0,
                         goods_description="Disolvente industrial – ANHÍDRIDO ACÉTICO"),
            customs_item(substance_code=None, hs_code="3824.99.99", net_mass_kg=100.0,
                         trader_tax_id="20-555", trader_name="Other S.A.",
                         goods_description="Permanganato de Potássio grau técnico"),
        ],
        operators=[operator()],
    )

    findings = run("mislabelling", detection)

    assert [(f.licence_no, f.tax_id, f.substance_code) for f in findings] == [
        (None, "20555", "potassium-permanganate"),
        ("LIC-001", "20-100000001", "acetic-anhydride"),
    ]
    first = findings[1]
    assert (first.window_start, first.window_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert (first.observed, first.expected) == (5000.0, None)
    assert first.evidence == {"customs_item": (1,)}
    assert first.summary == (
        "Customs goods described as 'Disolvente industrial – ANHÍDRIDO ACÉTICO' (5,000 kg) were "
        "declared by ACME S.A. in March 2025 under tariff code 3824.99.99, which is not a code "
        "of acetic anhydride"
    )


def test_controlled_code_with_matching_description_and_plain_goods_do_not_fire():
    detection = data(customs=[
        customs_item(goods_description="Anhídrido acético 99%"),
        customs_item(substance_code=None, hs_code="2915.21.00",
                     goods_description="ÁCIDO ACÉTICO GLACIAL"),
        customs_item(substance_code=None, hs_code="3208.10.00", goods_description="PINTURA"),
    ])

    assert run("mislabelling", detection) == []


def test_mislabelling_scope_limits_the_substances_looked_for():
    detection = data(customs=[customs_item(substance_code=None, hs_code="3824.99.99",
                                           goods_description="tolueno")])

    assert run("mislabelling", detection, scope={"tables": ["I"]}) == []
    assert len(run("mislabelling", detection, scope={"substances": ["108-88-3"]})) == 1
