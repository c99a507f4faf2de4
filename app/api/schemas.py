"""What the API takes and gives: marshmallow schemas (they also write the OpenAPI spec)."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from app.alerts.models import ALERT_STATUSES, OUTCOMES
from app.triage.schemas import QueueFiltersSchema
from app.web.routing import MAX_ID

MAX_PAGE = 200


class UtcDateTime(fields.DateTime):
    """A moment in ISO 8601 with its offset: SQLite gives back naive times, which are UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
CLOSE_OUTCOMES = sorted({o for values in OUTCOMES.values() for o in values})


class PageArgs(Schema):
    """A page of a list: how many, and after which item (the last page's next_cursor)."""

    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE),
                           metadata={"description": f"items per page, 1 to {MAX_PAGE}"})
    after = fields.String(load_default=None, validate=validate.Regexp(r"^\d{1,10}$"),
                          metadata={"description": "next_cursor of the previous page"})

    @validates("after")
    def _cursor_in_range(self, value, **_kwargs):
        """Refuse a cursor past the largest id a table holds."""
        if value and int(value) > MAX_ID:
            raise ValidationError("not a cursor of this list")


class AlertListArgs(QueueFiltersSchema):
    """The officer queue's filters (as on /alerts) and the page size."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE),
                           metadata={"description": f"alerts per page, 1 to {MAX_PAGE}"})


class ExportArgs(QueueFiltersSchema):
    """The queue's filters and the file format of the export."""

    format = fields.String(load_default="csv", validate=validate.OneOf(("csv", "xlsx")))


class UploadSchema(Schema):
    """A declaration file, sent as multipart/form-data."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RefusedCellSchema(Schema):
    """A refused cell: where it is, what it held, why, and what to write instead."""

    row = fields.Integer(required=True)
    column = fields.String(allow_none=True, required=True)
    value = fields.String(allow_none=True, required=True)
    reason = fields.String(required=True)
    instead = fields.String(required=True)


class PeriodStoredSchema(Schema):
    """A period the file declared."""

    period = fields.String(required=True, metadata={"description": "YYYY-MM"})
    lines = fields.Integer(required=True)
    current = fields.Boolean(required=True)
    amends_batch = fields.Integer(allow_none=True, required=True)
    amends_received_at = UtcDateTime(allow_none=True, required=True)


class ReceiptSummarySchema(Schema):
    """A submission in a list."""

    id = fields.Integer(required=True)
    received_at = UtcDateTime(required=True)
    filename = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(("web", "api")))
    status = fields.String(required=True,
                           validate=validate.OneOf(("stored", "duplicate", "rejected")))
    message = fields.String(required=True)
    batch_id = fields.Integer(allow_none=True, required=True)
    duplicate_of = fields.Integer(allow_none=True, required=True)


class ReceiptSchema(ReceiptSummarySchema):
    """A submission's receipt: batch, checksum, counts, periods and refused cells."""

    licence_no = fields.String(required=True)
    sha256 = fields.String(allow_none=True, required=True)
    size_bytes = fields.Integer(allow_none=True, required=True)
    rows_read = fields.Integer(required=True)
    rows_stored = fields.Integer(required=True)
    rows_rejected = fields.Integer(required=True)
    periods = fields.List(fields.Nested(PeriodStoredSchema), required=True)
    warnings = fields.List(fields.String(), required=True)
    refused = fields.List(fields.Nested(RefusedCellSchema), required=True)
    refused_total = fields.Integer(required=True)


