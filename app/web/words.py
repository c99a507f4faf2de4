"""Coded values the templates translate by code (statuses, outcomes, actions, roles...).

Listed here so that the message catalogue carries them; templates call `_(code)`.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a code for the message catalogue."""
    return message


CODES = (
    N_("open"), N_("in_review"), N_("escalated"), N_("confirmed"), N_("dismissed"),
    N_("diversion_suspected"), N_("administrative_breach"), N_("legitimate"),
    N_("false_positive"), N_("data_error"),
    N_("low"), N_("medium"), N_("high"), N_("critical"),
    N_("officer"), N_("supervisor"), N_("regulator"), N_("company"), N_("admin"),
    N_("raised"), N_("refreshed"), N_("reopened"), N_("status_changed"), N_("closure_proposed"),
    N_("approved"), N_("approval_refused"), N_("assigned"), N_("commented"), N_("suppressed"),
    N_("suppression_lifted"),
    N_("rule"), N_("statistical"),
    N_("opening_stock"), N_("purchase"), N_("import"), N_("production"), N_("sale"),
    N_("export"), N_("consumption"), N_("loss"), N_("closing_stock"), N_("transit"),
    N_("bank_transfer"), N_("cash"), N_("card"), N_("cheque"), N_("other"), N_("delivered"),
    N_("collected"), N_("active"), N_("suspended"), N_("revoked"), N_("pending"),
    N_("withdrawn"), N_("objected"),
    N_("importer"), N_("exporter"), N_("manufacturer"), N_("distributor"), N_("end_user"),
    N_("pharma"), N_("laboratory"),
    # Innocent explanations detection rules out (measures "excluded", by code).
    N_("timing_lag"), N_("tolerance"), N_("declared_periods"), N_("amendments"),
    N_("documents"), N_("counterparty_resolved"), N_("unnamed_counterparty"),
    N_("counterparty_searched"), N_("declared_elsewhere"),
    N_("diversion"), N_("administrative"),
    # Words the queue rows show through label() (translated once per page).
    N_("overdue"), N_("awaiting approval"), N_("administrative notice"), N_("national"),
    N_("tax id"),
)
