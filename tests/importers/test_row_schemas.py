"""The marshmallow row schemas: what the bulk reader enforces, one row at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from marshmallow import ValidationError

from importers import FEEDS, read_file
from importers.engine import FileState


@pytest.fixture
def declaration_schema(context):
    schema = FEEDS["declarations"].schema()
    schema.read_state = FileState(context=context)
    return schema


def test_feeds_declare_their_columns_and_required_ones():
    assert FEEDS["declarations"].columns == (
        "licence_no", "period", "movement", "date", "substance", "quantity", "unit",
        "concentration_pct", "counterparty_licence", "counterparty_name",
        "counterparty_country", "document_ref", "payment_method", "delivery",
    )
    assert FEEDS["declarations"].required == {
        "licence_no", "period", "movement", "date", "substance", "quantity", "unit"
    }
    assert FEEDS["customs"].required == {
        "declaration_no", "item_no", "date", "flow", "hs_code", "goods_description",
        "net_mass_kg", "trader_tax_id", "partner_country",
    }
    assert FEEDS["baselines"].required == {"substance", "year", "quantity_kg"}
    assert FEEDS["export_notifications"].required == set(FEEDS["export_notifications"].columns)
    assert FEEDS["registry"].required == set(FEEDS["registry"].columns) - {
        "annual_quota_kg", "region", "sector"
    }


def test_one_row_loads_like_the_bulk_reader(declaration_schema):
    row = declaration_schema.load({
        "licence_no": " LIC-1 ", "period": "03/2025", "movement": "Venta", "date": "02/03/2025",
        "substance": "tolueno", "quantity": "1.234,5", "unit": "litros",
        "counterparty_country": "", "payment_method": "efectivo",
    })
    assert row == {
        "licence_no": "LIC-1", "period": "2025-03", "movement": "sale",
        "date": dt.date(2025, 3, 2), "substance": "toluene", "quantity": 1234.5, "unit": "L",
        "concentration_pct": 100.0, "counterparty_country": "PE", "payment_method": "cash",
    }


def test_one_bad_row_is_explained_with_the_bulk_reasons(declaration_schema, make_csv, context):
    cells = {
        "licence_no": "", "period": "2025-13", "movement": "regalo", "date": "31/02/2025",
        "substance": "xilol", "quantity": "-5", "unit": "kg",
    }
    with pytest.raises(ValidationError) as caught:
        declaration_schema.load(cells)
    bulk = read_file("declarations", make_csv([list(cells), list(cells.values())]),
                     filename="d.csv", context=context)
    assert caught.value.messages == {e.column: [e.reason] for e in bulk.errors}
    assert set(caught.value.messages) == {
        "licence_no", "period", "movement", "date", "substance", "quantity"
    }


@pytest.mark.parametrize("feed", list(FEEDS))
def test_every_feed_reads_a_header_only_file_into_typed_empty_records(feed, make_csv, context):
    columns = list(FEEDS[feed].columns)
    result = read_file(feed, make_csv([columns]), filename=f"{feed}.csv", context=context)
    assert (result.rows_read, result.errors) == (0, [])
    assert list(result.records.columns) == [*FEEDS[feed].output_columns, "source_row", "extra"]
    assert result.records["source_row"].dtype == "int64"


def test_declaration_record_types(make_csv, context):
    columns = list(FEEDS["declarations"].columns)
    row = ["LIC-1", "2025-03", "sale", "2025-03-02", "toluene", "5", "kg", "", "", "", "", "",
           "", ""]
    records = read_file("declarations", make_csv([columns, row]), filename="d.csv",
                        context=context).records
    floats = {"quantity", "concentration_pct", "density_kg_per_l", "base_fraction",
              "quantity_kg"}
    assert {c for c in records.columns if records[c].dtype == "float64"} == floats
    assert {c for c in records.columns if records[c].dtype == object} == (
        set(records.columns) - floats - {"source_row"}
    )
    assert records.iloc[0]["date"] == dt.date(2025, 3, 2)
    assert records.iloc[0]["counterparty_name"] is None


def test_one_row_reads_placeholders_and_error_values_like_the_bulk_reader(declaration_schema):
    cells = {
        "licence_no": "LIC-1", "period": "03/2025", "movement": "Venta", "date": "02/03/2025",
        "substance": "tolueno", "quantity": "5", "unit": "kg", "concentration_pct": "N/A",
        "counterparty_name": "-", "counterparty_country": "s/n",
    }
    row = declaration_schema.load(cells)
    assert (row["concentration_pct"], row["counterparty_name"], row["counterparty_country"]) == (
        100.0, None, "PE")
    with pytest.raises(ValidationError) as caught:
        declaration_schema.load({**cells, "quantity": "#N/A", "counterparty_name": "#REF!"})
    assert set(caught.value.messages) == {"quantity", "counterparty_name"}
    assert "spreadsheet error '#N/A'" in caught.value.messages["quantity"][0]
