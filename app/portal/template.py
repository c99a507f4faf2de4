"""The declaration template a company fills in: XLSX with drop-down lists, or plain CSV.

The headers and the words of the lists are data, not page text: each must be a header or a
word the declarations importer accepts (interfaces §2, `importers/words/headers.yaml` and
`importers/words/codes.yaml`), which `tests/portal/test_template.py` checks by importing a filled-in
template. So they live here per language, beside the instructions, instead of in the
translation catalogue. The data sheet comes first: the importer reads the first sheet that
has the required headers, and the instructions never form a header row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lexicon.movements import MOVEMENTS
from lexicon.units import UNITS

LANGUAGES = ("en", "es")
TEMPLATE_ROWS = 2000  # rows of the data sheet given drop-down lists
PAYMENTS = ("bank_transfer", "cash", "card", "cheque", "other")
DELIVERIES = ("delivered", "collected")


@dataclass(frozen=True)
class Column:
    """One column of the template: its canonical name, header per language, list, width."""

    name: str
    headers: dict[str, str]
    required: bool
    kind: str = "text"  # text, period, date, number, list
    width: int = 16


COLUMNS = (
    Column("licence_no", {"en": "licence_no", "es": "Nº licencia"}, True, "list", 14),
    Column("period", {"en": "period", "es": "Periodo"}, True, "period", 10),
    Column("movement", {"en": "movement", "es": "Movimiento"}, True, "list", 16),
    Column("date", {"en": "date", "es": "Fecha"}, True, "date", 12),
    Column("substance", {"en": "substance", "es": "Sustancia"}, True, "list", 30),
    Column("quantity", {"en": "quantity", "es": "Cantidad"}, True, "number", 12),
    Column("unit", {"en": "unit", "es": "Unidad"}, True, "list", 8),
    Column("concentration_pct", {"en": "concentration_pct", "es": "Concentración %"}, False,
           "number", 14),
    Column("counterparty_licence", {"en": "counterparty_licence",
                                    "es": "Licencia contraparte"}, False, "text", 16),
    Column("counterparty_name", {"en": "counterparty_name", "es": "Contraparte"}, False,
           "text", 28),
    Column("counterparty_country", {"en": "counterparty_country", "es": "País contraparte"},
           False, "text", 10),
    Column("document_ref", {"en": "document_ref", "es": "Documento"}, False, "text", 16),
    Column("payment_method", {"en": "payment_method", "es": "Forma de pago"}, False, "list", 16),
    Column("delivery", {"en": "delivery", "es": "Entrega"}, False, "list", 16),
)

# The words of each coded list, per language, in the order of the codes above.
WORDS = {
    "en": {
        "movement": dict(zip(MOVEMENTS, MOVEMENTS, strict=True)),
        "unit": dict(zip(UNITS, UNITS, strict=True)),
        "payment_method": dict(zip(PAYMENTS, PAYMENTS, strict=True)),
        "delivery": dict(zip(DELIVERIES, DELIVERIES, strict=True)),
    },
    "es": {
        "movement": dict(zip(MOVEMENTS, ("stock inicial", "compra", "importación", "producción",
                                         "venta", "exportación", "consumo", "merma",
                                         "stock final"), strict=True)),
        "unit": dict(zip(UNITS, UNITS, strict=True)),
        "payment_method": dict(zip(PAYMENTS, ("transferencia", "efectivo", "tarjeta", "cheque",
                                              "otro"), strict=True)),
        "delivery": dict(zip(DELIVERIES, ("entregado", "retiro en planta"), strict=True)),
    },
}

TEXTS = {
    "en": {
        "data": "Declaration",
        "lists": "Lists",
        "help": "Instructions",
        "title": "How to fill in the declaration",
        "intro": [
            "One row per movement of a controlled substance in the period (a month: YYYY-MM).",
            "Declare the opening stock and the closing stock of each substance too.",
            "Keep the headers of the first row as they are; add columns of your own if you "
            "wish (they are kept, not checked).",
            "Pick coded values from the drop-down lists; dates as DD/MM/YYYY or YYYY-MM-DD.",
            "Sending the file again for the same period replaces the earlier declaration "
            "(an amendment); both stay on record.",
            "Rows that cannot be accepted are listed after the upload with the row, column, "
            "value, reason and what to write instead; the good rows are stored.",
        ],
        "column": "Column",
        "required": "Required",
        "yes": "yes",
        "no": "no",
        "meaning": "What to write",
        "licence": "Your licence number: {licence}",
        "example": "Example",
        "help_rows": {
            "licence_no": ("your licence number", "{licence}"),
            "period": ("the month declared, YYYY-MM", "2025-03"),
            "movement": ("the kind of movement (list)", None),
            "date": ("the date of the movement (stocks: first or last day of the month)",
                     "15/03/2025"),
            "substance": ("the controlled substance (list), or its CAS number", None),
            "quantity": ("quantity of product, more than 0", "1250.5"),
            "unit": ("unit of the quantity (list); litres are converted with the density",
                     "kg"),
            "concentration_pct": ("% of the controlled substance in the product (empty = 100)",
                                  "99.5"),
            "counterparty_licence": ("licence number of the supplier or customer, when it has "
                                     "one", "LIC-00456"),
            "counterparty_name": ("name of the supplier or customer", "Pinturas del Sur S.A."),
            "counterparty_country": ("ISO code of its country (empty = this country)", "PE"),
            "document_ref": ("invoice, delivery note or customs declaration number",
                             "F001-000123"),
            "payment_method": ("how it was paid (list)", None),
            "delivery": ("delivered, or collected in person by the buyer (list)", None),
        },
    },
    "es": {
        "data": "Declaración",
        "lists": "Listas",
        "help": "Instrucciones",
        "title": "Cómo llenar la declaración",
        "intro": [
            "Una fila por cada movimiento de una sustancia controlada en el periodo (un mes: "
            "AAAA-MM).",
            "Declare también el stock inicial y el stock final de cada sustancia.",
            "Deje los encabezados de la primera fila como están; puede agregar columnas "
            "propias (se guardan, no se revisan).",
            "Elija los valores codificados en las listas desplegables; fechas como DD/MM/AAAA "
            "o AAAA-MM-DD.",
            "Enviar otra vez el archivo del mismo periodo reemplaza la declaración anterior "
            "(una rectificación); ambas quedan registradas.",
            "Las filas que no se pueden aceptar se listan al subir el archivo con la fila, la "
            "columna, el valor, el motivo y qué escribir en su lugar; las filas correctas se "
            "guardan.",
        ],
        "column": "Columna",
        "required": "Obligatoria",
        "yes": "sí",
        "no": "no",
        "meaning": "Qué escribir",
        "licence": "Su número de licencia: {licence}",
        "example": "Ejemplo",
        "help_rows": {
            "licence_no": ("su número de licencia", "{licence}"),
            "period": ("el mes declarado, AAAA-MM", "2025-03"),
            "movement": ("el tipo de movimiento (lista)", None),
            "date": ("la fecha del movimiento (stocks: primer o último día del mes)",
                     "15/03/2025"),
            "substance": ("la sustancia controlada (lista), o su número CAS", None),
            "quantity": ("cantidad de producto, mayor que 0", "1250,5"),
            "unit": ("unidad de la cantidad (lista); los litros se convierten con la densidad",
                     "kg"),
            "concentration_pct": ("% de la sustancia controlada en el producto (vacío = 100)",
                                  "99,5"),
            "counterparty_licence": ("número de licencia del proveedor o cliente, si tiene",
                                     "LIC-00456"),
            "counterparty_name": ("nombre del proveedor o cliente", "Pinturas del Sur S.A."),
            "counterparty_country": ("código ISO de su país (vacío = este país)", "PE"),
            "document_ref": ("número de factura, guía de remisión o declaración aduanera",
                             "F001-000123"),
            "payment_method": ("cómo se pagó (lista)", None),
            "delivery": ("entregado, o retirado en persona por el comprador (lista)", None),
        },
    },
}


def language_of(language: str | None) -> str:
    """Return a template language: the one asked for when offered, else English."""
    return language if language in LANGUAGES else "en"


def headers(language: str) -> list[str]:
    """Return the template's header row in a language."""
    return [c.headers[language_of(language)] for c in COLUMNS]


