"""Coded values: the canonical codes of each coded column and the words people type for them.

Words are compared after `normalise_text` (case, accents, punctuation do not matter).
Deliberately absent: "contado" (paid at once, not necessarily in cash) and "crédito"
(payment terms, not a means of payment) — guessing would invent cash payments, a red flag.
Likewise for delivery: "flete" and "transporte propio" (whose freight, whose truck? it
depends on who writes it) and Incoterms such as "FOB planta" or "EXW" (they say who pays
for transport, not whether the buyer came in person) are not mapped; nor are "entrada" and
"salida" (which inflow or outflow?) for movements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from importers.text import normalise_text


@dataclass(frozen=True)
class CodeTable:
    """The accepted codes of one coded column and the synonyms that map onto them."""

    name: str
    synonyms: dict[str, tuple[str, ...]]
    # Words deliberately not mapped, by their first normalised words, with the reason given.
    refused: dict[str, str] = field(default_factory=dict)
    # Why a value of digits only is refused, when digits are codes of someone else's list.
    digits_refused: str | None = None
    # First words that decide the code whatever follows ("Transferencia BCP", "Depósito BBVA").
    prefixes: dict[str, str] = field(default_factory=dict)
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for code, words in self.synonyms.items():
            for word in (code, *words):
                key = normalise_text(word)
                if lookup.setdefault(key, code) != code:
                    raise ValueError(f"{self.name}: {word!r} maps to two codes")
        object.__setattr__(self, "_lookup", lookup)

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the canonical codes in their documented order."""
        return tuple(self.synonyms)

    def code_for(self, text: str) -> str | None:
        """Return the canonical code a typed word stands for, or None."""
        key = normalise_text(text)
        found = self._lookup.get(key)
        if found is None and self.prefixes:
            first = key.split(" ", 1)[0]
            found = self.prefixes.get(first) if " " in key else None
        return found

    def unknown(self, text: str) -> str:
        """Explain why a value was refused, listing the accepted codes."""
        if self.digits_refused and text.strip().isdigit():
            return f"{self.name} {text!r} is not accepted: {self.digits_refused}"
        reason = self.refusal(normalise_text(text).split())
        if reason:
            return f"{self.name} {text!r} is not accepted: {reason}"
        return f"unknown {self.name} {text!r} (accepted: {', '.join(self.codes)})"

    def refusal(self, words: list[str]) -> str | None:
        """Return the reason a word deliberately not mapped is refused, by its first words."""
        for size in range(len(words), 0, -1):
            reason = self.refused.get(" ".join(words[:size]))
            if reason:
                return reason
        return None


# "Salida por consumo", "Ingreso por compra", "Venta (salida)": a movement with the direction
# the goods took. The direction is checked against the movement, then dropped.
_DIRECTIONS = {"entrada": "in", "entradas": "in", "ingreso": "in", "ingresos": "in",
               "salida": "out", "salidas": "out", "saida": "out", "egreso": "out",
               "egresos": "out"}
_DIRECTION_LINKS = frozenset({"por", "de", "a", "para", "en", "del"})
_WAY = {"purchase": "in", "import": "in", "production": "in", "sale": "out", "export": "out",
        "consumption": "out", "loss": "out"}


def _directed(text: str) -> tuple[str, str, list[str]] | None:
    """Split "salida por consumo" into (direction word, its way, the movement's words)."""
    words = normalise_text(text).split()
    if len(words) >= 3 and words[0] in _DIRECTIONS and words[1] in _DIRECTION_LINKS:
        return words[0], _DIRECTIONS[words[0]], words[2:]
    if len(words) >= 2 and words[-1] in _DIRECTIONS:
        return words[-1], _DIRECTIONS[words[-1]], words[:-1]
    return None


@dataclass(frozen=True)
class MovementTable(CodeTable):
    """Movements, also when written with the direction the goods took ("salida por venta")."""

    def code_for(self, text: str) -> str | None:
        """Return the movement, reading past a direction that agrees with it."""
        code = super().code_for(text)
        if code is not None or (directed := _directed(text)) is None:
            return code
        _, way, words = directed
        inner = super().code_for(" ".join(words))
        return inner if inner is not None and _WAY.get(inner) == way else None

    def unknown(self, text: str) -> str:
        """Explain a refusal, naming a direction that contradicts the movement."""
        directed = _directed(text)
        if directed is not None and not super().code_for(text):
            word, way, words = directed
            inner = super().code_for(" ".join(words))
            if inner is not None:
                return (f"{self.name} {text!r} is not accepted: {word!r} says the goods went "
                        f"{'in' if way == 'in' else 'out'}, but {' '.join(words)!r} is "
                        f"{'a stock' if inner not in _WAY else 'the other way'}: which is it?")
            reason = self.refusal(words)
            if reason:
                return f"{self.name} {text!r} is not accepted: {reason}"
        return super().unknown(text)


