"""Load the shipped substance file and national extension files into a Catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from app.catalogue.catalogue import Catalogue
from app.catalogue.models import CatalogueError, LookAlike, Substance, SubstanceForm
from app.catalogue.schemas import (
    EXTENSION_KEYS,
    LANGUAGES,
    ExtensionSchema,
    LookAlikeSchema,
    SubstanceSchema,
    WordsSchema,
    describe_errors,
)
from app.catalogue.text import compact_key
from app.catalogue.wording import Vocabulary
from lexicon.text import fold_chemical_text

SHIPPED_FILE = Path(__file__).with_name("substances.yaml")
_TOP_LEVEL_KEYS = {"substances", "not_controlled", "words"}
# Salt fractions written in a file may differ from the computed one by rounding only.
_FRACTION_TOLERANCE = 0.002


def load_catalogue(extra_paths: Iterable[Path] = ()) -> Catalogue:
    """Load the shipped catalogue plus national files (or folders of *.yaml files)."""
    extras = tuple(Path(path) for path in extra_paths)
    if not extras:
        return _shipped_catalogue()
    return build_catalogue((SHIPPED_FILE, *catalogue_files(extras)))


@lru_cache(maxsize=1)
def _shipped_catalogue() -> Catalogue:
    return build_catalogue((SHIPPED_FILE,))


def catalogue_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their *.yaml and *.yml files, sorted by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise CatalogueError(f"{path}: catalogue file not found")
    return files


def build_catalogue(paths: Sequence[Path]) -> Catalogue:
    """Validate the files in order (later files extend earlier ones) and build a Catalogue."""
    builder = _Builder()
    for path in paths:
        builder.add_file(Path(path))
    return builder.catalogue()


class _LineDict(dict):
    """A YAML mapping that remembers the line it started on, for error messages."""

    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings carry line numbers and reject repeated keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in data:
            line = key_node.start_mark.line + 1
            raise CatalogueError(f"line {line}: key '{key}' appears twice in the same entry")
        data[key] = loader.construct_object(value_node, deep=True)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read catalogue file: {exc}") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from None
    except CatalogueError as exc:
        raise CatalogueError(f"{path}: {exc}") from None


class _Builder:
    """Accumulates validated entries across files, checking for duplicates as it goes."""

    def __init__(self) -> None:
        self.drafts: dict[str, dict[str, Any]] = {}
        self.look_alikes: list[LookAlike] = []
        self.codes: dict[str, str] = {}  # substance and salt codes -> where defined
        self.cas: dict[str, tuple[str, str]] = {}  # CAS -> (what, where)
        self.phrases: dict[str, tuple[tuple, str, str]] = {}  # key -> (identity, what, where)
        self.words: dict[str, tuple[str, str]] = {}  # normalised word -> (list, where)

    def add_file(self, path: Path) -> None:
        """Validate one file and add its entries."""
        document = _read_yaml(path)
        if document is None:
            return
        if not isinstance(document, dict):
            raise CatalogueError(f"{path}: expected 'substances:' and/or 'not_controlled:' lists")
        unknown = set(document) - _TOP_LEVEL_KEYS
        if unknown:
            raise CatalogueError(f"{path}: unknown section(s) {sorted(map(str, unknown))}; "
                                 "use 'substances', 'not_controlled' and 'words'")
        if document.get("words") is not None:
            self._add_words(document["words"], path)
        for section, add in (("substances", self._add_entry), ("not_controlled", self._add_alike)):
            entries = document.get(section) or []
            if not isinstance(entries, list):
                raise CatalogueError(f"{path}: '{section}' must be a list of entries")
            for number, raw in enumerate(entries, start=1):
                where = _where(path, section, number, raw)
                if not isinstance(raw, dict):
                    raise CatalogueError(f"{where}: expected a mapping of fields")
                add(raw, where)

    def _add_entry(self, raw: dict, where: str) -> None:
        code = raw.get("code")
        if isinstance(code, str) and code in self.drafts and set(raw) <= EXTENSION_KEYS:
            self._extend(_load(ExtensionSchema(), raw, where), where)
            return
        if isinstance(code, str) and set(raw) <= EXTENSION_KEYS and "cas" not in raw:
            raise CatalogueError(f"{where}: unknown code '{code}': to extend a substance use a "
                                 "code from an earlier file; to add one give code, cas, table, "
                                 "names and hs_codes")
        data = _load(SubstanceSchema(), raw, where)
        self._claim_code(data["code"], where)
        self._claim_cas(data["cas"], data["code"], where)
        for salt in data["salts"]:
            self._claim_code(salt["code"], where)
            if salt["cas"]:
                self._claim_cas(salt["cas"], salt["code"], where)
            salt["base_fraction"] = _base_fraction(salt, data["molecular_weight"], where)
        data["where"] = where
        self.drafts[data["code"]] = data
        identity = (data["code"], None)
        phrases = [data["code"], *data["names"].values(), *_flat(data["synonyms"]),
                   *data["ambiguous_synonyms"]]
        self._claim_phrases(phrases, identity, data["code"], where)
        self._claim_phrases(data["mixtures"], ("mixture", data["code"]),
                            f"{data['code']} (mixture)", where)
        for salt in data["salts"]:
            phrases = [salt["code"], *salt["names"].values(), *_flat(salt["synonyms"])]
            self._claim_phrases(phrases, (data["code"], salt["code"]), salt["code"], where)

    def _extend(self, data: dict[str, Any], where: str) -> None:
        draft = self.drafts[data["code"]]
        for language, words in data["synonyms"].items():
            draft["synonyms"].setdefault(language, []).extend(words)
        draft["ambiguous_synonyms"].extend(data["ambiguous_synonyms"])
        draft["mixtures"].extend(data["mixtures"])
        draft["hs_codes"].extend(c for c in data["hs_codes"] if c not in draft["hs_codes"])
        draft["shared_hs_codes"].extend(data["shared_hs_codes"])
        phrases = [*_flat(data["synonyms"]), *data["ambiguous_synonyms"]]
        self._claim_phrases(phrases, (data["code"], None), data["code"], where)
        self._claim_phrases(data["mixtures"], ("mixture", data["code"]),
                            f"{data['code']} (mixture)", where)

    def _add_alike(self, raw: dict, where: str) -> None:
        data = _load(LookAlikeSchema(), raw, where)
        alike = LookAlike(names=dict(data["names"]), cas=data["cas"],
                          synonyms=_unique(_flat(data["synonyms"])))
        if alike.cas:
            self._claim_cas(alike.cas, alike.name, where)
        phrases = [*alike.names.values(), *alike.synonyms]
        self._claim_phrases(phrases, ("not_controlled", alike.label), alike.name, where)
        self.look_alikes.append(alike)

    def _add_words(self, raw: Any, path: Path) -> None:
        """Add the words of a `words:` section; a word keeps the list it was first put in."""
        where = f"{path}, words"
        if not isinstance(raw, dict):
            raise CatalogueError(f"{where}: expected lists 'neutral', 'purpose', 'mixture', "
                                 "'chemical'")
        data = _load(WordsSchema(), raw, where)
        for kind, listed in data.items():
            for word in listed:
                norm = fold_chemical_text(word)
                if not norm or " " in norm:
                    raise CatalogueError(f"{where}.{kind}: '{word}' is not one word; list "
                                         "single words")
                known = self.words.get(norm)
                if known is not None and known[0] != kind:
                    raise CatalogueError(f"{where}.{kind}: '{word}' is already a "
                                         f"{known[0]} word (at {known[1]})")
                self.words.setdefault(norm, (kind, f"{where}.{kind}"))

    def vocabulary(self) -> Vocabulary:
        """Return the word lists, refusing a word that names something in the catalogue."""
        for norm, (kind, where) in self.words.items():
            named = self.phrases.get(compact_key(norm))
            if named is not None:
                raise CatalogueError(f"{where}: '{norm}' names '{named[1]}' (at {named[2]}); "
                                     f"it cannot also be a {kind} word")
        lists = {kind: frozenset(w for w, (k, _) in self.words.items() if k == kind)
                 for kind in ("neutral", "purpose", "mixture", "chemical")}
        return Vocabulary(**lists)

    def _claim_code(self, code: str, where: str) -> None:
        if code in self.codes:
            raise CatalogueError(f"{where}: duplicate code '{code}' (first defined at "
                                 f"{self.codes[code]}); to add synonyms to it give only "
                                 "'code' and 'synonyms'")
        self.codes[code] = where

    def _claim_cas(self, cas: str, what: str, where: str) -> None:
        if cas in self.cas:
            other, other_where = self.cas[cas]
            raise CatalogueError(f"{where}: duplicate CAS {cas}, already given to '{other}' "
                                 f"at {other_where}")
        self.cas[cas] = (what, where)

    def _claim_phrases(self, phrases: Iterable[str], identity: tuple, what: str,
                       where: str) -> None:
        for phrase in phrases:
            key = compact_key(phrase)
            if not key:
                raise CatalogueError(f"{where}: '{phrase}' has no letters or digits")
            known = self.phrases.get(key)
            if known is not None and known[0] != identity:
                raise CatalogueError(f"{where}: '{phrase}' would name both '{what}' and "
                                     f"'{known[1]}' (at {known[2]})")
            self.phrases.setdefault(key, (identity, what, where))

    def catalogue(self) -> Catalogue:
        """Return the Catalogue of everything added so far."""
        vocabulary = self.vocabulary()
        try:
            return Catalogue((_substance(d) for d in self.drafts.values()), self.look_alikes,
                             vocabulary)
        except CatalogueError as exc:  # the checks above should have caught it first
            raise CatalogueError(f"catalogue files are inconsistent: {exc}") from None


def _where(path: Path, section: str, number: int, raw: Any) -> str:
    label = f"{path}, {section} entry {number}"
    if isinstance(raw, dict):
        names = raw.get("names")
        name = raw.get("code") or (names.get("en") if isinstance(names, dict) else None)
        if name:
            label += f" '{name}'"
        line = getattr(raw, "line", None)
        if line:
            label += f" (line {line})"
    return label


def _load(schema: Schema, raw: dict, where: str) -> dict[str, Any]:
    try:
        return schema.load(dict(raw))
    except ValidationError as exc:
        raise CatalogueError(f"{where}: {describe_errors(exc.messages)}") from None


def _base_fraction(salt: dict[str, Any], base_weight: float | None, where: str) -> float:
    """Compute the base fraction from molecular weights, checking any fraction written."""
    written = salt["base_fraction"]
    if salt["molecular_weight"] is None:
        return written
    if base_weight is None:
        if written is not None:
            return written
        raise CatalogueError(f"{where}: salt '{salt['code']}' gives a molecular_weight but the "
                             "substance has none to compare it with")
    computed = salt["base_units"] * base_weight / salt["molecular_weight"]
    if computed > 1:
        raise CatalogueError(f"{where}: salt '{salt['code']}' would weigh less than its base "
                             f"({salt['base_units']} x {base_weight} > "
                             f"{salt['molecular_weight']})")
    if written is not None and abs(written - computed) > _FRACTION_TOLERANCE:
        raise CatalogueError(f"{where}: salt '{salt['code']}' base_fraction {written} does not "
                             f"match its molecular weights ({computed:.4f})")
    return round(computed, 4)


def _flat(by_language: dict[str, list[str]]) -> list[str]:
    return [word for language in LANGUAGES for word in by_language.get(language, [])]


def _unique(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words))


def _filled_names(names: dict[str, str]) -> dict[str, str]:
    """Give every language a name: a national file may name a substance in Spanish only."""
    first = next(names[lang] for lang in ("en", "es", "pt") if lang in names)
    return {lang: names.get(lang, first) for lang in LANGUAGES}


def _substance(draft: dict[str, Any]) -> Substance:
    forms = tuple(
        SubstanceForm(
            code=salt["code"],
            names=_filled_names(salt["names"]),
            cas=salt["cas"],
            base_fraction=salt["base_fraction"],
            synonyms=_unique(_flat(salt["synonyms"])),
            molecular_weight=salt["molecular_weight"],
        )
        for salt in draft["salts"]
    )
    return Substance(
        code=draft["code"],
        cas=draft["cas"],
        table=draft["table"],
        names=_filled_names(draft["names"]),
        synonyms=_unique(_flat(draft["synonyms"])),
        hs_codes=tuple(draft["hs_codes"]),
        density_kg_per_l=draft["density_kg_per_l"],
        solution_densities=tuple(sorted(draft["solution_densities"].items())),
        forms=forms,
        molecular_weight=draft["molecular_weight"],
        ambiguous_synonyms=_unique(draft["ambiguous_synonyms"]),
        mixtures=_unique(draft["mixtures"]),
        shared_hs_codes=tuple(draft["shared_hs_codes"]),
        usual_concentration_pct=draft.get("usual_concentration_pct"),
    )
