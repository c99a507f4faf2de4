"""marshmallow schemas of what the regulator workspace takes in and gives out (forms, API)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from app.detection.rules.model import MODES

REASON = validate.Length(min=1, max=4000)


class RuleVersionSchema(Schema):
    """One published (or found) version of a rule."""

    rule_id = fields.String()
    seq = fields.Integer()
    version = fields.Integer()
    file_name = fields.String()
    rule_text = fields.String()
    rule_sha256 = fields.String()
    sha256 = fields.String()
    author = fields.String()
    approver = fields.String(allow_none=True)
    reason = fields.String()
    proposed_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime()
    proposal_id = fields.Integer(allow_none=True)


class RuleProposalSchema(Schema):
    """A proposed change of a rule, its backtest and what became of it."""

    id = fields.Integer()
    rule_id = fields.String()
    kind = fields.String()
    file_name = fields.String()
    base_version = fields.Integer()
    version = fields.Integer()
    restored_seq = fields.Integer(allow_none=True)
    reason = fields.String()
    proposed_by = fields.String()
    proposed_at = fields.DateTime()
    status = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    base_text = fields.String()
    proposed_text = fields.String()
    backtest = fields.Method("_backtest")
    backtest_seconds = fields.Float(allow_none=True)
    backtest_as_of = fields.String(allow_none=True)

    def _backtest(self, proposal) -> dict:
        return proposal.backtest or {}


class ProposeSchema(Schema):
    """A rule change: a reason, the mode, and values by dotted path (`params.share`)."""

    class Meta:
        unknown = EXCLUDE

    reason = fields.String(required=True, validate=REASON)
    mode = fields.String(load_default=None, validate=validate.OneOf(MODES))
    values = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=300)),
                         values=fields.String(validate=validate.Length(max=2000)),
                         load_default=dict)


class DecisionSchema(Schema):
    """Approve (reason optional) or refuse (reason required, checked by the service)."""

    class Meta:
        unknown = EXCLUDE

    reason = fields.String(load_default="", validate=validate.Length(max=4000))


class RestoreSchema(Schema):
    """Propose an earlier version again."""

    class Meta:
        unknown = EXCLUDE

    reason = fields.String(required=True, validate=REASON)


class RegistrySearchSchema(Schema):
    """The registry page's search box and page number."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=validate.Length(max=300))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
