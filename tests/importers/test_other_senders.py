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
