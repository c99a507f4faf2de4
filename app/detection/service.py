"""The detection stage: load rules and data, evaluate, turn findings into alerts, record it."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.alerts.models import DetectionRun
from app.alerts.planning import Policy
from app.alerts.service import record_findings
from app.db import utcnow
from app.detection.loading import load_detection_data
from app.detection.rules import RuleFileError, evaluate, load_rules

if TYPE_CHECKING:
    from app.catalogue.catalogue import Catalogue
    from app.detection.rules.model import Rule

logger = logging.getLogger(__name__)


def run_detection(
    *, session: Session, catalogue: Catalogue, rules_dir: Path, as_of: date,
    since: date | None = None, home_country: str, only: Callable[[Rule], bool] | None = None,
) -> DetectionRun:
    """Run every active and monitor rule over the stored data and record the run.

    `only` keeps the rules it answers True for (a scheduled job that checks one deadline):
    the alerts of the rules left out are neither refreshed nor touched.

    Rule files that fail validation fail the run (status `failed`, nothing evaluated); a
    rule that fails while evaluating is recorded in the run and the others go on (status
    `partial`). Findings whose window ends before `since` are left out. The caller commits.
    """
    started = perf_counter()
    run = DetectionRun(as_of=as_of, since=since, status="running", started_at=utcnow())
    session.add(run)
    session.flush()
    stages: dict[str, float] = {}
    try:
        ruleset = load_rules(Path(rules_dir), catalogue=catalogue)
    except RuleFileError as error:
        first = error.errors[0]
        more = f" (and {len(error.errors) - 1} more)" if len(error.errors) > 1 else ""
        return _finish(run, started, status="failed",
                       message=f"rule files have errors: {first}{more}; run `vigia rules check`")
    if only is not None:
        ruleset = dataclasses.replace(ruleset, rules=tuple(r for r in ruleset.rules if only(r)))
    stages["load_rules"] = _lap(started)
    data = load_detection_data(session=session, catalogue=catalogue, as_of=as_of,
                               home_country=home_country, since=since)
    stages["load_data"] = _lap(started) - sum(stages.values())
    result = evaluate(ruleset, data)
    stages["evaluate"] = _lap(started) - sum(stages.values())
    findings = result.findings
    if since is not None:
        findings = [f for f in findings if f.window_end >= since]
    policies = {r.id: Policy(mode=r.mode, reopen_factor=r.reopen_factor, queue=r.queue)
                for r in ruleset.rules}
    outcome = record_findings(session=session, run=run, findings=findings, policies=policies)
    stages["alerts"] = _lap(started) - sum(stages.values())
    record = ruleset.record()
    record["rules"] = [
        {"id": rule.id, "version": rule.version, "kind": rule.kind, "mode": rule.mode,
         "file": rule.source[0], **result.per_rule.get(rule.id, {"skipped": "inactive"})}
        for rule in ruleset.rules
    ]
    record["stages"] = {name: round(seconds, 3) for name, seconds in stages.items()}
    run.rule_files = record
    run.rows_read = dict(result.rows_read)
    run.findings = len(findings)
    run.alerts_raised = outcome.raised
    run.alerts_refreshed = outcome.refreshed
    run.alerts_reopened = outcome.reopened
    notes = [f"{outcome.monitored} monitor-only", f"{outcome.kept_dismissed} still dismissed",
             f"{outcome.kept_closed} already confirmed"]
    if since is not None:
        notes.append(f"{len(result.findings) - len(findings)} findings before {since}")
    errors = result.errors
    if errors:
        failed = "; ".join(f"{rule_id}: {reason}" for rule_id, reason in errors.items())
        return _finish(run, started, status="partial",
                       message=f"{len(errors)} rule(s) failed: {failed}; " + ", ".join(notes))
    return _finish(run, started, status="completed", message=", ".join(notes))


def run_record(run: DetectionRun) -> dict:
    """Return the run's JSON columns parsed: rule files, per-rule results, rows read."""
    return {"rule_files": run.rule_files or {}, "rows_read": run.rows_read or {}}


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
