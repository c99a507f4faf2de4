"""A command's next file is kept and read while the one before it is stored: same result."""

from __future__ import annotations

import dataclasses
import multiprocessing
from datetime import date

from sqlalchemy import func, select, text

from app import pipeline
from app.intake.models import ImportBatch
from app.intake.reader_process import NextFile, ReadKey
from app.movements.models import DeclarationLine
from importers import Limits
from tests.builders import write
from tests.intake.test_reader_process import HEADER, LINE, _rows

AS_OF = date(2025, 3, 1)


def _reader_processes() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "vigia-intake-reader"]


def _files(tmp_path, n: int, rows: int = 1500) -> list:
    """n declaration files of the same lines, each with another checksum."""
    files = []
    for i in range(n):
        path = write(tmp_path / f"decl-{i}.csv", HEADER, _rows(rows))
        path.write_bytes(path.read_bytes() + b"\n" * i)
        files.append(path)
    return files


def _import(db_session, context, paths, tmp_path, *, next_file=None, contexts=None, **options):
    outcomes = []
    for i, (path, upcoming) in enumerate(zip(paths, [*paths[1:], None], strict=True)):
        outcomes.append(pipeline.import_file(
            session=db_session, feed="declarations", source=path, submitted_by="t",
            upload_folder=tmp_path / "up", context=(contexts or {}).get(i, context),
            as_of=AS_OF, chunk_rows=500, next_file=next_file, upcoming=upcoming, **options))
    return outcomes


def _stored_lines(db_session, batch_id: int) -> list[tuple]:
    return [tuple(r) for r in db_session.execute(text(
        f"SELECT {LINE} FROM declaration_line l JOIN declaration d ON d.id = l.declaration_id "
        "WHERE d.batch_id = :b ORDER BY l.source_row"), {"b": batch_id})]


def test_each_file_of_a_list_is_read_while_the_one_before_is_stored(
        db_session, context, tmp_path):
    paths = _files(tmp_path, 3)
    with NextFile() as next_file:
        outcomes = _import(db_session, context, paths, tmp_path, next_file=next_file)
    assert next_file.used == 2  # the second and third files were read ahead
    assert [o.status for o in outcomes] == ["stored"] * 3
    assert {(o.rows_read, o.rows_stored, o.rows_rejected) for o in outcomes} == {
        (1500, 1500 - 16, 16)}  # every 97th quantity is negative
    assert {len(o.errors) for o in outcomes} == {16}
    first, *others = [_stored_lines(db_session, o.batch_id) for o in outcomes]
    assert len(first) == 1484 and all(lines == first for lines in others)
    kept = sorted(p.name for p in (tmp_path / "up").rglob("*") if p.is_file())
    shas = sorted(stored_sha(db_session, o.batch_id) for o in outcomes)
    assert kept == shas  # each original kept once under its checksum, no copy left behind
    assert _reader_processes() == []


def test_read_ahead_stores_what_reading_at_the_turn_stores(db_session, context, tmp_path):
    paths = _files(tmp_path, 2)
    with NextFile() as next_file:
        ahead = _import(db_session, context, paths, tmp_path, next_file=next_file)
    assert next_file.used == 1
    other = tmp_path / "other.csv"
    other.write_bytes(paths[1].read_bytes() + b"\n")  # another checksum, the same lines
    [here] = _import(db_session, context, [other], tmp_path)  # no NextFile: read at its turn
    assert here.errors == ahead[1].errors
    assert _stored_lines(db_session, here.batch_id) == _stored_lines(db_session, ahead[1].batch_id)


def test_a_file_read_another_way_at_its_turn_is_read_again(db_session, context, tmp_path):
    paths = _files(tmp_path, 2)
    stricter = dataclasses.replace(context, max_row_kg=1.0)  # the registry or settings changed
    with NextFile() as next_file:
        outcomes = _import(db_session, context, paths, tmp_path, next_file=next_file,
                           contexts={1: stricter})
    assert next_file.used == 0  # read ahead with the first context: dropped, read again
    assert not outcomes[0].warnings
    assert any("kg" in w for w in outcomes[1].warnings)  # lines above 1 kg named
    assert outcomes[1].rows_stored == outcomes[0].rows_stored
    assert _reader_processes() == []
    assert not list((tmp_path / "up").glob(".incoming-*"))


