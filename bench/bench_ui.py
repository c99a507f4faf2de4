"""Workspace benchmark (not a test): queue and alert pages over 1,000,000 alerts on PostgreSQL.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_ui.py [--alerts 1000000]
        [--lines 5000000] [--requests 100] [--keep]

Builds a fresh database `vigia_bench_ui` by the migrations and fills it by COPY: 5,000
operators in 25 regions, 24 months of declarations each, LINES declaration lines (the
evidence rows), ALERTS alerts over 25 rules, 15 detectors and 10 substances (30 % still to
act on, a third of those assigned; each alert cites 5 declaration lines and carries its
`raised` event). Then, signed in as an officer through the Flask test client (server time:
the whole request inside the application, templates included), it times the queue's first
page with no filter and with each filter alone, its second page, alert pages of random
alerts, and the pages of 20 national alerts (whose chart sums a year of the country's lines,
remembered after the first view until the next import); prints one JSON line per case with
the 50th and 95th percentiles in ms.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "vigia_bench_ui"
SUBSTANCES = ("acetone", "toluene", "sulphuric-acid", "hydrochloric-acid",
              "potassium-permanganate",
              "methyl-ethyl-ketone", "ethyl-ether", "acetic-anhydride", "ephedrine",
              "pseudoephedrine")
DETECTORS = ("quota", "licence", "threshold", "mass_balance", "mirror", "customs_reconciliation",
             "payment_delivery", "surge", "peer", "splitting", "new_operator", "sar_max6",
             "sar_avg12", "export_notification", "missing_declaration")
OPERATORS = 5000
MONTHS = 24


def copy(raw, table: str, frame: pd.DataFrame) -> None:
    """COPY a frame into a table (CSV)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
    buffer.seek(0)
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    ) as out:
        while chunk := buffer.read(1 << 20):
            out.write(chunk)


