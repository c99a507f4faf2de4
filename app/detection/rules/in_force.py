"""The rules in force: the rule files of the configured folder, loaded again only on change."""

from __future__ import annotations

from pathlib import Path
from threading import Lock

from app.detection.rules.loader import load_rules, rule_files
from app.detection.rules.model import Rule, RuleError, RuleFileError

_cache: dict[tuple, tuple[tuple[Rule, ...], list[RuleError]]] = {}
_lock = Lock()


def _stamp(directory: Path) -> tuple:
    """Return what changes when a rule file changes: names, sizes and times."""
    try:
        return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns)
                     for p in rule_files(directory))
    except OSError:
        return ()


def loaded_rules(directory: Path, catalogue) -> tuple[tuple[Rule, ...], list[RuleError]]:
    """Return the rules of the folder and the problems that kept them from loading.

    A folder whose files do not validate gives no rules and its errors (detection refuses
    to run on it too); the result is cached until a file changes.
    """
    key = (str(directory), _stamp(directory))
    with _lock:
        if key not in _cache:
            try:
                _cache[key] = (load_rules(directory, catalogue=catalogue).rules, [])
            except RuleFileError as problem:
                _cache[key] = ((), list(problem.errors))
            except OSError as problem:
                _cache[key] = ((), [RuleError(str(directory), 0, str(problem))])
            for old in [k for k in _cache if k != key]:
                del _cache[old]
        return _cache[key]
