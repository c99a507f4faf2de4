"""Property-based tests: files made by hypothesis never crash the readers or escape the bounds.

Whatever the bytes (random, truncated, mixed encodings, control characters, huge or far
cells), reading a file either refuses it whole (`FileRejected`, one bounded line) or gives
records and row errors that keep every promise of issue 12: no control character and no
value over its column's limit in what would be stored, messages quoting at most ~200
characters of a value, memory bounded. No other exception, ever.

CI runs the `ci` profile (a few dozen examples per test; the counts are printed by
`--hypothesis-show-statistics`). A long campaign: `pytest tests/importers/test_properties.py
--hypothesis-profile=campaign --hypothesis-show-statistics -p no:xdist` (docs/security.md).
"""

from __future__ import annotations

import io
import resource
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.catalogue import load_catalogue
from importers import FileRejected, ReadContext, RowError, read_file
from importers.fields import CELL
from importers.formats import Limits
from importers.text import UNSAFE_IN_CELL
from tests.builders import write_sheet_xml

PEAK_MB = 1024  # resident memory of the whole test process, whatever the file
FEEDS = ["declarations", "customs", "registry", "baselines", "export_notifications"]
HEADERS = [
    "licence_no", "Nº licencia", "period", "Periodo", "movement", "Tipo de movimiento", "date",
    "Fecha", "substance", "Sustancia", "quantity", "Cantidad (Kg)", "unit", "Unidad",
    "concentration_pct", "counterparty_name", "document_ref", "declaration_no", "item_no",
    "flow", "hs_code", "goods_description", "net_mass_kg", "trader_tax_id", "partner_country",
    "operator_name", "tax_id", "activity", "valid_from", "valid_to", "status", "year",
    "quantity_kg", "notification_ref", "exporter_licence", "importer_name", "importing_country",
    "TOTAL", "Observaciones",
]
WORDS = [
    "LIC-001", "acetone", "acetona", "Ácido clorhídrico 33%", "2025-01", "2025-01-10",
    "10/01/2025", "compra", "venta", "kg", "L", "1.234,5", "1,234.5", "1e300", "-5", "0",
    "=1+2", "@SUM(A1)", "#N/A", "N/A", "TOTAL", "", " ", "20100000001", "2915.24.00", "US",
    "PE", "active", "importer", "Química Andina S.A.C.", "\x00", "\x1b[2J", "\u202e",
    "\u200b", "\x85", "\ufeff", "\r\n", '"', ";", ",", "\t",
]
CELLS = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=40),
    st.builds(lambda char, n: char * n, st.sampled_from(["x", "é", ";", '"', "\n", "\x00"]),
              st.integers(0, 40_000)),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "mixed"])


@pytest.fixture(scope="module")
def context() -> ReadContext:
    """Return what the readers may know: the real catalogue, no registry."""
    return ReadContext(catalogue=load_catalogue([]), home_country="PE")


def assert_bounded(feed: str, data: bytes, context: ReadContext, filename: str) -> None:
    """Read a file; assert it is refused in one line, or read keeping every promise."""
    try:
        result = read_file(feed, data, filename=filename, context=context,
                           limits=Limits(max_rows=5_000, max_sheet_cells=200_000))
    except FileRejected as rejected:
        message = str(rejected)
        assert len(message) < 1600 and UNSAFE_IN_CELL.search(message) is None
        return
    for error in result.errors:
        assert isinstance(error, RowError)
        assert error.value is None or len(error.value) <= 230
        assert len(error.reason) <= 640
        for text in (error.value or "", error.reason, error.column or ""):
            assert UNSAFE_IN_CELL.search(text) is None, error
    records = result.records
    for name in records.columns:
        if records[name].dtype != object:
            continue
        for value in records[name]:
            if isinstance(value, str):
                assert UNSAFE_IN_CELL.search(value) is None, (name, value)
                assert len(value) <= CELL, name
            elif isinstance(value, dict):  # the extra columns
                for key, text in value.items():
                    assert UNSAFE_IN_CELL.search(key + text) is None
                    assert len(text) <= CELL
    assert result.rows_read >= len(records)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 < PEAK_MB


def _encode(text: str, encoding: str) -> bytes:
    """Encode text as a file would be, `mixed`: lines alternately UTF-8 and Windows-1252."""
    if encoding != "mixed":
        return text.encode(encoding, errors="replace")
    lines = text.splitlines(keepends=True)
    return b"".join(line.encode("utf-8" if i % 2 else "cp1252", errors="replace")
                    for i, line in enumerate(lines))


@given(data=st.binary(max_size=4096), feed=st.sampled_from(FEEDS))
def test_random_bytes_never_crash_the_reader(context, data, feed):
    assert_bounded(feed, data, context, "random.csv")


