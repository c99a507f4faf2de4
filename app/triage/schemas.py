"""What comes in from the queue's filters and the triage forms, and what a queue row shows."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates

from app.alerts.models import ALERT_STATUSES
from app.web.routing import MAX_ID
from lexicon.severities import SEVERITIES

QUEUES = ("diversion", "administrative", "all")
STATUS_CHOICES = ("open", "all", *ALERT_STATUSES)


class QueueFiltersSchema(Schema):
    """The queue's filters, from the query string; unknown keys are ignored."""

    class Meta:
        unknown = EXCLUDE

    status = fields.List(fields.String(validate=validate.OneOf(STATUS_CHOICES)),
                         load_default=lambda: ["open"])
    severity = fields.List(fields.String(validate=validate.OneOf(SEVERITIES)), load_default=list)
    rule = fields.String(load_default=None, validate=validate.Length(max=120))
    detector = fields.String(load_default=None, validate=validate.Length(max=40))
    substance = fields.String(load_default=None, validate=validate.Length(max=80))
    licence = fields.String(load_default=None, validate=validate.Length(max=64))
    region = fields.String(load_default=None, validate=validate.Length(max=120))
    assignee = fields.String(load_default=None, validate=validate.Length(max=254))
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=120))
    queue = fields.String(load_default="diversion", validate=validate.OneOf(QUEUES))
    overdue = fields.Boolean(load_default=False)
    pending = fields.Boolean(load_default=False)
    suppressed = fields.Boolean(load_default=False)
    # a cursor is "score.id", both within a database integer (PostgreSQL's is 32-bit)
    after = fields.String(load_default=None, validate=validate.Regexp(
        r"^-?(\d{1,9}|[12]\d{9})\.(\d{1,9}|[12]\d{9})$"))

    @validates("after")
    def _cursor_in_range(self, value, **_kwargs):
        """Refuse a cursor whose score or id would overflow a database integer."""
        if value and any(abs(int(part)) > MAX_ID for part in value.split(".")):
            raise ValidationError("not a cursor of this queue")

    @pre_load
    def _lists_and_blanks(self, data, **_kwargs):
        """Take repeated keys as lists and drop empty fields (an unused select sends '')."""
        getlist = getattr(data, "getlist", None)
        out = {}
        for key in data:
            values = getlist(key) if getlist else [data[key]]
            values = [v.strip() for v in values if isinstance(v, str) and v.strip()]
            if not values:
                continue
            out[key] = values if key in ("status", "severity") else values[-1]
        return out


class StatusChangeSchema(Schema):
    """A status change (or closure) of one alert, or of several in bulk."""

    class Meta:
        unknown = EXCLUDE

    to_status = fields.String(required=True, validate=validate.OneOf(ALERT_STATUSES))
    outcome = fields.String(load_default=None)
    reason = fields.String(load_default="", validate=validate.Length(max=4000))


class AssignSchema(Schema):
    """An assignment (empty assignee: unassign)."""

    class Meta:
        unknown = EXCLUDE

    assignee = fields.String(load_default="", validate=validate.Length(max=254))
    reason = fields.String(load_default="", validate=validate.Length(max=4000))


class TextSchema(Schema):
    """A comment, a reason, an approval note."""

    class Meta:
        unknown = EXCLUDE

    text = fields.String(load_default="", validate=validate.Length(max=4000))


class SuppressSchema(Schema):
    """A suppression of an alert's rule for its party."""

    class Meta:
        unknown = EXCLUDE

    until = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    every_substance = fields.Boolean(load_default=False)


class BulkSchema(Schema):
    """A bulk action on the alerts ticked in the queue or on an operator's page."""

    class Meta:
        unknown = EXCLUDE

    alert_ids = fields.List(fields.Integer(), required=True)
    action = fields.String(required=True, validate=validate.OneOf(("assign", "status")))
    to_status = fields.String(load_default=None)
    outcome = fields.String(load_default=None)
    assignee = fields.String(load_default="")
    reason = fields.String(load_default="", validate=validate.Length(max=4000))
    back = fields.String(load_default="")

    @pre_load
    def _ids(self, data, **_kwargs):
        """Read the ticked boxes (alert_id repeated) as a list."""
        getlist = getattr(data, "getlist", None)
        out = {k: data[k] for k in data if k != "alert_id"}
        out["alert_ids"] = getlist("alert_id") if getlist else data.get("alert_id", [])
        status, _, outcome = str(out.get("to_status") or "").partition(":")
        if outcome:  # one menu offers 'dismissed:false_positive' and the like
            out["to_status"], out["outcome"] = status, outcome
        return {k: v for k, v in out.items() if v not in ("", None) or k == "alert_ids"}

    @validates("alert_ids")
    def _some(self, value, **_kwargs):
        """Refuse a bulk action with nothing ticked, or too much at once."""
        if not value:
            raise ValidationError("tick at least one alert")
        if len(value) > 500:
            raise ValidationError("at most 500 alerts at once")


class QueueRowSchema(Schema):
    """One row of the queue, as the template shows it."""

    id = fields.Integer()
    severity = fields.String()
    score = fields.Integer()
    status = fields.String()
    sentence = fields.String()
    operator = fields.String(allow_none=True)
    licence_no = fields.String(allow_none=True)
    tax_id = fields.String(allow_none=True)
    substance = fields.String(allow_none=True)
    rule_id = fields.String()
    detector = fields.String()
    period_start = fields.Raw()  # dates stay dates: the template formats them per language
    period_end = fields.Raw()
    assignee = fields.String(allow_none=True)
    due = fields.Raw()
    overdue = fields.Boolean()
    pending = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    times_seen = fields.Integer()
    queue = fields.String()
    window = fields.String()
    party = fields.String(allow_none=True)  # the registry's name, else the one detection saw
