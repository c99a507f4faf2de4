"""marshmallow fields that parse a whole column at once (and one value, for single rows).

Each field declares what a cell of its column must be; `parse` checks a column of non-empty
cells with pandas/numpy and returns values, a mask of good cells and, for the bad ones, the
reason a user reads. `_deserialize` runs the same code on one value, so `Schema().load()`
explains a single row exactly as the bulk reader does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from marshmallow import ValidationError, fields, missing

from importers.codes import CodeTable
from importers.countries import country_code
from importers.dates import DateColumn, parse_period
from importers.engine import FieldResult, FileState, Parsed, too_long
from importers.marks import MARKS, excel_error_reason, is_excel_error, is_placeholder
from importers.numbers import NumberStyle, number_reason, parse_numbers, settle_style
from importers.text import as_text, cell_text, strip_text
from lexicon.text import fold_words


def distinct(
    values: np.ndarray, convert: Callable[[Any], tuple[Any, str | None]], cache: dict | None = None
) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Convert each distinct cell once; return row -> distinct index, results, and reasons.

    The reasons array has one slot more than there are distinct values, so that indexing
    with pandas' -1 (missing) lands on None.
    """
    at, uniques = pd.factorize(values)
    results: list[Any] = []
    why = np.empty(len(uniques) + 1, dtype=object)
    for i, unique in enumerate(uniques):
        if cache is None:
            found = convert(unique)
        elif unique in cache:
            found = cache[unique]
        else:
            found = cache[unique] = convert(unique)
        results.append(found[0])
        why[i] = found[1]
    return at, results, why


def per_unique(
    values: np.ndarray, convert: Callable[[Any], tuple[Any, str | None]], cache: dict | None = None
) -> FieldResult:
    """Convert each distinct cell once (value, reason) and spread results back, vectorised."""
    at, results, why = distinct(values, convert, cache)
    out = np.empty(len(results) + 1, dtype=object)
    for i, result in enumerate(results):  # element-wise: results may be tuples
        out[i] = result
    return spread_distinct(at, out[at], why)


# The most characters a text value may have, per kind of column, on every database: the
# stored columns are this long (tests/intake/test_field_limits.py holds them together).
IDENTIFIER = 64  # licence, tax id, declaration and notification numbers
REFERENCE = 120  # document references, customs offices, regions
NAME = 300  # operator, counterparty and trader names, substances as written, sectors
CELL = 32_767  # anything else: the most text one spreadsheet cell holds


class Column(fields.Field):
    """A column of a feed: parsed in bulk by `parse`, or one value at a time by marshmallow."""

    default_error_messages = {"required": "required value is missing"}
    dtype: Any = object
    fill: Any = None

    def __init__(self, *, max_length: int | None = None, **kwargs: Any):
        # The most characters a value may have: the same on every database (PostgreSQL
        # refuses a longer varchar, SQLite would store it). `what` names it in the message.
        super().__init__(**kwargs)
        self.max_length = max_length

    def parse(self, values: np.ndarray, state: FileState, name: str) -> FieldResult:
        """Parse non-empty cells; return values, good mask and reasons for the bad ones."""
        raise NotImplementedError

    def absent(self, n: int, state: FileState) -> Parsed:
        """Return the column for n empty cells: the default where there is one."""
        default = None if self.load_default is missing else self.load_default
        values = np.full(n, self.fill if default is None else default, dtype=self.dtype)
        return Parsed(values, np.full(n, default is not None), self.absent_extra(n))

    def absent_extra(self, n: int) -> dict[str, np.ndarray]:
        """Return the extra arrays this field produces, for n empty cells."""
        return {}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        """Parse one value exactly as the bulk reader would (for single-row loads)."""
        state = getattr(self.root, "read_state", None) or FileState(context=None)
        text = cell_text(value).strip()
        if is_excel_error(text):
            raise ValidationError(excel_error_reason(text))
        if self.max_length is not None and len(text) > self.max_length:
            raise ValidationError(too_long(text, self.max_length))
        if text == "" or (not self.required and is_placeholder(text)):
            if self.required:
                raise ValidationError(self.error_messages["required"])
            return _python(self.absent(1, state).values[0])
        result = self.parse(np.array([value], dtype=object), state, attr or self.name)
        if not result.ok[0]:
            raise ValidationError(str(result.reasons[0]))
        return _python(result.values[0])


def _python(value: Any) -> Any:
    """Turn one parsed numpy value into the plain Python value a schema load returns."""
    if isinstance(value, np.generic):
        value = value.item()
    return None if isinstance(value, float) and np.isnan(value) else value


