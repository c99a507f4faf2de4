"""Files written the way other senders of the region write them (second audit).

Each case was tried against the readers and found wrong: a value read as something else,
good rows lost or refused, or a message that did not say why. The tests pin the fix.
"""

from __future__ import annotations

import pytest

from importers import read_file

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
