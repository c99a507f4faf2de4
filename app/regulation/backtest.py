"""Backtest: compare what proposed rule files would raise with what the rules in force raise.

Pure: it takes the two rule sets, their evaluation results over the same stored history and
the triage status of the stored alerts (alert key → status), and says, rule by rule, which
alerts the change would add, remove or leave as they are. An alert is a finding of an
`active` rule (monitor rules only record findings), identified by its alert key, exactly as
the alert step does. Among the removed alerts it counts those an officer had confirmed
(what the change would have missed) and those dismissed (noise it would remove).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from marshmallow import Schema, fields

from app.alerts.keys import alert_key
from app.detection.findings import Finding
from app.detection.rules.evaluator import EvaluationResult
from app.detection.rules.model import Rule, RuleSet

CONFIRMED = "confirmed"
DISMISSED = "dismissed"
COUNTS = ("in_force_alerts", "proposed_alerts", "added", "removed", "unchanged",
          "missed_confirmed", "dropped_dismissed")


class Evaluated(NamedTuple):
    """A rule set and what it found on the stored history."""

    rules: RuleSet
    result: EvaluationResult


@dataclass(frozen=True)
class RuleState:
    """One side of a rule in the comparison: its version, mode and what it found."""

    version: int
    mode: str
    findings: int
    alerts: int
    error: str | None = None


@dataclass
class RuleComparison:
    """What changing one rule would do to the alerts (by alert key)."""

    rule_id: str
    in_force: RuleState | None
    proposed: RuleState | None
    change: str  # new, withdrawn, edited, same
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    missed_confirmed: list[str] = field(default_factory=list)
    dropped_dismissed: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Return the evaluation failures of either side."""
        sides = (("in force", self.in_force), ("proposed", self.proposed))
        return [f"{name}: {state.error}" for name, state in sides if state and state.error]

    def count(self, name: str) -> int:
        """Return one of the figures of COUNTS."""
        if name == "in_force_alerts":
            return self.in_force.alerts if self.in_force else 0
        if name == "proposed_alerts":
            return self.proposed.alerts if self.proposed else 0
        return len(getattr(self, name))


@dataclass
class Backtest:
    """The comparison of every rule, in rule id order, with the totals."""

    rules: list[RuleComparison]
    as_of: date | None = None
    since: date | None = None

    @property
    def totals(self) -> dict[str, int]:
        """Return each figure of COUNTS summed over the rules."""
        return {name: sum(r.count(name) for r in self.rules) for name in COUNTS}

    @property
    def errors(self) -> list[str]:
        """Return every rule evaluation failure, naming the rule."""
        return [f"{r.rule_id} ({error})" for r in self.rules for error in r.errors]


def same_evaluation(one: Rule | None, other: Rule | None) -> bool:
    """Tell whether two rules find the same things (mode and file position aside)."""
    if one is None or other is None:
        return False
    neutral = {"source": ("", 0), "mode": "active"}
    return replace(one, **neutral) == replace(other, **neutral)


def in_window(findings: Iterable[Finding], since: date | None) -> list[Finding]:
    """Return the findings the alert step keeps: windows ending on or after `since`."""
    return [f for f in findings if since is None or f.window_end >= since]


def compare(*, in_force: Evaluated, proposed: Evaluated, statuses: Mapping[str, str],
            since: date | None = None, as_of: date | None = None) -> Backtest:
    """Compare two evaluations rule by rule; `statuses` maps stored alert keys to status."""
    before_rules, after_rules = in_force.rules.by_id, proposed.rules.by_id
    before = _keys_by_rule(in_force.result.findings, since)
    after = _keys_by_rule(proposed.result.findings, since)
    comparisons = []
    for rule_id in sorted(set(before_rules) | set(after_rules)):
        old, new = before_rules.get(rule_id), after_rules.get(rule_id)
        old_alerts = before[rule_id] if _alerts(old) else set()
        new_alerts = after[rule_id] if _alerts(new) else set()
        removed = sorted(old_alerts - new_alerts)
        comparisons.append(RuleComparison(
            rule_id=rule_id,
            in_force=_state(old, in_force.result, before[rule_id], old_alerts),
            proposed=_state(new, proposed.result, after[rule_id], new_alerts),
            change=_change(old, new),
            added=sorted(new_alerts - old_alerts),
            removed=removed,
            unchanged=sorted(old_alerts & new_alerts),
            missed_confirmed=[k for k in removed if statuses.get(k) == CONFIRMED],
            dropped_dismissed=[k for k in removed if statuses.get(k) == DISMISSED],
        ))
    return Backtest(comparisons, as_of=as_of, since=since)


