"""How real files look: header words, coded values, encodings, separators, numbers, dates."""

from __future__ import annotations

from dataclasses import dataclass, field

DECLARATION_COLUMNS = (
    "licence_no", "period", "movement", "date", "substance", "quantity", "unit",
    "concentration_pct", "counterparty_licence", "counterparty_name", "counterparty_country",
    "document_ref", "payment_method", "delivery",
)
REGISTRY_COLUMNS = (
    "licence_no", "operator_name", "tax_id", "activity", "substance", "annual_quota_kg",
    "valid_from", "valid_to", "status", "region", "sector",
)
CUSTOMS_COLUMNS = (
    "declaration_no", "item_no", "date", "flow", "hs_code", "goods_description", "net_mass_kg",
    "trader_tax_id", "trader_name", "partner_country", "customs_office", "statistical_value_usd",
)
BASELINE_COLUMNS = ("substance", "year", "quantity_kg", "source")
NOTIFICATION_COLUMNS = ("notification_ref", "date", "exporter_licence", "importer_name",
                        "importing_country", "substance", "quantity_kg", "status")

MOVEMENTS_ES = {"opening_stock": "stock inicial", "purchase": "compra", "import": "importación",
                "production": "producción", "sale": "venta", "export": "exportación",
                "consumption": "consumo", "loss": "merma", "closing_stock": "stock final"}
MOVEMENTS_ES_SHEET = {"opening_stock": "Saldo inicial", "purchase": "Compra",
                      "import": "Importación", "production": "Producción", "sale": "Venta",
                      "export": "Exportación", "consumption": "Consumo", "loss": "Merma",
                      "closing_stock": "Saldo final"}
MOVEMENTS_PT = {"opening_stock": "estoque inicial", "purchase": "compra", "import": "importação",
                "production": "produção", "sale": "venda", "export": "exportação",
                "consumption": "consumo", "loss": "perda", "closing_stock": "estoque final"}
UNITS_ES = {"kg": "kilogramos", "g": "gramos", "t": "toneladas", "L": "litros",
            "mL": "mililitros"}
UNITS_ES_SHEET = {"kg": "Kg", "g": "gr", "t": "TM", "L": "Lt", "mL": "ml"}
UNITS_PT = {"kg": "quilogramas", "g": "gramas", "t": "toneladas", "L": "litros",
            "mL": "mililitros"}
PAYMENTS_ES = {"bank_transfer": "transferencia", "cash": "efectivo", "cheque": "cheque",
               "card": "tarjeta", "other": "otro"}
PAYMENTS_ES_SHEET = {"bank_transfer": "Transferencia bancaria", "cash": "Efectivo",
                     "cheque": "Cheque", "card": "Tarjeta", "other": "Otro"}
PAYMENTS_PT = {"bank_transfer": "transferência", "cash": "dinheiro", "cheque": "cheque",
               "card": "cartão", "other": "outro"}
DELIVERY_ES = {"delivered": "entregado", "collected": "retiro en planta"}
DELIVERY_ES_SHEET = {"delivered": "Entrega en destino", "collected": "Recojo en planta"}
DELIVERY_PT = {"delivered": "entregue", "collected": "retirado pelo cliente"}
ACTIVITIES_ES = {"importer": "importador", "exporter": "exportador", "manufacturer": "fabricante",
                 "distributor": "distribuidor", "end_user": "usuario final",
                 "pharma": "farmacéutico", "laboratory": "laboratorio"}
STATUS_ES = {"active": "activo", "suspended": "suspendido", "revoked": "revocado"}
FLOWS_CUSTOMS = {"import": "IMPORTACION", "export": "EXPORTACION", "transit": "TRANSITO"}


@dataclass(frozen=True)
class Habit:
    """One way of writing a file: format, encoding, headers and coded words."""

    key: str
    kind: str  # csv or xlsx
    headers: dict[str, str]
    encoding: str = "utf-8"
    sep: str = ","
    decimal: str = "."
    thousands: str = ""
    date_format: str = "%Y-%m-%d"
    newline: str = "\n"
    title: str | None = None  # XLSX: a title row above the header
    sheet: str = "Hoja1"
    words: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> code -> word
    domestic_country: bool = True  # write the home country for domestic counterparties
    extra_columns: tuple[str, ...] = ()

    @property
    def header_row(self) -> int:
        """Return the spreadsheet row number of the header (1 unless a title sits above)."""
        return 2 if self.title else 1

    @property
    def suffix(self) -> str:
        """Return the file extension."""
        return ".xlsx" if self.kind == "xlsx" else ".csv"