def test_a_next_file_already_stored_is_not_stored_twice(db_session, context, tmp_path):
    [path] = _files(tmp_path, 1)
    with NextFile() as next_file:
        first, again = _import(db_session, context, [path, path], tmp_path, next_file=next_file)
    assert first.status == "stored" and again.status == "duplicate"
    assert again.duplicate_of == first.batch_id
    assert db_session.scalar(select(func.count()).select_from(DeclarationLine)) == 1484
    assert _reader_processes() == []


def test_an_unreadable_next_file_is_rejected_and_stores_nothing(db_session, context, tmp_path):
    [good] = _files(tmp_path, 1)
    broken = write(tmp_path / "broken.csv", HEADER,
                   _rows(1200) + ['LIC-001;2025-01;compra;29/01/2025;"acetona;5;kg;;;'])
    with NextFile() as next_file:
        stored, rejected = _import(db_session, context, [good, broken], tmp_path,
                                   next_file=next_file)
    assert next_file.used == 1
    assert stored.status == "stored"
    assert rejected.status == "rejected" and "never closed" in rejected.message
    assert db_session.scalar(select(func.count()).select_from(DeclarationLine)) == 1484
    assert _reader_processes() == []


def test_a_next_file_over_the_size_limit_is_not_kept(db_session, context, tmp_path):
    small = write(tmp_path / "small.csv", HEADER, _rows(50))
    [large] = _files(tmp_path, 1)
    limits = Limits(max_bytes=small.stat().st_size + 10)
    with NextFile() as next_file:
        stored, refused = _import(db_session, context, [small, large], tmp_path,
                                  next_file=next_file, limits=limits)
    assert next_file.used == 1
    assert stored.status == "stored"
    assert refused.status == "rejected" and "not kept" in refused.message
    kept = [p for p in (tmp_path / "up").rglob("*") if p.is_file()]
    assert [p.name for p in kept] == [stored_sha(db_session, stored.batch_id)]


def stored_sha(db_session, batch_id: int) -> str:
    return db_session.get(ImportBatch, batch_id).sha256


def test_a_missing_next_file_is_left_to_its_turn(db_session, context, tmp_path):
    [good] = _files(tmp_path, 1)
    with NextFile() as next_file:
        next_file.start(ReadKey("declarations", tmp_path / "gone.csv", "gone.csv", context, 500,
                                Limits(), tmp_path / "up"), categorical=True)
        assert next_file.ready() is None and _reader_processes() == []
        [outcome] = _import(db_session, context, [good], tmp_path, next_file=next_file)
    assert outcome.status == "stored" and next_file.used == 0


def test_a_file_whose_turn_never_comes_is_stopped(context, tmp_path):
    [path] = _files(tmp_path, 1, rows=20_000)
    next_file = NextFile()
    next_file.start(ReadKey("declarations", path, path.name, context, 500, Limits(),
                            tmp_path / "up"), categorical=True)
    assert next_file.ready() is not None  # its reader process started
    assert len(_reader_processes()) == 1
    next_file.close()  # the command stopped (an error, ^C) before the file's turn
    assert _reader_processes() == []
    assert not list((tmp_path / "up").glob(".incoming-*"))


def test_a_feed_without_files_imports_nothing(app, tmp_path):
    from app.extensions import vigia

    [path] = _files(tmp_path, 1, rows=100)
    report = pipeline.import_in_order(vigia(app), files={"registry": [], "declarations": [path]},
                                      submitted_by="t", as_of=AS_OF)
    assert [(o.filename, o.rows_read) for o in report.outcomes] == [("decl-0.csv", 100)]
