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

# The service's refusals, said in the reader's language by the views (`_(error.message)`).
REFUSALS = (
    N_("Only a regulator may change the rules."),
    N_("No rule %(rule)s in the rules folder in force."),
    N_("Nothing was changed: change a value or the mode first."),
    N_("No version %(seq)s of rule %(rule)s."),
    N_("That version is the one in force."),
    N_("Say why the rule should change."),
    N_("No proposal #%(id)s."),
    N_("Proposal #%(id)s is no longer pending."),
    N_("You proposed this change: another regulator must approve it."),
    N_("The rules folder would not pass the check: %(first)s"),
    N_("Say why."),
)
