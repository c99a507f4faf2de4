"""Countries: reading a cell as an ISO 3166-1 alpha-2 code.

The codes and names are data (importers/words/countries.yaml, plus national additions). A
cell is read in passes:

1. alpha-2: a two-letter ISO code ("pe", "BR");
2. name: a name or alpha-3 code of the table, normalised ("Perú", "EEUU", "COL");
3. code and name: as customs and registry systems list them, "CO - COLOMBIA", "CO: Colombia",
   "Colombia (CO)": the code decides unless the name is of another country; an ISO numeric
   code ("170 - Colombia") lets the name decide.
"""

from __future__ import annotations

import re

from importers.words import Words, in_force
from lexicon.text import fold_words

_CODE_THEN_NAME = re.compile(r"([A-Za-z]{2,3}|\d{3})\s*[-–—:]\s*(.+)")
_NAME_THEN_CODE = re.compile(r"(.+?)\s*\(([A-Za-z]{2,3})\)")


def country_code(text: str) -> str | None:
    """Return the ISO alpha-2 code for a code or a common country name, else None."""
    words = in_force()
    stripped = text.strip()
    return (_alpha2_pass(words, stripped) or _name_pass(words, stripped)
            or _code_and_name_pass(words, stripped))


def _alpha2_pass(words: Words, text: str) -> str | None:
    """Read a two-letter ISO code."""
    return text.upper() if len(text) == 2 and text.upper() in words.iso_alpha2 else None


def _name_pass(words: Words, text: str) -> str | None:
    """Read a name or an alpha-3 code of the table."""
    return words.country_by_name.get(fold_words(text))


def _code_and_name_pass(words: Words, text: str) -> str | None:
    """Read "CO - Colombia" or "Colombia (CO)": a code and a name that must not disagree."""
    pair = _CODE_THEN_NAME.fullmatch(text)
    code, name = (pair[1], pair[2]) if pair else (None, None)
    if pair is None and (pair := _NAME_THEN_CODE.fullmatch(text)):
        code, name = pair[2], pair[1]
    if code is None:
        return None
    by_name = _name_pass(words, name)
    if code.isdigit():  # an ISO numeric code: the name decides (the table has no numbers)
        return by_name
    by_code = None
    if len(code) == 2 or code.upper() in words.alpha3:
        by_code = _alpha2_pass(words, code) or _name_pass(words, code)
    if by_code and (by_name is None or by_name == by_code):
        return by_code  # a name we do not know does not overrule its code
    return None
