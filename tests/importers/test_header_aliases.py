"""The one alias table: headers as accountants write them, in three languages."""

from __future__ import annotations

import pytest

from importers import FEEDS
from importers.aliases import alias_conflicts, match_headers, normalise_header


def _canonical(feed: str, header: str) -> str | None:
    match = match_headers([header, "-"], FEEDS[feed].columns, FEEDS[feed].required)
    return next((c for c, p in match.columns.items() if p == 0), None)


@pytest.mark.parametrize("feed", list(FEEDS))
def test_no_alias_names_two_columns_of_one_feed(feed):
    assert alias_conflicts(FEEDS[feed].columns) == []


def test_normalise_header_ignores_case_accents_punctuation_order_and_filler():
    assert normalise_header("Nº licencia") == normalise_header("N° de licencia")
    assert normalise_header("Número de Licença") == normalise_header("licenca_no")
    assert normalise_header("Licence No.") == normalise_header("licence_no")
    assert normalise_header("Masa neta (kg)") == "kg masa neta"
    assert normalise_header("Concentración %") == "concentracion pct"


@pytest.mark.parametrize(
    ("feed", "header", "canonical"),
    [
        ("declarations", "licence_no", "licence_no"),
        ("declarations", "Licence No", "licence_no"),
        ("declarations", "License number", "licence_no"),
        ("declarations", "Nº licencia", "licence_no"),
        ("declarations", "N° de licencia", "licence_no"),
        ("declarations", "número de licença", "licence_no"),
        ("declarations", "LICENCIA NRO.", "licence_no"),
        ("declarations", "Registro", "licence_no"),
        ("declarations", "cantidad", "quantity"),
        ("declarations", "Quantidade", "quantity"),
        ("declarations", "QTY", "quantity"),
        ("declarations", "Cant.", "quantity"),
        ("declarations", "Unidad de medida", "unit"),
        ("declarations", "U.M.", "unit"),
        ("declarations", "unidade", "unit"),
        ("declarations", "Fecha", "date"),
        ("declarations", "Data", "date"),
        ("declarations", "Período", "period"),
        ("declarations", "Mes", "period"),
        ("declarations", "Competência", "period"),
        ("declarations", "Sustancia", "substance"),
        ("declarations", "Substância", "substance"),
        ("declarations", "IQBF", "substance"),
        ("declarations", "%", "concentration_pct"),
        ("declarations", "Pureza", "concentration_pct"),
        ("declarations", "Concentración (%)", "concentration_pct"),
        ("declarations", "Tipo de movimiento", "movement"),
        ("declarations", "País de origen/destino", "counterparty_country"),
        ("declarations", "Cliente/Proveedor", "counterparty_name"),
        ("declarations", "Nº Factura", "document_ref"),
        ("declarations", "Forma de pago", "payment_method"),
        ("declarations", "Entrega", "delivery"),
        ("registry", "RUC", "tax_id"),
        ("registry", "CNPJ", "tax_id"),
        ("registry", "NIT", "tax_id"),
        ("registry", "Razón social", "operator_name"),
        ("registry", "razão social", "operator_name"),
        ("registry", "Cupo anual", "annual_quota_kg"),
        ("registry", "Fecha de vencimiento", "valid_to"),
        ("registry", "Vigencia desde", "valid_from"),
        ("registry", "Estado", "status"),
        ("registry", "CIIU", "sector"),
        ("customs", "Partida arancelaria", "hs_code"),
        ("customs", "Código SA", "hs_code"),
        ("customs", "NCM", "hs_code"),
        ("customs", "Posición arancelaria", "hs_code"),
        ("customs", "Peso neto", "net_mass_kg"),
        ("customs", "Masa neta (kg)", "net_mass_kg"),
        ("customs", "País de origen", "partner_country"),
        ("customs", "DUA", "declaration_no"),
        ("customs", "DUI", "declaration_no"),
        ("customs", "Número de declaración", "declaration_no"),
        ("customs", "Ítem", "item_no"),
        ("customs", "Serie", "item_no"),
        ("customs", "Aduana", "customs_office"),
        ("customs", "Valor FOB", "statistical_value_usd"),
        ("customs", "RUC importador/exportador", "trader_tax_id"),
        ("customs", "RUC", "trader_tax_id"),
        ("customs", "Descripción comercial", "goods_description"),
        ("baselines", "Año", "year"),
        ("baselines", "Cantidad (kg)", "quantity_kg"),
        ("baselines", "Fuente", "source"),
        ("export_notifications", "Nº notificación", "notification_ref"),
        ("export_notifications", "Licencia del exportador", "exporter_licence"),
        ("export_notifications", "País importador", "importing_country"),
        ("export_notifications", "Estado", "status"),
        # headers of real declaration templates (Spanish and Portuguese spreadsheets)
        ("declarations", "Tipo de movimento", "movement"),
        ("declarations", "Tipo de movimentação", "movement"),
        ("declarations", "Tipo mov.", "movement"),
        ("declarations", "Natureza da operação", "movement"),
        ("declarations", "Conc. (%)", "concentration_pct"),
        ("declarations", "Concentração (%)", "concentration_pct"),
        ("declarations", "Riqueza (%)", "concentration_pct"),
        ("declarations", "Teor (%)", "concentration_pct"),
        ("declarations", "% p/p", "concentration_pct"),
        ("declarations", "Pureza %", "concentration_pct"),
        ("declarations", "Ley %", "concentration_pct"),
        ("declarations", "Modalidad de entrega", "delivery"),
        ("declarations", "Condición de entrega", "delivery"),
        ("declarations", "Modalidade de entrega", "delivery"),
        ("declarations", "Medio de pago", "payment_method"),
        ("declarations", "Meio de pagamento", "payment_method"),
        ("declarations", "Licença da contraparte", "counterparty_licence"),
        ("declarations", "País da contraparte", "counterparty_country"),
        ("declarations", "Nº do documento", "document_ref"),
        ("registry", "Sector económico (CIIU)", "sector"),
        ("registry", "Actividad económica (CIIU)", "sector"),
        ("registry", "Código CNAE", "sector"),
        ("registry", "Cupo anual (kg)", "annual_quota_kg"),
    ],
)
def test_real_headers_map_to_canonical_columns(feed, header, canonical):
    assert _canonical(feed, header) == canonical


