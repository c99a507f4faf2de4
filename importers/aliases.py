"""The one table of header names: canonical column -> what accountants really write.

Headers are compared after `normalise_header` (case, accents, punctuation, "Nº"/"nro"/
"número" and connector words like "de" do not matter, nor does word order), so each alias
is written once the way people type it. The same word may stand for different canonical
columns in different feeds ("cantidad" is `quantity` in a declaration, `quantity_kg` in a
baseline file); within one feed an alias must be unambiguous (a test checks this).
Weak aliases ("producto", "CAS", "cliente") are used only when no column carries a strong
alias for that canonical name, so a file with both "Sustancia" and "CAS" keeps CAS as extra.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cache

from importers.text import normalise_text

_NUMBER_WORDS = frozenset({"n", "no", "nro", "nr", "num", "numero", "number", "nbr", "nos"})
_CONNECTORS = frozenset(
    {"de", "del", "la", "el", "los", "las", "da", "do", "das", "dos", "of", "the", "en", "em",
     "y", "e", "and", "por", "per"}
)

_LICENCE = (
    "licence_no", "licence no", "licence number", "license no", "license number", "licence",
    "license", "Nº licencia", "N° de licencia", "licencia", "número de licencia",
    "nro licencia", "registro", "Nº registro", "número de registro", "número de inscripción",
    "inscripción", "código de registro", "número de autorización", "autorización",
    "número de licença", "licença", "registro do operador", "licencia del declarante",
    "registro del declarante", "registration no", "permit no",
    # the names of the national registers: Peru IQBF/RCBF, Argentina RENPRE, Colombia CCITE,
    # Ecuador calificación, Mexico permiso, Brazil CLF/CRC (Polícia Federal)
    "registro IQBF", "Nº registro IQBF", "registro RCBF", "Nº RCBF", "RENPRE", "Nº RENPRE",
    "inscripción RENPRE", "CCITE", "Nº CCITE", "certificado de carencia", "calificación",
    "código de calificación", "Nº calificación", "permiso", "Nº permiso", "Nº de permiso",
    "CLF", "Nº CLF", "CRC", "Nº CRC", "licença PF", "registro único", "Nº registro único",
)
_TAX_ID = (
    "tax_id", "tax id", "tax number", "taxpayer id", "vat number", "RUC", "RUT", "NIT", "CUIT",
    "CUIL", "CNPJ", "RFC", "NIF", "cédula jurídica", "identificación fiscal", "id fiscal",
    "identificación tributaria", "número de identificación tributaria", "registro tributario",
)
_SUBSTANCE = (
    "substance", "substance name", "chemical", "sustancia", "sustancia química",
    "sustancia controlada", "nombre de la sustancia", "substância", "substancia",
    "produto químico", "producto químico", "insumo químico", "insumo químico fiscalizado",
    "IQBF", "bien fiscalizado", "precursor", "sustancia fiscalizada", "insumo",
    "descripción del insumo", "nombre del insumo", "insumo fiscalizado", "insumo químico",
    "descripción del bien fiscalizado", "nombre del bien fiscalizado", "descripción IQBF",
    "descripción de la sustancia", "nombre del producto químico", "nome da substância",
    "descrição da substância", "produto controlado", "producto controlado",
    "sustancia química controlada", "nombre comercial", "nombre químico",
)
_SUBSTANCE_WEAK = (
    "producto", "produto", "product", "CAS", "Nº CAS", "código CAS", "material",
    "nombre del producto", "descripción", "descripción del producto", "descrição",
    "descrição do produto", "artículo", "item description", "description",
)
_COUNTRY = ("país", "pais", "country", "nación")
_DOCUMENT_DATES = (
    "fecha del documento", "fecha de documento", "fecha doc.", "fecha emisión", "F. emisión",
    "fecha de emisión", "fecha factura", "fecha de factura", "fecha de la factura",
    "data de emissão", "data emissão", "fecha de despacho", "fecha de guía", "fecha comprobante",
    "data da nota", "invoice date", "document date",
)
_QUANTITY_KG = (
    "quantity_kg", "quantity kg", "quantity", "cantidad", "cantidad kg", "cantidad en kg",
    "cantidad (kg)", "quantidade", "quantidade kg", "kg", "kilogramos", "qty", "cant.",
)



# Quantity headers that name their unit ("Cantidad (Kg)"): the unit column may be left out,
# and when it is there it must agree. Codes as in importers.codes.UNIT.
QUANTITY_HEADER_UNITS: dict[str, tuple[str, ...]] = {
    "kg": ("cantidad kg", "cantidad en kg", "cantidad (kg)", "cantidad en kilos",
           "cantidad kilos", "cantidad en kilogramos", "peso neto kg", "peso neto (kg)",
           "peso kg", "peso (kg)", "peso en kg", "kilos", "kilogramos", "kg", "kgs",
           "quantidade kg", "quantidade (kg)", "peso líquido kg", "peso líquido (kg)",
           "cantidad neta kg", "cantidad neta (kg)", "qty kg", "quantity kg"),
    "L": ("cantidad litros", "cantidad en litros", "cantidad (L)", "cantidad L",
          "cantidad (lt)", "cantidad lts", "volumen (L)", "volumen L", "volumen en litros",
          "litros", "quantidade (L)", "quantidade litros", "qty L", "quantity L"),
    "t": ("cantidad t", "cantidad (t)", "cantidad TM", "cantidad (TM)", "cantidad en toneladas",
          "cantidad toneladas", "toneladas", "peso neto TM", "peso neto (TM)",
          "quantidade (t)", "quantidade toneladas"),
    "g": ("cantidad g", "cantidad (g)", "cantidad en gramos", "cantidad gramos", "gramos",
          "quantidade (g)"),
    "gal": ("cantidad galones", "cantidad en galones", "cantidad (gal)", "galones"),
}


def _with_pct(*aliases: str) -> tuple[str, ...]:
    """Give each alias also with a percent sign: 'Conc. (%)', 'Riqueza %', 'Teor (%)'."""
    return (*aliases, *(f"{a} %" for a in aliases if "%" not in a), "%", "pct", "percent")


HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    # registry
    "licence_no": _LICENCE,
    "operator_name": (
        "operator_name", "operator", "operator name", "company", "company name", "razón social",
        "razão social", "nombre de la empresa", "empresa", "nome empresarial", "nome da empresa",
        "denominación social", "operador", "titular", "nombre del operador",
    ),
    "tax_id": _TAX_ID,
    "activity": (
        "activity", "activities", "actividad", "actividades", "atividade", "atividades",
        "tipo de actividad", "actividad autorizada", "actividades autorizadas",
        "operaciones autorizadas", "licensed activity", "atividade autorizada",
        "atividades autorizadas", "tipo de atividade",
    ),
    "substance": _SUBSTANCE,
    "annual_quota_kg": (
        "annual_quota_kg", "annual quota", "annual quota kg", "quota", "quota kg", "cupo",
        "cupo anual", "cupo kg", "cupo anual kg", "cuota", "cuota anual", "cota", "cota anual",
        "cantidad autorizada", "cantidad anual autorizada", "límite anual",
    ),
    "valid_from": (
        "valid_from", "valid from", "start date", "issue date", "vigencia desde", "vigente desde",
        "fecha inicio", "fecha de inicio", "fecha de emisión", "fecha de otorgamiento",
        "inicio vigencia", "válido desde", "desde", "fecha de inscripción", "data de início",
        "data início", "data de emissão", "válida desde", "fecha de autorización",
    ),
    "valid_to": (
        "valid_to", "valid to", "valid until", "end date", "expiry", "expiry date",
        "expiration date", "vigencia hasta", "vigente hasta", "fecha fin", "fecha de fin",
        "fecha de vencimiento", "vencimiento", "fecha de caducidad", "válido hasta", "hasta",
        "fin vigencia", "data de validade", "validade", "data fim", "data de vencimento",
        "vencimento", "válida até", "válida hasta",
    ),
    "status": (
        "status", "estado", "situación", "situação", "estado de la licencia",
        "estado licencia", "estado de la notificación", "respuesta", "resposta",
        "status da notificação", "licence status", "notification status", "status of reply",
        "reply", "reply status", "response", "estado de la respuesta",
    ),
    "region": (
        "region", "región", "provincia", "departamento", "UF", "distrito", "localidad",
        "ubicación", "zona", "state", "province",
    ),
    "sector": (
        "sector", "actividad económica", "CIIU", "ISIC", "CNAE", "giro", "giro del negocio",
        "rubro", "atividade econômica", "ramo", "ramo de actividad", "economic activity",
        "industry", "sector económico", "sector económico (CIIU)", "código CIIU",
        "actividad económica (CIIU)", "actividad económica principal", "CIIU rev 4",
        "código CNAE", "CNAE principal", "atividade econômica (CNAE)", "setor",
        "setor econômico", "ISIC code",
    ),
    # declarations
    "period": (
        "period", "periodo", "período", "mes", "mês", "mes declarado", "periodo declarado",
        "periodo tributario", "mes/año", "mes y año", "competencia", "competência",
        "mes de referencia", "mês de referência", "month", "reporting period",
        "mes de declaración", "periodo AAAA-MM", "periodo MM/AAAA", "periodo AAAAMM",
        "periodo YYYY-MM", "periodo de declaración", "período de apuração", "mes/ano",
        "periodo informado", "mes informado",
    ),
    "movement": (
        "movement", "movement type", "movimiento", "tipo de movimiento", "tipo de operación",
        "operación", "operação", "tipo de operação", "movimentação", "movimento",
        "transacción", "tipo de transacción", "tipo movimiento", "transaction",
        "tipo de movimento", "tipo movimento", "tipo de movimentação", "tipo mov.", "mov.",
        "tipo de mov.", "clase de movimiento", "naturaleza del movimiento",
        "natureza da operação", "natureza do movimento", "transação", "tipo de transação",
        "transaction type", "tipo de op.", "tipo op.", "concepto del movimiento",
        "tipo de registro", "clase de operación", "tipo de ingreso/salida",
    ),
    "date": (
        "date", "fecha", "data", "fecha de movimiento", "fecha de operación",
        "data do movimento", "data da operação", "fecha de aceptación", "fecha de numeración",
        "data de registro", "fecha de envío", "fecha de notificación", "data de envio",
        "acceptance date", "movement date", "fecha de la transacción", "fecha mov.",
        "fecha del movimiento", "transaction date", "date of transaction",
        "date of notification", "notification date", "date sent", "date of issue",
        "data da notificação",
    ),
    "quantity": (
        "quantity", "qty", "cantidad", "cant.", "cant", "quantidade", "qtd", "qtde",
        "cantidad declarada", "cantidad de producto", "cantidad producto", "volumen",
        "amount", "cantidad neta", "cantidad física", "cantidad del insumo", "quant.",
        "quantidade declarada", "cantidad movida",
    ),
    "unit": (
        "unit", "unidad", "unidade", "unidad de medida", "unidade de medida", "UM", "U.M.",
        "U/M", "UOM", "unit of measure", "medida", "und", "unid", "unidades",
        "unid. medida", "unidad med.", "U. medida", "unid. de medida", "und. medida",
        "unidad de medida comercial", "unid. med.", "UND", "un", "unid.", "U.M",
    ),
    "concentration_pct": _with_pct(
        "concentration_pct", "concentration", "concentración", "concentração", "conc.",
        "conc", "concentr.", "pureza", "riqueza", "teor", "purity", "% w/w", "% p/p",
        "% m/m", "% peso", "porcentaje", "percentual", "porcentagem", "ley %", "grado %",
        "concentración del producto", "concentración de la sustancia", "% de sustancia",
        "% sustancia", "% de pureza", "% de concentración", "% da substância",
        "teor da substância", "strength", "assay", "concentración p/p", "pureza p/p",
        "concentración w/w", "concentración (% en peso)", "conc. p/p", "porcentaje de pureza",
    ),
    "counterparty_licence": (
        "counterparty_licence", "counterparty licence", "counterparty license",
        "licencia contraparte", "licencia de la contraparte", "licencia cliente/proveedor",
        "licencia del cliente", "licencia del proveedor", "licencia proveedor/cliente",
        "registro cliente/proveedor", "registro del cliente", "registro del proveedor",
        "registro contraparte", "licença contraparte", "registro da contraparte",
        "licencia tercero", "Nº registro cliente/proveedor", "registro IQBF del cliente",
        "registro IQBF del proveedor", "registro IQBF cliente/proveedor", "customer licence",
        "supplier licence", "customer/supplier licence", "customer license", "supplier license",
        "RENPRE del cliente", "RENPRE del proveedor", "RENPRE cliente/proveedor",
        "licença do cliente", "licença do fornecedor", "CRC do cliente", "CRC do fornecedor",
    ),
    "counterparty_name": (
        "counterparty_name", "counterparty", "counterparty name", "contraparte",
        "nombre contraparte", "nombre de la contraparte", "cliente/proveedor",
        "proveedor/cliente", "razón social contraparte", "razón social cliente/proveedor",
        "tercero", "nombre del tercero", "fornecedor/cliente", "cliente/fornecedor",
        "nome da contraparte", "razão social contraparte", "razón social cliente",
        "razón social proveedor", "razón social del cliente", "razón social del proveedor",
        "nombre proveedor/cliente", "nombre cliente/proveedor", "nombre del cliente",
        "nombre del proveedor", "cliente o proveedor", "proveedor o cliente", "nome do cliente",
        "nome do fornecedor", "razão social do cliente", "razão social do fornecedor",
        "razón social proveedor/cliente", "razón social cliente/proveedor",
        "destinatario/remitente", "remitente/destinatario", "customer/supplier",
        "supplier/customer", "customer or supplier", "client/supplier", "customer name",
        "supplier name",
    ),
    "counterparty_country": (
        "counterparty_country", "counterparty country", "país contraparte",
        "país de origen/destino", "país origen/destino", "país de procedencia/destino",
        "país do fornecedor/cliente", "país de origem/destino", *_COUNTRY,
    ),
    "document_ref": (
        "document_ref", "document", "document no", "documento", "Nº documento",
        "número de documento", "factura", "Nº factura", "comprobante", "Nº comprobante",
        "nota fiscal", "NF", "Nº NF", "NF-e", "documento de soporte", "documento soporte",
        "referencia", "invoice", "invoice no", "doc", "referência", "documento de referencia",
        "Nº factura/guía", "factura/guía", "guía/factura", "comprobante de pago",
        "Nº comprobante de pago", "serie-número", "serie y número", "Nº de documento",
        "documento sustentatorio", "Nº documento sustentatorio", "Nº nota fiscal",
        "número da nota fiscal", "Nº NF-e", "Nº de factura", "factura o guía", "CFDI", "folio",
        "folio fiscal", "Nº folio", "doc no", "invoice number", "reference no",
    ),
    "payment_method": (
        "payment_method", "payment method", "payment", "forma de pago", "medio de pago",
        "modalidad de pago", "tipo de pago", "pago", "forma de pagamento", "meio de pagamento",
        "pagamento", "forma pago", "modo de pago",
        "modo de pagamento", "tipo de pagamento", "payment type", "paid by",
        "medio de pago utilizado", "forma de cobro", "medio de cobro", "forma de pago/cobro",
        "medio de pago/cobro",
    ),
    "delivery": (
        "delivery", "delivery method", "entrega", "tipo de entrega", "forma de entrega",
        "modalidad de entrega", "modo de entrega", "retiro/entrega", "entrega/retiro",
        "tipo de despacho", "forma de despacho", "modalidad de despacho",
        "condición de entrega", "condiciones de entrega", "entrega/recojo", "recojo/entrega",
        "retiro o entrega", "modalidade de entrega", "tipo de entrega/retirada",
        "entrega/retirada", "forma de envio", "delivery mode", "delivery terms",
        "modalidad de despacho/retiro", "tipo de retiro", "forma de retiro", "despacho/retiro",
        "retiro/despacho", "modalidad de traslado", "entrega o retiro",
    ),
    # customs
    "declaration_no": (
        "declaration_no", "declaration no", "customs declaration", "declaration", "DUA", "DUI",
        "DAM", "DI", "DUE", "DUCA", "DAI", "DEX", "pedimento", "número de pedimento",
        "Nº declaración", "número de declaración", "declaración", "declaración aduanera",
        "Nº DUA", "Nº DAM", "declaração", "número da declaração", "Nº DI",
        "Nº DUI", "Nº DUE", "Nº DEX", "Nº DUCA", "Nº pedimento", "Nº DAI", "número DUA",
        "número DAM", "número de DUA", "número de DAM", "DUA/DAM", "Nº declaración aduanera",
        "Nº de declaración", "declaración de importación", "declaración de exportación",
        "Nº DIN", "DIN", "Nº DUS", "DUS", "Nº DI/DUE", "número da DI", "número da DUE",
    ),
    "item_no": (
        "item_no", "item no", "item", "ítem", "Nº ítem", "número de ítem", "serie", "Nº serie",
        "adición", "adição", "línea", "Nº línea", "secuencia", "line", "line no",
        "item number", "Nº serie DUA", "serie DUA", "Nº adición", "Nº adição", "Nº de serie",
        "Nº de ítem", "Nº de línea", "partida del pedimento", "secuencia de la partida",
    ),
    "flow": (
        "flow", "trade flow", "direction", "régimen", "régimen aduanero", "tipo de régimen",
        "flujo", "fluxo", "sentido", "tipo de operación", "operación", "tipo de declaración",
        "import/export", "importación/exportación", "tipo de operação", "operação",
        "importação/exportação", "tipo de régimen aduanero",
    ),
    "hs_code": (
        "hs_code", "hs code", "HS", "HS6", "tariff code", "commodity code",
        "partida arancelaria", "subpartida", "subpartida arancelaria", "subpartida nacional",
        "código SA", "SA", "NCM", "código NCM", "NALADISA", "NANDINA", "posición arancelaria",
        "fracción arancelaria", "fracción", "código arancelario", "SH", "código SH",
    ),
    "goods_description": (
        "goods_description", "goods description", "description", "descripción",
        "descripción de la mercancía", "descripción comercial", "descripción mercancía",
        "descrição", "descrição da mercadoria", "mercancía", "mercadería", "mercadoria",
        "descripción de la mercadería", "descrição do produto",
    ),
    "net_mass_kg": (
        "net_mass_kg", "net mass", "net mass kg", "net weight", "net weight kg", "peso neto",
        "peso neto kg", "masa neta", "masa neta (kg)", "peso líquido", "peso líquido kg",
        "kg neto", "kilos netos", "kg netos",
    ),
    "trader_tax_id": (
        "trader_tax_id", "trader tax id", "RUC importador/exportador", "RUC del importador",
        "RUC importador", "RUC exportador", "NIT importador", "NIT exportador", "RUT importador",
        "RUT exportador", "CUIT importador", "CUIT exportador", "CNPJ importador",
        "CNPJ exportador", "RFC importador", "RFC exportador", "documento del importador",
        "identificación del importador", "importer/exporter tax id", "importer tax id",
        "exporter tax id", "CNPJ do importador", "CNPJ do exportador", "NIT del importador",
        "NIT del exportador", "RUT del importador", "CUIT del importador", *_TAX_ID,
    ),
    "trader_name": (
        "trader_name", "trader", "trader name", "importador/exportador", "importer/exporter",
        "razón social", "razão social", "nombre del importador", "nombre del exportador",
        "razón social importador", "razón social exportador", "nome do importador",
        "nome do exportador",
    ),
    "partner_country": (
        "partner_country", "partner country", "país de origen", "país origen", "país de destino",
        "país destino", "país origen/destino", "país de origen/destino", "país de origem",
        "país de origem/destino", "origin country", "destination country", "country of origin",
        "country of origin/destination", "origin/destination country", "partner",
        *_COUNTRY,
    ),
    "customs_office": (
        "customs_office", "customs office", "aduana", "aduana de despacho", "intendencia de aduana",
        "oficina aduanera", "alfândega", "unidade RFB", "recinto aduanero", "aduana de ingreso",
        "aduana de salida", "URF de despacho", "customs", "intendencia",
        "intendencia de aduanas", "aduana de ingreso/salida", "código de aduana",
    ),
    "statistical_value_usd": (
        "statistical_value_usd", "statistical value", "statistical value usd",
        "valor estadístico", "valor FOB", "valor FOB USD", "FOB USD", "FOB", "FOB US$",
        "valor FOB US$", "value usd", "valor US$", "valor USD", "valor en dólares",
        "valor dólares", "valor estatístico",
    ),
    # baselines
    "year": (
        "year", "año", "ejercicio", "exercício", "gestión", "año fiscal", "ano fiscal",
        "calendar year",
    ),
    "quantity_kg": _QUANTITY_KG + (
        "necesidad", "necesidad legítima", "requerimiento", "requerimiento anual",
        "necesidad anual", "previsão", "estimación", "estimado kg", "cantidad estimada",
        "cantidad notificada", "legitimate requirement", "annual requirement", "estimate",
        "necessidade", "necessidade legítima", "quantidade notificada",
        "annual legitimate requirement", "annual legitimate requirements", "ALR",
        "estimated annual requirement", "estimated requirement", "necesidad legítima anual",
        "requerimiento legítimo", "requerimiento legítimo anual", "necessidade anual",
    ),
    "source": ("source", "fuente", "fonte", "source of estimate", "fuente de la estimación"),
    # export notifications
    "notification_ref": (
        "notification_ref", "notification ref", "notification", "notification no",
        "notificación", "Nº notificación", "número de notificación", "referencia",
        "ref", "PEN", "PEN online", "PEN ref", "Nº PEN", "número PEN", "notificação",
        "referência", "número da notificação", "pre-export notification",
        "pre-export notification reference", "pre-export notification no", "PEN reference",
        "notification reference", "referencia de la notificación", "referencia PEN",
    ),
    "exporter_licence": (
        "exporter_licence", "exporter licence", "exporter license", "licencia exportador",
        "licencia del exportador", "registro del exportador", "licença do exportador",
        "exporter licence no", "exporter license no", "exporter licence number",
        "exporter license number", "exporter registration no",
        *_LICENCE,
    ),
    "importer_name": (
        "importer_name", "importer", "importer name", "importador", "nombre del importador",
        "empresa importadora", "destinatario", "consignatario", "consignee", "nome do importador",
        "importador/destinatario",
    ),
    "importing_country": (
        "importing_country", "importing country", "país importador", "país de destino",
        "país destino", "destino", "destination country", "destination", *_COUNTRY,
    ),
}

WEAK_ALIASES: dict[str, tuple[str, ...]] = {
    "substance": _SUBSTANCE_WEAK,
    "movement": ("tipo", "type", "concepto", "concepto de movimiento", "motivo"),
    # weak: beside a "Cantidad" column, "Peso (Kg)" is its conversion and stays extra
    "quantity": (
        "peso neto", "peso", "peso líquido",
        *(alias for aliases in QUANTITY_HEADER_UNITS.values() for alias in aliases),
    ),
    "counterparty_name": ("cliente", "proveedor", "fornecedor", "customer", "supplier"),
    "counterparty_country": ("origen/destino", "procedencia/destino"),
    # a delivery note beside the invoice ("Guía" and "Factura"): the invoice is the reference
    "document_ref": ("DUA", "DAM", "número de DUA", "guía", "guía de remisión", "Nº guía",
                     "Nº guía de remisión", "remito", "Nº remito", "Nº de guía"),
    "goods_description": ("producto", "produto", "detalle", "detalhe"),
    "trader_name": ("importador", "exportador", "empresa", "operador"),
    "partner_country": (
        "país de procedencia", "país de embarque", "procedencia", "origen", "país de adquisición",
        "país de compra", "país de expedición",
    ),
    "statistical_value_usd": ("valor", "valor CIF", "CIF USD", "valor aduana", "valor en aduana"),
    "year": ("periodo", "período"),
    "source": ("origen", "referencia", "observaciones"),
    "region": ("ciudad", "municipio", "cidade", "estado/provincia"),
    # a document's date, beside the movement's own ("Fecha" and "Fecha de factura"), stays extra
    "date": ("fecha de levante", "fecha de embarque", *_DOCUMENT_DATES),
    "flow": ("tipo",),
}

# Weak aliases that name one column or another depending on what else the header has: in a
# Mexican pedimento "Partida" is the item (the code is the "Fracción arancelaria"); in an
# Andean extract it is the tariff heading (the item is the "Serie"). Each goes to the first
# of its columns the stronger headers left unfound.
SHARED_WEAK_ALIASES: dict[str, tuple[str, ...]] = {
    "partida": ("item_no", "hs_code"),
    "Nº partida": ("item_no", "hs_code"),
}


# Templates that number their columns: "1. Licencia", "2) Período", "(3) Fecha", "04 - Cantidad".
_NUMBERED = re.compile(r"\s*\(?\d{1,2}(?:\.\d{1,2})*(?:\s*[.):\-–]\s*|\s+)(?=[^\W\d_])")


def normalise_header(text: object) -> str:
    """Reduce a header to comparable words: no case, accents, punctuation, order or filler."""
    raw = _NUMBERED.sub("", str(text), count=1)
    raw = raw.replace("%", " pct ").replace("#", " no ")
    words = normalise_text(raw).split()
    words = ["no" if w in _NUMBER_WORDS else w for w in words if w not in _CONNECTORS]
    return " ".join(sorted(words))  # word order carries no meaning in a header


@cache
def _lookup(columns: tuple[str, ...], weak: bool) -> dict[str, str]:
    """Map normalised alias -> canonical column for one feed's columns."""
    table = WEAK_ALIASES if weak else HEADER_ALIASES
    lookup: dict[str, str] = {}
    for column in columns:
        for alias in (column, *table.get(column, ())) if not weak else table.get(column, ()):
            lookup.setdefault(normalise_header(alias), column)
    return lookup


