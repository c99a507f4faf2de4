"""What users really send by mistake: each refused file or row says exactly why."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

import pytest

from importers import FileRejected, Limits, RowError, iter_file, read_file

HEADER = ["licence_no", "period", "movement", "date", "substance", "quantity", "unit"]
GOOD = ["LIC-1", "2025-03", "sale", "2025-03-02", "toluene", "5", "kg"]


def _rejected(data: bytes, context, filename: str = "decl.csv", **kwargs) -> str:
    with pytest.raises(FileRejected) as caught:
        read_file("declarations", data, filename=filename, context=context, **kwargs)
    return str(caught.value)


def _row(make_csv, context, **cells: str) -> list[RowError]:
    row = dict(zip(HEADER, GOOD, strict=True)) | cells
    data = make_csv([HEADER, [row[h] for h in HEADER]])
    return read_file("declarations", data, filename="decl.csv", context=context).errors


def test_empty_file(context):
    assert _rejected(b"", context) == "decl.csv: the file is empty"
    assert _rejected(b"\r\n \r\n", context) == "decl.csv: the file is empty"


def test_header_only_gives_no_records_and_no_errors(make_csv, context):
    result = read_file("declarations", make_csv([HEADER]), filename="decl.csv", context=context)
    assert result.rows_read == 0
    assert result.errors == []
    assert len(result.records) == 0
    assert "quantity_kg" in result.records.columns
    assert "source_row" in result.records.columns


def test_binary_garbage_named_csv(context):
    garbage = bytes(range(256)) * 40
    assert _rejected(garbage, context) == "decl.csv: not a CSV or spreadsheet file (binary content)"


def test_pdf_named_csv(context):
    message = _rejected(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", context)
    assert message == "decl.csv: not a CSV or spreadsheet file (a PDF document)"


def test_xlsx_that_is_a_renamed_csv_is_read_as_csv(make_csv, context):
    data = make_csv([HEADER, GOOD])
    result = read_file("declarations", data, filename="decl.xlsx", context=context)
    assert result.records["licence_no"].tolist() == ["LIC-1"]
    assert result.warnings == ["decl.xlsx contains CSV text, not a workbook; read as CSV"]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_bomb_disguised_as_xlsx(context):
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(4_000_000)})
    limits = Limits(ratio_min_bytes=1_000_000)
    message = _rejected(bomb, context, filename="decl.xlsx", limits=limits)
    assert message.startswith("decl.xlsx: workbook member xl/worksheets/sheet1.xml expands ")
    assert message.endswith("-fold (more than 200): refused as a possible zip bomb")
    small = Limits(max_uncompressed=1_000_000)
    message = _rejected(bomb, context, filename="decl.xlsx", limits=small)
    assert message == (
        "decl.xlsx: workbook expands to 3.8 MB, more than the 1,000,000 bytes allowed: "
        "refused as a possible zip bomb"
    )


def test_zip_that_is_not_a_workbook(context):
    archive = _zip({"word/document.xml": b"<w/>"})
    message = _rejected(archive, context, filename="decl.xlsx")
    assert message == "decl.xlsx: a zip archive that is not an XLSX or ODS workbook"


def test_damaged_workbook(context):
    broken = _zip({"xl/workbook.xml": b"<not xml", "[Content_Types].xml": b"?"})
    assert _rejected(broken, context, filename="decl.xlsx").startswith(
        "decl.xlsx: cannot read the workbook ("
    )


def test_oversized_file(make_csv, context):
    data = make_csv([HEADER, GOOD])
    message = _rejected(data, context, limits=Limits(max_bytes=50))
    assert message == f"decl.csv: file is {len(data)} bytes, more than the 50 bytes allowed"


def test_oversized_file_on_disk_is_refused_before_reading(tmp_path, context):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(3 * 2**20)  # sparse: nothing is written, nothing is read
    with pytest.raises(FileRejected, match=r"huge.csv: file is 3.0 MB, more than the 2.0 MB"):
        iter_file("declarations", path, filename="huge.csv", context=context,
                  limits=Limits(max_bytes=2 * 2**20))
    os.remove(path)


def test_missing_required_column(make_csv, context):
    data = make_csv([["Licencia", "Periodo", "Movimiento", "Fecha", "Sustancia", "Unidad"],
                     ["LIC-1", "2025-03", "venta", "02/03/2025", "tolueno", "kg"]])
    assert _rejected(data, context) == (
        "decl.csv: missing required column 'quantity' (found: 'Licencia', 'Periodo', "
        "'Movimiento', 'Fecha', 'Sustancia', 'Unidad')"
    )


def test_missing_column_in_a_workbook_names_the_sheet(make_xlsx, context):
    data = make_xlsx({"Hoja1": [["Licencia", "Periodo", "Movimiento", "Fecha", "Sustancia",
                                 "Unidad"]]})
    assert _rejected(data, context, filename="d.xlsx") == (
        "d.xlsx: sheet 'Hoja1': missing required column 'quantity' (found: 'Licencia', "
        "'Periodo', 'Movimiento', 'Fecha', 'Sustancia', 'Unidad')"
    )


def test_duplicate_columns(make_csv, context):
    data = make_csv([[*HEADER, "Cantidad"], [*GOOD, "6"]])
    assert _rejected(data, context) == (
        "decl.csv: columns 'quantity' and 'Cantidad' both mean 'quantity'"
    )


def test_unknown_substance(make_csv, context):
    assert _row(make_csv, context, substance="xilol") == [
        RowError(2, "substance", "xilol", "unknown substance 'xilol'")
    ]


def test_unknown_licence_is_refused_and_unlicensed_substance_kept_with_a_warning(
    make_csv, registry_context
):
    rows = [
        HEADER,
        ["LIC-9", "2025-03", "sale", "2025-03-02", "toluene", "5", "kg"],
        ["lic 1", "2025-03", "sale", "2025-03-02", "efedrina", "5", "kg"],
        ["lic 1", "2025-03", "sale", "2025-03-02", "tolueno", "5", "kg"],
        ["LIC-1", "2025-03", "sale", "2025-03-03", "efedrina", "2", "kg"],
        ["LIC-1", "2025-03", "sale", "2025-03-04", "efedrina", "-2", "kg"],
    ]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=registry_context)
    assert result.errors == [
        RowError(2, "licence_no", "LIC-9", "unknown licence 'LIC-9': not in the registry"),
        RowError(6, "quantity", "-2", "must be greater than 0"),
    ]
    # A substance the licence does not cover is what the operator really did: the licence
    # rule reports it, so it is stored (a refused row would hide the finding) and counted.
    records = result.records
    assert records["licence_no"].tolist() == ["LIC-1"] * 3  # the registry's spelling
    assert records["substance_code"].tolist() == ["ephedrine", "toluene", "ephedrine"]
    assert result.warnings == [
        "2 row(s) declare a substance the licence does not cover (LIC-1: ephedrine); "
        "stored: the licence rule reports them"
    ]


@pytest.mark.parametrize(
    ("quantity", "reason"),
    [
        ("-5", "must be greater than 0"),
        ("0", "must be greater than 0"),
        ("cinco", "not a number: 'cinco'"),
        ("5 cajas", "not a number: '5 cajas'"),  # a number with a unit: see test_real_world_files
        ("=2*3", "not a number: '=2*3'"),
        ("", "required value is missing"),
    ],
)
def test_bad_quantities(make_csv, context, quantity, reason):
    expected_value = quantity or None
    assert _row(make_csv, context, quantity=quantity) == [
        RowError(2, "quantity", expected_value, reason)
    ]


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("31/02/2025", "not a real date: '31/02/2025'"),
        ("2025-02-29", "not a real date: '2025-02-29'"),
        ("marzo", "not a date: 'marzo' (write YYYY-MM-DD or DD/MM/YYYY)"),
    ],
)
def test_impossible_dates(make_csv, context, date, reason):
    assert _row(make_csv, context, date=date) == [RowError(2, "date", date, reason)]


def test_date_in_the_future_when_today_is_known(make_csv, context):
    context.today = dt.date(2025, 3, 10)
    assert _row(make_csv, context, date="11/03/2025") == [
        RowError(2, "date", "11/03/2025", "date 2025-03-11 is in the future")
    ]
    assert _row(make_csv, context, date="10/03/2025") == []


def test_date_outside_its_period(make_csv, context):
    assert _row(make_csv, context, date="15/04/2025") == [
        RowError(2, "date", "15/04/2025", "date 2025-04-15 is outside the period 2025-03")
    ]


def test_one_day_of_grace_at_period_edges_is_said(make_csv, context):
    rows = [
        HEADER,
        ["LIC-1", "2025-03", "stock inicial", "28/02/2025", "toluene", "5", "kg"],
        ["LIC-1", "2025-03", "stock final", "01/04/2025", "toluene", "5", "kg"],
        ["LIC-1", "2025-03", "venta", "27/02/2025", "toluene", "5", "kg"],
    ]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=context)
    assert [e.row for e in result.errors] == [4]
    assert result.warnings == [
        "2 row(s) dated one day outside their period were accepted in column 'date' "
        "(stocks are often dated the day before or after the period)"
    ]


def test_unknown_period(make_csv, context):
    assert _row(make_csv, context, period="2025-13") == [
        RowError(2, "period", "2025-13", "not a period: '2025-13' (write YYYY-MM, e.g. 2025-03)")
    ]


def test_unknown_coded_values_list_the_accepted_ones(make_csv, context):
    assert _row(make_csv, context, movement="regalo", unit="varas") == [
        RowError(2, "movement", "regalo",
                 "unknown movement 'regalo' (accepted: opening_stock, purchase, import, "
                 "production, sale, export, consumption, loss, closing_stock)"),
        RowError(2, "unit", "varas", "unknown unit 'varas' (accepted: kg, g, t, L, gal, mL)"),
    ]


def test_volume_of_a_substance_without_density(make_csv, context):
    assert _row(make_csv, context, substance="efedrina", unit="L") == [
        RowError(2, "unit", "L", "ephedrine has no known density: declare it by mass (kg, g, t)")
    ]


def test_cells_that_look_like_formulas_stay_text(make_csv, context):
    header = [*HEADER, "counterparty_name", "document_ref", "counterparty_licence", "notes"]
    row = [*GOOD, "=HYPERLINK(\"http://evil\")", "+51 1 234", "-LIC", "@SUM(A1:A9)"]
    result = read_file("declarations", make_csv([header, row]), filename="d.csv", context=context)
    record = result.records.iloc[0]
    assert record["counterparty_name"] == '=HYPERLINK("http://evil")'
    assert record["document_ref"] == "+51 1 234"
    assert record["counterparty_licence"] == "-LIC"
    assert record["extra"] == {"notes": "@SUM(A1:A9)"}


def test_unclosed_quote(context):
    text = (
        "licence_no;period;movement;date;substance;quantity;unit\n"
        "LIC-1;2025-03;sale;2025-03-02;toluene;5;kg\n"
        'LIC-1;2025-03;sale;"2025-03-02;toluene;5;kg\n'
    )
    assert _rejected(text.encode(), context) == (
        'decl.csv: a quote (") opened on line 3 is never closed: the file cannot be read past it'
    )


def test_file_that_has_no_columns(context):
    assert _rejected(b"hello world\nnothing to see\n", context) == (
        "decl.csv: no header row found: the file has no separated columns"
    )