def _result(values: np.ndarray, reasons: np.ndarray, **extra: np.ndarray) -> FieldResult:
    """Build a result where a cell is good exactly when it has no reason against it."""
    return FieldResult(values, pd.isna(reasons), reasons, extra)


def spread_distinct(
    at: np.ndarray, values: np.ndarray, why: np.ndarray, **extra: np.ndarray
) -> FieldResult:
    """Build a result from per-distinct-value results (`why` has the extra slot for -1)."""
    good = np.array([w is None for w in why], dtype=bool)
    if good.all():
        return FieldResult(values, np.ones(len(at), dtype=bool), None, extra)
    return FieldResult(values, good[at], why[at], extra)


class Text(Column):
    """Free text, kept as written (stripped); cells like `=1+2` stay text, never evaluated."""

    def parse(self, values, state, name):
        """Strip the cells; whitespace-only cells count as empty, error values are refused."""
        stripped = strip_text(as_text(values, textual=state.textual))
        blank = stripped == ""
        marked = None
        if not MARKS.isdisjoint(stripped):  # rare: `#N/A`, or `N/A` / `-` for "none"
            errors = np.array([is_excel_error(v) for v in stripped], dtype=bool)
            placeholders = np.array([is_placeholder(v) for v in stripped], dtype=bool)
            marked = errors | (placeholders & (not self.required))
        if not blank.any() and marked is None:
            return FieldResult(stripped, np.ones(len(stripped), dtype=bool), None)
        reasons = np.full(len(stripped), None, dtype=object)
        reasons[blank] = "blank"  # the engine treats these cells as empty
        if marked is not None:
            reasons[marked & ~errors] = "blank"  # a placeholder: the engine empties it too
            reasons[errors] = [excel_error_reason(v) for v in stripped[errors]]
            blank = blank | marked
        stripped[blank] = None
        return _result(stripped, reasons)


class Code(Column):
    """A coded value: canonical code or any synonym of the code table."""

    def __init__(self, table: CodeTable, **kwargs: Any):
        super().__init__(**kwargs)
        self.table = table

    def parse(self, values, state, name):
        """Map each distinct cell to its code through the code table."""
        table = self.table
        at, uniques = pd.factorize(values)
        found = [table.code_for(cell_text(u)) for u in uniques]
        positions = [table.codes.index(c) if c else -1 for c in found]
        index = np.array([*positions, -1], dtype=np.int16)[at]
        why = [
            None if c else table.unknown(cell_text(u).strip())
            for c, u in zip(found, uniques, strict=True)
        ]
        codes = np.array([*table.codes, None], dtype=object)[index]
        return spread_distinct(at, codes, np.array([*why, None], dtype=object), index=index)

    def absent(self, n, state):
        """Return empty cells, defaulted to the default code if there is one."""
        parsed = super().absent(n, state)
        if self.load_default is not missing:
            parsed.extra["index"][:] = self.table.codes.index(self.load_default)
        return parsed

    def absent_extra(self, n):
        """Return this field's extra arrays for n empty cells."""
        return {"index": np.full(n, -1, dtype=np.int16)}


def _bound(number: float) -> str:
    """Write a bound without a spurious `.0`."""
    return f"{number:g}"


def _numbers(texts: np.ndarray, style: NumberStyle, hint: str, percent: bool, dollars: bool):
    """Parse number strings, once per distinct value when the column repeats itself."""
    sample = texts[:1000]
    if len(texts) > 5000 and len(pd.unique(sample)) < len(sample) // 4:
        at, uniques = pd.factorize(texts)
        settle_style(style, texts, hint)  # on all values: the distinct ones lose the counts
        distinct_texts = np.asarray(uniques, dtype=object)
        parsed, good = parse_numbers(distinct_texts, style, hint=hint, percent=percent,
                                     dollars=dollars)
        return parsed[at], good[at]
    return parse_numbers(texts, style, hint=hint, percent=percent, dollars=dollars)


