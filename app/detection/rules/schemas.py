"""marshmallow schemas of a rule and its scope, and plain-words error messages."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from app.detection.base.kind import Kind
from app.detection.rules.model import MODES, QUEUES
from lexicon import ACTIVITIES, SEVERITIES, TABLES

RULE_KEYS = ("id", "version", "title", "description", "mode", "severity", "kind", "scope",
             "params", "summary", "reopen_factor", "queue")


class ScopeSchema(Schema):
    """What a rule looks at; every key is optional and an empty scope means everything."""

    substances = fields.List(fields.String(), load_default=list)
    tables = fields.List(fields.String(validate=validate.OneOf(TABLES)), load_default=list)
    activities = fields.List(fields.String(validate=validate.OneOf(ACTIVITIES)),
                             load_default=list)
    regions = fields.List(fields.String(), load_default=list)


class RuleSchema(Schema):
    """The keys of one rule; its params are checked afterwards against its kind."""

    id = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9_.-]*$",
        error="ids are lowercase letters, digits, '-', '_' or '.', e.g. quota-annual"))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = fields.String(required=True, validate=validate.Length(min=1))
    description = fields.String(load_default="")
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    kind = fields.String(required=True)
    scope = fields.Nested(ScopeSchema, load_default=None, allow_none=True)
    params = fields.Dict(keys=fields.String(), load_default=dict, allow_none=True)
    summary = fields.Raw(load_default=None)
    reopen_factor = fields.Float(load_default=1.5, allow_nan=False,
                                 validate=validate.Range(min=1))
    # Which officers' list the alerts go to; omitted, the kind says (`Kind.queue_for`).
    queue = fields.String(load_default=None, validate=validate.OneOf(QUEUES))


def params_schema(kind: Kind) -> Schema:
    """Return a schema instance validating the params of one kind (defaults filled in)."""
    return Schema.from_dict({name: p.field() for name, p in kind.params.items()},
                            name=f"{kind.name}_params")()


def flatten(messages: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Turn marshmallow's nested error dict into (path, message) pairs."""
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            found.extend(flatten(value, (*path, key)))
        return found
    if isinstance(messages, list | tuple):
        found = []
        for message in messages:
            found.extend(flatten(message, path))
        return found
    return [(path, str(messages))]


def explain(path: tuple, message: str, allowed: tuple[str, ...], what: str) -> str:
    """Rewrite a marshmallow message in plain words, naming the key it is about."""
    name = ".".join(str(p) for p in path if p not in ("value", "key")) or "rule"
    if message == "Unknown field.":
        return f"unknown {what} '{path[-1]}'; allowed: {', '.join(allowed)}"
    if message == "Missing data for required field.":
        return f"missing required key '{name}'"
    return f"'{name}': {message[0].lower()}{message[1:].rstrip('.')}"
