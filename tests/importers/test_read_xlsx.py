"""Workbooks: the right sheet, a header below title rows, real dates and serial numbers."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from importers import FileRejected, RowError, read_file

REGISTRY_HEADERS = [
    "Nº de licencia", "Razón social", "RUC", "Actividad", "Sustancia", "Cupo anual (kg)",
    "Vigencia desde", "Vigencia hasta", "Estado", "Departamento", "Actividad económica",
]
REGISTRY_ROWS = [
    ["LIC-00123", "Química Andina S.A.C.", "20100070970", "importador|distribuidor", "Tolueno",
     "12.500", "01/01/2025", "31/12/2026", "vigente", "Lima", "2022 Fabricación de pinturas"],
    ["LIC-00124", "Farma Sur S.A.", "20.512.345-678", "laboratorio farmacéutico",
     "clorhidrato de efedrina", "", "15/03/2024", "14/03/2025", "suspendida", "Arequipa", ""],
]


def test_first_sheet_with_the_headers_title_rows_and_real_dates(make_xlsx, context):
    data = make_xlsx({
        "Instrucciones": [["Complete la hoja Datos"], ["Fecha", "no es un encabezado"]],
        "Datos": [
            ["Declaración mensual de movimientos"],
            [],
            ["Licencia", "Periodo", "Movimiento", "Fecha", "Sustancia", "Cantidad", "Unidad"],
            ["LIC-1", "2025-03", "Venta", dt.date(2025, 3, 5), "tolueno", 12.5, "kg"],
            ["LIC-1", dt.date(2025, 3, 1), "Compra", 45722, "tolueno", "1.234,5", "kg"],
            ["LIC-1", "2025-03", "Consumo", dt.datetime(2025, 3, 7, 14, 30), "tolueno", 3, "L"],
            ["LIC-1", "2025-03", "Merma", "31/02/2025", "tolueno", 1, "kg"],
        ],
    })
    result = read_file("declarations", data, filename="decl.xlsx", context=context)
    assert result.sheet == "Datos"
    assert result.encoding is None
    records = result.records
    assert records["source_row"].tolist() == [4, 5, 6]
    assert records["date"].tolist() == [
        dt.date(2025, 3, 5), dt.date(2025, 3, 6), dt.date(2025, 3, 7)
    ]
    assert records["period"].tolist() == ["2025-03", "2025-03", "2025-03"]
    assert records["quantity"].tolist() == [12.5, 1234.5, 3.0]
    assert records["quantity_kg"].tolist()[2] == pytest.approx(3 * 0.867)
    assert result.errors == [RowError(7, "Fecha", "31/02/2025", "not a real date: '31/02/2025'")]


def test_numbers_stored_as_numbers_keep_identifiers_without_decimals(make_xlsx, context):
    data = make_xlsx({"Hoja1": [
        ["licence_no", "period", "movement", "date", "substance", "quantity", "unit",
         "document_ref"],
        ["LIC-1", 202503, "sale", "2025-03-02", "toluene", 5, "kg", 1234567],
    ]})
    result = read_file("declarations", data, filename="d.xlsx", context=context)
    assert result.errors == []
    assert result.records["period"].tolist() == ["2025-03"]
    assert result.records["document_ref"].tolist() == ["1234567"]


def test_formulas_are_never_evaluated(tmp_path, context):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["licence_no", "period", "movement", "date", "substance", "quantity", "unit",
                  "counterparty_name", "document_ref"])
    sheet.append(["LIC-1", "2025-03", "sale", "2025-03-02", "toluene", "=2*3", "kg",
                  "x", "y"])
    sheet.append(["LIC-1", "2025-03", "sale", "2025-03-02", "toluene", 1, "kg", None, None])
    for column, text in (("H", "=HYPERLINK(\"http://x\")"), ("I", "@SUM(A1)")):
        cell = sheet[f"{column}3"]
        cell.value, cell.data_type = text, "s"  # text cells that look like formulas
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    result = read_file("declarations", path, filename="f.xlsx", context=context)
    # The formula cell has no cached value: it is empty, never computed to 6.
    assert result.errors == [RowError(2, "quantity", None, "required value is missing")]
    assert result.records["counterparty_name"].tolist() == ['=HYPERLINK("http://x")']
    assert result.records["document_ref"].tolist() == ["@SUM(A1)"]


def test_same_registry_as_csv_1252_and_as_xlsx_gives_identical_records(
    make_csv, make_xlsx, context
):
    as_csv = read_file(
        "registry",
        make_csv([REGISTRY_HEADERS, *REGISTRY_ROWS], encoding="cp1252"),
        filename="registro.csv",
        context=context,
    )
    typed_rows = [
        [*row[:5], 12500 if row[5] else None, dt.datetime.strptime(row[6], "%d/%m/%Y"),
         dt.datetime.strptime(row[7], "%d/%m/%Y").date(), *row[8:]]
        for row in REGISTRY_ROWS
    ]
    as_xlsx = read_file(
        "registry",
        make_xlsx({"Registro": [REGISTRY_HEADERS, *typed_rows]}),
        filename="registro.xlsx",
        context=context,
    )
    assert as_csv.errors == as_xlsx.errors == []
    pd.testing.assert_frame_equal(as_csv.records, as_xlsx.records)
    first = as_csv.records.iloc[0].to_dict()
    assert first == {
        "licence_no": "LIC-00123",
        "operator_name": "Química Andina S.A.C.",
        "tax_id": "20100070970",
        "tax_id_key": "20100070970",
        "activities": ("importer", "distributor"),
        "substance_code": "toluene",
        "substance_text": "Tolueno",
        "annual_quota_kg": 12500.0,
        "valid_from": dt.date(2025, 1, 1),
        "valid_to": dt.date(2026, 12, 31),
        "status": "active",
        "region": "Lima",
        "sector": "2022 Fabricación de pinturas",
        "source_row": 2,
        "extra": None,
    }
    assert as_csv.records["tax_id_key"].tolist()[1] == "20512345678"
    assert as_csv.records["activities"].tolist()[1] == ("pharma",)


def test_opendocument_spreadsheet(make_ods, context):
    data = make_ods([
        ["Movimientos marzo"],
        ["Licencia", "Periodo", "Movimiento", "Fecha", "Sustancia", "Cantidad", "Unidad"],
        ["LIC-1", "2025-03", "venta", "05/03/2025", "tolueno", 2.5, "kg"],
        ["LIC-1", "2025-03", "venta", "05/03/2025", "tolueno", "dos", "kg"],
    ])
    result = read_file("declarations", data, filename="mov.ods", context=context)
    assert result.sheet == "Hoja1"
    assert result.records["quantity"].tolist() == [2.5]
    assert result.records["source_row"].tolist() == [3]
    assert result.errors == [RowError(4, "Cantidad", "dos", "not a number: 'dos'")]


def test_legacy_file_that_is_no_workbook_is_refused(context):
    with pytest.raises(FileRejected, match=r"^old.xls: cannot read the workbook \("):
        read_file("declarations", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000),
                  filename="old.xls", context=context)
