"""Coded values: how a cell is read as a code, and why one is refused.

Which word stands for which code is in importers/words/codes.yaml, each entry with examples
that tests/importers/test_word_examples.py reads; here the logic around the words.
"""

from __future__ import annotations

import pytest

from importers.codes import DELIVERY, FLOW, MOVEMENT, PAYMENT_METHOD
from importers.countries import country_code


def test_unknown_value_lists_the_codes():
    assert DELIVERY.unknown("por correo") == (
        "unknown delivery 'por correo' (accepted: delivered, collected)"
    )


def test_a_code_is_its_own_word():
    assert MOVEMENT.code_for("opening_stock") == "opening_stock"
    assert PAYMENT_METHOD.code_for("BANK_TRANSFER") == "bank_transfer"


def test_a_first_word_decides_whatever_follows():
    assert PAYMENT_METHOD.code_for("Transferencia BCP") == "bank_transfer"
    assert PAYMENT_METHOD.code_for("Depósito BBVA") == "bank_transfer"
    assert PAYMENT_METHOD.code_for("Transferencia") == "bank_transfer"  # a word, not a prefix
    assert MOVEMENT.code_for("Transferencia BCP") is None  # movements have no prefixes


def test_a_refusal_is_found_by_the_first_words():
    assert "whose transport" in DELIVERY.unknown("Flete propio pagado")
    assert "payment terms" in PAYMENT_METHOD.unknown("Crédito 30 días")


def test_digits_only_are_refused_with_the_reason():
    assert FLOW.code_for("10") is None
    assert "national customs regime number" in FLOW.unknown("10")


@pytest.mark.parametrize(
    ("text", "code"), [("salida por venta", "sale"), ("Ingreso por compra", "purchase"),
                       ("Venta (salida)", "sale"), ("entrada por producción", "production"),
                       ("salida por compra", None), ("entrada por stock inicial", None)])
def test_a_direction_around_a_movement_must_agree_with_it(text, code):
    assert MOVEMENT.code_for(text) == code


def test_a_contradicting_direction_is_named():
    assert "says the goods went out" in MOVEMENT.unknown("salida por compra")
    assert "a stock" in MOVEMENT.unknown("entrada por stock inicial")


@pytest.mark.parametrize(
    ("text", "code"),
    [("XX", None), ("Narnia", None), ("CO - COLOMBIA", "CO"), ("CO: Colombia", "CO"),
     ("Colombia (CO)", "CO"), ("170 - Colombia", "CO"), ("CO - Perú", None),
     ("CO - Narnia", "CO"), ("999 - Narnia", None), ("BOL - Bolivia", "BO")],
)
def test_countries_as_code_and_name(text, code):
    assert country_code(text) == code
