"""Files as compliance staff and customs systems of the region really write them.

Every case here is something the demo generator (demo/habits.py) does not write: other
operators' headers, the words their accounting software puts in coded columns, units
and layouts. Each table says what a regulator wants from the cell: the value it maps to,
or the reason the row is refused.
"""

from __future__ import annotations

import pytest

from importers import read_file
from importers.aliases import match_headers
from importers.codes import MOVEMENT
from importers.feeds import feed_named

# ---------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("feed", "header"),
    [
        # a tax id is not a licence: kept as an extra column, never taken for one
        ("declarations", "RUC Proveedor/Cliente"),
        ("declarations", "CNPJ Fornecedor/Cliente"),
        # a grade is not a percentage; gross mass is not net mass; terms are not a means
        ("declarations", "Grado"),
        ("declarations", "Condición de Pago"),
        ("customs", "Peso Bruto"),
        ("declarations", "Detalle"),
    ],
)
def test_headers_that_look_useful_but_hold_something_else(feed, header):
    spec = feed_named(feed)
    assert match_headers([header], spec.columns, spec.required).columns == {}


# ---------------------------------------------------------------- coded words


def test_a_word_nobody_planned_for_still_lists_the_codes():
    assert MOVEMENT.unknown("regalo").startswith("unknown movement 'regalo' (accepted: ")


HEADER = ["Nro. de Licencia", "Periodo", "Tipo de Movimiento", "Fecha Operación",
          "Descripción del Insumo", "Cant.", "U.M.", "Concentración %"]


def test_gallons_are_us_gallons(make_csv, context):
    rows = [HEADER, ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "10", "galones", ""]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.errors == []
    assert result.records["unit"].tolist() == ["gal"]
    assert result.records["quantity_kg"].tolist() == pytest.approx([10 * 3.785411784 * 0.867])


def test_a_return_is_refused_with_row_column_and_value(make_csv, context):
    rows = [HEADER,
            ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "10", "kg", ""],
            ["LIC-1", "2025-12", "Devolución", "02/12/2025", "Tolueno", "2", "kg", ""]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert len(result.records) == 1
    [error] = result.errors
    assert (error.row, error.column, error.value) == (3, "Tipo de Movimiento", "Devolución")
    assert "a return is not a movement of its own" in error.reason


# ---------------------------------------------------------------- whole files


