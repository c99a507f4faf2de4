"""The Catalogue: look substances up by CAS, code, name, synonym, tariff code or free text."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from app.catalogue.matching import phrase_tokens, trie_pattern, within_distance
from app.catalogue.models import (
    CatalogueError,
    LookAlike,
    Refusal,
    Resolution,
    Substance,
    Target,
    UnknownSubstance,
)
from app.catalogue.parts import PartReader
from app.catalogue.text import (
    CAS_IN_TEXT,
    canonical_cas,
    compact_key,
    normalise_hs,
    split_concentration,
    strip_qualifiers,
)
from app.catalogue.wording import Vocabulary
from lexicon.text import fold_chemical_text

FUZZY_MIN_LENGTH = 6
_KIND_RANK = {"name": 0, "synonym": 1, "code": 2, "mixture": 3}
_CACHE_SIZE = 200_000


def substance_phrases(substance: Substance) -> Iterator[tuple[str, Target]]:
    """Yield every phrase naming the substance or one of its forms, with its target."""
    yield substance.code, Target(substance, None, "code")
    for name in substance.names.values():
        yield name, Target(substance, None, "name")
    for synonym in (*substance.synonyms, *substance.ambiguous_synonyms):
        yield synonym, Target(substance, None, "synonym")
    for mixture in substance.mixtures:
        yield mixture, Target(substance, None, "mixture")
    for form in substance.forms:
        yield form.code, Target(substance, form, "code")
        for name in form.names.values():
            yield name, Target(substance, form, "name")
        for synonym in form.synonyms:
            yield synonym, Target(substance, form, "synonym")


def look_alike_phrases(look_alike: LookAlike) -> Iterator[tuple[str, Target]]:
    """Yield every phrase naming a look-alike."""
    for phrase in (*look_alike.names.values(), *look_alike.synonyms):
        yield phrase, Target(None, None, "name", look_alike)


class Catalogue:
    """Controlled substances with every way of naming them, indexed for fast lookup."""

    def __init__(
        self,
        substances: Iterable[Substance],
        not_controlled: Iterable[LookAlike] = (),
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self._substances = tuple(substances)
        self._look_alikes = tuple(not_controlled)
        # The words beside a name in a cell of several parts (the files' `words:`).
        self._vocabulary = vocabulary or Vocabulary()
        self._by_code: dict[str, Substance] = {}
        self._form_by_code: dict[str, Target] = {}
        self._by_cas: dict[str, Target] = {}
        self._keys: dict[str, Target] = {}
        self._index()
        self._hs = self._hs_index()
        # By length: a key can only be within two typos of keys at most two letters longer
        # or shorter, so the others need not be compared at all.
        self._fuzzy_keys: dict[int, list[tuple[str, frozenset[str], Target]]] = {}
        for key, target in self._keys.items():
            if len(key) >= FUZZY_MIN_LENGTH:
                entry = (key, _bigrams(key), target)
                self._fuzzy_keys.setdefault(len(key), []).append(entry)
        self._suggestion_keys = [k for k, t in self._keys.items() if t.look_alike is None]
        self._mention_re, self._mention_keys = self._mention_index()
        self._part_reader: PartReader | None = None  # built the first time a cell needs it
        self._add_caches()

    def _add_caches(self) -> None:
        """Importers resolve the same few spellings millions of times; remember the answers."""
        self._resolve_cached = lru_cache(maxsize=_CACHE_SIZE)(self._resolve_uncached)
        self._mentions_cached = lru_cache(maxsize=_CACHE_SIZE)(self._scan)

    def __getstate__(self) -> dict:
        """Pickle without the answer caches (a reader process gets the catalogue this way)."""
        state = dict(self.__dict__)
        del state["_resolve_cached"], state["_mentions_cached"]
        state["_part_reader"] = None  # rebuilt on first use: most files never need it
        return state

    def __setstate__(self, state: dict) -> None:
        """Restore a pickled catalogue with fresh answer caches."""
        self.__dict__.update(state)
        self._add_caches()

    # -- building ---------------------------------------------------------------------

    def _index(self) -> None:
        for substance in self._substances:
            if substance.code in self._by_code or substance.code in self._form_by_code:
                raise CatalogueError(f"duplicate code '{substance.code}'")
            self._by_code[substance.code] = substance
            self._add_cas(substance.cas, Target(substance, None, "cas"))
            for form in substance.forms:
                if form.code in self._by_code or form.code in self._form_by_code:
                    raise CatalogueError(f"duplicate code '{form.code}'")
                self._form_by_code[form.code] = Target(substance, form, "code")
                if form.cas:
                    self._add_cas(form.cas, Target(substance, form, "cas"))
            for phrase, target in substance_phrases(substance):
                self._add_key(phrase, target)
        for look_alike in self._look_alikes:
            if look_alike.cas:
                self._add_cas(look_alike.cas, Target(None, None, "cas", look_alike))
            for phrase, target in look_alike_phrases(look_alike):
                self._add_key(phrase, target)

    def _add_cas(self, cas: str, target: Target) -> None:
        if cas in self._by_cas:
            raise CatalogueError(f"CAS {cas} given to both {self._by_cas[cas].label} "
                                 f"and {target.label}")
        self._by_cas[cas] = target

    def _add_key(self, phrase: str, target: Target) -> None:
        key = compact_key(phrase)
        if not key:
            return
        known = self._keys.get(key)
        if known is None or _KIND_RANK[target.kind] < _KIND_RANK[known.kind]:
            if known is not None and known.identity != target.identity:
                raise CatalogueError(f"'{phrase}' names both {known.label} and {target.label}")
            self._keys[key] = target
        elif known.identity != target.identity:
            raise CatalogueError(f"'{phrase}' names both {known.label} and {target.label}")

    def _hs_index(self) -> dict[str, Substance | None]:
        claims: dict[str, set[str]] = {}
        shared: set[str] = set()
        for substance in self._substances:
            for code in substance.hs_codes:
                digits = normalise_hs(code)
                claims.setdefault(digits, set()).add(substance.code)
                if code in substance.shared_hs_codes:
                    shared.add(digits)
        # A heading claimed twice, or shared with uncontrolled goods, identifies nothing.
        return {
            digits: self._by_code[next(iter(codes))]
            if len(codes) == 1 and digits not in shared
            else None
            for digits, codes in claims.items()
        }

    def _parts(self) -> PartReader:
        """Return the reader of cells made of several parts, building it on first use."""
        if self._part_reader is None:
            phrases = [pair for source in (*map(substance_phrases, self._substances),
                                           *map(look_alike_phrases, self._look_alikes))
                       for pair in source]
            self._part_reader = PartReader(phrases=phrases, keys=self._keys,
                                           by_cas=self._by_cas, fuzzy=self._fuzzy,
                                           vocabulary=self._vocabulary)
        return self._part_reader

    def _mention_index(self) -> tuple[re.Pattern[str], dict[str, Substance | None]]:
        keys: dict[str, Substance | None] = {}
        tokens = []
        for substance in self._substances:
            ambiguous = {compact_key(s) for s in substance.ambiguous_synonyms}
            for phrase, target in substance_phrases(substance):
                key = compact_key(phrase)
                # A mixture's trade name (THINNER under 3814) does not say it holds the
                # substance in any amount a customs line could be checked against.
                if target.kind in ("code", "mixture") or key in ambiguous or not key:
                    continue
                keys[key] = substance
                tokens.append(phrase_tokens(fold_chemical_text(phrase)))
        for look_alike in self._look_alikes:
            # Look-alikes are matched too, so "acido acetico" is consumed whole and
            # "peroxido de metil etil cetona" never reports MEK.
            for phrase, _target in look_alike_phrases(look_alike):
                key = compact_key(phrase)
                keys.setdefault(key, None)
                tokens.append(phrase_tokens(fold_chemical_text(phrase)))
        pattern = re.compile(r"(?<![a-z0-9])(?:" + trie_pattern(tokens) + r")(?![a-z0-9])")
        return pattern, keys

    # -- collection protocol ----------------------------------------------------------

    @property
    def substances(self) -> tuple[Substance, ...]:
        """Return every controlled substance, in file order."""
        return self._substances

    @property
    def not_controlled(self) -> tuple[LookAlike, ...]:
        """Return the look-alikes that must never resolve to a controlled substance."""
        return self._look_alikes

    def __len__(self) -> int:
        return len(self._substances)

    def __iter__(self) -> Iterator[Substance]:
        return iter(self._substances)

    def __repr__(self) -> str:
        return f"<Catalogue of {len(self)} substances>"

    # -- lookups ----------------------------------------------------------------------

    def get(self, code_or_cas: str) -> Substance:
        """Return the substance with exactly this code or CAS number (KeyError otherwise)."""
        text = str(code_or_cas).strip()
        if text.casefold() in self._by_code:
            return self._by_code[text.casefold()]
        target = self._by_cas.get(canonical_cas(text) or "")
        if target is not None and target.substance is not None and target.form is None:
            return target.substance
        raise KeyError(code_or_cas)

    def substance_for_hs(self, hs_code: str) -> Substance | None:
        """Return the substance a tariff code identifies, or None for uncontrolled codes."""
        digits = normalise_hs(hs_code)
        if digits is None:
            return None
        for length in range(len(digits), 5, -2):
            if digits[:length] in self._hs:
                return self._hs[digits[:length]]
        return None

    def mentions(self, text: str) -> list[Substance]:
        """Return the controlled substances named anywhere in a free-text description."""
        return list(self._mentions_cached(text if isinstance(text, str) else str(text)))

    def _scan(self, text: str) -> tuple[Substance, ...]:
        found: list[Substance] = []
        for match in self._mention_re.finditer(fold_chemical_text(text)):
            substance = self._mention_keys.get(match.group(0).replace(" ", ""))
            if substance is not None and substance not in found:
                found.append(substance)
        if "-" in text:
            for cas in CAS_IN_TEXT.findall(text):
                target = self._by_cas.get(cas)
                if target is not None and target.substance and target.substance not in found:
                    found.append(target.substance)
        return tuple(found)

    def resolve(self, text: str) -> Resolution:
        """Resolve a CAS number, code, name or synonym to exactly one controlled substance."""
        outcome = self._resolve_cached("" if text is None else str(text))
        if isinstance(outcome, Resolution):
            return outcome
        # A fresh exception each time: re-raising a cached one would grow its traceback.
        raise UnknownSubstance(outcome.text, outcome.suggestions,
                               not_controlled=outcome.not_controlled, message=outcome.message)

    def _resolve_uncached(self, text: str) -> Resolution | Refusal:
        raw = text.strip()
        if not raw:
            return Refusal(text, message="no substance given")
        cas = canonical_cas(raw)
        if cas and cas in self._by_cas:
            return self._outcome(self._by_cas[cas], text, None)
        folded = raw.casefold()
        if folded in self._by_code:
            return Resolution(self._by_code[folded], None, 1.0, "code")
        if folded in self._form_by_code:
            return self._outcome(self._form_by_code[folded], text, None)
        rest, pct = split_concentration(raw)
        stripped = compact_key(strip_qualifiers(fold_chemical_text(rest)))
        for key, concentration in ((compact_key(raw), None), (stripped, pct)):
            if key in self._keys:
                return self._outcome(self._keys[key], text, concentration)
        # Several parts ("MEK (metil etil cetona)", "Tolueno - CAS 108-88-3"): see parts.py.
        in_parts = self._parts().resolve(text)
        if in_parts is not None:
            return in_parts
        fuzzy = self._fuzzy(stripped)
        if fuzzy is not None:
            if fuzzy.look_alike is not None:
                message = f"'{text}' looks like {fuzzy.label}, which is not a controlled substance"
                return Refusal(text, (), fuzzy.label, message)
            kind = "mixture" if fuzzy.kind == "mixture" else "fuzzy"  # "thiner": still a mixture
            fraction = fuzzy.form.base_fraction if fuzzy.form is not None else 1.0
            what = f"a mixture holding {fuzzy.label}" if kind == "mixture" else fuzzy.label
            return Resolution(fuzzy.substance, fuzzy.form, fraction, kind, pct,
                              f"'{text}' read as {what}, taken as a misspelling")
        return Refusal(text, self._suggest(stripped or compact_key(raw)))

    def _outcome(self, target: Target, text: str, pct: float | None) -> Resolution | Refusal:
        if target.look_alike is not None:
            return Refusal(text, not_controlled=target.label)
        fraction = target.form.base_fraction if target.form is not None else 1.0
        return Resolution(target.substance, target.form, fraction, target.kind, pct)

    def _fuzzy(self, key: str) -> Target | None:
        """Return the single target within one (two, for long names) typos of key."""
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        limit = 1 if len(key) < 10 else 2
        best: int | None = None
        winners: dict[tuple, Target] = {}
        nearby = (self._fuzzy_keys.get(length, ()) for length in
                  range(len(key) - limit, len(key) + limit + 1))
        # A typing error changes at most three letter pairs (a swap does), so a key sharing
        # fewer cannot be that close: a cheap set test before the edit distance.
        pairs = _bigrams(key)
        needed = len(pairs) - 3 * limit
        for candidate, candidate_pairs, target in (entry for keys in nearby for entry in keys):
            if len(pairs & candidate_pairs) < needed:
                continue
            distance = within_distance(key, candidate, limit if best is None else best)
            if distance is None:
                continue
            if best is None or distance < best:
                best, winners = distance, {}
            winners[target.identity] = target
        # Two different things equally close is a guess, not a match.
        return next(iter(winners.values())) if len(winners) == 1 else None

    def _suggest(self, key: str) -> tuple[str, ...]:
        labels: list[str] = []
        for match in difflib.get_close_matches(key, self._suggestion_keys, n=20, cutoff=0.6):
            if self._keys[match].kind == "mixture":
                continue
            label = self._keys[match].substance.label
            if label not in labels:
                labels.append(label)
        return tuple(labels[:3])


def _bigrams(key: str) -> frozenset[str]:
    """Return the set of pairs of neighbouring letters in key."""
    return frozenset(key[i:i + 2] for i in range(len(key) - 1))
