"""Fields whose cells name reference data: substances, tariff codes, licensed activities.

Each distinct cell is resolved once (the catalogue is asked once per distinct text and per
file), then the answers are spread over the rows with numpy.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from marshmallow import ValidationError

from importers.codes import ACTIVITY
from importers.fields import Column, Text, distinct, per_unique, spread_distinct
from importers.text import cell_text


class SubstanceName(Column):
    """A substance as written (name, CAS number, code), resolved by the catalogue once per value."""

    def parse(self, values, state, name):
        """Resolve each distinct substance text once through the catalogue."""
        if state.context is None:
            raise ValidationError("a catalogue is needed to resolve substances")
        catalogue = state.context.catalogue

        def convert(cell):
            """Convert one distinct cell into (value, reason)."""
            text = cell_text(cell).strip()
            try:
                resolution = catalogue.resolve(text)
            except ValueError as exc:  # the catalogue's UnknownSubstance, with its message
                return (text, None), str(exc)
            # "MEK (metil etil cetona)" read as MEK: said once per distinct text and file.
            note = getattr(resolution, "note", None)
            if note:
                state.notes[("substance_read_as", name, note)] = 1
            return (text, resolution), None

        at, found, why = distinct(values, convert, state.cache("substances", dict))
        resolutions = [f[1] for f in found]

        def spread(items: list[Any], dtype: Any = object) -> np.ndarray:
            """Spread per-distinct results back over the rows."""
            filler = np.nan if dtype is np.float64 else None
            return np.array([*items, filler], dtype=dtype)[at]

        return spread_distinct(
            at,
            spread([r.substance.code if r else None for r in resolutions]),
            why,
            text=spread([f[0] for f in found]),
            form=spread([r.form.code if r and r.form else None for r in resolutions]),
            base_fraction=spread(
                [r.base_fraction if r else np.nan for r in resolutions], np.float64
            ),
            concentration=spread(  # a concentration written in the text ("HCl 33%")
                [_written_concentration(r) for r in resolutions], np.float64
            ),
            substance=spread([r.substance if r else None for r in resolutions]),
            mixture=spread(  # named a mixture ("Thinner"): its share must be given
                [bool(r) and getattr(r, "matched", None) == "mixture" for r in resolutions], bool
            ),
        )

    def absent_extra(self, n):
        """Return this field's extra arrays for n empty cells."""
        return {
            "text": np.full(n, None, dtype=object),
            "form": np.full(n, None, dtype=object),
            "base_fraction": np.full(n, np.nan),
            "concentration": np.full(n, np.nan),
            "substance": np.full(n, None, dtype=object),
            "mixture": np.zeros(n, dtype=bool),
        }


def _written_concentration(resolution: Any) -> float:
    """Return the concentration a resolution read from the text itself, NaN if none."""
    found = getattr(resolution, "concentration_pct", None) if resolution else None
    return np.nan if found is None else float(found)


_HS_JOINERS = re.compile(r"[\s.,\-]")
# A code that passed through a spreadsheet number: `2915240000.0` (a float written out),
# `2915.3` (2915.30 with its trailing zero dropped), `'2915240000` (typed as text); with a
# decimal comma where the spreadsheet's locale writes one (`2915,3`, `2915240000,0`).
_HS_FLOAT_TAIL = re.compile(r"(\d{6,10})[.,]0+")
_HS_SHORT_SUBHEADING = re.compile(r"(\d{4})[.,](\d)")


def hs_digits(text: str) -> str:
    """Reduce a tariff code as written to its digits, undoing what spreadsheets do to it."""
    text = text.strip().lstrip("'").strip()
    if m := _HS_FLOAT_TAIL.fullmatch(text):
        return m[1]
    if m := _HS_SHORT_SUBHEADING.fullmatch(text):  # a subheading has two digits
        return f"{m[1]}{m[2]}0"
    return _HS_JOINERS.sub("", text)


# National statistical suffixes after the 10-digit subheading: Ecuador's TNAN (4 digits),
# Argentina's SIM position and its check letter (`2902.30.00.100K`).
_HS_NATIONAL_SUFFIX = 14
_HS_CHECK_LETTER = re.compile(r"(\d{11,12})[A-Za-z]")


