"""Each feed's own columns, conversions and duplicate rules."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from importers import RowError, iter_file, read_file

DECLARATION = ["licence_no", "period", "movement", "date", "substance", "quantity", "unit",
               "concentration_pct"]


def test_declaration_converts_to_kg_of_pure_substance(make_csv, context):
    rows = [
        DECLARATION,
        ["LIC-1", "2025-03", "purchase", "2025-03-01", "ácido muriático", "200", "L", "33"],
        ["LIC-1", "2025-03", "purchase", "2025-03-01", "toluene", "500", "mL", ""],
        ["LIC-2", "2025-03", "sale", "2025-03-01", "ephedrine hydrochloride", "250", "g", "80"],
        ["LIC-2", "2025-03", "import", "2025-03-01", "299-42-3", "2", "t", "100"],
    ]
    records = read_file("declarations", make_csv(rows), filename="d.csv", context=context).records
    assert records["substance_code"].tolist() == [
        "hydrochloric_acid", "toluene", "ephedrine", "ephedrine"
    ]
    assert records["form_code"].tolist() == [None, None, "hydrochloride", None]
    assert records["base_fraction"].tolist() == [1.0, 1.0, 0.819, 1.0]
    densities = records["density_kg_per_l"].tolist()
    assert densities[:2] == [1.16, 0.867]
    assert math.isnan(densities[2]) and math.isnan(densities[3])
    assert records["quantity_kg"].tolist() == pytest.approx(
        [200 * 1.16 * 0.33, 0.5 * 0.867, 0.25 * 0.8 * 0.819, 2000.0]
    )


def test_concentration_written_with_the_substance_is_used_when_the_cell_is_empty(
    make_csv, context
):
    rows = [
        DECLARATION,
        ["LIC-1", "2025-03", "purchase", "2025-03-01", "ácido clorhídrico 33%", "100", "L", ""],
        ["LIC-1", "2025-03", "purchase", "2025-03-01", "ácido clorhídrico 33%", "100", "L", "37"],
    ]
    records = read_file("declarations", make_csv(rows), filename="d.csv", context=context).records
    assert records["concentration_pct"].tolist() == [33.0, 37.0]
    assert records["density_kg_per_l"].tolist() == [1.16, 1.18]
    assert records["quantity_kg"].tolist() == pytest.approx([100 * 1.16 * 0.33, 100 * 1.18 * 0.37])


def test_a_salt_declared_by_volume_is_refused(make_csv, context):
    rows = [DECLARATION, ["LIC-2", "2025-03", "sale", "2025-03-01", "clorhidrato de efedrina",
                          "1", "L", ""]]
    errors = read_file("declarations", make_csv(rows), filename="d.csv", context=context).errors
    assert errors == [RowError(2, "unit", "L", "ephedrine (a salt) has no known density: "
                                               "declare it by mass (kg, g, t)")]


@pytest.mark.parametrize("concentration", ["0", "120", "-5"])
def test_concentration_must_be_a_percentage(make_csv, context, concentration):
    rows = [DECLARATION, ["LIC-1", "2025-03", "sale", "2025-03-01", "toluene", "5", "kg",
                          concentration]]
    errors = read_file("declarations", make_csv(rows), filename="d.csv", context=context).errors
    expected = "must be at most 100" if concentration == "120" else "must be greater than 0"
    assert errors == [RowError(2, "concentration_pct", concentration, expected)]


def test_stock_given_twice_for_one_product_and_period_is_refused(make_csv, context):
    rows = [
        DECLARATION,
        ["LIC-1", "2025-03", "stock inicial", "2025-03-01", "toluene", "5", "kg", ""],
        ["LIC-1", "2025-03", "venta", "2025-03-02", "toluene", "5", "kg", ""],
        ["LIC-1", "2025-03", "venta", "2025-03-02", "toluene", "5", "kg", ""],  # may repeat
        ["LIC-1", "2025-03", "stock inicial", "2025-03-01", "HCl", "5", "kg", ""],  # bad row
        ["LIC-1", "2025-03", "stock inicial", "2025-03-01", "ácido muriático", "5", "kg", "33"],
        ["LIC-1", "2025-03", "stock inicial", "2025-03-01", "ácido muriático", "5", "kg", "37"],
        ["LIC-1", "2025-03", "existencia inicial", "2025-03-01", "tolueno", "6", "kg", ""],
        ["LIC-1", "2025-04", "stock inicial", "2025-04-01", "tolueno", "6", "kg", ""],
    ]
    for chunk_rows in (100, 2):
        result = read_file("declarations", make_csv(rows), filename="d.csv", context=context,
                           chunk_rows=chunk_rows)
        assert result.errors == [
            RowError(5, "substance", "HCl", "unknown substance 'HCl'"),
            RowError(8, "movement", "existencia inicial",
                     "stock already given in row 2 for this substance and period"),
        ]
        assert result.records["source_row"].tolist() == [2, 3, 4, 6, 7, 9]


CUSTOMS = ["DUA", "Serie", "Fecha de numeración", "Régimen", "Partida arancelaria",
           "Descripción comercial", "Peso neto (kg)", "RUC", "Razón social", "País de origen",
           "Aduana", "Valor FOB"]


def test_customs_items(make_csv, context):
    rows = [
        CUSTOMS,
        ["118-2025-10-000123", "1", "03/03/2025", "Importación", "2902.30.00.00",
         "TOLUENO GRADO INDUSTRIAL", "16.000,5", "20100070970", "Química Andina", "US",
         "Callao", "12.345,6"],
        ["118-2025-10-000123", "2", "03/03/2025", "Importación", "3814.00.10",
         "THINNER ACRILICO", "1.000", "20100070970", "Química Andina", "Estados Unidos",
         "", ""],
        ["118-2025-10-000123", "2", "03/03/2025", "I", "3814.00.10", "REPETIDO", "5",
         "20100070970", "", "US", "", ""],
        ["118-2025-10-000124", "1,5", "03/03/2025", "X", "29.15", "ANHIDRIDO", "-1",
         "", "", "ZZ", "", ""],
    ]
    result = read_file("customs", make_csv(rows, encoding="cp1252"), filename="aduana.csv",
                       context=context)
    records = result.records
    assert records["declaration_no"].tolist() == ["118-2025-10-000123"] * 2
    assert records["item_no"].tolist() == [1, 2]
    assert records["item_no"].dtype == "int64"
    assert records["flow"].tolist() == ["import", "import"]
    assert records["hs_code"].tolist() == ["2902300000", "38140010"]
    assert records["hs6"].tolist() == ["290230", "381400"]
    assert records["substance_code"].tolist() == ["toluene", None]  # kept: not controlled
    assert records["net_mass_kg"].tolist() == [16000.5, 1000.0]
    assert records["partner_country"].tolist() == ["US", "US"]
    assert records["tax_id_key"].tolist() == ["20100070970", "20100070970"]
    assert records["statistical_value_usd"].tolist()[0] == 12345.6
    assert records["extra"].tolist() == [None, None]
    assert result.errors == [
        RowError(4, "DUA", "118-2025-10-000123", "duplicate of row 3: same declaration and item"),
        RowError(5, "Serie", "1,5", "must be a whole number"),
        RowError(5, "Régimen", "X", "unknown flow 'X' (accepted: import, export, transit)"),
        RowError(5, "Partida arancelaria", "29.15",
                 "not a tariff code: '29.15' (6 to 10 digits, dots allowed)"),
        RowError(5, "Peso neto (kg)", "-1", "must be at least 0"),
        RowError(5, "RUC", None, "required value is missing"),
        RowError(5, "País de origen", "ZZ",
                 "unknown country 'ZZ' (write an ISO 3166-1 alpha-2 code, e.g. PE)"),
    ]


def test_customs_flow_is_required_from_the_file(make_csv, context):
    rows = [["declaration_no", "item_no", "date", "flow", "hs_code", "goods_description",
             "net_mass_kg", "trader_tax_id", "partner_country"],
            ["D-1", "1", "2025-03-03", "salida", "290230", "x", "1", "1", "CO"]]
    errors = read_file("customs", make_csv(rows), filename="c.csv", context=context).errors
    assert errors == [RowError(2, "flow", "salida",
                               "unknown flow 'salida' (accepted: import, export, transit)")]


def test_baselines(make_csv, context):
    rows = [
        ["Sustancia", "Año", "Cantidad (kg)", "Fuente"],
        ["Efedrina", "2025", "1.200", "INCB annual legitimate requirement"],
        ["Tolueno", "2025", "350.000", "estimación nacional"],
        ["efedrina", "2025", "1.300", "otra"],
        ["Tolueno", "2025.5", "1", ""],
    ]
    result = read_file("baselines", make_csv(rows), filename="b.csv", context=context)
    assert result.records.drop(columns=["extra"]).to_dict("records") == [
        {"substance_code": "ephedrine", "substance_text": "Efedrina", "year": 2025,
         "quantity_kg": 1200.0, "source": "INCB annual legitimate requirement", "source_row": 2},
        {"substance_code": "toluene", "substance_text": "Tolueno", "year": 2025,
         "quantity_kg": 350000.0, "source": "estimación nacional", "source_row": 3},
    ]
    assert result.errors == [
        RowError(4, "Sustancia", "efedrina", "duplicate of row 2: same substance and year"),
        RowError(5, "Año", "2025.5", "must be a whole number"),
    ]


def test_export_notifications(make_csv, context):
    rows = [
        ["Nº notificación", "Fecha de envío", "Licencia del exportador", "Importador",
         "País importador", "Sustancia", "Cantidad (kg)", "Estado"],
        ["PEN-2025-001", "10/02/2025", "LIC-1", "Solventes Bogotá SAS", "Colombia",
         "Acetona", "5.000", "aprobada"],
        ["PEN-2025-002", "11/02/2025", "LIC-1", "Química del Sur", "CL", "tolueno", "2.000",
         "objetada"],
        ["PEN-2025-002", "12/02/2025", "LIC-1", "Química del Sur", "CL", "tolueno", "2.000",
         "pendiente"],
        ["PEN-2025-003", "12/02/2025", "LIC-1", "X", "CL", "tolueno", "2.000", "archivada"],
    ]
    result = read_file("export_notifications", make_csv(rows), filename="pen.csv",
                       context=context)
    assert result.errors == [
        RowError(2, "Sustancia", "Acetona", "unknown substance 'Acetona'"),
        RowError(4, "Nº notificación", "PEN-2025-002",
                 "duplicate of row 3: same notification reference"),
        RowError(5, "Estado", "archivada",
                 "unknown notification status 'archivada' "
                 "(accepted: approved, objected, pending, withdrawn)"),
    ]
    assert result.records.drop(columns=["extra"]).to_dict("records") == [{
        "notification_ref": "PEN-2025-002", "date": dt.date(2025, 2, 11),
        "exporter_licence": "LIC-1", "importer_name": "Química del Sur",
        "importing_country": "CL", "substance_code": "toluene", "substance_text": "tolueno",
        "quantity_kg": 2000.0, "status": "objected", "source_row": 3,
    }]


def test_registry_checks_dates_and_duplicate_lines(make_csv, context):
    header = ["licence_no", "operator_name", "tax_id", "activity", "substance", "valid_from",
              "valid_to", "status"]
    rows = [
        header,
        ["LIC-1", "A", "1", "importer", "toluene", "2025-01-01", "2025-12-31", "active"],
        ["LIC-1", "A", "1", "importer", "tolueno", "01/01/2025", "2026-12-31", "active"],
        ["LIC-1", "A", "1", "importer", "toluene", "2026-01-01", "2025-12-31", "active"],
        ["LIC-2", "B", "2", "importer|broker", "toluene", "2025-01-01", "2025-12-31", "vencida"],
    ]
    result = read_file("registry", make_csv(rows), filename="r.csv", context=context)
    accepted = ("importer, exporter, manufacturer, distributor, end_user, pharma, laboratory")
    assert result.errors == [
        RowError(3, "licence_no", "LIC-1",
                 "duplicate of row 2: same licence, substance and valid_from"),
        RowError(4, "valid_to", "2025-12-31",
                 "valid_to 2025-12-31 is before valid_from 2026-01-01"),
        RowError(5, "activity", "importer|broker",
                 f"unknown activity 'broker' (accepted: {accepted})"),
        RowError(5, "status", "vencida",
                 "licence status 'vencida' is not accepted: an expired validity is said by "
                 "the end date (valid_to), not by the status: give active, suspended or revoked"),
    ]
    assert result.records["source_row"].tolist() == [2]


def test_notification_licences_take_the_registry_spelling_but_unknown_ones_stay(
    make_csv, registry_context
):
    rows = [
        ["notification_ref", "date", "exporter_licence", "importer_name", "importing_country",
         "substance", "quantity_kg", "status"],
        ["PEN-1", "2025-02-10", "lic 1", "A", "CO", "toluene", "5", "approved"],
        ["PEN-2", "2025-02-10", "LIC-9", "B", "CO", "toluene", "5", "pending"],
    ]
    result = read_file("export_notifications", make_csv(rows), filename="pen.csv",
                       context=registry_context)
    assert result.errors == []
    assert result.records["exporter_licence"].tolist() == ["LIC-1", "LIC-9"]


def test_chunks_say_which_sheet_or_encoding_was_read(make_csv, make_xlsx, context):
    rows = [["Sustancia", "Año", "Cantidad (kg)"], ["toluene", "2025", "10"]]
    csv_chunk = next(iter_file("baselines", make_csv(rows, encoding="cp1252"),
                               filename="b.csv", context=context))
    assert (csv_chunk.sheet, csv_chunk.encoding) == (None, "cp1252")
    xlsx_chunk = next(iter_file("baselines", make_xlsx({"Metas": rows}), filename="b.xlsx",
                                context=context))
    assert (xlsx_chunk.sheet, xlsx_chunk.encoding) == ("Metas", None)
    assert xlsx_chunk.records["year"].tolist() == [2025]
