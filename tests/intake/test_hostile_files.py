"""Hostile and odd files through `vigia import`, on both engines (issue 12's attack run).

Each test is one failure the attack run found: a far cell that made calamine abort, sheets
too large for memory, millions of row errors, values PostgreSQL refuses and SQLite kept,
megabyte cells echoed twice, mixed encodings, a file kept before its size was checked,
file names that forge lines or drive the terminal, absurd quantities.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import vigia
from app.intake.models import ImportBatch, RowErrorRecord
from app.movements.models import Declaration, DeclarationLine
from tests.builders import DECLARATION_HEADER, sheet_rows, write, write_sheet_xml

GOOD = "LIC-001;2025-01;purchase;2025-01-10;acetone;{n};kg;"
WIDE_HEADER = DECLARATION_HEADER + ";counterparty_name;document_ref;notas"


@pytest.fixture
def make_runner(database_url, session_factory, tmp_path):
    """Return a factory of CLI runners of an application with extra settings."""
    apps = []

    def make(**config):
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                          "INSTANCE_PATH": str(tmp_path / "instance"), **config})
        vigia(app).db.sessionmaker = session_factory
        apps.append(app)
        return app.test_cli_runner()

    yield make
    for app in apps:
        vigia(app).db.engine.dispose()


def last_batch(session) -> ImportBatch:
    """Return the last declarations batch."""
    return session.scalars(select(ImportBatch).where(ImportBatch.feed == "declarations")
                           .order_by(ImportBatch.id.desc())).first()


def lines_stored(session) -> int:
    """Count the declaration lines stored."""
    return session.scalar(select(func.count(DeclarationLine.id)))


def test_a_lone_cell_at_xfd1048576_is_refused_before_it_is_loaded(
        runner, db_session, registered, tmp_path):
    rows = sheet_rows(DECLARATION_HEADER, [GOOD.format(n=5)])
    rows[1048576] = [("XFD1048576", "x")]
    path = write_sheet_xml(tmp_path / "lejos.xlsx", rows)
    assert path.stat().st_size < 5000
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 1
    assert "cells as far as row 1,048,576 and column XFD, far beyond its data" in result.output
    assert "delete the cells beyond the table" in result.output
    assert lines_stored(db_session) == 0


def test_a_lone_cell_at_row_1048576_column_200_is_refused(runner, registered, tmp_path):
    rows = sheet_rows(DECLARATION_HEADER, [GOOD.format(n=5)])
    rows[1048576] = [("GR1048576", "x")]
    result = runner.invoke(args=["import", "declarations",
                                 str(write_sheet_xml(tmp_path / "abajo.xlsx", rows))])
    assert result.exit_code == 1
    assert "as far as row 1,048,576 and column GR" in result.output


def test_a_sheet_too_large_for_memory_is_refused_saying_to_save_it_as_csv(
        make_runner, registered, tmp_path):
    rows = sheet_rows(DECLARATION_HEADER, [GOOD.format(n=n) for n in range(1, 31)])
    path = write_sheet_xml(tmp_path / "grande.xlsx", rows)
    result = make_runner(MAX_SHEET_CELLS=100).invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 1
    assert "holds more than the 100 cells one import reads" in result.output
    assert "save it as CSV" in result.output


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_over_the_row_limit_is_refused_whole(make_runner, db_session, registered,
                                                    tmp_path, kind):
    rows = [GOOD.format(n=n) for n in range(1, 31)]
    if kind == "csv":
        path = write(tmp_path / "largo.csv", DECLARATION_HEADER, rows)
    else:
        path = write_sheet_xml(tmp_path / "largo.xlsx", sheet_rows(DECLARATION_HEADER, rows))
    result = make_runner(MAX_ROWS=20).invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 1
    assert "more than 20 rows, the most one import reads (VIGIA_MAX_ROWS)" in result.output
    assert lines_stored(db_session) == 0


def test_past_the_error_limit_rejected_cells_are_counted_not_stored(
        make_runner, db_session, registered, tmp_path):
    bad = [f"LIC-001;2025-01;purchase;2025-01-10;unobtainium;{n + 1};kg;" for n in range(12)]
    path = write(tmp_path / "errores.csv", DECLARATION_HEADER, [GOOD.format(n=1)] + bad)
    result = make_runner(MAX_ROW_ERRORS=5).invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 13, stored 1, rejected 12" in result.output
    assert "7 more rejected cells past the first 5 are counted" in result.output
    batch = last_batch(db_session)
    assert batch.rows_rejected == 12
    assert db_session.scalar(select(func.count(RowErrorRecord.id))
                             .where(RowErrorRecord.batch_id == batch.id)) == 5
    assert "counted but not listed" in batch.warnings[-1]


def test_values_longer_than_their_column_are_row_errors_on_both_engines(
        runner, db_session, registered, tmp_path):
    rows = [
        GOOD.format(n=1) + ";" + "N" * 400 + ";F-1;",
        GOOD.format(n=2) + ";Distribuidora;" + "D" * 200 + ";",
        GOOD.format(n=3) + ";Distribuidora;F-3;nota",
    ]
    path = write(tmp_path / "largos.csv", WIDE_HEADER, rows)
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 3, stored 1, rejected 2" in result.output
    assert "row 2, column 'counterparty_name': 400 characters long: at most 300" in result.output
    assert "row 3, column 'document_ref': 200 characters long: at most 120" in result.output
    errors = db_session.scalars(select(RowErrorRecord).order_by(RowErrorRecord.row)).all()
    assert [len(e.value) < 240 for e in errors] == [True, True]  # quoted by their start


def test_a_long_sheet_name_and_a_long_sender_are_handled(runner, make_runner, db_session,
                                                         registered, tmp_path):
    name = "Declaración " + "x" * 238
    path = write_sheet_xml(tmp_path / "hoja.xlsx",
                           sheet_rows(DECLARATION_HEADER, [GOOD.format(n=1)]), sheet=name)
    result = runner.invoke(args=["import", "declarations", str(path), "--by", "Ana"])
    assert result.exit_code == 0, result.output
    assert len(last_batch(db_session).sheet) <= 200
    refused = runner.invoke(args=["import", "declarations", str(path), "--by", "a" * 201])
    assert refused.exit_code == 1
    assert "--by is 201 characters long; at most 200 are stored" in refused.output


def test_control_characters_refuse_their_row_not_the_file(runner, db_session, registered,
                                                          tmp_path):
    filler = [GOOD.format(n=n) + ";Distribuidora del Norte S.A.C.;F-1;" for n in range(1, 2000)]
    assert len("\n".join(filler)) > 64 * 1024  # past what the sniffer looks at
    hostile = [
        GOOD.format(n=7) + ";Nombre\x00oculto;F-2;",  # NUL: PostgreSQL cannot store it
        GOOD.format(n=8) + ";\x1b[2J\x1b[31mBorrado;F-3;",  # terminal escapes
        GOOD.format(n=9) + ";Química\u202eSA;F-4;",  # a right-to-left override
    ]
    path = write(tmp_path / "control.csv", WIDE_HEADER, filler + hostile)
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 2002, stored 1999, rejected 3" in result.output
    assert "holds the control character U+0000" in result.output
    assert "U+001B" in result.output and "U+202E" in result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    stored = db_session.scalars(select(DeclarationLine.counterparty_name)).all()
    assert not any("\x00" in (n or "") for n in stored)


def test_a_megabyte_cell_is_refused_and_quoted_by_its_start(runner, db_session, registered,
                                                            tmp_path):
    rows = [GOOD.format(n=1) + ";Distribuidora;F-1;" + "z" * 5_000_000,
            GOOD.format(n=2) + ";Distribuidora;F-2;breve"]
    path = write(tmp_path / "enorme.csv", WIDE_HEADER, rows)
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 2, stored 1, rejected 1" in result.output
    assert "more than 32,767 characters in one cell" in result.output
    assert len(result.output) < 5000  # not the 100 MB of output the attack run saw
    value = db_session.scalars(select(RowErrorRecord.value)).one()
    assert value.endswith("(5,000,000 characters)") and len(value) < 240


def test_mixed_utf8_and_windows_1252_lines_are_each_read_right_with_a_warning(
        runner, db_session, registered, tmp_path):
    header = (WIDE_HEADER + "\n").encode()
    utf8 = (GOOD.format(n=1) + ";Química Andina;F-1;\n").encode("utf-8")
    cp1252 = (GOOD.format(n=2) + ";Compañía Pérez;F-2;\n").encode("cp1252")
    path = tmp_path / "mezcla.csv"
    path.write_bytes(header + utf8 + cp1252)
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert "mixes UTF-8 and Windows-1252 text" in result.output
    names = db_session.scalars(select(DeclarationLine.counterparty_name)
                               .order_by(DeclarationLine.source_row)).all()
    assert names == ["Química Andina", "Compañía Pérez"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_kept(make_runner, registered,
                                                                 tmp_path):
    rows = [GOOD.format(n=n) + ";Distribuidora;F-1;" + "relleno " * 20 for n in range(8000)]
    path = write(tmp_path / "pesado.csv", WIDE_HEADER, rows)
    assert path.stat().st_size > 1024 * 1024
    result = make_runner(MAX_FILE_MB=1).invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 1
    assert "more than the 1.0 MB allowed; not kept" in result.output
    uploads = tmp_path / "instance" / "uploads"
    size = path.stat().st_size
    assert not [p for p in uploads.rglob("*") if p.is_file() and p.stat().st_size >= size]


def test_a_file_name_cannot_forge_lines_or_drive_the_terminal(runner, db_session, registered,
                                                              tmp_path):
    name = "enero\nfebrero.csv: read 9, stored 9\x1b[2J\u202evsc.exe.csv"
    path = write(tmp_path / name, DECLARATION_HEADER, [GOOD.format(n=1)])
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    summary = result.output.splitlines()
    assert len(summary) == 1
    assert summary[0].startswith("enero?febrero.csv: read 9, stored 9?[2J?vsc.exe.csv: read 1")
    stored = last_batch(db_session).filename
    assert "\n" not in stored and "\x1b" not in stored and "\u202e" not in stored


def test_an_absurd_quantity_is_stored_but_flagged_and_written_readably(
        runner, db_session, registered, tmp_path):
    rows = [GOOD.format(n="1e300"), GOOD.format(n=5), GOOD.format(n="20000000")]
    path = write(tmp_path / "absurdo.csv", DECLARATION_HEADER, rows)
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 3, stored 3, rejected 0" in result.output
    assert ("2 row(s) declare more than 10,000,000 kg of pure substance in one line "
            "(row 2: 1e+300 kg; row 4: 20,000,000 kg)") in result.output
    assert "0" * 30 not in result.output
    assert "declare more than" in last_batch(db_session).warnings[0]
    assert db_session.scalar(select(func.count(Declaration.id))) == 1
