"""Counterparty resolution: licence, tax id, name, similar name, document, unresolved."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.detection import parties
from app.detection.parties import (
    Registry,
    document_key,
    legal_form,
    licence_key,
    name_key,
    resolve_counterparties,
)
from lexicon.text import fold_words
from tests.detection.builders import HOME, frame, line

OPERATORS = pd.DataFrame({
    "licence_no": ["LIC-00123", "LIC-00200", "LIC-00300", "LIC-00301"],
    "legal_name": ["Química Andina S.A.C.", "Distribuidora del Norte E.I.R.L.",
                   "Minera Los Andes S.A.", "Minera Los Andes Sur S.A."],
    "tax_id_key": ["20100070970", "9001234567", "20555555551", "20555555551"],
})


def _registry(licensed=()):
    return Registry(OPERATORS, licensed)


def _resolve(*rows, registry=None):
    lines = frame("lines", [line(**r) for r in rows], "line_id")
    return resolve_counterparties(lines, registry or _registry(), HOME)


@pytest.mark.parametrize(("written", "key"), [
    ("LIC-00123", "LIC123"), ("lic 123", "LIC123"), ("Lic.00123", "LIC123"),
    ("000123", "123"), ("LIC-0", "LIC0"),
])
def test_licence_keys_ignore_spacing_case_and_leading_zeros(written, key):
    assert licence_key(written) == key


@pytest.mark.parametrize("written", [
    "Química Andina S.A.C.", "QUIMICA ANDINA SAC", "Quimica Andina", "química andina s. a. c.",
    "Química  Andina, S.A.C",
])
def test_names_ignore_case_accents_punctuation_and_legal_form(written):
    assert name_key(written) == "quimica andina"


def test_legal_forms_of_several_countries_are_ignored():
    for written in ("Beta S.R.L.", "Beta Ltda.", "Beta S.A. de C.V.", "Beta S.A.S.", "Beta Inc.",
                    "Beta E.I.R.L.", "Beta Sociedad Anónima", "Beta SpA", "Beta y Cía."):
        assert name_key(written) == "beta", written


@pytest.mark.parametrize("written", [
    "F001-00012345", "F001-12345", "001-12345", "F1-12345", "FACT. F001-00012345", "12345",
    "F00100012345", "001 00012345",
])
def test_document_keys_keep_the_number_clerks_agree_on(written):
    assert document_key(written) == "12345"


def test_a_licence_written_otherwise_resolves_to_the_registered_one():
    out = _resolve(line(movement="sale", counterparty_licence="lic 123"))

    assert out["counterparty"].tolist() == ["LIC-00123"]
    assert out["counterparty_how"].tolist() == ["licence"]
    assert out["counterparty_label"].tolist() == ["Química Andina S.A.C."]


def test_a_tax_id_written_as_licence_or_name_resolves():
    out = _resolve(line(movement="sale", counterparty_licence="20100070970"),
                   line(movement="sale", counterparty_name="RUC: 20100070970"),
                   line(movement="sale", counterparty_name="NIT 900123456"))  # no check digit

    assert out["counterparty"].tolist() == ["LIC-00123", "LIC-00123", "LIC-00200"]
    assert set(out["counterparty_how"]) == {"tax_id"}


def test_a_tax_id_shared_by_licences_picks_the_one_licensed_for_the_substance():
    registry = _registry(licensed={("LIC-00301", "acetic-anhydride")})
    out = _resolve(line(movement="sale", counterparty_licence="20555555551"), registry=registry)

    assert out["counterparty"].tolist() == ["LIC-00301"]


def test_names_resolve_exactly_or_when_every_word_pairs_up():
    out = _resolve(line(movement="sale", counterparty_name="QUIMICA ANDINA SAC"),
                   line(movement="sale", counterparty_name="Quím. Andina"),
                   line(movement="sale", counterparty_name="Distribuidora del Nrote"),
                   line(movement="sale", counterparty_name="Dist. Norte EIRL"),
                   line(movement="sale", counterparty_name="Qca. Andnna"))

    assert out["counterparty"].tolist() == ["LIC-00123", "LIC-00123", "LIC-00200", "LIC-00200",
                                            "LIC-00123"]
    assert out["counterparty_how"].tolist() == ["name", "similar_name", "similar_name",
                                                "similar_name", "similar_name"]


def test_an_ambiguous_or_unknown_name_stays_unresolved():
    out = _resolve(line(movement="sale", counterparty_name="Minera Los Andes Norte"),
                   line(movement="sale", counterparty_name="Minera Sur"),
                   line(movement="sale", counterparty_name="Ferretería El Sol"))

    assert out["counterparty"].isna().all()
    assert out["counterparty_how"].tolist() == ["unresolved"] * 3
    assert out["counterparty_party"].tolist()[2] == "name:ferreteria sol"


def test_the_invoice_the_other_side_declared_names_the_counterparty():
    out = _resolve(
        line(licence_no="LIC-00200", movement="sale", document_ref="F001-00012345",
             date=date(2025, 3, 28)),
        line(licence_no="LIC-00123", movement="purchase", document_ref="F1-12345",
             date=date(2025, 4, 2), counterparty_name="Dist. N."),
    )

    assert out["counterparty"].tolist() == ["LIC-00123", "LIC-00200"]
    assert out["counterparty_how"].tolist() == ["document", "document"]


def test_a_document_number_far_apart_in_time_or_of_another_substance_names_no_one():
    out = _resolve(
        line(licence_no="LIC-00200", movement="sale", document_ref="F001-00012345",
             date=date(2025, 1, 10)),
        line(licence_no="LIC-00123", movement="purchase", document_ref="F001-00012345",
             date=date(2025, 3, 10)),
        line(licence_no="LIC-00300", movement="purchase", document_ref="F001-00012345",
             date=date(2025, 1, 10), substance_code="toluene"),
    )

    assert out["counterparty_how"].tolist() == ["none", "none", "none"]


def test_foreign_counterparties_are_not_resolved():
    out = _resolve(line(movement="import", counterparty_name="Química Andina S.A.C.",
                        counterparty_country="DE"))

    assert out["counterparty_how"].tolist() == ["foreign"]
    assert out["counterparty"].isna().all()


def test_customs_traders_typed_by_brokers_resolve_to_the_registered_tax_id():
    from app.detection.parties import resolve_traders

    customs = pd.DataFrame({
        "trader_tax_id": ["RUC 20100070970", "900123456", "20100070971", "20100070971",
                          "20999999999"],
        "trader_name": ["", "", "Química Andina SAC", "Ferretería Sol", ""],
        "tax_id_key": ["RUC20100070970", "900123456", "20100070971", "20100070971",
                       "20999999999"],
    })

    out = resolve_traders(customs, _registry())

    assert out["tax_id_key"].tolist() == ["20100070970", "9001234567", "20100070970",
                                          "20100070971", "20999999999"]
    assert out["trader_how"].tolist() == ["tax_id", "tax_id", "name_and_tax_id",
                                          "unregistered", "unregistered"]


@pytest.mark.parametrize(("written", "key"), [
    ("F004-00035054 / F4-35110", "35054+35110"), ("Fact. 101, 102 y 103", "101+102+103"),
    ("F001/00012345", "12345"), ("118-2026-10-004321", "4321"),
])
def test_a_cell_listing_several_documents_keeps_each(written, key):
    assert document_key(written) == key


def test_branches_trade_names_and_other_licence_formats_resolve():
    operators = pd.DataFrame({
        "licence_no": ["LIC-00123", "LIC-00200"],
        "legal_name": ["Química Andina S.A.C. (QUIANSA)", "Minera Los Andes S.A."],
        "tax_id_key": ["20100070970", "20555555551"],
    })
    out = _resolve(line(movement="sale", counterparty_name="Química Andina SAC - Planta Callao"),
                   line(movement="sale", counterparty_name="QUIANSA"),
                   line(movement="sale", counterparty_name="Minera Los Andes (Sucursal Ilo)"),
                   line(movement="sale", counterparty_licence="IQBF-200"),
                   line(movement="sale", counterparty_name="Ferretería (Quiansa)"),
                   registry=Registry(operators))

    assert out["counterparty"].tolist()[:4] == ["LIC-00123", "LIC-00123", "LIC-00200",
                                                "LIC-00200"]
    # A written bracket is never taken for the party's name on its own.
    assert pd.isna(out["counterparty"].tolist()[4])


def test_two_firms_of_one_name_are_told_apart_by_the_legal_form_written():
    operators = pd.DataFrame({
        "licence_no": ["LIC-00301", "LIC-00302"],
        "legal_name": ["Química Paracas S.R.L.", "Química Paracas E.I.R.L."],
        "tax_id_key": ["20100000001", "20100000002"],
    })
    out = _resolve(line(movement="sale", counterparty_name="QUÍMICA PARACAS E.I.R.L."),
                   line(movement="sale", counterparty_name="Quimica Paracas SRL"),
                   line(movement="sale", counterparty_name="Quím. Paracas Sociedad de "
                                                           "Responsabilidad Limitada"),
                   line(movement="sale", counterparty_name="Química Paracas"),
                   registry=Registry(operators))

    assert out["counterparty"].tolist()[:3] == ["LIC-00302", "LIC-00301", "LIC-00301"]
    # Without a legal form nothing says which of the two it was.
    assert pd.isna(out["counterparty"].tolist()[3])


def _name_key_by_loop(text: str) -> str:
    """name_key as first written: legal forms tried one by one, longest first."""
    words = fold_words(text)
    changed = True
    while changed and words:
        changed = False
        for form in parties._LEGAL_FORMS:
            if words == form:
                break
            if words.endswith(" " + form):
                words = words[: -len(form) - 1].rstrip()
                changed = True
                break
    tokens = [t for t in words.split() if t not in parties._SMALL_WORDS]
    return " ".join(parties._EXPANSIONS.get(t, t) for t in tokens)


def _legal_form_by_loop(text: str) -> str:
    words = fold_words(text)
    for form in parties._LEGAL_FORMS:
        if words.endswith(" " + form):
            return parties._FORM_OF.get(form, form)
    return ""


_WORDS = st.sampled_from(["Química", "Andina", "de", "Beta", "S.A.", "SAC", "s a", "Ltda",
                          "C.V.", "Cía", "y", "e", "hijos", "Sociedad", "Anónima", "Inc",
                          "S.R.L.", "sa de cv", "Co", "plc", "GmbH", "B.V.", "-", "(QUIANSA)"])


@given(st.lists(_WORDS, min_size=1, max_size=7))
def test_names_lose_their_legal_forms_as_when_tried_one_by_one(words):
    written = " ".join(words)
    assert name_key(written) == _name_key_by_loop(written)
    assert legal_form(written) == _legal_form_by_loop(written)


@given(st.lists(st.sampled_from(["F001-12345", " / ", "+", " y ", "and", "FACT.", "001",
                                 "0012", ",", " ", "A-7", "e"]), max_size=5))
def test_a_reference_without_a_separator_keys_as_its_one_document(parts):
    written = "".join(parts)
    listed = [p for p in parties._DOCUMENT_LIST.split(written) if p and p.strip()]
    if len(listed) <= 1 and not parties._DOCUMENT_SEPARATOR.search(written):
        assert document_key(written) == (parties._one_document_key(written)
                                         if written.strip() else "")
    keys = sorted({k for k in (parties._one_document_key(p) for p in listed) if k})
    long = [k for k in keys if len(k) >= 3]
    assert document_key(written) == "+".join(long or keys)
