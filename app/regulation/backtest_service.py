"""Run a backtest on the stored history: load rules and data, evaluate, compare. Reads only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.alerts.models import Alert
from app.detection.loading import load_detection_data
from app.detection.rules.evaluator import EvaluationResult, evaluate
from app.detection.rules.loader import load_rules
from app.detection.rules.model import RuleSet
from app.regulation.backtest import Backtest, Evaluated, compare, same_evaluation

if TYPE_CHECKING:
    from app.catalogue.catalogue import Catalogue
    from app.detection.data import DetectionData

MODES = ("active", "monitor")
CHUNK = 500


def run_backtest(
    *, session: Session, catalogue: Catalogue, proposed_dir: Path, in_force_dir: Path,
    as_of: date, home_country: str, since: date | None = None, rule_ids: Iterable[str] = (),
) -> Backtest:
    """Compare the rule files of proposed_dir with those in force on the stored history.

    Raises RuleFileError when either folder has invalid rule files, ValueError for a rule id
    in neither. Nothing is written: no run, no finding, no alert.
    """
    proposed = load_rules(proposed_dir, catalogue=catalogue)
    in_force = load_rules(in_force_dir, catalogue=catalogue)
    wanted = tuple(rule_ids)
    if wanted:
        unknown = [r for r in wanted if r not in proposed.by_id and r not in in_force.by_id]
        if unknown:
            raise ValueError(f"--rule: no rule {', '.join(unknown)} in {proposed_dir} "
                             f"or {in_force_dir}")
        proposed, in_force = _only(proposed, wanted), _only(in_force, wanted)
    data = load_detection_data(session=session, catalogue=catalogue, as_of=as_of,
                               home_country=home_country, since=since)
    in_force_result = evaluate(in_force, data, modes=MODES)
    proposed_result = _evaluate_changes(proposed, data, in_force=in_force,
                                        in_force_result=in_force_result)
    rule_ids_seen = sorted(set(proposed.by_id) | set(in_force.by_id))
    return compare(
        in_force=Evaluated(in_force, in_force_result),
        proposed=Evaluated(proposed, proposed_result),
        statuses=alert_statuses(session=session, rule_ids=rule_ids_seen),
        since=since, as_of=as_of,
    )


def alert_statuses(*, session: Session, rule_ids: list[str]) -> dict[str, str]:
    """Return the triage status of every stored alert of these rules, by alert key."""
    statuses: dict[str, str] = {}
    for start in range(0, len(rule_ids), CHUNK):
        query = select(Alert.key, Alert.status).where(
            Alert.rule_id.in_(rule_ids[start:start + CHUNK]))
        statuses.update((key, status) for key, status in session.execute(query))
    return statuses


def _only(ruleset: RuleSet, rule_ids: tuple[str, ...]) -> RuleSet:
    return RuleSet(tuple(r for r in ruleset.rules if r.id in rule_ids), ruleset.files)


def _evaluate_changes(proposed: RuleSet, data: DetectionData, *, in_force: RuleSet,
                      in_force_result: EvaluationResult) -> EvaluationResult:
    """Evaluate only the proposed rules that differ; reuse the findings of the others."""
    current = in_force.by_id
    reused = {r.id for r in proposed.rules
              if r.mode in MODES and current.get(r.id) is not None
              and current[r.id].mode in MODES and same_evaluation(r, current[r.id])}
    changed = RuleSet(tuple(r for r in proposed.rules if r.id not in reused), proposed.files)
    result = evaluate(changed, data, modes=MODES)
    result.findings.extend(f for f in in_force_result.findings if f.rule_id in reused)
    for rule_id in reused:
        result.per_rule[rule_id] = dict(in_force_result.per_rule[rule_id], reused=True)
    return result
