"""Speed of the statistical rules (and of every rule file) on a large synthetic frame.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_statistics.py [--rows 1000000]
        [--all-rules]

Builds declaration lines in memory (no files, no database): operators in sectors, a
licence per operator and substance (a tenth of them recent), 24 months of purchases,
sales, consumption and stocks with counterparties, payment and delivery. Then evaluates
the statistical rules of rules/ (and with --all-rules every rule of rules/ together) and
prints the seconds of each. The first statistical rule builds the monthly panel the others reuse.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from app.catalogue.loader import load_catalogue  # noqa: E402
from app.detection.data import DetectionData, empty_frame  # noqa: E402
from app.detection.rules import evaluate, load_rules  # noqa: E402
from app.detection.rules.model import RuleSet  # noqa: E402
from app.registry.licensing import LicenceBook, LicenceState  # noqa: E402
from lexicon.detectors import STATISTICAL_KINDS  # noqa: E402

SUBSTANCES = ("acetone", "toluene", "sulphuric-acid", "hydrochloric-acid",
              "methyl-ethyl-ketone", "potassium-permanganate")
MOVEMENTS = ("purchase", "sale", "consumption", "opening_stock", "closing_stock", "import",
             "loss")
SHARES = (0.35, 0.2, 0.25, 0.08, 0.08, 0.03, 0.01)


def synthetic(rows: int, operators: int, seed: int = 1) -> DetectionData:
    """Return detection data with `rows` declaration lines over 24 months."""
    rng = np.random.default_rng(seed)
    catalogue = load_catalogue()
    known = {s.code for s in catalogue}
    substances = [s for s in SUBSTANCES if s in known]
    licences = np.array([f"LIC-{i:05d}" for i in range(operators)])
    sectors = rng.integers(0, 40, operators)
    distributor = rng.random(operators) < 0.1
    frame = pd.DataFrame({
        "licence_no": licences, "legal_name": [f"Firm {i}" for i in range(operators)],
        "tax_id": [f"20{i:09d}" for i in range(operators)],
        "tax_id_key": [f"20{i:09d}" for i in range(operators)],
        "region": "Lima", "sector": [f"{2000 + s} Sector" for s in sectors],
        "sector_code": [str(2000 + s) for s in sectors],
        "activities": np.where(distributor, "distributor|importer", "end_user"),
    })
    held = rng.integers(1, 4, operators)
    pairs = [(i, substances[(i + k) % len(substances)]) for i in range(operators)
             for k in range(held[i])]
    starts = np.where(rng.random(operators) < 0.1, 2026, 2019)
    states = [LicenceState(n, licences[i], f"Firm {i}", sub, frozenset({"end_user"}),
                           None, date(int(starts[i]), 3, 1), date(2028, 12, 31), "active",
                           None, 1) for n, (i, sub) in enumerate(pairs)]
    pick = rng.integers(0, len(pairs), rows)
    lot = rng.lognormal(5, 1.2, len(pairs))
    owner = np.array([p[0] for p in pairs])[pick]
    month = rng.integers(0, 24, rows)
    day = rng.integers(1, 28, rows)
    dates = (np.datetime64("2024-11-01", "M") + month).astype("datetime64[D]") + (day - 1)
    counterpart = rng.integers(0, operators, rows)
    lines = pd.DataFrame({
        "line_id": np.arange(1, rows + 1), "licence_no": licences[owner],
        "period": (np.datetime64("2024-11-01", "M") + month).astype("datetime64[ns]"),
        "movement": rng.choice(MOVEMENTS, rows, p=SHARES),
        "date": dates.astype("datetime64[ns]"),
        "substance_code": np.array([p[1] for p in pairs])[pick],
        # Each operator and substance has its usual lot (firm sizes spread widely); lots
        # vary around it.
        "quantity_kg": np.round(lot[pick] * rng.lognormal(0, 0.3, rows), 2),
        "counterparty_licence": licences[counterpart],
        "counterparty_name": [f"Firm {i}" for i in counterpart],
        "counterparty_country": "PE", "document_ref": None,
        "payment_method": rng.choice(["bank_transfer", "cash", "cheque"], rows, p=[.9, .05, .05]),
        "delivery": rng.choice(["delivered", "collected"], rows, p=[.9, .1]),
    })
    return DetectionData(
        lines=lines, customs=empty_frame("customs"), operators=frame,
        licences=LicenceBook(states), declarations=empty_frame("declarations"),
        baselines=empty_frame("baselines"), notifications=empty_frame("notifications"),
        catalogue=catalogue, as_of=date(2026, 11, 5), home_country="PE",
    )


def main() -> None:
    """Build the frame, time each statistical rule and all rules together."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--operators", type=int, default=3000)
    parser.add_argument("--all-rules", action="store_true",
                        help="also time every rule of rules/ together")
    args = parser.parse_args()
    started = time.perf_counter()
    data = synthetic(args.rows, args.operators)
    print(f"built {len(data.lines):,} lines of {args.operators:,} operators in "
          f"{time.perf_counter() - started:.1f} s")
    rules = load_rules(HERE.parent / "rules", catalogue=data.catalogue)
    chosen = RuleSet(tuple(r for r in rules.rules if r.kind in STATISTICAL_KINDS))
    started, cpu = time.perf_counter(), time.process_time()
    result = evaluate(chosen, data)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    for rule_id, info in result.per_rule.items():
        print(f"  {rule_id:34s} {info['seconds']:6.2f} s  {info['findings']:7,} findings"
              + (f"  ERROR {info['error']}" if "error" in info else ""))
    print(f"statistical rules together: {total:.1f} s ({cpu:.1f} s of CPU)")
    if not args.all_rules:
        return
    started = time.perf_counter()
    everything = evaluate(rules, data)
    print(f"every rule in rules/ ({len(rules.rules)} rules): "
          f"{time.perf_counter() - started:.1f} s, {len(everything.findings):,} findings, "
          f"errors: {everything.errors or 'none'}; slowest:")
    slowest = sorted(everything.per_rule.items(), key=lambda item: -item[1]["seconds"])[:6]
    for rule_id, info in slowest:
        print(f"  {rule_id:34s} {info['seconds']:6.2f} s  {info['findings']:7,} findings")


if __name__ == "__main__":
    main()
