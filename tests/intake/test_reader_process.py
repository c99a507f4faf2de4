"""Large files are read in a separate process: same chunks, same errors, nothing lost."""

from __future__ import annotations

import multiprocessing
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from app import pipeline
from app.intake import reader_process
from app.intake.reader_process import ReaderStopped, _pack, _unpack, read_in_process
from app.movements.models import Declaration, DeclarationLine
from app.storage.bulk import BulkWriter
from importers import Chunk, FileRejected, RowError, iter_file
from tests.builders import write

HEADER = ("Nº licencia;Periodo;Movimiento;Fecha;Sustancia;Cantidad;Unidad;Concentración %;"
          "Razón social contraparte;Observaciones;País contraparte;Nº documento;Forma de pago;"
          "Entrega")


def _rows(n: int) -> list[str]:
    """Declaration lines with repeated codes, unique names, a note column and some bad rows."""
    rows = []
    for i in range(n):
        day = 1 + i % 28
        licence = "LIC-001" if i % 3 else "LIC-002"
        substance = "Tolueno" if licence == "LIC-002" or i % 2 else "acetona"
        quantity = "-5" if i % 97 == 0 else f"{10 + i % 50},{i % 100:02d}"  # some refused
        note = f"nota {i}" if i % 10 == 0 else ""
        country = ("CO", "", "Chile")[i % 3]
        payment = ("efectivo", "transferencia", "")[i % 3]
        delivery = ("", "retiro en planta", "entregado")[i % 3]
        concentration = "99,5" if i % 4 == 0 else ""
        rows.append(f"{licence};2025-01;compra;{day:02d}/01/2025;{substance};{quantity};kg;"
                    f"{concentration};Proveedor {i % 700};{note};{country};F-{i};{payment};"
                    f"{delivery}")
    return rows


def _reader_processes() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "vigia-intake-reader"]


def test_a_process_yields_the_chunks_a_thread_would(context, tmp_path):
    path = write(tmp_path / "decl.csv", HEADER, _rows(3500))
    here = list(iter_file("declarations", path, filename="decl.csv", context=context,
                          chunk_rows=1000))
    there = list(read_in_process("declarations", path, filename="decl.csv", context=context,
                                 chunk_rows=1000))
    assert len(there) == len(here) == 4
    for mine, theirs in zip(here, there, strict=True):
        pd.testing.assert_frame_equal(theirs.records, mine.records)
        assert theirs.errors == mine.errors and theirs.rows_read == mine.rows_read
        assert theirs.warnings == mine.warnings and theirs.encoding == mine.encoding
    assert sum(len(c.errors) for c in there) == 37  # every 97th quantity is negative
    assert _reader_processes() == []
    assert reader_process.last_reader_peak_mb > 0  # the reader reported its own memory


