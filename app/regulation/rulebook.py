"""What the regulator reads: the rules in force, their measured precision, parameters, diffs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.alerts.models import Alert
from app.detection.rules.loader import load_rules
from app.detection.rules.model import Rule, RuleFileError
from app.detection.rules.vocabulary import KINDS
from app.regulation.folder import Problem, read_text
from app.regulation.ruletext import block_entries, flow, value_source

# Below this many reviewed (confirmed or dismissed) alerts a precision figure says little.
MIN_REVIEWED = 10


@dataclass(frozen=True)
class Precision:
    """How a rule's closed alerts ended: confirmed / (confirmed + dismissed)."""

    confirmed: int = 0
    dismissed: int = 0
    open: int = 0

    @property
    def reviewed(self) -> int:
        """Return how many alerts officers closed."""
        return self.confirmed + self.dismissed

    @property
    def value(self) -> float | None:
        """Return the precision, None under MIN_REVIEWED reviewed alerts."""
        if self.reviewed < MIN_REVIEWED:
            return None
        return self.confirmed / self.reviewed


def rule_precision(*, session: Session, rule_id: str | None = None) -> dict[str, Precision]:
    """Return each rule's triage outcomes (all its versions), by rule id."""
    query = select(Alert.rule_id, Alert.status, func.count()).group_by(Alert.rule_id,
                                                                      Alert.status)
    if rule_id is not None:
        query = query.where(Alert.rule_id == rule_id)
    counts: dict[str, dict[str, int]] = {}
    for rule, status, n in session.execute(query):
        counts.setdefault(rule, {})[status] = n
    return {rule: Precision(confirmed=c.get("confirmed", 0), dismissed=c.get("dismissed", 0),
                            open=sum(n for s, n in c.items() if s not in ("confirmed",
                                                                           "dismissed")))
            for rule, c in counts.items()}


@dataclass
class RulesInForce:
    """The rules of the folder in force, or the problems that stop it loading."""

    rules: list[Rule]
    problems: list[Problem] = field(default_factory=list)


def rules_in_force(rules_dir: Path, catalogue) -> RulesInForce:
    """Load the folder in force with the loader `vigia detect` uses."""
    try:
        return RulesInForce(list(load_rules(Path(rules_dir), catalogue=catalogue).rules))
    except RuleFileError as error:
        return RulesInForce([], [Problem(Path(e.file).name, e.line, e.message)
                                 for e in error.errors])


@dataclass(frozen=True)
class ParamShown:
    """One parameter of a rule: its meaning and its value as the file writes it."""

    name: str
    help: str
    unit: str | None
    type: str
    default: str
    written: str | None  # the value as written, None when the file leaves the default
    entries: list[tuple[str, str]] | None = None  # a block mapping's entries, one field each
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def current(self) -> str:
        """Return the text the form shows: as written, else the default."""
        return self.written if self.written is not None else self.default


def params_shown(text: str, rule: Rule) -> list[ParamShown]:
    """Return the kind's parameters with their meaning and the rule's values as written."""
    kind = KINDS[rule.kind]
    shown = []
    for name, param in kind.params.items():
        found = value_source(text, rule.id, ("params", name))
        entries = block_entries(text, rule.id, ("params", name))
        shown.append(ParamShown(
            name=name, help=param.help, unit=param.unit, type=param.type,
            default=flow(param.default), written=found[0] if found else None, entries=entries,
            choices=param.choices, minimum=param.minimum, maximum=param.maximum))
    return shown


def rule_file_text(rule: Rule) -> str:
    """Return the text of the file a rule was loaded from."""
    return read_text(Path(rule.source[0]))


@dataclass(frozen=True)
class DiffLine:
    """One line of a readable diff: '+' added, '-' removed, ' ' context, '@' a new hunk."""

    sign: str
    text: str
    old_no: int | None = None
    new_no: int | None = None


def line_diff(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """Return the line diff of two texts, with line numbers, for a page to show."""
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    a, b = old.splitlines(), new.splitlines()
    for group in matcher.get_grouped_opcodes(context):
        lines.append(DiffLine("@", f"{group[0][1] + 1}–{group[-1][2]}"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(DiffLine(" ", a[i], i + 1, j1 + i - i1 + 1) for i in range(i1, i2))
                continue
            lines.extend(DiffLine("-", a[i], i + 1, None) for i in range(i1, i2))
            lines.extend(DiffLine("+", b[j], None, j + 1) for j in range(j1, j2))
    return lines


def recent_alerts(*, session: Session, rule_id: str, limit: int = 20) -> list[Alert]:
    """Return a rule's latest alerts, newest first."""
    return list(session.scalars(select(Alert).where(Alert.rule_id == rule_id)
                                .order_by(Alert.id.desc()).limit(limit)))
