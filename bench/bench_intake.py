"""Intake benchmark (not a test): whole declarations import against raw baselines.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_intake.py \
        [--rows 1000000] [--xlsx-rows 100000] [--backends sqlite,postgresql] \
        [--no-reader-process]

For each backend and file, in a fresh child process (so peak memory is its own): a new
database built by the migrations, the demo registry imported, then the timed part:
`import_one` of a declarations file — parse, validate, convert, store with the real table's
indexes, commit. The substance catalogue is loaded before the clock starts: a process
loads it once, whatever the number of files. The CSV is Windows-1252, `;`, decimal comma, Spanish
headers; the XLSX holds the first --xlsx-rows of it with real date and number cells.

Beside it, in the same run, the raw baselines: `pandas.read_csv` of the file, PostgreSQL
`COPY` of the same file into an unindexed text table, sqlite3 `executemany` of the split rows
into a plain table, and the storage floors: the already converted lines stored again into a
copy of the real `declaration_line` table (same columns and indexes), see `storage_floor`.
Results go to stdout as JSON; docs/benchmarks.md reports them.
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
    from demo import generate_bulk_declarations

    path = OUT / f"declarations_{rows}.csv"
    registry = OUT / f"declarations_{rows}_country" / "registry.csv"
    if not path.exists() or not registry.exists():
        generate_bulk_declarations(path, rows=rows, seed=1)
    return path, registry


def prepare_xlsx(csv_path: Path, rows: int) -> Path:
    """Write (once, cached) the first `rows` lines of the CSV as a workbook with typed cells."""
    import pandas as pd
    from openpyxl import Workbook

    path = OUT / f"{csv_path.stem}_{rows}.xlsx"
    if path.exists():
        return path
    frame = pd.read_csv(csv_path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False,
                        nrows=rows)
    dates = pd.to_datetime(frame["Fecha"], format="%d/%m/%Y").dt.date
    quantities = pd.to_numeric(frame["Cantidad"].str.replace(".", "", regex=False)
                               .str.replace(",", ".", regex=False))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Declaración")
    sheet.append(list(frame.columns))
    for values, day, quantity in zip(frame.itertuples(index=False), dates, quantities,
                                     strict=True):
        row = [v or None for v in values]
        row[3], row[5] = day, float(quantity)
        sheet.append(row)
    book.save(path)
    return path


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
    from app.intake import reader_process
    from app.intake.reader_process import peak_memory_mb
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
        assert len(services.catalogue)  # loaded once per process (about 0.5 s), not per file
        cpu = _cpu_seconds()
        started = time.perf_counter()
        outcome = import_one(services, feed="declarations", path=path, submitted_by="bench",
                             as_of=date.today())
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu
        peak = peak_memory_mb()
        reader_peak = reader_process.last_reader_peak_mb
        floor = storage_floor(services.db.engine, backend)
    services.db.engine.dispose()
    return {
        "backend": backend, "file": path.name, "seconds": round(seconds, 2),
        "cpu_seconds_client": round(cpu, 2), "rows_read": outcome.rows_read,
        "rows_stored": outcome.rows_stored, "rows_rejected": outcome.rows_rejected,
        "rows_per_s": round(outcome.rows_read / seconds), "peak_rss_mb": round(peak),
        "reader_process_peak_mb": None if reader_peak is None else round(reader_peak),
        "storage_floor": floor,
    }


def _cpu_seconds() -> float:
    """Return this process's user + system CPU time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def storage_floor(engine, backend: str) -> dict:
    """Time the database storing the imported lines again, into a copy of the table.

    The copy has the real table's columns, defaults and indexes. PostgreSQL: the lines, as
    COPY text and then in the binary format the import sends, already in memory, sent by one
    COPY each (the server's own share of the import).
    SQLite: `INSERT ... SELECT` with a WHERE (without one SQLite copies the b-trees whole,
    which no import can do), the engine's share; then the same rows as Python tuples through
    the driver's `executemany`, the cheapest any Python import can store them.
    """
    from sqlalchemy import text

    figures = {}
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT count(*) FROM declaration_line")).scalar_one()
        raw = conn.connection.driver_connection
        if backend == "postgresql":
            for name, options in (("server_copy", ""), ("server_copy_binary", " (FORMAT BINARY)")):
                conn.execute(text("CREATE TABLE floor_line (LIKE declaration_line INCLUDING ALL)"))
                buffer = bytearray()
                with raw.cursor() as cursor, cursor.copy(
                        f"COPY declaration_line TO STDOUT{options}") as copy:
                    for block in copy:
                        buffer += block
                started = time.perf_counter()
                with raw.cursor() as cursor, cursor.copy(
                        f"COPY floor_line FROM STDIN{options}") as copy:
                    copy.write(bytes(buffer))
                figures[name] = _rate(rows, time.perf_counter() - started)
                conn.execute(text("DROP TABLE floor_line"))
        else:
            _sqlite_floor_table(conn)
            started = time.perf_counter()
            conn.execute(text("INSERT INTO floor_line SELECT * FROM declaration_line WHERE id > 0"))
            figures["engine_insert_select"] = _rate(rows, time.perf_counter() - started)
            conn.execute(text("DROP TABLE floor_line"))
            _sqlite_floor_table(conn)
            lines = raw.execute("SELECT * FROM declaration_line").fetchall()
            marks = ", ".join("?" for _ in lines[0])
            started = time.perf_counter()
            raw.executemany(f"INSERT INTO floor_line VALUES ({marks})", lines)
            figures["driver_executemany"] = _rate(rows, time.perf_counter() - started)
            del lines
            conn.execute(text("DROP TABLE floor_line"))
    return figures


def _sqlite_floor_table(conn) -> None:
    """Create floor_line in SQLite as declaration_line is, indexes included."""
    from sqlalchemy import text

    for (sql,) in conn.execute(text(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'declaration_line' "
            "AND sql IS NOT NULL ORDER BY type DESC")).all():
        conn.execute(text(sql.replace("declaration_line", "floor_line")))


def _rate(rows: int, seconds: float) -> dict:
    """Return seconds and rows per second."""
    return {"seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}


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
    """Run the benchmark and print the figures as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-reader-process", action="store_true",
                        help="read every file in a thread of the importing process (to "
                             "measure what the reader process brings)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path, registry = prepare(args.rows)
    if args.child:
        if args.no_reader_process:
            from app.intake import reader_process
            reader_process.PROCESS_MIN_BYTES = 2**62
        print(json.dumps(child(args.child, Path(args.file), registry)))
        return
    files = [path]
    if args.xlsx_rows:
        files.append(prepare_xlsx(path, args.xlsx_rows))
    results = {"rows": args.rows, "file_mb": round(path.stat().st_size / 1e6, 1),
               "read_csv": raw_read_csv(path), "imports": []}
    for backend in args.backends.split(","):
        for file in files:
            out = subprocess.run([sys.executable, __file__, "--rows", str(args.rows),
                                  "--child", backend, "--file", str(file),
                                  *(["--no-reader-process"] if args.no_reader_process else [])],
                                 check=True, capture_output=True, text=True)
            results["imports"].append(json.loads(out.stdout.strip().splitlines()[-1]))
        if backend == "postgresql":
            results["raw_copy_postgresql"] = raw_copy_postgres(path)
    results["raw_executemany_sqlite"] = raw_executemany_sqlite(path)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
