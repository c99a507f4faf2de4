"""Rules in force and detection runs by API (readers: officers, supervisors, regulators).

The rules are read from the rule files in force (VIGIA_RULES_DIR), validated as detection
loads them. A rule's published versions and proposed changes come from the regulator
workspace's service (`app.regulation.service`); changing a rule is done in its pages.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from app.api.common import cursor_id, documents, session_csrf
from app.api.errors import ApiError
from app.api.schemas import (
    PageArgs,
    RuleDetailSchema,
    RuleListSchema,
    RunDetailSchema,
    RunPageSchema,
)
from app.auth.access import READERS, allow
from app.detection.models import DetectionRun
from app.detection.rules.in_force import loaded_rules
from app.extensions import request_session, vigia
from app.regulation.schemas import RuleProposalSchema, RuleVersionSchema
from app.regulation.service import list_proposals, list_versions

blp = Blueprint("rules", __name__, url_prefix="/api",
                description="The rules in force and the detection runs.")
blp.before_request(session_csrf)


def _rules():
    """Return the rules in force and the problems of the rule files."""
    return loaded_rules(vigia().settings.rules_dir, vigia().catalogue)


def rule_json(rule, *, detail: bool = False) -> dict:
    """Return a rule as the API gives it."""
    body = {"id": rule.id, "version": rule.version, "title": rule.title,
            "description": rule.description, "kind": rule.kind, "mode": rule.mode,
            "severity": rule.severity, "queue": rule.queue, "file": Path(rule.source[0]).name,
            "line": rule.source[1]}
    if detail:
        body["params"] = _plain(dict(rule.params))
        body["scope"] = _plain(dataclasses.asdict(rule.scope))
        body["summary_templates"] = dict(rule.summary_templates)
    return body


def _plain(value):
    """Return a value made of JSON types (tuples and sets as lists, dates as text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@blp.route("/rules", methods=["GET"])
@allow(*READERS)
@blp.response(200, RuleListSchema)
@documents(blp, 401, 403)
def rule_list():
    """List the rules in force, by file order; problems say why files did not load."""
    rules, problems = _rules()
    return {"items": [rule_json(r) for r in rules], "problems": [str(p) for p in problems]}


@blp.route("/rules/<string:rule_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, RuleDetailSchema)
@documents(blp, 401, 403, 404)
def rule_detail(rule_id: str):
    """Read one rule in force: parameters (defaults filled in), scope, sentences."""
    rules, _problems = _rules()
    for rule in rules:
        if rule.id == rule_id:
            return rule_json(rule, detail=True)
    raise ApiError(404, f"No rule in force has the id {rule_id!r}.")


def run_json(run: DetectionRun, *, detail: bool = False) -> dict:
    """Return a detection run as the API gives it."""
    body = {name: getattr(run, name) for name in (
        "id", "started_at", "finished_at", "seconds", "as_of", "since", "status", "message",
        "findings", "alerts_raised", "alerts_refreshed", "alerts_reopened")}
    if detail:
        body["rule_files"] = run.rule_files if run.rule_files is not None else []
        body["rows_read"] = run.rows_read if isinstance(run.rows_read, dict) else {}
    return body


@blp.route("/detection-runs", methods=["GET"])
@allow(*READERS)
@blp.arguments(PageArgs, location="query")
@blp.response(200, RunPageSchema)
@documents(blp, 401, 403)
def run_list(args):
    """List detection runs, newest first."""
    query = select(DetectionRun).order_by(DetectionRun.id.desc()).limit(args["limit"] + 1)
    before = cursor_id(args["after"])
    if before is not None:
        query = query.where(DetectionRun.id < before)
    runs = list(request_session().scalars(query))
    more = len(runs) > args["limit"]
    runs = runs[:args["limit"]]
    return {"items": [run_json(r) for r in runs],
            "next_cursor": str(runs[-1].id) if more else None}


@blp.route("/detection-runs/<int:run_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, RunDetailSchema)
@documents(blp, 401, 403, 404)
def run_detail(run_id: int):
    """Read one detection run: its rule files (hashes, versions) and rows read."""
    run = request_session().get(DetectionRun, run_id)
    if run is None:
        raise ApiError(404, f"There is no detection run #{run_id}.")
    return run_json(run, detail=True)


class RuleVersionListSchema(Schema):
    """A rule's recorded versions, oldest first."""

    items = fields.List(fields.Nested(RuleVersionSchema))


class RuleProposalListSchema(Schema):
    """A rule's proposed changes, newest first."""

    items = fields.List(fields.Nested(RuleProposalSchema))


@blp.route("/rules/<string:rule_id>/versions", methods=["GET"])
@allow(*READERS)
@blp.response(200, RuleVersionListSchema)
@documents(blp, 401, 403)
def rule_versions(rule_id: str):
    """List a rule's published versions (text, SHA-256, author, approver), oldest first.

    A rule nobody changed through the regulator workspace has none recorded yet: its file
    in force is its only version.
    """
    return {"items": list_versions(session=request_session(), rule_id=rule_id[:200])}


@blp.route("/rules/<string:rule_id>/proposals", methods=["GET"])
@allow(*READERS)
@blp.response(200, RuleProposalListSchema)
@documents(blp, 401, 403)
def rule_proposals(rule_id: str):
    """List a rule's proposed changes with their backtest and decision, newest first."""
    return {"items": list_proposals(session=request_session(), rule_id=rule_id[:200])}
