"""PostgreSQL binary COPY rows built column-wise (app/storage/pg_binary.py)."""

from __future__ import annotations

import struct
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    text,
)

from app.storage import pg_binary
from app.storage.bulk import BulkWriter


def _decode(data: bytes, kinds: list[str]) -> list[tuple]:
    """Read binary COPY rows back, independently of the encoder."""
    rows, at = [], 0
    while at < len(data):
        (count,) = struct.unpack_from(">h", data, at)
        at += 2
        assert count == len(kinds)
        row = []
        for kind in kinds:
            (length,) = struct.unpack_from(">i", data, at)
            at += 4
            if length == -1:
                row.append(None)
                continue
            raw = data[at:at + length]
            at += length
            if kind == "int4":
                row.append(struct.unpack(">i", raw)[0])
            elif kind == "float8":
                row.append(struct.unpack(">d", raw)[0])
            elif kind == "date":
                row.append(date.fromordinal(date(2000, 1, 1).toordinal()
                                            + struct.unpack(">i", raw)[0]))
            elif kind == "bool":
                row.append(raw == b"\x01")
            else:
                row.append(raw.decode())
        rows.append(tuple(row))
    return rows


def test_rows_hold_each_value_in_postgresql_binary_form():
    columns = {
        "n": pg_binary.encode(pd.Series([1, -2, 2**31 - 1], dtype="int64"), "int4"),
        "flag": pg_binary.encode(pd.Series([True, False, True]), "bool"),
        "day": pg_binary.encode(pd.Series([date(2000, 1, 1), date(1999, 12, 31),
                                           "2024-02-29"], dtype=object), "date"),
        "kg": pg_binary.encode(pd.Series([0.1, np.nan, -1e-7]), "float8"),
        "name": pg_binary.encode(pd.Series(["Ácido", None, ""], dtype=object), "text"),
        "code": pg_binary.encode(pd.Series(["b", "a", "b"], dtype="category"), "text"),
    }
    order = pg_binary.in_row_order(columns)
    assert order == ["n", "flag", "day", "kg", "name", "code"]  # fixed-width, no NULL first
    kinds = {"n": "int4", "flag": "bool", "day": "date", "kg": "float8", "name": "text",
             "code": "text"}
    data = pg_binary.rows([columns[name] for name in order])
    assert _decode(data, [kinds[name] for name in order]) == [
        (1, True, date(2000, 1, 1), 0.1, "Ácido", "b"),
        (-2, False, date(1999, 12, 31), None, None, "a"),
        (2**31 - 1, True, date(2024, 2, 29), -1e-7, "", "b"),
    ]


def test_rows_refuse_columns_out_of_order():
    text_first = [pg_binary.encode(pd.Series(["a"], dtype=object), "text"),
                  pg_binary.encode(pd.Series([1], dtype="int64"), "int4")]
    with pytest.raises(ValueError, match="fixed-width columns first"):
        pg_binary.rows(text_first)


@pytest.mark.parametrize(("values", "kind", "reason"), [
    (pd.Series([2**31], dtype="int64"), "int4", "out of the int4 range"),
    (pd.Series([1.5]), "int4", "not an integer column"),
    (pd.Series([datetime(2025, 1, 1, 12)], dtype=object), "date", "timestamp"),
    (pd.Series(["1/2/2025"], dtype=object), "date", "not an ISO date"),
    (pd.Series(["x"], dtype=object), "float8", "not a numeric column"),
])
def test_values_the_kind_cannot_hold_are_unsupported(values, kind, reason):
    with pytest.raises(pg_binary.Unsupported, match=reason):
        pg_binary.encode(values, kind)


def test_column_kinds_follow_the_model_types():
    table = Table("t", MetaData(), Column("a", Integer), Column("b", BigInteger),
                  Column("c", Float), Column("d", Date), Column("e", String(3)),
                  Column("f", Text), Column("g", Boolean), Column("h", DateTime),
                  Column("i", Numeric(10, 2)), Column("j", Float(precision=24)))
    assert pg_binary.column_kinds(table, list("abcdefg")) == [
        "int4", "int8", "float8", "date", "text", "text", "bool"]
    for name in "hij":  # timestamps, numeric and real: the text format
        with pytest.raises(pg_binary.Unsupported):
            pg_binary.column_kinds(table, [name])
    with pytest.raises(pg_binary.Unsupported, match="not in the model"):
        pg_binary.column_kinds(table, ["zz"])


def test_declaration_lines_go_through_binary_copy_with_categoricals(db_session):
    lines = pd.DataFrame({
        "source_row": pd.Series([2, 3], dtype="int64"),
        "movement": pd.Series(["sale", "purchase"], dtype="category"),
        "substance_code": pd.Series(["acetone", "acetone"], dtype="category"),
        "date": pd.Series([date(2025, 3, 4), date(2025, 3, 31)], dtype=object),
        "substance_text": pd.Series(["Acetona\tpura", "Acetona"]),
        "form_code": pd.Series([None, None], dtype=object),
        "quantity": [1.5, 2.0], "unit": "L", "concentration_pct": [99.5, 100.0],
        "quantity_kg": [1.17, 1.58],
        "counterparty_licence": pd.Series(["LIC-2", None], dtype="category"),
        "counterparty_name": pd.Series(["Niño S.A.", None], dtype=object),
        "counterparty_country": "PE", "document_ref": pd.Series(["F-1", "\\N"], dtype=object),
        "payment_method": pd.Series([None, "cash"], dtype=object), "delivery": None,
        "extra": pd.Series([None, '{"a": 1}'], dtype=object),
    })
    writer = BulkWriter(db_session)
    try:
        prepared = writer.prepare("declaration_line", lines)
        writer.insert(prepared.with_column(0, "declaration_id", np.array([41, 42])))
        writer.wait()
    finally:
        writer.close()
    postgres = db_session.connection().dialect.name == "postgresql"
    assert (prepared.encoded is not None) is postgres
    stored = db_session.execute(text(
        "SELECT declaration_id, movement, "
        "CAST(date AS VARCHAR(10)), substance_text, form_code, quantity, concentration_pct, "
        "quantity_kg, counterparty_licence, counterparty_name, document_ref, payment_method, "
        "delivery, CAST(extra AS TEXT) FROM declaration_line WHERE declaration_id IN (41, 42) "
        "ORDER BY source_row")).all()
    assert [tuple(r) for r in stored] == [
        (41, "sale", "2025-03-04", "Acetona\tpura", None, 1.5, 99.5,
         1.17, "LIC-2", "Niño S.A.", "F-1", None, None, None),
        (42, "purchase", "2025-03-31", "Acetona", None, 2.0, 100.0,
         1.58, None, None, "\\N", "cash", None, '{"a": 1}'),
    ]
