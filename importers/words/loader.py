"""Read the word files: validated completely, with file and line in every error.

The shipped files (headers.yaml, codes.yaml, countries.yaml beside this module) define the
feeds' columns, the coded tables and their codes, and the countries; national files (the
instance folder's `words/*.yaml`) add words, weak headers, refusals and names to them in the
same format, never new columns, codes or tables. After every file is read, the same written
word meaning two things is refused, naming both lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from importers.header_key import normalise_header
from importers.words.model import CodeWords, Example, Words, WordsError
from lexicon.text import fold_words

SHIPPED_FOLDER = Path(__file__).parent
SHIPPED_FILES = tuple(SHIPPED_FOLDER / name for name in
                      ("headers.yaml", "codes.yaml", "countries.yaml"))
_SECTIONS = ("feeds", "headers", "shared_weak_headers", "unit_headers", "tables", "iso_alpha2",
             "countries")
_NATIONAL_SECTIONS = ("headers", "tables", "countries")
_HEADER_KEYS = {"words", "weak", "include", "with_percent_sign", "examples"}
_TABLE_KEYS = {"label", "codes", "refused", "prefixes", "digits_refused"}
_CODE_KEYS = {"words", "examples"}
_REFUSED_KEYS = {"words", "reason", "examples"}
_COUNTRY_KEYS = {"names", "examples"}


def word_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their *.yaml and *.yml files, sorted by name."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise WordsError(f"{path}: word file not found")
    return files


def build_words(shipped: Sequence[Path] = SHIPPED_FILES, national: Sequence[Path] = ()) -> Words:
    """Read the shipped files, then the national ones over them, and check for conflicts."""
    builder = _Builder()
    for path in shipped:
        builder.add_file(Path(path), national=False)
    for path in national:
        builder.add_file(Path(path), national=True)
    return builder.words()


# --- YAML with lines -------------------------------------------------------------------------


class _Line(str):
    """A string that remembers the file and line it was written on."""

    where: str = ""


class _LineDict(dict):
    """A mapping that remembers the file and line it started on."""

    where: str = ""


@cache
def _loader_class() -> type:
    """Return a safe YAML loader whose strings and mappings carry their line.

    PyYAML is imported here, when a word file is first read, not when `importers` is.
    """
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # safe: no arbitrary objects
        """A safe YAML loader with lines on strings and mappings; repeated keys refused."""

        path = ""

    def at(loader, node) -> str:
        return f"{loader.path}, line {node.start_mark.line + 1}"

    def construct_mapping(loader, node):
        data = _LineDict()
        data.where = at(loader, node)
        yield data
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in data:
                raise WordsError(f"{at(loader, key_node)}: {key!r} appears twice in the same "
                                 "entry")
            data[key] = loader.construct_object(value_node, deep=True)

    def construct_str(loader, node) -> _Line:
        text = _Line(loader.construct_scalar(node))
        text.where = at(loader, node)
        return text

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:str", construct_str)
    Loader.error = yaml.YAMLError
    return Loader


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WordsError(f"{path}: cannot read word file: {exc}") from None
    loader_class = _loader_class()
    loader = loader_class(text)
    loader.path = str(path)
    try:
        return loader.get_single_data()
    except loader_class.error as exc:
        raise WordsError(f"{path}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()


# --- validation ------------------------------------------------------------------------------


def _where(value: Any, fallback: str) -> str:
    return getattr(value, "where", "") or fallback


def _entry_at(key: Any, entry: Any, where: str) -> str:
    """Return where an entry is written: the line of its name, else of its content."""
    return _where(key, _where(entry, where))


def _mapping(value: Any, where: str, what: str) -> dict:
    if not isinstance(value, dict):
        raise WordsError(f"{_where(value, where)}: {what} must be a mapping")
    return value


def _keys(entry: dict, allowed: set[str], where: str, what: str) -> None:
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        raise WordsError(f"{where}: unknown key(s) {unknown} in {what}; use "
                         f"{', '.join(sorted(allowed))}")


def _words(value: Any, where: str, what: str, *, required: bool = False) -> list[_Line]:
    """Return a list of non-empty strings, refusing anything else."""
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise WordsError(f"{_where(value, where)}: {what} must be a list of words")
    for word in value:
        if not isinstance(word, str) or not word.strip():
            raise WordsError(f"{_where(word, where)}: {what}: {word!r} is not a word "
                             "(numbers and yes/no must be quoted)")
    return value


def _text(value: Any, where: str, what: str) -> _Line:
    if not isinstance(value, str) or not value.strip():
        raise WordsError(f"{_where(value, where)}: {what} must be a text")
    return value


class _Builder:
    """Accumulates entries across files; conflicts are checked once all are read."""

    def __init__(self) -> None:
        self.feeds: dict[str, tuple[str, ...]] = {}
        self.strong: dict[str, list[_Line]] = {}
        self.weak: dict[str, list[_Line]] = {}
        self.includes: dict[str, list[str]] = {}
        self.percent: set[str] = set()
        self.shared_weak: list[tuple[tuple[str, ...], list[_Line]]] = []
        self.unit_headers: dict[str, list[_Line]] = {}
        self.tables: dict[str, dict[str, Any]] = {}
        self.iso: set[str] = set()
        self.countries: dict[str, list[_Line]] = {}
        self.examples: list[Example] = []
        self.national = False

    def add_file(self, path: Path, *, national: bool) -> None:
        """Validate one file and add its entries."""
        document = _read_yaml(path)
        if document is None:
            return
        document = _mapping(document, str(path), "a word file")
        allowed = _NATIONAL_SECTIONS if national else _SECTIONS
        unknown = sorted(str(k) for k in document if k not in allowed)
        if unknown:
            raise WordsError(f"{path}: unknown section(s) {unknown}; "
                             f"{'a national file holds' if national else 'use'} "
                             f"{', '.join(allowed)}")
        self.national = national
        for section in _SECTIONS:
            if document.get(section) is not None:
                getattr(self, f"_add_{section}")(document[section], f"{path}, {section}")

    def _add_feeds(self, raw: Any, where: str) -> None:
        for feed, columns in _mapping(raw, where, "feeds").items():
            self.feeds[str(feed)] = tuple(_words(columns, _where(raw, where), f"feed {feed}",
                                                 required=True))

    def _known_column(self, column: str, where: str) -> None:
        if not any(column in columns for columns in self.feeds.values()):
            raise WordsError(f"{where}: unknown column {column!r}: a header names a column of "
                             f"a feed ({', '.join(sorted(self.feeds))})")

    def _add_headers(self, raw: Any, where: str) -> None:
        for column, entry in _mapping(raw, where, "headers").items():
            at = _entry_at(column, entry, where)
            self._known_column(column, at)
            entry = _mapping(entry, at, f"header entry {column!r}")
            _keys(entry, _HEADER_KEYS, at, f"header entry {column!r}")
            self.strong.setdefault(column, []).extend(_words(entry.get("words"), at, "words"))
            self.weak.setdefault(column, []).extend(_words(entry.get("weak"), at, "weak"))
            for other in _words(entry.get("include"), at, "include"):
                self._known_column(other, _where(other, at))
                self.includes.setdefault(column, []).append(other)
            if entry.get("with_percent_sign") is True:
                self.percent.add(column)
            for written in _words(entry.get("examples"), at, "examples",
                                  required=not self.national):
                self.examples.append(Example("header", column, written, column, written.where))

    def _add_shared_weak_headers(self, raw: Any, where: str) -> None:
        if not isinstance(raw, list):
            raise WordsError(f"{where}: must be a list of entries with columns and words")
        for entry in raw:
            at = _where(entry, where)
            entry = _mapping(entry, at, "a shared weak header")
            _keys(entry, {"columns", "words", "examples"}, at, "a shared weak header")
            columns = tuple(_words(entry.get("columns"), at, "columns", required=True))
            for column in columns:
                self._known_column(column, at)
            self.shared_weak.append((columns, _words(entry.get("words"), at, "words",
                                                     required=True)))
            for written in _words(entry.get("examples"), at, "examples", required=True):
                self.examples.append(Example("shared_weak", columns[0], written, columns[0],
                                             written.where))

    def _add_unit_headers(self, raw: Any, where: str) -> None:
        for unit, entry in _mapping(raw, where, "unit_headers").items():
            at = _entry_at(unit, entry, where)
            entry = _mapping(entry, at, f"unit header {unit!r}")
            _keys(entry, {"words", "examples"}, at, f"unit header {unit!r}")
            self.unit_headers.setdefault(str(unit), []).extend(
                _words(entry.get("words"), at, "words", required=True))
            for written in _words(entry.get("examples"), at, "examples", required=True):
                self.examples.append(Example("unit_header", str(unit), written, str(unit),
                                             written.where))

    def _add_tables(self, raw: Any, where: str) -> None:
        for key, entry in _mapping(raw, where, "tables").items():
            at = _entry_at(key, entry, where)
            entry = _mapping(entry, at, f"table {key!r}")
            _keys(entry, _TABLE_KEYS, at, f"table {key!r}")
            table = self.tables.get(key)
            if table is None:
                if self.national:
                    raise WordsError(f"{at}: unknown table {key!r} (known: "
                                     f"{', '.join(self.tables)}); a national file adds words "
                                     "to the shipped tables")
                table = self.tables[key] = {"label": str(key), "codes": {}, "refused": [],
                                            "prefixes": {}, "digits_refused": None}
            if "label" in entry or "digits_refused" in entry:
                if self.national:
                    raise WordsError(f"{at}: a national file cannot change a table's label or "
                                     "digits_refused")
                if "label" in entry:
                    table["label"] = str(_text(entry["label"], at, "label"))
                if "digits_refused" in entry:
                    table["digits_refused"] = str(_text(entry["digits_refused"], at,
                                                        "digits_refused"))
            for code, words in _mapping(entry.get("codes") or {}, at, "codes").items():
                self._add_code(key, table, str(code), words, _entry_at(code, words, at))
            for prefix, code in _mapping(entry.get("prefixes") or {}, at, "prefixes").items():
                if code not in table["codes"]:
                    raise WordsError(f"{_where(code, at)}: prefix {prefix!r} names unknown code "
                                     f"{code!r}")
                table["prefixes"][fold_words(prefix)] = (str(code), _where(prefix, at))
            refused = entry.get("refused") or []
            if not isinstance(refused, list):
                raise WordsError(f"{_where(refused, at)}: refused must be a list of entries")
            for item in refused:
                self._add_refused(key, table, item, _where(item, at))

    def _add_code(self, key: str, table: dict, code: str, entry: Any, where: str) -> None:
        entry = _mapping(entry, where, f"code {code!r}")
        _keys(entry, _CODE_KEYS, where, f"code {code!r}")
        if code not in table["codes"]:
            if self.national:
                raise WordsError(f"{where}: unknown {table['label']} code {code!r} (known: "
                                 f"{', '.join(table['codes'])}); national files add words to "
                                 "the shipped codes")
            table["codes"][code] = [_own_word(code, where)]
        table["codes"][code].extend(_words(entry.get("words"), where, "words"))
        for written in _words(entry.get("examples"), where, "examples",
                              required=not self.national):
            self.examples.append(Example("code", key, written, code, written.where))

    def _add_refused(self, key: str, table: dict, entry: Any, where: str) -> None:
        entry = _mapping(entry, where, "a refusal")
        _keys(entry, _REFUSED_KEYS, where, "a refusal")
        reason = str(_text(entry.get("reason"), where, "reason")).strip()
        words = _words(entry.get("words"), where, "words", required=True)
        table["refused"].append((words, reason))
        for written in _words(entry.get("examples"), where, "examples",
                              required=not self.national):
            self.examples.append(Example("refused", key, written, reason, written.where))

    def _add_iso_alpha2(self, raw: Any, where: str) -> None:
        codes = str(_text(raw, where, "iso_alpha2")).split()
        bad = [c for c in codes if len(c) != 2 or not c.isalpha() or not c.isupper()]
        if bad:
            raise WordsError(f"{_where(raw, where)}: not ISO alpha-2 codes: {bad}")
        self.iso.update(codes)

    def _add_countries(self, raw: Any, where: str) -> None:
        for code, entry in _mapping(raw, where, "countries").items():
            at = _entry_at(code, entry, where)
            if code not in self.iso:
                raise WordsError(f"{at}: {code!r} is not an ISO 3166-1 alpha-2 code")
            entry = _mapping(entry, at, f"country {code!r}")
            _keys(entry, _COUNTRY_KEYS, at, f"country {code!r}")
            self.countries.setdefault(code, []).extend(
                _words(entry.get("names"), at, "names", required=not self.national))
            for written in _words(entry.get("examples"), at, "examples",
                                  required=not self.national):
                self.examples.append(Example("country", "country", written, code,
                                             written.where))

    # --- after every file: expand, then refuse conflicts ---------------------------------------

    def words(self) -> Words:
        """Return the Words of everything added, refusing a word that means two things."""
        keys: dict[str, str] = {}  # written -> normalised header, each computed once

        def key(word: str) -> str:
            if word not in keys:
                keys[word] = normalise_header(word)
            return keys[word]

        strong = {column: self._strong_words(column) for column in self.strong}
        weak = dict(self.weak)
        weak["quantity"] = [*weak.get("quantity", ()),
                            *(w for words in self.unit_headers.values() for w in words)]
        for feed, columns in self.feeds.items():
            _claim_headers(feed, columns, strong, "header", key)
            _claim_headers(feed, columns, weak, "weak header", key)
        return Words(
            feeds=dict(self.feeds),
            headers={c: _keys_of(words, key) for c, words in strong.items()},
            weak={c: _keys_of(words, key) for c, words in weak.items() if words},
            shared_weak={key(w): columns for columns, words in self.shared_weak for w in words},
            unit_headers={u: _keys_of(words, key) for u, words in self.unit_headers.items()},
            tables={k: _code_words(k, table) for k, table in self.tables.items()},
            iso_alpha2=frozenset(self.iso),
            country_by_name=_country_names(self.countries, self.iso),
            alpha3=frozenset(n.upper() for names in self.countries.values() for n in names
                             if len(n) == 3),
            examples=tuple(self.examples),
        )

    def _strong_words(self, column: str) -> list[_Line]:
        """Return a column's strong words: its own, the included, and with a percent sign."""
        words = [_own_word(column, ""), *self.strong[column]]
        for other in self.includes.get(column, ()):
            words.extend(self.strong.get(other, ()))
        if column in self.percent:
            # a percent word itself ("pct", "percent") needs no sign after it
            words.extend(_with_percent(w) for w in list(words)
                         if "%" not in w and normalise_header(w) not in ("pct", "percent"))
        return words


