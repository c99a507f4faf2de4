"""Who uses what: economic sectors, their controlled products, seasons, names and places."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Month multipliers (January first). Paint and furniture peak before the southern summer
# and the holidays; fertiliser with the highland sowing season; cold remedies in winter;
# water works need more oxidiser in the rainy summer.
SEASONS: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 12,
    "paint": (0.80, 0.75, 0.85, 0.90, 0.95, 0.95, 1.00, 1.00, 1.05, 1.15, 1.30, 1.30),
    "agro": (0.70, 0.70, 0.80, 0.90, 0.90, 1.00, 1.10, 1.30, 1.40, 1.30, 1.10, 0.80),
    "cold": (0.70, 0.70, 0.80, 1.00, 1.20, 1.40, 1.50, 1.30, 1.00, 0.80, 0.80, 0.80),
    "water": (1.30, 1.30, 1.20, 1.00, 0.90, 0.85, 0.85, 0.85, 0.90, 1.00, 1.10, 1.20),
}


def season_curve(name: str, amplitude: float = 1.0) -> np.ndarray:
    """Return the 12 month multipliers of a season, stretched by amplitude, mean 1."""
    base = np.asarray(SEASONS[name], dtype=float)
    curve = np.clip(1.0 + amplitude * (base - 1.0), 0.25, None)
    return curve / curve.mean()


@dataclass(frozen=True)
class Sector:
    """An end-use sector: ISIC code and words, and the controlled products it consumes."""

    key: str
    code: str
    words: str
    activity: str  # end_user, pharma or laboratory
    weight: float  # share among end users
    products: dict[str, tuple[float, float]]  # product -> (probability, median kg/year)
    season: str
    prefixes: tuple[str, ...]
    regions: tuple[str, ...] = ()
    product_seasons: dict[str, str] | None = None

    @property
    def label(self) -> str:
        """Return the sector as the registry writes it: code and words."""
        return f"{self.code} {self.words}"

    def season_for(self, product: str) -> str:
        """Return the season that drives this sector's use of a product."""
        return (self.product_seasons or {}).get(product, self.season)


MINING_REGIONS = ("Arequipa", "Moquegua", "Cajamarca", "Áncash", "Pasco", "Junín", "Apurímac",
                  "Tacna", "Cusco")

