"""How a kind of rule is declared: its parameters (typed, with default, unit and help)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marshmallow import fields, validate

if TYPE_CHECKING:
    from app.detection.base.rule_context import Context
    from app.detection.findings import Finding

PARAM_TYPES = (
    "number", "integer", "boolean", "choice", "choices", "kg_by_substance", "pct_by_substance",
)
SCOPE_KEYS = ("substances", "tables", "activities", "regions")
PERIODS = ("month", "quarter", "year")

# Fields every summary template may use, with the help shown to rule writers.
COMMON_FIELDS = {
    "operator": "name of the operator or trader concerned ('the country' for national rules)",
    "licence_no": "licence number of the operator (empty when it has none)",
    "tax_id": "tax id of the party (empty when not known)",
    "substance": "name of the substance",
    "cas": "CAS number of the substance",
    "observed_kg": "what was seen, in kg of pure substance",
    "expected_kg": "what was expected or allowed, in kg of pure substance",
    "difference_kg": "observed minus expected, in kg",
    "ratio_pct": "observed as a percentage of expected, e.g. 155%",
    "year": "calendar year of the window",
    "window": "the time window in words: 2025, March 2025, Q1 2025 or a date range",
    "start": "first day of the window (YYYY-MM-DD)",
    "end": "last day of the window (YYYY-MM-DD)",
    "rule": "id of the rule",
}


@dataclass(frozen=True)
class Param:
    """One parameter of a kind: type, default, unit and one line of help."""

    type: str
    default: Any
    help: str
    unit: str | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    # Whether the rule may write `null` to switch the behaviour off.
    nullable: bool = False

    def field(self) -> fields.Field:
        """Return the marshmallow field that validates this parameter."""
        common: dict[str, Any] = {
            "load_default": self.default, "allow_none": self.default is None or self.nullable,
        }
        bounds = validate.Range(min=self.minimum, max=self.maximum)
        one_of = validate.OneOf(self.choices) if self.choices else None
        if self.type == "number":
            return fields.Float(validate=bounds, allow_nan=False, **common)
        if self.type == "integer":
            return fields.Integer(strict=True, validate=bounds, **common)
        if self.type == "boolean":
            return fields.Boolean(truthy={True}, falsy={False}, **common)
        if self.type == "choice":
            return fields.String(validate=one_of, **common)
        if self.type == "choices":
            return fields.List(fields.String(validate=one_of), **common)
        if self.type in ("kg_by_substance", "pct_by_substance"):
            upper = 100 if self.type == "pct_by_substance" else None
            values = fields.Float(validate=validate.Range(min=0, max=upper), allow_nan=False)
            return fields.Dict(keys=fields.String(), values=values, **common)
        raise ValueError(f"unknown parameter type {self.type}")

    def describe(self) -> dict[str, Any]:
        """Return the parameter as plain data, for a rule-editing form or the README."""
        info: dict[str, Any] = {"type": self.type, "default": self.default, "help": self.help}
        for name in ("unit", "minimum", "maximum"):
            if getattr(self, name) is not None:
                info[name] = getattr(self, name)
        if self.nullable:
            info["nullable"] = True
        if self.choices:
            info["choices"] = list(self.choices)
        return info


@dataclass(frozen=True)
class Kind:
    """A kind of rule: what it checks, its parameters, its summary sentences and its code."""

    name: str
    title: str
    help: str
    params: dict[str, Param]
    # Each situation the kind reports (exceeded, on pace ...) with its default sentence.
    situations: dict[str, str]
    evaluate: Callable[[Context], list[Finding]]
    fields: dict[str, str] = field(default_factory=dict)
    scope_keys: tuple[str, ...] = SCOPE_KEYS
    # Frames that scope filtering narrows before the kind runs; a kind that must see
    # rows outside the scope (mislabelling reads every customs item) leaves them out.
    scoped_tables: tuple[str, ...] = ("lines", "customs", "declarations", "notifications")
    # The queue a rule of this kind sends its alerts to unless its file says otherwise,
    # given its validated parameters.
    queue: Callable[[Mapping[str, Any]], str] | str = "diversion"

    def queue_for(self, params: Mapping[str, Any]) -> str:
        """Return the default queue of a rule of this kind with these parameters."""
        return self.queue(params) if callable(self.queue) else self.queue

    @property
    def template_fields(self) -> dict[str, str]:
        """Return every field a summary template of this kind may use."""
        return {**COMMON_FIELDS, **self.fields}

    def describe(self) -> dict[str, Any]:
        """Return the kind as plain data, for a rule-editing form or the README."""
        return {
            "name": self.name,
            "title": self.title,
            "help": self.help,
            "params": {name: p.describe() for name, p in self.params.items()},
            "situations": dict(self.situations),
            "fields": self.template_fields,
            "scope": list(self.scope_keys),
        }


def substance_params(params: dict[str, Param]) -> list[str]:
    """Return the names of parameters keyed by substance CAS number."""
    return [n for n, p in params.items() if p.type in ("kg_by_substance", "pct_by_substance")]
