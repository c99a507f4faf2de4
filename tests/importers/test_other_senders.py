"""Files written the way other senders of the region write them (second audit).

Each case was tried against the readers and found wrong: a value read as something else,
good rows lost or refused, or a message that did not say why. The tests pin the fix.
"""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from importers import FileRejected, LicenceInfo, ReadContext, RowError, read_file
from importers.codes import MOVEMENT

HEADER = ["Nº licencia", "Período", "Movimiento", "Fecha", "Sustancia", "Cantidad", "Unidad",
          "Concentración %"]
ROWS = [["LIC-1", "2025-09", "Compra", "17/09/2025", "Tolueno", "1.234,50", "kg", "99,5"],
        ["LIC-1", "2025-09", "Venta", "18/09/2025", "Tolueno", "200", "kg", ""],
        ["LIC-1", "2025-09", "Venta", "19/09/2025", "Tolueno", "300", "kg", ""]]


# ---------------------------------------------------------------- CSV layout


def test_header_cells_with_a_line_break_lose_no_rows(make_csv, context):
    # Excel writes a header wrapped with Alt+Enter as one quoted cell over two lines
    header = [*HEADER[:5], "Cantidad\n(kg)", "Unidad", "Concentración\n%"]
    data = make_csv([["QUÍMICA ANDINA S.A.C."], header, *ROWS])
    result = read_file("declarations", data, filename="d.csv", context=context)
    assert result.errors == []
    assert result.records["quantity"].tolist() == [1234.5, 200.0, 300.0]
    assert result.records["source_row"].tolist() == [5, 6, 7]  # the lines the user sees


@pytest.mark.parametrize("numbering", ["{}. {}", "{}) {}", "({}) {}", "{:02d} - {}", "{}.{}"])
def test_numbered_headers(make_csv, context, numbering):
    # templates that number their columns ("1. Licencia", "2. Período", ...)
    header = [numbering.format(i, h) for i, h in enumerate(HEADER, start=1)]
    result = read_file("declarations", make_csv([header, *ROWS]), filename="d.csv",
                       context=context)
    assert result.errors == []
    assert result.records["licence_no"].tolist() == ["LIC-1"] * 3
    assert result.records["concentration_pct"].tolist() == [99.5, 100.0, 100.0]


# ---------------------------------------------------------------- identifiers


CUSTOMS_HEADER = ["DUA", "Serie", "Fecha", "Régimen", "Partida", "Descripción", "Peso Neto",
                  "RUC", "País Origen"]


def _customs_row(item: int, **cells: str) -> list[str]:
    """One customs item of toluene; cells override columns by canonical name."""
    row = {"declaration_no": "118-2025-10-001", "item_no": str(item), "date": "17/09/2025",
           "flow": "IMPORTACION", "hs_code": "2902300000", "goods_description": "TOLUENO",
           "net_mass_kg": "1000", "trader_tax_id": "20123456789", "partner_country": "US"}
    row.update(cells)
    return list(row.values())


def test_tax_ids_a_spreadsheet_wrote_as_numbers(make_csv, context):
    # a tax id column saved from a number cell: the float's ".0", or scientific notation
    ids = ["20123456789.0", "2.0123456789E+10", "2,01235E+10", "20.123.456.789"]
    rows = [_customs_row(i, trader_tax_id=t) for i, t in enumerate(ids, start=1)]
    result = read_file("customs", make_csv([CUSTOMS_HEADER, *rows]), filename="c.csv",
                       context=context)
    assert result.records["tax_id_key"].tolist() == ["20123456789"] * 3
    assert result.records["trader_tax_id"].tolist()[:2] == ["20123456789"] * 2
    [error] = result.errors
    assert (error.row, error.column, error.value) == (4, "RUC", "2,01235E+10")
    assert "scientific notation: the spreadsheet dropped digits" in error.reason


# ---------------------------------------------------------------- numbers


def test_sap_trailing_minus_is_named_as_a_negative(make_csv, context):
    rows = [HEADER, ["LIC-1", "2025-09", "Venta", "17/09/2025", "Tolueno", "120,5-", "kg", ""]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "Cantidad", "120,5-")
    assert "is a negative number (the minus sign written after it" in error.reason


# ---------------------------------------------------------------- a unit beside a kg column