def _own_word(text: str, where: str) -> _Line:
    word = _Line(text)
    word.where = where
    return word


def _with_percent(word: _Line) -> _Line:
    return _own_word(f"{word} %", word.where)


def _keys_of(words: Iterable[str], key: Callable[[str], str]) -> tuple[str, ...]:
    """Return the distinct normalised headers of some words, in order."""
    return tuple(dict.fromkeys(key(w) for w in words))


def _claim_headers(feed: str, columns: Sequence[str], table: dict[str, list], what: str,
                   key: Callable[[str], str]) -> None:
    """Refuse a header that names two columns of one feed."""
    seen: dict[str, tuple[str, _Line]] = {}
    for column in columns:
        for word in table.get(column, ()):
            known = seen.setdefault(key(word), (column, word))
            if known[0] != column:
                raise WordsError(
                    f"{word.where or 'column name'}: {what} {str(word)!r} would name both "
                    f"{column!r} and {known[0]!r} (as {str(known[1])!r} at "
                    f"{known[1].where or 'its column name'}) in the {feed} feed")


def _code_words(key: str, table: dict[str, Any]) -> CodeWords:
    """Build one table's lookups, refusing a word that maps to two codes or is also refused."""
    lookup: dict[str, str] = {}
    first: dict[str, _Line] = {}
    for code, words in table["codes"].items():
        for word in words:
            norm = fold_words(word)
            if lookup.setdefault(norm, code) != code:
                raise WordsError(f"{word.where}: {table['label']} word {str(word)!r} would mean "
                                 f"both {code!r} and {lookup[norm]!r} (as {str(first[norm])!r} "
                                 f"at {first[norm].where})")
            first.setdefault(norm, word)
    refused: dict[str, str] = {}
    for words, reason in table["refused"]:
        for word in words:
            norm = fold_words(word)
            if norm in lookup:
                raise WordsError(f"{word.where}: {table['label']} word {str(word)!r} is refused "
                                 f"but also means {lookup[norm]!r} (at {first[norm].where})")
            refused.setdefault(norm, reason)
    return CodeWords(
        key=key, label=table["label"], codes=tuple(table["codes"]), lookup=lookup,
        refused=refused, prefixes={p: code for p, (code, _) in table["prefixes"].items()},
        digits_refused=table["digits_refused"],
    )


def _country_names(countries: dict[str, list[_Line]], iso: set[str]) -> dict[str, str]:
    """Map normalised names to codes, refusing a name of two countries."""
    by_name: dict[str, str] = {}
    first: dict[str, _Line] = {}
    for code, names in countries.items():
        for name in names:
            norm = fold_words(name)
            if len(name.strip()) == 2 and name.strip().upper() in iso \
                    and name.strip().upper() != code:
                raise WordsError(f"{name.where}: {str(name)!r} is the ISO code of "
                                 f"{name.strip().upper()}, not a name of {code}")
            if by_name.setdefault(norm, code) != code:
                raise WordsError(f"{name.where}: {str(name)!r} would name both {code} and "
                                 f"{by_name[norm]} (as {str(first[norm])!r} at "
                                 f"{first[norm].where})")
            first.setdefault(norm, name)
    return by_name
