"""`vigia import declarations`: lines stored, declarations counted, amendments, duplicates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.intake.models import ImportBatch
from app.movements.models import Declaration, DeclarationLine
from tests.builders import DECLARATION_HEADER, write

JANUARY = [
    "LIC-001;2025-01;opening_stock;2025-01-01;acetone;100;kg;",
    "LIC-001;2025-01;purchase;2025-01-10;acetone;500;kg;",
    "LIC-001;2025-01;sale;2025-01-20;toluene;200;L;",
    "LIC-002;2025-01;purchase;2025-01-12;toluene;300;kg;50",
]
FEBRUARY = ["LIC-001;2025-02;purchase;2025-02-03;acetone;50;kg;"]


def declarations(session) -> list[tuple]:
    """Return every declaration header as comparable tuples."""
    rows = session.scalars(select(Declaration).order_by(Declaration.id)).all()
    return [(d.licence_no, d.period, d.lines, d.is_current, d.superseded_by_id) for d in rows]


def test_lines_are_stored_under_one_declaration_per_licence_and_period(
        runner, db_session, registered, tmp_path):
    path = write(tmp_path / "decl.csv", DECLARATION_HEADER, JANUARY + FEBRUARY)
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 5, stored 5, rejected 0" in result.output
    assert "3 declarations" in result.output
    assert declarations(db_session) == [
        ("LIC-001", date(2025, 1, 1), 3, True, None),
        ("LIC-002", date(2025, 1, 1), 1, True, None),
        ("LIC-001", date(2025, 2, 1), 1, True, None),
    ]
    lines = db_session.scalars(select(DeclarationLine).order_by(DeclarationLine.source_row)).all()
    by_id = {d.id: d for d in db_session.scalars(select(Declaration))}
    assert [(by_id[x.declaration_id].licence_no, by_id[x.declaration_id].period)
            for x in lines] == [
        ("LIC-001", date(2025, 1, 1)),
        ("LIC-001", date(2025, 1, 1)),
        ("LIC-001", date(2025, 1, 1)),
        ("LIC-002", date(2025, 1, 1)),
        ("LIC-001", date(2025, 2, 1)),
    ]
    assert [x.source_row for x in lines] == [2, 3, 4, 5, 6]
    assert lines[3].quantity_kg == pytest.approx(150.0)  # 300 kg at 50 %
    assert lines[2].quantity_kg == pytest.approx(200 * 0.867, rel=1e-3)  # litres of toluene


def test_lines_spread_over_chunks_share_their_declaration(db_session, registered, tmp_path, app):
    from app.extensions import vigia
    from app.pipeline import import_file, read_context
    from importers import iter_file

    rows = [f"LIC-001;2025-01;purchase;2025-01-{d:02d};acetone;{d};kg;" for d in range(1, 29)]
    path = write(tmp_path / "decl.csv", DECLARATION_HEADER, rows)
    services = vigia(app)
    context = read_context(services, session=db_session, feed="declarations")
    chunks = list(iter_file("declarations", path, filename=path.name, context=context,
                            chunk_rows=5))
    assert len(chunks) > 1
    outcome = import_file(session=db_session, feed="declarations", source=path,
                          submitted_by="t", upload_folder=tmp_path / "up", context=context,
                          as_of=date(2025, 3, 1), chunk_rows=5)
    assert outcome.rows_stored == 28
    assert declarations(db_session) == [("LIC-001", date(2025, 1, 1), 28, True, None)]


def test_declarations_first_seen_in_later_chunks_get_their_own_headers(
        db_session, registered, tmp_path, app):
    # A file sorted by licence brings new declarations in every chunk: each line must name
    # the header of its own licence and period, counted, with the operator and the time.
    from datetime import UTC, datetime, timedelta

    from app.extensions import vigia
    from app.pipeline import import_file, read_context
    from app.registry.models import Operator

    services = vigia(app)
    context = read_context(services, session=db_session, feed="declarations")
    imported = []
    for name, lines in (("a.csv", JANUARY + FEBRUARY), ("b.csv", FEBRUARY + [
            "LIC-002;2025-02;purchase;2025-02-12;toluene;30;kg;50"])):
        path = write(tmp_path / name, DECLARATION_HEADER, sorted(lines))
        started = datetime.now(UTC)
        outcome = import_file(session=db_session, feed="declarations", source=path,
                              submitted_by="t", upload_folder=tmp_path / "up",
                              context=context, as_of=date(2025, 3, 1), chunk_rows=2)
        assert outcome.status == "stored"
        imported.append((outcome.batch_id, started))
    db_session.expire_all()
    operators = dict(db_session.execute(select(Operator.licence_no, Operator.id)).all())
    headers = db_session.scalars(select(Declaration).order_by(Declaration.id)).all()
    assert [(d.batch_id, d.licence_no, d.period, d.lines) for d in headers] == [
        (imported[0][0], "LIC-001", date(2025, 1, 1), 3),
        (imported[0][0], "LIC-001", date(2025, 2, 1), 1),
        (imported[0][0], "LIC-002", date(2025, 1, 1), 1),
        (imported[1][0], "LIC-001", date(2025, 2, 1), 1),
        (imported[1][0], "LIC-002", date(2025, 2, 1), 1),
    ]
    assert all(d.operator_id == operators[d.licence_no] for d in headers)
    for d in headers:
        batch_started = dict(imported)[d.batch_id]
        received = d.received_at if d.received_at.tzinfo else d.received_at.replace(tzinfo=UTC)
        assert batch_started - timedelta(seconds=1) <= received <= datetime.now(UTC)
    by_id = {d.id: d for d in headers}
    lines = db_session.scalars(select(DeclarationLine).order_by(DeclarationLine.id)).all()
    assert sorted((by_id[x.declaration_id].licence_no, x.date.isoformat()[:7],
                   by_id[x.declaration_id].period.isoformat()[:7]) for x in lines) == sorted(
        (x.split(";")[0], x.split(";")[3][:7], x.split(";")[1])
        for x in JANUARY + FEBRUARY + FEBRUARY + ["LIC-002;2025-02;p;2025-02-12"])
    assert headers[1].superseded_by_id == headers[3].id  # b.csv amends LIC-001's February


def test_same_file_twice_stores_nothing_new(runner, db_session, registered, tmp_path):
    path = write(tmp_path / "decl.csv", DECLARATION_HEADER, JANUARY)
    assert runner.invoke(args=["import", "declarations", str(path)]).exit_code == 0
    before = declarations(db_session), len(db_session.scalars(select(DeclarationLine)).all())

    copy = tmp_path / "same-bytes-other-name.csv"
    copy.write_bytes(path.read_bytes())
    again = runner.invoke(args=["import", "declarations", str(copy)])
    assert again.exit_code == 0, again.output
    assert "already imported as batch" in again.output
    assert "nothing new stored" in again.output
    after = declarations(db_session), len(db_session.scalars(select(DeclarationLine)).all())
    assert after == before
    batches = db_session.scalars(select(ImportBatch).where(ImportBatch.feed == "declarations"))
    assert len(batches.all()) == 1


def test_an_amendment_supersedes_and_both_stay_visible(runner, db_session, registered, tmp_path):
    first = write(tmp_path / "enero.csv", DECLARATION_HEADER, JANUARY)
    assert runner.invoke(args=["import", "declarations", str(first)]).exit_code == 0
    amended = write(tmp_path / "enero-corregido.csv", DECLARATION_HEADER, [
        "LIC-001;2025-01;opening_stock;2025-01-01;acetone;100;kg;",
        "LIC-001;2025-01;purchase;2025-01-10;acetone;450;kg;",
    ] + FEBRUARY)
    result = runner.invoke(args=["import", "declarations", str(amended)])
    assert result.exit_code == 0, result.output
    assert "1 earlier declarations amended (superseded)" in result.output

    rows = db_session.scalars(select(Declaration).order_by(Declaration.id)).all()
    old_lic1, old_lic2, new_lic1, new_feb = rows
    assert (old_lic1.licence_no, old_lic1.is_current, old_lic1.lines) == ("LIC-001", False, 3)
    assert old_lic1.superseded_by_id == new_lic1.id
    assert (new_lic1.is_current, new_lic1.lines, new_lic1.superseded_by_id) == (True, 2, None)
    # LIC-002 did not send an amendment: its January stays current.
    assert (old_lic2.licence_no, old_lic2.is_current, old_lic2.superseded_by_id) == (
        "LIC-002", True, None)
    assert (new_feb.period, new_feb.is_current) == (date(2025, 2, 1), True)
    # The superseded lines stay stored, for the record.
    lines = db_session.scalars(
        select(DeclarationLine).where(DeclarationLine.declaration_id == old_lic1.id)).all()
    assert len(lines) == 3

    third = write(tmp_path / "enero-otra-vez.csv", DECLARATION_HEADER, [
        "LIC-001;2025-01;purchase;2025-01-10;acetone;440;kg;"])
    assert runner.invoke(args=["import", "declarations", str(third)]).exit_code == 0
    db_session.expire_all()
    current = db_session.scalars(select(Declaration).where(
        Declaration.licence_no == "LIC-001", Declaration.period == date(2025, 1, 1),
        Declaration.is_current.is_(True))).all()
    assert len(current) == 1 and current[0].lines == 1
    db_session.refresh(new_lic1)
    assert new_lic1.superseded_by_id == current[0].id
    db_session.refresh(old_lic1)
    assert old_lic1.superseded_by_id == new_lic1.id  # history is not rewritten


def test_a_file_found_unreadable_midway_stores_none_of_its_rows(
        runner, db_session, registered, tmp_path, app):
    from app.extensions import vigia
    from app.pipeline import import_file, read_context

    rows = [f"LIC-001;2025-01;purchase;2025-01-{d:02d};acetone;{d};kg;" for d in range(1, 29)]
    rows.append('LIC-001;2025-01;purchase;2025-01-29;"acetone;5;kg;')  # quote never closed
    path = write(tmp_path / "broken.csv", DECLARATION_HEADER, rows)
    context = read_context(vigia(app), session=db_session, feed="declarations")
    outcome = import_file(session=db_session, feed="declarations", source=path,
                          submitted_by="t", upload_folder=tmp_path / "up", context=context,
                          as_of=date(2025, 3, 1), chunk_rows=5)
    assert outcome.status == "rejected"
    assert "line 30" in outcome.message and "never closed" in outcome.message
    assert db_session.scalars(select(DeclarationLine)).all() == []
    assert db_session.scalars(select(Declaration)).all() == []
    batch = db_session.get(ImportBatch, outcome.batch_id)
    assert (batch.status, batch.rows_stored) == ("rejected", 0)
    kept = tmp_path / "up" / batch.sha256[:2] / batch.sha256
    assert kept.read_bytes() == path.read_bytes()