def test_a_unit_column_beside_a_baseline_quantity(make_csv, context):
    # the baseline feed has no unit column: "Unidad" stayed extra and 1.500 t was read as kg
    rows = [["Sustancia", "Año", "Cantidad", "Unidad"],
            ["Tolueno", "2025", "1500", "t"],
            ["Efedrina", "2025", "250", "kg"],
            ["Ácido clorhídrico", "2025", "2000", "Litros"]]
    result = read_file("baselines", make_csv(rows), filename="b.csv", context=context)
    assert result.records["quantity_kg"].tolist() == [1_500_000.0, 250.0]
    [error] = result.errors
    assert (error.row, error.column, error.value) == (4, "Cantidad", "2000")
    assert "'Unidad' says 'Litros', a volume: give the mass in kg" in error.reason
    assert "column 'Cantidad': 1 value(s) given in t or g by column 'Unidad' converted to kg" in (
        result.warnings)


def test_a_unit_column_beside_a_notification_quantity(make_csv, context):
    rows = [["Nº PEN", "Fecha", "Licencia exportador", "Importador", "País importador",
             "Sustancia", "Cantidad", "Unidad", "Estado"],
            ["PEN-1", "17/09/2025", "LIC-1", "ACME", "CO", "Tolueno", "2", "TM", "Aprobada"],
            ["PEN-2", "17/09/2025", "LIC-1", "ACME", "CO", "Tolueno", "900", "Litros",
             "Aprobada"]]
    result = read_file("export_notifications", make_csv(rows), filename="n.csv",
                       context=context)
    assert result.records["quantity_kg"].tolist() == [2000.0]
    assert [e.row for e in result.errors] == [3]


def test_a_unit_column_beside_customs_net_mass(make_csv, context):
    header = [*CUSTOMS_HEADER[:7], "Unidad", *CUSTOMS_HEADER[7:]]
    rows = [_customs_row(1, net_mass_kg="1,5"), _customs_row(2), _customs_row(3)]
    for row, unit in zip(rows, ["TNE", "KGM", "U"], strict=True):
        row.insert(7, unit)
    result = read_file("customs", make_csv([header, *rows]), filename="c.csv", context=context)
    assert result.records["net_mass_kg"].tolist() == [1500.0, 1000.0]
    [error] = result.errors
    assert (error.row, error.column) == (4, "Peso Neto")
    assert "'Unidad' says 'U': unknown unit 'U'" in error.reason


def test_a_unit_column_that_contradicts_the_mass_header_is_refused(make_csv, context):
    rows = [["Sustancia", "Año", "Cantidad (kg)", "Unidad"], ["Tolueno", "2025", "1500", "t"]]
    result = read_file("baselines", make_csv(rows), filename="b.csv", context=context)
    assert len(result.records) == 0
    [error] = result.errors
    assert "'Unidad' says 't' but 'Cantidad (kg)' is in kg: which is it?" in error.reason


def test_a_unit_column_of_another_quantity_is_left_alone(make_csv, context):
    # customs data: "Unidad" belongs to the commercial quantity, the net mass is in kg
    header = [*CUSTOMS_HEADER, "Cantidad", "Unidad"]
    rows = [[*_customs_row(1), "1200", "L"]]
    result = read_file("customs", make_csv([header, *rows]), filename="c.csv", context=context)
    assert result.errors == []
    assert result.records["net_mass_kg"].tolist() == [1000.0]


@pytest.mark.parametrize(("mass_header", "kg"), [("KGM", 1.5), ("Peso Neto (TNE)", 1500.0),
                                                 ("Peso Neto (KGM)", 1.5), ("TNE", 1500.0)])
def test_customs_mass_headers_in_unece_codes(make_csv, context, mass_header, kg):
    header = [*CUSTOMS_HEADER[:6], mass_header, *CUSTOMS_HEADER[7:]]
    rows = [header, _customs_row(1, net_mass_kg="1,5")]
    result = read_file("customs", make_csv(rows), filename="c.csv", context=context)
    assert result.errors == []
    assert result.records["net_mass_kg"].tolist() == [kg]


def test_a_mass_header_in_pounds_is_named_when_the_file_is_refused(make_csv, context):
    header = [*CUSTOMS_HEADER[:6], "Peso Neto (lb)", *CUSTOMS_HEADER[7:]]
    with pytest.raises(FileRejected) as refused:
        read_file("customs", make_csv([header, _customs_row(1)]), filename="c.csv",
                  context=context)
    assert "column 'Peso Neto (lb)' is in pounds: give 'net_mass_kg' in kg" in str(refused.value)


# ---------------------------------------------------------------- tariff codes