def _peruvian_csv() -> bytes:
    """A Latin-1 `;` export: title rows, a `;` ending every line, a quoted `;` and newline,
    a blank row in the middle, the header repeated on a new page, a totals row at the end."""
    lines = [
        "QUIMICA ANDINA S.A.C.;;;;;;;;;",
        "Declaración mensual de Insumos Químicos y Bienes Fiscalizados;;;;;;;;;",
        ";;;;;;;;;",
        "Nro. de Licencia;Periodo;Tipo de Movimiento;Fecha Operación;Descripción del Insumo;"
        "Cant.;U.M.;Concentración %;Razón Social Cliente;",
        "LIC-1;12/2025;Saldo Inicial;01/12/2025;TOLUENO;1.234,50;KG;;;",
        'LIC-1;12/2025;Ventas;02/12/2025;Tolueno;  12,5 ;Lts;100 %;"Pinturas; S.A.\nLima";',
        ";;;;;;;;;",
        "LIC-1;12/2025;Compra Local;03/12/2025;Ácido clorhídrico;1 234,5;kilos;33;Proveedor;",
        "Nro. de Licencia;Periodo;Tipo de Movimiento;Fecha Operación;Descripción del Insumo;"
        "Cant.;U.M.;Concentración %;Razón Social Cliente;",
        "LIC-1;12/2025;Merma;04/12/2025;tolueno;3;galones;;;",
        "TOTAL;;;;;2.484,5;;;;",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def test_a_latin1_semicolon_export_with_title_page_breaks_and_totals(context):
    result = read_file("declarations", _peruvian_csv(), filename="dic.csv", context=context)
    assert result.errors == []
    records = result.records
    assert records["movement"].tolist() == ["opening_stock", "sale", "purchase", "loss"]
    assert records["quantity"].tolist() == [1234.5, 12.5, 1234.5, 3.0]
    assert records["unit"].tolist() == ["kg", "L", "kg", "gal"]
    assert records["concentration_pct"].tolist() == [100.0, 100.0, 33.0, 100.0]
    assert records["counterparty_name"].tolist()[1] == "Pinturas; S.A.\nLima"
    # true line numbers: the quoted newline makes row 6 two lines long
    assert records["source_row"].tolist() == [5, 6, 9, 11]
    assert result.rows_read == 4
    assert result.warnings == [
        "2 row(s) not stored because they are not data (row 10: a repeated header row; "
        "row 12: a totals row ('TOTAL'))"
    ]


def test_a_workbook_with_a_letterhead_totals_and_odd_cells(make_xlsx, context):
    import datetime as dt

    header = ["N° Registro", "Mes", "Tipo Operación", "Fecha", "Producto", "Cantidad",
              "Unidad de Medida", "Pureza", "Modalidad de Entrega"]
    book = make_xlsx({"Declaración": [
        ["QUIMICOS DEL SUR S.A."],
        ["Declaración mensual - Diciembre 2025"],
        [],
        header,
        ["LIC-1", "Diciembre 2025", "Saldo Inicial", dt.datetime(2025, 12, 1, 8, 30),
         "Permanganato de Potasio", 100, "Kg.", 99, "Retiro en planta"],
        ["LIC-1", "dic-2025", "Compras", "05/12/2025", "tolueno", "1.234,50", "Lt", 99,
         "Entrega a domicilio"],
        [],
        ["LIC-1", 202512, "Stock Final", 46022, "TOLUENO", 5, "TM", "98%", "Despacho"],
        ["Total general", None, None, None, None, 1339.5, None, None, None],
    ]})
    result = read_file("declarations", book, filename="dic.xlsx", context=context)
    assert result.errors == []
    records = result.records
    assert records["period"].tolist() == ["2025-12"] * 3
    assert [d.isoformat() for d in records["date"]] == ["2025-12-01", "2025-12-05", "2025-12-31"]
    assert records["quantity"].tolist() == [100.0, 1234.5, 5.0]
    assert records["unit"].tolist() == ["kg", "L", "t"]
    assert records["delivery"].tolist() == ["collected", "delivered", "delivered"]
    assert result.warnings == [
        "1 row(s) not stored because they are not data (row 9: a totals row ('Total general'))"
    ]


def test_a_movement_missing_a_value_is_refused_not_taken_for_totals(make_csv, context):
    rows = [HEADER,
            ["LIC-1", "2025-12", "Venta", "", "Tolueno", "10", "kg", ""],
            ["Subtotal tolueno", "", "", "", "", "10", "", ""]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Fecha Operación")]
    assert "row 3: a totals row ('Subtotal tolueno')" in result.warnings[0]


# ---------------------------------------------------------------- concentrations


def _concentrations(make_csv, context, cells, **kwargs):
    rows = [HEADER] + [
        ["LIC-1", "2025-12", "Compra", "01/12/2025", "Ácido clorhídrico", "10", "kg", c]
        for c in cells
    ]
    return read_file("declarations", make_csv(rows), filename="d.csv", context=context, **kwargs)


def test_a_column_of_fractions_is_read_as_percentages(make_csv, context):
    result = _concentrations(make_csv, context, ["0,98", "0,33", "1"])
    assert result.errors == []
    assert result.records["concentration_pct"].tolist() == [98.0, 33.0, 100.0]
    assert result.records["quantity_kg"].tolist() == pytest.approx([9.8, 3.3, 10.0])
    assert result.warnings == [
        "column 'Concentración %' holds fractions (0.98 for 98 %): 3 value(s) read as "
        "percentages (x 100)"
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["98", "98 %", "0,98 %"], [98.0, 98.0, 0.98]),  # a % sign says it is a percentage
        (["0,5", "33"], [0.5, 33.0]),  # with percentages beside it, 0.5 is 0.5 %: flagged
    ],
)
def test_small_values_among_percentages_stay_and_are_flagged(make_csv, context, cells, expected):
    result = _concentrations(make_csv, context, cells)
    assert result.errors == []
    assert result.records["concentration_pct"].tolist() == expected
    assert result.warnings == [
        "column 'Concentración %': 1 value(s) of 1 or less read as percentages (0.5 = 0.5 %) "
        "because the other values are percentages; check them if they were meant as "
        "fractions (0.98 for 98 %)"
    ]


def test_a_percentage_after_a_first_chunk_of_fractions_is_refused(make_csv, context):
    result = _concentrations(make_csv, context, ["0,98", "0,33", "98"], chunk_rows=2)
    assert result.records["concentration_pct"].tolist() == [98.0, 33.0]
    [error] = result.errors
    assert (error.row, error.column, error.value) == (4, "Concentración %", "98")
    assert "cannot be read either way" in error.reason


