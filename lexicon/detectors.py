"""Which detector kinds are statistical: their alerts are scored and corroborated as such."""

from __future__ import annotations

# The usual heuristics of suspicious-order monitoring (six-month maximum, twelve-month
# average): the reference the statistical methods must beat.
HEURISTIC_KINDS = ("sar_max6", "sar_avg12")
# The statistical detectors (issue 5), the heuristics included; every other kind is a rule.
STATISTICAL_KINDS = ("surge", "peer", "splitting", "new_operator", *HEURISTIC_KINDS)
