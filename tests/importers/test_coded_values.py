"""Coded values: codes and the words people type for them."""

from __future__ import annotations

import pytest

from importers.codes import (
    ACTIVITY,
    DELIVERY,
    FLOW,
    LICENCE_STATUS,
    MOVEMENT,
    NOTIFICATION_STATUS,
    PAYMENT_METHOD,
    UNIT,
)
from importers.countries import country_code


@pytest.mark.parametrize(
    ("table", "word", "code"),
    [
        (MOVEMENT, "compra", "purchase"),
        (MOVEMENT, "VENTA", "sale"),
        (MOVEMENT, "importación", "import"),
        (MOVEMENT, "Exportacion", "export"),
        (MOVEMENT, "producción", "production"),
        (MOVEMENT, "uso propio", "consumption"),
        (MOVEMENT, "merma", "loss"),
        (MOVEMENT, "Pérdida", "loss"),
        (MOVEMENT, "stock inicial", "opening_stock"),
        (MOVEMENT, "Existencia inicial", "opening_stock"),
        (MOVEMENT, "saldo final", "closing_stock"),
        (MOVEMENT, "inventario final", "closing_stock"),
        (MOVEMENT, "venda", "sale"),
        (MOVEMENT, "importação", "import"),
        (MOVEMENT, "estoque inicial", "opening_stock"),
        (MOVEMENT, "opening_stock", "opening_stock"),
        (UNIT, "Kilogramos", "kg"),
        (UNIT, "kilos", "kg"),
        (UNIT, "quilogramas", "kg"),
        (UNIT, "gramos", "g"),
        (UNIT, "TM", "t"),
        (UNIT, "toneladas", "t"),
        (UNIT, "l", "L"),
        (UNIT, "Lts.", "L"),
        (UNIT, "litros", "L"),
        (UNIT, "ml", "mL"),
        (UNIT, "cc", "mL"),
        (ACTIVITY, "Importador", "importer"),
        (ACTIVITY, "usuario final", "end_user"),
        (ACTIVITY, "laboratorio farmacéutico", "pharma"),
        (ACTIVITY, "laboratorio", "laboratory"),
        (PAYMENT_METHOD, "efectivo", "cash"),
        (PAYMENT_METHOD, "dinheiro", "cash"),
        (PAYMENT_METHOD, "transferência", "bank_transfer"),
        (PAYMENT_METHOD, "depósito bancario", "bank_transfer"),
        (PAYMENT_METHOD, "tarjeta de crédito", "card"),
        (PAYMENT_METHOD, "cheque", "cheque"),
        (DELIVERY, "retiro en planta", "collected"),
        (DELIVERY, "retira cliente", "collected"),
        (DELIVERY, "recogido", "collected"),
        (DELIVERY, "entregado", "delivered"),
        (DELIVERY, "despacho", "delivered"),
        (DELIVERY, "Entrega en destino", "delivered"),
        (DELIVERY, "despacho a domicilio", "delivered"),
        (DELIVERY, "Envío", "delivered"),
        (DELIVERY, "entregue", "delivered"),
        (DELIVERY, "Entregue no cliente", "delivered"),
        (DELIVERY, "por transportadora", "delivered"),
        (DELIVERY, "Recojo en planta", "collected"),
        (DELIVERY, "recojo en almacén", "collected"),
        (DELIVERY, "Retirada no local", "collected"),
        (DELIVERY, "retirado pelo cliente", "collected"),
        (DELIVERY, "Cliente retira", "collected"),
        (MOVEMENT, "Saldo inicial", "opening_stock"),
        (MOVEMENT, "Saldo de apertura", "opening_stock"),
        (MOVEMENT, "estoque de abertura", "opening_stock"),
        (MOVEMENT, "Saldo de fechamento", "closing_stock"),
        (MOVEMENT, "Stock al cierre", "closing_stock"),
        (MOVEMENT, "perda", "loss"),
        (MOVEMENT, "Merma por evaporación", "loss"),
        (MOVEMENT, "Consumo en producción", "consumption"),
        (MOVEMENT, "Venta al exterior", "export"),
        (MOVEMENT, "Importación definitiva", "import"),
        (MOVEMENT, "Produção própria", "production"),
        (UNIT, "Kg", "kg"),
        (UNIT, "gr", "g"),
        (UNIT, "Lt", "L"),
        (UNIT, "Litro(s)", "L"),
        (UNIT, "mililitros", "mL"),
        (UNIT, "gramas", "g"),
        (PAYMENT_METHOD, "Transferencia bancaria", "bank_transfer"),
        (PAYMENT_METHOD, "Abono en cuenta", "bank_transfer"),
        (PAYMENT_METHOD, "Pix", "bank_transfer"),
        (PAYMENT_METHOD, "cartão", "card"),
        (PAYMENT_METHOD, "Cheque diferido", "cheque"),
        (PAYMENT_METHOD, "Otro", "other"),
        (PAYMENT_METHOD, "outro", "other"),
        (FLOW, "I", "import"),
        (FLOW, "e", "export"),
        (FLOW, "tránsito", "transit"),
        (LICENCE_STATUS, "vigente", "active"),
        (LICENCE_STATUS, "cancelada", "revoked"),
        (LICENCE_STATUS, "suspensa", "suspended"),
        (NOTIFICATION_STATUS, "objetada", "objected"),
        (NOTIFICATION_STATUS, "retirada", "withdrawn"),
        (NOTIFICATION_STATUS, "en trámite", "pending"),
    ],
)
def test_words_people_type(table, word, code):
    assert table.code_for(word) == code


@pytest.mark.parametrize("word", ["contado", "crédito", "a plazo"])
def test_payment_terms_are_not_taken_for_a_means_of_payment(word):
    assert PAYMENT_METHOD.code_for(word) is None


@pytest.mark.parametrize(
    "word",
    # whose freight, whose truck? an Incoterm says who pays, not that the buyer came in person
    ["flete", "transporte propio", "FOB planta", "EXW", "FOB", "CIF", "por cuenta propia"],
)
def test_freight_words_are_not_taken_for_a_delivery_mode(word):
    assert DELIVERY.code_for(word) is None


@pytest.mark.parametrize("word", ["entrada", "salida", "ingreso", "egreso", "ajuste"])
def test_inflow_and_outflow_words_are_not_taken_for_a_movement(word):
    assert MOVEMENT.code_for(word) is None


def test_unknown_value_lists_the_codes():
    assert DELIVERY.unknown("por correo") == (
        "unknown delivery 'por correo' (accepted: delivered, collected)"
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [("pe", "PE"), ("Perú", "PE"), ("Brasil", "BR"), ("EEUU", "US"), ("COL", "CO"),
     ("Países Bajos", "NL"), ("XX", None), ("Narnia", None)],
)
def test_countries(text, code):
    assert country_code(text) == code
