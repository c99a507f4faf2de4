"""Countries: ISO 3166-1 alpha-2 codes, and the names people write for the usual partners."""

from __future__ import annotations

from importers.text import normalise_text

ISO_ALPHA2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - a table reads better as text
)

# Names in Spanish, Portuguese and English, plus alpha-3 codes, for the countries that
# appear in Latin American precursor trade; anything else must be written as alpha-2.
_NAMES: dict[str, tuple[str, ...]] = {
    "AR": ("Argentina", "ARG"),
    "BO": ("Bolivia", "Bolívia", "BOL"),
    "BR": ("Brasil", "Brazil", "BRA"),
    "CL": ("Chile", "CHL"),
    "CO": ("Colombia", "Colômbia", "COL"),
    "CR": ("Costa Rica", "CRI"),
    "CU": ("Cuba", "CUB"),
    "DO": ("República Dominicana", "Dominican Republic", "DOM"),
    "EC": ("Ecuador", "Equador", "ECU"),
    "SV": ("El Salvador", "SLV"),
    "GT": ("Guatemala", "GTM"),
    "HN": ("Honduras", "HND"),
    "MX": ("México", "Mexico", "MEX"),
    "NI": ("Nicaragua", "Nicarágua", "NIC"),
    "PA": ("Panamá", "Panama", "PAN"),
    "PY": ("Paraguay", "Paraguai", "PRY"),
    "PE": ("Perú", "Peru", "PER"),
    "PR": ("Puerto Rico", "Porto Rico", "PRI"),
    "UY": ("Uruguay", "Uruguai", "URY"),
    "VE": ("Venezuela", "VEN"),
    "GY": ("Guyana", "Guiana", "GUY"),
    "SR": ("Surinam", "Suriname", "SUR"),
    "BZ": ("Belice", "Belize", "BLZ"),
    "JM": ("Jamaica", "JAM"),
    "TT": ("Trinidad y Tobago", "Trinidad e Tobago", "Trinidad and Tobago", "TTO"),
    "HT": ("Haití", "Haiti", "HTI"),
    "US": ("Estados Unidos", "Estados Unidos de América", "EEUU", "EE UU", "EUA", "USA",
           "United States", "United States of America"),
    "CA": ("Canadá", "Canada", "CAN"),
    "CN": ("China", "República Popular China", "CHN"),
    "IN": ("India", "Índia", "IND"),
    "DE": ("Alemania", "Alemanha", "Germany", "DEU"),
    "ES": ("España", "Espanha", "Spain", "ESP"),
    "PT": ("Portugal", "PRT"),
    "NL": ("Países Bajos", "Holanda", "Países Baixos", "Netherlands", "Holland", "NLD"),
    "BE": ("Bélgica", "Belgium", "BEL"),
    "FR": ("Francia", "França", "France", "FRA"),
    "IT": ("Italia", "Itália", "Italy", "ITA"),
    "GB": ("Reino Unido", "United Kingdom", "UK", "Gran Bretaña", "GBR"),
    "CH": ("Suiza", "Suíça", "Switzerland", "CHE"),
    "JP": ("Japón", "Japão", "Japan", "JPN"),
    "KR": ("Corea del Sur", "Corea", "Coreia do Sul", "South Korea", "Korea", "KOR"),
    "TW": ("Taiwán", "Taiwan", "TWN"),
    "SG": ("Singapur", "Singapura", "Singapore", "SGP"),
    "TR": ("Turquía", "Turquia", "Turkey", "Türkiye", "TUR"),
    "RU": ("Rusia", "Rússia", "Russia", "RUS"),
    "ZA": ("Sudáfrica", "África do Sul", "South Africa", "ZAF"),
}

_BY_NAME = {normalise_text(n): code for code, names in _NAMES.items() for n in names}


def country_code(text: str) -> str | None:
    """Return the ISO alpha-2 code for a code or a common country name, else None."""
    stripped = text.strip()
    if len(stripped) == 2 and stripped.upper() in ISO_ALPHA2:
        return stripped.upper()
    return _BY_NAME.get(normalise_text(stripped))
