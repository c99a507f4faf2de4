"""marshmallow schemas that validate one entry of a catalogue YAML file."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.catalogue.text import canonical_hs, cas_check_digit_ok
from lexicon.tables import TABLES

LANGUAGES = ("en", "es", "pt")
# Keys an entry may carry when it only extends a substance defined in an earlier file.
EXTENSION_KEYS = frozenset(
    {"code", "synonyms", "ambiguous_synonyms", "mixtures", "hs_codes", "shared_hs_codes"}
)

_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CAS = re.compile(r"^[1-9]\d{1,6}-\d{2}-\d$")


def validate_cas(value: str) -> None:
    """Reject a CAS number that is malformed or has a wrong check digit."""
    if not _CAS.match(value):
        raise ValidationError(f"'{value}' is not a CAS number (write it as 108-24-7)")
    if not cas_check_digit_ok(value):
        raise ValidationError(f"CAS number '{value}' has a wrong check digit")


class CasNumber(fields.Field):
    """A CAS number as text, check digit verified."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = str(value).strip()
        validate_cas(text)
        return text


class HsCode(fields.Field):
    """An HS code as 'NNNN.NN' (national subheadings 'NNNN.NN.NN[.NN]'), numbers accepted."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, float):
            # YAML reads an unquoted 2807.00 as the number 2807.0; six digits survive that.
            value = f"{value:.2f}"
        canonical = canonical_hs(value) if isinstance(value, str) else None
        if canonical is None:
            raise ValidationError(f"bad HS code '{value}' (write it as '2915.24' or '2915.24.00')")
        return canonical


def _names_field(required: bool) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)),
        values=fields.String(validate=validate.Length(min=1)),
        required=required,
        validate=validate.Length(min=1, error="give at least one name (en, es or pt)"),
    )


def _synonyms_field() -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)),
        values=fields.List(fields.String(validate=validate.Length(min=1))),
        load_default=dict,
    )


class SaltSchema(Schema):
    """A salt form: names, optional CAS, and molecular weights giving the base fraction."""

    code = fields.String(required=True, validate=validate.Regexp(_CODE, error="bad code slug"))
    cas = CasNumber(load_default=None)
    names = _names_field(required=True)
    synonyms = _synonyms_field()
    formula = fields.String(load_default=None)
    molecular_weight = fields.Float(load_default=None, validate=validate.Range(min=1))
    # Molecules of base per formula unit: 2 for the sulfates and tartrates of these bases.
    base_units = fields.Integer(load_default=1, validate=validate.Range(min=1, max=4))
    base_fraction = fields.Float(
        load_default=None, validate=validate.Range(min=0, max=1, min_inclusive=False)
    )

    @validates_schema
    def _needs_fraction(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("molecular_weight") is None and data.get("base_fraction") is None:
            raise ValidationError("give molecular_weight (preferred) or base_fraction")


class SubstanceSchema(Schema):
    """A complete substance entry."""

    code = fields.String(required=True, validate=validate.Regexp(_CODE, error="bad code slug"))
    cas = CasNumber(required=True)
    table = fields.String(
        required=True,
        validate=validate.OneOf(TABLES, error="unknown table '{input}' (use I, II or national)"),
    )
    hs_codes = fields.List(HsCode(), required=True, validate=validate.Length(min=1))
    shared_hs_codes = fields.List(HsCode(), load_default=list)
    names = _names_field(required=True)
    synonyms = _synonyms_field()
    ambiguous_synonyms = fields.List(fields.String(validate=validate.Length(min=1)),
                                     load_default=list)
    mixtures = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    formula = fields.String(load_default=None)
    molecular_weight = fields.Float(load_default=None, validate=validate.Range(min=1))
    density_kg_per_l = fields.Float(load_default=None, validate=validate.Range(min=0.05, max=25))
    solution_densities = fields.Dict(
        keys=fields.Float(validate=validate.Range(min=0, max=100, min_inclusive=False)),
        values=fields.Float(validate=validate.Range(min=0.5, max=3)),
        load_default=dict,
    )
    salts = fields.List(fields.Nested(SaltSchema), load_default=list)
    usual_concentration_pct = fields.Float(
        load_default=None, validate=validate.Range(min=0, max=100, min_inclusive=False))

    @validates_schema
    def _consistent(self, data: dict[str, Any], **kwargs: Any) -> None:
        shared = set(data.get("shared_hs_codes", ())) - set(data.get("hs_codes", ()))
        if shared:
            raise ValidationError(f"shared_hs_codes not in hs_codes: {sorted(shared)}")
        if len(data.get("solution_densities", {})) == 1:
            raise ValidationError("solution_densities needs at least two concentrations")


class ExtensionSchema(Schema):
    """An entry that adds synonyms or national tariff subheadings to an existing code."""

    code = fields.String(required=True)
    synonyms = _synonyms_field()
    ambiguous_synonyms = fields.List(fields.String(validate=validate.Length(min=1)),
                                     load_default=list)
    mixtures = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    hs_codes = fields.List(HsCode(), load_default=list)
    shared_hs_codes = fields.List(HsCode(), load_default=list)


class LookAlikeSchema(Schema):
    """A chemical that is not controlled, listed so it never resolves to one that is."""

    cas = CasNumber(load_default=None)
    names = _names_field(required=True)
    synonyms = _synonyms_field()


class WordsSchema(Schema):
    """The `words:` section: words written beside substance names, by what they say."""

    neutral = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    purpose = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    mixture = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    chemical = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)


def describe_errors(messages: Any, prefix: str = "") -> str:
    """Flatten marshmallow's nested error messages to 'field: reason; field: reason'."""
    if isinstance(messages, dict):
        parts = []
        for key, value in messages.items():
            # List positions count from 1 for a regulator reading the message ("salts#1").
            name = "" if key == "_schema" else f"#{key + 1}" if isinstance(key, int) else str(key)
            joiner = "" if name.startswith("#") else "."
            path = f"{prefix}{joiner}{name}" if prefix and name else (prefix or name)
            parts.append(describe_errors(value, path))
        return "; ".join(part for part in parts if part)
    if isinstance(messages, list):
        if all(isinstance(item, str) for item in messages):
            text = " ".join(messages)
            return f"{prefix}: {text}" if prefix else text
        return "; ".join(describe_errors(item, prefix) for item in messages)
    return f"{prefix}: {messages}" if prefix else str(messages)