def build(url: str, alerts: int, lines: int) -> None:
    """Create and fill the benchmark database."""
    from sqlalchemy.orm import Session

    from app.auth.service import create_user
    from app.db import make_engine
    from app.migrate import upgrade

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    rng = np.random.default_rng(14)
    started = time.perf_counter()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        copy(raw, "import_batch", pd.DataFrame([{
            "id": 1, "feed": "declarations", "filename": "bench.csv", "sha256": "0" * 64,
            "size_bytes": 1, "submitted_by": "bench", "submitted_at": now.isoformat(),
            "status": "stored", "message": "", "rows_read": lines, "rows_stored": lines,
            "rows_rejected": 0}]))
        ids = np.arange(1, OPERATORS + 1)
        licences = np.array([f"LIC-{i:05d}" for i in ids])
        copy(raw, "operator", pd.DataFrame({
            "id": ids, "licence_no": licences, "legal_name": [f"Química {i} S.A.C." for i in ids],
            "tax_id": [f"20{i:09d}" for i in ids], "tax_id_key": [f"20{i:09d}" for i in ids],
            "region": [f"Región {i % 25}" for i in ids],
            "created_at": now.isoformat(), "updated_at": now.isoformat()}))
        declaration_ids = np.arange(1, OPERATORS * MONTHS + 1)
        periods = [date(2025 + m // 12, m % 12 + 1, 1).isoformat() for m in range(MONTHS)]
        copy(raw, "declaration", pd.DataFrame({
            "id": declaration_ids, "batch_id": 1,
            "operator_id": np.repeat(ids, MONTHS), "licence_no": np.repeat(licences, MONTHS),
            "period": np.tile(periods, OPERATORS), "lines": lines // len(declaration_ids),
            "is_current": True, "received_at": now.isoformat()}))
        for start in range(0, lines, 1_000_000):
            n = min(1_000_000, lines - start)
            copy(raw, "declaration_line", pd.DataFrame({
                "id": np.arange(start + 1, start + n + 1),
                "declaration_id": rng.integers(1, len(declaration_ids) + 1, n),
                "source_row": np.arange(2, n + 2), "movement": rng.choice(
                    ["purchase", "sale", "import", "consumption"], n),
                "date": "2025-06-15", "substance_code": rng.choice(SUBSTANCES, n),
                "substance_text": "acetona", "quantity": rng.gamma(2, 400, n).round(1),
                "unit": "kg", "concentration_pct": 100.0,
                "quantity_kg": rng.gamma(2, 400, n).round(1)}))
        print(f"operators, declarations, {lines:,} lines: {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
        for start in range(0, alerts, 250_000):
            n = min(250_000, alerts - start)
            alert_ids = np.arange(start + 1, start + n + 1)
            detector = rng.choice(DETECTORS, n)
            rule = np.char.add(detector.astype(str), rng.choice(["", "-b"], n))
            status = rng.choice(["open", "in_review", "escalated", "confirmed", "dismissed"], n,
                                p=[0.2, 0.06, 0.04, 0.2, 0.5])
            licence = licences[rng.integers(0, OPERATORS, n)]
            month = rng.integers(0, MONTHS, n)
            starts = [periods[m] for m in month]
            evidence = [json.dumps({"declaration_line": [int(x) for x in
                                                         rng.integers(1, lines + 1, 5)]})
                        for _ in range(n)]
            assignee = np.where(rng.random(n) < 0.35,
                                np.char.add("officer", rng.integers(0, 20, n).astype(str)), None)
            raised = [(now - timedelta(days=int(d))).isoformat()
                      for d in rng.integers(0, 700, n)]
            wording = json.dumps({"template": "{operator} acquired {observed_kg} kg of "
                                  "{substance} in {window}", "values": {
                                      "operator": "Química S.A.C.", "observed_kg": "12,400",
                                      "substance": "acetone", "window": "March 2025",
                                      "start": "2025-03-01", "end": "2025-03-31"}})
            copy(raw, "alert", pd.DataFrame({
                "id": alert_ids, "key": [f"k{i}" for i in alert_ids], "rule_id": rule,
                "rule_version": 1, "kind": "rule", "detector": detector,
                "queue": np.where(detector == "missing_declaration", "administrative",
                                  "diversion"),
                "severity": rng.choice(["low", "medium", "high", "critical"], n,
                                       p=[0.3, 0.4, 0.2, 0.1]),
                "score": rng.integers(0, 101, n), "licence_no": licence,
                "tax_id": [f"20{int(x[4:]):09d}" for x in licence],
                "substance_code": rng.choice(SUBSTANCES, n), "period_start": starts,
                "period_end": starts, "status": status,
                "summary": "Química S.A.C. acquired 12,400 kg of acetone in March 2025",
                "wording": wording, "observed": 12400.0, "expected": 8000.0,
                "evidence": evidence, "trace": "[]", "measures": "{}", "times_seen": 1,
                "assignee": assignee, "first_raised_at": raised, "last_seen_at": raised,
                "outcome": np.where(status == "dismissed", "false_positive",
                                    np.where(status == "confirmed", "diversion_suspected", None)),
            }))
            copy(raw, "alert_event", pd.DataFrame({
                "alert_id": alert_ids, "seq": 1, "at": raised, "actor": "vigia detect",
                "action": "raised", "to_status": "open", "comment": "", "detail": "{}",
                "prev_hash": "", "hash": "0" * 64}))
        national = [{"id": alerts + 1 + i, "key": f"national-{code}-{year}",
                     "rule_id": "national-pace", "rule_version": 1, "kind": "rule",
                     "detector": "national_pace", "queue": "diversion", "severity": "high",
                     "score": 70, "substance_code": code, "period_start": f"{year}-01-01",
                     "period_end": f"{year}-12-31", "status": "open", "summary": "national",
                     "wording": "{}", "observed": 1.0, "expected": 1.0, "evidence": "{}",
                     "trace": "[]", "measures": json.dumps({"baseline_kg": 2_000_000}),
                     "times_seen": 1, "first_raised_at": now.isoformat(),
                     "last_seen_at": now.isoformat()}
                    for i, (code, year) in enumerate((c, y) for c in SUBSTANCES
                                                     for y in (2025, 2026))]
        copy(raw, "alert", pd.DataFrame(national))
        copy(raw, "alert_event", pd.DataFrame({
            "alert_id": [a["id"] for a in national], "seq": 1, "at": now.isoformat(),
            "actor": "vigia detect", "action": "raised", "to_status": "open", "comment": "",
            "detail": "{}", "prev_hash": "", "hash": "0" * 64}))
        conn.execute(text("SELECT setval('alert_id_seq', (SELECT max(id) FROM alert))"))
        conn.execute(text("SELECT setval('alert_event_id_seq', (SELECT max(id) FROM alert_event))"))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    with Session(engine) as session:
        create_user(session=session, email="officer@bench.vigia", role="officer",
                    password="bench-officer-1")
        session.commit()
    engine.dispose()
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def measure(url: str, requests: int, alerts: int) -> list[dict]:
    """Time the queue and alert pages through the app; return one result per case."""
    from app import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": str(Path("/tmp/vigia-bench-ui"))})
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "officer@bench.vigia",
                                             "password": "bench-officer-1"})
    assert response.status_code == 302, response.status_code
    rng = random.Random(14)
    second = client.get("/alerts").get_data(as_text=True)
    cursor = second.split('rel="next"')[0].rsplit("after=", 1)[-1].split('"')[0]
    cases = {
        "queue, no filter": lambda: "/alerts",
        "queue, status=escalated": lambda: "/alerts?status=escalated",
        "queue, status=all": lambda: "/alerts?status=all",
        "queue, severity=critical": lambda: "/alerts?severity=critical",
        "queue, rule": lambda: f"/alerts?rule={rng.choice(DETECTORS)}-b",
        "queue, detector": lambda: f"/alerts?detector={rng.choice(DETECTORS)}",
        "queue, substance": lambda: f"/alerts?substance={rng.choice(SUBSTANCES)}",
        "queue, operator": lambda: f"/alerts?licence=LIC-{rng.randint(1, OPERATORS):05d}",
        "queue, region": lambda: f"/alerts?region=Región+{rng.randint(0, 24)}",
        "queue, assignee": lambda: f"/alerts?assignee=officer{rng.randint(0, 19)}",
        "queue, date window": lambda: "/alerts?since=2026-03-01&until=2026-03-31",
        "queue, text search": lambda: f"/alerts?q=Química+{rng.randint(1, OPERATORS)}+S",
        "queue, overdue": lambda: "/alerts?overdue=1",
        "queue, administrative": lambda: "/alerts?queue=administrative",
        "queue, second page": lambda: f"/alerts?after={cursor}",
        "alert page": lambda: f"/alerts/{rng.randint(1, alerts)}",
        # 20 national alerts (10 substances, 2 years): the page announces the chart, which its
        # own request draws (summing a year of the country's lines the first time, remembered
        # until the next import: the first view of each of the 20 is a cold one).
        "alert page, national": lambda: f"/alerts/{alerts + rng.randint(1, 20)}",
        "national chart (own request)": lambda: f"/alerts/{alerts + rng.randint(1, 20)}/chart.svg",
    }
    results = []
    for name, url_for in cases.items():
        client.get(url_for())  # warm the plan cache and the pages
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url_for())
            response.get_data()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            response.close()
        times.sort()
        result = {"case": name, "requests": requests,
                  "p50_ms": round(statistics.median(times), 1),
                  "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                  "max_ms": round(times[-1], 1)}
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
    return results


def main() -> None:
    """Build the database (unless --reuse) and measure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="measure the database built before")
    args = parser.parse_args()
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB
    if not args.reuse:
        build(url, args.alerts, args.lines)
    measure(url, args.requests, args.alerts)


if __name__ == "__main__":
    main()
