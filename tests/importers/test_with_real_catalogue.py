"""The readers against the real substance catalogue (app.catalogue), not the fake one."""

from __future__ import annotations

import pytest

from importers import ReadContext, RowError, read_file

try:
    from app.catalogue import load_catalogue
except ImportError:  # said in the skip reason and in the test summary (-ra), never silent
    pytest.skip("app.catalogue does not export load_catalogue yet", allow_module_level=True)


@pytest.fixture(scope="module")
def real_catalogue():
    return load_catalogue()


@pytest.fixture
def real_context(real_catalogue):
    return ReadContext(catalogue=real_catalogue, home_country="PE")


def test_spanish_declaration_with_the_real_catalogue(make_csv, real_catalogue, real_context):
    rows = [
        ["Nº licencia", "Período", "Movimiento", "Fecha", "Sustancia", "Cantidad", "Unidad",
         "Concentración %"],
        ["LIC-1", "2025-03", "Compra", "05/03/2025", "Ácido clorhídrico", "200", "litros", "33"],
        ["LIC-1", "2025-03", "Venta", "06/03/2025", "Tolueno", "1.000", "kg", ""],
        ["LIC-1", "2025-03", "Venta", "06/03/2025", "Clorhidrato de efedrina", "250", "g", ""],
        ["LIC-1", "2025-03", "Venta", "06/03/2025", "sustancia inventada xyz", "1", "kg", ""],
    ]
    result = read_file("declarations", make_csv(rows, encoding="cp1252"), filename="d.csv",
                       context=real_context)
    hcl = real_catalogue.resolve("Ácido clorhídrico")
    toluene = real_catalogue.resolve("Tolueno")
    ephedrine_salt = real_catalogue.resolve("Clorhidrato de efedrina")
    records = result.records
    assert records["substance_code"].tolist() == [
        hcl.substance.code, toluene.substance.code, ephedrine_salt.substance.code
    ]
    assert records["form_code"].tolist()[2] == ephedrine_salt.form.code
    density = hcl.substance.density_for(33.0)
    assert records["density_kg_per_l"].tolist()[0] == pytest.approx(density)
    assert records["quantity_kg"].tolist() == pytest.approx([
        200 * density * 0.33, 1000.0, 0.25 * ephedrine_salt.base_fraction
    ])
    with pytest.raises(ValueError) as unknown:
        real_catalogue.resolve("sustancia inventada xyz")
    assert result.errors == [
        RowError(5, "Sustancia", "sustancia inventada xyz", str(unknown.value))
    ]


def test_customs_codes_with_the_real_catalogue(make_csv, real_catalogue, real_context):
    rows = [
        ["declaration_no", "item_no", "date", "flow", "hs_code", "goods_description",
         "net_mass_kg", "trader_tax_id", "partner_country"],
        ["D-1", "1", "2025-03-03", "I", "2902.30.00.00", "TOLUENO", "100", "20100070970", "US"],
        ["D-1", "2", "2025-03-03", "I", "3814.00.10.00", "THINNER", "100", "20100070970", "US"],
    ]
    result = read_file("customs", make_csv(rows), filename="c.csv", context=real_context)
    expected = real_catalogue.substance_for_hs("2902300000")
    assert expected is not None
    assert result.records["substance_code"].tolist() == [expected.code, None]
