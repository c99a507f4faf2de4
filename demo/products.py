"""Controlled products of the demo market: substances, grades, units, packages, tariff codes."""

from __future__ import annotations

from dataclasses import dataclass, field

from lexicon.units import MASS_UNITS, VOLUME_UNITS

# Base fraction of the hydrochloride salts of (pseudo)ephedrine: 165.23 / 201.69.
EPHEDRINE_HCL_BASE_FRACTION = 0.8192


@dataclass(frozen=True)
class Substance:
    """A controlled substance as companies write it: CAS, names per language, trade names."""

    key: str
    cas: str
    table: str
    names: dict[str, tuple[str, ...]]
    trade_names: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Product:
    """A traded grade of a substance: concentration, density, packages, customs data."""

    key: str
    substance: str
    concentration: float  # % of the substance (or of its salt) in the product
    density: float | None  # kg/L of product; None for solids
    units: tuple[str, ...]  # declared units companies use for it, most common first
    lot_kg: float  # ordinary package (drum, IBC, bag)
    small_lot_kg: float  # laboratory bottle or bag
    delivery_kg: float  # largest domestic delivery (one truck)
    shipment_kg: tuple[float, float]  # import or export shipment size range
    hs_code: str
    customs_description: str
    price_usd_kg: float
    origins: tuple[str, ...]
    base_fraction: float = 1.0  # salts are counted as their base
    salt_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    label_override: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def pure_factor(self) -> float:
        """Return kg of pure substance (base) per kg of product."""
        return self.concentration / 100.0 * self.base_fraction

    def kg_per_unit(self, unit: str) -> float:
        """Return kg of product in one declared unit."""
        if unit in MASS_UNITS:
            return MASS_UNITS[unit]
        if self.density is None:
            raise ValueError(f"{self.key} is a solid; it cannot be declared in {unit}")
        return VOLUME_UNITS[unit] * self.density


SUBSTANCES: dict[str, Substance] = {
    s.key: s
    for s in (
        Substance("sulphuric_acid", "7664-93-9", "II",
                  {"en": ("Sulphuric acid", "Sulfuric acid"), "es": ("Ácido sulfúrico",),
                   "pt": ("Ácido sulfúrico",)},
                  {"es": ("Aceite de vitriolo",)}),
        Substance("hydrochloric_acid", "7647-01-0", "II",
                  {"en": ("Hydrochloric acid",), "es": ("Ácido clorhídrico",),
                   "pt": ("Ácido clorídrico",)},
                  {"es": ("Ácido muriático",), "pt": ("Ácido muriático",)}),
        Substance("acetone", "67-64-1", "II",
                  {"en": ("Acetone",), "es": ("Acetona",), "pt": ("Acetona",)}),
        Substance("toluene", "108-88-3", "II",
                  {"en": ("Toluene",), "es": ("Tolueno",), "pt": ("Tolueno",)}),
        Substance("mek", "78-93-3", "II",
                  {"en": ("Methyl ethyl ketone",), "es": ("Metil etil cetona", "Metiletilcetona"),
                   "pt": ("Metiletilcetona",)},
                  {"en": ("MEK",), "es": ("MEK",), "pt": ("MEK",)}),
        Substance("permanganate", "7722-64-7", "I",
                  {"en": ("Potassium permanganate",), "es": ("Permanganato de potasio",),
                   "pt": ("Permanganato de potássio",)}),
        Substance("ethyl_ether", "60-29-7", "II",
                  {"en": ("Ethyl ether", "Diethyl ether"), "es": ("Éter etílico",),
                   "pt": ("Éter etílico",)},
                  {"es": ("Éter sulfúrico",)}),
        Substance("acetic_anhydride", "108-24-7", "I",
                  {"en": ("Acetic anhydride",), "es": ("Anhídrido acético",),
                   "pt": ("Anidrido acético",)}),
        Substance("pseudoephedrine", "90-82-4", "I",
                  {"en": ("Pseudoephedrine",), "es": ("Pseudoefedrina",),
                   "pt": ("Pseudoefedrina",)}),
        Substance("ephedrine", "299-42-3", "I",
                  {"en": ("Ephedrine",), "es": ("Efedrina",), "pt": ("Efedrina",)}),
    )
}

