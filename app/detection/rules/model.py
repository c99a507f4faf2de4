"""Rules as loaded from their files: the rule, the set of rules, and load errors."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MODES = ("active", "monitor", "inactive")
# Where a rule's alerts go: the diversion queue officers triage, or the administrative list
# (declarations overdue and the like: a matter for reminders, not for investigation).
QUEUES = ("diversion", "administrative")


@dataclass(frozen=True)
class RuleError:
    """One problem in a rule file, with the file and line to fix."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class RuleFileError(ValueError):
    """Rule files that failed validation; `errors` lists every problem found."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = list(errors)
        lines = "\n".join(str(e) for e in self.errors)
        super().__init__(f"{len(self.errors)} error(s) in rule files:\n{lines}")


@dataclass(frozen=True)
class Scope:
    """What a rule looks at: substances (as catalogue codes), tables, activities, regions."""

    substances: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def is_everything(self) -> bool:
        """Tell whether the scope leaves everything in."""
        return not (self.substances or self.tables or self.activities or self.regions)


@dataclass(frozen=True)
class Rule:
    """One validated rule: its identity, its kind and parameters (defaults filled in)."""

    id: str
    version: int
    title: str
    description: str
    mode: str
    severity: str
    kind: str
    scope: Scope
    params: Mapping[str, Any]
    # One sentence template per situation the kind reports, defaults filled in.
    summary_templates: Mapping[str, str]
    reopen_factor: float
    source: tuple[str, int]  # (file, line) where the rule starts
    queue: str = "diversion"

    @property
    def summary_template(self) -> str:
        """Return the template of the kind's main situation."""
        return next(iter(self.summary_templates.values()))


@dataclass(frozen=True)
class RuleSet:
    """The rules of a directory, with each file's content hash for the run record."""

    rules: tuple[Rule, ...]
    files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, Rule]:
        """Return the rules keyed by id."""
        return {rule.id: rule for rule in self.rules}

    @property
    def versions(self) -> dict[str, int]:
        """Return each rule's version, keyed by id."""
        return {rule.id: rule.version for rule in self.rules}

    @property
    def content_hash(self) -> str:
        """Return one hash over every file's hash, naming this exact set of rule files."""
        digest = hashlib.sha256()
        for path, file_hash in sorted(self.files):
            digest.update(f"{path}\0{file_hash}\n".encode())
        return digest.hexdigest()

    def record(self) -> dict[str, Any]:
        """Return what a run record keeps about the rules it ran."""
        return {
            "content_hash": self.content_hash,
            "files": [{"path": p, "sha256": h} for p, h in self.files],
            "versions": self.versions,
        }