def test_unformatted_fraction_cells_of_a_workbook(make_xlsx, context):
    book = make_xlsx({"Hoja1": [
        HEADER,
        ["LIC-1", "2025-12", "Compra", "01/12/2025", "Ácido clorhídrico", 10, "kg", 0.33],
        ["LIC-1", "2025-12", "Compra", "02/12/2025", "Ácido clorhídrico", 10, "kg", 0.37],
    ]})
    result = read_file("declarations", book, filename="d.xlsx", context=context)
    assert result.errors == []
    assert result.records["concentration_pct"].tolist() == [33.0, 37.0]


# ---------------------------------------------------------------- units named in the header

SHORT = ["Licencia", "Periodo", "Movimiento", "Fecha", "Sustancia"]
SALE = ["LIC-1", "2025-12", "Venta", "01/12/2025", "Tolueno"]


@pytest.mark.parametrize(
    ("header", "unit", "kg"),
    [
        ("Cantidad (Kg)", "kg", 12.0),
        ("Cantidad en Kg", "kg", 12.0),
        ("Peso Neto (Kg)", "kg", 12.0),
        ("Kilos", "kg", 12.0),
        ("Cantidad (TM)", "t", 12000.0),
        ("Cantidad en Litros", "L", 12 * 0.867),
        ("Cantidad (gal)", "gal", 12 * 3.785411784 * 0.867),
    ],
)
def test_a_quantity_header_that_names_its_unit(make_csv, context, header, unit, kg):
    rows = [[*SHORT, header], [*SALE, "12"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.errors == []
    assert result.records["unit"].tolist() == [unit]
    assert result.records["quantity_kg"].tolist() == pytest.approx([kg])


def test_a_unit_cell_contradicting_the_header_is_refused(make_csv, context):
    rows = [[*SHORT, "Cantidad (Kg)", "U.M."], [*SALE, "12", "Kg."], [*SALE, "12", "TM"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.records["quantity_kg"].tolist() == [12.0]
    assert [(e.row, e.column, e.value, e.reason) for e in result.errors] == [
        (3, "U.M.", "TM", "disagrees with column 'Cantidad (Kg)', which is in kg")
    ]


def test_a_weight_beside_the_quantity_stays_an_extra_column(make_csv, context):
    rows = [[*SHORT, "Cantidad", "U.M.", "Peso (Kg)"], [*SALE, "12", "L", "10,4"]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.errors == []
    assert result.records["unit"].tolist() == ["L"]
    assert result.records["extra"].tolist() == [{"Peso (Kg)": "10,4"}]


def test_a_weight_without_its_unit_still_needs_a_unit_column(make_csv, context):
    from importers import FileRejected

    rows = [[*SHORT, "Peso Neto"], [*SALE, "12"]]
    with pytest.raises(FileRejected, match="missing required column 'unit'"):
        read_file("declarations", make_csv(rows), filename="d.csv", context=context)


@pytest.mark.parametrize(
    ("cell", "unit", "quantity"),
    [("12,5 kg", "kg", 12.5), ("1.234,5 Kgs", "KG", 1234.5), ("3 litros", "Lt", 3.0),
     ("2TM", "t", 2.0)],
)
def test_a_quantity_written_with_its_unit(make_csv, context, cell, unit, quantity):
    rows = [HEADER, ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", cell, unit, ""]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.errors == []
    assert result.records["quantity"].tolist() == [quantity]


def test_a_quantity_whose_unit_contradicts_the_unit_column(make_csv, context):
    rows = [HEADER, ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "12,5 kg", "TM", ""],
            ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "5 cilindros", "kg", ""]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert len(result.records) == 0
    assert [(e.row, e.column, e.value, e.reason) for e in result.errors] == [
        (2, "Cant.", "12,5 kg", "the quantity says kg but 'U.M.' says t: which is it?"),
        (3, "Cant.", "5 cilindros",
         "not a number: '5 cilindros' (this column uses decimal comma, e.g. 1.234,5)"),
    ]


# ---------------------------------------------------------------- dates and periods


@pytest.mark.parametrize(
    "cell",
    ["2025-12", "12/2025", "dic-2025", "Diciembre 2025", "DIC 2025", "202512", "2025 12",
     "Dezembro/2025", "2025/12", "01/12/2025"],
)
def test_periods_as_offices_write_them(cell):
    from importers.dates import parse_period

    assert parse_period(cell) == "2025-12"


@pytest.mark.parametrize("cell", ["Diciembre", "12/25", "2025-13"])
def test_periods_that_cannot_be_read(cell):
    from importers.dates import parse_period

    with pytest.raises(ValueError, match="not a period"):
        parse_period(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("31/12/2025", "2025-12-31"), ("31-12-2025", "2025-12-31"), ("2025/12/31", "2025-12-31"),
     ("31.12.2025", "2025-12-31"), ("31/12/25", "2025-12-31"), ("46022", "2025-12-31"),
     ("2025-12-31 14:30:00", "2025-12-31"), ("31/12/2025 2:30 p. m.", "2025-12-31"),
     ("31 de diciembre de 2025", "2025-12-31"), ("31-Dic-25", "2025-12-31"),
     ("01/02/2025", "2025-02-01"),
     # Excel's long date format, saved into a CSV as displayed
     ("miércoles, 31 de diciembre de 2025", "2025-12-31"),
     ("Miércoles 31 de Diciembre de 2025", "2025-12-31"),
     ("quarta-feira, 31 de dezembro de 2025", "2025-12-31"),
     ("mar, 4 de marzo de 2025", "2025-03-04")],  # "mar" the weekday, then marzo
)
def test_dates_as_offices_write_them(cell, expected):
    from importers.dates import parse_date

    assert parse_date(cell).isoformat() == expected


def test_a_month_first_date_is_refused():
    from importers.dates import parse_date

    assert parse_date("12/31/2025").startswith("not a real date: '12/31/2025' (month first?")


def test_hidden_columns_are_read_like_the_others(tmp_path, context):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "Observaciones"])
    sheet.append(["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", 10, "kg", 99, "ok"])
    sheet.column_dimensions["H"].hidden = True
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    result = read_file("declarations", path, filename="hidden.xlsx", context=context)
    assert result.errors == []
    assert result.records["concentration_pct"].tolist() == [99.0]
    assert result.records["extra"].tolist() == [{"Observaciones": "ok"}]


# ---------------------------------------------------------------- substances (real catalogue)


@pytest.fixture(scope="module")
def real_catalogue():
    from app.catalogue import load_catalogue

    return load_catalogue()


@pytest.mark.parametrize(
    ("text", "cas", "pct"),
    [
        ("ACIDO SULFURICO", "7664-93-9", None),
        ("Ac. Sulfúrico 98%", "7664-93-9", 98.0),
        ("Ac. Clorhídrico 33%", "7647-01-0", 33.0),
        ("Acido Sulfurico Conc.", "7664-93-9", None),
        ("Permanganato de Potasio", "7722-64-7", None),
        ("ANHIDRIDO ACETICO", "108-24-7", None),
        ("Anh. acético", "108-24-7", None),
        ("MEK", "78-93-3", None),
        ("Acetona técnica", "67-64-1", None),
        ("ACETONA QP", "67-64-1", None),
        ("7664939", "7664-93-9", None),
    ],
)
def test_substances_as_operators_write_them(real_catalogue, text, cas, pct):
    found = real_catalogue.resolve(text)
    assert found.substance.cas == cas
    assert getattr(found, "concentration_pct", None) == pct


@pytest.mark.parametrize(
    "text", ["Ac. acético", "Ácido acético glacial", "Acetonitrilo", "Éter de petróleo", "MIBK"]
)
def test_false_friends_stay_refused_as_not_controlled(real_catalogue, text):
    with pytest.raises(ValueError, match="not a controlled substance"):
        real_catalogue.resolve(text)


def test_a_customs_extract_as_the_customs_office_exports_it(make_csv, context):
    rows = [
        ["SUPERINTENDENCIA NACIONAL DE ADUANAS", "", "", "", "", "", "", "", "", ""],
        ["Nº DUA", "Serie", "Fecha de Numeración", "Régimen", "Subpartida Nacional",
         "Descripción Comercial", "Peso Neto (Kg)", "RUC Importador", "País de Origen",
         "Valor FOB (US$)"],
        ["118-2025-10-001234", "1", "15/12/2025", "IMPORTACION PARA EL CONSUMO",
         "2902.30.00.00", "TOLUENO GRADO TECNICO", "12.500,00", "20100070970", "Estados Unidos",
         "15.000,00"],
        ["118-2025-10-001234", "2", "15/12/2025", "IMPORTACION PARA EL CONSUMO",
         "3814.00.10.00", "THINNER ACRILICO", "1.000,50", "20100070970", "US", "900,00"],
        ["TOTAL", "", "", "", "", "", "13.500,50", "", "", "15.900,00"],
    ]
    result = read_file("customs", make_csv(rows), filename="dua.csv", context=context)
    assert result.errors == []
    records = result.records
    assert records["flow"].tolist() == ["import", "import"]
    assert records["hs_code"].tolist() == ["2902300000", "3814001000"]
    assert records["substance_code"].tolist() == ["toluene", None]  # thinner kept, uncontrolled
    assert records["net_mass_kg"].tolist() == [12500.0, 1000.5]
    assert records["partner_country"].tolist() == ["US", "US"]
    assert result.warnings == [
        "1 row(s) not stored because they are not data (row 5: a totals row ('TOTAL'))"
    ]


# ---------------------------------------------------------------- cells spreadsheets mangle


def _declaration_with(make_csv, context, position, cell):
    """Read a one-row declaration whose cell at `position` is `cell`."""
    row = ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "10", "kg", ""]
    row[position] = cell
    return read_file("declarations", make_csv([HEADER, row]), filename="d.csv", context=context)


@pytest.mark.parametrize("cell", ["(120,5)", "( 1.200,50 )", "(12)"])
def test_an_accounting_negative_is_refused_with_its_reason(make_csv, context, cell):
    result = _declaration_with(make_csv, context, 5, cell)
    assert len(result.records) == 0
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "Cant.", cell)
    assert "negative number in accounting notation" in error.reason
    assert "positive" in error.reason