DECLARATION_HABITS: dict[str, Habit] = {
    "erp_en": Habit("erp_en", "csv", {c: c for c in DECLARATION_COLUMNS}),
    "contable_es": Habit(
        "contable_es", "csv",
        dict(zip(DECLARATION_COLUMNS, (
            "Nº licencia", "Periodo", "Tipo de movimiento", "Fecha", "Sustancia", "Cantidad",
            "Unidad", "Concentración %", "Licencia contraparte", "Razón social contraparte",
            "País contraparte", "Nº documento", "Forma de pago", "Entrega"), strict=True)),
        encoding="cp1252", sep=";", decimal=",", thousands=".", date_format="%d/%m/%Y",
        newline="\r\n", domestic_country=False, extra_columns=("Observaciones",),
        words={"movement": MOVEMENTS_ES, "unit": UNITS_ES, "payment_method": PAYMENTS_ES,
               "delivery": DELIVERY_ES}),
    "planilla_es": Habit(
        "planilla_es", "xlsx",
        dict(zip(DECLARATION_COLUMNS, (
            "N° Licencia", "Período", "Movimiento", "Fecha", "Producto", "Cantidad", "U.M.",
            "Conc. (%)", "Licencia proveedor/cliente", "Proveedor/Cliente", "País", "Comprobante",
            "Medio de pago", "Modalidad de entrega"), strict=True)),
        title="DECLARACIÓN MENSUAL DE INSUMOS QUÍMICOS Y BIENES FISCALIZADOS",
        sheet="Declaración",
        words={"movement": MOVEMENTS_ES_SHEET, "unit": UNITS_ES_SHEET,
               "payment_method": PAYMENTS_ES_SHEET, "delivery": DELIVERY_ES_SHEET}),
    "planilha_pt": Habit(
        "planilha_pt", "xlsx",
        dict(zip(DECLARATION_COLUMNS, (
            "Nº da licença", "Período", "Tipo de movimento", "Data", "Substância", "Quantidade",
            "Unidade", "Concentração (%)", "Licença da contraparte", "Nome da contraparte",
            "País da contraparte", "Nº do documento", "Forma de pagamento", "Entrega"),
            strict=True)),
        title="Declaração mensal de substâncias controladas", sheet="Declarações",
        words={"movement": MOVEMENTS_PT, "unit": UNITS_PT, "payment_method": PAYMENTS_PT,
               "delivery": DELIVERY_PT}),
}

REGISTRY_CSV = Habit(
    "registry_es", "csv",
    dict(zip(REGISTRY_COLUMNS, (
        "Nº licencia", "Razón social", "RUC", "Actividad", "Sustancia", "Cupo anual (kg)",
        "Vigencia desde", "Vigencia hasta", "Estado", "Región", "Sector económico (CIIU)"),
        strict=True)),
    encoding="cp1252", sep=";", decimal=",", thousands=".", date_format="%d/%m/%Y",
    newline="\r\n", extra_columns=("Cupo anterior (kg)", "Fecha de modificación del cupo"),
    words={"status": STATUS_ES})
REGISTRY_XLSX = Habit("registry_en", "xlsx", {c: c for c in REGISTRY_COLUMNS}, sheet="Registry",
                      extra_columns=("previous_quota_kg", "quota_changed_on"))

CUSTOMS_HABIT = Habit(
    "customs", "csv",
    dict(zip(CUSTOMS_COLUMNS, (
        "Nº declaración", "Nº ítem", "Fecha de numeración", "Régimen", "Subpartida nacional",
        "Descripción comercial", "Peso neto (kg)", "RUC", "Razón social", "País origen/destino",
        "Aduana", "Valor FOB (USD)"), strict=True)),
    encoding="utf-8-sig", date_format="%d/%m/%Y", sheet="Declaraciones",
    words={"flow": FLOWS_CUSTOMS})
BASELINE_HABIT = Habit("baselines", "csv", {c: c for c in BASELINE_COLUMNS})
NOTIFICATION_HABIT = Habit("notifications", "csv", {c: c for c in NOTIFICATION_COLUMNS})