def test_weak_aliases_yield_to_strong_ones():
    columns, required = FEEDS["declarations"].columns, FEEDS["declarations"].required
    both = match_headers(["Sustancia", "CAS", "Producto"], columns, required)
    assert both.columns["substance"] == 0
    assert both.extras == [1, 2]
    assert match_headers(["Sustancia", ""], columns, required).extras == [1]
    alone = match_headers(["Producto"], columns, required)
    assert alone.columns == {"substance": 0}
    customs = match_headers(["Producto"], FEEDS["customs"].columns, FEEDS["customs"].required)
    assert customs.columns == {"goods_description": 0}


def test_contado_and_producto_are_not_guessed_as_more_than_they_are():
    assert _canonical("declarations", "Observaciones") is None
    assert _canonical("declarations", "Condición de pago") is None


@pytest.mark.parametrize(
    "header",
    [
        "Entrada/Salida",  # holds "entrada"/"salida": which inflow or outflow? not a movement
        "Ingreso/Egreso",
        "Grado",  # "técnico", "USP": a grade, not a percentage
        "Título",
        "Condición de pago",  # payment terms (30 días), not a means of payment
        "Flete",
    ],
)
def test_ambiguous_headers_are_kept_as_extra_columns(header):
    assert _canonical("declarations", header) is None


@pytest.mark.parametrize(
    "headers",
    [
        ["Nº da licença", "Período", "Tipo de movimento", "Data", "Substância", "Quantidade",
         "Unidade", "Concentração (%)", "Licença da contraparte", "Nome da contraparte",
         "País da contraparte", "Nº do documento", "Forma de pagamento", "Entrega"],
        ["N° Licencia", "Período", "Movimiento", "Fecha", "Producto", "Cantidad", "U.M.",
         "Conc. (%)", "Licencia proveedor/cliente", "Proveedor/Cliente", "País", "Comprobante",
         "Medio de pago", "Modalidad de entrega"],
        ["Nº licencia", "Periodo", "Tipo de movimiento", "Fecha", "Sustancia", "Cantidad",
         "Unidad", "Concentración %", "Licencia contraparte", "Razón social contraparte",
         "País contraparte", "Nº documento", "Forma de pago", "Entrega"],
    ],
)
def test_whole_declaration_templates_map_every_column(headers):
    columns = FEEDS["declarations"].columns
    match = match_headers(headers, columns, FEEDS["declarations"].required)
    assert match.missing == []
    assert match.duplicates == {}
    assert [c for c, _ in sorted(match.columns.items(), key=lambda i: i[1])] == list(columns)
