"""Substance names as people write them: abbreviations, grades, trade names with the chemical.

Three forms, per product and language:
- `abbreviation`: a formula or acronym with the name in brackets (`MEK (metil etil cetona)`);
- `grade`: the name with its grade or concentration (`Ácido sulfúrico 98% grado técnico`);
- `trade`: a trade name with the chemical in brackets (`Thinner (tolueno)`).
A concentration inside a name is always the product's own, the one the concentration
column also states. Salt forms (`... clorhidrato USP`) are written with that column blank.
"""

from __future__ import annotations

FORM_KINDS = ("abbreviation", "grade", "trade")

# product -> language -> kind -> texts
SUBSTANCE_FORMS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "sulphuric_98": {
        "es": {"abbreviation": ("H2SO4 (ácido sulfúrico)",),
               "grade": ("Ácido sulfúrico 98% grado técnico", "Ácido sulfúrico grado técnico"),
               "trade": ("Aceite de vitriolo (ácido sulfúrico)",)},
        "en": {"abbreviation": ("H2SO4 (sulphuric acid)",),
               "grade": ("Sulphuric acid 98% technical grade",),
               "trade": ("Oil of vitriol (sulphuric acid)",)},
        "pt": {"abbreviation": ("H2SO4 (ácido sulfúrico)",),
               "grade": ("Ácido sulfúrico 98% grau técnico",)},
    },
    "hydrochloric_33": {
        "es": {"abbreviation": ("HCl (ácido clorhídrico)",),
               "grade": ("Ácido clorhídrico 33% comercial", "Ácido clorhídrico 33% grado técnico"),
               "trade": ("Ácido muriático (ácido clorhídrico)",)},
        "en": {"abbreviation": ("HCl (hydrochloric acid)",),
               "grade": ("Hydrochloric acid 33% technical grade",),
               "trade": ("Muriatic acid (hydrochloric acid)",)},
        "pt": {"abbreviation": ("HCl (ácido clorídrico)",),
               "grade": ("Ácido clorídrico 33% comercial",),
               "trade": ("Ácido muriático (ácido clorídrico)",)},
    },
    "acetone": {
        "es": {"grade": ("Acetona grado industrial", "Acetona técnica", "Acetona p.a.")},
        "en": {"grade": ("Acetone technical grade",)},
        "pt": {"grade": ("Acetona grau técnico",)},
    },
    "toluene": {
        "es": {"grade": ("Tolueno grado técnico", "Tolueno puro"),
               "trade": ("Toluol (tolueno)",)},
        "en": {"grade": ("Toluene technical grade",), "trade": ("Toluol (toluene)",)},
        "pt": {"grade": ("Tolueno grau técnico",), "trade": ("Toluol (tolueno)",)},
    },
    "thinner_60": {
        "es": {"trade": ("Thinner (tolueno)", "Thinner acrílico (tolueno)")},
        "en": {"trade": ("Thinner (toluene)",)},
        "pt": {"trade": ("Thinner (tolueno)",)},
    },
    "mek": {
        "es": {"abbreviation": ("MEK (metil etil cetona)", "MEK (metiletilcetona)"),
               "grade": ("Metil etil cetona grado técnico",)},
        "en": {"abbreviation": ("MEK (methyl ethyl ketone)",),
               "grade": ("Methyl ethyl ketone technical grade",)},
        "pt": {"abbreviation": ("MEK (metiletilcetona)",),
               "grade": ("Metiletilcetona grau técnico",)},
    },
    "permanganate": {
        "es": {"abbreviation": ("KMnO4 (permanganato de potasio)",),
               "grade": ("Permanganato de potasio grado técnico",)},
        "en": {"abbreviation": ("KMnO4 (potassium permanganate)",),
               "grade": ("Potassium permanganate technical grade",)},
        "pt": {"abbreviation": ("KMnO4 (permanganato de potássio)",),
               "grade": ("Permanganato de potássio grau técnico",)},
    },
    "ethyl_ether": {
        "es": {"grade": ("Éter etílico p.a.",), "trade": ("Éter sulfúrico (éter etílico)",)},
        "en": {"grade": ("Diethyl ether reagent grade",)},
        "pt": {"grade": ("Éter etílico P.A.",), "trade": ("Éter sulfúrico (éter etílico)",)},
    },
    "acetic_anhydride": {
        "es": {"grade": ("Anhídrido acético grado técnico",)},
        "en": {"grade": ("Acetic anhydride technical grade",)},
        "pt": {"grade": ("Anidrido acético grau técnico",)},
    },
    "pseudoephedrine_hcl": {
        "es": {"grade": ("Pseudoefedrina clorhidrato USP", "Clorhidrato de pseudoefedrina USP")},
        "en": {"grade": ("Pseudoephedrine hydrochloride USP",)},
        "pt": {"grade": ("Cloridrato de pseudoefedrina USP",)},
    },
    "ephedrine_hcl": {
        "es": {"grade": ("Efedrina clorhidrato USP",)},
        "en": {"grade": ("Ephedrine hydrochloride USP",)},
        "pt": {"grade": ("Cloridrato de efedrina USP",)},
    },
}
# Products whose forms name the salt: the catalogue applies the base fraction itself.
SALT_PRODUCTS = frozenset({"pseudoephedrine_hcl", "ephedrine_hcl"})


def forms_of(product: str, language: str) -> list[tuple[str, str]]:
    """Return (kind, text) of every written form of a product in a language."""
    kinds = SUBSTANCE_FORMS.get(product, {}).get(language, {})
    return [(kind, text) for kind in FORM_KINDS for text in kinds.get(kind, ())]


def all_forms() -> dict[str, str]:
    """Return every written form and the product it stands for."""
    return {text: product for product, languages in SUBSTANCE_FORMS.items()
            for kinds in languages.values() for texts in kinds.values() for text in texts}