END_USE_SECTORS: tuple[Sector, ...] = (
    Sector("mining", "0729", "Extracción de otros minerales metalíferos no ferrosos", "end_user",
           4, {"sulphuric_98": (1.0, 900_000)}, "flat",
           ("Minera", "Compañía Minera", "Sociedad Minera"), MINING_REGIONS),
    Sector("batteries", "2720", "Fabricación de pilas, baterías y acumuladores", "end_user", 2,
           {"sulphuric_98": (1.0, 60_000)}, "flat", ("Baterías", "Acumuladores"),
           ("Lima", "Arequipa", "La Libertad")),
    Sector("fertiliser", "2012", "Fabricación de abonos y compuestos de nitrógeno", "end_user", 2,
           {"sulphuric_98": (1.0, 250_000)}, "agro", ("Fertilizantes", "Agroquímica", "Abonos"),
           ("Ica", "Piura", "Lambayeque", "La Libertad", "Arequipa")),
    Sector("cleaning", "2023", "Fabricación de jabones y detergentes, preparados para limpiar y "
           "pulir, perfumes y preparados de tocador", "end_user", 4,
           {"sulphuric_98": (0.5, 40_000), "acetone": (0.6, 6_000)}, "flat",
           ("Industrias", "Cosméticos", "Detergentes")),
    Sector("tanning", "1511", "Curtido y adobo de cueros; adobo y teñido de pieles", "end_user", 4,
           {"sulphuric_98": (0.7, 15_000), "hydrochloric_33": (0.5, 12_000)}, "flat",
           ("Curtiembre", "Curtidos"), ("La Libertad", "Arequipa", "Lima")),
    Sector("metal", "2592", "Tratamiento y revestimiento de metales; maquinado", "end_user", 4,
           {"hydrochloric_33": (1.0, 35_000), "sulphuric_98": (0.4, 10_000)}, "flat",
           ("Galvanizadora", "Metalmecánica", "Recubrimientos")),
    Sector("textile", "1313", "Acabado de productos textiles", "end_user", 5,
           {"hydrochloric_33": (0.6, 10_000), "permanganate": (0.8, 2_500)}, "flat",
           ("Textil", "Lavandería Industrial", "Tintorería"), ("Lima", "Arequipa", "Junín")),
    Sector("water", "3600", "Captación, tratamiento y distribución de agua", "end_user", 3,
           {"permanganate": (1.0, 9_000)}, "water", ("EPS", "Agua Potable", "Saneamiento")),
    Sector("paint", "2022", "Fabricación de pinturas, barnices y productos de revestimiento "
           "similares", "end_user", 5,
           {"toluene": (0.9, 45_000), "acetone": (0.5, 8_000), "mek": (0.6, 10_000)}, "paint",
           ("Pinturas", "Industrias de Pinturas", "Barnices")),
    Sector("adhesives", "2029", "Fabricación de otros productos químicos n.c.p.", "end_user", 3,
           {"toluene": (0.8, 30_000), "mek": (0.7, 14_000), "acetone": (0.5, 8_000)}, "flat",
           ("Adhesivos", "Pegamentos")),
    Sector("printing", "1811", "Actividades de impresión", "end_user", 4,
           {"mek": (0.8, 4_000), "toluene": (0.5, 6_000)}, "flat",
           ("Gráfica", "Imprenta", "Artes Gráficas")),
    Sector("footwear", "1520", "Fabricación de calzado", "end_user", 7,
           {"thinner_60": (0.6, 2_500), "acetone": (0.7, 1_500), "mek": (0.4, 1_200)}, "flat",
           ("Calzado", "Manufacturas de Calzado"), ("La Libertad", "Lima", "Arequipa")),
    Sector("furniture", "3100", "Fabricación de muebles", "end_user", 5,
           {"thinner_60": (1.0, 3_500)}, "paint", ("Muebles", "Mueblería", "Carpintería")),
    Sector("plastics", "2220", "Fabricación de productos de plástico", "end_user", 2,
           {"acetone": (1.0, 4_000), "mek": (0.3, 2_000)}, "flat",
           ("Plásticos", "Fibra de Vidrio")),
    Sector("pharma", "2100", "Fabricación de productos farmacéuticos, sustancias químicas "
           "medicinales y productos botánicos de uso farmacéutico", "pharma", 4,
           {"pseudoephedrine_hcl": (0.7, 40), "ephedrine_hcl": (0.25, 6), "acetone": (0.6, 5_000),
            "ethyl_ether": (0.4, 400), "acetic_anhydride": (0.15, 25_000)}, "flat",
           ("Laboratorios", "Farmacéutica", "Industria Farmacéutica"), ("Lima", "Callao"),
           product_seasons={"pseudoephedrine_hcl": "cold", "ephedrine_hcl": "cold"}),
    Sector("labs", "7120", "Ensayos y análisis técnicos", "laboratory", 4,
           {"hydrochloric_33": (0.8, 300), "sulphuric_98": (0.7, 250), "acetone": (0.6, 150),
            "ethyl_ether": (0.4, 40), "permanganate": (0.3, 15), "mek": (0.2, 30)}, "flat",
           ("Laboratorio", "Laboratorios de Ensayo", "Certificaciones")),
    Sector("university", "8530", "Enseñanza superior", "laboratory", 1,
           {"hydrochloric_33": (0.8, 120), "sulphuric_98": (0.6, 100), "acetone": (0.6, 60),
            "ethyl_ether": (0.5, 20)}, "flat", ("Universidad", "Instituto")),
)

SECTORS = {s.key: s for s in END_USE_SECTORS}

# Sectors of the supply side (role -> registry words).
SUPPLY_SECTORS = {
    "chemicals_wholesale": "4669 Venta al por mayor de productos químicos",
    "pharma_wholesale": "4649 Venta al por mayor de productos farmacéuticos y medicinales",
    "smelter": "2420 Fabricación de productos primarios de metales preciosos y otros metales "
               "no ferrosos",
    "chlor_alkali": "2011 Fabricación de sustancias químicas básicas",
    "blender": "2029 Fabricación de otros productos químicos n.c.p.",
}

