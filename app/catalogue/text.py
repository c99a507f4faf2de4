"""Reading chemical text: CAS numbers, HS codes, concentrations, grade words.

Names are folded with lexicon's `fold_chemical_text` (Greek letters spelled).
"""

from __future__ import annotations

import re

from lexicon.text import fold_chemical_text

_CAS_HYPHENATED = re.compile(r"^0*(\d{1,7})\s*-\s*(\d{2})\s*-\s*(\d)$")
_CAS_SPACED = re.compile(r"^0*(\d{1,7})\s+(\d{2})\s+(\d)$")
_CAS_DIGITS = re.compile(r"^0*(\d{2,8})(\d{2})(\d)$")
# A CAS number written inside other text ("Acetona (67-64-1)"): hyphens are required there.
CAS_IN_TEXT = re.compile(r"(?<![\d-])(\d{2,7}-\d{2}-\d)(?![\d-])")

# HS codes arrive as '2915.24', '2915.24.00', '29152400', '2915 24' or a spreadsheet float
# that lost its trailing zero ('2902.3' for 2902.30).
_HS_DOTTED = re.compile(r"^(\d{4})\.(\d{1,2})((?:\.\d{1,2}){0,3})$")
_HS_CANONICAL = re.compile(r"^\d{4}\.\d{2}(?:\.\d{2}){0,3}$")

# "al 33 %", "98% min", "36,5 % p/p": a concentration written after the substance name.
CONCENTRATION_IN_TEXT = re.compile(
    r"(?:\b(?:al|a|at|ao|à)\s+)?(\d{1,3}(?:[.,]\d+)?)\s*%"
    r"(?:\s*(?:w/w|p/p|m/m|v/v|w/v|p/v|min\.?|mín\.?))?",
    re.IGNORECASE,
)
# Grades and presentations that say nothing about which substance it is (normalised form).
_QUALIFIERS = re.compile(
    r"\b(?:grado tecnico|grau tecnico|technical grade|tech grade|grado industrial|"
    r"grau industrial|industrial grade|reagent grade|grado reactivo|grau reagente|"
    r"analytical grade|grado analitico|para analisis|para analise|for analysis|"
    r"tecnico|tecnica|technical|industrial|reactivo|reagente|reagent|p a|pa|acs|usp|bp|ep|"
    r"ph eur|nf|puro|pura|pure|purissimo|anhydrous|anhidro|anhidra|anidro|anidra|"
    r"en solucion|em solucao|in solution|solution|solucion|solucao|aqueous|acuosa|acuoso|"
    r"aquosa|aquoso|concentrated|concentrado|concentrada|comercial|commercial|min|"
    r"qp|q p|conc|tec|ind|grado qp|quimicamente puro)\b"
)
# Abbreviations typed at the start of a name ("Ac. Sulfúrico", "Anh. acético"), normalised.
_ABBREVIATIONS = re.compile(r"^(?:ac|acid|anh|anhid|perm|permang)\b")
_EXPANSIONS = {"ac": "acido", "acid": "acido", "anh": "anhidrido", "anhid": "anhidrido",
               "perm": "permanganato", "permang": "permanganato"}


def compact_key(text: object) -> str:
    """Return the folded text without spaces, so hyphenation and spacing never matter."""
    return fold_chemical_text(text).replace(" ", "")


def cas_check_digit_ok(cas: str) -> bool:
    """Tell whether a hyphenated CAS number has a valid check digit."""
    digits = cas.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * weight for weight, d in enumerate(reversed(body), start=1))
    return total % 10 == check


def canonical_cas(text: object) -> str | None:
    """Return 'NNNNNNN-NN-N' for a CAS number written with or without hyphens, else None."""
    raw = str(text).strip()
    for pattern in (_CAS_HYPHENATED, _CAS_SPACED, _CAS_DIGITS):
        match = pattern.match(raw)
        if match:
            first = match.group(1).lstrip("0")
            if len(first) < 2:
                return None
            cas = f"{first}-{match.group(2)}-{match.group(3)}"
            return cas if cas_check_digit_ok(cas) else None
    return None


def normalise_hs(code: object) -> str | None:
    """Return the digits of an HS code (6 to 12 of them), or None when it is not one."""
    raw = str(code).strip()
    dotted = _HS_DOTTED.match(raw)
    if dotted:
        tail = [part.ljust(2, "0") for part in raw.split(".")[1:]]
        digits = dotted.group(1) + "".join(tail)
    else:
        if re.fullmatch(r"\d+\.0", raw):  # an integer code read back as a float
            raw = raw[:-2]
        digits = re.sub(r"[\s.\-]", "", raw)
    if not digits.isdigit() or len(digits) not in (6, 8, 10, 12):
        return None
    return digits


def canonical_hs(code: object) -> str | None:
    """Return an HS code in the catalogue's dotted form ('2915.24', '2915.24.00'), else None."""
    digits = normalise_hs(code)
    if digits is None or not 1 <= int(digits[:2]) <= 97:
        return None
    dotted = digits[:4] + "".join(f".{digits[i:i + 2]}" for i in range(4, len(digits), 2))
    return dotted if _HS_CANONICAL.match(dotted) else None


def split_concentration(text: str) -> tuple[str, float | None]:
    """Remove written concentrations ('al 33%') from text; return the rest and the percentage."""
    found = [float(m.group(1).replace(",", ".")) for m in CONCENTRATION_IN_TEXT.finditer(text)]
    rest = CONCENTRATION_IN_TEXT.sub(" ", text)
    # Two percentages ("98% min, 2% water") are not one concentration we can trust.
    pct = found[0] if len(found) == 1 and 0 < found[0] <= 100 else None
    return rest, pct


def strip_qualifiers(normalised: str) -> str:
    """Remove grade and presentation words ('grado técnico', 'p.a.') from normalised text.

    Leading abbreviations are written out ('ac sulfurico' -> 'acido sulfurico').
    """
    expanded = _ABBREVIATIONS.sub(lambda m: _EXPANSIONS[m.group(0)], normalised)
    return " ".join(_QUALIFIERS.sub(" ", expanded).split())