_CUSTOMS_HEADER = ["Nº DUA", "Serie", "Fecha", "Subpartida Nacional", "Descripción Comercial",
                   "Peso Neto (Kg)", "RUC Importador", "País de Origen", "Régimen"]


@pytest.mark.parametrize(
    ("cell", "digits"),
    [
        ("2902.30.00.00", "2902300000"),
        ("2902300000", "2902300000"),
        ("29 02 30", "290230"),
        ("2902300000.0", "2902300000"),  # a float written out by Excel or pandas
        ("290230.0", "290230"),  # not 2902300: the .0 is no digit of the code
        ("2902.3", "290230"),  # 2902.30 shown by a number cell without its trailing zero
        ("'2902300000", "2902300000"),  # typed as text with Excel's apostrophe
    ],
)
def test_tariff_codes_as_spreadsheets_leave_them(make_csv, context, cell, digits):
    row = ["118-2025-10-001234", "1", "15/12/2025", cell, "TOLUENO", "12500", "20100070970",
           "US", "Importación"]
    result = read_file("customs", make_csv([_CUSTOMS_HEADER, row]), filename="c.csv",
                       context=context)
    assert result.errors == []
    assert result.records["hs_code"].tolist() == [digits]
    assert result.records["substance_code"].tolist() == ["toluene"]