def list_values(language: str, *, substances: list[str], licence: str) -> dict[str, list[str]]:
    """Return the words of each drop-down list of the template."""
    words = WORDS[language_of(language)]
    return {"licence_no": [licence], "movement": list(words["movement"].values()),
            "substance": substances, "unit": list(words["unit"].values()),
            "payment_method": list(words["payment_method"].values()),
            "delivery": list(words["delivery"].values())}


def template_csv(language: str) -> bytes:
    """Return the CSV template: its header row (`;` and UTF-8 with BOM in Spanish, as Excel)."""
    language = language_of(language)
    out = io.StringIO()
    csv.writer(out, delimiter=";" if language == "es" else ",",
               lineterminator="\r\n").writerow(headers(language))
    return (("\ufeff" if language == "es" else "") + out.getvalue()).encode("utf-8")


def template_xlsx(language: str, *, substances: list[str], licence: str) -> bytes:
    """Return the XLSX template: data sheet with lists and formats, instructions, lists."""
    language = language_of(language)
    texts = TEXTS[language]
    book = Workbook()
    data = book.active
    data.title = texts["data"]
    lists = book.create_sheet(texts["lists"])
    values = list_values(language, substances=substances, licence=licence)
    _data_sheet(data, lists, language, values)
    _help_sheet(book.create_sheet(texts["help"]), language, values, licence)
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _data_sheet(sheet, lists, language: str, values: dict[str, list[str]]) -> None:
    """Write the header row, the formats and the drop-down lists of the data sheet."""
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    last = TEMPLATE_ROWS + 1
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(row=1, column=position, value=column.headers[language])
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[letter].width = column.width
        # Formats go on the columns, not on empty cells: a sheet of 2,000 formatted empty
        # rows would put a program's appended rows at row 2,002.
        sheet.column_dimensions[letter].number_format = {
            "period": "@", "date": "DD/MM/YYYY", "number": "#,##0.###"}.get(column.kind, "@")
        if column.name in values:
            _drop_down(sheet, lists, position, column, values[column.name], last)
    sheet.freeze_panes = "A2"


