"""What the portal's pages say: a refused cell's column as the template names it, and what
to write instead, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from app.portal.template import WORDS, language_of
from importers.aliases import match_headers
from importers.feeds.declarations import DeclarationRow

COLUMNS = tuple(DeclarationRow().fields)
CODED = ("movement", "unit", "payment_method", "delivery")


def canonical_column(header: str | None) -> str | None:
    """Return the declaration column a header of the user's file stands for, if any."""
    if not header:
        return None
    match = match_headers([header], COLUMNS, ())
    return next(iter(match.columns), None)


def instead(column: str | None, reason: str, *, licence: str, language: str) -> str:
    """Return what to write in a refused cell instead, in the reader's language."""
    name = canonical_column(column)
    if name in CODED:
        words = WORDS[language_of(language)][name].values()
        return _("One of: %(words)s (the template's list).", words=", ".join(words))
    if name == "licence_no":
        return _("Your licence number, %(licence)s; declare other operators' movements as "
                 "your counterparties.", licence=licence)
    if name == "substance":
        if "not a controlled substance" in reason:
            return _("Leave this row out: only controlled substances are declared.")
        return _("A controlled substance from the template's list, or its CAS number.")
    return _hint(name) or _("Check the row against the template's instructions sheet.")


def _hint(name: str | None) -> str | None:
    """Return the advice for a column whose value has one right shape."""
    return {
        "period": _("The month declared as YYYY-MM, e.g. 2025-03."),
        "date": _("A real date of the period, as DD/MM/YYYY or YYYY-MM-DD, not in the future."),
        "quantity": _("A number greater than 0, without the unit (decimal comma or point)."),
        "concentration_pct": _("A percentage from 0 to 100; leave it empty for 100."),
        "counterparty_country": _("The country's two-letter ISO code, e.g. PE, CO, US."),
        "counterparty_licence": _("The counterparty's licence number as written on its "
                                  "licence, or leave it empty."),
        "counterparty_name": _("The name as plain text (at most 300 characters)."),
        "document_ref": _("The document number as plain text (at most 120 characters)."),
    }.get(name or "")
