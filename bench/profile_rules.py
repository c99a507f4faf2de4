"""Time (and optionally profile) detection rules on a stored database, with a digest of findings.

    .venv/bin/python bench/profile_rules.py --url sqlite:///bench/out/country/det.sqlite3 \\
        [--rules trade-mirror,large-movement] [--profile 40] [--sort cumulative] \\
        [--as-of 2026-11-30]

Loads the stored history once (`load_detection_data`), prepares it as `evaluate` does
(counterparties resolved), then evaluates each rule of rules/ (or the ones named) and prints
its seconds, its number of findings and a SHA-256 of the findings (every field, in order):
a speed-up must leave every digest unchanged. Each rule's line also shows the resident memory
before it and the most it reached during it above that (Linux: the peak is reset per rule
through /proc/self/clear_refs), which tells which rule sets the run's peak. Not a test; for
finding and checking hot spots.
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


def _status(field: str) -> float:
    """Return a /proc/self/status memory field in MB (0 where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peak() -> float:
    """Reset the process's peak resident memory to now (Linux); return the resident MB."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return 0.0
    return _status("VmRSS")


def peak_mb() -> float:
    """Return the peak resident MB since the last reset."""
    return _status("VmHWM")


def main() -> None:
    """Load once, then time each rule."""
    from app import create_app
    from app.detection.base.rule_context import Names
    from app.detection.data import prepared
    from app.detection.loading import load_detection_data
    from app.detection.memory import give_back_freed_memory
    from app.detection.parties import with_counterparties
    from app.detection.rules import load_rules
    from app.detection.rules.evaluator import evaluate_rule
    from app.extensions import vigia

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rules", default="")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 30))
    parser.add_argument("--profile", type=int, default=0, metavar="LINES")
    parser.add_argument("--sort", default="cumulative", help="pstats order of the profile")
    args = parser.parse_args()
    services = vigia(create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench",
                                 "INSTANCE_PATH": "/tmp/vigia-profile-rules"}))
    profile = cProfile.Profile() if args.profile else None
    with services.db.session() as session:
        started = time.perf_counter()
        data = load_detection_data(session=session, catalogue=services.catalogue,
                                   as_of=args.as_of, home_country=services.settings.home_country)
        print(f"load_data {time.perf_counter() - started:.2f} s, peak {peak_mb():.0f} MB",
              flush=True)
    ruleset = load_rules(services.settings.rules_dir, catalogue=services.catalogue)
    give_back_freed_memory()
    reset_peak()
    started = time.perf_counter()
    data = with_counterparties(prepared(data))
    names = Names.build(data)
    print(f"prepare {time.perf_counter() - started:.2f} s, peak {peak_mb():.0f} MB", flush=True)
    wanted = set(filter(None, args.rules.split(",")))
    total = 0.0
    for rule in ruleset.rules:
        if rule.mode == "inactive" or (wanted and rule.id not in wanted):
            continue
        give_back_freed_memory()  # as evaluate does between rules
        before = reset_peak()
        started = time.perf_counter()
        if profile:
            profile.enable()
        found = evaluate_rule(rule, data, names=names)
        if profile:
            profile.disable()
        seconds = time.perf_counter() - started
        total += seconds
        memory = f"{before:6.0f} MB +{peak_mb() - before:4.0f}" if before else ""
        print(f"{rule.id:40s} {seconds:7.2f} s {len(found):7d} {digest(found)} {memory}",
              flush=True)
    print(f"{'all rules':40s} {total:7.2f} s")
    if profile:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.profile)


if __name__ == "__main__":
    main()