# Densities of the commercial solutions follow the usual 20 °C tables (H2SO4 98 %:
# 1.836; HCl 33 %: 1.164); thinner is taken at toluene's own density, as the catalogue does.
PRODUCTS: dict[str, Product] = {
    p.key: p
    for p in (
        Product("sulphuric_98", "sulphuric_acid", 98.0, 1.836, ("t", "kg", "L"), 1836.0, 4.59,
                30000.0, (250000.0, 900000.0), "2807.00.10.00", "ACIDO SULFURICO 98% GRADO TECNICO",
                0.12, ("CL", "MX", "JP", "KR")),
        Product("hydrochloric_33", "hydrochloric_acid", 33.0, 1.164, ("L", "kg"), 1164.0, 2.91,
                25000.0, (40000.0, 120000.0), "2806.10.00.00", "ACIDO CLORHIDRICO 33%",
                0.20, ("CL", "US", "BR")),
        Product("acetone", "acetone", 100.0, 0.791, ("L", "kg"), 158.2, 3.164, 20000.0,
                (15000.0, 40000.0), "2914.11.00.00", "ACETONA GRADO INDUSTRIAL", 1.10,
                ("US", "MX", "BR", "KR", "ES")),
        Product("toluene", "toluene", 100.0, 0.867, ("L", "kg"), 173.4, 3.468, 20000.0,
                (16000.0, 40000.0), "2902.30.00.00", "TOLUENO", 0.90, ("US", "KR", "MX")),
        Product("thinner_60", "toluene", 60.0, 0.867, ("L", "kg"), 17.34, 3.468, 10000.0,
                (0.0, 0.0), "", "", 0.0, (),
                label_override={"en": ("Thinner",), "es": ("Thinner",), "pt": ("Thinner",)}),
        Product("mek", "mek", 100.0, 0.805, ("kg", "L"), 165.0, 3.22, 16000.0,
                (14000.0, 32000.0), "2914.12.00.00", "METIL ETIL CETONA (MEK)", 1.30,
                ("KR", "JP", "US", "CN")),
        Product("permanganate", "permanganate", 100.0, None, ("kg",), 25.0, 0.5, 10000.0,
                (10000.0, 25000.0), "2841.61.00.00", "PERMANGANATO DE POTASIO GRADO TECNICO",
                2.50, ("CN", "IN", "US")),
        Product("ethyl_ether", "ethyl_ether", 100.0, 0.713, ("L", "kg"), 142.6, 1.78, 3000.0,
                (2000.0, 6000.0), "2909.11.00.00", "ETER ETILICO P.A.", 3.00, ("DE", "IN", "US")),
        Product("acetic_anhydride", "acetic_anhydride", 100.0, 1.082, ("kg", "L"), 216.4, 2.705,
                20000.0, (18000.0, 24000.0), "2915.24.00.00", "ANHIDRIDO ACETICO 99%", 1.40,
                ("US", "DE", "MX", "CN")),
        Product("pseudoephedrine_hcl", "pseudoephedrine", 100.0, None, ("g", "kg"), 1.0, 0.1,
                25.0, (25.0, 150.0), "2939.42.00.00", "PSEUDOEFEDRINA CLORHIDRATO USP", 180.0,
                ("IN", "DE", "CN"), base_fraction=EPHEDRINE_HCL_BASE_FRACTION,
                salt_names={"en": ("Pseudoephedrine hydrochloride",),
                            "es": ("Clorhidrato de pseudoefedrina",
                                   "Pseudoefedrina clorhidrato"),
                            "pt": ("Cloridrato de pseudoefedrina",)}),
        Product("ephedrine_hcl", "ephedrine", 100.0, None, ("g",), 0.5, 0.05, 5.0, (5.0, 25.0),
                "2939.41.00.00", "EFEDRINA CLORHIDRATO USP", 250.0, ("IN", "DE"),
                base_fraction=EPHEDRINE_HCL_BASE_FRACTION,
                salt_names={"en": ("Ephedrine hydrochloride",),
                            "es": ("Clorhidrato de efedrina",),
                            "pt": ("Cloridrato de efedrina",)}),
    )
}

# Tariff lines a smuggler may use to hide a controlled chemical (uncontrolled neighbours).
MISLABEL_HS = {
    "acetic_anhydride": ("2915.90.00.00", "ANHIDRIDO ACETICO"),
    "permanganate": ("2841.69.00.00", "PERMANGANATO DE POTASIO"),
    "acetone": ("2914.19.00.00", "ACETONA"),
}

# Ordinary imports that are not controlled. The first four name look-alikes of controlled
# chemicals (acetic acid, acetonitrile, petroleum ether, MIBK): a mislabelling detector
# must not flag them.
UNCONTROLLED_GOODS: tuple[tuple[str, str, float], ...] = (
    ("2915.21.00.00", "ACIDO ACETICO GLACIAL", 0.8),
    ("2926.90.90.00", "ACETONITRILO GRADO HPLC", 2.6),
    ("2710.12.19.00", "ETER DE PETROLEO 40-60", 1.9),
    ("2914.13.00.00", "METIL ISOBUTIL CETONA (MIBK)", 1.6),
    ("2815.11.00.00", "HIDROXIDO DE SODIO EN ESCAMAS", 0.45),
    ("2836.20.00.00", "CARBONATO DE SODIO DENSO", 0.3),
    ("2905.11.00.00", "METANOL", 0.4),
    ("2905.12.20.00", "ALCOHOL ISOPROPILICO", 1.2),
    ("2915.31.00.00", "ACETATO DE ETILO", 1.1),
    ("2902.44.00.00", "XILENO MEZCLA DE ISOMEROS", 0.95),
    ("2901.10.00.00", "HEXANO", 1.0),
    ("2847.00.00.00", "PEROXIDO DE HIDROGENO 50%", 0.6),
    ("2828.10.00.00", "HIPOCLORITO DE CALCIO 70%", 1.5),
    ("2833.22.00.00", "SULFATO DE ALUMINIO", 0.25),
    ("2827.39.90.00", "CLORURO FERRICO SOLUCION", 0.35),
    ("2809.20.10.00", "ACIDO FOSFORICO 85%", 0.9),
    ("3907.50.00.00", "RESINA ALQUIDICA", 2.1),
    ("3206.11.10.00", "DIOXIDO DE TITANIO RUTILO", 3.2),
    ("3901.10.00.00", "POLIETILENO DE BAJA DENSIDAD", 1.3),
    ("2837.11.00.00", "CIANURO DE SODIO EN BRIQUETAS", 2.4),
    ("2522.10.00.00", "CAL VIVA", 0.12),
    ("8507.10.00.00", "ACUMULADORES DE PLOMO", 3.5),
    ("4104.11.00.00", "CUEROS WET BLUE", 4.0),
    ("2918.14.00.00", "ACIDO CITRICO ANHIDRO", 1.0),
    ("3402.90.99.00", "PREPARACION TENSOACTIVA", 1.7),
)