def _refusals(reasons: dict[tuple[str, ...], str]) -> dict[str, str]:
    """Spread one reason over the words it answers (compared normalised)."""
    return {normalise_text(word): why for words, why in reasons.items() for word in words}


MOVEMENT = MovementTable("movement", {
    "opening_stock": (
        "opening stock", "opening balance", "opening inventory", "initial stock", "stock inicial",
        "existencia inicial", "existencias iniciales", "saldo inicial", "inventario inicial",
        "stock de apertura", "saldo anterior", "estoque inicial", "inventário inicial",
        "saldo de apertura", "inventario de apertura", "stock al inicio", "stock al inicio del mes",
        "existencia al inicio", "saldo inicial del mes", "saldo del mes anterior",
        "estoque de abertura", "saldo de abertura", "existência inicial", "saldo anterior do mês",
        "beginning inventory", "beginning balance", "stock inicial del periodo",
        "saldo inicial del periodo", "existencia inicial del mes", "existencia inicial del periodo",
        "inventario físico inicial", "stock inicial del mes", "inventario inicial del mes",
    ),
    "purchase": (
        "compra", "compras", "compra local", "compra nacional", "adquisición", "adquisicion",
        "ingreso por compra", "entrada por compra", "aquisição", "purchases", "buy", "bought",
        "compras locales", "compras nacionales", "compra a proveedor", "adquisiciones",
        "compra no mercado interno", "compra nacional de insumos", "entrada por aquisição",
        "purchase",
        # goods a customer returns come back into stock: a purchase from that customer
        "devolución de cliente", "devolución del cliente", "devoluciones de clientes",
        "devolución de venta", "devolución de ventas", "devolución recibida",
        "entrada por devolución", "ingreso por devolución", "devolução de cliente",
        "devolução de venda", "entrada por devolução", "customer return", "sales return",
        "return from customer", "returned by customer",
    ),
    "import": (
        "importación", "importaciones", "ingreso por importación", "importação", "importações",
        "entrada por importação", "imports", "imported", "importación definitiva",
        "importación directa", "compra importación", "compra de importación",
        "compra al exterior", "compra internacional", "compra externa", "importação direta",
    ),
    "production": (
        "producción", "fabricación", "elaboración", "síntesis", "produção", "fabricação",
        "manufacture", "manufacturing", "produced", "producción propia", "fabricado",
        "elaborado", "producido", "ingreso por producción", "entrada por produção",
        "produção própria", "fabricado internamente",
    ),
    "sale": (
        "venta", "ventas", "venta local", "venta nacional", "salida por venta", "venda", "vendas",
        "sales", "sold", "sell", "ventas locales", "ventas nacionales", "venta a cliente",
        "venta mercado interno", "venda no mercado interno", "saída por venda", "venda local",
        # goods returned to a supplier leave stock: a sale to that supplier
        "devolución a proveedor", "devolución al proveedor", "devoluciones a proveedores",
        "devolución de compra", "devolución de compras", "devolución enviada",
        "salida por devolución", "egreso por devolución", "devolução ao fornecedor",
        "devolução de compra", "saída por devolução", "return to supplier", "purchase return",
        "returned to supplier",
    ),
    "export": (
        "exportación", "exportaciones", "salida por exportación", "exportação", "exportações",
        "exports", "exported", "exportación definitiva", "venta al exterior",
        "venta internacional", "venda ao exterior", "venda externa", "exportação direta",
        "venta exportación", "venta de exportación", "exportación directa",
    ),
    "consumption": (
        "consumo", "consumo propio", "consumo interno", "uso propio", "uso interno",
        "utilización", "utilização", "uso próprio", "consumo próprio", "own use", "used",
        "consumo en producción", "consumo en proceso", "consumo industrial",
        "uso en producción", "uso en proceso", "consumo de producción", "insumo utilizado",
        "utilizado en producción", "consumo na produção", "consumo no processo",
        "consumo industrial próprio", "uso na produção", "consumption", "consumo en planta",
        "consumo productivo", "uso en laboratorio", "consumo en laboratorio", "uso industrial",
    ),
    "loss": (
        "merma", "mermas", "pérdida", "pérdidas", "derrame", "evaporación", "robo", "hurto",
        "perda", "perdas", "quebra", "furto", "roubo", "losses", "shrinkage", "spillage", "theft",
        "merma por evaporación", "merma de proceso", "merma por manipuleo", "pérdida por derrame",
        "pérdida por evaporación", "robo/hurto", "perda por evaporação", "perda no processo",
        "quebra técnica", "loss", "faltante", "faltante de inventario", "pérdida de inventario",
    ),
    "closing_stock": (
        "closing stock", "closing balance", "closing inventory", "final stock", "stock final",
        "existencia final", "existencias finales", "saldo final", "inventario final",
        "stock de cierre", "estoque final", "inventário final", "saldo de cierre",
        "inventario de cierre", "stock al cierre", "stock al cierre del mes",
        "existencia al cierre", "saldo final del mes", "saldo al cierre", "estoque de fechamento",
        "saldo de fechamento", "existência final", "saldo final do mês", "ending inventory",
        "ending balance", "stock al final", "existencia al final", "saldo al final del mes",
        "saldo final de inventario", "inventario al cierre", "estoque no fim do mês",
        "saldo final del periodo", "existencia final del mes", "existencia final del periodo",
        "inventario físico final", "stock final del periodo", "stock final del mes",
        "inventario final del mes",
    ),
}, refused=_refusals({
    ("devolución", "devoluciones", "devolução", "devoluções", "return", "returns", "retorno",
     "nota de crédito", "nota de credito"): (
        "a return is not a movement of its own (whether stock comes in or goes out depends on "
        "who returns it): write 'devolución de cliente' (or a purchase from that customer) for "
        "goods a customer returned, 'devolución a proveedor' (or a sale to it) for goods "
        "returned to a supplier"
    ),
    ("entrada", "salida", "saída", "saida", "ingreso", "egreso", "ingresos", "salidas",
     "entradas", "saídas"): (
        "which inflow or outflow? write compra, importación or producción for goods coming in; "
        "venta, exportación, consumo or merma for goods going out"
    ),
    ("ajuste", "ajustes", "ajuste de inventario", "regularización", "regularizacion"): (
        "an inventory adjustment says neither where the goods went nor where they came from: "
        "declare the loss (merma) or the movement it corrects"
    ),
    ("transferencia", "traslado", "transferência", "transfer"): (
        "a transfer between the operator's own premises does not change its stock; a transfer "
        "to another company is a sale (venta)"
    ),
}))

