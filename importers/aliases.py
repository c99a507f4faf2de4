"""Header matching: which canonical column of a feed each header of a file names.

The words are data (importers/words/headers.yaml, plus national additions): strong headers,
weak ones, headers shared by two columns and quantity headers that name their unit. Headers
are compared after `normalise_header` (case, accents, punctuation, "Nº"/"nro"/"número",
connector words like "de" and word order do not matter). A header row is matched in passes,
each leaving to the next what it did not settle:

1. strong: a header that is one of a column's strong words names it (twice: a duplicate);
2. weak: a header that is only a weak word ("producto", "CAS", "cliente") names a column no
   strong header named, the first such header only;
3. shared weak: a weak header of two columns ("Partida") names the first still unfound;
4. customer and supplier: two headers of one paired column, one each side, are both kept;
5. mass in other units: "Cantidad (t)" names a `..._kg` column the headers lack, with a
   factor to kg ("Peso (lb)" is named as the reason the file cannot be read);
6. unit named by the header: "Cantidad (Kg)" implies the unit column, which may be absent.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from importers.header_key import normalise_header
from importers.words import Words, in_force

__all__ = ["MASS_UNIT_WORDS", "PAIRED_COLUMNS", "HeaderMatch", "alias_keys", "match_headers",
           "normalise_header"]


def _lookup(words: Words, columns: tuple[str, ...], weak: bool) -> dict[str, str]:
    """Map normalised header -> canonical column for one feed's columns (built once)."""
    def build() -> dict[str, str]:
        table = words.weak if weak else words.headers
        lookup: dict[str, str] = {}
        for column in columns:
            for key in table.get(column, (normalise_header(column),) if not weak else ()):
                lookup.setdefault(key, column)
        return lookup

    return words.derived(("headers", columns, weak), build)


def alias_keys(column: str) -> frozenset[str]:
    """Return the normalised headers that name a canonical column in any feed, weak ones too."""
    words = in_force()
    return words.derived(("alias_keys", column), lambda: frozenset(
        (normalise_header(column), *words.headers.get(column, ()), *words.weak.get(column, ()))))


@dataclass
class HeaderMatch:
    """How one header row maps onto a feed's canonical columns."""

    headers: tuple[str, ...]
    columns: dict[str, int] = field(default_factory=dict)  # canonical -> position
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    # canonical -> value implied by another header ("Cantidad (Kg)": the unit is kg)
    implied: dict[str, str] = field(default_factory=dict)
    # canonical -> factor to kg of a mass whose header names another unit ("Cantidad (t)")
    scales: dict[str, float] = field(default_factory=dict)
    # canonical -> (position, unit) of a second quantity column in another unit ("Cantidad
    # (Kg)" and "Cantidad (L)"): a row whose first is empty takes the second, with its unit
    alternates: dict[str, tuple[int, str]] = field(default_factory=dict)
    # canonical -> position of a supplier column beside the customer one ("Cliente" and
    # "Proveedor"): the feed takes each row's counterparty from the side its movement says
    pairs: dict[str, int] = field(default_factory=dict)
    # canonical -> the header that gives it in pounds ("Peso Neto (lb)"): named when refused
    in_pounds: dict[str, str] = field(default_factory=dict)

    @property
    def extras(self) -> list[int]:
        """Positions of the columns that map to no canonical column (unnamed ones too)."""
        used = set(self.columns.values())
        return [i for i in range(len(self.headers)) if i not in used]

    def header(self, canonical: str) -> str:
        """Return the header of a canonical column exactly as the user wrote it."""
        return self.headers[self.columns[canonical]]

    def describe_duplicates(self) -> str:
        """Say which headers collide, e.g. "columns 'Cantidad' and 'Qty' both mean 'quantity'"."""
        canonical, positions = next(iter(self.duplicates.items()))
        names = " and ".join(repr(self.headers[p]) for p in positions)
        return f"columns {names} both mean {canonical!r}"


def match_headers(
    headers: Sequence[object], columns: Sequence[str], required: Collection[str]
) -> HeaderMatch:
    """Map the headers of one candidate header row onto a feed's canonical columns."""
    words = in_force()
    texts = tuple("" if h is None else str(h).strip() for h in headers)
    keys = [normalise_header(h) for h in texts]
    match = HeaderMatch(headers=texts)
    strong = _lookup(words, tuple(columns), False)
    weak = _lookup(words, tuple(columns), True)
    found = _strong_pass(keys, strong)
    _weak_pass(found, keys, strong, weak)
    _shared_weak_pass(found, keys, columns, words)
    _customer_and_supplier(found, keys, strong, weak)
    for canonical, positions in found.items():
        match.columns[canonical] = positions[0]
        if len(positions) > 1:
            match.duplicates[canonical] = positions
    for canonical, positions in list(found.items()):
        if canonical in PAIRED_COLUMNS and len(positions) == 2 and _sides(keys, positions):
            customer, supplier = _sides(keys, positions)
            match.columns[canonical], match.pairs[canonical] = customer, supplier
            del match.duplicates[canonical]
    match.missing = [c for c in columns if c in required and c not in match.columns]
    _mass_in_other_units(match, keys, columns, required, strong, weak)
    _unit_named_by_header(match, keys, columns, words)
    return match


def _strong_pass(keys: list[str], strong: dict[str, str]) -> dict[str, list[int]]:
    """Return canonical -> positions of the headers that are a column's strong words."""
    found: dict[str, list[int]] = {}
    for position, key in enumerate(keys):
        if key and key in strong:
            found.setdefault(strong[key], []).append(position)
    return found


