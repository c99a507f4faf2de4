"""Intake benchmark (not a test): whole declarations import against raw baselines.

    .venv/bin/python bench/bench_intake.py [--rows 1000000] [--backends sqlite,postgresql]

For each backend, in a fresh child process (so peak memory is its own): a new database
built by the migrations, the demo registry imported, then the timed part: `import_file` of a
declarations CSV (Windows-1252, `;`, decimal comma, Spanish headers) — parse, validate,
convert, store with the real table's indexes, commit. Beside it, in the same run, the raw
baselines: `pandas.read_csv` of the file, PostgreSQL `COPY` of the same file into an
unindexed table, and sqlite3 `executemany` of the parsed rows. Results go to stdout as JSON
and, with --write, into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def prepare(rows: int) -> tuple[Path, Path]:
    """Generate (once, cached) the demo registry and a declarations file of `rows` lines."""
    from app.demo import generate_bulk_declarations

    path = OUT / f"declarations_{rows}.csv"
    registry = OUT / f"declarations_{rows}_country" / "registry.csv"
    if not path.exists() or not registry.exists():
        generate_bulk_declarations(path, rows=rows, seed=1)
    return path, registry


def fresh_database(backend: str, folder: Path) -> str:
    """Return the URL of a new, empty database of a backend."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "vigia_bench" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "vigia_bench"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/vigia_bench"


def child(backend: str, path: Path, registry: Path) -> dict:
    """Import the registry, then time the whole declarations import; return the figures."""
    from app import create_app
    from app.extensions import vigia
    from app.migrate import upgrade
    from app.pipeline import import_one

    folder = Path(tempfile.mkdtemp(prefix="vigia-bench-"))
    url = fresh_database(backend, folder)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "SECRET_KEY": "b"})
    services = vigia(app)
    upgrade(services.db.engine)
    with app.app_context():
        import_one(services, feed="registry", path=registry, submitted_by="bench",
                   as_of=date.today())
        started = time.perf_counter()
        outcome = import_one(services, feed="declarations", path=path, submitted_by="bench",
                             as_of=date.today())
        seconds = time.perf_counter() - started
    services.db.engine.dispose()
    return {
        "backend": backend, "seconds": round(seconds, 2), "rows_read": outcome.rows_read,
        "rows_stored": outcome.rows_stored, "rows_rejected": outcome.rows_rejected,
        "rows_per_s": round(outcome.rows_read / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def raw_read_csv(path: Path) -> dict:
    """Time pandas.read_csv of the whole file (the parser alone)."""
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path, sep=";", encoding="cp1252", dtype=object, na_filter=False)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "rows_per_s": round(len(frame) / seconds)}


def raw_copy_postgres(path: Path) -> dict:
    """Time a raw COPY of the same file into an unindexed text table."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=vigia_bench") as conn:
        conn.execute("DROP TABLE IF EXISTS raw_declarations")
        conn.execute("CREATE TABLE raw_declarations (" + ", ".join(
            f"c{i} text" for i in range(14)) + ")")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(
            "COPY raw_declarations FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true, "
            "ENCODING 'WIN1252')"
        ) as copy, path.open("rb") as src:
            while block := src.read(1 << 20):
                copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM raw_declarations").fetchone()[0]
        conn.execute("DROP TABLE raw_declarations")
    return {"seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}


def raw_executemany_sqlite(path: Path) -> dict:
    """Time sqlite3 executemany of the file's rows (already split) into a plain table."""
    with path.open(encoding="cp1252", newline="") as src:
        rows = list(csv.reader(src, delimiter=";"))[1:]
    folder = Path(tempfile.mkdtemp(prefix="vigia-raw-"))
    conn = sqlite3.connect(folder / "raw.sqlite3")
    conn.execute("CREATE TABLE raw_declarations (" + ", ".join(
        f"c{i} text" for i in range(14)) + ")")
    started = time.perf_counter()
    conn.executemany(f"INSERT INTO raw_declarations VALUES ({', '.join('?' * 14)})", rows)
    conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return {"seconds": round(seconds, 2), "rows_per_s": round(len(rows) / seconds)}


def main() -> None:
    """Run the benchmark and print (optionally write) the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path, registry = prepare(args.rows)
    if args.child:
        print(json.dumps(child(args.child, path, registry)))
        return
    results = {"rows": args.rows, "file_mb": round(path.stat().st_size / 1e6, 1),
               "read_csv": raw_read_csv(path), "imports": []}
    for backend in args.backends.split(","):
        out = subprocess.run([sys.executable, __file__, "--rows", str(args.rows),
                              "--child", backend], check=True, capture_output=True, text=True)
        results["imports"].append(json.loads(out.stdout.strip().splitlines()[-1]))
        if backend == "postgresql":
            results["raw_copy_postgresql"] = raw_copy_postgres(path)
    results["raw_executemany_sqlite"] = raw_executemany_sqlite(path)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