class Number(Column):
    """A decimal number in either decimal style, with optional bounds."""

    dtype = np.float64
    fill = np.nan

    def __init__(
        self, *, gt=None, ge=None, le=None, percent: bool = False,
        units: CodeTable | None = None, dollars: bool = False, **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.gt, self.ge, self.le, self.percent = gt, ge, le, percent
        self.dollars = dollars  # a column of US dollars: "US$ 1.234,50" is read
        self.units = units  # a unit may follow the number ("12,5 kg"): kept in extra["unit"]

    def absent_extra(self, n):
        """Return the unit written after the number, for n empty cells."""
        return {"unit": np.full(n, None, dtype=object)} if self.units else {}

    def parse(self, values, state, name):
        """Parse numbers in the column's decimal style and check the bounds."""
        style = state.styles.setdefault(name, NumberStyle())
        numbers = np.full(len(values), np.nan)
        reasons = np.full(len(values), None, dtype=object)
        written = np.full(len(values), None, dtype=object)  # a unit after the number
        if state.textual:
            texts_at = slice(None)
        else:
            kinds = np.array([type(v) in (int, float) for v in values], dtype=bool)
            numbers[kinds] = values[kinds].astype(np.float64)
            if self.percent and name in state.percent_columns:
                # A cell formatted as 33 % holds 0.33; read what the user sees.
                numbers[kinds] = np.round(numbers[kinds] * 100.0, 9)
            texts_at = np.flatnonzero(~kinds)
            others = np.array([not isinstance(v, str) for v in values[texts_at]], dtype=bool)
            odd = texts_at[others]
            reasons[odd] = [f"not a number: {cell_text(v)!r}" for v in values[odd]]
            texts_at = texts_at[~others]
        texts = values[texts_at]
        if len(texts):
            parsed, good = _numbers(texts, style, state.number_hint, self.percent, self.dollars)
            numbers[texts_at] = parsed
            if not good.all() and self.units is not None:
                _number_then_unit(texts, parsed, good, written, texts_at, self.units, state, style)
                numbers[texts_at] = parsed
            if not good.all():
                bad_at = np.flatnonzero(~good)
                reasons[np.arange(len(values))[texts_at][bad_at]] = [
                    number_reason(t, style, dollars=self.dollars) for t in texts[bad_at]
                ]
            if style.guessed:
                state.notes[("guessed_style", name, style.style)] = 1
        if self.percent and name not in state.percent_columns:
            _fractions_as_percentages(numbers, reasons, values, state, name)
        self._check_bounds(numbers, reasons)
        extra = {"unit": written} if self.units is not None else {}
        if pd.isna(reasons).all():
            return FieldResult(numbers, np.ones(len(numbers), dtype=bool), None, extra)
        return _result(numbers, reasons, **extra)

    def _check_bounds(self, numbers: np.ndarray, reasons: np.ndarray) -> None:
        """Refuse numbers outside the field's bounds."""
        checks = (
            (self.gt, lambda x, b: x <= b, "must be greater than"),
            (self.ge, lambda x, b: x < b, "must be at least"),
            (self.le, lambda x, b: x > b, "must be at most"),
        )
        for bound, outside, words in checks:
            if bound is None:
                continue
            with np.errstate(invalid="ignore"):
                wrong = outside(numbers, bound)
            if wrong.any():
                wrong &= pd.isna(reasons)
                reasons[wrong] = f"{words} {_bound(bound)}"


_NUMBER_THEN_WORD = re.compile(r"\s*([-+]?[\d.,\s']*\d)\s*([^\d\s].*?)\s*")


def _number_then_unit(texts, parsed, good, written, texts_at, units, state, style) -> None:
    """Read "12,5 kg" (a number, then a unit the table knows) among the cells that failed.

    Only the failing cells are looked at, in Python; the unit found goes to `written` for
    the feed to compare with the unit column.
    """
    failed = np.flatnonzero(~good)
    numbers, codes, where = [], [], []
    for i in failed:
        m = _NUMBER_THEN_WORD.fullmatch(texts[i])
        code = units.code_for(m[2]) if m else None
        if code is not None:
            numbers.append(m[1])
            codes.append(code)
            where.append(i)
    if not where:
        return
    values, ok = parse_numbers(np.array(numbers, dtype=object), style, hint=state.number_hint)
    at = np.array(where)[ok]
    parsed[at] = values[ok]
    good[at] = True
    positions = np.arange(len(written))[texts_at][at]
    written[positions] = np.array(codes, dtype=object)[ok]


def _fractions_as_percentages(
    numbers: np.ndarray, reasons: np.ndarray, values: np.ndarray, state: FileState, name: str
) -> None:
    """Read a percentage column written as fractions (0.98 for 98 %) as the user meant it.

    Whether 0.98 means 98 % or 0.98 % changes a quantity a hundredfold, so the column's
    own values decide, once per file: when every number in the first chunk that has some is
    at most 1 and none is written with a `%`, the column holds fractions and is multiplied
    by 100 (and the user is told). Otherwise it holds percentages; values of 1 or less stay
    as written (0.5 is 0.5 %) and are counted in a warning, for a person to check. A later
    value above 1 in a column of fractions cannot be read either way and is refused.
    """
    good = pd.isna(reasons) & ~np.isnan(numbers)
    if not good.any():
        return
    key = f"fractions:{name}"
    if key not in state.caches:
        texts = [v for v in values[good] if isinstance(v, str)]
        signed = any("%" in t for t in texts)
        state.caches[key] = bool((numbers[good] <= 1).all()) and not signed
    small = good & (numbers <= 1)
    if state.caches[key]:
        large = good & (numbers > 1)
        numbers[good & ~large] = np.round(numbers[good & ~large] * 100.0, 9)
        state.notes[("fraction_pct", name, None)] += int((good & ~large).sum())
        reasons[large] = (
            "this column holds fractions (0.98 for 98 %) in its first rows; a value above 1 "
            "cannot be read either way: write all as fractions or all as percentages"
        )
    elif small.any():
        state.notes[("small_pct", name, None)] += int(small.sum())


class Integer(Number):
    """A whole number (a workbook may store it as 3.0)."""

    def parse(self, values, state, name):
        """Parse numbers and refuse those with a fractional part."""
        result = super().parse(values, state, name)
        fractional = result.ok & (np.floor(result.values) != result.values)
        if fractional.any():
            if result.reasons is None:
                result.reasons = np.full(len(values), None, dtype=object)
            result.reasons[fractional] = "must be a whole number"
            result.ok[fractional] = False
        return result


# How registries write that a licence has no end date (normalised words). Stored as the
# last representable day, 9999-12-31, which is also how many registries write it.
OPEN_ENDED = frozenset({
    "indefinida", "indefinido", "indeterminada", "indeterminado", "sin vencimiento",
    "sin fecha de vencimiento", "no vence", "permanente", "sin plazo", "plazo indefinido",
    "plazo indeterminado", "vigencia indefinida", "sem vencimento", "prazo indeterminado",
    "por prazo indeterminado", "indefinite", "open ended", "no expiry", "no expiration",
})
LAST_DAY = np.datetime64("9999-12-31", "D")


class Date(Column):
    """A calendar date: ISO, day-first, a workbook date cell or an Excel serial number."""

    dtype = "datetime64[D]"
    fill = np.datetime64("NaT")

    def __init__(self, *, past: bool = False, open_ended: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.past = past  # a movement cannot be dated after the day the file is read
        self.open_ended = open_ended  # `Indefinida` is the last day (an end date, never past)

    def parse(self, values, state, name):
        """Parse dates once per distinct value; refuse future ones when asked."""
        dates, ok, reasons = state.cache(f"dates:{name}", DateColumn).parse(values)
        if self.open_ended and not ok.all():
            words = np.array([fold_words(cell_text(v)) in OPEN_ENDED if not good else False
                              for v, good in zip(values, ok, strict=True)], dtype=bool)
            if words.any():
                dates, ok, reasons = dates.copy(), ok | words, reasons.copy()
                dates[words], reasons[words] = LAST_DAY, None
        today = state.context.today if state.context is not None else None
        if self.past and today is not None:
            future = ok & (dates > np.datetime64(today, "D"))
            if future.any():
                if reasons is None:
                    reasons = np.full(len(values), None, dtype=object)
                reasons[future] = [f"date {d} is in the future" for d in dates[future]]
                ok = ok & ~future
        return FieldResult(dates, ok, reasons)


class Period(Column):
    """A declaration period, normalised to `YYYY-MM`."""

    def parse(self, values, state, name):
        """Parse periods once per distinct value."""
        def convert(cell):
            """Convert one distinct cell into (value, reason)."""
            try:
                return parse_period(cell), None
            except ValueError as exc:
                return None, str(exc)

        return per_unique(values, convert, state.cache("periods", dict))


class Country(Column):
    """An ISO 3166-1 alpha-2 country (common names accepted); empty means the home country."""

    def __init__(self, *, home_default: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.home_default = home_default

    def absent(self, n, state):
        """Return empty cells, defaulted to the home country if asked."""
        if not self.home_default or state.context is None:
            return super().absent(n, state)
        return Parsed(np.full(n, state.context.home_country, dtype=object), np.ones(n, dtype=bool))

    def parse(self, values, state, name):
        """Map each distinct cell to an ISO alpha-2 code."""
        def convert(cell):
            """Convert one distinct cell into (value, reason)."""
            text = cell_text(cell).strip()
            code = country_code(text)
            if code:
                return code, None
            return None, f"unknown country {text!r} (write an ISO 3166-1 alpha-2 code, e.g. PE)"

        return per_unique(values, convert)