def test_pack_and_unpack_keep_every_value_and_missing_as_none():
    n = 3000
    records = pd.DataFrame({
        "code": pd.Series(["a", None, "b"] * (n // 3), dtype=object),
        "day": pd.Series([date(2025, 1, 1), date(2025, 1, 2), None] * (n // 3), dtype=object),
        "pair": pd.Series([("x", 1), ("y", 2), ("x", 1)] * (n // 3), dtype=object),
        "unique": pd.Series([f"doc {i}" for i in range(n)], dtype=object),
        "extra": pd.Series([{"Nota": "a"}, None, None] * (n // 3), dtype=object),
        "kg": np.arange(n, dtype=np.float64),
        "source_row": np.arange(2, n + 2, dtype=np.int64),
    })
    chunk = Chunk(records, [RowError(5, "Cantidad", "-5", "must be greater than 0")], n + 1,
                  ["a warning"], None, "cp1252")
    packed = _pack(chunk)
    assert {name for name, column in packed.records.columns.items()
            if type(column).__name__ == "_Coded"} == {"code", "day", "pair"}
    back = _unpack(packed)
    pd.testing.assert_frame_equal(back.records, records)
    assert back.records["code"][1] is None and back.records["day"][2] is None
    assert (back.errors, back.rows_read, back.warnings, back.encoding) == (
        chunk.errors, chunk.rows_read, chunk.warnings, chunk.encoding)


def test_a_file_rejected_midway_in_the_process_stores_nothing(
        db_session, context, tmp_path, monkeypatch):
    monkeypatch.setattr(reader_process, "PROCESS_MIN_BYTES", 0)
    rows = _rows(2500) + ['LIC-001;2025-01;compra;29/01/2025;"acetona;5;kg;;;']  # never closed
    path = write(tmp_path / "broken.csv", HEADER, rows)
    outcome = pipeline.import_file(
        session=db_session, feed="declarations", source=path, submitted_by="t",
        upload_folder=tmp_path / "up", context=context, as_of=date(2025, 3, 1),
        chunk_rows=1000)
    assert outcome.status == "rejected" and "never closed" in outcome.message
    assert db_session.scalar(select(func.count()).select_from(DeclarationLine)) == 0
    assert _reader_processes() == []


def test_a_large_file_is_stored_through_the_reader_process(
        db_session, context, tmp_path, monkeypatch):
    monkeypatch.setattr(reader_process, "PROCESS_MIN_BYTES", 0)
    path = write(tmp_path / "decl.csv", HEADER, _rows(3500))
    outcome = pipeline.import_file(
        session=db_session, feed="declarations", source=path, submitted_by="t",
        upload_folder=tmp_path / "up", context=context, as_of=date(2025, 3, 1),
        chunk_rows=1000)
    assert (outcome.rows_read, outcome.rows_stored, outcome.rows_rejected) == (3500, 3463, 37)
    good = [i for i in range(3500) if i % 97]
    lines = db_session.execute(
        select(Declaration.licence_no, Declaration.lines).order_by(Declaration.licence_no)).all()
    assert [tuple(r) for r in lines] == [
        ("LIC-001", sum(1 for i in good if i % 3)), ("LIC-002", sum(1 for i in good if not i % 3))]
    notes = db_session.scalars(select(DeclarationLine.extra).where(
        DeclarationLine.source_row == 12)).all()
    assert notes == [{"Observaciones": "nota 10"}]


LINE = ("l.source_row, d.licence_no, d.period, l.movement, l.date, l.substance_code, "
        "l.substance_text, l.form_code, l.quantity, l.unit, l.concentration_pct, l.quantity_kg, "
        "l.counterparty_licence, l.counterparty_name, l.counterparty_country, l.document_ref, "
        "l.payment_method, l.delivery, l.extra")


def test_the_process_and_the_thread_store_the_same_values(
        db_session, context, tmp_path, monkeypatch):
    from sqlalchemy import text

    stored = []
    for threshold, name, tail in ((10**12, "thread.csv", ""), (0, "process.csv", "\n")):
        monkeypatch.setattr(reader_process, "PROCESS_MIN_BYTES", threshold)
        path = write(tmp_path / name, HEADER, _rows(3000))
        path.write_bytes(path.read_bytes() + tail.encode())  # another checksum, same lines
        outcome = pipeline.import_file(
            session=db_session, feed="declarations", source=path, submitted_by="t",
            upload_folder=tmp_path / "up", context=context, as_of=date(2025, 3, 1),
            chunk_rows=1000)
        assert outcome.status == "stored"
        stored.append(db_session.execute(text(
            f"SELECT {LINE} FROM declaration_line l JOIN declaration d "
            f"ON d.id = l.declaration_id WHERE d.batch_id = :b ORDER BY l.source_row"),
            {"b": outcome.batch_id}).all())
    assert len(stored[0]) == sum(1 for i in range(3000) if i % 97)  # the rest refused
    assert [tuple(r) for r in stored[1]] == [tuple(r) for r in stored[0]]
    assert {r.counterparty_country for r in stored[0]} == {"CO", "CL", "PE"}
    assert {r.payment_method for r in stored[0]} == {"cash", "bank_transfer", None}


def test_a_reader_process_that_dies_is_reported_not_taken_for_the_end(context, tmp_path):
    path = write(tmp_path / "decl.csv", HEADER, _rows(5000))
    chunks = read_in_process("declarations", path, filename="decl.csv", context=context,
                             chunk_rows=500)
    next(chunks)
    [reader] = _reader_processes()
    reader.kill()
    with pytest.raises(ReaderStopped, match="stopped unexpectedly"):
        for _ in chunks:
            pass
    assert _reader_processes() == []


def test_a_failed_insert_is_raised_and_the_session_can_go_on(db_session):
    from sqlalchemy import text

    db_session.execute(text("CREATE TEMPORARY TABLE copy_probe (n INTEGER NOT NULL)"))
    writer = BulkWriter(db_session)
    try:
        with pytest.raises(Exception, match="(?i)null"):  # SQLite at insert, PostgreSQL at wait
            writer.insert(writer.prepare("copy_probe", pd.DataFrame(
                {"n": pd.Series([1, None], dtype=object)})))
            writer.wait()
    finally:
        writer.close()
    db_session.rollback()
    assert db_session.execute(text("SELECT 1")).scalar_one() == 1


def test_file_rejected_survives_the_trip_between_processes():
    import pickle

    rejected = pickle.loads(pickle.dumps(FileRejected("a.csv", "a quote is never closed")))
    assert (rejected.filename, rejected.reason, str(rejected)) == (
        "a.csv", "a quote is never closed", "a.csv: a quote is never closed")


CUSTOMS = ("declaration_no;item_no;date;flow;hs_code;goods_description;net_mass_kg;"
           "trader_tax_id;partner_country")
ITEM = ("declaration_no, item_no, date, flow, hs_code, hs6, substance_code, goods_description, "
        "net_mass_kg, trader_tax_id, tax_id_key, trader_name, partner_country, is_current")


def test_customs_items_read_in_a_process_are_stored_as_from_a_thread(
        app, db_session, tmp_path, monkeypatch):
    from sqlalchemy import text

    from app.extensions import vigia
    from app.pipeline import read_context

    context = read_context(vigia(app), session=db_session, feed="customs")
    rows = [f"118-2025-10-{i // 3:06d};{1 + i % 3};2025-03-{1 + i % 28:02d};import;"
            f"{('2914.11.00', '3208.90.00', '2902.30.00')[i % 3]};MERCANCIA {i % 40};{1000 + i};"
            f"2010000000{i % 7};{('US', 'CN', 'MX')[i % 3]}" for i in range(2400)]
    stored = []
    for threshold, name, tail in ((10**12, "thread.csv", b""), (0, "process.csv", b"\n")):
        monkeypatch.setattr(reader_process, "PROCESS_MIN_BYTES", threshold)
        path = write(tmp_path / name, CUSTOMS, rows)
        path.write_bytes(path.read_bytes() + tail)
        outcome = pipeline.import_file(
            session=db_session, feed="customs", source=path, submitted_by="t",
            upload_folder=tmp_path / "up", context=context, as_of=date(2025, 4, 1),
            chunk_rows=1000)
        assert (outcome.status, outcome.rows_stored) == ("stored", 2400)
        stored.append(db_session.execute(text(
            f"SELECT {ITEM} FROM customs_item WHERE batch_id = :b ORDER BY source_row"),
            {"b": outcome.batch_id}).all())
    # The second file re-sends every item: the first batch's rows are replaced.
    assert [tuple(r)[:-1] for r in stored[1]] == [tuple(r)[:-1] for r in stored[0]]
    assert {r.substance_code for r in stored[1]} == {"acetone", "toluene", None}


def test_where_no_process_can_start_the_file_is_read_here(context, tmp_path, monkeypatch):
    def refuse(self):
        raise OSError("processes not permitted")

    monkeypatch.setattr(multiprocessing.get_context("forkserver").Process, "start", refuse)
    path = write(tmp_path / "decl.csv", HEADER, _rows(1500))
    here = list(iter_file("declarations", path, filename="decl.csv", context=context,
                          chunk_rows=1000))
    there = list(read_in_process("declarations", path, filename="decl.csv", context=context,
                                 chunk_rows=1000))
    assert [len(c.records) for c in there] == [len(c.records) for c in here]
    assert [c.errors for c in there] == [c.errors for c in here]



def test_a_workbook_is_read_in_the_importing_process_in_smaller_chunks(tmp_path, monkeypatch):
    from openpyxl import Workbook

    monkeypatch.setattr(reader_process, "PROCESS_MIN_BYTES", 0)
    book = Workbook()
    book.active.append(HEADER.split(";"))
    book.save(tmp_path / "decl.xlsx")
    csv = write(tmp_path / "decl.csv", HEADER, _rows(10))
    assert reader_process.reading_plan(tmp_path / "decl.xlsx", 100_000) == (False, 25_000)
    assert reader_process.reading_plan(csv, 100_000) == (True, 100_000)
