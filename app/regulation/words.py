"""Coded values of the regulator workspace the templates translate by code (`label(code)`)."""

from __future__ import annotations

from app.web.words import N_

CODES = (
    N_("active"), N_("monitor"), N_("inactive"),
    N_("pending"), N_("published"), N_("refused"), N_("withdrawn"), N_("stale"),
    N_("edit"), N_("restore"),
    N_("proposed"), N_("restore proposed"), N_("recorded"), N_("baselines imported"),
    N_("new"), N_("edited"), N_("same"),
)