@pytest.mark.parametrize(("written", "stored", "suffix"), [
    ("2902.30.00.00.10", "2902300000", True),  # a national 12-digit code
    ("2902300000-0000", "2902300000", True),  # Ecuador: subheading and TNAN
    ("2902.30.00.100K", "2902300010", True),  # Argentina: NCM, SIM position and check letter
    ("2902,3", "290230", False),  # a number cell in a decimal-comma locale
    ("2902300000,0", "2902300000", False),
])
def test_tariff_codes_as_national_systems_and_locales_write_them(make_csv, context, written,
                                                                  stored, suffix):
    rows = [CUSTOMS_HEADER, _customs_row(1, hs_code=written)]
    result = read_file("customs", make_csv(rows), filename="c.csv", context=context)
    assert result.errors == []
    assert result.records["hs_code"].tolist() == [stored]
    assert result.records["substance_code"].tolist() == ["toluene"]
    said = any("stored with their first 10 digits" in w for w in result.warnings)
    assert said == suffix


# ---------------------------------------------------------------- licences


def test_numeric_licences_whose_leading_zeros_a_spreadsheet_dropped(make_xlsx, catalogue):
    known = {number: LicenceInfo(None, frozenset({"toluene"}), date(2024, 1, 1), None)
             for number in ("000123", "0045", "045")}
    context = ReadContext(catalogue=catalogue, home_country="PE", known_licences=known)
    sheet = [["Nº licencia", "Período", "Movimiento", "Fecha", "Sustancia", "Cantidad",
              "Unidad", "Licencia contraparte"],
             [123, "2025-09", "Compra", "17/09/2025", "Tolueno", 10, "kg", 123],
             [45, "2025-09", "Venta", "17/09/2025", "Tolueno", 10, "kg", None]]
    result = read_file("declarations", make_xlsx({"Hoja1": sheet}), filename="d.xlsx",
                       context=context)
    assert result.records["licence_no"].tolist() == ["000123"]
    assert result.records["counterparty_licence"].tolist() == ["000123"]
    [error] = result.errors  # 45 could be 0045 or 045: not guessed
    assert (error.row, error.value) == (3, "45")


# ---------------------------------------------------------------- concentration


