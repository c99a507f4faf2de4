"""The schema is built by the migrations and matches the models on both backends."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import app.models  # noqa: F401  (every table on the metadata)
from app import create_app
from app.db import Base
from app.migrate import current_revision, head_revision, upgrade


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(engine) == head_revision()


def test_init_creates_then_reports_up_to_date(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert f"upgraded from empty to revision {head_revision()}" in first.output
    second = runner.invoke(args=["init"])
    assert f"is up to date (revision {head_revision()})" in second.output


def test_every_migration_downgrades_and_upgrades_again(database_url, tmp_path):
    """Walk the whole chain down to empty and back up on a throwaway database of the backend."""
    from alembic import command
    from sqlalchemy import inspect

    from app.db import make_engine
    from app.migrate import alembic_config

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'walk.sqlite3'}"
    else:
        url = database_url  # the session database: restored to head before the test ends
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            command.downgrade(config, "base")
            assert [t for t in inspect(connection).get_table_names()
                    if t != "alembic_version"] == []
            command.upgrade(config, "head")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_downgrading_0006_gives_lines_their_declarations_licence_period_and_batch(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from app.db import make_engine
    from app.migrate import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'lines.sqlite3'}")
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0006")
            connection.execute(text(
                "INSERT INTO import_batch (id, feed, filename, sha256, size_bytes, submitted_by, "
                "submitted_at, status, rows_read, rows_stored, rows_rejected, message) VALUES "
                "(7, 'declarations', 'd.csv', 'x', 1, 't', '2025-04-01', 'stored', 2, 2, 0, '')"))
            connection.execute(text(
                "INSERT INTO declaration (id, batch_id, licence_no, period, lines, is_current, "
                "received_at) VALUES (3, 7, 'LIC-9', '2025-03-01', 2, 1, '2025-04-01')"))
            connection.execute(text(
                "INSERT INTO declaration_line (declaration_id, source_row, movement, date, "
                "substance_code, substance_text, quantity, unit, concentration_pct, "
                "quantity_kg) VALUES (3, 2, 'sale', '2025-03-04', 'acetone', 'Acetona', 1, "
                "'kg', 100, 1), (3, 3, 'purchase', '2025-03-05', 'acetone', 'Acetona', 2, "
                "'kg', 100, 2)"))
            command.downgrade(config, "0005")
            assert connection.execute(text(
                "SELECT source_row, licence_no, period, batch_id FROM declaration_line "
                "ORDER BY source_row")).all() == [(2, "LIC-9", "2025-03-01", 7),
                                                  (3, "LIC-9", "2025-03-01", 7)]
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def test_0007_rekeys_operators_with_the_one_identity_key(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from app.db import make_engine
    from app.migrate import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'keys.sqlite3'}")
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0006")
            # Before 0007 the registry dropped the Ñ of a Mexican RFC.
            connection.execute(text(
                "INSERT INTO operator (licence_no, legal_name, tax_id, tax_id_key, activities, "
                "created_at, updated_at) "
                "VALUES ('LIC-1', 'Peña S.A. de C.V.', 'PEÑ-850101-AB1', 'PE850101AB1', '', "
                "'2025-01-01', '2025-01-01')"))
            command.upgrade(config, "0007")
            assert connection.execute(text("SELECT tax_id_key FROM operator")).scalar() == \
                "PEN850101AB1"
            command.downgrade(config, "0006")
            assert connection.execute(text("SELECT tax_id_key FROM operator")).scalar() == \
                "PE850101AB1"
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_intake_stored_once_repairs_what_concurrent_imports_damaged(backend, tmp_path):
    """A file stored twice and two current declarations (issue 12) are repaired, then indexed."""
    from sqlalchemy import text

    from app.db import make_engine
    from tests.processes import fresh_database

    with fresh_database(backend, tmp_path, revision="0006") as url:
        engine = make_engine(url)
        batch = ("INSERT INTO import_batch (id, feed, filename, sha256, size_bytes, submitted_by, "
                 "submitted_at, status, rows_read, rows_stored, rows_rejected, message) VALUES ")
        with engine.begin() as connection:
            connection.execute(text(
                batch + "(1, 'declarations', 'a.csv', 'same', 1, 't', '2025-04-01 10:00:00', "
                "'stored', 1, 1, 0, ''), (2, 'declarations', 'a.csv', 'same', 1, 't', "
                "'2025-04-01 10:00:01', 'stored', 1, 1, 0, ''), (3, 'customs', 'c.csv', 'x', 1, "
                "'t', '2025-04-01 10:00:00', 'stored', 1, 1, 0, ''), (4, 'customs', 'd.csv', 'y', "
                "1, 't', '2025-04-02 10:00:00', 'stored', 1, 1, 0, '')"))
            connection.execute(text(
                "INSERT INTO declaration (id, batch_id, licence_no, period, lines, is_current, "
                "received_at) VALUES (10, 1, 'LIC-9', '2025-03-01', 1, :yes, '2025-04-01'), "
                "(11, 2, 'LIC-9', '2025-03-01', 1, :yes, '2025-04-01')"), {"yes": True})
            item = ("INSERT INTO customs_item (batch_id, source_row, is_current, declaration_no, "
                    "item_no, date, flow, hs_code, hs6, goods_description, net_mass_kg, "
                    "trader_tax_id, tax_id_key, partner_country) VALUES ")
            connection.execute(text(
                item + "(3, 2, :yes, 'D-1', '1', '2025-03-04', 'import', '2914110000', '291411', "
                "'ACETONA', 10, '1', '1', 'US'), (4, 2, :yes, 'D-1', '1', '2025-03-04', 'import', "
                "'2914110000', '291411', 'ACETONA', 12, '1', '1', 'US')"), {"yes": True})
        upgrade(engine)
        with engine.connect() as connection:
            statuses = connection.execute(text(
                "SELECT id, status FROM import_batch ORDER BY id")).all()
            current = connection.execute(text(
                "SELECT id FROM declaration WHERE is_current")).scalars().all()
            items = connection.execute(text(
                "SELECT batch_id, is_current FROM customs_item ORDER BY batch_id")).all()
        engine.dispose()
    assert [tuple(s) for s in statuses] == [(1, "stored"), (2, "duplicate"), (3, "stored"),
                                            (4, "stored")]
    assert current == [10]
    assert [tuple(i) for i in items] == [(3, False), (4, True)]  # the later submission