class ReceiptPageSchema(Schema):
    """A page of receipts, newest first."""

    items = fields.List(fields.Nested(ReceiptSummarySchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class AlertSchema(Schema):
    """An alert as the queue shows it (the export's columns, interfaces §6, and more)."""

    alert_id = fields.Integer(required=True)
    rule_id = fields.String(required=True)
    rule_version = fields.Integer(required=True)
    kind = fields.String(required=True)
    detector = fields.String(required=True)
    queue = fields.String(required=True)
    severity = fields.String(required=True)
    score = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(ALERT_STATUSES))
    outcome = fields.String(allow_none=True, required=True)
    pending_status = fields.String(allow_none=True, required=True)
    licence_no = fields.String(allow_none=True, required=True)
    tax_id = fields.String(allow_none=True, required=True)
    operator_name = fields.String(allow_none=True, required=True)
    substance = fields.String(allow_none=True, required=True,
                              metadata={"description": "CAS number"})
    substance_name = fields.String(allow_none=True, required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    summary = fields.String(required=True)
    observed = fields.Float(allow_none=True, required=True)
    expected = fields.Float(allow_none=True, required=True)
    times_seen = fields.Integer(required=True)
    assignee = fields.String(allow_none=True, required=True)
    review_due = UtcDateTime(required=True)
    overdue = fields.Boolean(required=True)
    first_raised_at = UtcDateTime(required=True)
    last_seen_at = UtcDateTime(required=True)


class AlertEventSchema(Schema):
    """One event of an alert's timeline (append-only, hash-chained)."""

    seq = fields.Integer(required=True)
    at = UtcDateTime(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    from_status = fields.String(allow_none=True, required=True)
    to_status = fields.String(allow_none=True, required=True)
    comment = fields.String(required=True)
    hash = fields.String(required=True)


class AlertDetailSchema(AlertSchema):
    """An alert with its trace (why it fired), evidence row ids and timeline."""

    trace = fields.List(fields.String(), required=True)
    evidence = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()),
                           required=True)
    events = fields.List(fields.Nested(AlertEventSchema), required=True)


class AlertPageSchema(Schema):
    """A page of the queue, most urgent first, with the counts per status."""

    items = fields.List(fields.Nested(AlertSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class TransitionSchema(Schema):
    """A status change or a closure (closing high and critical alerts is only proposed)."""

    class Meta:
        unknown = EXCLUDE

    to_status = fields.String(required=True, validate=validate.OneOf(ALERT_STATUSES))
    outcome = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(CLOSE_OUTCOMES))
    reason = fields.String(load_default="", validate=validate.Length(max=4000))


class TransitionResultSchema(Schema):
    """What a transition did, and the alert after it."""

    result = fields.String(required=True,
                           validate=validate.OneOf(("changed", "closed", "proposed", "reopened")))
    alert = fields.Nested(AlertSchema, required=True)


class CommentSchema(Schema):
    """A comment for an alert's timeline."""

    class Meta:
        unknown = EXCLUDE

    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class RuleSchema(Schema):
    """A rule in force, as its file says it."""

    id = fields.String(required=True)
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True)
    mode = fields.String(required=True)
    severity = fields.String(required=True)
    queue = fields.String(required=True)
    file = fields.String(required=True)
    line = fields.Integer(required=True)


class RuleDetailSchema(RuleSchema):
    """A rule with its parameters and scope (defaults filled in)."""

    params = fields.Dict(keys=fields.String(), required=True)
    scope = fields.Dict(keys=fields.String(), required=True)
    summary_templates = fields.Dict(keys=fields.String(), values=fields.String(),
                                    required=True)


class RuleListSchema(Schema):
    """The rules in force, and the problems that kept rule files from loading."""

    items = fields.List(fields.Nested(RuleSchema), required=True)
    problems = fields.List(fields.String(), required=True)


class RunSchema(Schema):
    """A detection run: when, on what, and what it raised."""

    id = fields.Integer(required=True)
    started_at = UtcDateTime(required=True)
    finished_at = UtcDateTime(allow_none=True, required=True)
    seconds = fields.Float(allow_none=True, required=True)
    as_of = fields.Date(required=True)
    since = fields.Date(allow_none=True, required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    findings = fields.Integer(required=True)
    alerts_raised = fields.Integer(required=True)
    alerts_refreshed = fields.Integer(required=True)
    alerts_reopened = fields.Integer(required=True)


class RunDetailSchema(RunSchema):
    """A run with its rule files (path, hash, versions) and the rows it read per table."""

    rule_files = fields.Raw(required=True)
    rows_read = fields.Dict(keys=fields.String(), required=True)


class RunPageSchema(Schema):
    """A page of detection runs, newest first."""

    items = fields.List(fields.Nested(RunSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
