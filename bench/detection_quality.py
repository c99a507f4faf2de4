"""Detection quality on labelled demo countries: Vigía's detectors against the usual heuristics.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/detection_quality.py \
        --seeds 3 5 8 13 21 [--operators 300] [--workdir bench/out/quality] [--output FILE]

For each seed the demo generator writes a country with planted diversions, legitimate
look-alikes and its key (planted.json); the files are read through the importers into
detection frames (no database), every rule file in rules/ is evaluated, and findings
become alerts with the alert step's own planning and score (one alert per key; rule and
statistical alerts on the same party, substance and window corroborate each other).

Three systems are scored on the same alerts:
- Vigía: every `active` rule (written rules and statistical kinds);
- statistics: the statistical kinds alone (surge, peer, splitting, new_operator);
- heuristics: sar_max6 and sar_avg12 (shipped in monitor mode; scored as if active).

An alert *detects* a planted item when it names the same party (licence number, or tax id
for customs-only traders; national items: no party), the same substance (when both name
one) and its window overlaps the planted period. A *false alert* is an alert on a clean
operator (planted.json `clean_operators`: nothing planted, no look-alike, no involvement).
Precision among the top 50 ranks alerts by score (ties: smaller p-value first) and counts
those that detect a planted item.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from demo_detection_data import load_country  # noqa: E402

from app.alerts.planning import Policy, plan_alerts  # noqa: E402
from app.demo import generate_country  # noqa: E402
from app.detection.rules import evaluate, load_rules  # noqa: E402

STATISTICAL = ("surge", "peer", "splitting", "new_operator")
HEURISTICS = ("sar_max6", "sar_avg12")
SYSTEMS = ("Vigía", "statistics", "heuristics")
TOP = 50


@dataclass
class Tally:
    """Counts of one system over all seeds."""

    items: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    lookalikes: Counter = field(default_factory=Counter)
    lookalikes_flagged: Counter = field(default_factory=Counter)
    alerts: int = 0
    false_alerts: int = 0
    false_by_rule: Counter = field(default_factory=Counter)
    clean_years: float = 0.0
    top_true: int = 0
    top_total: int = 0


def country(workdir: Path, seed: int, operators: int):
    """Return the demo country of a seed, generating it once."""
    folder = workdir / f"seed{seed}"
    if not (folder / "planted.json").exists():
        generate_country(folder, seed=seed, operators=operators)
    return folder


def _key(text: str | None) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())


def detects(finding, item: dict, codes: dict[str, str]) -> bool:
    """Tell whether a finding names a planted item: same party, substance, overlapping window."""
    # The mirror rule alerts the side that declared less: the buyer, listed as involved.
    parties = {item["licence_no"]} | (set(item.get("involved_licences") or ())
                                      if item["kind"] == "mirror" else set())
    if item["licence_no"]:
        same = finding.licence_no in parties or (
            item.get("tax_id") and _key(finding.tax_id) == _key(item["tax_id"]))
    elif item.get("tax_id"):
        same = _key(finding.tax_id) == _key(item["tax_id"])
    else:
        same = finding.licence_no is None and finding.tax_id is None and finding.party is None
    if not same:
        return False
    wanted = codes.get(item.get("substance_cas") or "")
    if wanted and finding.substance_code and finding.substance_code != wanted:
        return False
    start, end = item["period_start"], item["period_end"]
    return finding.window_start.isoformat() <= end and start <= finding.window_end.isoformat()


def score_system(drafts, planted: dict, codes: dict[str, str], tally: Tally) -> None:
    """Add one seed's alerts of one system to its tally."""
    items, lookalikes = planted["planted"], planted["lookalikes"]
    clean = set(planted["clean_operators"])
    years = len(planted["periods"]) / 12
    findings = [d.finding for d in drafts]
    for item in items:
        tally.items[item["kind"]] += 1
        if any(detects(f, item, codes) for d in drafts for f in d.findings):
            tally.found[item["kind"]] += 1
    for item in lookalikes:
        tally.lookalikes[item["kind"]] += 1
        if any(detects(f, item, codes) for f in findings):
            tally.lookalikes_flagged[item["kind"]] += 1
    tally.alerts += len(drafts)
    tally.false_alerts += sum(1 for f in findings if f.licence_no in clean)
    tally.false_by_rule.update(f.rule_id for f in findings if f.licence_no in clean)
    tally.clean_years += len(clean) * years
    ranked = sorted(drafts, key=lambda d: (-d.parts.total, _p(d.finding)))[:TOP]
    tally.top_total += len(ranked)
    tally.top_true += sum(1 for d in ranked if any(detects(d.finding, i, codes) for i in items))


