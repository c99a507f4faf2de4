"""How people write who the other party is: licence numbers, tax ids and company names.

Each function takes the registry's spelling and a style, and returns what a clerk types.
The styles are the ones seen in real declarations; none of them changes who is meant.
"""

from __future__ import annotations

import re

import numpy as np

from lexicon.text import strip_accents

# Licence numbers retyped: spacing, case, punctuation, leading zeros dropped.
LICENCE_STYLES = ("spaced", "lower", "compact", "dotted", "unpadded", "digits", "digits_unpadded")
# Tax ids (11-digit RUC): with a prefix, grouped with dots or dashes, check digit split off
# or left out (systems that keep it in a separate field).
TAX_ID_STYLES = ("plain", "prefixed", "grouped_dashes", "dots", "check_dash", "no_check_digit")
# How a legal form may be written instead of the registry's.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "S.A. de C.V.": ("SA de CV", "S.A. DE C.V.", "S.A de C.V", "Sociedad Anónima de Capital "
                     "Variable"),
    "S.A.C.": ("SAC", "S.A.C", "S. A. C.", "Sociedad Anónima Cerrada"),
    "E.I.R.L.": ("EIRL", "E.I.R.L", "Empresa Individual de Responsabilidad Limitada"),
    "S.R.L.": ("SRL", "S.R.L", "Sociedad de Responsabilidad Limitada"),
    "S.A.": ("SA", "S.A", "S. A.", "Sociedad Anónima"),
    "Ltda.": ("Ltda", "LTDA", "Limitada"),
    "Co., Ltd.": ("Co. Ltd", "CO LTD", "Company Limited"),
    "Pvt. Ltd.": ("Pvt Ltd", "Private Limited"),
    "GmbH": ("G.m.b.H.",),
    "LLC": ("L.L.C.",),
    "Inc.": ("Inc", "Incorporated"),
    "SpA": ("S.p.A.",),
    "S.L.": ("SL",),
}
# Words accountants abbreviate in company names.
ABBREVIATIONS = {
    "Compañía": "Cía.", "Corporación": "Corp.", "Química": "Quím.", "Químicas": "Quím.",
    "Químicos": "Quím.", "Industrial": "Ind.", "Industrias": "Inds.", "Distribuidora": "Dist.",
    "Importadora": "Imp.", "Importaciones": "Import.", "Comercial": "Com.",
    "Representaciones": "Repres.", "Sociedad": "Soc.", "Minera": "Min.", "Laboratorio": "Lab.",
    "Laboratorios": "Labs.", "Droguería": "Drog.", "Fundición": "Fund.", "Negociaciones": "Neg.",
    "Inversiones": "Inv.", "Universidad": "Univ.", "Farmacéutica": "Farm.",
    "Fertilizantes": "Fertiliz.", "Agroquímica": "Agroquím.", "Insumos": "Ins.",
    "Electroquímica": "Electroquím.", "Refinería": "Ref.", "Solventes": "Solv.",
}
NAME_STYLES = ("legal_form", "no_legal_form", "upper", "no_accents", "abbreviated",
               "misspelt")
_LEGAL_TAIL = re.compile("(?:^|\\s)(" + "|".join(
    re.escape(form) for form in sorted(LEGAL_FORMS, key=len, reverse=True)) + ")$")


def licence_written(licence: str, style: str) -> str:
    """Return a licence number (`LIC-00123`) as a clerk retypes it."""
    letters = "".join(ch for ch in licence if ch.isalpha())
    digits = "".join(ch for ch in licence if ch.isdigit())
    short = digits.lstrip("0") or "0"
    return {
        "spaced": f"{letters} {digits}", "lower": licence.lower(), "compact": letters + digits,
        "dotted": f"{letters.capitalize()}. {digits}", "unpadded": f"{letters}-{short}",
        "digits": digits, "digits_unpadded": short,
    }[style]


def tax_id_written(tax_id: str, style: str) -> str:
    """Return an 11-digit tax id as a clerk or a customs broker writes it."""
    if len(tax_id) != 11 or not tax_id.isdigit():
        return tax_id
    return {
        "plain": tax_id, "prefixed": f"RUC {tax_id}",
        "grouped_dashes": f"{tax_id[:2]}-{tax_id[2:10]}-{tax_id[10]}",
        "dots": f"{tax_id[:2]}.{tax_id[2:5]}.{tax_id[5:8]}.{tax_id[8:]}",
        "check_dash": f"{tax_id[:10]}-{tax_id[10]}", "no_check_digit": tax_id[:10],
    }[style]


def split_legal_form(name: str) -> tuple[str, str | None]:
    """Return a company name without its legal form, and the form (None when it has none)."""
    found = _LEGAL_TAIL.search(name)
    if found is None:
        return name, None
    return name[: found.start()].rstrip(" ,"), found.group(1)


def misspell(text: str, rng: np.random.Generator) -> str:
    """Return text with one typing slip in one of its longer words (dropped, doubled, swapped)."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = long[int(rng.integers(len(long)))]
    word = words[i]
    at = int(rng.integers(1, len(word) - 1))
    slip = int(rng.integers(3))
    if slip == 0:
        word = word[:at] + word[at + 1:]
    elif slip == 1:
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[:at - 1] + word[at] + word[at - 1] + word[at + 1:]
    words[i] = word
    return " ".join(words)


def name_written(name: str, styles: frozenset[str], rng: np.random.Generator) -> str:
    """Return a company name as a clerk's master data holds it, in the clerk's styles."""
    core, form = split_legal_form(name)
    if "abbreviated" in styles:
        core = " ".join(ABBREVIATIONS.get(word, word) for word in core.split(" "))
    if "misspelt" in styles:
        core = misspell(core, rng)
    if form is not None and "no_legal_form" in styles:
        form = None
    elif form is not None and "legal_form" in styles:
        variants = LEGAL_FORMS[form]
        form = variants[int(rng.integers(len(variants)))]
    text = f"{core} {form}" if form else core
    if "no_accents" in styles:
        text = strip_accents(text)
    if "upper" in styles:
        text = text.upper()
    return text
