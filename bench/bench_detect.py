"""Detection benchmark (not a test): a full `vigia detect` over growing stored histories.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_detect.py \\
        [--sizes 250000,500000,1000000] [--customs 100000] [--backends sqlite,postgresql]
    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_detect.py --market 3400

With --market N the stored history is instead a realistic demo market of N operators (its
own registry, declarations, customs, baselines and notifications, with planted problems),
all imported through intake.

For each backend and size, in a fresh child process: a new database built by the
migrations; the demo country's registry, baselines and export notifications imported
through intake; a bulk declarations file of SIZE lines (`generate_bulk_declarations`, the
demo registry's licences) and a customs file of CUSTOMS items (the demo country's customs
items repeated under new item numbers) imported through intake. Then the timed part:
`run_detection` with the rule files in force (rules/), as of 2026-11-30, twice: the first
run raises the alerts, the second refreshes them. Prints one JSON line per run: seconds
(total and per stage: load rules, load data, evaluate, alerts), rows read, findings,
alerts, and the per-rule seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "detect"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "vigia_bench_detect"
AS_OF = date(2026, 11, 30)


def country():
    """Generate (once, cached on disk) the default demo country."""
    from demo import generate_country

    return generate_country(OUT / "country", seed=7, operators=300, months=24)


def declarations(size: int, registry: Path) -> Path:
    """Write (once, cached) a bulk declarations file of `size` lines."""
    from demo import generate_bulk_declarations

    path = OUT / f"declarations_{size}.csv"
    if not path.exists():
        generate_bulk_declarations(path, rows=size, seed=1, registry=registry)
    return path


def customs(rows: int, files: list[Path]) -> Path:
    """Write (once, cached) `rows` customs items: the demo's items under new item numbers."""
    import pandas as pd

    from demo.habits import CUSTOMS_HABIT

    path = OUT / f"customs_{rows}.csv"
    if path.exists():
        return path
    headers = CUSTOMS_HABIT.headers
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
              for f in files if f.suffix == ".csv"]
    base = pd.concat(frames, ignore_index=True)
    copies = []
    for copy in range(rows // len(base) + 1):
        frame = base.copy()
        item = frame[headers["item_no"]].astype(int) + 100 * copy
        frame[headers["item_no"]] = item.astype(str)
        copies.append(frame)
    pd.concat(copies, ignore_index=True).head(rows).to_csv(path, index=False,
                                                            encoding="utf-8-sig")
    return path


def database_url(backend: str) -> str:
    """Return the URL of an empty database of the backend."""
    if backend == "sqlite":
        path = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=PG_DB).render_as_string(hide_password=False)


def market(operators: int):
    """Generate a realistic demo market of that many operators (seeded: same files each time)."""
    from demo import generate_country

    folder = OUT / f"market_{operators}"
    return generate_country(folder, seed=7, operators=operators, months=24)


def child(backend: str, size: int, customs_rows: int, operators: int = 0) -> None:
    """Build one database, import, run detection twice; print a JSON line per run."""
    from app import create_app
    from app.extensions import vigia
    from app.migrate import upgrade
    from app.pipeline import import_in_order, run_detection

    if operators:
        # A whole market: supply chains, stocks that balance, planted problems.
        files = dict(market(operators).feeds())
    else:
        demo = country()
        files = {"registry": demo.registry, "baselines": demo.baselines,
                 "declarations": [declarations(size, demo.registry[0])],
                 "customs": [customs(customs_rows, demo.customs)],
                 "export_notifications": demo.export_notifications}
    url = database_url(backend)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(OUT / "instance"),
                      "SECRET_KEY": "bench"})
    services = vigia(app)
    upgrade(services.db.engine)
    started = time.perf_counter()
    report = import_in_order(services, files=files, submitted_by="bench", as_of=AS_OF)
    imported = round(time.perf_counter() - started, 1)
    for attempt in ("first (raises)", "second (refreshes)"):
        started = time.perf_counter()
        with services.db.session() as session:
            run = run_detection(session=session, catalogue=services.catalogue,
                                rules_dir=services.settings.rules_dir, as_of=AS_OF,
                                home_country=services.settings.home_country)
        seconds = round(time.perf_counter() - started, 2)
        record = run.rule_files
        print(json.dumps({
            "backend": backend, "size": size, "market_operators": operators,
            "run": attempt, "seconds": seconds,
            "status": run.status, "stages": record.get("stages"),
            "rows_read": run.rows_read, "findings": run.findings,
            "raised": run.alerts_raised, "refreshed": run.alerts_refreshed,
            "import_seconds": imported, "rows_stored": report.rows_stored,
            "rules": {r["id"]: r.get("seconds") for r in record.get("rules", [])},
        }), flush=True)
    services.db.engine.dispose()


def main() -> None:
    """Run every backend and size in its own child process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250000,500000,1000000")
    parser.add_argument("--customs", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--market", type=int, default=0, metavar="OPERATORS",
                        help="instead of bulk random lines, a realistic demo market of this "
                             "many operators (3,400 give about 1,000,000 lines)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        backend, size, rows, operators = args.child
        child(backend, int(size), int(rows), int(operators))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [0] if args.market else [int(s) for s in args.sizes.split(",")]
    for backend in args.backends.split(","):
        for size in sizes:
            subprocess.run([sys.executable, __file__, "--child", backend, str(size),
                            str(args.customs), str(args.market)], check=True)


if __name__ == "__main__":
    main()
