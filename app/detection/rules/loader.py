"""Load rule files: validate everything, report every problem with its file and line."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from marshmallow import ValidationError

from app.detection.base.kind import Kind, substance_params
from app.detection.base.summary import template_problems
from app.detection.rules.model import Rule, RuleError, RuleFileError, RuleSet, Scope
from app.detection.rules.schemas import (
    RULE_KEYS,
    RuleSchema,
    ScopeSchema,
    explain,
    flatten,
    params_schema,
)
from app.detection.rules.vocabulary import KINDS

if TYPE_CHECKING:
    from app.catalogue.catalogue import Catalogue

SUFFIXES = (".yaml", ".yml")
Path_ = tuple  # a path of keys and indexes into a YAML document


def load_rules(directory: Path, *, catalogue: Catalogue | None = None) -> RuleSet:
    """Load and validate every rule file of a directory; raise RuleFileError listing all errors."""
    ruleset, errors = _load_directory(Path(directory), catalogue)
    if errors:
        raise RuleFileError(errors)
    return ruleset


def check_rules(directory: Path, *, catalogue: Catalogue | None = None) -> list[RuleError]:
    """Return every problem in the rule files of a directory (an empty list when all is well)."""
    return _load_directory(Path(directory), catalogue)[1]


def rule_files(directory: Path) -> list[Path]:
    """Return the rule files of a directory, sorted by name."""
    return sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file())


def _load_directory(directory: Path, catalogue: Catalogue | None) -> tuple[RuleSet, list]:
    """Read every file, keep going after errors, and return the rules and all problems."""
    if not directory.is_dir():
        return RuleSet(()), [RuleError(str(directory), 0, "no such directory")]
    files = rule_files(directory)
    if not files:
        return RuleSet(()), [RuleError(str(directory), 0, "no rule files (*.yaml) here")]
    if catalogue is None:
        from app.catalogue.loader import load_catalogue

        catalogue = load_catalogue()
    errors: list[RuleError] = []
    rules: list[Rule] = []
    hashes: list[tuple[str, str]] = []
    seen: dict[str, tuple[str, int]] = {}
    for path in files:
        raw = path.read_bytes()
        hashes.append((str(path), hashlib.sha256(raw).hexdigest()))
        reader = _FileReader(str(path), catalogue)
        for rule in reader.read(raw):
            if rule.id in seen:
                first_file, first_line = seen[rule.id]
                reader.error((), f"rule id '{rule.id}' is already used in {first_file} "
                             f"line {first_line}", line=rule.source[1])
                continue
            seen[rule.id] = rule.source
            rules.append(rule)
        errors.extend(sorted(reader.errors, key=lambda e: e.line))
    return RuleSet(tuple(rules), hashes), errors


class _FileReader:
    """Reads one rule file, collecting its errors instead of stopping at the first."""

    def __init__(self, file: str, catalogue: Catalogue) -> None:
        self.file = file
        self.catalogue = catalogue
        self.errors: list[RuleError] = []
        self.lines: dict[Path_, int] = {}

    def error(self, path: Path_, message: str, line: int | None = None) -> None:
        """Record a problem at the line of the deepest known key of its path."""
        if line is None:
            line = 1
            for size in range(len(path), -1, -1):
                if path[:size] in self.lines:
                    line = self.lines[path[:size]]
                    break
        self.errors.append(RuleError(self.file, line, message))

    def read(self, raw: bytes) -> list[Rule]:
        """Parse the file and return its valid rules."""
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.error((), f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")
            return []
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = f"YAML syntax error: {exc.problem or exc.context}"
            if exc.problem and exc.context and exc.context_mark:
                message += f" ({exc.context} on line {exc.context_mark.line + 1})"
            self.error((), message, line=mark.line + 1 if mark else 1)
            return []
        if node is None:
            self.error((), "the file is empty; it should hold a list of rules under 'rules:'")
            return []
        document = self._python(node, (), yaml.SafeLoader(""))
        rules = []
        for path, entry in self._entries(document):
            rule = self._rule(path, entry)
            if rule is not None:
                rules.append(rule)
        return rules

    def _python(self, node: yaml.Node, path: Path_, builder: yaml.SafeLoader) -> Any:
        """Build plain data from a YAML node, remembering the line of every key."""
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._scalar(key_node, path, builder)
                line = key_node.start_mark.line + 1
                if key in result:
                    self.error((), f"key '{key}' is given twice", line=line)
                result[key] = self._python(value_node, (*path, key), builder)
                self.lines[(*path, key)] = line
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self._python(item, (*path, i), builder) for i, item in enumerate(node.value)]
        return self._scalar(node, path, builder)

    def _scalar(self, node: yaml.Node, path: Path_, builder: yaml.SafeLoader) -> Any:
        """Construct one scalar the way YAML reads it (numbers, booleans, text)."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(path, "a key must be plain text", line=node.start_mark.line + 1)
            return repr(node.start_mark)
        try:
            return builder.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.error(path, f"cannot read value: {exc}", line=node.start_mark.line + 1)
            return None

    def _entries(self, document: Any) -> list[tuple[Path_, Any]]:
        """Return (path, raw rule) for each rule of the document."""
        if isinstance(document, dict) and "rules" in document:
            for key in document:
                if key != "rules":
                    self.error((key,), f"unknown top-level key '{key}'; rules go under 'rules:'")
            if not isinstance(document["rules"], list):
                self.error(("rules",), "'rules' must be a list of rules, each starting with '- '")
                return []
            return [(("rules", i), rule) for i, rule in enumerate(document["rules"])]
        if isinstance(document, dict):
            return [((), document)]
        if isinstance(document, list):
            return [((i,), rule) for i, rule in enumerate(document)]
        self.error((), "the file should hold a list of rules under 'rules:'")
        return []

    def _rule(self, path: Path_, raw: Any) -> Rule | None:
        """Validate one rule; record its problems and return it only when it is valid."""
        before = len(self.errors)
        if not isinstance(raw, dict):
            self.error(path, "a rule must be a set of 'key: value' lines")
            return None
        try:
            data = RuleSchema().load(raw)
        except ValidationError as exc:
            for where, message in flatten(exc.messages):
                self.error((*path, *where), explain(where, message, RULE_KEYS, "key"))
            data = exc.valid_data or {}
        kind = KINDS.get(data.get("kind")) if data.get("kind") else None
        if data.get("kind") and kind is None:
            self.error((*path, "kind"), f"unknown kind '{data['kind']}'; known kinds: "
                       + ", ".join(KINDS))
        if kind is None:
            return None
        params = self._params(path, kind, raw.get("params") or {})
        scope = self._scope(path, kind, raw.get("scope") or {})
        templates = self._summary(path, kind, raw.get("summary"))
        if len(self.errors) > before or params is None or scope is None:
            return None
        return Rule(
            id=data["id"], version=data["version"], title=data["title"],
            description=data["description"].strip(), mode=data["mode"],
            severity=data["severity"], kind=kind.name, scope=scope, params=params,
            summary_templates=templates, reopen_factor=data["reopen_factor"],
            source=(self.file, self.lines.get(path, 1)),
            queue=data["queue"] or kind.queue_for(params),
        )

    def _params(self, path: Path_, kind: Kind, raw: Any) -> dict[str, Any] | None:
        """Validate params against the kind's schema and turn substance CAS keys into codes."""
        where = (*path, "params")
        if not isinstance(raw, dict):
            self.error(where, "'params' must be a set of 'name: value' lines")
            return None
        try:
            params = params_schema(kind).load(raw)
        except ValidationError as exc:
            for sub, message in flatten(exc.messages):
                self.error((*where, *sub), explain(("params", *sub), message,
                                                  tuple(kind.params), f"parameter of {kind.name}"))
            return None
        for name in substance_params(kind.params):
            converted = {}
            for cas, value in (params[name] or {}).items():
                code = self._substance((*where, name, cas), cas)
                if code is not None:
                    converted[code] = value
            params[name] = converted
        return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}

    def _scope(self, path: Path_, kind: Kind, raw: Any) -> Scope | None:
        """Validate the scope, check the kind accepts each key, and resolve substances."""
        where = (*path, "scope")
        try:
            scope = ScopeSchema().load(raw)
        except ValidationError as exc:
            for sub, message in flatten(exc.messages):
                self.error((*where, *sub), explain(("scope", *sub), message,
                                                  tuple(ScopeSchema().fields), "scope key"))
            return None
        for key, values in scope.items():
            if values and key not in kind.scope_keys:
                self.error((*where, key), f"scope '{key}' does not apply to kind {kind.name}; "
                           f"it accepts: {', '.join(kind.scope_keys) or 'no scope'}")
        codes = [self._substance((*where, "substances", i), text)
                 for i, text in enumerate(scope["substances"])]
        if any(code is None for code in codes):
            return None
        return Scope(substances=tuple(codes), tables=tuple(scope["tables"]),
                     activities=tuple(scope["activities"]), regions=tuple(scope["regions"]))

    def _substance(self, path: Path_, text: Any) -> str | None:
        """Return the catalogue code of a CAS number (or code); record an error if unknown."""
        try:
            return self.catalogue.get(str(text)).code
        except KeyError:
            self.error(path, f"unknown substance '{text}': no controlled substance in the "
                       "catalogue has this CAS number")
            return None

    def _summary(self, path: Path_, kind: Kind, raw: Any) -> dict[str, str]:
        """Return one template per situation: the rule's own, or the kind's default."""
        where = (*path, "summary")
        templates = dict(kind.situations)
        if raw is None:
            return templates
        if isinstance(raw, str):
            given = dict.fromkeys(templates, (where, raw))
        elif isinstance(raw, dict):
            given = {}
            for situation, text in raw.items():
                if situation not in templates:
                    self.error((*where, situation), f"unknown situation '{situation}' for kind "
                               f"{kind.name}; its situations: {', '.join(templates)}")
                elif not isinstance(text, str):
                    self.error((*where, situation), "a summary must be text")
                else:
                    given[situation] = ((*where, situation), text)
        else:
            self.error(where, "'summary' must be a sentence, or one sentence per situation")
            return templates
        reported = set()
        for situation, (at, text) in given.items():
            for problem in template_problems(text, kind.template_fields):
                if (at, problem) not in reported:
                    reported.add((at, problem))
                    self.error(at, problem)
            templates[situation] = text.strip()
        return templates