@cache
def _shared_weak() -> dict[str, tuple[str, ...]]:
    """Map normalised shared weak aliases -> the columns they may name, in order."""
    return {normalise_header(alias): columns for alias, columns in SHARED_WEAK_ALIASES.items()}


@cache
def alias_keys(column: str) -> frozenset[str]:
    """Return the normalised headers that name a canonical column in any feed, weak ones too."""
    names = (column, *HEADER_ALIASES.get(column, ()), *WEAK_ALIASES.get(column, ()))
    return frozenset(normalise_header(name) for name in names)


def alias_conflicts(columns: Sequence[str]) -> list[str]:
    """List aliases that would name two different columns of one feed (must be empty)."""
    seen: dict[str, str] = {}
    conflicts = []
    for column in columns:
        for alias in (column, *HEADER_ALIASES.get(column, ())):
            key = normalise_header(alias)
            if seen.setdefault(key, column) != column:
                conflicts.append(f"{alias!r}: {seen[key]} and {column}")
    return conflicts


@dataclass
class HeaderMatch:
    """How one header row maps onto a feed's canonical columns."""

    headers: tuple[str, ...]
    columns: dict[str, int] = field(default_factory=dict)  # canonical -> position
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    # canonical -> value implied by another header ("Cantidad (Kg)": the unit is kg)
    implied: dict[str, str] = field(default_factory=dict)
    # canonical -> factor to kg of a mass whose header names another unit ("Cantidad (t)")
    scales: dict[str, float] = field(default_factory=dict)
    # canonical -> (position, unit) of a second quantity column in another unit ("Cantidad
    # (Kg)" and "Cantidad (L)"): a row whose first is empty takes the second, with its unit
    alternates: dict[str, tuple[int, str]] = field(default_factory=dict)
    # canonical -> position of a supplier column beside the customer one ("Cliente" and
    # "Proveedor"): the feed takes each row's counterparty from the side its movement says
    pairs: dict[str, int] = field(default_factory=dict)
    # canonical -> the header that gives it in pounds ("Peso Neto (lb)"): named when refused
    in_pounds: dict[str, str] = field(default_factory=dict)

    @property
    def extras(self) -> list[int]:
        """Positions of the columns that map to no canonical column (unnamed ones too)."""
        used = set(self.columns.values())
        return [i for i in range(len(self.headers)) if i not in used]

    def header(self, canonical: str) -> str:
        """Return the header of a canonical column exactly as the user wrote it."""
        return self.headers[self.columns[canonical]]

    def describe_duplicates(self) -> str:
        """Say which headers collide, e.g. "columns 'Cantidad' and 'Qty' both mean 'quantity'"."""
        canonical, positions = next(iter(self.duplicates.items()))
        names = " and ".join(repr(self.headers[p]) for p in positions)
        return f"columns {names} both mean {canonical!r}"


