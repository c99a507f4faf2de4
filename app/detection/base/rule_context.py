"""What a kind gets to work with: the rule, the scoped data, names, and a finding maker."""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from app.detection.base.summary import format_kg, format_pct, render, window_label
from app.detection.data import DetectionData
from app.detection.findings import Finding

if TYPE_CHECKING:
    # The rule file's model only types the field: the base imports nothing of rules/.
    from app.detection.rules.model import Rule
from lexicon.movements import INFLOWS


@dataclass(frozen=True)
class Names:
    """Lookups shared by every rule of a run: substance and operator names, tax ids."""

    substance: Mapping[str, str]
    cas: Mapping[str, str]
    table: Mapping[str, str]
    operator: Mapping[str, str]
    tax_id: Mapping[str, str]  # licence_no -> tax id as registered
    licences_by_tax_key: Mapping[str, tuple[str, ...]]
    # Per substance, an ordinary operator's month of acquisitions (kg): the yardstick of how
    # material a quantity is (1 kg of pseudoephedrine is not 1 kg of sulphuric acid).
    typical_month_kg: Mapping[str, float] = field(default_factory=dict)
    # What several rules of the run derive alike from the same frame (`Context.once`).
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, data: DetectionData) -> Names:
        """Collect names from the catalogue and the operators frame, once per run."""
        substances = list(data.catalogue)
        operators = data.operators
        by_key: dict[str, list[str]] = {}
        for key, licence in zip(operators["tax_id_key"], operators["licence_no"], strict=True):
            if isinstance(key, str) and key:
                by_key.setdefault(key, []).append(licence)
        return cls(
            substance={s.code: s.name for s in substances},
            cas={s.code: s.cas for s in substances},
            table={s.code: s.table for s in substances},
            operator=dict(zip(operators["licence_no"], operators["legal_name"], strict=True)),
            tax_id=dict(zip(operators["licence_no"], operators["tax_id"], strict=True)),
            licences_by_tax_key={k: tuple(sorted(v)) for k, v in by_key.items()},
            typical_month_kg=_typical_months(data.lines),
        )

    def who(self, licence_no: str | None) -> str:
        """Return 'Legal Name' for a licence number, or the number when unknown."""
        if licence_no is None:
            return ""
        return str(self.operator.get(licence_no, licence_no))


