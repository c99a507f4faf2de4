"""Read and patch one rule inside a rule file's text, keeping everything else as written.

Pure text work over the YAML node positions (PyYAML's compose): a changed value replaces
only the characters of that value, so comments, blank lines, key order and the other rules
of the file stay byte for byte. Only a block list or mapping given a new value as a whole is
rewritten in flow style (`[purchase, sale]`), losing the comments inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path_ = tuple[str, ...]


class RuleTextError(ValueError):
    """The rule cannot be found or patched in this text (the file is not valid YAML...)."""


@dataclass(frozen=True)
class Located:
    """A rule's mapping node in a file, with the span of its own lines."""

    node: yaml.MappingNode
    start: int
    end: int


def _compose(text: str) -> yaml.Node | None:
    """Return the document node of a rule file's text; RuleTextError if it is not YAML."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise RuleTextError(f"the file is not valid YAML: {exc}") from exc


def _rule_nodes(document: yaml.Node | None) -> list[yaml.MappingNode]:
    """Return the mapping node of every rule of a document (the shapes the loader accepts)."""
    if isinstance(document, yaml.MappingNode):
        for key, value in document.value:
            if key.value == "rules" and isinstance(value, yaml.SequenceNode):
                return [n for n in value.value if isinstance(n, yaml.MappingNode)]
        return [document]
    if isinstance(document, yaml.SequenceNode):
        return [n for n in document.value if isinstance(n, yaml.MappingNode)]
    return []


def _get(node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """Return (key node, value node) of a mapping's key, or None."""
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and str(key_node.value) == key:
            return key_node, value_node
    return None


def _last_index(node: yaml.Node) -> int:
    """Return the index just past the last character of a node's content."""
    if not getattr(node, "flow_style", True) and node.value:
        last = node.value[-1]
        return _last_index(last[1] if isinstance(node, yaml.MappingNode) else last)
    return node.end_mark.index


def _line_end(text: str, index: int, floor: int = 0) -> int:
    """Return the end of the line holding the last non-blank character before index."""
    while index > floor and text[index - 1] in " \t\r\n":
        index -= 1
    found = text.find("\n", index)
    return len(text) if found == -1 else found


def locate(text: str, rule_id: str) -> Located | None:
    """Find a rule by id in a file's text; None when the file has no such rule."""
    for node in _rule_nodes(_compose(text)):
        pair = _get(node, "id")
        if pair and isinstance(pair[1], yaml.ScalarNode) and pair[1].value == rule_id:
            start = node.start_mark.index
            return Located(node, start, _line_end(text, _last_index(node), start))
    return None


def rule_ids(text: str) -> list[str]:
    """Return the ids of the rules written in a file's text, in order."""
    ids = []
    for node in _rule_nodes(_compose(text)):
        pair = _get(node, "id")
        if pair and isinstance(pair[1], yaml.ScalarNode):
            ids.append(str(pair[1].value))
    return ids


def rule_text(text: str, rule_id: str) -> str:
    """Return a rule's own lines from a file's text (from its first key to its last value)."""
    found = locate(text, rule_id)
    if found is None:
        raise RuleTextError(f"no rule '{rule_id}' in this file")
    return text[found.start:found.end]


def splice(text: str, rule_id: str, new_rule_text: str) -> str:
    """Return the file's text with one rule's lines replaced by new ones."""
    found = locate(text, rule_id)
    if found is None:
        raise RuleTextError(f"no rule '{rule_id}' in this file")
    return text[:found.start] + new_rule_text + text[found.end:]


def flow(value: Any) -> str:
    """Write a value as one line of YAML (`1000`, `null`, `[sale, export]`, `{a: 1}`)."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                            sort_keys=False, width=10**9).strip()
    return dumped[:-3].strip() if dumped.endswith("\n...") or dumped.endswith("...") else dumped


def value_source(text: str, rule_id: str, path: Path_) -> tuple[str, bool] | None:
    """Return (text of a value as written, whether it is a block list or mapping), or None."""
    found = locate(text, rule_id)
    node: yaml.Node | None = found.node if found else None
    for key in path:
        pair = _get(node, key) if isinstance(node, yaml.MappingNode) else None
        if pair is None:
            return None
        node = pair[1]
    if isinstance(node, yaml.ScalarNode) or node.flow_style:
        return text[node.start_mark.index:node.end_mark.index], False
    return flow(_construct(node)), True


def _construct(node: yaml.Node) -> Any:
    """Return the plain data of a node."""
    return yaml.SafeLoader("").construct_object(node, deep=True)


def block_entries(text: str, rule_id: str, path: Path_) -> list[tuple[str, str]] | None:
    """Return (key, value as written) of a block mapping's entries, or None if not one."""
    found = locate(text, rule_id)
    node: yaml.Node | None = found.node if found else None
    for key in path:
        pair = _get(node, key) if isinstance(node, yaml.MappingNode) else None
        if pair is None:
            return None
        node = pair[1]
    if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
        return None
    entries = []
    for key_node, value_node in node.value:
        if not isinstance(value_node, yaml.ScalarNode):
            return None
        entries.append((str(key_node.value),
                        text[value_node.start_mark.index:value_node.end_mark.index]))
    return entries


def set_value(text: str, rule_id: str, path: Path_, value_text: str) -> str:
    """Return the file's text with one value of a rule set to a one-line YAML text.

    The key is added under its parent mapping when missing (`params:` too). The value is
    written as given (one line): the loader then judges it exactly as `vigia rules check`.
    """
    if "\n" in value_text or "\r" in value_text:
        raise RuleTextError("a value must be written on one line")
    found = locate(text, rule_id)
    if found is None:
        raise RuleTextError(f"no rule '{rule_id}' in this file")
    node: yaml.MappingNode = found.node
    for depth, key in enumerate(path):
        pair = _get(node, key)
        if pair is None:
            return _insert(text, node, path[depth:], value_text)
        key_node, value_node = pair
        if depth < len(path) - 1:
            if not isinstance(value_node, yaml.MappingNode):
                raise RuleTextError(f"'{'.'.join(path[:depth + 1])}' is not a set of "
                                    "'name: value' lines")
            node = value_node
            continue
        if isinstance(value_node, yaml.ScalarNode) or value_node.flow_style:
            start, end = value_node.start_mark.index, value_node.end_mark.index
            if start == end:  # `key:` with nothing after it
                return text[:start] + " " + value_text + text[end:]
            return text[:start] + value_text + text[end:]
        end = _line_end(text, _last_index(value_node), key_node.end_mark.index)
        return text[:key_node.end_mark.index] + ": " + value_text + text[end:]
    raise RuleTextError("no key given")


def _insert(text: str, parent: yaml.MappingNode, keys: Path_, value_text: str) -> str:
    """Add the missing keys (the last with its value) at the end of a block mapping."""
    if parent.flow_style:
        raise RuleTextError("cannot add a key to a mapping written on one line; edit it whole")
    indent = parent.value[0][0].start_mark.column if parent.value else parent.start_mark.column
    at = _line_end(text, _last_index(parent), parent.start_mark.index)
    lines = []
    for depth, key in enumerate(keys):
        pad = " " * (indent + 2 * depth)
        lines.append(f"{pad}{_key(key)}:" + (f" {value_text}" if depth == len(keys) - 1 else ""))
    return text[:at] + "\n" + "\n".join(lines) + text[at:]


def _key(key: str) -> str:
    """Write a mapping key, quoted only when YAML would read it otherwise."""
    return key if flow(key) == key else flow(key)
