"""A header reduced to comparable words, the key header matching compares."""

from __future__ import annotations

import re

from lexicon.text import fold_words

_NUMBER_WORDS = frozenset({"n", "no", "nro", "nr", "num", "numero", "number", "nbr", "nos"})
_CONNECTORS = frozenset(
    {"de", "del", "la", "el", "los", "las", "da", "do", "das", "dos", "of", "the", "en", "em",
     "y", "e", "and", "por", "per"}
)
# Templates that number their columns: "1. Licencia", "2) Período", "(3) Fecha", "04 - Cantidad".
_NUMBERED = re.compile(r"\s*\(?\d{1,2}(?:\.\d{1,2})*(?:\s*[.):\-–]\s*|\s+)(?=[^\W\d_])")


def normalise_header(text: object) -> str:
    """Reduce a header to comparable words: no case, accents, punctuation, order or filler."""
    raw = _NUMBERED.sub("", str(text), count=1)
    raw = raw.replace("%", " pct ").replace("#", " no ")
    words = fold_words(raw).split()
    words = ["no" if w in _NUMBER_WORDS else w for w in words if w not in _CONNECTORS]
    return " ".join(sorted(words))  # word order carries no meaning in a header
