"""Detection quality on labelled demo countries, at each intensity of record-keeping habits.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/detection_quality.py \
        --seeds 3 5 8 13 21 [--habits none usual heavy] [--operators 300] \
        [--workdir bench/out/quality] [--reuse] [--output FILE]

For each seed and habits intensity the demo generator writes a country with planted
diversions, legitimate look-alikes and its key (planted.json); the files are read through
the importers into detection frames (no database), every rule file in rules/ is
evaluated, and findings become alerts with the alert step's own planning and score (one
alert per key; rule and statistical alerts on the same party, substance and window
corroborate each other). The same seed gives the same market and plants at every
intensity: only how the books are written changes (docs/demo-country.md).

Three systems are scored on the same alerts:
- Vigía: every `active` rule (written rules and statistical kinds);
- statistics: the statistical kinds alone (surge, peer, splitting, new_operator);
- heuristics: sar_max6 and sar_avg12 (shipped in monitor mode; scored as if active).

An alert *detects* a planted item when it names the same party (licence number, or tax id
for customs-only traders; national items: no party), the same substance (when both name
one) and its window overlaps the planted period; recall is also given counting only the
detector meant for the planted kind (a noisy country's stray alerts find plants by chance).
A party named as a clerk or a customs
broker wrote it (`lic 123`, `RUC 20…`, `QUIMICA ANDINA SAC`) is the operator planted.json
says it stands for. A *false alert* is an alert on a clean operator (planted.json
`clean_operators`: nothing planted, no look-alike, no involvement), however it is named.
Precision among the top 50 ranks alerts by score (ties: smaller p-value first) and counts
those that detect a planted item. Rows refused by intake are counted apart from the
planted bad rows, by the text refused.
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

from demo_detection_data import read_country  # noqa: E402

from app.alerts.planning import Policy, plan_alerts  # noqa: E402
from app.detection.rules import evaluate, load_rules  # noqa: E402
from demo import generate_country  # noqa: E402
from demo.bookkeeping import LEVELS  # noqa: E402
from lexicon.detectors import HEURISTIC_KINDS, STATISTICAL_KINDS  # noqa: E402

STATISTICAL = tuple(kind for kind in STATISTICAL_KINDS if kind not in HEURISTIC_KINDS)
SYSTEMS = ("Vigía", "statistics", "heuristics")
TOP = 50
# The detector kind meant for a planted kind, where their names differ.
OWN_DETECTOR = {"seller_splitting": "splitting"}
SHOWN_REFUSALS = 12


@dataclass
class Tally:
    """Counts of one system over all seeds of one intensity."""

    items: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    found_own: Counter = field(default_factory=Counter)  # by the detector meant for the kind
    lookalikes: Counter = field(default_factory=Counter)
    lookalikes_flagged: Counter = field(default_factory=Counter)
    alerts: int = 0
    false_alerts: int = 0
    false_by_rule: Counter = field(default_factory=Counter)
    clean_years: float = 0.0
    top_true: int = 0
    top_total: int = 0


@dataclass
class Intake:
    """What intake read and refused over all seeds of one intensity."""

    rows: int = 0
    bad_rows: int = 0
    bad_rows_refused: int = 0
    refused: Counter = field(default_factory=Counter)  # (feed, reason kind, text) -> rows


def country(workdir: Path, seed: int, operators: int, habits: str, reuse: bool) -> Path:
    """Return the folder of a seed's country at an intensity, generating it unless reused."""
    folder = workdir / habits / f"seed{seed}"
    planted = folder / "planted.json"
    if not (reuse and planted.exists()):
        generate_country(folder, seed=seed, operators=operators, habits=habits)
    return folder


def _key(text: str | None) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())