def _p(finding) -> float:
    value = finding.measures.get("p_value")
    return float(value) if isinstance(value, (int, float)) else 1.0


def run(seeds: list[int], operators: int, workdir: Path) -> dict[str, Tally]:
    """Score every system on every seed and return the tallies."""
    rules = load_rules(HERE.parent / "rules")
    policies = {rule.id: Policy(mode="active", reopen_factor=rule.reopen_factor)
                for rule in rules.rules}
    # The diversion queue only: administrative notices (overdue declarations) are not alerts.
    active = {rule.id for rule in rules.rules
              if rule.mode == "active" and rule.queue == "diversion"}
    tallies = {name: Tally() for name in SYSTEMS}
    for seed in seeds:
        started = time.perf_counter()
        folder = country(workdir, seed, operators)
        planted = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
        data = load_country(folder, home_country=planted["home_country"])
        codes = {s.cas: s.code for s in data.catalogue}
        result = evaluate(rules, data)
        if result.errors:
            raise SystemExit(f"seed {seed}: rules failed: {result.errors}")
        chosen = {
            "Vigía": [f for f in result.findings if f.rule_id in active],
            "statistics": [f for f in result.findings if f.kind in STATISTICAL],
            "heuristics": [f for f in result.findings if f.kind in HEURISTICS],
        }
        for name, findings in chosen.items():
            score_system(plan_alerts(findings, policies), planted, codes, tallies[name])
        print(f"seed {seed}: {len(data.lines):,} lines, {len(result.findings):,} findings, "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return tallies


def table(tallies: dict[str, Tally]) -> str:
    """Return the side-by-side table in Markdown."""
    vigia = tallies["Vigía"]
    lines = ["| planted kind | items | " + " | ".join(f"recall {n}" for n in SYSTEMS) + " |",
             "|---|---|" + "---|" * len(SYSTEMS)]
    for kind in sorted(vigia.items):
        cells = [f"{tallies[n].found[kind] / vigia.items[kind]:.2f}" for n in SYSTEMS]
        lines.append(f"| {kind} | {vigia.items[kind]} | " + " | ".join(cells) + " |")
    total = sum(vigia.items.values())
    stat_items = sum(vigia.items[k] for k in STATISTICAL)

    def row(label: str, values) -> str:
        return f"| {label} | | " + " | ".join(values) + " |"

    lines.append(row(f"**overall recall** ({total} items)", [
        f"**{sum(tallies[n].found.values()) / total:.2f}**" for n in SYSTEMS]))
    lines.append(row(f"recall on surge, peer, splitting, new_operator ({stat_items} items)", [
        f"{sum(tallies[n].found[k] for k in STATISTICAL) / stat_items:.2f}" for n in SYSTEMS]))
    lines.append(row("**false alerts per 100 clean operators per year**", [
        f"**{100 * tallies[n].false_alerts / tallies[n].clean_years:.2f}**" for n in SYSTEMS]))
    lines.append(row(f"precision among the top {TOP} alerts", [
        f"{tallies[n].top_true / max(tallies[n].top_total, 1):.2f}" for n in SYSTEMS]))
    lines.append(row("alerts (all seeds)", [str(tallies[n].alerts) for n in SYSTEMS]))
    for kind in sorted(vigia.lookalikes):
        lines.append(row(f"look-alike `{kind}` flagged ({vigia.lookalikes[kind]})", [
            str(tallies[n].lookalikes_flagged[kind]) for n in SYSTEMS]))
    lines += ["", "False alerts on clean operators, by rule (all seeds):", "",
              "| rule | false alerts | per 100 clean operators per year |", "|---|---|---|"]
    for rule_id, count in vigia.false_by_rule.most_common():
        lines.append(f"| {rule_id} | {count} | {100 * count / vigia.clean_years:.2f} |")
    for rule_id, count in tallies["heuristics"].false_by_rule.most_common():
        lines.append(f"| {rule_id} (heuristic) | {count} | "
                     f"{100 * count / vigia.clean_years:.2f} |")
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, score every seed and print (or write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[3, 5, 8, 13, 21])
    parser.add_argument("--operators", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=HERE / "out" / "quality")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    text = table(run(args.seeds, args.operators, args.workdir))
    text += (f"\n\nSeeds {', '.join(map(str, args.seeds))}, {args.operators} operators each; "
             f"{time.perf_counter() - started:.0f} s.\n")
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
