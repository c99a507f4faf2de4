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


THINNER_HEADER = ["Nº licencia", "Período", "Movimiento", "Fecha", "Sustancia", "Cantidad",
                  "Unidad", "Concentración %"]


def test_thinner_is_toluene_only_with_its_percentage(make_csv, real_context):
    rows = [
        THINNER_HEADER,
        ["LIC-1", "2025-03", "Compra", "05/03/2025", "Thinner", "100", "litros", "60"],
        ["LIC-1", "2025-03", "Compra", "05/03/2025", "Thinner", "100", "litros", ""],
        ["LIC-1", "2025-03", "Compra", "05/03/2025", "Thinner acrílico 45%", "10", "kg", ""],
        ["LIC-1", "2025-03", "Compra", "05/03/2025", "THINER", "10", "kg", "  "],
        ["LIC-1", "2025-03", "Compra", "05/03/2025", "Tolueno", "10", "kg", ""],
    ]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=real_context)
    assert result.errors == [
        RowError(3, "Concentración %", None,
                 "Thinner is a mixture: give the percentage of toluene in Concentración %"),
        RowError(5, "Concentración %", None,
                 "THINER is a mixture: give the percentage of toluene in Concentración %"),
    ]
    records = result.records
    assert records["source_row"].tolist() == [2, 4, 6]
    assert records["substance_code"].tolist() == ["toluene"] * 3
    assert records["concentration_pct"].tolist() == [60.0, 45.0, 100.0]  # never 100 for thinner
    assert records["quantity_kg"].tolist() == pytest.approx([100 * 0.867 * 0.60, 4.5, 10.0])


def test_thinner_in_a_file_without_a_concentration_column(make_csv, real_context):
    rows = [
        THINNER_HEADER[:7],
        ["LIC-1", "2025-03", "Venta", "05/03/2025", "Thinner", "5", "kg"],
        ["LIC-1", "2025-03", "Venta", "05/03/2025", "Thinner 70 %", "5", "kg"],
    ]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=real_context)
    assert result.errors == [
        RowError(2, "Sustancia", "Thinner", "Thinner is a mixture: give the percentage of "
                 "toluene in a concentration_pct column"),
    ]
    assert result.records["quantity_kg"].tolist() == pytest.approx([3.5])


def test_spreadsheet_concentrations_as_people_write_them(tmp_path, real_catalogue, real_context):
    # The layout of a Spanish declaration workbook: a title row, "U.M.", "Conc. (%)".
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Declaración"
    sheet.append(["DECLARACIÓN MENSUAL DE INSUMOS QUÍMICOS Y BIENES FISCALIZADOS - 2025-03"])
    sheet.append(["N° Licencia", "Período", "Movimiento", "Fecha", "Producto", "Cantidad",
                  "U.M.", "Conc. (%)", "Modalidad de entrega"])
    sheet.append(["LIC-1", "2025-03", "Compra", "05/03/2025", "Ácido clorhídrico", 1000, "ml",
                  33, "Entrega en destino"])
    sheet.append(["LIC-1", "2025-03", "Compra", "05/03/2025", "Ácido clorhídrico", 1000, "ml",
                  "33 %", "Recojo en planta"])
    sheet.append(["LIC-1", "2025-03", "Compra", "05/03/2025", "Ácido clorhídrico 33%", 1000,
                  "ml", None, None])
    path = tmp_path / "planilla.xlsx"
    workbook.save(path)
    result = read_file("declarations", path, filename="planilla.xlsx", context=real_context)
    assert result.errors == []
    records = result.records
    density = real_catalogue.resolve("Ácido clorhídrico").substance.density_for(33.0)
    assert records["concentration_pct"].tolist() == [33.0, 33.0, 33.0]
    assert records["density_kg_per_l"].tolist() == pytest.approx([density] * 3)
    assert records["quantity_kg"].tolist() == pytest.approx([density * 0.33] * 3)
    assert records["delivery"].tolist() == ["delivered", "collected", None]


@pytest.mark.parametrize(
    ("cells", "number_format", "expected"),
    [
        ([0.33, 0.6], "0%", [33.0, 60.0]),  # shown as 33 %, held as 0.33
        ([0.335, 0.07], "0.0%", [33.5, 7.0]),
        ([33, 60], "General", [33.0, 60.0]),
        ([0.5, 60], "General", [0.5, 60.0]),  # an unformatted 0.5 is 0.5 %: no guess
    ],
)
def test_percent_formatted_cells_read_as_shown(
    tmp_path, real_context, cells, number_format, expected
):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(THINNER_HEADER)
    for value in cells:
        sheet.append(["LIC-1", "2025-03", "Compra", "05/03/2025", "Thinner", 10, "kg", value])
        sheet.cell(sheet.max_row, 8).number_format = number_format
    path = tmp_path / "pct.xlsx"
    workbook.save(path)
    result = read_file("declarations", path, filename="pct.xlsx", context=real_context)
    assert result.errors == []
    assert result.records["concentration_pct"].tolist() == expected


def test_cell_formats_are_read_only_when_a_fraction_could_be_a_percentage(
    tmp_path, real_context, monkeypatch
):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(THINNER_HEADER)
    for value in (33, 60, None):
        sheet.append(["LIC-1", "2025-03", "Compra", "05/03/2025", "Thinner", 10, "kg", value])
        sheet.cell(sheet.max_row, 8).number_format = "0%"
    path = tmp_path / "pct.xlsx"
    workbook.save(path)
    asked = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: asked.append(a) or 1 / 0)
    result = read_file("declarations", path, filename="pct.xlsx", context=real_context)
    assert asked == []  # 33 and 60 read the same whatever their format: openpyxl not asked
    assert result.records["concentration_pct"].tolist() == [33.0, 60.0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("33 %", 33.0), ("33%", 33.0), ("% 33", 33.0), ("36,5 % p/p", 36.5), ("98%w/w", 98.0)],
)
def test_percent_signs_and_bases_in_a_concentration_cell(make_csv, real_context, text, expected):
    rows = [THINNER_HEADER,
            ["LIC-1", "2025-03", "Compra", "05/03/2025", "Ácido clorhídrico", "10", "kg", text]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=real_context)
    assert result.errors == []
    assert result.records["concentration_pct"].tolist() == [expected]


def test_percent_format_is_found_in_a_table_that_does_not_start_at_a1(tmp_path, real_context):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["C2"] = "Declaração mensal de substâncias controladas"
    for column, header in enumerate(["Nº da licença", "Período", "Tipo de movimento", "Data",
                                     "Substância", "Quantidade", "Unidade",
                                     "Concentração (%)", "Entrega"], start=3):
        sheet.cell(4, column, header)
    row = ["LIC-1", "2025-03", "compra", "05/03/2025", "Thinner", 10, "quilogramas", 0.6,
           "retirado pelo cliente"]
    for column, value in enumerate(row, start=3):
        sheet.cell(5, column, value)
    sheet.cell(5, 10).number_format = "0%"
    path = tmp_path / "planilha.xlsx"
    workbook.save(path)
    result = read_file("declarations", path, filename="planilha.xlsx", context=real_context)
    assert result.errors == []
    records = result.records
    assert records["movement"].tolist() == ["purchase"]
    assert records["concentration_pct"].tolist() == [60.0]
    assert records["quantity_kg"].tolist() == pytest.approx([6.0])
    assert records["delivery"].tolist() == ["collected"]