class Parties:
    """Who a party named in an alert is, however it was written."""

    def __init__(self, data, planted: dict) -> None:
        habits = planted.get("habits", {})
        self.licence: dict[str, str] = {}
        self.tax_id: dict[str, str] = {}
        for row in data.operators.itertuples():
            for text in (row.licence_no, row.legal_name):
                self._add(self.licence, text, row.licence_no)
            self._add(self.licence, row.tax_id, row.licence_no)
        for text, licence in habits.get("written_identities", {}).items():
            self._add(self.licence, text, licence)
        for text, tax_id in habits.get("customs_tax_ids", {}).items():
            self._add(self.tax_id, text, tax_id)
            if _key(tax_id) in self.licence:
                self._add(self.licence, text, self.licence[_key(tax_id)])

    @staticmethod
    def _add(index: dict[str, str], text: str | None, value: str) -> None:
        if text:
            index.setdefault(text, value)
            index.setdefault(_key(text), value)

    def licence_of(self, finding) -> str | None:
        """Return the registry licence an alert's party stands for, if any."""
        for text in (finding.licence_no, finding.tax_id, finding.party):
            if text and (text in self.licence or _key(text) in self.licence):
                return self.licence.get(text) or self.licence[_key(text)]
        return None

    def tax_id_of(self, finding) -> str:
        """Return the tax id key an alert names, as the registry or the trader writes it."""
        text = finding.tax_id or ""
        return _key(self.tax_id.get(text) or self.tax_id.get(_key(text)) or text)


def detects(finding, item: dict, codes: dict[str, str], parties: Parties) -> bool:
    """Tell whether a finding names a planted item: same party, substance, overlapping window."""
    # The mirror rule alerts the side that declared less: the buyer, listed as involved.
    wanted = {item["licence_no"]} | (set(item.get("involved_licences") or ())
                                     if item["kind"] == "mirror" else set())
    if item["licence_no"]:
        same = parties.licence_of(finding) in wanted or (
            item.get("tax_id") and parties.tax_id_of(finding) == _key(item["tax_id"]))
    elif item.get("tax_id"):
        same = parties.tax_id_of(finding) == _key(item["tax_id"])
    else:
        same = finding.licence_no is None and finding.tax_id is None and finding.party is None
    if not same:
        return False
    code = codes.get(item.get("substance_cas") or "")
    if code and finding.substance_code and finding.substance_code != code:
        return False
    start, end = item["period_start"], item["period_end"]
    return finding.window_start.isoformat() <= end and start <= finding.window_end.isoformat()


def score_system(drafts, planted: dict, codes: dict[str, str], parties: Parties,
                 tally: Tally) -> None:
    """Add one seed's alerts of one system to its tally."""
    items, lookalikes = planted["planted"], planted["lookalikes"]
    clean = set(planted["clean_operators"])
    years = len(planted["periods"]) / 12
    findings = [d.finding for d in drafts]
    for item in items:
        tally.items[item["kind"]] += 1
        hits = [f for d in drafts for f in d.findings if detects(f, item, codes, parties)]
        if hits:
            tally.found[item["kind"]] += 1
        if any(f.kind == OWN_DETECTOR.get(item["kind"], item["kind"]) for f in hits):
            tally.found_own[item["kind"]] += 1
    for item in lookalikes:
        tally.lookalikes[item["kind"]] += 1
        if any(detects(f, item, codes, parties) for f in findings):
            tally.lookalikes_flagged[item["kind"]] += 1
    tally.alerts += len(drafts)
    false = [f for f in findings if parties.licence_of(f) in clean]
    tally.false_alerts += len(false)
    tally.false_by_rule.update(f.rule_id for f in false)
    tally.clean_years += len(clean) * years
    ranked = sorted(drafts, key=lambda d: (-d.parts.total, _p(d.finding)))[:TOP]
    tally.top_total += len(ranked)
    tally.top_true += sum(1 for d in ranked
                          if any(detects(d.finding, i, codes, parties) for i in items))


def _p(finding) -> float:
    value = finding.measures.get("p_value")
    return float(value) if isinstance(value, (int, float)) else 1.0


