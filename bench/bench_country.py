"""Country benchmark (not a test): a real country's deliveries through intake and detection.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_country.py \\
        [--operators 3000] [--backends sqlite,postgresql] [--repeat 3] [--no-detect] \\
        [--name vigia_bench_country]

The country is the demo generator's (`generate_country`, seed 7, 24 months, quarterly
layout): the ERP habit sends one UTF-8 `,` CSV a month, the Spanish accountants' habit one
Windows-1252 `;` CSV a quarter, the two spreadsheet habits one XLSX a quarter each, plus two
amendments. Generated once into bench/out/country/.

For each backend and repeat, on a fresh database built by the migrations with the country's
registry and baselines (not timed):

1. **intake**: every declaration file in ONE `vigia import declarations` command, run as a
   new process exactly as a user types it (its start-up included); wall seconds and the peak
   resident memory of the command and its reader processes (`wait4`'s maximum);
2. **raw pipeline**, in the same run on the same files: `pandas.read_csv` of each CSV (its
   encoding and separator, every cell a string) or calamine for each XLSX, then the strings
   into a plain table of 14 text columns: sqlite3 `executemany` (SQLite) or `COPY` (PostgreSQL).
   No validation, no conversion, no indexes. Timed inside its process, after its imports;
3. **detection** (with `--detect`, default on): customs and export notifications imported,
   then `vigia detect --as-of 2026-11-30` twice as new processes (first raises, second
   refreshes), wall seconds, peak memory and the run's own stage seconds.

`--name` names the databases it recreates (the SQLite files in bench/out/country/ and the
PostgreSQL databases; the raw pipeline's get `_raw` after it), so that two people can measure
at once without dropping each other's.

Prints one JSON line per measurement (with the load average) and a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "country"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "vigia_bench_country"
AS_OF = date(2026, 11, 30)
RAW_COLUMNS = 14


def country(operators: int, seed: int = 7, layout: str = "quarterly"):
    """Generate (once, cached on disk) the country's files; return the DemoCountry."""
    from demo import generate_country
    from demo.country import DemoCountry

    folder = OUT / f"{operators}_seed{seed}_{layout}"
    listing = folder / "files.json"  # written last: the country is complete
    if not listing.exists():
        demo = generate_country(folder, seed=seed, operators=operators, months=24,
                                layout=layout, progress=lambda m: print(m, file=sys.stderr))
        listing.write_text(json.dumps({feed: [str(p.relative_to(folder)) for p in paths]
                                       for feed, paths in demo.feeds()}))
    feeds = {feed: [folder / p for p in paths]
             for feed, paths in json.loads(listing.read_text()).items()}
    return DemoCountry(folder, seed, feeds["registry"], feeds["declarations"], feeds["customs"],
                       feeds["baselines"], feeds["export_notifications"],
                       folder / "planted.json", folder / "registry.xlsx")


def database_url(backend: str, name: str = PG_DB) -> str:
    """Return the URL of a new, empty database of the backend."""
    if backend == "sqlite":
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def environment(url: str) -> dict[str, str]:
    """Return the environment of a `vigia` command on that database."""
    return {**os.environ, "DATABASE_URL": url, "VIGIA_INSTANCE_PATH": str(OUT / "instance"),
            "SECRET_KEY": "bench", "VIGIA_HOME_COUNTRY": "PE"}


def measured(command: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a command as a new process; return its wall seconds and peak memory (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{command[:3]} failed ({process.returncode}):\n{stderr[-3000:]}")
    return {"seconds": round(seconds, 2), "stdout": stdout, "stderr": stderr}


def peak_of(command: list[str], env: dict[str, str]) -> dict:
    """Run a command through `--peak` (a fresh process that waits for it); return the result."""
    done = measured([sys.executable, __file__, "--peak", json.dumps(command)], env)
    return json.loads(done["stdout"].strip().splitlines()[-1])


def peak_child(command: list[str]) -> None:
    """Run a command; print its wall seconds and the largest peak RSS of it and its children.

    Run in a fresh process, RUSAGE_CHILDREN holds only that command and its descendants.
    """
    import resource

    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(done.returncode)
    print(done.stdout[-2000:], file=sys.stderr)
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak)}))


