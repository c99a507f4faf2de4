"""load_detection_data reads what intake stored: current rows only, typed, in the window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, update

from app import create_app
from app.detection import loading, service, sqlite_read
from app.detection.data import COLUMNS, FRAMES
from app.detection.loading import EXTRA_COLUMNS, history_start, load_detection_data
from app.detection.rules import evaluate, load_rules
from app.extensions import vigia
from app.migrate import upgrade
from app.movements.models import DeclarationLine
from tests.detection.stored import (
    BASELINE_HEADER,
    CUSTOMS_HEADER,
    DECLARATION_HEADER,
    NOTIFICATION_HEADER,
    REGISTRY_HEADER,
    declaration_row,
    store,
    write_csv,
)

AS_OF = date(2025, 9, 1)
RULES = Path(__file__).resolve().parents[2] / "rules"


_line = declaration_row


@pytest.fixture
def stored(app, tmp_path):
    """Store a registry, declarations with an amendment, customs, baselines, notifications."""
    store(app, _files(tmp_path))
    return app


def _files(tmp_path):
    """Write a registry, declarations with an amendment, customs, baselines, notifications."""
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [
        ["LIC-001", "ACME S.A.", "20100000001", "distributor|importer", "acetic anhydride",
         8000, "2020-01-01", "2026-12-31", "active", "Lima", "4669 Wholesale"],
        ["LIC-002", "Beta Química", "0012345", "end_user", "acetone",
         "", "2020-01-01", "2026-12-31", "active", "Callao", ""],
    ])
    first = write_csv(tmp_path / "decl-1.csv", DECLARATION_HEADER, [
        _line("LIC-001", "2021-05", "purchase", "2021-05-03", "108-24-7", 300),
        _line("LIC-001", "2025-03", "purchase", "2025-03-10", "108-24-7", 1000,
              payment_method="cash", delivery="collected"),
        _line("LIC-001", "2025-04", "sale", "2025-04-02", "108-24-7", 200,
              counterparty_name="Beta Química", counterparty_country="NA"),
        _line("LIC-001", "2025-10", "purchase", "2025-10-02", "108-24-7", 999),
        _line("LIC-002", "2025-04", "consumption", "2025-04-20", "acetone", 50),
    ])
    amendment = write_csv(tmp_path / "decl-2.csv", DECLARATION_HEADER, [
        _line("LIC-001", "2025-03", "purchase", "2025-03-11", "108-24-7", 1500),
    ])
    customs = write_csv(tmp_path / "customs.csv", CUSTOMS_HEADER, [
        ["118-2025-10-000001", "01", "2025-03-12", "import", "2915.24.00",
         "ANHIDRIDO ACETICO 99%", 1500, "20100000001", "ACME S.A.", "NA"],
        ["118-2025-10-000002", "1", "2025-04-12", "import", "2914.11.00", "ACETONA",
         40, "0012345", "Beta Química", "DE"],
        ["118-2025-10-000003", "1", "2025-11-12", "import", "2914.11.00", "ACETONA",
         40, "0012345", "Beta Química", "DE"],
    ])
    baselines = write_csv(tmp_path / "baselines.csv", BASELINE_HEADER, [
        ["acetic anhydride", 2025, 50000, "INCB annual legitimate requirement"],
    ])
    notifications = write_csv(tmp_path / "notifications.csv", NOTIFICATION_HEADER, [
        ["PEN-2025-001", "2025-03-01", "LIC-001", "Químicos del Valle", "CO",
         "acetic anhydride", 1000, "approved"],
    ])
    return {"registry": [registry], "declarations": [first, amendment], "customs": [customs],
            "baselines": [baselines], "export_notifications": [notifications]}


def _load(app, db_session, since=None):
    services = vigia(app)
    return load_detection_data(session=db_session, catalogue=services.catalogue, as_of=AS_OF,
                               home_country="PE", since=since)


def test_every_frame_has_its_columns_and_types(stored, db_session):
    data = _load(stored, db_session)
    for name in FRAMES:
        frame = getattr(data, name)
        assert list(frame.columns) == [*COLUMNS[name], *EXTRA_COLUMNS.get(name, ())], name
    assert pd.api.types.is_float_dtype(data.lines["concentration_pct"])
    assert pd.api.types.is_float_dtype(data.lines["quantity"])
    assert pd.api.types.is_datetime64_dtype(data.lines["date"])
    assert pd.api.types.is_datetime64_dtype(data.lines["period"])
    assert pd.api.types.is_datetime64_dtype(data.customs["date"])
    assert pd.api.types.is_float_dtype(data.lines["quantity_kg"])
    assert pd.api.types.is_integer_dtype(data.lines["line_id"])
    assert data.rows_read() == {"lines": 4, "customs": 2, "operators": 2, "declarations": 4,
                                "baselines": 1, "notifications": 1}


def test_only_current_declarations_up_to_the_run_date_are_read(stored, db_session):
    data = _load(stored, db_session)
    march = data.lines[data.lines["period"] == pd.Timestamp("2025-03-01")]
    # The amendment replaced the March declaration: 1,500 kg, not 1,000 kg beside it.
    assert march["quantity_kg"].tolist() == [1500.0]
    assert march["date"].tolist() == [pd.Timestamp("2025-03-11")]
    assert march["payment_method"].isna().all()
    # October 2025 is after the run date.
    assert (data.lines["period"] <= pd.Timestamp(AS_OF)).all()
    stored_ids = set(db_session.scalars(select(DeclarationLine.id)))
    assert set(data.lines["line_id"]) < stored_ids


def test_text_keeps_leading_zeros_and_namibia(stored, db_session):
    data = _load(stored, db_session)
    sale = data.lines[data.lines["movement"] == "sale"].iloc[0]
    assert sale["counterparty_country"] == "NA"
    assert sale["counterparty_name"] == "Beta Química"
    beta = data.customs[data.customs["trader_name"] == "Beta Química"].iloc[0]
    assert beta["trader_tax_id"] == "0012345"
    assert beta["hs6"] == "291411"
    assert beta["substance_code"] == "acetone"
    acme = data.customs[data.customs["trader_name"] == "ACME S.A."].iloc[0]
    assert acme["declaration_no"] == "118-2025-10-000001"
    assert acme["partner_country"] == "NA"
    assert data.operators.set_index("licence_no").loc["LIC-002", "tax_id"] == "0012345"


def test_registry_and_references_are_read(stored, db_session):
    data = _load(stored, db_session)
    assert data.licences.quota("LIC-001", "acetic-anhydride", 2025) == 8000.0
    assert data.licences.check("LIC-002", "acetone", "end_user", date(2025, 4, 20)).licensed
    assert data.baselines.to_dict("records") == [{
        "substance_code": "acetic-anhydride", "year": 2025, "quantity_kg": 50000.0,
        "source": "INCB annual legitimate requirement"}]
    assert data.notifications["notification_ref"].tolist() == ["PEN-2025-001"]
    assert data.declarations["licence_no"].tolist().count("LIC-001") == 3


def test_since_keeps_the_history_rules_need_and_drops_older_rows(stored, db_session):
    assert history_start(date(2025, 6, 1)) == date(2022, 1, 1)
    everything = _load(stored, db_session)
    windowed = _load(stored, db_session, since=date(2025, 6, 1))
    assert pd.Timestamp("2021-05-01") in set(everything.lines["period"])
    assert pd.Timestamp("2021-05-01") not in set(windowed.lines["period"])
    # Year-to-date history before `since` stays: March and April 2025 are still read.
    assert len(windowed.lines) == len(everything.lines) - 1


def test_the_rule_files_evaluate_on_loaded_data(stored, db_session):
    data = _load(stored, db_session)
    result = evaluate(load_rules(RULES, catalogue=data.catalogue), data)
    assert result.errors == {}
    # Cash and collection in person on the 1,500 kg March purchase is not what fires here,
    # but the national baseline is read: 1,500 kg of 50,000 is far below pace.
    assert not [f for f in result.findings if f.kind == "national_pace"]


def test_a_read_in_many_chunks_equals_one_read_and_shares_equal_texts(stored, db_session,
                                                                     monkeypatch):
    """SQLite reads chunk by chunk; PostgreSQL streams COPY blocks: the frames do not change."""
    whole = _load(stored, db_session)
    monkeypatch.setattr(loading, "SQLITE_CHUNK_ROWS", 1)
    monkeypatch.setattr(loading, "_CopyStream", _TinyBlocks)
    chunked = _load(stored, db_session)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name),
                                      check_exact=True)
    # Equal texts of a column are one object, as the CSV parser gives them on PostgreSQL.
    licences = chunked.lines["licence_no"].to_numpy()
    first = licences[licences == "LIC-001"]
    assert len(first) == 3 and all(value is first[0] for value in first)


def test_a_text_column_missing_in_every_row_is_still_text(app, tmp_path, db_session):
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [
        ["LIC-001", "ACME S.A.", "20100000001", "distributor", "acetone", "", "2020-01-01",
         "2026-12-31", "active", "Lima", ""]])
    declarations = write_csv(tmp_path / "decl.csv", DECLARATION_HEADER, [
        _line("LIC-001", "2025-03", "purchase", "2025-03-10", "acetone", 10)])
    store(app, {"registry": [registry], "declarations": [declarations]})
    data = _load(app, db_session)
    assert len(data.lines) == 1
    assert data.lines["payment_method"].dtype == "str"
    assert data.lines["payment_method"].isna().all()
    assert data.customs.empty and list(data.customs.columns)[:2] == ["item_id", "declaration_no"]


class _TinyBlocks(loading._CopyStream):
    """COPY's blocks cut into pieces of 7 bytes: rows and fields split across blocks."""

    def __init__(self, blocks) -> None:
        pieces = (bytes(block)[i:i + 7] for block in blocks
                  for i in range(0, len(bytes(block)), 7))
        super().__init__(pieces)