@pytest.mark.parametrize("written", ["37 % p/v", "37% w/v", "37 % v/v", "37 %m/v"])
def test_a_percentage_by_volume_is_not_read_as_one_by_mass(make_csv, context, written):
    rows = [HEADER, ["LIC-1", "2025-09", "Compra", "17/09/2025", "Ácido clorhídrico", "100",
                     "kg", written],
            ["LIC-1", "2025-09", "Compra", "17/09/2025", "Ácido clorhídrico", "100", "kg",
             "36,5 % p/p"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.records["concentration_pct"].tolist() == [36.5]
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "Concentración %", written)
    assert "is a percentage by volume: give the percentage by mass (% p/p)" in error.reason


# ---------------------------------------------------------------- dates


def test_dates_that_read_both_ways_in_a_month_first_column(make_csv, context):
    # a customs extract from a system set to US dates: 09/17 proves the order, 09/10 is
    # 10 September there, and would have been stored as 9 October
    dates = ["09/10/2025", "09/17/2025", "10/10/2025", "2025-09-03"]
    rows = [_customs_row(i, date=d) for i, d in enumerate(dates, start=1)]
    result = read_file("customs", make_csv([CUSTOMS_HEADER, *rows]), filename="c.csv",
                       context=context)
    assert [str(d) for d in result.records["date"]] == ["2025-10-10", "2025-09-03"]
    first, second = result.errors
    assert (first.row, first.column, first.value) == (2, "Fecha", "09/10/2025")
    assert first.reason == ("'09/10/2025' could be 2025-10-09 or 2025-09-10: this column also "
                            "holds '09/17/2025', written month first; write YYYY-MM-DD")
    assert (second.row, second.value) == (3, "09/17/2025")
    assert "month first?" in second.reason


def test_one_month_first_typo_among_day_first_dates_changes_nothing(make_csv, context):
    dates = ["09/10/2025", "09/17/2025", "18/09/2025"]
    rows = [_customs_row(i, date=d) for i, d in enumerate(dates, start=1)]
    result = read_file("customs", make_csv([CUSTOMS_HEADER, *rows]), filename="c.csv",
                       context=context)
    assert [str(d) for d in result.records["date"]] == ["2025-10-09", "2025-09-18"]
    assert [e.row for e in result.errors] == [3]


# ---------------------------------------------------------------- registry


REGISTRY_HEADER = ["Nº Registro", "Razón Social", "RUC", "Actividad", "Sustancia",
                   "Fecha de inscripción", "Vigencia hasta", "Estado"]


def _licence_line(number: str, **cells: str) -> list[str]:
    """One registry line for toluene; cells override columns by canonical name."""
    row = {"licence_no": number, "operator_name": "QUÍMICA ANDINA S.A.C.",
           "tax_id": "20123456789", "activity": "Importador", "substance": "Tolueno",
           "valid_from": "17/09/2020", "valid_to": "16/09/2026", "status": "Vigente"}
    row.update(cells)
    return list(row.values())


def test_registry_lines_as_registries_write_them(make_csv, context):
    rows = [REGISTRY_HEADER,
            _licence_line("0001", activity="IMPORTADOR - COMERCIALIZADOR"),
            _licence_line("0002", status="Renovada")]
    result = read_file("registry", make_csv(rows), filename="r.csv", context=context)
    assert result.errors == []
    assert result.records["activities"].tolist()[0] == ("importer", "distributor")
    assert result.records["status"].tolist() == ["active"] * 2


def test_a_licence_without_an_end_date_is_valid_until_the_last_day(make_csv, context):
    rows = [REGISTRY_HEADER,
            _licence_line("0001", valid_to="Indefinida"),
            _licence_line("0002", valid_to="SIN VENCIMIENTO"),
            _licence_line("0003", valid_to="Prazo indeterminado"),
            _licence_line("0004", valid_to="31/12/9999"),
            _licence_line("0005", valid_to="pronto")]
    result = read_file("registry", make_csv(rows), filename="r.csv", context=context)
    assert result.records["valid_to"].tolist() == [date(9999, 12, 31)] * 4
    [error] = result.errors
    assert (error.row, error.column, error.value) == (6, "Vigencia hasta", "pronto")


@pytest.mark.parametrize(("status", "because"), [
    ("Vencida", "an expired validity is said by the end date"),
    ("En trámite", "an application not yet granted is not a licence"),
])
def test_registry_statuses_refused_with_their_reason(make_csv, context, status, because):
    rows = [REGISTRY_HEADER, _licence_line("0001", status=status)]
    result = read_file("registry", make_csv(rows), filename="r.csv", context=context)
    [error] = result.errors
    assert (error.column, error.value) == ("Estado", status)
    assert because in error.reason


# ---------------------------------------------------------------- coded words


def test_a_row_longer_than_the_header_is_never_cut_short(context):
    # `1234,5` unquoted in a comma-separated file is two fields: on the first data row pandas
    # dropped the last field silently, and the row was read as 1234 kg at 5 %
    text = ("Nº licencia,Período,Movimiento,Fecha,Sustancia,Unidad,Cantidad,Concentración %\r\n"
            "LIC-1,2025-09,Compra,17/09/2025,Ácido clorhídrico,kg,1234,5,33\r\n"
            "LIC-1,2025-09,Compra,17/09/2025,Ácido clorhídrico,kg,12,33\r\n")
    result = read_file("declarations", text.encode(), filename="d.csv", context=context)
    assert result.records["quantity"].tolist() == [12.0]
    assert result.errors == [RowError(
        2, None, None,
        "expected 8 fields, found more: the row goes on with '33' (a decimal comma without "
        "quotes?)")]


# ---------------------------------------------------------------- workbook layouts


def _save(workbook, tmp_path) -> bytes:
    """Save an openpyxl workbook and return its bytes."""
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    return path.read_bytes()


def test_a_header_over_two_rows_with_merged_cells(tmp_path, context):
    # a group header "Declarante" merged over "Licencia | Nombre"; the other headers merged
    # down over both rows; the table starts at C5 under a title
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["C2"] = "Declaración mensual"
    for column, header in zip("CEFGHIJ", ["Declarante", "Período", "Movimiento", "Fecha",
                                           "Sustancia", "Cantidad", "Unidad"], strict=True):
        sheet[f"{column}5"] = header
        if column != "C":
            sheet.merge_cells(f"{column}5:{column}6")
    sheet.merge_cells("C5:D5")
    sheet["C6"], sheet["D6"] = "Licencia", "Nombre"
    for row in (["LIC-1", "Química SA", "2025-09", "Compra", "17/09/2025", "Tolueno", 10, "kg"],
                ["LIC-1", "Química SA", "2025-09", "Venta", "18/09/2025", "Tolueno", 5, "kg"]):
        sheet.append([None, None, *row])
    result = read_file("declarations", _save(workbook, tmp_path), filename="d.xlsx",
                       context=context)
    assert result.errors == []
    assert result.records["quantity"].tolist() == [10.0, 5.0]
    assert result.records["source_row"].tolist() == [7, 8]
    assert result.records["extra"].tolist() == [{"Nombre": "Química SA"}] * 2


def test_cells_merged_down_over_data_rows(tmp_path, context):
    # the licence, period and substance written once, merged down over the month's rows
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nº licencia", "Período", "Movimiento", "Fecha", "Sustancia", "Cantidad",
                  "Unidad"])
    sheet.append(["LIC-1", "2025-09", "Compra", "17/09/2025", "Tolueno", 10, "kg"])
    sheet.append([None, None, "Venta", "18/09/2025", None, 5, "kg"])
    sheet.append([None, None, "Venta", "19/09/2025", None, 3, "kg"])
    sheet.append(["LIC-2", "2025-09", "Compra", "20/09/2025", "Tolueno", 1, "kg"])
    for column in "ABE":
        sheet.merge_cells(f"{column}2:{column}4")
    result = read_file("declarations", _save(workbook, tmp_path), filename="d.xlsx",
                       context=context)
    assert result.errors == []
    assert result.records["licence_no"].tolist() == ["LIC-1"] * 3 + ["LIC-2"]
    assert result.records["substance_code"].tolist() == ["toluene"] * 4


