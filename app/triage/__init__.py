"""Triage: the workflow of an alert, assignment, comments, the audit chain, suppression."""