REGIONS: dict[str, float] = {
    "Lima": 40, "Callao": 6, "Arequipa": 8, "La Libertad": 7, "Piura": 4, "Lambayeque": 3,
    "Junín": 4, "Cusco": 3, "Ica": 3, "Áncash": 3, "Cajamarca": 2, "Moquegua": 2, "Tacna": 2,
    "Puno": 2, "Pasco": 1, "Apurímac": 1, "Ayacucho": 1, "Huánuco": 1, "San Martín": 1,
    "Ucayali": 1, "Loreto": 1,
}

NAME_CORES = (
    "Andina", "del Pacífico", "Los Andes", "Santa Rosa", "San Martín", "Rímac", "Huallaga", "Inca",
    "Cóndor", "Vicuña", "Titicaca", "Misti", "Chavín", "Paracas", "Nazca", "Moche", "Chimú",
    "Pachacámac", "Amazonas", "Mantaro", "Sechura", "Huascarán", "Kuélap", "Lurín", "Chillón",
    "Urubamba", "Colca", "Marañón", "Continental", "Nacional", "Universal", "Integral",
    "del Norte", "del Sur", "Central", "Atlas", "Delta", "Omega", "Fénix", "Horizonte",
    "Progreso", "Unión", "Victoria", "Aurora", "Esperanza", "Pionera", "Quispe", "Mamani",
    "Huamán", "Rojas", "Flores", "Vargas", "Salazar", "Castillo", "Torres", "Ramírez",
    "Gutiérrez", "Chávez", "Paredes", "Benavides", "Wong", "Yamashiro", "Rossi", "Müller",
    "Zegarra", "Arana", "Bustamante", "Cárdenas", "Echevarría", "Ñahui", "Olaechea", "Prado",
    "Valdivia", "Ugarte", "Miraflores", "San Isidro", "Ate", "Chorrillos", "Tumbes", "Lucumo",
)
SUFFIXES = ("S.A.C.", "S.A.C.", "S.A.C.", "S.A.", "S.R.L.", "E.I.R.L.")
SUPPLY_PREFIXES = {
    "importer": ("Química Importadora", "Importaciones Químicas", "Corporación Química",
                 "Química Industrial"),
    "pharma_importer": ("Droguería", "Droguería Importadora"),
    "distributor": ("Distribuidora Química", "Comercial Química", "Insumos Químicos",
                    "Representaciones Químicas", "Química"),
    "pharma_distributor": ("Droguería", "Distribuidora Farmacéutica"),
    "smelter": ("Fundición y Refinería",),
    "chlor_alkali": ("Electroquímica",),
    "blender": ("Solventes y Diluyentes", "Diluyentes"),
}

FOREIGN_SUPPLIERS: dict[str, tuple[str, ...]] = {
    "US": ("Gulf Coast Solvents LLC", "Midwest Chemical Supply Inc."),
    "MX": ("Química Delta S.A. de C.V.",),
    "BR": ("Solventes Paulista Ltda.",),
    "KR": ("Hanil Petrochem Co., Ltd.",),
    "CN": ("Jiangsu Huaxin Chemical Co., Ltd.", "Shandong Lutai Fine Chemicals Co."),
    "IN": ("Gujarat Organics Pvt. Ltd.", "Deccan Pharma Ingredients Ltd."),
    "DE": ("Rheinchemie Handels GmbH",),
    "JP": ("Kansai Sulfur Trading K.K.",),
    "CL": ("Ácidos del Norte SpA",),
    "ES": ("Disolventes Levante S.L.",),
}
FOREIGN_BUYERS: dict[str, tuple[str, ...]] = {
    "BO": ("Química Boliviana S.R.L.", "Insumos del Oriente S.A."),
    "CL": ("Lixiviación Atacama SpA",),
    "EC": ("Químicos del Guayas S.A.",),
}
# Export routes: destination -> customs office (code, name).
EXPORT_OFFICES = {"BO": ("181", "Puno"), "CL": ("172", "Tacna"), "EC": ("019", "Tumbes")}
IMPORT_OFFICES = {"sea": ("118", "Marítima del Callao"),
                  "air": ("235", "Aérea y Postal del Callao"),
                  "south": ("145", "Mollendo"), "north": ("046", "Paita")}


def sector_of_key(key: str) -> Sector | None:
    """Return the end-use sector with this key, None for supply-side sectors."""
    return SECTORS.get(key)