STOCK_MOVEMENTS = frozenset({"opening_stock", "closing_stock"})

UNIT = CodeTable("unit", {
    "kg": ("kgs", "kilo", "kilos", "kilogramo", "kilogramos", "quilo", "quilos", "quilograma",
           "quilogramas", "kilogram", "kilograms", "kilogramme", "kilogrammes", "kgr", "kilo(s)",
           "kilogramo(s)", "kg.", "kilogr", "kgm", "kilogramo neto", "kg neto",
           "kilogramos netos", "kn", "kgs."),
    "g": ("gr", "grs", "gramo", "gramos", "grama", "gramas", "gram", "grams", "gramme", "grm",
          "gramo(s)", "gr.", "grs.", "grm.", "gs"),
    "t": ("tn", "ton", "tons", "tonelada", "toneladas", "tm", "tonelada métrica",
          "toneladas métricas", "tonne", "tonnes", "metric ton", "tonelada(s)", "ton.",
          "tons métricas", "metric tons", "mt", "tne", "tn.", "tm.", "t.m.", "tons."),
    "L": ("lt", "lts", "ltr", "ltrs", "litro", "litros", "liter", "liters", "litre", "litres",
          "l", "lit", "litro(s)", "lt.", "lts.", "ltr.", "l.", "ltr", "lts", "dm3", "dm³"),
    # US gallon, the gallon of the Americas (solvents are sold by the gallon in the region)
    "gal": ("galón", "galones", "gl", "gln", "gls", "gal.", "gallon", "gallons", "galão",
            "galões", "us gal", "galón americano"),
    "mL": ("mililitro", "mililitros", "millilitre", "millilitres", "milliliter", "milliliters",
           "cc", "cm3", "ml.", "mls", "mililitro(s)", "cm³", "c.c.", "mlt"),
}, refused=_refusals({
    ("bidón", "bidones", "cilindro", "cilindros", "tambor", "tambores", "balde", "baldes",
     "saco", "sacos", "bolsa", "bolsas", "caja", "cajas", "envase", "envases", "frasco",
     "frascos", "botella", "botellas", "tanque", "isotanque", "IBC", "unidad", "unidades",
     "und", "unid", "pieza", "piezas", "tambor de 200 l", "cilindro de 200 l", "galonera",
     "bombona", "tambores de 200 l", "bidões", "tambor metálico"): (
        "a container or a count, not a measure (its size varies): give the quantity in kg, g, "
        "t, L, mL or gal"
    ),
    ("lb", "lbs", "libra", "libras", "pound", "pounds", "oz", "onza", "onzas", "ounce",
     "ounces"): (
        "an imperial unit: give the quantity in kg, g, t, L, mL or gal (pounds and ounces are "
        "not converted)"
    ),
    ("quintal", "quintales", "qq", "arroba", "arrobas"): (
        "its weight differs by country (a quintal is 46 or 100 kg, an arroba 11.5 or 15 kg): "
        "give the quantity in kg or t"
    ),
    ("m3", "m³", "metro cúbico", "metros cúbicos", "metro cubico", "metros cubicos"): (
        "give the volume in L (1 m3 = 1000 L)"
    ),
}))