def test_tariff_codes_stored_as_numbers_in_a_workbook(make_xlsx, context):
    rows = [_CUSTOMS_HEADER,
            ["118-1", 1, 46006, 2902300000, "TOLUENO", 12500, 20100070970, "US", "Importación"],
            ["118-1", 2, 46006, 2902.3, "TOLUENO", 100, 20100070970, "US", "Importación"]]
    result = read_file("customs", make_xlsx({"DUA": rows}), filename="c.xlsx", context=context)
    assert result.errors == []
    assert result.records["hs_code"].tolist() == ["2902300000", "290230"]


# ---------------------------------------------------------------- error values, placeholders

_DECLARATION_ROW = ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", 10, "kg", 99]


@pytest.mark.parametrize(
    ("position", "error"),
    [
        (5, "#N/A"),  # a required number
        (7, "#DIV/0!"),  # an optional number: calamine read it as empty, i.e. 100 %
        (0, "#REF!"),  # a required text
        (4, "#VALUE!"),  # a substance looked up by formula
        (8, "#N/A"),  # an optional text: the counterparty's name from a VLOOKUP
    ],
)
def test_a_workbook_error_cell_is_refused_naming_row_and_column(tmp_path, context, position,
                                                                 error):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B1"] = "QUIMICA ANDINA S.A.C."  # a title, and the table starting at column B
    header = [*HEADER, "Razón Social Cliente"]
    for row_number, row in ((3, header), (4, [*_DECLARATION_ROW, "Pinturas SA"]),
                            (5, [*_DECLARATION_ROW, "Pinturas SA"])):
        for column, value in enumerate(row, start=2):
            sheet.cell(row=row_number, column=column, value=value)
    sheet.cell(row=5, column=2 + position, value=error)  # openpyxl writes it as an error cell
    sheet.cell(row=5, column=5, value="02/12/2025")
    path = tmp_path / "d.xlsx"
    workbook.save(path)
    result = read_file("declarations", path.read_bytes(), filename="d.xlsx", context=context)
    assert result.records["source_row"].tolist() == [4]
    [error_row] = result.errors
    assert (error_row.row, error_row.column, error_row.value) == (5, header[position], error)
    assert f"spreadsheet error {error!r}" in error_row.reason


