"""The words around a substance name that say nothing about which substance it is, or too much.

A clerk's substance cell is often more than a name: `Acetona QP x 200 L`, `Tolueno - CAS
108-88-3`, `Ácido muriático para piscinas`, `Acetona Merck`. Reading such a cell needs to tell
the leftover words apart. The lists come from the catalogue files (`words:`), so a country
adds its own; the endings and prefixes of chemical nomenclature are here:

- *neutral*: presentation, quantity, state, grade, labels such as `CAS` or `UN`; dropped
  without a remark (the grade words of `text.strip_qualifiers` go first);
- *purpose*: the words after one of these say what the product is for (`para piscinas`);
- *mixture*: the product is a mixture holding the substance (`mezcla`, `agua`, `residuos`);
- *chemical*: words that can turn the name into another chemical (`acetona cianhidrina`,
  `tolueno sulfonato`, `sal de efedrina`) or deny it (`thinner sin tolueno`): the cell is
  refused rather than read as the substance;
- anything else (a brand, a supplier, a reference): ignored, and named in the warning that
  says what the cell was read as.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

# A dotted acronym (M.E.K., Q.P., U.S.P.) is one word, not letters to be read apart.
_DOTTED_ACRONYM = re.compile(r"(?<!\w)((?:[^\W\d_]\.){2,})(?!\w)")
_WORD = re.compile(r"[^\W_]+")
# What between two words starts a new part: brackets, list separators, a spaced dash.
_PART_BREAK = re.compile(r"[()\[\]{}/|;:+,\n]|\s[-–—]|[-–—]\s|[–—]")
MIXTURE_JOINER = "+"
_QUANTITY = re.compile(r"\d+(?:x\d+)?(?:[a-z]{1,3})?|un\d{4}")

# Prefixes of substituents: "tolueno metil", "acetona clorada", "agua oxigenada".
_CHEMICAL_PREFIX = re.compile(
    r"^(?:di|tri|tetra)?(?:metil|etil|propil|butil|fenil|bencil|benzil|methyl|ethyl|propyl|"
    r"butyl|phenyl|benzyl|nitr|amin|hidrox|hydrox|cian|cyan|clor|chlor|brom|fluor|iod|yod|"
    r"oxi|oxy|sulf|sulph|fosf|phosph)"
)
# Endings of chemical nomenclature in English, Spanish and Portuguese (words of 6+ letters).
# Not -ico/-ic: an acid's adjective comes with "ácido", itself chemical, and brands end so.
# Not -ito/-ite: Spanish diminutives end so ("bidoncito"); nitrito, sulfito, clorito have
# their prefixes.
_CHEMICAL_ENDING = re.compile(
    r"(?:ato|uro|eto|ido|ida|ina|ona|ol|eno|ano|ilo|ila|oso|osa|amina|amida|"
    r"ate|ide|ine|one|ene|ane|yl|ous|ium|hydrin|hidrina)$"
)


class Word(NamedTuple):
    """One word of a cell: normalised, as written, where, and whether a new part starts."""

    norm: str
    written: str
    start: int
    new_part: bool


def words(text: str, normalise: Callable[[str], str]) -> list[Word]:
    """Split text into words, marking those after a bracket, separator or spaced dash."""
    # Same length, so that positions still point into the text as written.
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(1).replace(".", "").ljust(len(m.group(1))),
                               text)
    found: list[Word] = []
    end = 0
    for match in _WORD.finditer(text):
        new_part = not found or bool(_PART_BREAK.search(text[end:match.start()]))
        end = match.end()
        for i, piece in enumerate(normalise(match.group(0)).split()):
            found.append(Word(piece, match.group(0), match.start(), new_part and i == 0))
    return found


def mixture_joined(text: str) -> bool:
    """Tell whether parts of the text are added together ('Acetona + agua')."""
    return MIXTURE_JOINER in text


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of the catalogue files, normalised (see the module docstring)."""

    neutral: frozenset[str] = frozenset()
    purpose: frozenset[str] = frozenset()
    mixture: frozenset[str] = frozenset()
    chemical: frozenset[str] = frozenset()

    def is_neutral(self, word: str) -> bool:
        """Tell whether a word only says how much, in what, or of what grade the product is."""
        # Numbers and quantities with their unit: `200`, `200l`, `25kg`, `4x4`, `un1090`.
        return word in self.neutral or bool(_QUANTITY.fullmatch(word))

    def is_purpose(self, word: str) -> bool:
        """Tell whether the words after this one say what the product is used for."""
        return word in self.purpose

    def is_mixture(self, word: str) -> bool:
        """Tell whether the word says the product is a mixture ('mezcla', 'agua')."""
        return word in self.mixture

    def is_chemical(self, word: str) -> bool:
        """Tell whether a leftover word may name another chemical or deny the one named."""
        if word in self.chemical:
            return True
        stem = word[:-2] if word.endswith("es") and len(word) > 7 else word
        stem = stem[:-1] if stem.endswith("s") and len(stem) > 6 else stem
        if not stem.isalpha():
            return False
        return bool(_CHEMICAL_PREFIX.match(stem)) or (
            len(stem) >= 6 and bool(_CHEMICAL_ENDING.search(stem)))
