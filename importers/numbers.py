"""Numbers as spreadsheets write them: `1.234,5` (decimal comma) or `1,234.5` (decimal point).

The style is decided per column from the column's own values, because a file may mix a
`cantidad` typed by hand with a `%` pasted from elsewhere. Values that settle it: both
separators present (the last one is the decimal mark), a separator repeated (it groups
thousands), or followed by other than three digits (it is the decimal mark). Values such as
`1.234` or `1,250` settle nothing; when a column has only those, the file's separator decides
(`;` or tab files come from decimal-comma locales; in a `,` file a decimal comma could only
appear inside quotes) and the reader says so in a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

COMMA = "comma"  # 1.234,5
POINT = "point"  # 1,234.5

_GROUPED = {
    COMMA: re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?"),
    POINT: re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"),
}
_THOUSANDS = {COMMA: ".", POINT: ","}
_SAMPLE = 10_000
_SPACES = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, "'": None})
# Scientific notation as spreadsheets write it (`1,2E+03` in decimal-comma locales, `1.2E3`):
# the mantissa's one separator is always the decimal mark, never a thousands group.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_ACCOUNTING_NEGATIVE = re.compile(r"\(\s*[+-]?\d[\d.,\s\u00a0\u202f']*\)")
# SAP and other ERPs write the sign after the number: `120,5-`.
_TRAILING_MINUS = re.compile(r"\d[\d.,\s\u00a0\u202f']*-")


@dataclass
class NumberStyle:
    """The decimal style of one column, decided once per file from its values."""

    style: str | None = None
    settled: bool = False
    guessed: bool = False  # decided by the file's separator, not by the values


def _votes(texts: pd.Series) -> tuple[int, int, int]:
    """Count values proving decimal comma, proving decimal point, and ambiguous ones."""
    joined = "".join(texts)  # one C pass: most columns hold no exponent at all
    if "," not in joined and "." not in joined:
        return 0, 0, 0
    if joined.isascii() and "\x00" not in joined:  # bytes count as characters: numpy's loops
        return _ascii_votes(texts, exponents="E" in joined or "e" in joined)
    return _text_votes(texts, exponents="E" in joined or "e" in joined)


def _ascii_votes(texts: pd.Series, *, exponents: bool) -> tuple[int, int, int]:
    """Count the votes of ASCII values with numpy's string loops (as `_text_votes` does)."""
    raw = texts.to_numpy(dtype=object).astype("S")
    commas, points = np.strings.count(raw, b","), np.strings.count(raw, b".")
    comma = point = 0
    if exponents:
        scientific = texts.str.fullmatch(_SCIENTIFIC.pattern).fillna(False).to_numpy(dtype=bool)
        if scientific.any():  # `1,2E+03`: its separator is the mark
            comma += int((scientific & (commas > 0)).sum())
            point += int((scientific & (points > 0)).sum())
            raw, commas, points = raw[~scientific], commas[~scientific], points[~scientific]
    both = (commas > 0) & (points > 0)
    if both.any():
        comma_last = np.strings.rfind(raw[both], b",") > np.strings.rfind(raw[both], b".")
        comma += int(comma_last.sum())
        point += int((~comma_last).sum())
    ambiguous = 0
    for sep, count, other in ((b",", commas, points), (b".", points, commas)):
        alone = (count > 0) & (other == 0)
        if not alone.any():
            continue
        only = np.strings.lstrip(raw[alone], b"+-")
        repeated = count[alone] > 1
        head = np.strings.find(only, sep)  # the length of what comes before the first
        tail = np.strings.str_len(only) - head - 1
        three = (tail == 3) & ~repeated
        zero_led = np.strings.startswith(only, b"0") | (head == 0)
        n_decimal = int(((~repeated & ~three) | (three & zero_led)).sum())
        n_grouping = int(repeated.sum())
        ambiguous += len(only) - n_decimal - n_grouping
        if sep == b",":
            comma, point = comma + n_decimal, point + n_grouping
        else:
            point, comma = point + n_decimal, comma + n_grouping
    return comma, point, ambiguous


def _text_votes(texts: pd.Series, *, exponents: bool) -> tuple[int, int, int]:
    """Count the votes of any values, non-ASCII ones too, with pandas' string methods."""
    has_comma = texts.str.contains(",", regex=False)
    has_point = texts.str.contains(".", regex=False)
    comma = point = ambiguous = 0
    scientific = (
        texts.str.fullmatch(_SCIENTIFIC.pattern).fillna(False).astype(bool)
        if exponents else None
    )
    if scientific is not None and scientific.any():  # `1,2E+03`: its separator is the mark
        comma += int((scientific & has_comma).sum())
        point += int((scientific & has_point).sum())
        texts, has_comma, has_point = (
            texts[~scientific], has_comma[~scientific], has_point[~scientific]
        )
    both = texts[has_comma & has_point]
    if len(both):
        comma_last = both.str.rfind(",") > both.str.rfind(".")
        comma += int(comma_last.sum())
        point += int((~comma_last).sum())
    for sep, proves_decimal in ((",", "comma"), (".", "point")):
        other = "." if sep == "," else ","
        alone = texts.str.contains(sep, regex=False) & ~texts.str.contains(other, regex=False)
        only = texts[alone]
        if not len(only):
            continue
        repeated = only.str.count(re.escape(sep)) > 1
        parts = only.str.lstrip("+-").str.partition(sep)
        head, tail = parts[0], parts[2]
        three = (tail.str.len() == 3) & ~repeated
        zero_led = head.str.startswith("0") | (head == "")
        decimal = (~repeated & ~three) | (three & zero_led)
        grouping = repeated
        n_decimal, n_grouping = int(decimal.sum()), int(grouping.sum())
        ambiguous += len(only) - n_decimal - n_grouping
        if proves_decimal == "comma":
            comma, point = comma + n_decimal, point + n_grouping
        else:
            point, comma = point + n_decimal, comma + n_grouping
    return comma, point, ambiguous