@pytest.mark.parametrize("error", ["#N/A", "#N/D", "#¡REF!", "#¡VALOR!", "#¿NOMBRE?", "#DIV/0!"])
def test_an_error_value_saved_into_a_csv_is_refused(make_csv, context, error):
    # Excel writes a failed formula into a CSV as its text, in the user's language
    for position in (5, 7, 0):  # required number, optional number, required text
        result = _declaration_with(make_csv, context, position, error)
        assert len(result.records) == 0
        [row_error] = result.errors
        assert (row_error.column, row_error.value) == (HEADER[position], error)
        assert "formula" in row_error.reason


_OPTIONAL_HEADER = [*HEADER, "Razón Social Cliente", "País", "Forma de Pago", "Nº Guía",
                    "Licencia Cliente", "Modalidad de Entrega"]


@pytest.mark.parametrize("cell", ["N/A", "n/a", "-", "--", "—", "s/n", "S/N", "n.d.", "No aplica"])
def test_a_placeholder_in_an_optional_column_is_an_empty_cell(make_csv, context, cell):
    row = ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "10", "kg", cell, *[cell] * 6]
    result = read_file("declarations", make_csv([_OPTIONAL_HEADER, row]), filename="d.csv",
                       context=context)
    assert result.errors == []
    [record] = result.records.to_dict("records")
    assert record["concentration_pct"] == 100.0  # the default, as for an empty cell
    assert record["counterparty_country"] == "PE"
    assert [record[c] for c in ("counterparty_name", "payment_method", "document_ref",
                                "counterparty_licence", "delivery")] == [None] * 5
    assert len(result.warnings) == 7
    assert "column 'Concentración %': 1 cell(s) holding a placeholder" in result.warnings[0]


def test_a_placeholder_in_a_required_column_is_not_a_value(make_csv, context):
    result = _declaration_with(make_csv, context, 5, "N/A")
    [error] = result.errors
    assert (error.column, error.value, error.reason) == ("Cant.", "N/A", "not a number: 'N/A'")


def test_na_in_a_country_column_is_namibia(make_csv, context):
    row = ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "10", "kg", "", "", "NA"]
    result = read_file("declarations", make_csv([_OPTIONAL_HEADER[:10], row]), filename="d.csv",
                       context=context)
    assert result.records["counterparty_country"].tolist() == ["NA"]


# ---------------------------------------------------------------- footnotes under the table


