"""The substance catalogue: controlled chemicals, how people name them, and unit conversion."""

from app.catalogue.catalogue import Catalogue
from app.catalogue.loader import SHIPPED_FILE, build_catalogue, catalogue_files, load_catalogue
from app.catalogue.models import (
    CatalogueError,
    LookAlike,
    Resolution,
    Substance,
    SubstanceForm,
    UnknownSubstance,
)
from app.catalogue.text import canonical_cas, normalise_hs, normalise_text
from app.catalogue.units import canonical_unit, pure_kg_vectorised, to_pure_kg

__all__ = [
    "SHIPPED_FILE",
    "Catalogue",
    "CatalogueError",
    "LookAlike",
    "Resolution",
    "Substance",
    "SubstanceForm",
    "UnknownSubstance",
    "build_catalogue",
    "canonical_cas",
    "canonical_unit",
    "catalogue_files",
    "load_catalogue",
    "normalise_hs",
    "normalise_text",
    "pure_kg_vectorised",
    "to_pure_kg",
]
