"""Stored against in memory (not a test): does a country's detection depend on the database path?

    .venv/bin/python bench/compare_stored.py --operators 300 [--layout quarterly] \\
        [--rules trade-mirror] [--reader-process] [--chunk-rows 700] [--workdir DIR]

Generates a demo country once (seed 7, 24 months) into the work folder, then evaluates the
rules of rules/ twice as of 2026-11-30: on the files read through the importers into frames
(`demo_detection_data.load_country`, no database, as bench/detection_quality.py does) and on
the same files imported into a fresh SQLite database (`import_in_order`) and read back by
`load_detection_data`. Prints each rule's findings on both sides and the rules that differ.
`--reader-process` sends every CSV through the reader process (normally 16 MB and up);
`--chunk-rows` makes intake store each file in chunks of that many rows (normally 100,000;
workbooks 25,000), so a small country exercises what only a large one does by default.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

AS_OF = date(2026, 11, 30)


def country_files(folder: Path, operators: int, layout: str) -> dict[str, list[Path]]:
    """Generate the country once (files.json written last); return its files per feed."""
    from demo import generate_country

    listing = folder / "files.json"
    if not listing.exists():
        demo = generate_country(folder, seed=7, operators=operators, months=24, layout=layout)
        listing.write_text(json.dumps({feed: [str(p) for p in paths]
                                       for feed, paths in demo.feeds()}))
    return {feed: [Path(p) for p in paths]
            for feed, paths in json.loads(listing.read_text()).items()}


def stored_data(folder: Path, files: dict[str, list[Path]], catalogue):
    """Import every file into a new SQLite database and read the detection data back."""
    from app import create_app
    from app.detection.loading import load_detection_data
    from app.extensions import vigia
    from app.migrate import upgrade
    from app.pipeline import import_in_order

    path = folder / "compare.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    services = vigia(create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench",
                                 "INSTANCE_PATH": str(folder / "instance")}))
    upgrade(services.db.engine)
    report = import_in_order(services, files=files, submitted_by="bench", as_of=AS_OF)
    refused = [o for o in report.outcomes if o.status != "stored"]
    if refused:
        print(f"{len(refused)} file(s) not stored: {refused[:3]}", flush=True)
    with services.db.session() as session:
        data = load_detection_data(session=session, catalogue=catalogue, as_of=AS_OF,
                                   home_country="PE")
    services.db.engine.dispose()
    return data


def main() -> None:
    """Evaluate the country in memory and stored; print the rules whose findings differ."""
    from demo_detection_data import load_country

    import app.intake.reader_process as reader_process
    import app.intake.service as intake_service
    from app.catalogue.loader import load_catalogue
    from app.detection.rules import evaluate, load_rules

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operators", type=int, default=300)
    parser.add_argument("--layout", default="quarterly")
    parser.add_argument("--rules", default="")
    parser.add_argument("--reader-process", action="store_true")
    parser.add_argument("--chunk-rows", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=HERE / "out" / "compare")
    args = parser.parse_args()
    folder = args.workdir / f"{args.operators}_seed7_{args.layout}"
    files = country_files(folder, args.operators, args.layout)
    if args.reader_process:
        reader_process.PROCESS_MIN_BYTES = 0
    if args.chunk_rows:
        plan = intake_service.reading_plan
        intake_service.reading_plan = lambda path, rows: (plan(path, rows)[0], args.chunk_rows)
    catalogue = load_catalogue()
    ruleset = load_rules(HERE.parent / "rules", catalogue=catalogue)
    wanted = set(filter(None, args.rules.split(",")))
    if wanted:
        ruleset = dataclasses.replace(ruleset, rules=tuple(r for r in ruleset.rules
                                                           if r.id in wanted))
    sides = {"memory": dataclasses.replace(load_country(folder), as_of=AS_OF),
             "stored": stored_data(folder, files, catalogue)}
    counts = {}
    for side, data in sides.items():
        counts[side] = Counter(f.rule_id for f in evaluate(ruleset, data).findings)
        print(f"{side}: {len(data.lines):,} lines", flush=True)
    differ = 0
    for rule in ruleset.rules:
        memory, stored = counts["memory"][rule.id], counts["stored"][rule.id]
        differ += memory != stored
        print(f"{rule.id:40s} {memory:8d} {stored:8d}{'  DIFFERS' if memory != stored else ''}")
    print(f"{differ} rule(s) differ")


if __name__ == "__main__":
    main()
