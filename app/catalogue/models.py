"""The catalogue's value objects: substances, their salt forms, resolutions and errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# Density of water at 20 °C: the 0 % end of every aqueous solution table.
WATER_DENSITY_KG_PER_L = 0.9982


class CatalogueError(ValueError):
    """A catalogue file is unreadable or inconsistent; the message names file and entry."""


class UnknownSubstance(ValueError):
    """Text that names no controlled substance, with the closest controlled ones."""

    def __init__(
        self,
        text: str,
        suggestions: tuple[str, ...] = (),
        *,
        not_controlled: str | None = None,
        message: str | None = None,
    ) -> None:
        self.text = text
        self.suggestions = list(suggestions)
        # Set when the text names a known look-alike ("acetic acid (64-19-7)").
        self.not_controlled = not_controlled
        super().__init__(message or _unknown_message(text, self.suggestions, not_controlled))


def _unknown_message(text: str, suggestions: list[str], not_controlled: str | None) -> str:
    if not_controlled:
        return f"'{text}' is {not_controlled}, which is not a controlled substance"
    if suggestions:
        return f"unknown substance '{text}'; closest: {', '.join(suggestions)}"
    return f"unknown substance '{text}'; no controlled substance has a similar name"


@dataclass(frozen=True, repr=False)
class SubstanceForm:
    """A salt of a controlled substance, counted as its base via base_fraction."""

    code: str
    names: dict[str, str] = field(compare=False)
    cas: str | None
    base_fraction: float
    synonyms: tuple[str, ...] = ()
    molecular_weight: float | None = None

    def __repr__(self) -> str:
        return f"<SubstanceForm {self.code} (base fraction {self.base_fraction})>"

    @property
    def name(self) -> str:
        """Return the English name (or the first one given)."""
        return _preferred_name(self.names)


@dataclass(frozen=True, repr=False)
class Substance:
    """A controlled substance: identity, names, tariff codes and physical data."""

    code: str
    cas: str
    table: str
    names: dict[str, str] = field(compare=False)
    synonyms: tuple[str, ...]
    hs_codes: tuple[str, ...]
    density_kg_per_l: float | None
    solution_densities: tuple[tuple[float, float], ...]
    forms: tuple[SubstanceForm, ...]
    molecular_weight: float | None = None
    # Abbreviations that are ordinary words in goods descriptions ("MAPA" is Spanish for
    # map): they resolve in a substance column but mentions() ignores them.
    ambiguous_synonyms: tuple[str, ...] = ()
    # Tariff headings this substance shares with uncontrolled goods (2924.29 also holds
    # paracetamol), so a customs line under them is not evidence of this substance.
    shared_hs_codes: tuple[str, ...] = ()
    # Trade names of mixtures that contain the substance in an unknown share ("thinner" for
    # toluene): they resolve to it with matched == "mixture", and whoever reads a quantity
    # must ask for the concentration instead of assuming 100 %.
    mixtures: tuple[str, ...] = ()
    # The concentration it is traded at when no one says: hydrogen chloride is a gas, so
    # "ácido clorhídrico" without a percentage is its solution (about 33 %), not the pure gas.
    usual_concentration_pct: float | None = None

    def __repr__(self) -> str:
        return f"<Substance {self.code} ({self.cas})>"

    @property
    def name(self) -> str:
        """Return the English name (or the first one given)."""
        return _preferred_name(self.names)

    @property
    def label(self) -> str:
        """Return 'name (CAS)', the way messages cite a substance."""
        return f"{self.name} ({self.cas})"

    def density_for(self, concentration_pct: float = 100.0) -> float | None:
        """Return the density in kg/L of the product at this concentration, None if unknown."""
        if not 0 < concentration_pct <= 100:
            raise ValueError(f"concentration {concentration_pct} % is outside (0, 100]")
        if not self.solution_densities:
            # Assumption: a diluted liquid has about the pure substance's density.
            return self.density_kg_per_l
        points = self.solution_densities
        if concentration_pct > points[-1][0]:
            # Beyond the table (38 % for HCl) no aqueous solution exists to convert.
            return self.density_kg_per_l if concentration_pct == 100 else None
        lower = (0.0, WATER_DENSITY_KG_PER_L)
        for upper in points:
            if concentration_pct <= upper[0]:
                span = upper[0] - lower[0]
                weight = (concentration_pct - lower[0]) / span if span else 1.0
                return round(lower[1] + weight * (upper[1] - lower[1]), 6)
            lower = upper
        return None  # unreachable: the loop returns for any value up to the last point

    def form(self, code: str) -> SubstanceForm:
        """Return the salt form with this code (KeyError if none)."""
        for form in self.forms:
            if form.code == code:
                return form
        raise KeyError(code)


@dataclass(frozen=True)
class Resolution:
    """What a piece of text resolved to: a substance, maybe a salt form, and how."""

    substance: Substance
    form: SubstanceForm | None
    base_fraction: float
    matched: str  # 'cas', 'code', 'name', 'synonym', 'fuzzy' or 'mixture'
    # A concentration written in the text itself ("ácido clorhídrico 33%"), if any.
    concentration_pct: float | None = None
    # What the text was read as, when reading it took more than looking one name up
    # ("'MEK (metil etil cetona)' read as methyl ethyl ketone (78-93-3)"): several parts,
    # a spelling mistake, words ignored. Readers show it once per distinct text as a warning.
    note: str | None = None

    @property
    def is_mixture(self) -> bool:
        """Tell whether the text named a mixture (thinner): its share of the substance is
        unknown unless a concentration is given, and must never be taken as 100 %."""
        return self.matched == "mixture"

    def density_for(self, concentration_pct: float = 100.0) -> float | None:
        """Return the product density in kg/L; None for salts, which are solids."""
        if self.form is not None:
            return None
        return self.substance.density_for(concentration_pct)


@dataclass(frozen=True)
class LookAlike:
    """A chemical that is NOT controlled but is easily confused with one that is."""

    names: dict[str, str] = field(compare=False)
    cas: str | None = None
    synonyms: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Return the English name (or the first one given)."""
        return _preferred_name(self.names)

    @property
    def label(self) -> str:
        """Return 'name (CAS)' or just the name."""
        return f"{self.name} ({self.cas})" if self.cas else self.name


def _preferred_name(names: dict[str, str]) -> str:
    for language in ("en", "es", "pt"):
        if names.get(language):
            return names[language]
    return next(iter(names.values()), "")


class Refusal(NamedTuple):
    """Why a text resolved to nothing; cached, and turned into a fresh UnknownSubstance."""

    text: str
    suggestions: tuple[str, ...] = ()
    not_controlled: str | None = None
    message: str | None = None


class Target(NamedTuple):
    """What one phrase names: a substance (maybe a salt form of it) or a look-alike."""

    substance: Substance | None
    form: SubstanceForm | None
    kind: str
    look_alike: LookAlike | None = None

    @property
    def identity(self) -> tuple:
        """Return what makes two targets the same thing, ignoring how they were named."""
        if self.look_alike is not None:
            return ("not_controlled", self.look_alike.label)
        if self.kind == "mixture":  # a mixture containing it is not the substance itself
            return ("mixture", self.substance.code)
        return (self.substance.code, self.form.code if self.form else None)

    @property
    def label(self) -> str:
        """Return 'name (CAS)' for messages."""
        if self.look_alike is not None:
            return self.look_alike.label
        if self.form is not None:
            return f"{self.form.name} ({self.form.cas or self.substance.cas})"
        return self.substance.label