@dataclass
class Context:
    """One rule's run: the rule, its scoped data, the run's names and scope substances."""

    rule: Rule
    data: DetectionData
    names: Names
    # Catalogue codes in scope; None when the rule looks at every substance.
    substance_codes: frozenset[str] | None
    # Licence numbers of the operators in scope; None when the rule looks at all of them.
    licence_nos: frozenset[str] | None = None

    @property
    def params(self) -> Mapping[str, Any]:
        """Return the rule's validated parameters."""
        return self.rule.params

    def once(self, name: str, frame: Any, build: Callable[[Any], Any]) -> Any:
        """Return build(frame), computed once in the run for that frame object.

        The three stock checks each summed every operator's month by movement over all the
        lines: the sum is now made once for the rules that see the same lines (same scope).
        What is returned is shared: callers must not change it. The frame is held weakly,
        so a frame of a narrower scope is not kept alive by it.
        """
        key = (name, id(frame))
        held = self.names.derived.get(key)
        if held is None or held[0]() is not frame:
            held = (weakref.ref(frame), build(frame))
            self.names.derived[key] = held
        return held[1]

    def declared_periods(self) -> pd.DataFrame:
        """Return the months each operator declared: licence_no and period of its
        declarations and of its lines (those of the lines made once in the run: five rules
        ask, and each went over the million and a half lines for it)."""
        lines = self.once("declared_periods", self.data.lines,
                          lambda f: f[["licence_no", "period"]].drop_duplicates())
        return pd.concat([self.data.declarations[["licence_no", "period"]], lines],
                         ignore_index=True)

    def finding(
        self,
        *,
        situation: str,
        start: date,
        end: date,
        observed: float | None,
        expected: float | None,
        licence_no: str | None = None,
        tax_id: str | None = None,
        party: str | None = None,
        substance_code: str | None = None,
        who: str | None = None,
        evidence: Mapping[str, Iterable[int]] | None = None,
        trace: Iterable[str] = (),
        measures: Mapping[str, float | str] | None = None,
        fields: Mapping[str, str] | None = None,
        severity: str | None = None,
        excluded: Iterable[tuple[str, str]] = (),
    ) -> Finding:
        """Build a finding of this rule and render its summary sentence.

        `excluded` lists the innocent explanations the check ruled out before reporting,
        as (code, sentence) pairs; they are kept in the measures under "excluded".
        """
        if tax_id is None and licence_no is not None:
            registered = self.names.tax_id.get(licence_no)
            tax_id = str(registered) if isinstance(registered, str) else None
        observed = None if _plain(observed) is None else float(_plain(observed))
        expected = None if _plain(expected) is None else float(_plain(expected))
        values = {
            "operator": who if who is not None else (self.names.who(licence_no) or party or ""),
            "licence_no": licence_no or "",
            "tax_id": tax_id or "",
            "substance": self.names.substance.get(
                substance_code, substance_code or "controlled substances"
            ),
            "cas": self.names.cas.get(substance_code, ""),
            "observed_kg": format_kg(observed),
            "expected_kg": format_kg(expected),
            "difference_kg": format_kg(
                None if observed is None or expected is None else observed - expected
            ),
            "ratio_pct": format_pct(observed, expected),
            "year": str(start.year),
            "window": window_label(start, end),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "rule": self.rule.id,
            **(fields or {}),
        }
        template = self.rule.summary_templates[situation]
        return Finding(
            rule_id=self.rule.id,
            rule_version=self.rule.version,
            kind=self.rule.kind,
            severity=severity or self.rule.severity,
            licence_no=licence_no,
            tax_id=tax_id,
            substance_code=substance_code,
            window_start=start,
            window_end=end,
            observed=observed,
            expected=expected,
            summary=render(template, values),
            evidence={k: _ids(v) for k, v in (evidence or {}).items() if len(v)},
            trace=tuple(trace),
            measures=_measures(situation, {
                **(measures or {}),
                "material_ratio": _material_ratio(self.names, substance_code, observed, expected,
                                                  measures)}, excluded),
            party=party,
            wording={"template": template, "values": values},
        )


def _typical_months(lines) -> dict[str, float]:
    """Return per substance the median operator's average month of acquisitions, in kg."""
    inflows = lines[lines["movement"].isin(INFLOWS)]
    if inflows.empty:
        return {}
    months = inflows.groupby(["substance_code", "licence_no", "period"], sort=False)[
        "quantity_kg"].sum()
    per_operator = months.groupby(level=[0, 1]).mean()
    typical = per_operator.groupby(level=0).median()
    return {code: float(kg) for code, kg in typical.items() if kg > 0}


def _material_ratio(names: Names, substance: str | None, observed: float | None,
                    expected: float | None, measures: Mapping[str, Any] | None) -> float | None:
    """Return how many ordinary operator-months of the substance a finding's amount is."""
    typical = names.typical_month_kg.get(substance) if substance else None
    if not typical:
        return None
    measured = (measures or {}).get("unmatched_kg")
    if isinstance(measured, int | float) and not isinstance(measured, bool):
        amount = abs(float(measured))
    elif observed is not None and expected is not None:
        amount = abs(observed - expected)
    elif observed is not None:
        amount = abs(observed)
    else:
        return None
    return round(amount / typical, 4)


def _measures(situation: str, measures: Mapping[str, Any] | None,
              excluded: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Return a finding's measures: its situation, figures, and the explanations ruled out."""
    values = {"situation": situation, **{k: _plain(v) for k, v in (measures or {}).items()}}
    if values.get("material_ratio") is None:
        values.pop("material_ratio", None)
    ruled_out = [{"code": code, "text": text} for code, text in excluded]
    if ruled_out:
        values["excluded"] = ruled_out
    return values


def _ids(ids: Iterable[int]) -> tuple[int, ...]:
    """Return row ids as a tuple of ints (evidence_ids already gives one)."""
    return ids if isinstance(ids, tuple) else tuple(int(i) for i in ids)


def _plain(value: Any) -> Any:
    """Turn numpy scalars into Python ones, so findings compare and serialise plainly."""
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value
