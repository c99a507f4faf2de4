"""Who the counterparty of each declared line is, resolved once per run before any rule runs.

Clerks identify the other side of a trade as their software lets them: the licence number
(retyped: spaces, case, dashes, leading zeros), the tax id, the name (abbreviated, misspelt,
with or without its legal form, accents or capitals), or nothing but the invoice number
that the other side also declares. Each domestic sale or purchase line becomes a
registered party or stays explicitly unresolved, and says how (`counterparty_how`):

- `licence`: the licence number as written, compared by its letters and digits with the
  leading zeros of each number dropped (`lic 123` is `LIC-00123`), when that is unambiguous;
- `tax_id`: a registered tax id written in the licence or the name column (`RUC 20…`), also
  without leading zeros or without its check digit, when that is unambiguous;
- `name`: the name as the registry has it, ignoring case, accents, punctuation, spacing,
  small words and legal forms (`S.A.C.`, `SAC`, `S.R.L.`, `Ltda.`, `S.A. de C.V.` …), when
  exactly one registered operator has it;
- `similar_name`: every word of the name matches a word of exactly one registered name and
  the other way round, allowing abbreviations (`Quím.` for `Química`), contractions (`Inds.`
  for `Industrias`) and one typing slip in a long word;
- `document`: exactly one other operator declared the opposite movement of the same
  substance with the same document number within `DOCUMENT_DAYS` days, naming this
  declarant or no one it could be resolved to;
- `unresolved`: something was written but names no registered party;
- `none`: nothing at all was written (and no document matched);
- `foreign`: the counterparty is abroad (imports, exports, foreign trades).

Only `unresolved` and `none` leave a line without a party. Pure: frames in, frames out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from app.detection.data import DetectionData
from lexicon.text import fold_words, identifier_key

METHODS = ("licence", "tax_id", "name", "similar_name", "document", "unresolved", "none",
           "foreign")
RESOLVED = ("licence", "tax_id", "name", "similar_name", "document")
TRADE_MOVEMENTS = ("sale", "purchase")
OPPOSITE = {"sale": "purchase", "purchase": "sale"}
# A document number links two lines only when both sides dated them this close.
DOCUMENT_DAYS = 31
DOCUMENT_DIGITS = 6
# Added to the lines frame by `resolve_counterparties`.
PARTY_COLUMNS = ("counterparty", "counterparty_how", "counterparty_party", "counterparty_label",
                 "doc_key", "domestic", "is_return")
# Goods sent back to whom they came from follow the delivery within this many days (and a
# delivery may be booked a little after its return: receipts dated on arrival, merged lines).
RETURN_DAYS = 60
BOOKING_SLACK_DAYS = 15

# Legal forms and the small words of company names, normalised (`S.A.C.` -> `s a c`).
_LEGAL_FORMS = sorted((
    "s a c", "sac", "s a a", "saa", "s a", "sa", "s r l", "srl", "s r ltda", "e i r l", "eirl",
    "ltda", "limitada", "cia ltda", "s a de c v", "sa de cv", "s de r l", "s de r l de c v",
    "s de rl de cv", "s a s", "sas", "s en c", "s c", "sc", "s l", "sl", "s p a", "spa",
    "eireli", "me", "epp", "ltd", "limited", "inc", "incorporated", "llc", "corp",
    "corporation", "co", "company", "plc", "gmbh", "b v", "bv", "n v", "nv", "y cia", "e hijos",
    "sociedad anonima cerrada", "sociedad anonima abierta", "sociedad anonima",
    "sociedad comercial de responsabilidad limitada", "sociedad de responsabilidad limitada",
    "empresa individual de responsabilidad limitada", "sociedad por acciones simplificada",
), key=lambda form: -len(form))
# Legal forms that are the same form written otherwise, under one name.
_FORM_GROUPS = {
    "sac": ("s a c", "sac", "sociedad anonima cerrada"),
    "saa": ("s a a", "saa", "sociedad anonima abierta"),
    "sa": ("s a", "sa", "sociedad anonima"),
    "srl": ("s r l", "srl", "s r ltda", "sociedad comercial de responsabilidad limitada",
            "sociedad de responsabilidad limitada"),
    "eirl": ("e i r l", "eirl", "empresa individual de responsabilidad limitada"),
    "sas": ("s a s", "sas", "sociedad por acciones simplificada"),
    "sadecv": ("s a de c v", "sa de cv"),
    "ltda": ("ltda", "limitada", "cia ltda"),
}
_FORM_OF = {form: group for group, forms in _FORM_GROUPS.items() for form in forms}
_FORM_SET = frozenset(_LEGAL_FORMS)
# The legal form a name ends with: the leftmost match is the longest form.
_FORM_AT_END = re.compile(r" (" + "|".join(map(re.escape, _LEGAL_FORMS)) + r")$")
_SMALL_WORDS = frozenset({"de", "del", "la", "las", "el", "los", "y", "e", "the", "of", "and",
                          "do", "da", "dos", "das", "em"})
# Words people shorten to something that is not the start of the word.
_EXPANSIONS = {"cia": "compania", "intl": "internacional", "int": "internacional",
               "sta": "santa", "sto": "santo", "hnos": "hermanos", "nal": "nacional",
               "gral": "general", "dpto": "departamento", "mfg": "manufacturing"}
# Words that say what a tax id is (`RUC 20100070970`, `NIT: 900.123.456-7`).
_TAX_WORDS = re.compile(r"^(?:ruc|nit|rfc|cuit|cuil|rut|cnpj|cpf|rtn|nif|tax id|tin|ein|ced|"
                        r"cedula|ruc n|nit n)\b")
_DIGIT_RUN = re.compile(r"\d+")


def licence_key(text: object) -> str:
    """Return a licence number reduced to letters and digits, each number without leading zeros."""
    key = identifier_key(str(text))
    return _DIGIT_RUN.sub(lambda m: m.group(0).lstrip("0") or "0", key)


def legal_form(text: object) -> str:
    """Return the legal form a company name ends with, one name per form ('' when none)."""
    found = _FORM_AT_END.search(fold_words(str(text)))
    if found is None:
        return ""
    return _FORM_OF.get(found.group(1), found.group(1))


def name_key(text: object) -> str:
    """Return a company name without case, accents, punctuation, small words or legal form."""
    words = fold_words(str(text))
    # Legal forms come off the end one by one (`… S.A. de C.V. Ltda.`); a name that is
    # nothing but a legal form keeps it.
    while words and words not in _FORM_SET and (found := _FORM_AT_END.search(words)):
        words = words[: found.start()].rstrip()
    tokens = [t for t in words.split() if t not in _SMALL_WORDS]
    return " ".join(_EXPANSIONS.get(t, t) for t in tokens)


# What separates several documents written in one cell (`F004-35054 / F4-35110`).
_DOCUMENT_LIST = re.compile(r"\s*(?:[/,;+&]|\by\b|\be\b|\band\b)\s*", re.IGNORECASE)
_DOCUMENT_SEPARATOR = re.compile(r"[/,;+&]|\b(?:y|e|and)\b", re.IGNORECASE)


def document_key(text: object) -> str:
    """Return the key of a document reference, or of each document a cell lists ('a+b')."""
    if not isinstance(text, str) or not text:
        return ""
    if not _DOCUMENT_SEPARATOR.search(text):
        return _one_document_key(text) if text.strip() else ""
    parts = [p for p in _DOCUMENT_LIST.split(text) if p and p.strip()]
    keys = [_one_document_key(p) for p in parts]
    keys = [k for k in keys if k]
    long = [k for k in keys if len(k) >= 3]
    # `001/0012345` is one invoice written with a slash: a two-digit part is its series.
    keys = sorted(set(long if long else keys))
    return "+".join(keys)


def _one_document_key(text: object) -> str:
    """Return the number a document reference ends with, without leading zeros ('' if none).

    `F001-00012345`, `F001-12345`, `001-12345`, `F1-12345` and `FACT. F001-00012345` all give
    `12345`: two clerks keep the invoice number and disagree on everything around it.
    Only its last six digits count: a series typed into the number (`F00200038986`) is still
    invoice 38986. Lines are linked by it only within a pair, a substance and weeks, where
    two invoices ending alike are as good as never seen.
    """
    if not isinstance(text, str) or not text:
        return ""
    runs = _DIGIT_RUN.findall(text)
    if not runs:
        return identifier_key(text)
    # Its last DOCUMENT_DIGITS digits: `F00200038986`, the series run into the number
    # without a separator, is the same invoice as `F002-00038986`.
    return runs[-1][-DOCUMENT_DIGITS:].lstrip("0") or "0"


class Registry:
    """The registered parties a counterparty may be resolved to, with their keys."""

    def __init__(self, operators: pd.DataFrame, licensed: Iterable[tuple[str, str]] = ()) -> None:
        licences = [str(v) for v in operators["licence_no"]]
        self.names = dict(zip(licences, operators["legal_name"].astype(str), strict=True))
        self.by_licence = _unique_index((licence_key(lic), lic) for lic in licences)
        self.by_licence.update({identifier_key(lic): lic for lic in licences})
        self.licensed = frozenset(licensed)
        taxes: dict[str, list[str]] = defaultdict(list)
        for key, lic in zip(operators["tax_id_key"], licences, strict=True):
            if isinstance(key, str) and key:
                taxes[key].append(lic)
        self.by_tax = {k: tuple(sorted(set(v))) for k, v in taxes.items()}
        self.tax_of = {lic: key for key, lics in self.by_tax.items() for lic in lics}
        self.tax_variants = _tax_variants(self.by_tax)
        # A licence number written in another registry's format (`IQBF-123`, `Reg. 00123`)
        # is still found by its number, when no two licences share it.
        self.by_number = _unique_index((_number_of(lic), lic) for lic in licences)
        # Names as registered and in their short forms: without a bracketed trade name or a
        # branch after a dash, and the bracketed trade name alone (`QUIANSA`).
        full = [(name_key(n), lic) for lic, n in self.names.items()]
        variants = [(key, lic) for lic, n in self.names.items()
                    for key in _name_variants(n, alias=True)]
        self.by_name = _layered_index(full, variants)
        self.by_compact = _layered_index(
            [(key.replace(" ", ""), lic) for key, lic in full],
            [(key.replace(" ", ""), lic) for key, lic in variants])
        # Two firms of one name and different legal forms (`Química Paracas S.R.L.` and
        # `Química Paracas E.I.R.L.`): the legal form as written tells them apart.
        self.forms = {lic: legal_form(n) for lic, n in self.names.items()}
        self.by_formal = _unique_index(((key, self.forms[lic]), lic) for key, lic in full)
        self.words: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for key, lic in set(variants):
            tokens = tuple(key.split())
            for token in set(tokens):
                self.words[token[:3]].append((lic, tokens))

    def licence(self, text: str) -> str | None:
        """Return the registered licence a written licence number stands for, if unambiguous."""
        return (self.by_licence.get(identifier_key(text)) or self.by_licence.get(licence_key(text))
                or self.by_number.get(_number_of(text)))

    def tax_id(self, text: str) -> tuple[str, ...]:
        """Return the licences of the registered tax id written in a text, if any."""
        key = identifier_key(_TAX_WORDS.sub("", fold_words(text)).strip())
        if not key or not any(c.isdigit() for c in key):
            return ()
        found = self.by_tax.get(key) or self.tax_variants.get(key)
        if found:
            return found
        for run in _DIGIT_RUN.findall(key):
            if len(run) >= 8:
                found = self.by_tax.get(run) or self.tax_variants.get(run)
                if found:
                    return found
        return ()

    def name(self, text: str) -> tuple[str | None, str]:
        """Return the licence a written name stands for and how ('name' or 'similar_name')."""
        keys = _name_variants(text)
        if not keys:
            return None, "unresolved"
        for key in keys:
            exact = self.by_name.get(key) or self.by_compact.get(key.replace(" ", ""))
            if exact:
                return exact, "name"
        form = legal_form(text)
        if form and (formal := self.by_formal.get((keys[0], form))):
            return formal, "name"
        for key in keys:
            similar = self._similar(tuple(key.split()), form)
            if similar:
                return similar, "similar_name"
        return None, "unresolved"

    def _similar(self, tokens: tuple[str, ...], form: str = "") -> str | None:
        """Return the one registered name every word of which pairs with a written word.

        Several such names of which one only has the legal form written: that one.
        """
        candidates: list[tuple[str, tuple[str, ...]]] = []
        for token in tokens:
            candidates.extend(self.words.get(token[:3], ()))
        matches = {lic for lic, words in candidates if _words_pair(tokens, words)}
        if len(matches) > 1 and form:
            matches = {lic for lic in matches if self.forms.get(lic) == form}
        return next(iter(matches)) if len(matches) == 1 else None


_BRACKETED = re.compile(r"[(\[][^)\]]*[)\]]")
_BRANCH = re.compile(r"\s+[-–—/|]\s+.*$")
_BRANCH_WORDS = re.compile(r"\b(?:sucursal|planta|sede|almacen|agencia|filial|branch|plant|"
                           r"warehouse|oficina|deposito|unidad)\b.*$")


def _name_variants(text: object, *, alias: bool = False) -> list[str]:
    """Return a name's keys: as written, and without brackets or a branch after a dash.

    With `alias` (registered names only) the bracketed part alone too: a trade name such as
    `(QUIANSA)` that a clerk may write by itself.
    """
    raw = str(text)
    keys = [name_key(raw)]
    plain = _BRACKETED.sub(" ", raw)
    keys.append(name_key(_BRANCH.sub("", plain)))
    keys.append(name_key(_BRANCH_WORDS.sub("", fold_words(plain))))
    if alias:
        keys += [name_key(inner.strip("()[] ")) for inner in _BRACKETED.findall(raw)]
    return [k for k in dict.fromkeys(keys) if k]


def _layered_index(first: list[tuple[str, str]],
                   then: list[tuple[str, str]]) -> dict[str, str]:
    """Index unique keys of `first`, then unique keys of `then` that `first` does not hold."""
    index = _unique_index(first)
    taken = {key for key, _ in first}
    index.update({key: lic for key, lic in _unique_index(then).items() if key not in taken})
    return index


def _number_of(text: object) -> str:
    """Return the digits of a licence number without leading zeros ('' when too short)."""
    digits = "".join(_DIGIT_RUN.findall(str(text))).lstrip("0")
    return digits if len(digits) >= 3 else ""


def _unique_index(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map each key to its licence, leaving out keys that two licences share."""
    seen: dict[str, set[str]] = defaultdict(set)
    for key, lic in pairs:
        if key:
            seen[key].add(lic)
    return {key: next(iter(lics)) for key, lics in seen.items() if len(lics) == 1}


