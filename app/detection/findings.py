"""What a detector found: who, what, when, how much, the rows behind it and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

EVIDENCE_KINDS = ("declaration_line", "customs_item", "export_notification")


@dataclass(frozen=True)
class Finding:
    """One thing a rule found, ready for the alert step (which dedups, snoozes and scores)."""

    rule_id: str
    rule_version: int
    kind: str
    severity: str
    licence_no: str | None
    tax_id: str | None
    substance_code: str | None
    window_start: date
    window_end: date
    observed: float | None
    expected: float | None
    summary: str
    evidence: dict[str, tuple[int, ...]] = field(default_factory=dict)
    trace: tuple[str, ...] = ()
    measures: dict[str, float | str] = field(default_factory=dict)
    # A party with neither licence nor tax id (a buyer known only by name): keeps the
    # dedup key of two such parties apart.
    party: str | None = None
    # The summary's template and the values it was filled with, to say it in another language.
    wording: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str | None, str | None, date, date]:
        """Return the identity used to dedup alerts across runs."""
        who = self.licence_no or self.tax_id or self.party
        return (self.rule_id, who, self.substance_code, self.window_start, self.window_end)

    @property
    def evidence_count(self) -> int:
        """Return how many rows the finding cites, all tables together."""
        return sum(len(ids) for ids in self.evidence.values())