# kg per unit for masses; L per unit for volumes (converted with the substance's density)
UNIT_MASS_KG = {"kg": 1.0, "g": 0.001, "t": 1000.0}
UNIT_VOLUME_L = {"L": 1.0, "mL": 0.001, "gal": 3.785411784}

ACTIVITY = CodeTable("activity", {
    "importer": ("importador", "importadora", "import", "importación", "importação"),
    "exporter": ("exportador", "exportadora", "export", "exportación", "exportação"),
    "manufacturer": ("fabricante", "productor", "productora", "produtor", "fabricación",
                     "producción", "produção", "producer", "manufacture", "manufacturing",
                     "fabricação", "fabrico", "elaboración", "síntesis"),
    "distributor": ("distribuidor", "distribuidora", "comercializador", "comercializadora",
                    "comerciante", "mayorista", "atacadista", "distribution", "trader",
                    "comercialización", "comercialização", "comércio", "comercio",
                    "distribuição", "distribución", "revenda", "revendedor", "comercial"),
    "end_user": ("usuario final", "usuário final", "utilizador final", "end user", "user",
                 "usuario", "uso propio", "consumidor", "uso próprio", "utilização",
                 "utilización", "usuário", "consumo propio", "consumo próprio"),
    "pharma": ("farmacéutico", "farmacéutica", "laboratorio farmacéutico",
               "industria farmacéutica", "farmacêutico", "farmacêutica", "pharmaceutical",
               "pharmaceuticals"),
    "laboratory": ("laboratorio", "laboratório", "lab", "laboratorio de análisis",
                   "laboratorio de ensayo", "laboratório de análises"),
})

