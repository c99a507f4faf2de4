"""Operators, their licences per substance, quotas and licence history."""
