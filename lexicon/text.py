"""How text is compared: the two folding rules, identifier keys, accents stripped for display.

Two rules, because two kinds of text are compared:

- `fold_words`: the words people type in headers, coded values, dates, company names and
  identifiers. Ordinal signs are separators ("Nº licencia" -> "n licencia", "1ª" -> "1").
  The identity keys stored in the database (`identifier_key`, tax ids) are made with it, so
  it must not change without a migration (0007 keeps its own copy for that reason).
- `fold_chemical_text`: substance names and the cells and goods descriptions that name them.
  Greek letters are spelled as chemists type them ("α-" -> "alpha "), and ordinal signs
  decompose like any other compatibility character ("º" -> "o").

Both casefold, strip accents and collapse everything but letters and digits to single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ORDINAL_SIGNS = str.maketrans({"º": " ", "°": " ", "ª": " "})
# Greek letters appear in chemical names (α-phenylacetoacetonitrile); companies type "alpha".
_GREEK_LETTERS = str.maketrans({"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta "})


def _folding(table: dict[int, str], name: str, doc: str) -> Callable[[object], str]:
    """Return a folding rule: casefold, apply the table, strip accents, collapse the rest."""

    def fold(text: object) -> str:
        folded = str(text).casefold()
        if not folded.isascii():
            folded = unicodedata.normalize("NFKD", folded.translate(table))
            folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        return _NON_ALNUM.sub(" ", folded).strip()

    fold.__name__ = fold.__qualname__ = name
    fold.__doc__ = doc
    return fold


fold_words = _folding(
    _ORDINAL_SIGNS, "fold_words",
    "Fold typed words for comparison: case, accents, punctuation and ordinal signs ignored.")
fold_chemical_text = _folding(
    _GREEK_LETTERS, "fold_chemical_text",
    "Fold a substance name or a text naming one: as `fold_words`, Greek letters spelled.")


def identifier_key(text: object) -> str:
    """Reduce an identifier (tax id, licence number) to its letters and digits, uppercased."""
    return fold_words(text).replace(" ", "").upper()


def strip_accents(text: str) -> str:
    """Return text without its accents, case and punctuation kept (for display, not keys)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
