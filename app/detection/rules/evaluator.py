"""Run a set of rules over detection data and collect their findings (pure)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from app.detection.base.rule_context import Names
from app.detection.data import DetectionData, prepared
from app.detection.findings import Finding
from app.detection.memory import give_back_freed_memory
from app.detection.parties import with_counterparties
from app.detection.rules.model import Rule, RuleSet
from app.detection.rules.scope import scoped_context
from app.detection.rules.vocabulary import KINDS

logger = logging.getLogger(__name__)


@dataclass
class EvaluationResult:
    """The findings of a run, with per-rule counts and timings and the rows read."""

    findings: list[Finding] = field(default_factory=list)
    per_rule: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> dict[str, str]:
        """Return the rules that failed, with the reason."""
        return {rid: info["error"] for rid, info in self.per_rule.items() if "error" in info}


def evaluate(
    ruleset: RuleSet, data: DetectionData, *, modes: Iterable[str] = ("active", "monitor"),
) -> EvaluationResult:
    """Evaluate every rule whose mode is listed; a failing rule is recorded, not fatal."""
    data = with_counterparties(prepared(data))
    give_back_freed_memory()
    names = Names.build(data)
    wanted = set(modes)
    result = EvaluationResult(rows_read=data.rows_read())
    for rule in ruleset.rules:
        if rule.mode not in wanted:
            continue
        started = perf_counter()
        try:
            found = evaluate_rule(rule, data, names=names)
        except Exception as exc:  # one broken rule must not stop the others
            logger.exception("rule %s failed", rule.id)
            result.per_rule[rule.id] = {"findings": 0, "seconds": _since(started),
                                        "error": f"{type(exc).__name__}: {exc}"}
            continue
        result.findings.extend(found)
        result.per_rule[rule.id] = {"findings": len(found), "seconds": _since(started)}
        give_back_freed_memory()
    return result


def evaluate_rule(rule: Rule, data: DetectionData, *, names: Names | None = None) -> list[Finding]:
    """Evaluate one rule (whatever its mode) and return its findings."""
    if names is None:
        data = with_counterparties(prepared(data))
        names = Names.build(data)
    kind = KINDS[rule.kind]
    return kind.evaluate(scoped_context(rule, kind, data, names))


def _since(started: float) -> float:
    return round(perf_counter() - started, 3)