def settle_style(state: NumberStyle, texts: np.ndarray, hint: str) -> None:
    """Decide the column's style from these values if they settle it (else from `hint`)."""
    if state.settled or not len(texts):
        return
    # A sample nearly always settles it; look at everything only when the sample cannot.
    comma, point, ambiguous = _votes(pd.Series(texts[:_SAMPLE], dtype=object))
    if not (comma or point) and len(texts) > _SAMPLE:
        comma, point, ambiguous = _votes(pd.Series(texts, dtype=object))
    if comma or point:
        state.style = COMMA if comma > point else POINT if point > comma else hint
        state.settled, state.guessed = True, False
    elif ambiguous:
        state.style, state.settled, state.guessed = hint, True, True


def _grouping_ok(raw: np.ndarray, style: str, texts: np.ndarray) -> np.ndarray:
    """Check thousands groups (`12.345.678,9`) with numpy string functions, not a regex per value.

    `raw` is the values as a numpy bytes array. With d separators in the integer part, the
    first at position p (1..3) and the integer part L long, the groups are all three digits
    exactly when L == p + 4d and the last separator sits at L - 4; for d >= 3 the middle
    ones are checked by the regex on the original `texts`.
    """
    thousands, decimal = (b".", b",") if style == COMMA else (b",", b".")
    signed = (np.strings.startswith(raw, b"-") | np.strings.startswith(raw, b"+")).astype(np.int64)
    mark = np.strings.find(raw, decimal)
    end = np.where(mark < 0, np.strings.str_len(raw), mark)  # the integer part is raw[:end]
    first = np.strings.find(raw, thousands, 0, end) - signed
    last = np.strings.rfind(raw, thousands, 0, end)
    count = np.strings.count(raw, thousands, 0, end)
    length = end - signed
    ok = (first >= 1) & (first <= 3) & (length == first + 4 * count) & (last == end - 4)
    many = ok & (count >= 3)
    if many.any():
        pattern = _GROUPED[style]
        ok[many] = [pattern.fullmatch(v) is not None for v in texts[many]]
    return ok