PAYMENT_METHOD = CodeTable("payment method", {
    "bank_transfer": (
        "transferencia", "transferencia bancaria", "transf", "depósito", "depósito bancario",
        "depósito en cuenta", "giro bancario", "transferência", "transferência bancária", "PIX",
        "TED", "DOC", "depósito bancário", "boleto", "boleto bancário", "bank transfer", "wire",
        "wire transfer", "bank deposit", "transferencia electrónica", "transf. bancaria",
        "transferencia interbancaria", "depósito a cuenta", "abono en cuenta",
        "transferencia bancaria", "transferencia a cuenta", "transferência eletrônica",
        "depósito em conta", "pix", "ted", "electronic transfer", "bank",
        # wallets and networks that move money between bank accounts, by country
        "Yape", "Plin", "Nequi", "Daviplata", "PSE", "SPEI", "transferencia SPEI",
        "consignación", "consignación bancaria", "transferencia/depósito",
        "depósito/transferencia", "depósito en cuenta corriente", "transferencia vía web",
        "Interbank", "transferencia interbank", "TEF", "DEBIN", "e-cheq", "echeq",
        "transferencia electrónica de fondos", "ACH", "transferencia ACH", "SINPE",
        "SINPE Móvil", "pago móvil", "pago movil interbancario", "Zelle", "débito automático",
        "débito en cuenta", "débito bancario", "CBU", "CVU",
    ),
    "cash": ("efectivo", "en efectivo", "dinero en efectivo", "dinheiro", "em dinheiro",
             "espécie", "em espécie", "cash payment", "pago en efectivo", "efectivo contra entrega",
             "pagamento em dinheiro", "dinheiro vivo", "cash on delivery", "efvo", "efvo.",
             "efectivo contado", "contado efectivo", "contado en efectivo", "pago en caja",
             "efectivo en caja", "caja"),
    "card": ("tarjeta", "tarjeta de crédito", "tarjeta de débito", "tarjeta crédito",
             "tarjeta débito", "cartão", "cartão de crédito", "cartão de débito", "credit card",
             "debit card", "tarjeta de credito/debito", "tarjeta crédito/débito", "POS",
             "cartão de crédito/débito", "card payment", "tarjeta bancaria"),
    "cheque": ("cheques", "cheque de gerencia", "cheque certificado", "check",
               "cheque al día", "cheque diferido", "cheque bancario", "cheque de gerência",
               "cheque administrativo", "cheque nominal", "cheque pré-datado", "cheques",
               "vale vista", "cheque de caja"),
    "other": ("otro", "otros", "outro", "outros", "others", "otra", "otras", "outra", "outras",
              "otro medio", "outro meio", "PayPal", "Mercado Pago", "permuta", "canje",
              "compensación", "compensación de cuentas", "trueque"),
}, prefixes={
    # a transfer or deposit named with the bank it went through
    "transferencia": "bank_transfer", "transferencias": "bank_transfer",
    "transf": "bank_transfer", "deposito": "bank_transfer", "depositos": "bank_transfer",
}, refused=_refusals({
    ("contado", "al contado", "à vista", "a vista", "pago al contado", "crédito", "credito",
     "a crédito", "a plazo", "a prazo", "cuenta corriente", "plazo", "prazo", "diferido",
     "factura a 30 días", "letra", "letra de cambio", "pagaré", "consignación en venta"): (
        "this says when it is paid (payment terms), not how: write efectivo, transferencia, "
        "depósito, cheque or tarjeta"
    ),
}))

DELIVERY = CodeTable("delivery", {
    "delivered": (
        "entregado", "entrega", "entrega a domicilio", "despacho", "despachado", "envío",
        "enviado", "entregue", "entrega em domicílio", "delivery", "shipped", "sent",
        "entrega en destino", "entregado en destino", "entrega a cliente", "entrega al cliente",
        "entrega en planta del cliente", "entrega en almacén del cliente", "entrega en obra",
        "entrega en local del cliente", "despacho a domicilio", "despacho al cliente",
        "despacho a cliente", "despacho a destino", "envío a domicilio", "envío al cliente",
        "enviado al cliente", "puesto en destino", "puesto en planta del cliente",
        "entrega no destino", "entregue no destino", "entrega ao cliente",
        "entregue ao cliente", "entrega no cliente", "entregue no cliente",
        "enviado ao cliente", "envio ao cliente", "envio", "courier", "encomienda",
        "por transportadora", "via transportadora", "entrega por transportadora",
        "delivered", "door delivery", "delivered to customer", "shipped to customer",
        "envío por courier", "envío por agencia", "agencia de transporte", "transportista",
        "por transportista", "despacho por agencia", "enviado por agencia", "entrega a domicílio",
        "despacho a obra", "puesto en almacén del cliente", "delivery a domicilio",
    ),
    "collected": (
        "retiro en planta", "retira cliente", "retiro", "retirado", "retiro por el cliente",
        "retiro en almacén", "recogido", "recojo", "recojo en planta", "retirada",
        "retirado pelo cliente", "retira", "collection", "pick up", "pickup", "picked up",
        "collected in person", "recojo en almacén", "recojo en almacen del proveedor",
        "recojo por el cliente", "recojo en tienda", "recojo en local", "recoge cliente",
        "recoge el cliente", "recogido por el cliente", "recogida en almacén",
        "recogida por el cliente", "retiro en bodega", "retiro en local", "retiro en tienda",
        "retiro en depósito", "retiro en fábrica", "retira en planta", "retira en almacén",
        "retirado en planta", "retirado por el cliente", "retiro por cuenta del cliente",
        "cliente retira", "cliente recoge", "retirada no local", "retirada na fábrica",
        "retirada no depósito", "retirada pelo cliente", "retirado no local",
        "retirado na fábrica", "cliente retira no local", "collected", "customer pickup",
        "customer collection", "collected by customer", "will call",
        "retiro por cliente", "recoge", "recoge en planta", "recoge en almacén",
        "recogido en bodega", "recogido en planta", "transporte del cliente",
        "vehículo del cliente", "camión del cliente", "unidad del cliente", "retira en bodega",
        "retiro en bodega del proveedor", "cliente recoge en planta", "retirado en bodega",
        "recogido en almacén",
    ),
}, refused=_refusals({
    ("flete", "flete propio", "transporte propio", "por cuenta propia", "movilidad propia",
     "camión propio", "despacho en camión propio", "unidad propia", "frete", "frete próprio"): (
        "whose transport? 'propio' is the seller's truck on a sale and the buyer's on a "
        "purchase: write entregado (we delivered) or retiro en planta (the buyer collected)"
    ),
    ("FOB", "FOB planta", "EXW", "CIF", "CFR", "DAP", "DDP", "FCA", "CPT", "CIP"): (
        "an Incoterm says who pays for transport, not whether the buyer came in person: "
        "write entregado or retiro en planta"
    ),
    ("entrega en planta", "entrega en almacén", "puesto en planta"): (
        "whose plant? write entrega en planta del cliente (delivered) or retiro en planta "
        "(collected)"
    ),
}))