@pytest.mark.parametrize(
    "footnote",
    ["Fuente: SUNAT - Sistema de Insumos Químicos", "Nota: valores en kilogramos",
     "NOTA", "Elaborado por: Juan Pérez", "Observaciones: ninguna", "* Valores en kg",
     "(*) Cantidades en kg", "(1) Incluye mermas", "Fonte: Receita Federal",
     "Preparado por el área de logística y firmado por el representante legal"],
)
def test_a_footnote_under_the_table_is_skipped_and_named(make_csv, context, footnote):
    row = ["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "10", "kg", ""]
    result = read_file("declarations", make_csv([HEADER, row, [""] * 8, [footnote] + [""] * 7]),
                       filename="d.csv", context=context)
    assert (result.errors, len(result.records), result.rows_read) == ([], 1, 1)
    [warning] = result.warnings
    assert warning.startswith("1 row(s) not stored because they are not data (row 4: a footnote ('")
    assert footnote[:20] in warning


def test_a_footnote_in_merged_cells_of_a_workbook(tmp_path, context):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", 10, "kg", 99])
    sheet.append(["Fuente: registro interno de la empresa"])
    sheet.merge_cells("A3:H3")
    path = tmp_path / "d.xlsx"
    workbook.save(path)
    result = read_file("declarations", path.read_bytes(), filename="d.xlsx", context=context)
    assert (result.errors, len(result.records)) == ([], 1)
    assert "row 3: a footnote ('Fuente: registro interno de la empresa')" in result.warnings[0]


@pytest.mark.parametrize(
    ("row", "refused_columns"),
    [
        # a movement whose licence is missing is refused, whatever its first cell says
        (["", "2025-12", "Nota de crédito", "01/12/2025", "Tolueno", "10", "kg", ""],
         ["Nro. de Licencia", "Tipo de Movimiento"]),
        # a lone cell that is no footnote word is a row missing its values
        (["LIC-1", "", "", "", "", "", "", ""],
         ["Periodo", "Tipo de Movimiento", "Fecha Operación", "Descripción del Insumo",
          "Cant.", "U.M."]),
    ],
)
def test_rows_that_are_not_footnotes_are_refused(make_csv, context, row, refused_columns):
    result = read_file("declarations", make_csv([HEADER, row]), filename="d.csv", context=context)
    assert [e.column for e in result.errors] == refused_columns
    assert result.warnings == []


# ---------------------------------------------------------------- invisible characters


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_characters_pasted_into_cells_are_removed(make_csv, registry_context,
                                                            invisible):
    # text pasted from a web page, a PDF or a chat: `LIC-1` must stay the registry's LIC-1
    row = [f"LIC-1{invisible}", "2025-12", f"Compra{invisible}", f"01/12/2025{invisible}",
           "Tolueno", f"{invisible}1.234,5", "kg", f"99{invisible}"]
    result = read_file("declarations", make_csv([HEADER, row]), filename="d.csv",
                       context=registry_context)
    assert result.errors == []
    [record] = result.records.to_dict("records")
    assert (record["licence_no"], record["quantity"], record["concentration_pct"]) == (
        "LIC-1", 1234.5, 99.0)
    assert str(record["date"]) == "2025-12-01"


def test_a_soft_hyphen_in_a_windows_1252_file(make_csv, context):
    row = ["LIC\u00ad-1", "2025-12", "Compra", "01/12/2025", "Tolueno", "12,5", "kg", ""]
    result = read_file("declarations", make_csv([HEADER, row], encoding="cp1252"),
                       filename="d.csv", context=context)
    assert result.errors == []
    assert result.records["licence_no"].tolist() == ["LIC-1"]


def test_invisible_characters_in_a_workbook(make_xlsx, registry_context):
    rows = [HEADER, ["LIC-1\u200b", "2025-12", "Compra", "01/12/2025", "Tolueno", "12,5\u200b",
                     "kg", 99],
            ["\u200b", "", "", "", "", "", "", ""]]  # a cell holding only one is blank
    result = read_file("declarations", make_xlsx({"Hoja1": rows}), filename="d.xlsx",
                       context=registry_context)
    assert (result.errors, result.rows_read) == ([], 1)
    assert result.records["licence_no"].tolist() == ["LIC-1"]
    assert result.records["quantity"].tolist() == [12.5]


def test_a_tariff_code_with_a_zero_width_space(make_csv, context):
    row = ["118-1", "1", "15/12/2025", "2902.30.00.00\u200b", "TOLUENO", "12500", "20100070970",
           "US", "Importación"]
    result = read_file("customs", make_csv([_CUSTOMS_HEADER, row]), filename="c.csv",
                       context=context)
    assert result.errors == []
    assert result.records["hs_code"].tolist() == ["2902300000"]


# ---------------------------------------------------------------- countries as systems list them


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("CO - COLOMBIA", "CO"),  # code and name, as customs and registry systems list them
        ("CO: Colombia", "CO"),
        ("COL - Colombia", "CO"),
        ("Colombia (CO)", "CO"),
        ("US - Estados Unidos", "US"),
        ("DE - Deutschland", "DE"),  # a name we do not know does not overrule its code
        ("Bolivia (Estado Plurinacional de)", "BO"),  # UN names, as PEN Online writes them
        ("Bolivia (Plurinational State of)", "BO"),
        ("Venezuela (República Bolivariana de)", "VE"),
        ("Venezuela (Bolivarian Republic of)", "VE"),
        ("Rep. Dominicana", "DO"),
        ("Hong Kong", "HK"),
        ("Korea, Republic of", "KR"),
        ("Irlanda", "IE"),
        ("Emiratos Árabes Unidos", "AE"),
    ],
)
def test_countries_as_systems_list_them(make_csv, context, cell, code):
    header = ["Nº PEN", "Fecha de envío", "Licencia Exportador", "Importador", "País importador",
              "Sustancia", "Cantidad (kg)", "Estado"]
    row = ["PEN-2025-001", "01/12/2025", "LIC-1", "Acme Ltd", cell, "Tolueno", "1000", "Aprobada"]
    result = read_file("export_notifications", make_csv([header, row]), filename="n.csv",
                       context=context)
    assert result.errors == []
    assert result.records["importing_country"].tolist() == [code]


