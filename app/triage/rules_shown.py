"""The rules in force as officers see them on an alert: title, description, file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from app.detection.rules.loader import load_rules, rule_files
from app.detection.rules.model import RuleFileError


@dataclass(frozen=True)
class RuleShown:
    """What the alert page says of the rule that raised it."""

    title: str
    description: str
    file: str
    line: int
    version: int


_cache: dict[tuple, dict[str, RuleShown]] = {}
_lock = Lock()


def _stamp(directory: Path) -> tuple:
    """Return what changes when a rule file changes: names, sizes and times."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in rule_files(directory))


def rules_in_force(directory: Path, catalogue) -> dict[str, RuleShown]:
    """Return the rules of the folder by id, read again only when a file changed."""
    key = (str(directory), _stamp(directory))
    with _lock:
        if key not in _cache:
            try:
                rules = load_rules(directory, catalogue=catalogue).rules
            except (RuleFileError, OSError):
                rules = ()
            _cache.clear()
            _cache[key] = {r.id: RuleShown(r.title, r.description, Path(r.source[0]).name,
                                           r.source[1], r.version) for r in rules}
        return _cache[key]
