"""Coded values: reading what people type in a coded column as one of its canonical codes.

The codes and words are data (importers/words/codes.yaml, plus national additions); a
`CodeTable` names one table of them and reads a cell in passes:

1. word: the whole cell, normalised (case, accents, punctuation do not matter), is a word
   or a code of the table;
2. prefix: its first word decides whatever follows ("Transferencia BCP", "Depósito BBVA");
3. direction (movements): a direction the goods took, written around a movement ("salida
   por venta", "Venta (salida)"), agrees with the movement and is dropped.

A cell none of them reads is refused with the reason the file gives for its first words
("devolución": whose return?), a reason for digits only (someone else's codes), or the list
of accepted codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from importers.words import CodeWords, in_force
from lexicon.movements import DIRECTION
from lexicon.text import fold_words


@dataclass(frozen=True)
class CodeTable:
    """The accepted codes of one coded column and the words that map onto them."""

    key: str  # the table in the word files

    @property
    def words(self) -> CodeWords:
        """Return this table's words as in force (shipped plus national)."""
        return in_force().tables[self.key]

    @property
    def name(self) -> str:
        """Return the table's name in messages ("payment method")."""
        return self.words.label

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the canonical codes in their documented order."""
        return self.words.codes

    @property
    def digits_refused(self) -> str | None:
        """Return why a value of digits only is refused, if it is."""
        return self.words.digits_refused

    def code_for(self, text: str) -> str | None:
        """Return the canonical code a typed word stands for, or None."""
        words = self.words
        key = fold_words(text)
        return _word_pass(words, key) or _prefix_pass(words, key)

    def unknown(self, text: str) -> str:
        """Explain why a value was refused, listing the accepted codes."""
        if self.digits_refused and text.strip().isdigit():
            return f"{self.name} {text!r} is not accepted: {self.digits_refused}"
        reason = self.refusal(fold_words(text).split())
        if reason:
            return f"{self.name} {text!r} is not accepted: {reason}"
        return f"unknown {self.name} {text!r} (accepted: {', '.join(self.codes)})"

    def refusal(self, words: list[str]) -> str | None:
        """Return the reason a word deliberately not mapped is refused, by its first words."""
        refused = self.words.refused
        for size in range(len(words), 0, -1):
            reason = refused.get(" ".join(words[:size]))
            if reason:
                return reason
        return None


def _word_pass(words: CodeWords, key: str) -> str | None:
    """Read a whole normalised cell as one of the table's words or codes."""
    return words.lookup.get(key)


def _prefix_pass(words: CodeWords, key: str) -> str | None:
    """Read a cell of several words by a first word that decides the code."""
    if not words.prefixes or " " not in key:
        return None
    return words.prefixes.get(key.split(" ", 1)[0])


# "Salida por consumo", "Ingreso por compra", "Venta (salida)": a movement with the direction
# the goods took. The direction is checked against the movement, then dropped.
_DIRECTIONS = {"entrada": "in", "entradas": "in", "ingreso": "in", "ingresos": "in",
               "salida": "out", "salidas": "out", "saida": "out", "egreso": "out",
               "egresos": "out"}
_DIRECTION_LINKS = frozenset({"por", "de", "a", "para", "en", "del"})


def _directed(text: str) -> tuple[str, str, list[str]] | None:
    """Split "salida por consumo" into (direction word, its way, the movement's words)."""
    words = fold_words(text).split()
    if len(words) >= 3 and words[0] in _DIRECTIONS and words[1] in _DIRECTION_LINKS:
        return words[0], _DIRECTIONS[words[0]], words[2:]
    if len(words) >= 2 and words[-1] in _DIRECTIONS:
        return words[-1], _DIRECTIONS[words[-1]], words[:-1]
    return None


@dataclass(frozen=True)
class MovementTable(CodeTable):
    """Movements, also when written with the direction the goods took ("salida por venta")."""

    def code_for(self, text: str) -> str | None:
        """Return the movement, reading past a direction that agrees with it."""
        return super().code_for(text) or self._direction_pass(text)

    def _direction_pass(self, text: str) -> str | None:
        """Read "salida por venta" as the movement when the direction agrees with it."""
        directed = _directed(text)
        if directed is None:
            return None
        _, way, words = directed
        inner = super().code_for(" ".join(words))
        return inner if inner is not None and DIRECTION.get(inner) == way else None

    def unknown(self, text: str) -> str:
        """Explain a refusal, naming a direction that contradicts the movement."""
        directed = _directed(text)
        if directed is not None and not super().code_for(text):
            word, way, words = directed
            inner = super().code_for(" ".join(words))
            if inner is not None:
                return (f"{self.name} {text!r} is not accepted: {word!r} says the goods went "
                        f"{'in' if way == 'in' else 'out'}, but {' '.join(words)!r} is "
                        f"{'a stock' if inner not in DIRECTION else 'the other way'}: which is it?")
            reason = self.refusal(words)
            if reason:
                return f"{self.name} {text!r} is not accepted: {reason}"
        return super().unknown(text)


MOVEMENT = MovementTable("movement")

UNIT = CodeTable("unit")

ACTIVITY = CodeTable("activity")
PAYMENT_METHOD = CodeTable("payment_method")
DELIVERY = CodeTable("delivery")
# customs regimes by the direction the goods physically cross the border
FLOW = CodeTable("flow")
LICENCE_STATUS = CodeTable("licence_status")
NOTIFICATION_STATUS = CodeTable("notification_status")