class HsCode(Column):
    """A tariff code: 6 to 10 digits once dots and spaces are removed."""

    def parse(self, values, state, name):
        """Reduce each distinct tariff code to its digits (the first 10 of a longer one)."""
        def convert(cell):
            """Convert one distinct cell into (value, reason)."""
            text = cell_text(cell).strip()
            digits = hs_digits(text)
            if m := _HS_CHECK_LETTER.fullmatch(digits):
                digits = m[1]
            if digits.isdigit() and digits.isascii() and 6 <= len(digits) <= 10:
                return digits, None
            if digits.isdigit() and digits.isascii() and 10 < len(digits) <= _HS_NATIONAL_SUFFIX:
                return ("long", digits[:10]), None  # the subheading; the suffix is statistical
            return None, f"not a tariff code: {text!r} (6 to 10 digits, dots allowed)"

        at, found, why = distinct(values, convert)
        long = np.array([isinstance(f, tuple) for f in found] + [False], dtype=bool)[at]
        if long.any():
            state.notes[("hs_suffix", name, None)] += int(long.sum())
        codes = np.array([f[1] if isinstance(f, tuple) else f for f in found] + [None],
                         dtype=object)
        return spread_distinct(at, codes[at], why)


_LIST_SEPARATORS = re.compile(r"\s*[|,;/+]\s*|\s+(?:y|e|and|[-–])\s+")


class Activities(Column):
    """One or more licensed activities separated by `|` (or `,` `;` `/`)."""

    def parse(self, values, state, name):
        """Split each distinct cell into activity codes."""
        def convert(cell):
            """Convert one distinct cell into (value, reason)."""
            text = cell_text(cell).strip()
            codes: list[str] = []
            for part in filter(None, _LIST_SEPARATORS.split(text)):
                code = ACTIVITY.code_for(part)
                if code is None:
                    return None, ACTIVITY.unknown(part)
                if code not in codes:
                    codes.append(code)
            return (tuple(codes), None) if codes else (None, ACTIVITY.unknown(text))

        return per_unique(values, convert)


# A tax id that passed through a spreadsheet number and then CSV text: `20123456789.0` (the
# float written out), `2.0123456789E+10` or `2,01235E+10` (Excel's scientific notation).
_ID_FLOAT_TAIL = re.compile(r"(\d{6,})[.,]0+")
_ID_SCIENTIFIC = re.compile(r"([+-]?)(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})")


def _tax_id(text: str) -> tuple[str | None, str | None]:
    """Undo a float's `.0`; read scientific notation only when it kept every digit."""
    if m := _ID_FLOAT_TAIL.fullmatch(text):
        return m[1], None
    if m := _ID_SCIENTIFIC.fullmatch(text):
        digits, places = m[2] + (m[3] or ""), int(m[4]) + 1
        if not m[1] and len(digits) == places:
            return digits, None
        return None, (
            f"{text!r} is a number in scientific notation: the spreadsheet dropped digits of "
            "the tax id; format the column as text and write it in full"
        )
    return text, None


class TaxId(Text):
    """A tax id, as text; what a spreadsheet's number format did to it is undone or refused."""

    def parse(self, values, state, name):
        """Strip the cells like text, then repair or refuse ids a spreadsheet wrote as numbers."""
        result = super().parse(values, state, name)
        at, uniques = pd.factorize(result.values)
        fixed = [_tax_id(u) for u in uniques]
        if all(value == u for (value, _), u in zip(fixed, uniques, strict=True)):
            return result  # nearly always: no id was written as a number
        result.values = np.array([value for value, _ in fixed] + [None], dtype=object)[at]
        why = np.array([reason for _, reason in fixed] + [None], dtype=object)[at]
        refused = pd.notna(why)
        if refused.any():
            if result.reasons is None:
                result.reasons = np.full(len(at), None, dtype=object)
            result.reasons[refused] = why[refused]
            result.ok = result.ok & ~refused
        return result
