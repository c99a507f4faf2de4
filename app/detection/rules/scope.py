"""Narrow the data to a rule's scope once, before its kind runs."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from app.detection.base.kind import Kind
from app.detection.base.rule_context import Context, Names
from app.detection.data import DetectionData
from app.detection.rules.model import Rule


def scope_codes(rule: Rule, names: Names) -> frozenset[str] | None:
    """Return the substance codes in scope: those listed plus those of the listed tables."""
    scope = rule.scope
    if not scope.substances and not scope.tables:
        return None
    by_table = {code for code, table in names.table.items() if table in scope.tables}
    return frozenset(scope.substances) | frozenset(by_table)


def scope_licences(rule: Rule, operators: pd.DataFrame) -> frozenset[str] | None:
    """Return the licence numbers of operators with a listed activity and in a listed region."""
    scope = rule.scope
    if not scope.activities and not scope.regions:
        return None
    keep = pd.Series(True, index=operators.index)
    if scope.activities:
        wanted = set(scope.activities)
        held = operators["activities"].fillna("").astype(str).str.split("|")
        keep &= held.map(lambda acts: bool(wanted.intersection(a.strip() for a in acts)))
    if scope.regions:
        regions = {r.strip().casefold() for r in scope.regions}
        keep &= operators["region"].fillna("").astype(str).str.strip().str.casefold().isin(regions)
    return frozenset(operators.loc[keep, "licence_no"])


def scoped_context(rule: Rule, kind: Kind, data: DetectionData, names: Names) -> Context:
    """Return the context a kind runs in: the data narrowed to the rule's scope."""
    codes = scope_codes(rule, names)
    licences = scope_licences(rule, data.operators)
    changes: dict[str, pd.DataFrame] = {}
    tables = kind.scoped_tables
    if codes is not None:
        changes["baselines"] = data.baselines[data.baselines["substance_code"].isin(codes)]
        for table in ("lines", "customs", "notifications"):
            if table in tables:
                frame = getattr(data, table)
                changes[table] = frame[frame["substance_code"].isin(codes)]
    if licences is not None:
        keys = {k for k, lics in names.licences_by_tax_key.items() if set(lics) & licences}
        columns = {"lines": "licence_no", "declarations": "licence_no",
                   "notifications": "exporter_licence", "customs": "tax_id_key"}
        for table, column in columns.items():
            if table in tables:
                frame = changes.get(table, getattr(data, table))
                wanted = keys if table == "customs" else licences
                changes[table] = frame[frame[column].isin(wanted)]
    scoped = replace(data, **changes) if changes else data
    return Context(rule=rule, data=scoped, names=names, substance_codes=codes,
                   licence_nos=licences)
