"""What comes in from the sign-in, password and user forms."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from app.auth.models import ROLES


class SignInSchema(Schema):
    """The sign-in form."""

    class Meta:
        unknown = EXCLUDE

    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    next = fields.String(load_default="")


class PasswordChangeSchema(Schema):
    """The password change form."""

    class Meta:
        unknown = EXCLUDE

    current = fields.String(required=True, validate=validate.Length(max=1024))
    new = fields.String(required=True, validate=validate.Length(max=1024))
    repeat = fields.String(required=True, validate=validate.Length(max=1024))


class UserCreateSchema(Schema):
    """The administrator's new-user form (and the users command)."""

    class Meta:
        unknown = EXCLUDE

    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    name = fields.String(load_default="", validate=validate.Length(max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    licence_no = fields.String(load_default=None, allow_none=True,
                               validate=validate.Length(max=64))
    password = fields.String(required=True, validate=validate.Length(max=1024))


class LanguageSchema(Schema):
    """The language switch."""

    class Meta:
        unknown = EXCLUDE

    lang = fields.String(required=True, validate=validate.OneOf(("es", "en")))
    next = fields.String(load_default="")