def count_refusals(read, planted: dict, intake: Intake) -> None:
    """Add one seed's refused rows to the intake tally, planted bad rows apart."""
    bad = {(b["file"], b["row"]) for b in planted["bad_rows"]}
    intake.rows += read.rows_read
    intake.bad_rows += len(bad)
    seen: set[tuple[str, str, int]] = set()
    for refusal in read.refused:  # a row refused for two reasons counts once, by the first
        if (refusal.feed, refusal.file, refusal.row) in seen:
            continue
        seen.add((refusal.feed, refusal.file, refusal.row))
        if (refusal.file, refusal.row) in bad:
            intake.bad_rows_refused += 1
        else:
            reason = refusal.reason.split(";")[0].split(":")[0]
            kind = "unknown substance" if reason.startswith("unknown substance") else reason
            intake.refused[(refusal.feed, kind, refusal.value or "")] += 1


def run(seeds: list[int], operators: int, workdir: Path, levels: list[str], reuse: bool
        ) -> tuple[dict[str, dict[str, Tally]], dict[str, Intake]]:
    """Score every system on every seed at every intensity; return tallies and intake counts."""
    rules = load_rules(HERE.parent / "rules")
    policies = {rule.id: Policy(mode="active", reopen_factor=rule.reopen_factor,
                                queue=rule.queue) for rule in rules.rules}
    # The diversion queue only: administrative notices (overdue declarations) are not alerts.
    active = {rule.id for rule in rules.rules
              if rule.mode == "active" and rule.queue == "diversion"}
    tallies = {level: {name: Tally() for name in SYSTEMS} for level in levels}
    intakes = {level: Intake() for level in levels}
    for level in levels:
        for seed in seeds:
            started = time.perf_counter()
            folder = country(workdir, seed, operators, level, reuse)
            planted = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
            read = read_country(folder, home_country=planted["home_country"])
            data = read.data
            count_refusals(read, planted, intakes[level])
            codes = {s.cas: s.code for s in data.catalogue}
            parties = Parties(data, planted)
            result = evaluate(rules, data)
            if result.errors:
                raise SystemExit(f"seed {seed} ({level}): rules failed: {result.errors}")
            chosen = {
                "Vigía": [f for f in result.findings if f.rule_id in active],
                "statistics": [f for f in result.findings if f.kind in STATISTICAL],
                "heuristics": [f for f in result.findings if f.kind in HEURISTIC_KINDS],
            }
            for name, findings in chosen.items():
                score_system(plan_alerts(findings, policies), planted, codes, parties,
                             tallies[level][name])
            print(f"{level} seed {seed}: {len(data.lines):,} lines, "
                  f"{len(result.findings):,} findings, {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
    return tallies, intakes


def _rate(tally: Tally) -> float:
    return 100 * tally.false_alerts / tally.clean_years if tally.clean_years else 0.0


def table(tallies: dict[str, dict[str, Tally]], intakes: dict[str, Intake]) -> str:
    """Return the per-intensity tables in Markdown."""
    levels = list(tallies)
    vigia = {level: tallies[level]["Vigía"] for level in levels}
    first = vigia[levels[0]]
    head = " | ".join(f"recall {level}" for level in levels)
    lines = ["Recall: by any alert / by the planted kind's own detector.", "",
             f"| planted kind | items | {head} |", "|---|---|" + "---|" * len(levels)]
    for kind in sorted(first.items):
        cells = [f"{vigia[lv].found[kind] / vigia[lv].items[kind]:.2f} / "
                 f"{vigia[lv].found_own[kind] / vigia[lv].items[kind]:.2f}" for lv in levels]
        lines.append(f"| {kind} | {first.items[kind]} | " + " | ".join(cells) + " |")
    total = sum(first.items.values())

    def row(label: str, values) -> str:
        return f"| {label} | | " + " | ".join(values) + " |"

    lines.append(row(f"**overall recall** ({total} items)", [
        f"**{sum(vigia[lv].found.values()) / total:.2f}** / "
        f"{sum(vigia[lv].found_own.values()) / total:.2f}" for lv in levels]))
    lines.append(row("**false alerts per 100 clean operators per year**", [
        f"**{_rate(vigia[lv]):.2f}**" for lv in levels]))
    lines.append(row(f"precision among the top {TOP} alerts", [
        f"{vigia[lv].top_true / max(vigia[lv].top_total, 1):.2f}" for lv in levels]))
    lines.append(row("alerts (all seeds)", [str(vigia[lv].alerts) for lv in levels]))
    lines.append(row("clean operator-years", [f"{vigia[lv].clean_years:.0f}" for lv in levels]))
    for kind in sorted(first.lookalikes):
        lines.append(row(f"look-alike `{kind}` flagged ({first.lookalikes[kind]})", [
            str(vigia[lv].lookalikes_flagged[kind]) for lv in levels]))
    lines += ["", "Other systems on the same alerts (overall recall / false alerts per 100 "
              "clean operators per year):", "", "| system | " + " | ".join(levels) + " |",
              "|---|" + "---|" * len(levels)]
    for name in SYSTEMS:
        cells = [f"{sum(tallies[lv][name].found.values()) / total:.2f} / "
                 f"{_rate(tallies[lv][name]):.2f}" for lv in levels]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "False alerts on clean operators, by rule (per 100 clean operators per "
              "year; all seeds):", "", "| rule | " + " | ".join(levels) + " |",
              "|---|" + "---|" * len(levels)]
    rules = Counter()
    for level in levels:
        rules.update(vigia[level].false_by_rule)
    for rule_id, _count in rules.most_common():
        cells = [f"{100 * vigia[lv].false_by_rule[rule_id] / vigia[lv].clean_years:.2f} "
                 f"({vigia[lv].false_by_rule[rule_id]})" for lv in levels]
        lines.append(f"| {rule_id} | " + " | ".join(cells) + " |")
    lines += ["", *refusal_table(intakes)]
    return "\n".join(lines)