def _parse(texts: np.ndarray, style: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Parse strings in a known style; return floats and a mask of values that parsed.

    Numbers are ASCII, so the work is done on a numpy bytes array (C loops, one byte per
    character); a value that is not ASCII sends the chunk down the slower object path.
    """
    try:
        raw = texts.astype("S")
    except UnicodeEncodeError:
        return _parse_objects(texts, style)
    ok = np.ones(len(texts), dtype=bool)
    scientific = (np.strings.find(raw, b"E") >= 0) | (np.strings.find(raw, b"e") >= 0)
    if scientific.any():  # rare: set aside, so that `1.2E3` is not read as 12E3
        exponents = texts[scientific]
        raw = raw.copy()
        raw[scientific] = b"0"
    if style is not None:
        thousands = _THOUSANDS[style].encode()
        grouped = np.strings.find(raw, thousands) >= 0
        if grouped.any():
            ok[grouped] = _grouping_ok(raw[grouped], style, texts[grouped])
            raw = np.strings.replace(raw, thousands, b"")
        if style == COMMA:
            raw = np.strings.replace(raw, b",", b".")
    try:
        values = raw.astype(np.float64)
    except ValueError:  # some cell is not a number: let pandas find which
        numbers = pd.to_numeric(raw.astype(str).astype(object), errors="coerce")
        values = np.array(numbers, dtype=np.float64)
    if scientific.any():
        values[scientific], ok[scientific] = _parse_scientific(exponents)
    ok &= np.isfinite(values)
    return values, ok


def _parse_scientific(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse `1,2E+03` or `1.2E3` (either decimal mark in the mantissa); refuse anything else."""
    ok = np.array([_SCIENTIFIC.fullmatch(t) is not None for t in texts], dtype=bool)
    values = np.full(len(texts), np.nan)
    if ok.any():
        values[ok] = [float(t.replace(",", ".")) for t in texts[ok]]
    return values, ok


def _parse_objects(texts: np.ndarray, style: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Parse strings that are not all ASCII (so some of them are not numbers)."""
    ok = np.ones(len(texts), dtype=bool)
    if style is not None:
        thousands = _THOUSANDS[style]
        grouped = np.fromiter((thousands in v for v in texts), dtype=bool, count=len(texts))
        if grouped.any():
            ascii_ = np.fromiter((v.isascii() for v in texts[grouped]), dtype=bool)
            checked = np.zeros(int(grouped.sum()), dtype=bool)
            plain = texts[grouped][ascii_]
            checked[ascii_] = _grouping_ok(plain.astype("S"), style, plain)
            ok[grouped] = checked
        texts = np.array([v.replace(thousands, "") for v in texts], dtype=object)
        if style == COMMA:
            texts = np.array([v.replace(",", ".") for v in texts], dtype=object)
    values = np.array(pd.to_numeric(texts, errors="coerce"), dtype=np.float64)
    ok &= np.isfinite(values) & np.fromiter((v.isascii() for v in texts), bool, len(texts))
    return values, ok


# A percent sign before or after a percentage, and the basis written after it when it is by
# mass (p/p, w/w, m/m). A percentage by volume (p/v, v/v) is another quantity: 37 % p/v
# hydrochloric acid is 32 % p/p; read as mass it would be silently wrong.
_PERCENT_MARKS = re.compile(r"^%|%(?:[pwm]/[pwm])?$", re.IGNORECASE)
_BY_VOLUME = re.compile(r"%\s*(?:[pwm]/v|v/[pwmv])\s*$", re.IGNORECASE)


# US dollars written with their sign, in a column of US dollars ("US$ 1.234,50", "1,234.50 USD").
_DOLLARS = re.compile(r"^(?:US\$|U\$S|\$US|U\$|USD)|(?:US\$|USD)$", re.IGNORECASE)
# Other currencies, and the bare "$" that is also the peso sign of half the region.
_OTHER_MONEY = re.compile(
    r"^\s*(S/\.?|R\$|€|EUR|COP|MXN|PEN|ARS|CLP|BRL|UYU|BOB|Bs\.?|Q|\$)\s*[\d.,]", re.IGNORECASE
)


def parse_numbers(
    texts: np.ndarray, state: NumberStyle, *, hint: str, percent: bool = False,
    dollars: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse an object array of non-empty strings; return float64 values and a mask of good ones."""
    settle_style(state, texts, hint)
    values, ok = _parse(texts, state.style)
    if not ok.all():
        # Second chance only for the few failures: spaces as thousands, a trailing %.
        retry = np.array([v.translate(_SPACES) for v in texts[~ok]], dtype=object)
        if percent:  # "33 %", "% 33", "98 % p/p", "36,5% w/w"
            retry = np.array([_PERCENT_MARKS.sub("", v) for v in retry], dtype=object)
        if dollars:  # "US$ 1.234,50" in a column of US dollars
            retry = np.array([_DOLLARS.sub("", v) for v in retry], dtype=object)
        retry_values, retry_ok = _parse(retry, state.style)
        values[~ok] = np.where(retry_ok, retry_values, np.nan)
        ok[~ok] = retry_ok
    return values, ok


def number_reason(text: str, state: NumberStyle, *, dollars: bool = False) -> str:
    """Explain why a value is not a number in this column."""
    if dollars and (m := _OTHER_MONEY.match(text)):
        if m[1] == "$":
            return (f"{text.strip()!r}: '$' is also the peso sign; write the value in US dollars "
                    "without a sign, or as US$")
        return f"{text.strip()!r} is not in US dollars ({m[1]}): give the value in US dollars"
    if _ACCOUNTING_NEGATIVE.fullmatch(text.strip()):
        return (
            f"{text.strip()!r} is a negative number in accounting notation (parentheses): "
            "write quantities as positive numbers (the movement says whether goods came in "
            "or went out)"
        )
    if _BY_VOLUME.search(text):
        return (
            f"{text.strip()!r} is a percentage by volume: give the percentage by mass (% p/p), "
            "which the conversion to kg of pure substance needs"
        )
    if _TRAILING_MINUS.fullmatch(text.strip()):
        return (
            f"{text.strip()!r} is a negative number (the minus sign written after it, as SAP "
            "does): write quantities as positive numbers (the movement says whether goods came "
            "in or went out)"
        )
    if state.style == COMMA:
        return f"not a number: {text!r} (this column uses decimal comma, e.g. 1.234,5)"
    if state.style == POINT:
        return f"not a number: {text!r} (this column uses decimal point, e.g. 1,234.5)"
    return f"not a number: {text!r}"


def readable(number: float) -> str:
    """Write a quantity for people: 1,234.5 or 12,000, and 1.2e+30 rather than 31 digits."""
    if number != number or number in (float("inf"), float("-inf")):
        return str(number)
    size = abs(number)
    if size >= 1e12 or (0 < size < 0.001):
        return f"{number:.3g}"
    if size >= 100 or number == int(number):
        return f"{number:,.0f}"
    return f"{number:,.3f}".rstrip("0").rstrip(".")
