"""Read a substance cell made of several parts: names, abbreviations, CAS numbers, other words.

`MEK (metil etil cetona)`, `Ácido muriático (HCl 33%)`, `Thinner (tolueno)`, `Tolueno - CAS
108-88-3`, `Acetona QP x 200 L`: every phrase of the catalogue in the cell is found (as whole
words), every CAS number is checked, every other word is sorted out (`wording`), and then the
parts are judged together. Where everything that names something names one substance, the
cell is read as it, with a note saying so; where two things are named, the cell is refused
naming both. A cell in which nothing is recognised is left to the caller (spelling, then
suggestions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from app.catalogue import wording
from app.catalogue.matching import FREE_SPACING_MIN, phrase_tokens, trie_pattern, within_distance
from app.catalogue.models import Refusal, Resolution, Target
from app.catalogue.text import (
    CONCENTRATION_IN_TEXT,
    cas_check_digit_ok,
    compact_key,
    strip_qualifiers,
)
from lexicon.text import fold_chemical_text

# A CAS number among other words, check digit not yet verified; or digits after "CAS".
_CAS_LIKE = re.compile(
    r"(?<![\d-])0*(\d{2,7})\s?-\s?(\d{2})\s?-\s?(\d)(?![\d-])"
    r"|(?i:(?<![^\W\d_])cas\b\W{0,8})0*(\d{2,7})(\d{2})(\d)\b"
)
_KIND_ORDER = ("cas", "name", "synonym", "code")


class Mention(NamedTuple):
    """One part of the cell that names something, where it starts, and how it was found."""

    target: Target
    written: str
    start: int
    how: str  # "phrase", "cas", "fuzzy" (a misspelling) or "cas-typo"


@dataclass
class Reading:
    """Everything found in one cell, before judging it."""

    mentions: list[Mention] = field(default_factory=list)
    foreign_cas: list[str] = field(default_factory=list)  # valid, of nothing catalogued
    bad_cas: list[str] = field(default_factory=list)  # wrong check digit
    chemical: list[str] = field(default_factory=list)  # words that may make it another chemical
    ignored: list[str] = field(default_factory=list)  # brands, references...
    partial: list[str] = field(default_factory=list)  # words of its own names ("Permanganato")
    mixture: bool = False  # 'mezcla', 'blend', '+', 'agua': the share must be given
    inverted: bool = False  # "Acid, Sulphuric": read with its parts the other way round
    percentages: list[tuple[int, float]] = field(default_factory=list)  # where, how much

    def concentration(self) -> float | None:
        """Return the one percentage written for the controlled substance, else None.

        A percentage belongs to the name before it (the first name, when none is before):
        "Thinner (tolueno 30%, xileno 70%)" gives 30; "98% (H2SO4 98%)" gives 98.
        """
        found = {pct for owner, pct in self._shares() if owner.substance is not None}
        pct = found.pop() if len(found) == 1 else None
        return pct if pct is not None and 0 < pct <= 100 else None

    def says_mixture(self) -> bool:
        """Tell whether the cell says it is a mixture: a word, '+', a mixture's trade name,
        or a percentage of an uncontrolled component ("tolueno 30%, xileno 70%")."""
        return (self.mixture or any(m.target.kind == "mixture" for m in self.mentions)
                or any(owner.look_alike is not None for owner, _pct in self._shares()))

    def _shares(self) -> list[tuple[Target, float]]:
        """Pair each percentage with the name it belongs to."""
        shares = []
        for where, pct in self.percentages:
            before = [m for m in self.mentions if m.start <= where] or self.mentions[:1]
            if before:
                shares.append((before[-1].target, pct))
        return shares


class PartReader:
    """Find and judge the parts of a cell against the catalogue's phrases and CAS numbers."""

    def __init__(
        self,
        *,
        phrases: Iterable[tuple[str, Target]],
        keys: dict[str, Target],
        by_cas: dict[str, Target],
        fuzzy: Callable[[str], Target | None],
        vocabulary: wording.Vocabulary,
    ) -> None:
        self._phrases = [(fold_chemical_text(p), t) for p, t in phrases if compact_key(p)]
        tokens = [phrase_tokens(phrase) for phrase, _target in self._phrases]
        self._pattern = re.compile(r"(?<![a-z0-9])(?:" + trie_pattern(tokens) + r")(?![a-z0-9])")
        self._keys = keys
        self._by_cas = by_cas
        self._fuzzy = fuzzy
        self._vocabulary = vocabulary
        self._words: dict[str, set[str]] = {}

    def resolve(self, text: str) -> Resolution | Refusal | None:
        """Read the cell's parts and judge them; None when no part names anything."""
        reading = self.read(text)
        if not reading.mentions and "," in text:
            # "Acid, Sulphuric 98%", "Ether, ethyl": a catalogue's inverted order.
            first, rest = text.split(",", 1)
            inverted = self.read(f"{rest} {first}")
            if inverted.mentions:
                reading, reading.inverted = inverted, True
        codes = {m.target.substance.code for m in reading.mentions if m.target.substance}
        if len(codes) == 1:
            # "Permanganato (KMnO4)": a word of the substance's own names is part of a name.
            own = self._own_words(codes.pop())
            for found in (reading.chemical, reading.ignored):
                reading.partial += [w for w in found if fold_chemical_text(w) in own]
                found[:] = [w for w in found if fold_chemical_text(w) not in own]
        return judge(text, reading, self.near_cas)

    # -- finding the parts --------------------------------------------------------------

    def read(self, text: str) -> Reading:
        """Find every naming part of text and sort out the other words."""
        reading = Reading(mixture=wording.mixture_joined(text))
        reading.percentages = [(m.start(), float(m.group(1).replace(",", ".")))
                               for m in CONCENTRATION_IN_TEXT.finditer(text)]
        rest = _blank(CONCENTRATION_IN_TEXT, text)
        for match in _CAS_LIKE.finditer(rest):
            self._read_cas(match, reading)
        words = wording.words(_blank(_CAS_LIKE, rest), fold_chemical_text)
        covered = self._read_phrases(words, reading)
        run: list[wording.Word] = []
        for index, word in enumerate(words):
            if index in covered or word.new_part:
                self._read_run(text, run, reading)
                run = []
            if index not in covered:
                run.append(word)
        self._read_run(text, run, reading)
        reading.mentions.sort(key=lambda m: m.start)
        return reading

    def _read_cas(self, match: re.Match[str], reading: Reading) -> None:
        groups = [g for g in match.groups() if g is not None]
        cas = "-".join(groups)
        if not cas_check_digit_ok(cas):
            reading.bad_cas.append(cas)
        elif cas in self._by_cas:
            reading.mentions.append(Mention(self._by_cas[cas], cas, match.start(), "cas"))
        else:
            reading.foreign_cas.append(cas)

    def _read_phrases(self, words: list[wording.Word], reading: Reading) -> set[int]:
        """Find the catalogue's phrases as whole words; return the indices of the words used."""
        starts, position = [], 0
        for word in words:
            starts.append(position)
            position += len(word.norm) + 1
        joined = " ".join(word.norm for word in words)
        covered: set[int] = set()
        for match in self._pattern.finditer(joined):
            used = [i for i, s in enumerate(starts) if match.start() <= s < match.end()]
            target = self._keys.get(match.group(0).replace(" ", ""))
            if target is None or not used:
                continue
            covered.update(used)
            written = _written([words[i] for i in used])
            reading.mentions.append(Mention(target, written, words[used[0]].start, "phrase"))
        return covered

    def _read_run(self, text: str, run: list[wording.Word], reading: Reading) -> None:
        """Sort out the words between phrases: neutral, a misspelt name, chemical or ignored."""
        if not run:
            return
        vocabulary = self._vocabulary
        content = strip_qualifiers(" ".join(word.norm for word in run)).split()
        for i, norm in enumerate(content):
            if vocabulary.is_purpose(norm):
                content = content[:i]
                break
        if any(vocabulary.is_mixture(norm) for norm in content):
            reading.mixture = True
        content = [n for n in content
                   if not vocabulary.is_neutral(n) and not vocabulary.is_mixture(n)]
        written = {word.norm: word.written for word in run}
        start = run[0].start
        i = 0
        while i < len(content):
            # The words left as one name ("metil etil cetna"), else one word at a time.
            ends = (len(content), i + 1) if i == 0 and len(content) > 1 else (i + 1,)
            for j in ends:
                target, how = self._name(content[i:j])
                if target is not None:
                    reading.mentions.append(
                        Mention(target, _as_written(text, run, content[i:j]), start, how))
                    i = j
                    break
            else:
                norm = content[i]
                found = reading.chemical if vocabulary.is_chemical(norm) else reading.ignored
                shown = written.get(norm, norm)
                if shown not in found:
                    found.append(shown)
                i += 1

    def _name(self, norms: list[str]) -> tuple[Target | None, str]:
        """Look words up as one name: exactly ('ac sulfurico'), else as a misspelling."""
        key = "".join(norms)
        # Short abbreviations keep their spacing: "n pp" is not NPP.
        if (len(norms) == 1 or len(key) >= FREE_SPACING_MIN) and key in self._keys:
            return self._keys[key], "phrase"
        found = self._fuzzy(key)
        return found, "fuzzy"

    def _own_words(self, code: str) -> set[str]:
        """Return every word of every phrase naming the substance with this code."""
        if code not in self._words:
            self._words[code] = {
                word for key, target in self._phrases
                if target.substance is not None and target.substance.code == code
                for word in key.split()
            }
        return self._words[code]

    def near_cas(self, cas: str) -> list[Target]:
        """Return what the CAS numbers one typing error away from cas are the numbers of."""
        digits = cas.replace("-", "")
        return [target for known, target in self._by_cas.items()
                if within_distance(digits, known.replace("-", ""), 1) is not None]


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """Blank out what pattern matches, keeping every other character where it was."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _written(words: list[wording.Word]) -> str:
    return " ".join(dict.fromkeys(word.written for word in words))


def _as_written(text: str, run: list[wording.Word], norms: list[str]) -> str:
    """Return the stretch of text from the first to the last of these words, as written."""
    used = [word for word in run if word.norm in norms]
    if not used:  # an abbreviation written out ("ac" -> "acido")
        return " ".join(norms)
    return text[used[0].start:used[-1].start + len(used[-1].written)]


# -- judging the parts together -------------------------------------------------------


def judge(
    text: str, reading: Reading, near_cas: Callable[[str], list[Target]]
) -> Resolution | Refusal | None:
    """Read the cell as one substance when every naming part agrees; refuse it otherwise."""
    named = _distinct(m.target for m in reading.mentions)
    substances = [t for t in named if t.substance is not None]
    codes = list(dict.fromkeys(t.substance.code for t in substances))
    if not codes:
        return _nothing_controlled(text, reading, named, near_cas)
    left_out = [t for t in named if t.look_alike is not None]
    # Beside one controlled substance, an uncontrolled one is another component of a
    # mixture the cell says it is ("Thinner (tolueno 30%, xileno 70%)"); otherwise the cell
    # may name either ("Tolueno (xileno)").
    mixture = reading.says_mixture()
    if len(codes) > 1 or (left_out and not mixture):
        return _mislabelled(text, reading) or _several(text, named)
    substance = substances[0].substance
    refusal = _contradiction(text, reading, substance, near_cas)
    if refusal is not None:
        return refusal
    forms = _distinct(m.target for m in reading.mentions if m.target.form is not None)
    if len(forms) > 1:
        return _several(text, forms)
    form = forms[0].form if forms else None
    kinds = {m.target.kind if m.how == "phrase" else m.how for m in reading.mentions}
    matched = "mixture" if mixture else next((k for k in _KIND_ORDER if k in kinds), "fuzzy")
    fraction = form.base_fraction if form is not None else 1.0
    note = _note(text, reading, Target(substance, form, "name"), mixture, left_out)
    return Resolution(substance, form, fraction, matched, reading.concentration(), note)


def _distinct(targets) -> list[Target]:
    seen: dict[tuple, Target] = {}
    for target in targets:
        seen.setdefault(target.identity if target.kind != "mixture" else
                        (target.substance.code, None), target)
    return list(seen.values())


def _nothing_controlled(text, reading, named, near_cas) -> Refusal | None:
    if named:  # only look-alikes
        labels = [t.label for t in named]
        if len(labels) == 1 and all(m.how == "fuzzy" for m in reading.mentions):
            return Refusal(text, (), labels[0],
                           f"'{text}' looks like {labels[0]}, which is not a controlled substance")
        if len(labels) == 1:
            return Refusal(text, not_controlled=labels[0])
        return Refusal(text, not_controlled=labels[0], message=(
            f"'{text}' names {_and(labels)}, none of which is a controlled substance"))
    if reading.bad_cas:
        cas = reading.bad_cas[0]
        near = _distinct(t for t in near_cas(cas) if t.substance is not None)
        closest = f"; closest: {_and([t.label for t in near])}" if near else ""
        return Refusal(text, tuple(t.label for t in near), message=(
            f"unknown substance '{text}': CAS number {cas} has a wrong check digit "
            f"(a typing error){closest}"))
    return None


def _mislabelled(text: str, reading: Reading) -> Refusal | None:
    """Refuse a name beside another substance's CAS number ('Acetona (108-24-7)')."""
    by_cas = [m for m in reading.mentions if m.how == "cas"]
    by_name = _distinct(m.target for m in reading.mentions if m.how != "cas")
    if len(by_cas) != 1 or len(by_name) != 1 or by_name[0].look_alike is not None:
        return None
    cas, name = by_cas[0], by_name[0]
    return Refusal(text, (name.label, cas.target.label), None, (
        f"'{text}' names {name.label}, but its CAS number {cas.written} is "
        f"{_described(cas.target)}: correct the name or the CAS number"))


