"""String matching helpers: one trie-shaped regex for many phrases, and a bounded edit distance."""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""  # trie marker: a phrase ends at this node
_GAP = " "  # trie token: an optional space

# Phrases at least this long (without spaces) may be written with spaces anywhere
# ("pseudo ephedrine", "metil etil cetona"); shorter ones are abbreviations whose spacing
# is kept as written, so that "N PP" never reads as NPP.
FREE_SPACING_MIN = 8


def phrase_tokens(normalised: str) -> tuple[str, ...]:
    """Turn a normalised phrase into trie tokens: characters and optional-space gaps."""
    compact = normalised.replace(" ", "")
    if len(compact) >= FREE_SPACING_MIN:
        tokens: list[str] = []
        for char in compact:
            if tokens:
                tokens.append(_GAP)
            tokens.append(char)
        return tuple(tokens)
    return tuple(_GAP if char == " " else char for char in normalised)


def trie_pattern(phrases: Iterable[tuple[str, ...]]) -> str:
    """Build one regex alternation (shaped as a trie, so it stays fast) matching any phrase."""
    root: dict = {}
    for tokens in phrases:
        node = root
        for token in tokens:
            node = node.setdefault(token, {})
        node[_END] = {}
    return _emit(root)


def _emit(node: dict) -> str:
    branches = []
    for token in sorted(key for key in node if key != _END):
        head = "[ ]?" if token == _GAP else re.escape(token)
        branches.append(head + _emit(node[token]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        # Greedy optional group: the longer phrase wins ("mek peroxide" over "mek").
        return f"(?:{body})?"
    return body


def within_distance(left: str, right: str, limit: int) -> int | None:
    """Return the edit distance (a swap of neighbours counts once) if at most limit, else None."""
    if abs(len(left) - len(right)) > limit:
        return None
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, lchar in enumerate(left, start=1):
        current = [i] + [0] * len(right)
        for j, rchar in enumerate(right, start=1):
            cost = 0 if lchar == rchar else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and lchar == right[j - 2] and left[i - 2] == rchar:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return None
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None