# ---------------------------------------------------------------- notifications


def test_a_notification_list_in_english_as_pen_online_words_it(make_csv, context):
    header = ["Pre-Export Notification Reference", "Date of Notification", "Exporter Licence No.",
              "Importer", "Importing Country", "Substance", "Quantity", "Unit",
              "Status of Reply"]
    rows = [["PEN-1", "17-Sep-2025", "LIC-1", "ACME", "Colombia", "Toluene", "1,000.00", "kg",
             "Not objected"],
            ["PEN-2", "18-Sep-2025", "LIC-1", "ACME", "Ecuador", "Toluene", "500", "kg",
             "Reply not received"],
            ["PEN-3", "18-Sep-2025", "LIC-1", "ACME", "Ecuador", "Toluene", "500", "kg",
             "Withdrawn by exporting country"],
            ["PEN-4", "18-Sep-2025", "LIC-1", "ACME", "Ecuador", "Toluene", "500", "kg",
             "Expired"]]
    result = read_file("export_notifications", make_csv([header, *rows], sep=","),
                       filename="n.csv", context=context)
    assert result.records["status"].tolist() == ["approved", "pending", "withdrawn"]
    assert result.records["quantity_kg"].tolist() == [1000.0, 500.0, 500.0]
    [error] = result.errors
    assert (error.row, error.value) == (5, "Expired")
    assert "an expired notification is neither an answer nor a withdrawal" in error.reason


# ---------------------------------------------------------------- customs headers


@pytest.mark.parametrize("header", [
    # Brazil (Siscomex): the operation type in Portuguese, the importer's CNPJ
    ["Número da DI", "Adição", "Data de Registro", "Tipo de Operação", "NCM",
     "Descrição da Mercadoria", "Peso Líquido (kg)", "CNPJ do Importador", "País de Origem"],
    # Colombia: the flow as "Tipo"
    ["Nro Declaración", "Item", "Fecha", "Tipo", "Subpartida", "Descripción Mercancía",
     "Peso Neto Kg", "NIT", "País Origen"],
    # an English extract
    ["declaration number", "line", "acceptance date", "trade flow", "commodity code",
     "goods description", "net weight (kg)", "importer/exporter tax id",
     "country of origin/destination"],
    # a pedimento's "Partida" is the item when the code is the "Fracción arancelaria"
    ["Pedimento", "Partida", "Fecha", "Régimen", "Fracción arancelaria", "Descripción",
     "Peso neto (kg)", "RFC", "País origen"],
])
def test_customs_headers_of_other_systems(make_csv, context, header):
    result = read_file("customs", make_csv([header, _customs_row(7)]), filename="c.csv",
                       context=context)
    assert result.errors == []
    records = result.records
    assert (records["item_no"].tolist(), records["hs_code"].tolist()) == ([7], ["2902300000"])
    assert (records["flow"].tolist(), records["partner_country"].tolist()) == (["import"], ["US"])