@given(
    feed=st.sampled_from(FEEDS),
    header=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=20)), min_size=1,
                    max_size=16),
    rows=st.lists(st.lists(CELLS, max_size=18), max_size=30),
    separator=st.sampled_from([";", ",", "\t"]),
    quote=st.booleans(),
    encoding=ENCODINGS,
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_generated_csv_files_are_refused_or_read_within_bounds(
        context, feed, header, rows, separator, quote, encoding, cut):
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if quote else text

    lines = [separator.join(cell(c) for c in line) for line in [header, *rows]]
    data = _encode("\n".join(lines) + "\n", encoding)
    if cut is not None:  # a truncated upload
        data = data[: int(len(data) * cut)]
    assert_bounded(feed, data, context, "generado.csv")


def _letters(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


@given(
    feed=st.sampled_from(FEEDS),
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=14),
    rows=st.lists(st.lists(CELLS.filter(lambda t: len(t) < 2000), max_size=14), max_size=20),
    far=st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384)), max_size=3),
    sheet=st.text(min_size=1, max_size=250),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_generated_workbooks_are_refused_or_read_within_bounds(
        context, tmp_path_factory, feed, header, rows, far, sheet, cut):
    cells = {1: [(f"{_letters(i + 1)}1", text) for i, text in enumerate(header)]}
    for number, line in enumerate(rows, start=2):
        cells[number] = [(f"{_letters(i + 1)}{number}", text) for i, text in enumerate(line)]
    for row, column in far:  # stray cells anywhere up to XFD1048576
        cells.setdefault(row, []).append((f"{_letters(column)}{row}", "x"))
    for row in cells:
        cells[row] = sorted(set(cells[row]), key=lambda c: (len(c[0]), c[0]))
    path = write_sheet_xml(tmp_path_factory.mktemp("xlsx") / "libro.xlsx", cells,
                           sheet=_xml_safe(sheet))
    data = path.read_bytes()
    if cut is not None:
        data = data[: int(len(data) * cut)]
    assert_bounded(feed, data, context, "libro.xlsx")


def _xml_safe(text: str) -> str:
    """Keep the characters an XML attribute may hold (others make calamine refuse the file)."""
    kept = "".join(c for c in text if c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF
                   or 0xE000 <= ord(c) <= 0xFFFD)
    return kept or "Hoja"


def test_an_odd_xml_layout_goes_the_exact_way_and_keeps_the_bounds(context, tmp_path):
    """Cells without their `r` attribute, namespaced tags: the slow, exact extent."""
    path = write_sheet_xml(tmp_path / "raro.xlsx", {1: [("A1", "licence_no")]})
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    row = "<x:row>" + "<x:c t=\"inlineStr\"><x:is><x:t>1</x:t></x:is></x:c>" * 40 + "</x:row>"
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><x:sheetData>' + row * 30 + '<x:row r="1048576">'
        '<x:c r="XFD1048576" t="inlineStr"><x:is><x:t>far</x:t></x:is></x:c></x:row>'
        "</x:sheetData></x:worksheet>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    with pytest.raises(FileRejected, match="column XFD"):
        read_file("declarations", buffer.getvalue(), filename="raro.xlsx", context=context)


def test_the_extent_scan_agrees_with_calamine_on_a_plain_sheet(tmp_path):
    from python_calamine import CalamineWorkbook

    from importers.sheet_extent import sheet_extent

    rng = np.random.default_rng(12)
    cells: dict[int, list[tuple[str, str]]] = {}
    for row, column in zip(rng.integers(3, 4000, 300), rng.integers(2, 60, 300), strict=True):
        cells.setdefault(int(row), []).append((f"{_letters(int(column))}{row}", "v"))
    for row in cells:
        cells[row] = sorted(set(cells[row]), key=lambda c: (len(c[0]), c[0]))
    path = write_sheet_xml(Path(tmp_path) / "disperso.xlsx", cells)
    with zipfile.ZipFile(path) as archive:
        extent = sheet_extent(archive, "xl/worksheets/sheet1.xml", budget=10**9)
    loaded = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Hoja1")
    # calamine's grid starts at the first cell; the scan counts rows from row 1 (an upper bound)
    assert extent.columns == loaded.width
    assert extent.rows == max(cells) >= loaded.height
    assert extent.cells == sum(len(c) for c in cells.values())


def test_formatted_empty_cells_far_away_do_not_refuse_a_sheet(context, tmp_path):
    """calamine leaves out a cell without a value: formatting down to XFD1048576 is harmless."""
    from tests.builders import DECLARATION_HEADER, sheet_rows

    path = write_sheet_xml(tmp_path / "formato.xlsx", sheet_rows(
        DECLARATION_HEADER, ["LIC-001;2025-01;purchase;2025-01-10;acetone;5;kg;"]))
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    result = read_file("declarations", buffer.getvalue(), filename="formato.xlsx",
                       context=context)
    assert len(result.records) == 1 and not result.errors