def match_headers(
    headers: Sequence[object], columns: Sequence[str], required: Collection[str]
) -> HeaderMatch:
    """Map the headers of one candidate header row onto a feed's canonical columns."""
    texts = tuple("" if h is None else str(h).strip() for h in headers)
    keys = [normalise_header(h) for h in texts]
    match = HeaderMatch(headers=texts)
    strong = _lookup(tuple(columns), False)
    found: dict[str, list[int]] = {}
    for position, key in enumerate(keys):
        if key and key in strong:
            found.setdefault(strong[key], []).append(position)
    weak = _lookup(tuple(columns), True)
    for position, key in enumerate(keys):
        canonical = weak.get(key) if key and key not in strong else None
        if canonical and canonical not in found:
            found[canonical] = [position]  # first weak match only; later ones stay extra
    used = {p for positions in found.values() for p in positions}
    for position, key in enumerate(keys):
        shared = _shared_weak().get(key) if position not in used else None
        free = [c for c in shared or () if c in columns and c not in found]
        if free:
            found[free[0]] = [position]
            used.add(position)
    _customer_and_supplier(found, keys, strong, weak)
    for canonical, positions in found.items():
        match.columns[canonical] = positions[0]
        if len(positions) > 1:
            match.duplicates[canonical] = positions
    for canonical, positions in list(found.items()):
        if canonical in PAIRED_COLUMNS and len(positions) == 2 and _sides(keys, positions):
            customer, supplier = _sides(keys, positions)
            match.columns[canonical], match.pairs[canonical] = customer, supplier
            del match.duplicates[canonical]
    match.missing = [c for c in columns if c in required and c not in match.columns]
    _mass_in_other_units(match, keys, columns, required, strong, weak)
    if "quantity" in match.columns and "unit" in columns:
        unit = _header_unit(keys[match.columns["quantity"]])
        if unit is not None:
            match.implied["unit"] = unit
            match.missing = [c for c in match.missing if c != "unit"]
            used = set(match.columns.values())
            other = [(p, _header_unit(k)) for p, k in enumerate(keys) if p not in used]
            other = [(p, u) for p, u in other if u is not None and u != unit]
            if "unit" not in match.columns and other:
                match.alternates["quantity"] = other[0]
    return match