def test_sqlite_reads_the_lines_in_id_order_without_sorting_them(stored, db_session, monkeypatch):
    """The lines come scanned in id order (declarations looked up by id), not sorted after."""
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    plans = []
    fetch = loading._fetch_sqlite

    def explained(raw, sql, columns):
        plans.append([row[3] for row in raw.execute(
            "EXPLAIN QUERY PLAN " + loading._sqlite_plan(sql)).fetchall()])
        return fetch(raw, sql, columns)

    monkeypatch.setattr(loading, "_fetch_sqlite", explained)
    data = _load(stored, db_session)
    lines_plan = plans[0]  # the lines are read first
    assert any(step.startswith("SCAN declaration_line") for step in lines_plan), lines_plan
    assert not any("TEMP B-TREE" in step for step in lines_plan), lines_plan
    assert data.lines["line_id"].is_monotonic_increasing


def test_sqlite_shares_the_lines_with_a_reader_process_when_the_run_has_written_nothing(
        tmp_path, monkeypatch):
    """A run whose transaction has written nothing reads the lines in two processes.

    The reader process sees only what is committed: a run in a transaction that has changed
    lines reads them alone, and sees its changes.
    """
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'own.sqlite3'}"}, web=False)
    services = vigia(app)
    upgrade(services.db.engine)
    store(app, _files(tmp_path))
    monkeypatch.setattr(loading, "SPLIT_MIN_ROWS", 1)
    splits, runs = [], []
    read_split, load = sqlite_read.read_split, service.load_detection_data
    monkeypatch.setattr(sqlite_read, "read_split",
                        lambda *a, **k: splits.append(a[2]) or read_split(*a, **k))

    def loaded(**kwargs):
        data = load(**kwargs)
        runs.append((kwargs["split_reads"], sorted(data.lines["quantity_kg"])))
        return data

    monkeypatch.setattr(service, "load_detection_data", loaded)

    def detect(session):
        service.find(session=session, catalogue=services.catalogue, rules_dir=RULES,
                     as_of=AS_OF, home_country="PE")

    with services.db.session() as session:
        detect(session)
    assert runs == [(True, [50.0, 200.0, 300.0, 1500.0])]
    assert len(splits) == 1
    assert "declaration_line.id <= " in splits[0][0] and "declaration_line.id > " in splits[0][1]
    with services.db.session() as session:
        session.execute(update(DeclarationLine).values(quantity_kg=DeclarationLine.quantity_kg * 2))
        detect(session)
        session.rollback()
    assert runs[1] == (False, [100.0, 400.0, 600.0, 3000.0]) and len(splits) == 1
    with services.db.session() as session:  # the same frame either way
        split = load(session=session, catalogue=services.catalogue, as_of=AS_OF,
                     home_country="PE", split_reads=True)
        assert len(splits) == 2
        whole = _load(app, session)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(split, name), getattr(whole, name),
                                      check_exact=True)
