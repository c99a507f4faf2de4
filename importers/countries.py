"""Countries: ISO 3166-1 alpha-2 codes, and the names people write for the usual partners."""

from __future__ import annotations

import re

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
    "BO": ("Bolivia", "Bolívia", "BOL", "Bolivia (Estado Plurinacional de)",
           "Estado Plurinacional de Bolivia", "Bolivia (Plurinational State of)",
           "Plurinational State of Bolivia"),
    "BR": ("Brasil", "Brazil", "BRA"),
    "CL": ("Chile", "CHL"),
    "CO": ("Colombia", "Colômbia", "COL"),
    "CR": ("Costa Rica", "CRI"),
    "CU": ("Cuba", "CUB"),
    "DO": ("República Dominicana", "Rep. Dominicana", "R. Dominicana", "Dominican Republic",
           "DOM"),
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
    "VE": ("Venezuela", "VEN", "Venezuela (República Bolivariana de)",
           "República Bolivariana de Venezuela", "Venezuela (Bolivarian Republic of)",
           "Bolivarian Republic of Venezuela"),
    "GY": ("Guyana", "Guiana", "GUY"),
    "SR": ("Surinam", "Suriname", "SUR"),
    "BZ": ("Belice", "Belize", "BLZ"),
    "JM": ("Jamaica", "JAM"),
    "TT": ("Trinidad y Tobago", "Trinidad e Tobago", "Trinidad and Tobago", "TTO",
           "Trinidad & Tobago"),
    "HT": ("Haití", "Haiti", "HTI"),
    "US": ("Estados Unidos", "Estados Unidos de América", "EEUU", "EE UU", "EUA", "USA",
           "United States", "United States of America", "U.S.A.", "E.E.U.U.", "U.S.",
           "Estados Unidos da América"),
    "CA": ("Canadá", "Canada", "CAN"),
    "CN": ("China", "República Popular China", "CHN", "República Popular de China",
           "People's Republic of China"),
    "HK": ("Hong Kong", "Hong Kong, China", "China, Hong Kong SAR", "Hong Kong SAR", "HKG"),
    "IN": ("India", "Índia", "IND"),
    "DE": ("Alemania", "Alemanha", "Germany", "DEU", "Alemania, República Federal",
           "República Federal de Alemania"),
    "ES": ("España", "Espanha", "Spain", "ESP"),
    "PT": ("Portugal", "PRT"),
    "NL": ("Países Bajos", "Holanda", "Países Baixos", "Netherlands", "Holland", "NLD",
           "Holanda (Países Bajos)", "Países Bajos (Holanda)", "Netherlands (Kingdom of the)"),
    "BE": ("Bélgica", "Belgium", "BEL"),
    "FR": ("Francia", "França", "France", "FRA"),
    "IT": ("Italia", "Itália", "Italy", "ITA"),
    "GB": ("Reino Unido", "United Kingdom", "UK", "Gran Bretaña", "GBR", "Inglaterra", "England",
           "Reino Unido de Gran Bretaña e Irlanda del Norte"),
    "IE": ("Irlanda", "Ireland", "IRL"),
    "IL": ("Israel", "ISR"),
    "AE": ("Emiratos Árabes Unidos", "Emirados Árabes Unidos", "United Arab Emirates", "ARE"),
    "AU": ("Australia", "Austrália", "AUS"),
    "AT": ("Austria", "Áustria", "AUT"),
    "DK": ("Dinamarca", "Denmark", "DNK"),
    "SE": ("Suecia", "Suécia", "Sweden", "SWE"),
    "PL": ("Polonia", "Polônia", "Poland", "POL"),
    "TH": ("Tailandia", "Tailândia", "Thailand", "THA"),
    "MY": ("Malasia", "Malásia", "Malaysia", "MYS"),
    "ID": ("Indonesia", "Indonésia", "IDN"),
    "VN": ("Vietnam", "Viet Nam", "Vietnã", "VNM"),
    "PH": ("Filipinas", "Philippines", "PHL"),
    "CH": ("Suiza", "Suíça", "Switzerland", "CHE"),
    "JP": ("Japón", "Japão", "Japan", "JPN"),
    "KR": ("Corea del Sur", "Corea", "Coreia do Sul", "South Korea", "Korea", "KOR",
           "República de Corea", "Republic of Korea", "Korea, Republic of", "Coreia",
           "Corea (Sur), República de", "Corea, República de", "Korea (South)"),
    "TW": ("Taiwán", "Taiwan", "TWN", "China, Taiwan", "Taiwán (Provincia china de)",
           "Taiwan, Province of China", "China, Taiwan Province of", "Taiwan Province of China"),
    "SG": ("Singapur", "Singapura", "Singapore", "SGP"),
    "TR": ("Turquía", "Turquia", "Turkey", "Türkiye", "TUR"),
    "RU": ("Rusia", "Rússia", "Russia", "RUS", "Federación de Rusia", "Russian Federation",
           "Rusia (Federación de)", "Federação Russa"),
    "ZA": ("Sudáfrica", "África do Sul", "South Africa", "ZAF"),
    "IR": ("Irán", "Iran", "Irã", "Iran (Islamic Republic of)", "IRN"),
    "SA": ("Arabia Saudita", "Arábia Saudita", "Saudi Arabia", "SAU"),
    "CZ": ("Chequia", "República Checa", "Tchéquia", "Czech Republic", "Czechia", "CZE"),
    "HU": ("Hungría", "Hungria", "Hungary", "HUN"),
    "EG": ("Egipto", "Egito", "Egypt", "EGY"),
    "MA": ("Marruecos", "Marrocos", "Morocco", "MAR"),
    "NZ": ("Nueva Zelanda", "Nova Zelândia", "New Zealand", "NZL"),
    "MO": ("Macao", "Macau", "MAC"),
    "CW": ("Curazao", "Curaçao", "CUW"),
    "AW": ("Aruba", "ABW"),
    "KY": ("Islas Caimán", "Ilhas Cayman", "Cayman Islands", "CYM"),
    "BS": ("Bahamas", "BHS"),
    "BB": ("Barbados", "BRB"),
    "DM": ("Dominica", "DMA"),
    "GD": ("Granada", "Grenada", "GRD"),
    "LC": ("Santa Lucía", "Saint Lucia", "Santa Lúcia", "LCA"),
}

