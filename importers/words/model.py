"""The words people write, as loaded from the word files: plain lookups built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class WordsError(ValueError):
    """A word file is unreadable, invalid, or gives one word two meanings (file and line)."""


@dataclass(frozen=True)
class CodeWords:
    """One coded column's codes and the normalised words that stand for them."""

    key: str  # the table's name in the files: payment_method
    label: str  # its name in messages: payment method
    codes: tuple[str, ...]  # canonical codes in their documented order
    lookup: dict[str, str]  # normalised word (the codes too) -> code
    refused: dict[str, str]  # normalised first words -> the reason they are refused
    prefixes: dict[str, str]  # normalised first word -> the code it decides
    digits_refused: str | None  # why a value of digits only is refused


@dataclass(frozen=True)
class Example:
    """What a person wrote and what it must read as, with the line that says so."""

    kind: str  # header, shared_weak, unit_header, code, refused, country
    table: str  # the column, unit, code table or "country"
    written: str
    reads_as: str  # a column, unit, code, country code, or a refusal's reason
    where: str


@dataclass(frozen=True)
class Words:
    """Every word table, built once per set of files."""

    feeds: dict[str, tuple[str, ...]]  # feed -> its canonical columns
    # headers as `normalise_header` leaves them
    headers: dict[str, tuple[str, ...]]  # column -> strong headers (its own name first)
    weak: dict[str, tuple[str, ...]]  # column -> weak headers
    shared_weak: dict[str, tuple[str, ...]]  # header -> the columns it may name, in order
    unit_headers: dict[str, tuple[str, ...]]  # unit code -> quantity headers naming it
    tables: dict[str, CodeWords]
    iso_alpha2: frozenset[str]
    country_by_name: dict[str, str]  # normalised name or alpha-3 -> alpha-2
    alpha3: frozenset[str]
    examples: tuple[Example, ...]
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, name: str, factory):
        """Return the lookup called `name` built from these words, building it once."""
        if name not in self._derived:
            self._derived[name] = factory()
        return self._derived[name]