def refusal_table(intakes: dict[str, Intake]) -> list[str]:
    """Return the rows intake refused at each intensity, the planted bad rows apart."""
    levels = list(intakes)
    lines = ["Rows refused by intake (all seeds):", "", "| | " + " | ".join(levels) + " |",
             "|---|" + "---|" * len(levels),
             "| rows read | " + " | ".join(f"{intakes[lv].rows:,}" for lv in levels) + " |",
             "| planted bad rows refused | " + " | ".join(
                 f"{intakes[lv].bad_rows_refused} of {intakes[lv].bad_rows}" for lv in levels)
             + " |",
             "| other rows refused | " + " | ".join(
                 f"{sum(intakes[lv].refused.values()):,} "
                 f"({100 * sum(intakes[lv].refused.values()) / max(intakes[lv].rows, 1):.2f} %)"
                 for lv in levels) + " |"]
    for level in levels:
        refused = intakes[level].refused
        if not refused:
            continue
        lines += ["", f"Refused at `{level}`, by text (the {SHOWN_REFUSALS} most frequent of "
                  f"{len(refused)}):", "", "| feed | reason | text | rows |", "|---|---|---|---|"]
        for (feed, reason, text), count in refused.most_common(SHOWN_REFUSALS):
            lines.append(f"| {feed} | {reason} | `{text}` | {count:,} |")
    return lines


def main() -> None:
    """Parse arguments, score every seed at every intensity and print (or write) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[3, 5, 8, 13, 21])
    parser.add_argument("--habits", nargs="+", choices=LEVELS, default=["none"],
                        help="record-keeping habits intensities to score (several at once)")
    parser.add_argument("--operators", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=HERE / "out" / "quality")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse countries already generated in the workdir")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    text = table(*run(args.seeds, args.operators, args.workdir, args.habits, args.reuse))
    text += (f"\n\nSeeds {', '.join(map(str, args.seeds))}, {args.operators} operators each, "
             f"habits {', '.join(args.habits)}; {time.perf_counter() - started:.0f} s.\n")
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
