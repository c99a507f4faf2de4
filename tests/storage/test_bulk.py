"""Bulk storing keeps every value exactly, on SQLite (executemany) and PostgreSQL (COPY).

Each round trip runs through `bulk_insert` (COPY text on PostgreSQL) and through
`BulkWriter` (binary COPY where the table's types allow, COPY text where not).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, select, text

from app.intake.models import ImportBatch
from app.storage.bulk import BulkWriter, bulk_insert, to_json_column

AWKWARD = [
    "plain", "tab\there", "two\nlines", "cr\rlf\r\n", "back\\slash", "\\N", "\\.", "",
    '"quoted"; semi', "=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ñandú ç € 中文",
]


def _through_writer(session, table: str, frame: pd.DataFrame) -> int:
    writer = BulkWriter(session)
    try:
        writer.insert(writer.prepare(table, frame))
        writer.wait()
    finally:
        writer.close()
    return writer.stored


STORERS = pytest.mark.parametrize("store", [bulk_insert, _through_writer],
                                  ids=["bulk_insert", "BulkWriter"])


def _batch(session) -> int:
    batch = ImportBatch(feed="registry", filename="x.csv", sha256="0" * 64, size_bytes=1,
                        submitted_by="t", status="stored", message="")
    session.add(batch)
    session.flush()
    return batch.id


@STORERS
def test_awkward_text_missing_values_and_types_round_trip(db_session, store):
    batch_id = _batch(db_session)
    n = len(AWKWARD) + 1
    frame = pd.DataFrame({
        "batch_id": batch_id,
        "row": pd.Series(range(2, 2 + n), dtype="int64"),
        "column": pd.Series(AWKWARD + [None], dtype=object),
        "value": pd.Series([None] + AWKWARD, dtype=object),
        "reason": pd.Series(["r"] * n, dtype=object),
    }).set_axis(range(100, 100 + n))  # a filtered frame keeps its labels
    assert store(db_session, "import_row_error", frame) == n
    stored = db_session.execute(text(
        'SELECT "row", "column", "value" FROM import_row_error WHERE batch_id = :b ORDER BY "row"'
    ), {"b": batch_id}).all()
    assert [tuple(r) for r in stored] == list(
        zip(range(2, 2 + n), AWKWARD + [None], [None] + AWKWARD, strict=True))


@STORERS
def test_dates_floats_and_nan_round_trip(db_session, store):
    batch_id = _batch(db_session)
    frame = pd.DataFrame({
        "batch_id": batch_id, "source_row": pd.Series([2, 3, 4], dtype="int64"),
        "is_current": True,
        "notification_ref": ["N1", "N2", "N3"],
        "date": pd.Series([date(2025, 2, 28), date(1999, 12, 31), date(2024, 2, 29)],
                          dtype=object),
        "exporter_licence": "LIC-1", "importer_name": "X", "importing_country": "CO",
        "substance_code": "acetone",
        "quantity_kg": np.array([0.1, 1234567.891, 1e-7]),
        "status": "approved",
        "extra": to_json_column(pd.Series([None, {"Nota": "a\tb"}, {}], dtype=object)),
    })
    assert store(db_session, "export_notification", frame) == 3
    stored = db_session.execute(text(
        "SELECT date, quantity_kg, CAST(extra AS TEXT) FROM export_notification "
        "WHERE batch_id = :b "
        "ORDER BY source_row"), {"b": batch_id}).all()
    assert [str(r[0]) for r in stored] == ["2025-02-28", "1999-12-31", "2024-02-29"]
    assert [r[1] for r in stored] == [0.1, 1234567.891, 1e-7]
    assert [r[2] for r in stored] == [None, '{"Nota": "a\\tb"}', None]


def test_an_empty_frame_stores_nothing(db_session):
    assert bulk_insert(db_session, "import_row_error", pd.DataFrame()) == 0


@STORERS
def test_missing_text_and_nan_are_null_and_empty_text_stays_empty(db_session, store):
    # SQLite binds missing text as '' behind NULLIF, missing floats as NaN and a constant
    # column as a literal (all cheaper than binding None); what is stored must still be NULL,
    # and a real '' must not become NULL.
    db_session.execute(text(
        "CREATE TEMPORARY TABLE bulk_probe (batch_id INTEGER, flag BOOLEAN, licence VARCHAR(9), "
        "name VARCHAR(9), country VARCHAR(2), kg FLOAT, day DATE)"))
    frame = pd.DataFrame({
        "batch_id": pd.Series([7, 7, 7], dtype="int64"),
        "flag": pd.Series([True, False, True]),
        "licence": pd.Series(["LIC-1", None, "LIC-3"], dtype=object),
        "name": pd.Series(["", None, "Y"], dtype=object),
        "country": pd.Series([None, None, None], dtype=object),
        "kg": np.array([np.nan, 2.5, np.nan]),
        "day": pd.Series([date(2025, 1, 1), None, date(2024, 2, 29)], dtype=object),
    })
    assert store(db_session, "bulk_probe", frame) == 3
    stored = db_session.execute(text(
        "SELECT batch_id, flag, licence, name, country, kg, CAST(day AS VARCHAR(10)) "
        "FROM bulk_probe ORDER BY licence, name")).all()
    assert sorted((tuple(r) for r in stored), key=str) == sorted([
        (7, True, "LIC-1", "", None, None, "2025-01-01"),
        (7, False, None, None, None, 2.5, None),
        (7, True, "LIC-3", "Y", None, None, "2024-02-29"),
    ], key=str)


@STORERS
def test_date_times_are_stored_as_the_orm_stores_them(db_session, store):
    # SQLite keeps date-times as text: a bulk-written one must be the same text the ORM
    # writes (six fraction digits, no offset), or equal times compare unequal in SQL and
    # sort apart. PostgreSQL compares them as timestamps.
    stamp_type = "TIMESTAMP WITH TIME ZONE" if db_session.bind.dialect.name == "postgresql" \
        else "DATETIME"
    db_session.execute(text(f"CREATE TEMPORARY TABLE time_probe (n INTEGER, at {stamp_type})"))
    probe = Table("time_probe", MetaData(), Column("n", Integer),
                  Column("at", DateTime(timezone=True)))
    times = [datetime(2026, 12, 4, 21, 57, 3, tzinfo=UTC),  # no fraction
             datetime(2026, 1, 31, 0, 0, 0, 250_000, tzinfo=UTC)]
    db_session.execute(probe.insert(), [{"n": 0, "at": at} for at in times])
    frame = pd.DataFrame({"n": pd.Series([1, 1, 1], dtype="int64"),
                          "at": pd.Series([*times, pd.NaT], dtype="datetime64[ns, UTC]")})
    assert store(db_session, "time_probe", frame) == 3
    assert db_session.execute(text(
        "SELECT count(*) FROM time_probe a JOIN time_probe b ON a.at = b.at "
        "WHERE a.n = 0 AND b.n = 1")).scalar_one() == 2
    later = db_session.execute(select(probe.c.at).where(probe.c.n == 1, probe.c.at >= times[0])
                               ).scalars().all()
    # (SQLite gives back naive date-times: it keeps no offset)
    assert [at.replace(tzinfo=None) for at in later] == [times[0].replace(tzinfo=None)]
    assert db_session.execute(text(
        "SELECT count(*) FROM time_probe WHERE n = 1 AND at IS NULL")).scalar_one() == 1
