"""Numbers in both decimal styles, dates and periods in the forms people write them."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from importers.dates import DateColumn, parse_date, parse_period
from importers.numbers import COMMA, POINT, NumberStyle, _ascii_votes, _text_votes, parse_numbers


def _numbers(values, hint=COMMA, percent=False):
    style = NumberStyle()
    parsed, ok = parse_numbers(np.array(values, dtype=object), style, hint=hint, percent=percent)
    return [float(v) if good else None for v, good in zip(parsed, ok, strict=True)], style


def test_decimal_comma_column():
    values, style = _numbers(["1.234,5", "12,5", "1.234.567,89", "0,25", "7", "-3"])
    assert values == [1234.5, 12.5, 1234567.89, 0.25, 7.0, -3.0]
    assert (style.style, style.guessed) == (COMMA, False)


def test_decimal_point_column():
    values, style = _numbers(["1,234.5", "12.5", "1,234,567.89", "0.25"])
    assert values == [1234.5, 12.5, 1234567.89, 0.25]
    assert (style.style, style.guessed) == (POINT, False)


def test_a_value_in_the_other_style_is_refused_not_misread():
    values, _ = _numbers(["1.234,5", "2.000,0", "0.5", "12.34,5", "1.2345,0"])
    assert values == [1234.5, 2000.0, None, None, None]


def test_plain_numbers_need_no_decision():
    values, style = _numbers(["12", "7", "1e3"])
    assert values == [12.0, 7.0, 1000.0]
    assert style.style is None


def test_ambiguous_values_follow_the_hint_and_are_flagged():
    assert _numbers(["1.250", "2.500"], hint=COMMA)[0] == [1250.0, 2500.0]
    values, style = _numbers(["1.250", "2.500"], hint=POINT)
    assert values == [1.25, 2.5]
    assert style.guessed


def test_spaces_as_thousands_and_percent_signs():
    assert _numbers(["1 234,5", "12\u00a0000,0"])[0] == [1234.5, 12000.0]
    assert _numbers(["37%", "98,5 %", "100"], percent=True)[0] == [37.0, 98.5, 100.0]
    assert _numbers(["37%"], percent=False)[0] == [None]


@pytest.mark.parametrize(
    ("values", "hint", "expected"),
    [
        # Excel writes a number too wide for its column in scientific notation; the
        # mantissa's one separator is the decimal mark in either locale, never a thousands
        # group (`1.2E3` was read as 12E3 in a decimal-comma column, ten times too much)
        (["1,2E+03", "12,5"], COMMA, [1200.0, 12.5]),
        (["1.2E3", "12,5"], COMMA, [1200.0, 12.5]),
        (["1,2E3", "12.5"], POINT, [1200.0, 12.5]),
        (["1.5e-2", "1.234,5"], COMMA, [0.015, 1234.5]),
        (["2,5E+04"], POINT, [25000.0]),
        (["1.234,5E3", "1.2.3E3"], COMMA, [None, None]),  # a grouped mantissa: not Excel's
    ],
)
def test_scientific_notation(values, hint, expected):
    assert _numbers(values, hint=hint)[0] == expected


def test_scientific_notation_settles_the_decimal_style():
    _, style = _numbers(["1,2E+03", "1.250"], hint=POINT)
    assert (style.style, style.guessed) == (COMMA, False)


def test_the_ascii_votes_count_as_the_text_votes():
    # numpy's byte loops vote on ASCII columns; pandas' string methods on any other
    chance = random.Random(17)
    for _ in range(2000):
        texts = pd.Series(["".join(chance.choices("0123456789.,+-eE x", k=chance.randint(1, 9)))
                           for _ in range(chance.randint(1, 40))], dtype=object)
        exponents = any("e" in t.lower() for t in texts)
        assert _ascii_votes(texts, exponents=exponents) == _text_votes(texts, exponents=exponents)


def test_text_that_is_no_number():
    assert _numbers(["abc", "=1+2", "@5", "inf", "nan", "١٢"])[0] == [None] * 6


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-03-05", dt.date(2025, 3, 5)),
        ("05/03/2025", dt.date(2025, 3, 5)),
        ("5/3/2025", dt.date(2025, 3, 5)),
        ("05-03-2025", dt.date(2025, 3, 5)),
        ("05.03.2025", dt.date(2025, 3, 5)),
        ("05/03/25", dt.date(2025, 3, 5)),
        ("2025-03-05 14:30:00", dt.date(2025, 3, 5)),
        ("2025-03-05T14:30", dt.date(2025, 3, 5)),
        ("05/03/2025 2:30 p.m.", dt.date(2025, 3, 5)),
        ("20250305", dt.date(2025, 3, 5)),
        ("5-mar-2025", dt.date(2025, 3, 5)),
        ("05-ene-25", dt.date(2025, 1, 5)),
        ("5 de setembro de 2025", dt.date(2025, 9, 5)),
        ("45721", dt.date(2025, 3, 5)),
        (45721.0, dt.date(2025, 3, 5)),
        (dt.datetime(2025, 3, 5, 10, 0), dt.date(2025, 3, 5)),
        (dt.date(2025, 3, 5), dt.date(2025, 3, 5)),
    ],
)
def test_dates(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("31/02/2025", "not a real date: '31/02/2025'"),
        ("2025-13-01", "not a real date: '2025-13-01'"),
        ("03/05/2025/1", "not a date: '03/05/2025/1' (write YYYY-MM-DD or DD/MM/YYYY)"),
        (2025.0, "not a date: 2025.0 (write YYYY-MM-DD or DD/MM/YYYY)"),
    ],
)
def test_not_dates(cell, reason):
    assert parse_date(cell) == reason


def test_date_column_parses_each_distinct_value_once():
    column = DateColumn()
    values = np.array(["05/03/2025", "31/02/2025", "05/03/2025"], dtype=object)
    dates, ok, reasons = column.parse(values)
    assert ok.tolist() == [True, False, True]
    assert dates[0] == np.datetime64("2025-03-05")
    assert reasons.tolist() == [None, "not a real date: '31/02/2025'", None]


@pytest.mark.parametrize(
    ("cell", "period"),
    [
        ("2025-03", "2025-03"),
        ("2025/3", "2025-03"),
        ("03/2025", "2025-03"),
        ("3-2025", "2025-03"),
        ("202503", "2025-03"),
        (202503.0, "2025-03"),
        ("mar-2025", "2025-03"),
        ("Marzo 2025", "2025-03"),
        ("março de 2025", "2025-03"),
        ("ene-25", "2025-01"),
        ("15/03/2025", "2025-03"),
        (dt.date(2025, 3, 1), "2025-03"),
        (45717.0, "2025-03"),
    ],
)
def test_periods(cell, period):
    assert parse_period(cell) == period


@pytest.mark.parametrize("cell", ["2025-13", "Q1 2025", "marzo", ""])
def test_not_periods(cell):
    with pytest.raises(ValueError, match="not a period"):
        parse_period(cell)
