"""Findings turned into alerts: dedup, refresh, reopen, score; and their audit trail."""