def _keys_by_rule(findings: Iterable[Finding], since: date | None) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = defaultdict(set)
    for finding in in_window(findings, since):
        keys[finding.rule_id].add(alert_key(finding))
    return keys


def _alerts(rule: Rule | None) -> bool:
    """Tell whether a rule's findings become alerts (only active rules raise them)."""
    return rule is not None and rule.mode == "active"


def _state(rule: Rule | None, result: EvaluationResult, keys: set[str],
           alerts: set[str]) -> RuleState | None:
    if rule is None:
        return None
    return RuleState(version=rule.version, mode=rule.mode, findings=len(keys),
                     alerts=len(alerts), error=result.errors.get(rule.id))


def _change(old: Rule | None, new: Rule | None) -> str:
    if old is None:
        return "new"
    if new is None:
        return "withdrawn"
    return "same" if same_evaluation(old, new) and old.mode == new.mode else "edited"


TABLE_HEADER = ("rule", "change", "in force", "proposed", "alerts now", "would be", "added",
                "removed", "unchanged", "confirmed missed", "dismissed dropped")


def backtest_lines(backtest: Backtest, *, proposed_dir: object,
                   in_force_dir: object) -> list[str]:
    """Return the backtest as a readable table, totals, and the confirmed alerts it would miss."""
    window = (f", alerts whose window ends on or after {backtest.since}" if backtest.since
              else "")
    lines = [f"Backtest of {proposed_dir} against the rules in force ({in_force_dir}), "
             f"as of {backtest.as_of}{window}", ""]
    table = [TABLE_HEADER]
    for rule in backtest.rules:
        table.append((rule.rule_id, rule.change, _side(rule.in_force), _side(rule.proposed),
                      *_figures(rule.count)))
    totals = backtest.totals
    table.append(("TOTAL", "", "", "", *_figures(totals.__getitem__)))
    widths = [max(len(row[i]) for row in table) for i in range(len(TABLE_HEADER))]
    for number, row in enumerate(table):
        if number == len(table) - 1:
            lines.append("  ".join("-" * width for width in widths))
        cells = [cell.ljust(w) if i < 4 else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    missed = [(r.rule_id, key) for r in backtest.rules for key in r.missed_confirmed]
    if missed:
        lines += ["", "Confirmed alerts the proposed rules would have missed:"]
        lines += [f"  {rule_id}: {key}" for rule_id, key in missed]
    for error in backtest.errors:
        lines.append(f"rule failed to evaluate: {error}")
    return lines


def _side(state: RuleState | None) -> str:
    """Return 'v2 active', or with what a monitor rule found: 'v1 monitor (12 found)'."""
    if state is None:
        return "-"
    found = f" ({state.findings} found)" if state.mode == "monitor" else ""
    return f"v{state.version} {state.mode}{found}"


def _figures(count) -> tuple[str, ...]:
    signs = {"added": "+", "removed": "-"}
    return tuple(f"{signs.get(name, '')}{count(name)}" for name in COUNTS)


class RuleStateSchema(Schema):
    """One side of a rule, as the JSON output shows it."""

    version = fields.Integer()
    mode = fields.String()
    findings = fields.Integer()
    alerts = fields.Integer()
    error = fields.String(allow_none=True)


class RuleComparisonSchema(Schema):
    """One rule of the backtest, as the JSON output shows it: counts, then the alert keys."""

    rule_id = fields.String()
    change = fields.String()
    in_force = fields.Nested(RuleStateSchema, allow_none=True)
    proposed = fields.Nested(RuleStateSchema, allow_none=True)
    counts = fields.Method("_counts")
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    missed_confirmed = fields.List(fields.String())
    dropped_dismissed = fields.List(fields.String())

    def _counts(self, comparison: RuleComparison) -> dict[str, int]:
        return {name: comparison.count(name) for name in COUNTS}


class BacktestSchema(Schema):
    """The whole backtest as JSON, for machines."""

    as_of = fields.Date(allow_none=True)
    since = fields.Date(allow_none=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())
    errors = fields.List(fields.String())
    rules = fields.List(fields.Nested(RuleComparisonSchema))