def _several(text: str, named: list[Target]) -> Refusal:
    labels = [_described(t) for t in named]
    alikes = [t for t in named if t.look_alike is not None]
    if alikes:
        advice = (f"if the product is {alikes[0].look_alike.name}, it is not declared; if it is "
                  "a mixture, write only the controlled substance, with its percentage")
    else:
        advice = ("write one substance per row, by its name or CAS number (a mixture: one row "
                  "for each controlled substance it holds, with its percentage)")
    return Refusal(text, tuple(t.label for t in named if t.look_alike is None), None,
                   f"'{text}' names {_and(labels)}: {advice}")


def _contradiction(text, reading, substance, near_cas) -> Refusal | None:
    """Refuse a CAS number or word saying the product is something else; note CAS typos."""
    own = substance.label
    if reading.foreign_cas:
        return Refusal(text, (own,), None, (
            f"'{text}' names {own}, but CAS number {reading.foreign_cas[0]} is not its number "
            f"nor that of any controlled substance: correct the CAS number ({substance.cas}) "
            "or the name"))
    for cas in reading.bad_cas:
        near = near_cas(cas)
        mine = [t for t in near if t.substance is substance]
        if mine:  # one typing error from its own number (or its salt's): a typo
            reading.mentions.append(Mention(mine[0], cas, len(text), "cas-typo"))
            continue
        where = (f"is one typing error away from {_and([t.label for t in near])}" if near
                 else f"is not close to {substance.cas}")
        return Refusal(text, (own,), None, (
            f"'{text}' names {own}, but CAS number {cas} has a wrong check digit and {where}: "
            "correct the CAS number, or leave it out"))
    if reading.chemical:
        words = ", ".join(f"'{w}'" for w in reading.chemical)
        return Refusal(text, (own,), None, (
            f"'{text}' names {own}, but {words} may make it another chemical or a product "
            f"without it: if it is {substance.name}, write its name alone (grade, "
            "concentration and presentation may follow) or its CAS number; if it is a salt, "
            "name the salt"))
    return None