def _weak_pass(found, keys, strong, weak) -> None:
    """Add the first weak header of each column no strong header named."""
    for position, key in enumerate(keys):
        canonical = weak.get(key) if key and key not in strong else None
        if canonical and canonical not in found:
            found[canonical] = [position]  # first weak match only; later ones stay extra


def _shared_weak_pass(found, keys, columns, words: Words) -> None:
    """Give a header shared by two columns ("Partida") to the first one still unfound."""
    used = {p for positions in found.values() for p in positions}
    for position, key in enumerate(keys):
        shared = words.shared_weak.get(key) if position not in used else None
        free = [c for c in shared or () if c in columns and c not in found]
        if free:
            found[free[0]] = [position]
            used.add(position)


def _unit_named_by_header(match: HeaderMatch, keys, columns, words: Words) -> None:
    """Take the unit from a quantity header that names it ("Cantidad (Kg)")."""
    if "quantity" not in match.columns or "unit" not in columns:
        return
    unit = _header_unit(words, keys[match.columns["quantity"]])
    if unit is None:
        return
    match.implied["unit"] = unit
    match.missing = [c for c in match.missing if c != "unit"]
    used = set(match.columns.values())
    other = [(p, _header_unit(words, k)) for p, k in enumerate(keys) if p not in used]
    other = [(p, u) for p, u in other if u is not None and u != unit]
    if "unit" not in match.columns and other:
        match.alternates["quantity"] = other[0]


# Columns a file may give twice, once for the customer and once for the supplier.
PAIRED_COLUMNS = ("counterparty_name", "counterparty_licence")
_CUSTOMER_WORDS = frozenset({"cliente", "customer", "client", "comprador", "destinatario"})
_SUPPLIER_WORDS = frozenset({"proveedor", "fornecedor", "supplier", "vendor", "vendedor",
                             "remitente"})


def _side(key: str) -> str | None:
    """Say whether a header names the customer's side, the supplier's, or neither (or both)."""
    words = set(key.split())
    customer, supplier = bool(words & _CUSTOMER_WORDS), bool(words & _SUPPLIER_WORDS)
    return "customer" if customer and not supplier else "supplier" if supplier and not customer \
        else None


def _sides(keys: list[str], positions: list[int]) -> tuple[int, int] | None:
    """Return (customer position, supplier position) when the two headers are one of each."""
    sides = {_side(keys[p]): p for p in positions}
    if set(sides) == {"customer", "supplier"}:
        return sides["customer"], sides["supplier"]
    return None


def _customer_and_supplier(found, keys, strong, weak) -> None:
    """Add a second weak header to a paired column ("Cliente" and "Proveedor" are both weak)."""
    for canonical in PAIRED_COLUMNS:
        positions = [p for p, k in enumerate(keys)
                     if k and (strong.get(k) or (weak.get(k) if k not in strong else None))
                     == canonical]
        if len(positions) == 2 and _sides(keys, positions):
            found[canonical] = positions


# A mass in kg given in another unit by its header ("Cantidad (t)", "Cupo anual (TM)"):
# the column is read and multiplied by the factor, never guessed from the values.
MASS_UNIT_WORDS = {
    "t": 1000.0, "tm": 1000.0, "tn": 1000.0, "ton": 1000.0, "tons": 1000.0, "tonnes": 1000.0,
    "tonelada": 1000.0, "toneladas": 1000.0, "g": 0.001, "gr": 0.001, "gramos": 0.001,
    "gramas": 0.001, "grams": 0.001, "kg": 1.0, "kgs": 1.0, "kilos": 1.0, "kilogramos": 1.0,
    "tne": 1000.0, "kgm": 1.0,  # UN/ECE rec. 20 codes, as customs systems write them
}
# Pounds are not used for chemicals in the region's trade data: a header in pounds is named
# as the reason the file cannot be read, never converted on a guess of avoirdupois.
_POUND_WORDS = frozenset({"lb", "lbs", "libra", "libras", "pound", "pounds", "lbr"})


def _mass_in_other_units(match, keys, columns, required, strong, weak) -> None:
    """Map "Cantidad (t)" onto a `..._kg` column the headers lack, with its factor to kg."""
    for column in columns:
        if not column.endswith("_kg") or column in match.columns:
            continue
        for position, key in enumerate(keys):
            words = key.split()
            pounds = [w for w in words if w in _POUND_WORDS]
            rest = " ".join(w for w in words if w not in _POUND_WORDS)
            if len(pounds) == 1 and rest and (strong.get(rest) or weak.get(rest)) == column:
                match.in_pounds[column] = match.headers[position]
            units = [w for w in words if w in MASS_UNIT_WORDS]
            if len(units) != 1 or position in match.columns.values():
                continue
            rest = " ".join(w for w in words if w != units[0])
            # a header that is only a unit ("KGM", "TNE", "Toneladas") names the feed's mass
            bare = not rest and len(units[0]) > 1
            if bare or (rest and (strong.get(rest) or weak.get(rest)) == column):
                match.columns[column] = position
                if MASS_UNIT_WORDS[units[0]] != 1.0:
                    match.scales[column] = MASS_UNIT_WORDS[units[0]]
                match.missing = [c for c in match.missing if c != column]
                break


def _header_unit(words: Words, key: str) -> str | None:
    """Return the unit a quantity header names ("Cantidad (Kg)" -> "kg"), if any."""
    units = words.derived("header_units", lambda: {
        header: unit for unit, headers in words.unit_headers.items() for header in headers})
    return units.get(key)
