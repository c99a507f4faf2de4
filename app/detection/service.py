"""The detection stage: load rules and data, evaluate, hand the findings on, record the run.

Detection stops at findings: `find` returns them with the run they belong to, the pipeline
hands them to the alerts, and `close_run` records what the alerts did.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

from app.db import rows_changed_in_transaction, utcnow
from app.detection.findings import Finding
from app.detection.loading import load_detection_data
from app.detection.memory import give_back_freed_memory
from app.detection.models import DetectionRun
from app.detection.rules import RuleFileError, evaluate, load_rules

if TYPE_CHECKING:
    from app.catalogue.catalogue import Catalogue
    from app.detection.rules import EvaluationResult, Rule, RuleSet

logger = logging.getLogger(__name__)


@dataclass
class Detection:
    """One run's findings, before alerts: the run (still running, or failed), the rules, timings."""

    run: DetectionRun
    findings: list[Finding] = field(default_factory=list)
    ruleset: RuleSet | None = None  # None: the rule files failed, nothing was evaluated
    evaluation: EvaluationResult | None = None
    started: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Say whether the run stopped before evaluating (its rule files have errors)."""
        return self.ruleset is None

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Return the rules evaluated (none when the run failed)."""
        return self.ruleset.rules if self.ruleset is not None else ()


class AlertCounts(Protocol):
    """What the alert step did with a run's findings (app.alerts' AlertOutcome)."""

    raised: int
    refreshed: int
    reopened: int
    monitored: int
    kept_dismissed: int
    kept_closed: int


def find(
    *, session: Session, catalogue: Catalogue, rules_dir: Path, as_of: date,
    since: date | None = None, home_country: str, only: Callable[[Rule], bool] | None = None,
) -> Detection:
    """Start a run and evaluate every active and monitor rule over the stored data.

    `only` keeps the rules it answers True for (a scheduled job that checks one deadline):
    the alerts of the rules left out are neither refreshed nor touched.

    Rule files that fail validation fail the run (status `failed`, nothing evaluated; the
    run is already closed). Findings whose window ends before `since` are left out. The
    caller hands the findings to the alerts, then closes the run; the caller commits.
    """
    started = perf_counter()
    # Written nothing yet (SQLite): once the run's row below holds the write lock, a reader
    # process sees exactly what this transaction sees, and may share the reading.
    untouched = rows_changed_in_transaction(session) == 0
    run = DetectionRun(as_of=as_of, since=since, status="running", started_at=utcnow())
    session.add(run)
    session.flush()
    try:
        ruleset = load_rules(Path(rules_dir), catalogue=catalogue)
    except RuleFileError as error:
        first = error.errors[0]
        more = f" (and {len(error.errors) - 1} more)" if len(error.errors) > 1 else ""
        _finish(run, started, status="failed",
                message=f"rule files have errors: {first}{more}; run `vigia rules check`")
        return Detection(run=run, started=started)
    if only is not None:
        ruleset = dataclasses.replace(ruleset, rules=tuple(r for r in ruleset.rules if only(r)))
    stages: dict[str, float] = {"load_rules": _lap(started)}
    data = load_detection_data(session=session, catalogue=catalogue, as_of=as_of,
                               home_country=home_country, since=since,
                               split_reads=untouched)
    stages["load_data"] = _lap(started) - sum(stages.values())
    result = evaluate(ruleset, data)
    # The frames are done with: freed before the alerts are written, not after (pandas'
    # frames hold reference cycles that only the collector breaks; 1.5 million lines
    # otherwise stayed resident through the alert stage and set the run's peak).
    del data
    gc.collect()
    give_back_freed_memory()
    stages["evaluate"] = _lap(started) - sum(stages.values())
    findings = result.findings
    if since is not None:
        findings = [f for f in findings if f.window_end >= since]
    return Detection(run=run, findings=findings, ruleset=ruleset, evaluation=result,
                     started=started, stages=stages)


def close_run(detection: Detection, *, alerts: AlertCounts) -> DetectionRun:
    """Record in the run what it read and found, what the alerts did, and how it ended."""
    run, result, ruleset = detection.run, detection.evaluation, detection.ruleset
    if ruleset is None or result is None:
        return run  # failed before evaluating: closed by `find`
    stages = detection.stages
    stages["alerts"] = _lap(detection.started) - sum(stages.values())
    record = ruleset.record()
    record["rules"] = [
        {"id": rule.id, "version": rule.version, "kind": rule.kind, "mode": rule.mode,
         "file": rule.source[0], **result.per_rule.get(rule.id, {"skipped": "inactive"})}
        for rule in ruleset.rules
    ]
    record["stages"] = {name: round(seconds, 3) for name, seconds in stages.items()}
    run.rule_files = record
    run.rows_read = dict(result.rows_read)
    run.findings = len(detection.findings)
    run.alerts_raised = alerts.raised
    run.alerts_refreshed = alerts.refreshed
    run.alerts_reopened = alerts.reopened
    notes = [f"{alerts.monitored} monitor-only", f"{alerts.kept_dismissed} still dismissed",
             f"{alerts.kept_closed} already confirmed"]
    if run.since is not None:
        notes.append(f"{len(result.findings) - len(detection.findings)} findings before "
                     f"{run.since}")
    errors = result.errors
    if errors:
        failed = "; ".join(f"{rule_id}: {reason}" for rule_id, reason in errors.items())
        return _finish(run, detection.started, status="partial",
                       message=f"{len(errors)} rule(s) failed: {failed}; " + ", ".join(notes))
    return _finish(run, detection.started, status="completed", message=", ".join(notes))


def _finish(run: DetectionRun, started: float, *, status: str, message: str) -> DetectionRun:
    """Stamp the run's end, duration, status and message."""
    run.status = status
    run.message = message
    run.finished_at = utcnow()
    run.seconds = round(perf_counter() - started, 3)
    if status != "completed":
        logger.warning("detection run %s %s: %s", run.id, status, message)
    return run


def _lap(started: float) -> float:
    return perf_counter() - started