def _note(
    text: str, reading: Reading, read_as: Target, mixture: bool, left_out: list[Target]
) -> str | None:
    """Say what the cell was read as, when it took more than one phrase to read it."""
    what = f"a mixture holding {read_as.label}" if mixture else read_as.label
    if [m.how for m in reading.mentions] == ["fuzzy"] and (
            reading.mentions[0].written == text.strip()):
        return f"'{text}' read as {what}, taken as a misspelling"
    details = [f"{t.label}, not controlled, left out" for t in left_out]
    for mention in reading.mentions:
        if mention.how == "fuzzy":
            details.append(f"'{mention.written}' taken as a misspelling")
        elif mention.how == "cas-typo":
            right = mention.target.form.cas if mention.target.form else None
            details.append(f"CAS number {mention.written} has a wrong check digit, taken as a "
                           f"typing error for {right or mention.target.substance.cas}")
    if reading.ignored:
        details.append(", ".join(f"'{w}'" for w in reading.ignored) + " ignored")
    if not (details or len(reading.mentions) > 1 or reading.mixture or reading.partial
            or reading.inverted):
        return None  # one name, with grade, concentration or presentation words only
    return f"'{text}' read as {what}" + "".join(f"; {d}" for d in details)


def _described(target: Target) -> str:
    if target.look_alike is not None:
        return f"{target.label}, which is not controlled"
    return target.label


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