def setup(backend: str, files: dict[str, list[Path]], feeds: list[str]) -> None:
    """Build the database (when feeds start with the registry) and import those feeds."""
    from app import create_app
    from app.extensions import vigia
    from app.migrate import upgrade
    from app.pipeline import import_in_order

    url = os.environ["DATABASE_URL"]
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(OUT / "instance"),
                      "SECRET_KEY": "bench"})
    services = vigia(app)
    if "registry" in feeds:
        upgrade(services.db.engine)
    import_in_order(services, files={f: files[f] for f in feeds}, submitted_by="bench",
                    as_of=AS_OF)
    services.db.engine.dispose()
    print(backend, "set up:", ", ".join(feeds), file=sys.stderr)


def raw_pipeline(backend: str, paths: list[Path]) -> None:
    """Read every file into strings and store them untouched; print seconds and lines."""
    import pandas as pd
    from python_calamine import CalamineWorkbook

    url = os.environ["DATABASE_URL"]
    names = ", ".join(f"c{i} text" for i in range(RAW_COLUMNS))
    if backend == "sqlite":
        import sqlite3

        path = url.removeprefix("sqlite:///")
        Path(path).unlink(missing_ok=True)
        conn = sqlite3.connect(path)
        conn.execute(f"CREATE TABLE raw ({names})")
    else:
        import psycopg

        conn = psycopg.connect(url.replace("+psycopg", ""))
        conn.execute(f"CREATE TABLE raw ({names})")
    started = time.perf_counter()
    lines = 0
    for path in paths:
        if path.suffix == ".csv":
            habit = _csv_habit(path)
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=habit.sep,
                                encoding=habit.encoding)
            rows = [tuple(r[:RAW_COLUMNS]) for r in frame.itertuples(index=False, name=None)]
        else:
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            start = 2 if all(c == "" for c in sheet[0][1:]) else 1  # a title row above
            rows = [tuple(str(c) for c in r[:RAW_COLUMNS]) for r in sheet[start:]]
        if backend == "sqlite":
            conn.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * RAW_COLUMNS)})", rows)
            conn.commit()
        else:
            with conn.cursor() as cur, cur.copy("COPY raw FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.commit()
        lines += len(rows)
    seconds = time.perf_counter() - started
    conn.close()
    print(json.dumps({"seconds": round(seconds, 2), "lines": lines}))


def _csv_habit(path: Path):
    """Return the habit that wrote a declarations CSV, from its name."""
    from demo.habits import DECLARATION_HABITS

    for key, habit in DECLARATION_HABITS.items():
        if key in path.name and habit.kind == "csv":
            return habit
    with path.open("rb") as raw:  # an amendment: its habit is in its bytes
        head = raw.read(4096)
    key = "contable_es" if b";" in head.splitlines()[0] else "erp_en"
    return DECLARATION_HABITS[key]


def load_average() -> str:
    """Return the 1-minute load average, as text."""
    return f"{os.getloadavg()[0]:.1f}"


def run(backend: str, demo, operators: int, repeat: int, detect: bool,
        name: str = PG_DB) -> list[dict]:
    """Measure intake against the raw pipeline (and detection) once; return the records."""
    files = dict(demo.feeds())
    url = database_url(backend, name)
    env = environment(url)
    # The children set up the same country: registry, declarations and customs must agree.
    me = [sys.executable, __file__, "--operators", str(operators), "--name", name]
    measured([*me, "--setup", backend, "registry,baselines"], env)
    vigia = str(Path(sys.executable).with_name("vigia"))
    records = []
    load = load_average()
    intake = peak_of([vigia, "import", "declarations", "--by", "bench", "--as-of",
                      AS_OF.isoformat(), *map(str, files["declarations"])], env)
    raw_env = environment(database_url(backend, name + "_raw"))
    raw = json.loads(measured([*me, "--raw", backend, *map(str, files["declarations"])],
                              raw_env)["stdout"].strip().splitlines()[-1])
    records.append({"backend": backend, "repeat": repeat, "what": "intake", "load": load,
                    "files": len(files["declarations"]), "lines": raw["lines"],
                    "seconds": intake["seconds"], "peak_mb": intake["peak_mb"],
                    "lines_per_s": round(raw["lines"] / intake["seconds"]),
                    "raw_seconds": raw["seconds"],
                    "raw_lines_per_s": round(raw["lines"] / raw["seconds"]),
                    "ratio_to_raw": round(intake["seconds"] / raw["seconds"], 2),
                    **refused_lines(url)})
    print(json.dumps(records[-1]), flush=True)
    if not detect:
        return records
    measured([*me, "--setup", backend, "customs,export_notifications"], env)
    for attempt in ("first", "second"):
        load = load_average()
        done = peak_of([vigia, "detect", "--as-of", AS_OF.isoformat()], env)
        records.append({"backend": backend, "repeat": repeat, "what": f"detect, {attempt}",
                        "load": load, "seconds": done["seconds"], "peak_mb": done["peak_mb"],
                        **last_run(url)})
        print(json.dumps(records[-1]), flush=True)
    return records


def refused_lines(url: str) -> dict:
    """Return the declaration lines stored and refused, so a mismatched setup shows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        stored, refused = conn.execute(text(
            "SELECT SUM(rows_stored), SUM(rows_rejected) FROM import_batch "
            "WHERE feed = 'declarations'")).one()
    engine.dispose()
    if refused and refused > 0.05 * (stored + refused):
        print(f"WARNING: {refused:,} of {stored + refused:,} declaration lines refused",
              file=sys.stderr)
    return {"stored": stored, "refused": refused}


def last_run(url: str) -> dict:
    """Return the last detection run's stage seconds, findings and alerts."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT seconds, rule_files, rows_read, findings, alerts_raised, alerts_refreshed "
            "FROM detection_run ORDER BY id DESC LIMIT 1")).one()
    engine.dispose()
    # A json column comes back parsed on PostgreSQL (psycopg), as its text on SQLite.
    record, rows_read = (json.loads(v) if isinstance(v, str) else v
                         for v in (row.rule_files, row.rows_read))
    rules = sorted(((r.get("seconds") or 0, r["id"]) for r in record.get("rules", [])),
                   reverse=True)
    return {"run_seconds": row.seconds, "stages": record.get("stages"),
            "lines": rows_read.get("lines"),
            "findings": row.findings, "raised": row.alerts_raised,
            "refreshed": row.alerts_refreshed,
            "slowest_rules": {rule: seconds for seconds, rule in rules[:6]}}


def main() -> None:
    """Generate the country once, then measure each backend `--repeat` times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operators", type=int, default=3000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-detect", action="store_true")
    parser.add_argument("--name", default=PG_DB,
                        help="name of the databases it recreates (default %(default)s)")
    parser.add_argument("--setup", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--raw", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--peak", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak:
        peak_child(json.loads(args.peak))
        return
    demo = country(args.operators)
    if args.setup:
        setup(args.setup[0], dict(demo.feeds()), args.setup[1].split(","))
        return
    if args.raw:
        raw_pipeline(args.raw[0], [Path(p) for p in args.raw[1:]])
        return
    records = []
    for repeat in range(1, args.repeat + 1):
        for backend in args.backends.split(","):
            records += run(backend, demo, args.operators, repeat, not args.no_detect,
                           args.name)
    print(json.dumps({"summary": [{k: r[k] for k in ("backend", "what", "seconds", "peak_mb",
                                                     "load") if k in r}
                                  for r in records]}))


if __name__ == "__main__":
    main()
