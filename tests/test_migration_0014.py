"""0014: a database made at 0013 keeps its JSON values, activities and audit chain, both ways."""

import math
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.alerts.audit import event_hash, verify_chains
from app.alerts.models import Alert, StoredFinding
from app.baselines.models import Baseline
from app.db import make_engine
from app.detection.models import DetectionRun
from app.intake.models import ImportBatch
from app.migrate import alembic_config, upgrade
from app.registry.models import Licence, Operator
from app.registry.service import load_licence_book
from tests.processes import fresh_database

AT = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
# As json.dumps wrote them: key order, non-ASCII text, and a NaN (which JSON cannot say).
MEASURES = '{"ratio": NaN, "zeta": 1, "alpha": "a\\u00f1o", "nota": "año"}'
EVIDENCE = '{"declaration_line": [3, 1, 2]}'
TRACE = '["quota 8,000 kg", "año 2025"]'
WORDING = '{"template": "{operator} bought", "values": {"operator": "Química Andina"}}'


def _fill_0013(connection) -> None:
    """Write one of everything 0014 changes, as the code of 0013 wrote it."""
    def insert(sql: str, **values) -> None:
        connection.execute(text(sql), values)

    insert("INSERT INTO import_batch (id, feed, filename, sha256, size_bytes, submitted_by, "
           "submitted_at, status, rows_read, rows_stored, rows_rejected, message, warnings) "
           "VALUES (1, 'registry', 'r.csv', 'x', 1, 't', :at, 'stored', 1, 1, 0, '', :w)",
           at=AT, w='["fila 3: año sin cupo"]')
    insert("INSERT INTO import_batch (id, feed, filename, sha256, size_bytes, submitted_by, "
           "submitted_at, status, rows_read, rows_stored, rows_rejected, message) "
           "VALUES (2, 'baselines', 'b.csv', 'y', 1, 't', :at, 'stored', 1, 1, 0, '')", at=AT)
    insert("INSERT INTO operator (id, licence_no, legal_name, tax_id, tax_id_key, activities, "
           "created_at, updated_at) VALUES (1, 'LIC-1', 'Química Andina', '201', '201', "
           "'distributor|end_user|importer', :at, :at)", at=AT)
    for licence_id, substance, activities in ((1, "acetone", "distributor|importer"),
                                              (2, "toluene", "end_user")):
        insert("INSERT INTO licence (id, operator_id, substance_code, activities, "
               "annual_quota_kg, valid_from, valid_to, status, created_at, updated_at) VALUES "
               "(:id, 1, :s, :a, 8000, :f, :t, 'active', :at, :at)", id=licence_id, s=substance,
               a=activities, f=date(2024, 1, 1), t=date(2026, 12, 31), at=AT)
    for version_id, licence_id, version, activities in ((1, 1, 1, "importer"),
                                                        (2, 1, 2, "distributor|importer"),
                                                        (3, 2, 1, "end_user")):
        insert("INSERT INTO licence_version (id, licence_id, version, effective_from, "
               "activities, annual_quota_kg, valid_from, valid_to, status, change, batch_id, "
               "recorded_at) VALUES (:id, :l, :v, :e, :a, 8000, :f, :t, 'active', '', 1, :at)",
               id=version_id, l=licence_id, v=version, a=activities,
               e=None if version == 1 else date(2025, 2, 1), f=date(2024, 1, 1),
               t=date(2026, 12, 31), at=AT)
    insert("INSERT INTO baseline (batch_id, source_row, is_current, substance_code, year, "
           "quantity_kg, extra) VALUES (2, 2, :yes, 'acetone', 2025, 100, :x)", yes=True,
           x='{"Observación": "estimado"}')
    insert("INSERT INTO detection_run (id, started_at, as_of, status, message, rule_files, "
           "rows_read, findings, alerts_raised, alerts_refreshed, alerts_reopened) VALUES "
           "(1, :at, :d, 'completed', '', :r, :n, 1, 1, 0, 0)", at=AT, d=date(2025, 4, 1),
           r='{"versions": {"quota": 1}, "rules": [{"id": "quota", "seconds": 0.5}]}',
           n='{"lines": 3}')
    figures = {"w": WORDING, "e": EVIDENCE, "t": TRACE, "m": MEASURES}
    insert("INSERT INTO alert (id, key, rule_id, rule_version, kind, detector, queue, severity, "
           "score, licence_no, substance_code, period_start, period_end, status, summary, "
           "wording, evidence, trace, measures, times_seen, first_raised_at, last_seen_at, "
           "last_run_id) VALUES (1, 'k1', 'quota', 1, 'rule', 'quota', 'diversion', 'high', 70, "
           "'LIC-1', 'acetone', :s, :e2, 'open', 'bought', :w, :e, :t, :m, 1, :at, :at, 1)",
           s=date(2025, 1, 1), e2=date(2025, 3, 31), at=AT, **figures)
    insert("INSERT INTO finding (run_id, alert_id, rule_id, rule_version, kind, mode, severity, "
           "licence_no, window_start, window_end, summary, wording, evidence, trace, measures) "
           "VALUES (1, 1, 'quota', 1, 'quota', 'active', 'high', 'LIC-1', :s, :e2, 'bought', "
           ":w, :e, :t, :m)", s=date(2025, 1, 1), e2=date(2025, 3, 31), **figures)
    event = {"alert_id": 1, "seq": 1, "at": AT, "actor": "vigia detect", "action": "raised",
             "from_status": None, "to_status": "open", "comment": "año",
             "detail": '{"score": 70, "nota": "ñ"}', "prev_hash": ""}
    insert("INSERT INTO alert_event (alert_id, seq, at, actor, action, from_status, to_status, "
           "comment, detail, prev_hash, hash) VALUES (:alert_id, :seq, :at, :actor, :action, "
           ":from_status, :to_status, :comment, :detail, :prev_hash, :hash)",
           **event, hash=event_hash(event))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0014_keeps_json_activities_and_the_audit_chain_and_downgrades_back(backend, tmp_path):
    from alembic import command

    with fresh_database(backend, tmp_path, revision="0013_scheduler") as url:
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                _fill_0013(connection)
            upgrade(engine)
            with Session(engine) as session:
                alert = session.get(Alert, 1)
                finding = session.scalars(select(StoredFinding)).one()
                for stored in (alert, finding):
                    assert list(stored.measures) == ["ratio", "zeta", "alpha", "nota"]
                    assert stored.measures["alpha"] == stored.measures["nota"] == "año"
                    assert stored.evidence == {"declaration_line": [3, 1, 2]}
                    assert stored.trace == ["quota 8,000 kg", "año 2025"]
                    assert stored.wording["values"] == {"operator": "Química Andina"}
                ratio = alert.measures["ratio"]  # PostgreSQL's json has no NaN: null
                assert ratio is None if backend == "postgresql" else math.isnan(ratio)
                run = session.get(DetectionRun, 1)
                assert run.rule_files["versions"] == {"quota": 1}
                assert run.rows_read == {"lines": 3}
                assert session.get(ImportBatch, 1).warnings == ["fila 3: año sin cupo"]
                assert session.get(ImportBatch, 2).warnings is None
                assert session.scalars(select(Baseline.extra)).one() == {
                    "Observación": "estimado"}
                operator = session.scalars(select(Operator)).one()
                assert operator.activities == ("distributor", "end_user", "importer")
                acetone = session.get(Licence, 1)
                assert acetone.activities == ("distributor", "importer")
                assert [v.activities for v in acetone.versions] == [
                    ("importer",), ("distributor", "importer")]
                book = load_licence_book(session=session)
                assert book.check("LIC-1", "acetone", "distributor", date(2025, 3, 1)).licensed
                assert not book.check("LIC-1", "acetone", "distributor", date(2025, 1, 1)).licensed
                assert verify_chains(session=session).ok
            with engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.downgrade(config, "0013_scheduler")
            with engine.connect() as connection:
                assert connection.execute(text(
                    "SELECT activities FROM operator")).scalar() == "distributor|end_user|importer"
                assert connection.execute(text(
                    "SELECT activities FROM licence ORDER BY id")).scalars().all() == [
                    "distributor|importer", "end_user"]
                assert connection.execute(text(
                    "SELECT activities FROM licence_version ORDER BY id")).scalars().all() == [
                    "importer", "distributor|importer", "end_user"]
                rows_read, warnings = connection.execute(text(
                    "SELECT r.rows_read, b.warnings FROM detection_run r, import_batch b "
                    "WHERE b.id = 1")).one()
                assert (rows_read, warnings) == ('{"lines": 3}', '["fila 3: año sin cupo"]')
            upgrade(engine)  # and up again, as the whole-chain walk does
        finally:
            engine.dispose()
