"""What a reader may know beyond the file; injected by the application.

The catalogue is typed as a Protocol so that `importers` never imports `app`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple, Protocol


class Substance(Protocol):
    """A controlled substance as the catalogue knows it."""

    code: str
    cas: str | None
    name: str

    def density_for(self, concentration_pct: float) -> float | None:
        """Return the density (kg/L) of the product at this concentration, if known."""


class Form(Protocol):
    """A salt or other form of a substance (e.g. ephedrine hydrochloride)."""

    code: str


class Resolution(Protocol):
    """What a piece of text written by a user names: a substance, maybe a form of it."""

    substance: Substance
    form: Form | None
    base_fraction: float
    matched: str  # "mixture" when the text named a mixture (thinner) holding the substance
    # Read with getattr when present: concentration_pct (written in the text, "HCl 33%") and
    # note, a sentence saying what a text of several parts was read as ("'MEK (metil etil
    # cetona)' read as methyl ethyl ketone (78-93-3)"), shown once per file as a warning.


class Catalogue(Protocol):
    """The part of `app.catalogue` the readers use."""

    def resolve(self, text: str) -> Resolution:
        """Resolve a name, CAS number or code; raise a ValueError subclass when unknown."""

    def substance_for_hs(self, hs_code: str) -> Substance | None:
        """Return the controlled substance a tariff code designates, or None."""


class LicenceInfo(NamedTuple):
    """What the registry says about one licence, for checks a single file can make."""

    tax_id: str | None
    substances: frozenset[str]
    valid_from: date | None
    valid_to: date | None


class KnownLicences(dict):
    """LicenceInfo by licence number, with the lookups derived from them built once.

    The application reads the registry once for many files (a command importing forty
    files, a scheduler's day): the readers' lookup index over 5,000 licences costs about
    0.15 s to build, so it is kept with the licences it was built from, not per file.
    """

    def derived(self, name: str, factory):
        """Return the value called `name` computed from these licences, building it once."""
        cached = self.__dict__.setdefault("_derived", {})
        if name not in cached:
            cached[name] = factory()
        return cached[name]


@dataclass
class ReadContext:
    """Everything a reader may know beyond the file itself."""

    catalogue: Catalogue
    home_country: str = "PE"
    known_licences: Mapping[str, LicenceInfo] | None = None  # None = don't check licences
    today: date | None = None
    # A line of more kg of pure substance is stored but named in a warning (10,000 t).
    max_row_kg: float | None = 10_000_000.0
    # The one licence the sender may declare for (a company in its portal): rows of any other
    # licence are refused. None = any licence (the authority's own imports).
    declarant: str | None = None
    # A folder of national word files (headers, coded values, countries) read over the
    # shipped ones (importers/words, docs/words.md); None = the shipped words alone.
    words_folder: Path | None = None
