"""Speed check of `rules backtest` and `alerts export` on a stored database (not a test).

    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_backtest_export.py \
        [--rules rules/] [--as-of YYYY-MM-DD]

Uses the database of the environment (`DATABASE_URL`, else the SQLite file of
`VIGIA_INSTANCE_PATH`), e.g. one loaded by `vigia demo --no-serve`. Times, in this process:
loading the stored history, one evaluation of the rules (what `vigia detect` spends
evaluating), a backtest of an identical copy of the rules, a backtest of a copy with one
edited rule (the first threshold of threshold.yaml doubled), and the export of every alert
to CSV and to XLSX. Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from app import create_app  # noqa: E402
from app.alerts.export import COLUMNS, AlertFilters, alert_rows  # noqa: E402
from app.detection.loading import load_detection_data  # noqa: E402
from app.detection.rules import evaluate, load_rules  # noqa: E402
from app.exports import write_table  # noqa: E402
from app.extensions import vigia  # noqa: E402
from app.regulation.backtest_service import run_backtest  # noqa: E402


def _timed(label: str, call, results: dict):
    started = time.perf_counter()
    value = call()
    results[label] = time.perf_counter() - started
    print(f"{label:<32} {results[label]:8.2f} s", flush=True)
    return value


def _edited_copy(rules: Path, folder: Path) -> Path:
    """Copy the rules and double the first threshold of threshold.yaml (version raised)."""
    shutil.copytree(rules, folder)
    path = folder / "threshold.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(\n\s+[0-9-]+: )(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) * 2}",
                  text, count=1)
    path.write_text(text.replace("version: 1", "version: 2", 1), encoding="utf-8")
    return folder


def main() -> None:
    """Run the timings and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, default=HERE.parent / "rules")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    args = parser.parse_args()
    app = create_app()
    services = vigia(app)
    catalogue = services.catalogue
    results: dict[str, float] = {}
    print(f"database: {services.db.dialect}, as of {args.as_of}")
    with services.db.sessionmaker() as session, tempfile.TemporaryDirectory() as work:
        data = _timed("load stored history", lambda: load_detection_data(
            session=session, catalogue=catalogue, as_of=args.as_of,
            home_country=services.settings.home_country), results)
        print(f"  {len(data.lines):,} declaration lines, {len(data.customs):,} customs items")
        ruleset = load_rules(args.rules, catalogue=catalogue)
        _timed("evaluate rules once", lambda: evaluate(ruleset, data), results)
        same = Path(work, "same")
        shutil.copytree(args.rules, same)
        edited = _edited_copy(args.rules, Path(work, "edited"))
        for label, folder in (("backtest, identical copy", same),
                              ("backtest, one rule edited", edited)):
            backtest = _timed(label, lambda folder=folder: run_backtest(
                session=session, catalogue=catalogue, proposed_dir=folder,
                in_force_dir=args.rules, as_of=args.as_of,
                home_country=services.settings.home_country), results)
            print(f"  totals: {backtest.totals}")
        rows = _timed("query alerts for export", lambda: alert_rows(
            session=session, catalogue=catalogue, filters=AlertFilters()), results)
        print(f"  {len(rows):,} alerts")
        for fmt in ("csv", "xlsx"):
            _timed(f"write {fmt}", lambda fmt=fmt: write_table(
                Path(work, f"alerts.{fmt}"), fmt=fmt, columns=COLUMNS, rows=rows), results)
        session.rollback()


if __name__ == "__main__":
    main()