# Columns a file may give twice, once for the customer and once for the supplier.
PAIRED_COLUMNS = ("counterparty_name", "counterparty_licence")
_CUSTOMER_WORDS = frozenset({"cliente", "customer", "client", "comprador", "destinatario"})
_SUPPLIER_WORDS = frozenset({"proveedor", "fornecedor", "supplier", "vendor", "vendedor",
                             "remitente"})


def _side(key: str) -> str | None:
    """Say whether a header names the customer's side, the supplier's, or neither (or both)."""
    words = set(key.split())
    customer, supplier = bool(words & _CUSTOMER_WORDS), bool(words & _SUPPLIER_WORDS)
    return "customer" if customer and not supplier else "supplier" if supplier and not customer \
        else None


def _sides(keys: list[str], positions: list[int]) -> tuple[int, int] | None:
    """Return (customer position, supplier position) when the two headers are one of each."""
    sides = {_side(keys[p]): p for p in positions}
    if set(sides) == {"customer", "supplier"}:
        return sides["customer"], sides["supplier"]
    return None


def _customer_and_supplier(found, keys, strong, weak) -> None:
    """Add a second weak header to a paired column ("Cliente" and "Proveedor" are both weak)."""
    for canonical in PAIRED_COLUMNS:
        positions = [p for p, k in enumerate(keys)
                     if k and (strong.get(k) or (weak.get(k) if k not in strong else None))
                     == canonical]
        if len(positions) == 2 and _sides(keys, positions):
            found[canonical] = positions


