"""Plan the alerts of a run from its findings (pure): group by key, score, corroborate.

One alert per alert key (rule, party, substance, window). Rule and statistical alerts
about the same party (licence number or tax id), substance and overlapping window are
linked to each other and each gets the corroboration points of the score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.alerts.keys import alert_key
from app.alerts.scoring import ScoreParts, score_parts
from app.detection.findings import Finding
from lexicon.detectors import STATISTICAL_KINDS
from lexicon.severities import SEVERITIES
from lexicon.text import identifier_key

DEFAULT_REOPEN_FACTOR = 1.5


@dataclass(frozen=True)
class Policy:
    """What the alert step needs of a rule: its mode and the growth that reopens it."""

    mode: str = "active"
    reopen_factor: float = DEFAULT_REOPEN_FACTOR
    # The officers' list the alerts go to: `diversion` (triage) or `administrative`.
    queue: str = "diversion"


@dataclass
class AlertDraft:
    """The alert one key's findings amount to in this run, before it meets the database."""

    key: str
    finding: Finding  # the gravest finding of the key: its figures and summary are shown
    findings: list[Finding]
    policy: Policy
    evidence: dict[str, list[int]]
    # Other windows in which the same rule found the same party and substance in this run.
    other_windows: int = 0
    corroborated_by: list[str] = field(default_factory=list)

    @property
    def parts(self) -> ScoreParts:
        """Return the score parts of the draft."""
        return score_parts(self.finding, other_windows=self.other_windows,
                           corroborated=bool(self.corroborated_by))

    @property
    def category(self) -> str:
        """Return 'statistical' for the detectors of issue 5, 'rule' otherwise."""
        return category_of(self.finding)

    @property
    def raises(self) -> bool:
        """Tell whether the draft may raise an alert (monitor rules only record findings)."""
        return self.policy.mode == "active"


def category_of(finding: Finding) -> str:
    """Return the alert kind of a finding: 'statistical' or 'rule'."""
    return "statistical" if finding.kind in STATISTICAL_KINDS else "rule"


def plan_alerts(findings: Iterable[Finding], policies: Mapping[str, Policy]) -> list[AlertDraft]:
    """Group findings by alert key, score each group and link corroborating alerts (pure)."""
    by_key: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_key[alert_key(finding)].append(finding)
    windows: dict[tuple, set] = defaultdict(set)
    for group in by_key.values():
        first = group[0]
        windows[(first.rule_id, _who(first), first.substance_code)].add(
            (first.window_start, first.window_end))
    drafts = []
    for key, group in by_key.items():
        main = max(group, key=_gravity)
        policy = policies.get(main.rule_id, Policy())
        others = len(windows[(main.rule_id, _who(main), main.substance_code)]) - 1
        drafts.append(AlertDraft(key=key, finding=main, findings=group, policy=policy,
                                 evidence=_merged_evidence(group), other_windows=others))
    _link_corroboration([d for d in drafts if d.raises])
    return drafts


def _link_corroboration(drafts: list[AlertDraft]) -> None:
    """Link rule and statistical drafts on the same party, substance and overlapping window."""
    by_identity: dict[tuple, list[AlertDraft]] = defaultdict(list)
    for draft in drafts:
        for identity in _identities(draft.finding):
            by_identity[(identity, draft.finding.substance_code)].append(draft)
    for (_identity, substance), group in by_identity.items():
        if substance is None:
            continue
        rules = [d for d in group if d.category == "rule"]
        stats = [d for d in group if d.category == "statistical"]
        for rule in rules:
            for stat in stats:
                if _overlap(rule.finding, stat.finding):
                    _link(rule, stat)
                    _link(stat, rule)


def _link(draft: AlertDraft, other: AlertDraft) -> None:
    if other.key not in draft.corroborated_by:
        draft.corroborated_by.append(other.key)


def _overlap(a: Finding, b: Finding) -> bool:
    return a.window_start <= b.window_end and b.window_start <= a.window_end


def _identities(finding: Finding) -> set[str]:
    """Return the names a party goes by: licence number and tax id (letters and digits)."""
    names = set()
    if finding.licence_no:
        names.add(f"licence:{finding.licence_no}")
    if finding.tax_id:
        names.add("tax:" + identifier_key(finding.tax_id))
    return names


def _who(finding: Finding) -> str | None:
    return finding.key[1]


def _gravity(finding: Finding) -> tuple:
    """Order findings of one key: gravest severity first, then the largest figure."""
    return (SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else 0,
            abs(finding.observed or 0.0), finding.evidence_count)


def _merged_evidence(findings: list[Finding]) -> dict[str, list[int]]:
    """Return the union of the findings' evidence, table by table, sorted."""
    merged: dict[str, set[int]] = defaultdict(set)
    for finding in findings:
        for table, ids in finding.evidence.items():
            merged[table].update(ids)
    return {table: sorted(ids) for table, ids in sorted(merged.items())}