@pytest.mark.parametrize(
    "cell",
    ["CO - Perú",  # code and name disagree: neither is guessed
     "Korea (Democratic People's Republic of)",  # not the Republic of Korea
     "XX - Foo"],
)
def test_countries_that_stay_refused(cell):
    from importers.countries import country_code

    assert country_code(cell) is None


# ---------------------------------------------------------------- masses in tonnes or grams


@pytest.mark.parametrize(
    ("feed", "header", "row", "column", "kg"),
    [
        ("baselines", ["Sustancia", "Año", "Cantidad (t)"], ["Tolueno", "2025", "12,5"],
         "quantity_kg", 12500.0),
        ("baselines", ["Sustancia", "Año", "Necesidad anual (TM)"], ["Tolueno", "2025", "3"],
         "quantity_kg", 3000.0),
        ("baselines", ["Sustancia", "Año", "Necesidad (kg)"], ["Tolueno", "2025", "40"],
         "quantity_kg", 40.0),
        ("baselines", ["Sustancia", "Año", "Estimación (g)"], ["Efedrina", "2025", "2.500"],
         "quantity_kg", 2.5),
        ("registry", ["Nº Registro", "Razón Social", "RUC", "Actividad", "Sustancia",
                      "Cupo anual (t)", "Vigencia desde", "Vigencia hasta", "Estado"],
         ["LIC-1", "Química SA", "20100070970", "Importador", "Tolueno", "2", "01/01/2025",
          "31/12/2025", "Activo"], "annual_quota_kg", 2000.0),
        ("customs", ["Nº DUA", "Serie", "Fecha", "Subpartida Nacional", "Descripción Comercial",
                     "Peso Neto (TM)", "RUC Importador", "País de Origen", "Régimen"],
         ["118-1", "1", "15/12/2025", "2902.30.00.00", "TOLUENO", "12,5", "20100070970", "US",
          "Importación"], "net_mass_kg", 12500.0),
    ],
)
def test_a_mass_header_naming_another_unit_is_converted_to_kg(make_csv, context, feed, header,
                                                               row, column, kg):
    result = read_file(feed, make_csv([header, row]), filename="f.csv", context=context)
    assert result.errors == []
    assert result.records[column].tolist() == [pytest.approx(kg)]
    scaled = [w for w in result.warnings if "as its header says" in w]
    assert len(scaled) == (0 if kg == 40.0 else 1)


def test_an_ods_error_cell_is_refused_naming_row_and_column(make_ods, context):
    rows = [
        [None, "QUIMICA ANDINA S.A.C."],
        ("empty rows", 2),  # rows 2 and 3 in one element
        [None, *HEADER],  # row 4, the table starting at column B
        [None, "LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", 10, "kg", 99],
        [None, "LIC-1", "2025-12", "Compra", "02/12/2025", "Tolueno", 5, "kg", ("error", "#N/A")],
        [("empty", 2), "2025-12", "Compra", "03/12/2025", "Tolueno", ("error", "#DIV/0!"), "kg",
         None],
    ]
    result = read_file("declarations", make_ods(rows), filename="d.ods", context=context)
    assert result.records["source_row"].tolist() == [5]
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (6, "Concentración %", "#N/A"),
        (7, "Nro. de Licencia", None),
        (7, "Cant.", "#DIV/0!"),
    ]
    assert "spreadsheet error '#N/A'" in result.errors[0].reason


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_with_the_same_header_is_not_the_one_read(tmp_path, context, state):
    import openpyxl

    workbook = openpyxl.Workbook()
    earlier = workbook.active
    earlier.title = "Noviembre"  # last period's copy, hidden by the operator
    earlier.sheet_state = state
    earlier.append(HEADER)
    earlier.append(["LIC-1", "2025-11", "Compra", "01/11/2025", "Tolueno", 999, "kg", 99])
    instructions = workbook.create_sheet("Instrucciones")  # visible, but no table
    instructions.append(["Llene la hoja Diciembre"])
    current = workbook.create_sheet("Diciembre")
    current.append(HEADER)
    current.append(["LIC-1", "2025-12", "Compra", "01/12/2025", "Tolueno", 10, "kg", 99])
    path = tmp_path / "d.xlsx"
    workbook.save(path)
    result = read_file("declarations", path.read_bytes(), filename="d.xlsx", context=context)
    assert result.sheet == "Diciembre"
    assert result.records["quantity"].tolist() == [10.0]