def _drop_down(sheet, lists, position: int, column: Column, words: list[str],
               last: int) -> None:
    """Put a list on the hidden sheet and a drop-down of it on the column."""
    list_column = get_column_letter(position)
    lists.cell(row=1, column=position, value=column.name)
    for row, word in enumerate(words, start=2):
        lists.cell(row=row, column=position, value=word)
    end = max(len(words) + 1, 2)
    source = f"'{lists.title}'!${list_column}$2:${list_column}${end}"
    # Lists are advice, not locks: a CAS number or a word of one's own is still accepted by
    # the importer, which says exactly what it refused.
    check = DataValidation(type="list", formula1=source, allow_blank=True,
                           showErrorMessage=False)
    letter = get_column_letter(position)
    check.add(f"{letter}2:{letter}{last}")
    sheet.add_data_validation(check)


def _help_sheet(sheet, language: str, values: dict[str, list[str]], licence: str) -> None:
    """Write the instructions: what to do, then one line per column with an example."""
    texts = TEXTS[language]
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 70
    sheet.column_dimensions["D"].width = 28
    sheet.cell(row=1, column=1, value=texts["title"]).font = Font(bold=True, size=14)
    sheet.cell(row=2, column=1, value=texts["licence"].format(licence=licence)).font = Font(
        bold=True)
    row = 4
    for line in texts["intro"]:
        cell = sheet.cell(row=row, column=1, value=f"• {line}")
        cell.alignment = Alignment(wrap_text=False)
        row += 1
    row += 1
    for position, title in enumerate((texts["column"], texts["required"], texts["meaning"],
                                      texts["example"]), start=1):
        sheet.cell(row=row, column=position, value=title).font = Font(bold=True)
    for column in COLUMNS:
        row += 1
        meaning, example = texts["help_rows"][column.name]
        if example is None:
            example = ", ".join(values.get(column.name, [])[:6])
        sheet.cell(row=row, column=1, value=column.headers[language])
        sheet.cell(row=row, column=2, value=texts["yes"] if column.required else texts["no"])
        sheet.cell(row=row, column=3, value=meaning)
        sheet.cell(row=row, column=4, value=example.format(licence=licence))