def _tax_variants(by_tax: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Return tax ids as also written: without leading zeros, or without the check digit."""
    variants: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for key, lics in by_tax.items():
        for variant in {key.lstrip("0"), key[:-1] if len(key) >= 9 else ""}:
            if variant and variant != key and variant not in by_tax:
                variants[variant].add(lics)
    return {k: next(iter(v)) for k, v in variants.items() if len(v) == 1}


def _words_pair(written: tuple[str, ...], registered: tuple[str, ...]) -> bool:
    """Tell whether the two names' words pair up one to one, allowing abbreviations and slips."""
    if not written or len(written) != len(registered):
        return False
    left = list(registered)
    for word in written:
        for i, other in enumerate(left):
            if _same_word(word, other):
                del left[i]
                break
        else:
            return False
    return True


def _same_word(written: str, registered: str) -> bool:
    """Tell whether a written word stands for a registered one (equal, abbreviated, one slip)."""
    if written == registered:
        return True
    if len(written) >= 3 and registered.startswith(written) and not written.isdigit():
        return True
    if (3 <= len(written) < len(registered) and written[0] == registered[0]
            and written.isalpha() and _contracted(written, registered)):
        return True  # `inds` for industrias, `qca` for quimica, `pdtos` for productos
    if min(len(written), len(registered)) >= 5 and abs(len(written) - len(registered)) <= 1:
        return _one_edit(written, registered)
    return False


def _contracted(short: str, long: str) -> bool:
    """Tell whether a word keeps a longer word's letters in order (a contraction like `dpto`)."""
    letters = iter(long)
    return all(ch in letters for ch in short)


def _one_edit(a: str, b: str) -> bool:
    """Tell whether two words differ by one letter changed, added, dropped or swapped."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]


def resolve_counterparties(lines: pd.DataFrame, registry: Registry,
                           home_country: str) -> pd.DataFrame:
    """Return the lines with who their counterparty is and how it was found (PARTY_COLUMNS).

    What was written is resolved once per distinct (licence, name) pair: a country's lines
    repeat a few thousand of them.
    """
    country = lines["counterparty_country"]
    domestic = (country.isna() | country.isin((home_country, ""))).to_numpy()
    licence_codes, licences = _text_codes(lines["counterparty_licence"])
    name_codes, names = _text_codes(lines["counterparty_name"])
    codes, distinct = pd.factorize(licence_codes.astype(np.int64) * len(names) + name_codes)
    pairs = [(licences[d // len(names)], names[d % len(names)]) for d in distinct]
    found = [_resolve_written(registry, lic, nam) for lic, nam in pairs]
    resolved = _objects([f[0] for f in found])[codes]
    how = _objects([f[1] for f in found])[codes]
    party = _objects([f[2] for f in found])[codes]
    written = _objects([nam or lic for lic, nam in pairs])[codes]
    out = lines.copy(deep=False)
    out["domestic"] = domestic
    out["doc_key"] = _document_keys(lines["document_ref"])
    how = np.where(domestic, how, "foreign")
    resolved = np.where(domestic, resolved, None)
    party = np.where(domestic, party, "")
    out["counterparty"], out["counterparty_how"], out["counterparty_party"] = resolved, how, party
    out = _resolve_by_document(out, registry)
    out["counterparty"] = _choose_licence(out, registry)
    out["counterparty_party"] = out["counterparty"].where(out["counterparty"].notna(),
                                                          out["counterparty_party"])
    label = _mapped(out["counterparty"], registry.names)
    out["counterparty_label"] = np.where(pd.isna(label), written, label)
    out["is_return"] = returns(out)
    return out


def _text_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return a text column as codes into its distinct stripped values (missing: '')."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    stripped = np.array([*(str(u).strip() for u in uniques), ""], dtype=object)
    again, values = pd.factorize(stripped)
    return again[codes], np.asarray(values, dtype=object)


def _mapped(values: pd.Series, mapping: Mapping) -> np.ndarray:
    """Return mapping[value] for each value (None where absent), each distinct value once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return _objects([mapping.get(u) for u in uniques])[codes]


def returns(lines: pd.DataFrame, days: int = RETURN_DAYS) -> np.ndarray:
    """Tell which trades send goods back to the party they came from.

    A sale to the party the operator bought the substance from in the `days` before, of no
    more than it bought from it then (or booked up to BOOKING_SLACK_DAYS later), is a return
    to the supplier (an end user sending back
    part of a delivery is not trading); a purchase from a party it sold to is a customer's
    return. Counterparties as resolved.
    """
    flags = np.zeros(len(lines), dtype=bool)
    keys = ["licence_no", "counterparty", "substance_code"]
    trades = lines.loc[lines["movement"].isin(("sale", "purchase")) & lines["counterparty"].notna(),
                       [*keys, "movement", "date", "quantity_kg"]]
    trades = trades.assign(at=np.flatnonzero(lines.index.isin(trades.index)))
    for movement, earlier in (("sale", "purchase"), ("purchase", "sale")):
        back = trades[trades["movement"] == movement]
        forth = trades[trades["movement"] == earlier]
        if back.empty or forth.empty:
            continue
        pairs = back.merge(forth[[*keys, "date", "quantity_kg"]], on=keys, suffixes=("", "_then"))
        slack = pd.Timedelta(days=BOOKING_SLACK_DAYS)
        pairs = pairs[(pairs["date_then"] <= pairs["date"] + slack)
                      & (pairs["date_then"] >= pairs["date"] - pd.Timedelta(days=days))]
        if pairs.empty:
            continue
        then = pairs.groupby("at").agg(qty=("quantity_kg", "first"),
                                       then=("quantity_kg_then", "sum"))
        flags[then.index[(then["qty"] <= then["then"] + 1e-9).to_numpy()]] = True
    return flags


def _resolve_written(registry: Registry, licence: str, name: str) -> tuple:
    """Resolve what was written about a counterparty: (licence or tax key, how, party key)."""
    if licence:
        found = registry.licence(licence)
        if found:
            return found, "licence", found
        taxed = registry.tax_id(licence)
        if taxed:
            return taxed, "tax_id", taxed[0]
    if name:
        taxed = registry.tax_id(name)
        if taxed:
            return taxed, "tax_id", taxed[0]
        found, how = registry.name(name)
        if found:
            return found, how, found
        return None, "unresolved", "name:" + name_key(name)
    if licence:
        return None, "unresolved", "licence:" + licence_key(licence)
    return None, "none", ""


def _choose_licence(lines: pd.DataFrame, registry: Registry) -> pd.Series:
    """Pick, for a tax id shared by several licences, the one licensed for the substance."""
    values = lines["counterparty"]
    # Only a tax id gives several licences: look at those lines alone.
    taxed = np.flatnonzero(lines["counterparty_how"].to_numpy() == "tax_id")
    shared = [i for i in taxed if isinstance(values.iat[i], tuple)]
    if not shared:
        return values
    chosen = values.copy().astype(object)
    for index in shared:
        options = values.iat[index]
        substance = lines["substance_code"].iat[index]
        licensed = [lic for lic in options if (lic, substance) in registry.licensed]
        chosen.iat[index] = (licensed or list(options))[0]
    return chosen


def _resolve_by_document(lines: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Resolve still unknown counterparties by the counter-line with the same document number."""
    trades = lines["movement"].isin(TRADE_MOVEMENTS).to_numpy() & lines["domestic"].to_numpy()
    keyed = trades & (lines["doc_key"].to_numpy() != "")
    open_ = keyed & np.isin(lines["counterparty_how"].to_numpy(), ("unresolved", "none"))
    if not open_.any():
        return lines
    wanted = lines.loc[open_, ["line_id", "licence_no", "movement", "substance_code", "date",
                               "doc_key"]]
    wanted = wanted.assign(movement=wanted["movement"].map(OPPOSITE))
    others = lines.loc[keyed, ["licence_no", "movement", "substance_code", "date", "doc_key",
                               "counterparty", "counterparty_how"]].rename(columns={
        "licence_no": "licence_no_other", "date": "date_other",
        "counterparty": "counterparty_other", "counterparty_how": "counterparty_how_other"})
    pairs = _explode_documents(wanted).merge(_explode_documents(others),
                                             on=["movement", "substance_code", "doc_key"])
    days = (pairs["date"] - pairs["date_other"]).abs().dt.days
    names_it = (pairs["counterparty_other"].map(_as_licence) == pairs["licence_no"])
    silent = pairs["counterparty_how_other"].isin(("unresolved", "none"))
    pairs = pairs[(pairs["licence_no_other"] != pairs["licence_no"])
                  & (days <= DOCUMENT_DAYS) & (names_it | silent)]
    if pairs.empty:
        return lines
    choices = pairs.groupby("line_id")["licence_no_other"].agg(["nunique", "first"])
    single = choices[choices["nunique"] == 1]["first"]
    single = single[single.isin(registry.names.keys())]
    if single.empty:
        return lines
    out = lines.copy(deep=False)
    at = out["line_id"].isin(single.index).to_numpy()
    out.loc[at, "counterparty"] = out.loc[at, "line_id"].map(single)
    out.loc[at, "counterparty_how"] = "document"
    return out


def _explode_documents(frame: pd.DataFrame) -> pd.DataFrame:
    """Return one row per document a line's reference names (a cell may list several)."""
    if not frame["doc_key"].str.contains("+", regex=False).any():
        return frame
    return frame.assign(doc_key=frame["doc_key"].str.split("+")).explode("doc_key")


def _objects(values: list) -> np.ndarray:
    """Return values (tuples among them) as a flat object array, with one missing slot last."""
    array = np.empty(len(values) + 1, dtype=object)
    for i, value in enumerate(values):
        array[i] = value
    return array


def _as_licence(value: object) -> object:
    """Return a resolved counterparty as one licence (the first of a shared tax id)."""
    return value[0] if isinstance(value, tuple) else value


def _text(series: pd.Series) -> pd.Series:
    """Return a text column stripped, with missing values as empty strings."""
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _document_keys(refs: pd.Series) -> np.ndarray:
    """Return the document key of every reference, computing each distinct one once."""
    codes, distinct = pd.factorize(refs.astype(object).where(refs.notna(), ""))
    return np.array([document_key(d) for d in distinct] + [""], dtype=object)[codes]


def resolve_traders(customs: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Return customs items with the registered tax id key of their trader, and how it was found.

    Customs brokers type the importer's tax id their own way: with a word in front
    (`RUC 20…`), without leading zeros or check digit. Such a tax id counts as the registered
    operator's when that is unambiguous (`trader_how` 'tax_id'); one with a typing slip counts
    when the trader's name also names that operator ('name_and_tax_id'). An item keeps its
    key as written when neither holds ('as_written' for registered keys, 'unregistered').
    """
    if customs.empty:
        return customs.assign(trader_how=pd.Series(dtype=object))
    pairs = pd.DataFrame({"tax": _text(customs["trader_tax_id"]),
                          "name": _text(customs["trader_name"]),
                          "key": _text(customs["tax_id_key"])})
    codes, distinct = pd.factorize(pd.MultiIndex.from_frame(pairs))
    found = [_trader(registry, tax, name, key) for tax, name, key in distinct]
    keys = _objects([f[0] for f in found])[codes]
    how = _objects([f[1] for f in found])[codes]
    return customs.assign(tax_id_key=keys, trader_how=how)


def _trader(registry: Registry, tax: str, name: str, key: str) -> tuple[str, str]:
    """Return the registered key a customs trader stands for, and how it was found."""
    if key in registry.by_tax:
        return key, "as_written"
    licences = registry.tax_id(tax)
    if licences:
        return registry.tax_of[licences[0]], "tax_id"
    named, _how = registry.name(name) if name else (None, "")
    registered = registry.tax_of.get(named) if named else None
    if registered and _one_slip(key, registered):
        return registered, "name_and_tax_id"
    return key, "unregistered"


def _one_slip(written: str, registered: str) -> bool:
    """Tell whether a written tax id differs from the registered one by one typing slip."""
    if not written or not registered:
        return False
    if written == registered:
        return True
    if abs(len(written) - len(registered)) > 1:
        return False
    return _one_edit(written, registered) or registered.startswith(written) \
        or written.startswith(registered)


def with_counterparties(data: DetectionData) -> DetectionData:
    """Return the detection data with every line's counterparty resolved (once per run)."""
    if all(column in data.lines.columns for column in PARTY_COLUMNS):
        return data
    states = data.licences.states()
    licensed = {(s.licence_no, s.substance_code) for s in states}
    operators = data.operators[["licence_no", "legal_name", "tax_id_key"]]
    known = set(operators["licence_no"])
    # The licence book is the registry too: a licence line without an operator row counts.
    extra = {s.licence_no: s.operator_name for s in states if s.licence_no not in known}
    if extra:
        operators = pd.concat([operators, pd.DataFrame({
            "licence_no": list(extra), "legal_name": list(extra.values()),
            "tax_id_key": [None] * len(extra)})], ignore_index=True)
    registry = Registry(operators, licensed)
    return replace(data, lines=resolve_counterparties(data.lines, registry, data.home_country),
                   customs=resolve_traders(data.customs, registry))