_BY_NAME = {normalise_text(n): code for code, names in _NAMES.items() for n in names}
_ALPHA3 = frozenset(n.upper() for names in _NAMES.values() for n in names if len(n) == 3)


# A code and a name as customs and registry systems list them: "CO - COLOMBIA", "CO: Colombia",
# "Colombia (CO)".
_CODE_THEN_NAME = re.compile(r"([A-Za-z]{2,3}|\d{3})\s*[-–—:]\s*(.+)")
_NAME_THEN_CODE = re.compile(r"(.+?)\s*\(([A-Za-z]{2,3})\)")


def country_code(text: str) -> str | None:
    """Return the ISO alpha-2 code for a code or a common country name, else None."""
    stripped = text.strip()
    if len(stripped) == 2 and stripped.upper() in ISO_ALPHA2:
        return stripped.upper()
    if found := _BY_NAME.get(normalise_text(stripped)):
        return found
    pair = _CODE_THEN_NAME.fullmatch(stripped)
    code, name = (pair[1], pair[2]) if pair else (None, None)
    if pair is None and (pair := _NAME_THEN_CODE.fullmatch(stripped)):
        code, name = pair[2], pair[1]
    if code is None:
        return None
    if code.isdigit():  # an ISO numeric code: the name decides (the table has no numbers)
        return _BY_NAME.get(normalise_text(name))
    by_code = country_code(code) if len(code) == 2 or code.upper() in _ALPHA3 else None
    by_name = _BY_NAME.get(normalise_text(name))
    if by_code and (by_name is None or by_name == by_code):
        return by_code  # a name we do not know does not overrule its code
    return None
