"""The substance catalogue: controlled chemicals, how people name them, densities and salts."""

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
from app.catalogue.text import canonical_cas, normalise_hs

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
    "catalogue_files",
    "load_catalogue",
    "normalise_hs",
]
