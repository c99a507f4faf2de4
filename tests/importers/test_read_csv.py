"""CSV as Latin American spreadsheet software writes it: encodings, separators, decimals."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from importers import RowError, iter_file, read_file

CANONICAL = ["licence_no", "period", "movement", "date", "substance", "quantity", "unit"]


def test_utf8_comma_separated_with_decimal_point(make_csv, context):
    data = make_csv(
        [
            [*CANONICAL, "concentration_pct"],
            ["LIC-1", "2025-03", "purchase", "2025-03-05", "toluene", "1,234.5", "kg", "99.5"],
            ["LIC-1", "2025-03", "sale", "2025-03-06", "108-88-3", "12", "kg", ""],
        ],
        sep=",",
    )
    result = read_file("declarations", data, filename="decl.csv", context=context)
    assert result.errors == []
    assert result.encoding == "utf-8"
    assert result.records["quantity"].tolist() == [1234.5, 12.0]
    assert result.records["concentration_pct"].tolist() == [99.5, 100.0]
    assert result.records["quantity_kg"].tolist() == pytest.approx([1228.3275, 12.0])
    assert result.records["date"].tolist() == [dt.date(2025, 3, 5), dt.date(2025, 3, 6)]
    assert result.records["source_row"].tolist() == [2, 3]


def test_utf8_with_bom_reads_the_first_header(make_csv, context):
    data = b"\xef\xbb\xbf" + make_csv(
        [CANONICAL, ["LIC-1", "2025-03", "sale", "2025-03-06", "tolueno", "3", "kg"]]
    )
    result = read_file("declarations", data, filename="decl.csv", context=context)
    assert result.encoding == "utf-8-sig"
    assert result.records["licence_no"].tolist() == ["LIC-1"]


def test_windows_1252_semicolon_spanish_headers_decimal_comma(make_csv, context):
    rows = [
        ["Nº licencia", "Período", "Movimiento", "Fecha", "Sustancia", "Cantidad", "Unidad",
         "Concentración %", "Razón social contraparte", "Forma de pago", "Entrega"],
        ["LIC-1", "03/2025", "Compra", "05/03/2025", "Ácido clorhídrico", "1.234,5", "litros",
         "37", "Química Andina S.A.C.", "transferencia", "entregado"],
        ["LIC-1", "ene-2025", "Stock inicial", "1/1/2025", "Tolueno", "0,75", "kg", "", "",
         "", ""],
    ]
    result = read_file("declarations", make_csv(rows, encoding="cp1252"), filename="d.csv",
                       context=context)
    assert result.errors == []
    assert result.encoding == "cp1252"
    records = result.records
    assert records["period"].tolist() == ["2025-03", "2025-01"]
    assert records["movement"].tolist() == ["purchase", "opening_stock"]
    assert records["substance_text"].tolist() == ["Ácido clorhídrico", "Tolueno"]
    assert records["counterparty_name"].tolist() == ["Química Andina S.A.C.", None]
    assert records["quantity"].tolist() == [1234.5, 0.75]
    assert records["unit"].tolist() == ["L", "kg"]
    assert records["density_kg_per_l"].tolist()[0] == 1.18
    assert math.isnan(records["density_kg_per_l"].tolist()[1])
    # 1234.5 L x 1.18 kg/L x 37 %
    assert records["quantity_kg"].tolist() == pytest.approx([1234.5 * 1.18 * 0.37, 0.75])
    assert records["payment_method"].tolist() == ["bank_transfer", None]
    assert records["delivery"].tolist() == ["delivered", None]
    assert records["counterparty_country"].tolist() == ["PE", "PE"]


def test_tab_separated(make_csv, context):
    data = make_csv(
        [CANONICAL, ["LIC-1", "2025-03", "consumo", "31.03.2025", "toluene", "2,5", "kg"]],
        sep="\t",
    )
    result = read_file("declarations", data, filename="decl.txt", context=context)
    assert result.errors == []
    assert result.records["movement"].tolist() == ["consumption"]
    assert result.records["quantity"].tolist() == [2.5]
    assert result.records["date"].tolist() == [dt.date(2025, 3, 31)]


def test_portuguese_headers_and_words(make_csv, context):
    rows = [
        ["Número de licença", "Competência", "Movimento", "Data", "Substância", "Quantidade",
         "Unidade", "Forma de pagamento", "País"],
        ["LIC-1", "2025-03", "Venda", "10/03/2025", "tolueno", "10", "quilogramas", "dinheiro",
         "Brasil"],
        ["LIC-1", "2025-03", "Estoque final", "31/03/2025", "tolueno", "1,5", "t", "", "BR"],
    ]
    result = read_file("declarations", make_csv(rows), filename="mov.csv", context=context)
    assert result.errors == []
    records = result.records
    assert records["movement"].tolist() == ["sale", "closing_stock"]
    assert records["unit"].tolist() == ["kg", "t"]
    assert records["quantity_kg"].tolist() == [10.0, 1500.0]
    assert records["payment_method"].tolist() == ["cash", None]
    assert records["counterparty_country"].tolist() == ["BR", "BR"]


def test_utf16_tab_text_as_excel_saves_unicode_text(context):
    text = "licence_no\tperiod\tmovement\tdate\tsubstance\tquantity\tunit\r\n"
    text += "LIC-1\t2025-03\tventa\t2025-03-02\tÁcido muriático\t5\tkg\r\n"
    result = read_file("declarations", text.encode("utf-16"), filename="u.txt", context=context)
    assert result.encoding == "utf-16"
    assert result.records["substance_code"].tolist() == ["hydrochloric_acid"]


def test_title_rows_blank_lines_and_long_rows_keep_true_line_numbers(context):
    text = (
        "Declaración mensual;;;;;;\n"
        "\n"
        "licence_no;period;movement;date;substance;quantity;unit\n"  # line 3
        "LIC-1;2025-03;sale;2025-03-02;toluene;5;kg\n"  # line 4
        "\n"
        "LIC-1;2025-03;sale;2025-03-02;toluene;5;kg;surplus\n"  # line 6: one field too many
        "LIC-1;2025-03;sale;2025-03-02;toluene;-5;kg\n"  # line 7
    )
    result = read_file("declarations", text.encode(), filename="d.csv", context=context)
    assert result.records["source_row"].tolist() == [4]
    assert result.errors == [
        RowError(6, None, None, "expected 7 fields, found more: the row goes on with 'surplus'"),
        RowError(7, "quantity", "-5", "must be greater than 0"),
    ]
    assert result.rows_read == 3


def test_quoted_cell_over_two_lines_does_not_shift_later_rows(context):
    text = (
        "licence_no,period,movement,date,substance,quantity,unit,notes\n"
        'LIC-1,2025-03,sale,2025-03-02,toluene,5,kg,"first line\nsecond line"\n'  # lines 2-3
        "LIC-1,2025-03,sale,2025-03-02,toluene,x,kg,\n"  # line 4
    )
    result = read_file("declarations", text.encode(), filename="d.csv", context=context)
    assert result.records["extra"].tolist() == [{"notes": "first line\nsecond line"}]
    assert result.errors == [RowError(4, "quantity", "x", "not a number: 'x'")]


def test_extra_columns_are_kept_per_row(make_csv, context):
    rows = [
        [*CANONICAL, "Observaciones", "Lote"],
        ["LIC-1", "2025-03", "sale", "2025-03-02", "toluene", "5", "kg", "urgente", "L-7"],
        ["LIC-1", "2025-03", "sale", "2025-03-03", "toluene", "6", "kg", "", ""],
        ["LIC-1", "2025-03", "sale", "2025-03-04", "toluene", "7", "kg", "", " L-8 "],
    ]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert result.records["extra"].tolist() == [
        {"Observaciones": "urgente", "Lote": "L-7"},
        None,
        {"Lote": "L-8"},
    ]


def test_unnamed_and_repeated_extra_columns_are_kept_under_distinct_names(context):
    text = (
        "sep=;\r\n"  # Excel's separator hint line
        "licence_no;period;movement;date;substance;quantity;unit;;Obs;Obs\r\n"
        "LIC-1;2025-03;sale;2025-03-02;toluene;5;kg;z;a;b\r\n"
    )
    result = read_file("declarations", text.encode(), filename="d.csv", context=context)
    assert result.records["extra"].tolist() == [{"column 8": "z", "Obs": "a", "Obs'": "b"}]
    assert result.records["source_row"].tolist() == [3]


def test_small_chunks_give_the_same_result_as_one(make_csv, context):
    rows = [CANONICAL] + [
        ["LIC-1", "2025-03", "sale", f"2025-03-{day:02d}", "toluene", f"{day},5", "kg"]
        for day in range(1, 8)
    ]
    rows[5][5] = "oops"
    data = make_csv(rows)
    chunks = list(iter_file("declarations", data, filename="d.csv", context=context, chunk_rows=3))
    assert [c.rows_read for c in chunks] == [3, 3, 1]
    assert [r for c in chunks for r in c.records["source_row"]] == [2, 3, 4, 5, 7, 8]
    assert [e.row for c in chunks for e in c.errors] == [6]
    whole = read_file("declarations", data, filename="d.csv", context=context)
    assert whole.records["quantity"].tolist() == [1.5, 2.5, 3.5, 4.5, 6.5, 7.5]


def test_substances_are_resolved_once_per_distinct_text(make_csv, context, catalogue):
    rows = [CANONICAL] + [
        ["LIC-1", "2025-03", "sale", "2025-03-02", name, "1", "kg"]
        for name in ["toluene", "tolueno", "toluene", "tolueno", "toluene"]
    ]
    read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert sorted(catalogue.calls) == ["toluene", "tolueno"]


def test_ambiguous_thousands_are_read_by_the_separator_and_said(make_csv, context):
    rows = [CANONICAL, ["LIC-1", "2025-03", "sale", "2025-03-02", "toluene", "1.250", "kg"]]
    semicolon = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    comma = read_file("declarations", make_csv(rows, sep=","), filename="d.csv", context=context)
    assert semicolon.records["quantity"].tolist() == [1250.0]
    assert comma.records["quantity"].tolist() == [1.25]
    assert semicolon.warnings == [
        "column 'quantity': numbers such as 1.250 or 1,250 could be read either way; read with "
        "a decimal comma because the file is separated by semicolons"
    ]