# Customs regimes by the direction the goods physically cross the border: a temporary
# admission or a re-export moves chemicals in or out just as a definitive one does.
FLOW = CodeTable("flow", {
    "import": ("i", "im", "imp", "importación", "importação", "importacion", "imports", "impo",
               "importación para el consumo", "importación para consumo",
               "importación a consumo", "importación definitiva", "importação para consumo",
               "importação definitiva", "despacho para consumo", "reimportación",
               "admisión temporal", "importación temporal", "admissão temporária",
               "admisión temporal para perfeccionamiento activo"),
    "export": ("e", "ex", "exp", "exportación", "exportação", "exports", "expo",
               "exportación definitiva", "exportação definitiva", "reexportación",
               "exportación temporal", "reexportação", "exportação temporária"),
    "transit": ("t", "tr", "tránsito", "trânsito", "transito", "tránsito aduanero",
                "tránsito internacional", "trânsito aduaneiro", "transbordo"),
}, digits_refused=(
    "a national customs regime number (what each number means differs by country): write "
    "import, export or transit, or the regime's name"
))

LICENCE_STATUS = CodeTable("licence status", {
    "active": ("activa", "activo", "vigente", "habilitada", "habilitado", "en vigor", "ativa",
               "ativo", "valid", "válida", "renovada", "renovado", "renewed"),
    "suspended": ("suspendida", "suspendido", "suspensa", "suspenso", "suspension"),
    "revoked": ("revocada", "revocado", "cancelada", "cancelado", "anulada", "anulado",
                "revogada", "revogado", "cassada", "cancelled", "canceled"),
}, refused=_refusals({
    ("vencida", "vencido", "caducada", "caducado", "expirada", "expirado", "expired",
     "vencida sin renovar"): (
        "an expired validity is said by the end date (valid_to), not by the status: give "
        "active, suspended or revoked"
    ),
    ("en trámite", "en tramite", "en proceso", "en evaluación", "solicitada", "pendiente",
     "em análise", "pending"): (
        "an application not yet granted is not a licence: leave it out until it is granted"
    ),
}))

NOTIFICATION_STATUS = CodeTable("notification status", {
    "approved": ("aprobada", "aprobado", "autorizada", "autorizado", "sin objeción",
                 "no objetada", "aprovada", "aprovado", "sem objeção", "cleared", "no objection",
                 "aceptada", "aceptado", "aceita", "aceito", "accepted", "sin objeciones",
                 "no objetado", "not objected", "approved"),
    "objected": ("objetada", "objetado", "objeción", "rechazada", "rechazado", "com objeção",
                 "rejeitada", "rejected", "objection", "objected"),
    "pending": ("pendiente", "en trámite", "sin respuesta", "pendente", "em análise",
                "awaiting reply", "en proceso", "en revisión", "em trâmite", "pending",
                "no reply", "reply not received", "not replied", "under review"),
    "withdrawn": ("retirada", "retirado", "anulada", "cancelada", "desistida", "cancelled",
                  "canceled", "withdrawn", "withdrawn by exporting country"),
}, refused=_refusals({
    ("expirada", "expirado", "expired", "vencida", "vencido", "caducada", "caducado"): (
        "an expired notification is neither an answer nor a withdrawal: give the importing "
        "country's answer (approved, objected), or pending if it never answered"
    ),
}))
