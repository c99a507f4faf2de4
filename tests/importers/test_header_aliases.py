"""Header matching: how a header row is mapped onto a feed's columns.

Which header names which column is in importers/words/headers.yaml, each entry with examples
that tests/importers/test_word_examples.py reads; here the passes around the words.
"""

from __future__ import annotations

import pytest

from importers import FEEDS
from importers.aliases import match_headers, normalise_header


def _canonical(feed: str, header: str) -> str | None:
    match = match_headers([header, "-"], FEEDS[feed].columns, FEEDS[feed].required)
    return next((c for c, p in match.columns.items() if p == 0), None)


def test_normalise_header_ignores_case_accents_punctuation_order_and_filler():
    assert normalise_header("Nº licencia") == normalise_header("N° de licencia")
    assert normalise_header("Número de Licença") == normalise_header("licenca_no")
    assert normalise_header("Licence No.") == normalise_header("licence_no")
    assert normalise_header("Masa neta (kg)") == "kg masa neta"
    assert normalise_header("Concentración %") == "concentracion pct"


def test_shared_weak_header_goes_to_the_first_column_left_unfound():
    columns, required = FEEDS["customs"].columns, FEEDS["customs"].required
    assert match_headers(["Partida", "Serie"], columns, required).columns == {
        "hs_code": 0, "item_no": 1}
    assert match_headers(["Partida", "Fracción arancelaria"], columns, required).columns == {
        "item_no": 0, "hs_code": 1}


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