def test_partida_is_the_tariff_heading_beside_an_item_column(make_csv, context):
    header = ["Nº DUA", "Serie", "Fecha", "Régimen", "Partida", "Descripción", "Peso Neto",
              "RUC", "País"]
    result = read_file("customs", make_csv([header, _customs_row(7)]), filename="c.csv",
                       context=context)
    assert result.records["hs_code"].tolist() == ["2902300000"]


# ---------------------------------------------------------------- counterparties


def test_customer_and_supplier_in_two_columns(make_csv, context):
    header = [*HEADER[:7], "Cliente", "Proveedor", "Licencia cliente", "Licencia proveedor"]
    rows = [header,
            ["LIC-1", "2025-09", "Compra", "17/09/2025", "Tolueno", "10", "kg", "", "Prov SA",
             "", "LIC-9"],
            ["LIC-1", "2025-09", "Venta", "18/09/2025", "Tolueno", "5", "kg", "Cli SA", "",
             "LIC-8", ""],
            ["LIC-1", "2025-09", "Merma", "19/09/2025", "Tolueno", "1", "kg", "Cli SA",
             "Prov SA", "", ""]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.records["counterparty_name"].tolist() == ["Prov SA", "Cli SA"]
    assert result.records["counterparty_licence"].tolist() == ["LIC-9", "LIC-8"]
    [error] = result.errors
    assert (error.row, error.column) == (4, "Cliente")
    assert "both 'Cliente' and 'Proveedor' are given" in error.reason


def test_customer_and_supplier_names_in_two_strong_columns(make_csv, context):
    header = [*HEADER[:7], "Razón social cliente", "Razón social proveedor"]
    rows = [header,
            ["LIC-1", "2025-09", "Compra", "17/09/2025", "Tolueno", "10", "kg", "", "Prov SA"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.records["counterparty_name"].tolist() == ["Prov SA"]


# ---------------------------------------------------------------- declaration headers


def test_a_document_date_and_a_delivery_note_beside_the_movement_date_and_invoice(make_csv,
                                                                                   context):
    # both were strong aliases: two columns meaning 'date' refused the whole file
    header = [*HEADER[:3], "Fecha de movimiento", *HEADER[4:7], "Guía", "Factura",
              "Fecha de factura"]
    rows = [header, ["LIC-1", "2025-09", "Compra", "17/09/2025", "Tolueno", "10", "kg", "G-1",
                     "F-1", "15/09/2025"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.errors == []
    assert [str(d) for d in result.records["date"]] == ["2025-09-17"]
    assert result.records["document_ref"].tolist() == ["F-1"]
    assert result.records["extra"].tolist() == [{"Guía": "G-1", "Fecha de factura": "15/09/2025"}]


def test_an_invoice_date_alone_is_the_date(make_csv, context):
    header = [*HEADER[:3], "Fecha de factura", *HEADER[4:7]]
    rows = [header, ["LIC-1", "2025-09", "Compra", "17/09/2025", "Tolueno", "10", "kg"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert [str(d) for d in result.records["date"]] == ["2025-09-17"]


def test_a_declaration_in_english(make_csv, context):
    header = ["Licence No", "Reporting Period", "Transaction Type", "Transaction Date",
              "Chemical", "Qty", "UoM", "Customer/Supplier", "Customer licence", "Doc. No."]
    rows = [header, ["LIC-1", "Sep-2025", "Purchase", "2025-09-17", "Toluene", "1,000.5",
                     "Liters", "Supplier Inc", "LIC-9", "INV-1"]]
    result = read_file("declarations", make_csv(rows, sep=","), filename="d.csv",
                       context=context)
    assert result.errors == []
    records = result.records
    assert records["quantity"].tolist() == [1000.5]
    assert records[["counterparty_name", "counterparty_licence", "document_ref"]].values.tolist(
    ) == [["Supplier Inc", "LIC-9", "INV-1"]]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_its_byte_order_mark(make_csv, context, encoding):
    # "Unicode text" written by tools that leave the mark out was refused as binary
    data = make_csv([HEADER, *ROWS], sep="\t", encoding=encoding)
    result = read_file("declarations", data, filename="d.txt", context=context)
    assert result.errors == []
    assert result.records["quantity"].tolist() == [1234.5, 200.0, 300.0]
    assert result.encoding == encoding


# ---------------------------------------------------------------- web reports


_WEB_REPORT = """<html><head><meta http-equiv="Content-Type" content="text/html">
</head><body><table><tr><td colspan=7><b>QU&Iacute;MICA ANDINA S.A.C.</b></td></tr></table>
<table border="1"><thead><tr><th>N&ordm; licencia</th><th>Per&iacute;odo</th><th>Movimiento</th>
<th>Fecha</th><th>Sustancia</th><th>Cantidad</th><th>Unidad</th></tr></thead><tbody>
<tr><td>LIC-1</td><td>2025-09</td><td>Compra</td><td>17/09/2025</td><td>Tolueno</td>
<td align=right>1.234,50</td><td>kg</td></tr>
<tr><td>LIC-1<td>2025-09<td>Venta<td>18/09/2025<td>Ácido clorhídrico<br>33%<td>&nbsp;200<td>kg
<tr><td colspan=5>TOTAL</td><td>1.434,50</td><td></td></tr>
</tbody></table></body></html>"""


def test_a_web_report_saved_as_xls(context):
    # tax and customs portals and older ERPs export "Excel" files that are HTML tables
    result = read_file("declarations", _WEB_REPORT.encode("cp1252"), filename="reporte.xls",
                       context=context)
    assert result.errors == []
    assert result.records["quantity"].tolist() == [1234.5, 200.0]
    assert result.records["concentration_pct"].tolist() == [100.0, 33.0]
    assert result.records["source_row"].tolist() == [3, 4]
    assert any("web page holding a table" in w for w in result.warnings)


def test_an_excel_2003_xml_spreadsheet_is_named(context):
    data = (b'<?xml version="1.0"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>'
            b"<Table><Row><Cell><Data>x</Data></Cell></Row></Table></Worksheet>"
            b"</Workbook>")
    with pytest.raises(FileRejected) as refused:
        read_file("declarations", data, filename="d.xls", context=context)
    assert "an Excel 2003 XML spreadsheet" in str(refused.value)


# ---------------------------------------------------------------- baselines and registry


def test_a_baseline_file_worded_as_the_incb_words_it(make_csv, context):
    header = ["Substance", "Year", "Annual legitimate requirement (kg)", "Source"]
    rows = [header, ["Ephedrine", "2025", "1,250.5", "INCB"]]
    result = read_file("baselines", make_csv(rows, sep=","), filename="b.csv", context=context)
    assert result.errors == []
    assert result.records["quantity_kg"].tolist() == [1250.5]


def test_a_registry_in_portuguese(make_csv, context):
    header = ["Nº CRC", "Razão Social", "CNPJ", "Atividades", "Produto Controlado",
              "Data de emissão", "Validade", "Situação"]
    rows = [header,
            ["CRC-1", "Química Ltda", "12.345.678/0001-90", "Importação; Comércio", "Tolueno",
             "17/09/2020", "17/09/2026", "Ativo"],
            ["CRC-2", "Química Ltda", "12.345.678/0001-90", "Fabricação, Utilização", "Tolueno",
             "17/09/2020", "17/09/2026", "Ativa"]]
    result = read_file("registry", make_csv(rows), filename="r.csv", context=context)
    assert result.errors == []
    assert result.records["activities"].tolist() == [("importer", "distributor"),
                                                     ("manufacturer", "end_user")]


def test_statistical_values_written_with_a_currency(make_csv, context):
    header = [*CUSTOMS_HEADER, "Valor FOB US$"]
    values = ["US$ 1.234,50", "1.234,50 USD", "U$S 1.234,50", "S/ 1.234,50", "$ 1.234,50"]
    rows = [[*_customs_row(i), v] for i, v in enumerate(values, start=1)]
    result = read_file("customs", make_csv([header, *rows]), filename="c.csv", context=context)
    assert result.records["statistical_value_usd"].tolist() == [1234.5] * 3
    soles, pesos = result.errors
    assert (soles.row, soles.value) == (5, "S/ 1.234,50")
    assert soles.reason == "'S/ 1.234,50' is not in US dollars (S/): give the value in US dollars"
    assert "'$' is also the peso sign" in pesos.reason


@pytest.mark.parametrize("written", ["2025 SEP", "2025-Sep", "2025/setiembre"])
def test_periods_written_year_first_with_the_month_in_words(written):
    from importers.dates import parse_period

    assert parse_period(written) == "2025-09"


def test_a_csv_whose_every_line_is_quoted_whole(context):
    text = ('"Nº licencia;Período;Movimiento;Fecha;Sustancia;Cantidad;Unidad;Nº Factura"\r\n'
            '"LIC-1;2025-09;Compra;17/09/2025;Tolueno;1.234,5;kg;F-1"\r\n'
            '"LIC-1;2025-09;Venta;17/09/2025;Tolueno;10;kg;""F-2; F-3"""\r\n'
            "\r\n"
            '"LIC-1;2025-09;Venta;18/09/2025;Tolueno;5;kg;F-4"\r\n')
    result = read_file("declarations", text.encode("cp1252"), filename="d.csv", context=context)
    assert result.errors == []
    assert result.records["quantity"].tolist() == [1234.5, 10.0, 5.0]
    assert result.records["document_ref"].tolist() == ["F-1", "F-2; F-3", "F-4"]
    assert result.records["source_row"].tolist() == [2, 3, 5]
    assert "d.csv: every line is quoted whole; read inside" in result.warnings


# ---------------------------------------------------------------- movements


@pytest.mark.parametrize(("word", "because"), [
    ("Salida por compra", "'salida' says the goods went out, but 'compra' is the other way"),
    ("Ingreso por stock inicial", "but 'stock inicial' is a stock: which is it?"),
    ("Entrada por ajuste", "an inventory adjustment"),
])
def test_a_direction_that_contradicts_the_movement_is_refused(word, because):
    assert MOVEMENT.code_for(word) is None
    assert because in MOVEMENT.unknown(word)


def test_quantities_in_two_columns_by_unit(make_csv, context):
    # "Cantidad (Kg)" for solids and "Cantidad (L)" for liquids, each row filling one
    header = [*HEADER[:5], "Cantidad (Kg)", "Cantidad (L)"]
    rows = [header,
            ["LIC-1", "2025-09", "Compra", "17/09/2025", "Tolueno", "10", ""],
            ["LIC-1", "2025-09", "Compra", "18/09/2025", "Tolueno", "", "20"],
            ["LIC-1", "2025-09", "Compra", "19/09/2025", "Tolueno", "", "veinte"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.records["unit"].tolist() == ["kg", "L"]
    assert result.records["quantity_kg"].tolist() == pytest.approx([10.0, 20 * 0.867])
    [error] = result.errors  # named in the column the value came from
    assert (error.row, error.column, error.value) == (4, "Cantidad (L)", "veinte")


def test_a_template_example_sheet_before_the_data_sheet(make_xlsx, context):
    header = HEADER[:7]
    book = {"Ejemplo": [header, ["LIC-XXXX", "AAAA-MM", "Compra / Venta", "DD/MM/AAAA",
                                 "Nombre o CAS", "0,00", "kg / L"]],
            "Datos": [header, *[row[:7] for row in ROWS]]}
    result = read_file("declarations", make_xlsx(book), filename="d.xlsx", context=context)
    assert result.sheet == "Datos"
    assert result.errors == []
    assert result.records["quantity"].tolist() == [1234.5, 200.0, 300.0]


def test_an_example_sheet_alone_is_still_read(make_xlsx, context):
    book = {"Modelo": [HEADER[:7], ROWS[1][:7]]}
    result = read_file("declarations", make_xlsx(book), filename="d.xlsx", context=context)
    assert result.records["quantity"].tolist() == [200.0]


@pytest.mark.parametrize(("written", "because"), [
    ("Ácido clorhídrico 33-37%", "gives a range of concentrations"),
    ("Ácido clorhídrico 37% p/v", "gives a percentage by volume"),
])
def test_a_concentration_in_the_name_that_is_not_one_value_by_mass(
    make_csv, catalogue, context, written, because
):
    # the catalogue reads one number of the range (37), and % p/v as if by mass
    from dataclasses import replace

    from lexicon.text import fold_words

    catalogue._names[fold_words(written)] = replace(
        catalogue.resolve("ácido clorhídrico 33%"), concentration_pct=37.0)
    rows = [HEADER, ["LIC-1", "2025-09", "Compra", "17/09/2025", written, "100", "kg", ""],
            ["LIC-1", "2025-09", "Compra", "17/09/2025", written, "100", "kg", "35"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.records["concentration_pct"].tolist() == [35.0]  # the cell, when given
    [error] = result.errors
    assert (error.row, error.column) == (2, "Concentración %")
    assert f"{written!r} {because}: give the concentration by mass (% p/p)" in error.reason


def test_a_baseline_table_with_years_as_columns_is_refused_saying_so(make_csv, context):
    rows = [["Sustancia", "2024", "2025", "Fuente"], ["Efedrina", "1.200", "1.250", "JIFE"]]
    with pytest.raises(FileRejected) as refused:
        read_file("baselines", make_csv(rows), filename="b.csv", context=context)
    assert "the years are columns ('2024', '2025'): write one row per substance and year" in (
        str(refused.value))
