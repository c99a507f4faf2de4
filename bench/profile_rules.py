"""Time (and optionally profile) detection rules on a stored database, with a digest of findings.

    .venv/bin/python bench/profile_rules.py --url sqlite:///bench/out/country/det.sqlite3 \\
        [--rules trade-mirror,large-movement] [--profile 40] [--as-of 2026-11-30]

Loads the stored history once (`load_detection_data`), prepares it as `evaluate` does
(counterparties resolved), then evaluates each rule of rules/ (or the ones named) and prints
its seconds, its number of findings and a SHA-256 of the findings (every field, in order):
a speed-up must leave every digest unchanged. Not a test; for finding and checking hot spots.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def digest(findings) -> str:
    """Return a SHA-256 over every field of the findings, in their order."""
    text = json.dumps([asdict(f) for f in findings], default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def main() -> None:
    """Load once, then time each rule."""
    from app import create_app
    from app.detection.base.rule_context import Names
    from app.detection.data import prepared
    from app.detection.loading import load_detection_data
    from app.detection.parties import with_counterparties
    from app.detection.rules import load_rules
    from app.detection.rules.evaluator import evaluate_rule
    from app.extensions import vigia

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rules", default="")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 30))
    parser.add_argument("--profile", type=int, default=0, metavar="LINES")
    args = parser.parse_args()
    services = vigia(create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench",
                                 "INSTANCE_PATH": "/tmp/vigia-profile-rules"}))
    profile = cProfile.Profile() if args.profile else None
    with services.db.session() as session:
        started = time.perf_counter()
        data = load_detection_data(session=session, catalogue=services.catalogue,
                                   as_of=args.as_of, home_country=services.settings.home_country)
        print(f"load_data {time.perf_counter() - started:.2f} s", flush=True)
    ruleset = load_rules(services.settings.rules_dir, catalogue=services.catalogue)
    started = time.perf_counter()
    data = with_counterparties(prepared(data))
    names = Names.build(data)
    print(f"prepare {time.perf_counter() - started:.2f} s", flush=True)
    wanted = set(filter(None, args.rules.split(",")))
    total = 0.0
    for rule in ruleset.rules:
        if rule.mode == "inactive" or (wanted and rule.id not in wanted):
            continue
        started = time.perf_counter()
        if profile:
            profile.enable()
        found = evaluate_rule(rule, data, names=names)
        if profile:
            profile.disable()
        seconds = time.perf_counter() - started
        total += seconds
        print(f"{rule.id:40s} {seconds:7.2f} s {len(found):7d} {digest(found)}", flush=True)
    print(f"{'all rules':40s} {total:7.2f} s")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