# A mass in kg given in another unit by its header ("Cantidad (t)", "Cupo anual (TM)"):
# the column is read and multiplied by the factor, never guessed from the values.
MASS_UNIT_WORDS = {
    "t": 1000.0, "tm": 1000.0, "tn": 1000.0, "ton": 1000.0, "tons": 1000.0, "tonnes": 1000.0,
    "tonelada": 1000.0, "toneladas": 1000.0, "g": 0.001, "gr": 0.001, "gramos": 0.001,
    "gramas": 0.001, "grams": 0.001, "kg": 1.0, "kgs": 1.0, "kilos": 1.0, "kilogramos": 1.0,
    "tne": 1000.0, "kgm": 1.0,  # UN/ECE rec. 20 codes, as customs systems write them
}
# Pounds are not used for chemicals in the region's trade data: a header in pounds is named
# as the reason the file cannot be read, never converted on a guess of avoirdupois.
_POUND_WORDS = frozenset({"lb", "lbs", "libra", "libras", "pound", "pounds", "lbr"})


def _mass_in_other_units(match, keys, columns, required, strong, weak) -> None:
    """Map "Cantidad (t)" onto a `..._kg` column the headers lack, with its factor to kg."""
    for column in columns:
        if not column.endswith("_kg") or column in match.columns:
            continue
        for position, key in enumerate(keys):
            words = key.split()
            pounds = [w for w in words if w in _POUND_WORDS]
            rest = " ".join(w for w in words if w not in _POUND_WORDS)
            if len(pounds) == 1 and rest and (strong.get(rest) or weak.get(rest)) == column:
                match.in_pounds[column] = match.headers[position]
            units = [w for w in words if w in MASS_UNIT_WORDS]
            if len(units) != 1 or position in match.columns.values():
                continue
            rest = " ".join(w for w in words if w != units[0])
            # a header that is only a unit ("KGM", "TNE", "Toneladas") names the feed's mass
            bare = not rest and len(units[0]) > 1
            if bare or (rest and (strong.get(rest) or weak.get(rest)) == column):
                match.columns[column] = position
                if MASS_UNIT_WORDS[units[0]] != 1.0:
                    match.scales[column] = MASS_UNIT_WORDS[units[0]]
                match.missing = [c for c in match.missing if c != column]
                break


@cache
def _header_units() -> dict[str, str]:
    """Map normalised quantity headers that name a unit -> the unit's code."""
    return {normalise_header(a): unit for unit, aliases in QUANTITY_HEADER_UNITS.items()
            for a in aliases}


def _header_unit(key: str) -> str | None:
    """Return the unit a quantity header names ("Cantidad (Kg)" -> "kg"), if any."""
    return _header_units().get(key)
