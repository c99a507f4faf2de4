"""Coded values: the canonical codes of each coded column and the words people type for them.

Words are compared after `normalise_text` (case, accents, punctuation do not matter).
Deliberately absent: "contado" (paid at once, not necessarily in cash) and "crédito"
(payment terms, not a means of payment) — guessing would invent cash payments, a red flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from importers.text import normalise_text


@dataclass(frozen=True)
class CodeTable:
    """The accepted codes of one coded column and the synonyms that map onto them."""

    name: str
    synonyms: dict[str, tuple[str, ...]]
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
        return self._lookup.get(normalise_text(text))

    def unknown(self, text: str) -> str:
        """Explain why a value was refused, listing the accepted codes."""
        return f"unknown {self.name} {text!r} (accepted: {', '.join(self.codes)})"


MOVEMENT = CodeTable("movement", {
    "opening_stock": (
        "opening stock", "opening balance", "opening inventory", "initial stock", "stock inicial",
        "existencia inicial", "existencias iniciales", "saldo inicial", "inventario inicial",
        "stock de apertura", "saldo anterior", "estoque inicial", "inventário inicial",
    ),
    "purchase": (
        "compra", "compras", "compra local", "compra nacional", "adquisición", "adquisicion",
        "ingreso por compra", "entrada por compra", "aquisição", "purchases", "buy", "bought",
    ),
    "import": (
        "importación", "importaciones", "ingreso por importación", "importação", "importações",
        "entrada por importação", "imports", "imported",
    ),
    "production": (
        "producción", "fabricación", "elaboración", "síntesis", "produção", "fabricação",
        "manufacture", "manufacturing", "produced",
    ),
    "sale": (
        "venta", "ventas", "venta local", "venta nacional", "salida por venta", "venda", "vendas",
        "sales", "sold", "sell",
    ),
    "export": (
        "exportación", "exportaciones", "salida por exportación", "exportação", "exportações",
        "exports", "exported",
    ),
    "consumption": (
        "consumo", "consumo propio", "consumo interno", "uso propio", "uso interno",
        "utilización", "utilização", "uso próprio", "consumo próprio", "own use", "used",
    ),
    "loss": (
        "merma", "mermas", "pérdida", "pérdidas", "derrame", "evaporación", "robo", "hurto",
        "perda", "perdas", "quebra", "furto", "roubo", "losses", "shrinkage", "spillage", "theft",
    ),
    "closing_stock": (
        "closing stock", "closing balance", "closing inventory", "final stock", "stock final",
        "existencia final", "existencias finales", "saldo final", "inventario final",
        "stock de cierre", "estoque final", "inventário final",
    ),
})

STOCK_MOVEMENTS = frozenset({"opening_stock", "closing_stock"})

UNIT = CodeTable("unit", {
    "kg": ("kgs", "kilo", "kilos", "kilogramo", "kilogramos", "quilo", "quilos", "quilograma",
           "quilogramas", "kilogram", "kilograms", "kilogramme", "kilogrammes"),
    "g": ("gr", "grs", "gramo", "gramos", "grama", "gramas", "gram", "grams", "gramme"),
    "t": ("tn", "ton", "tons", "tonelada", "toneladas", "tm", "tonelada métrica",
          "toneladas métricas", "tonne", "tonnes", "metric ton"),
    "L": ("lt", "lts", "ltr", "ltrs", "litro", "litros", "liter", "liters", "litre", "litres"),
    "mL": ("mililitro", "mililitros", "millilitre", "millilitres", "milliliter", "milliliters",
           "cc", "cm3"),
})

# kg per unit for masses; L per unit for volumes (converted with the substance's density)
UNIT_MASS_KG = {"kg": 1.0, "g": 0.001, "t": 1000.0}
UNIT_VOLUME_L = {"L": 1.0, "mL": 0.001}

ACTIVITY = CodeTable("activity", {
    "importer": ("importador", "importadora", "import", "importación", "importação"),
    "exporter": ("exportador", "exportadora", "export", "exportación", "exportação"),
    "manufacturer": ("fabricante", "productor", "productora", "produtor", "fabricación",
                     "producción", "produção", "producer", "manufacture", "manufacturing"),
    "distributor": ("distribuidor", "distribuidora", "comercializador", "comercializadora",
                    "comerciante", "mayorista", "atacadista", "distribution", "trader",
                    "comercialización", "comercialização"),
    "end_user": ("usuario final", "usuário final", "utilizador final", "end user", "user",
                 "usuario", "uso propio", "consumidor"),
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
        "wire transfer", "bank deposit",
    ),
    "cash": ("efectivo", "en efectivo", "dinero en efectivo", "dinheiro", "em dinheiro",
             "espécie", "em espécie", "cash payment"),
    "card": ("tarjeta", "tarjeta de crédito", "tarjeta de débito", "tarjeta crédito",
             "tarjeta débito", "cartão", "cartão de crédito", "cartão de débito", "credit card",
             "debit card"),
    "cheque": ("cheques", "cheque de gerencia", "cheque certificado", "check"),
    "other": ("otro", "otros", "outro", "outros", "others"),
})

DELIVERY = CodeTable("delivery", {
    "delivered": (
        "entregado", "entrega", "entrega a domicilio", "despacho", "despachado", "envío",
        "enviado", "entregue", "entrega em domicílio", "delivery", "shipped", "sent",
    ),
    "collected": (
        "retiro en planta", "retira cliente", "retiro", "retirado", "retiro por el cliente",
        "retiro en almacén", "recogido", "recojo", "recojo en planta", "retirada",
        "retirado pelo cliente", "retira", "collection", "pick up", "pickup", "picked up",
        "collected in person",
    ),
})

FLOW = CodeTable("flow", {
    "import": ("i", "im", "imp", "importación", "importação", "importacion", "imports"),
    "export": ("e", "ex", "exp", "exportación", "exportação", "exports"),
    "transit": ("t", "tr", "tránsito", "trânsito", "transito"),
})

LICENCE_STATUS = CodeTable("licence status", {
    "active": ("activa", "activo", "vigente", "habilitada", "habilitado", "en vigor", "ativa",
               "ativo", "valid", "válida"),
    "suspended": ("suspendida", "suspendido", "suspensa", "suspenso", "suspension"),
    "revoked": ("revocada", "revocado", "cancelada", "cancelado", "anulada", "anulado",
                "revogada", "revogado", "cassada", "cancelled", "canceled"),
})

NOTIFICATION_STATUS = CodeTable("notification status", {
    "approved": ("aprobada", "aprobado", "autorizada", "autorizado", "sin objeción",
                 "no objetada", "aprovada", "aprovado", "sem objeção", "cleared", "no objection"),
    "objected": ("objetada", "objetado", "objeción", "rechazada", "rechazado", "com objeção",
                 "rejeitada", "rejected", "objection"),
    "pending": ("pendiente", "en trámite", "sin respuesta", "pendente", "em análise",
                "awaiting reply"),
    "withdrawn": ("retirada", "retirado", "anulada", "cancelada", "desistida", "cancelled",
                  "canceled"),
})
