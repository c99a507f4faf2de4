"""Dates and periods as people write them, parsed once per distinct value.

A column of dates repeats the same few hundred values, so each distinct value is parsed
in Python (with a good message when it fails) and the results are spread back with numpy.
Days come first (`DD/MM/YYYY`): month-first dates are not used in Latin America.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from lexicon.text import fold_words

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of the 1900 date system, as Excel counts
# Serial numbers outside these bounds (1954..2119) are more likely quantities than dates.
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000

_TIME = (
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?\s?m\.?)?)?"
    r"(?:z|[+-]\d{2}:?\d{2})?"
)
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME, re.IGNORECASE)
_DMY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME, re.IGNORECASE)
_D_MON_Y = re.compile(r"(\d{1,2}) ([a-z]{3,10}) (\d{4}|\d{2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_YM = re.compile(r"(\d{4})[-/. ]?(\d{1,2})")
_MY = re.compile(r"(\d{1,2})[-/.](\d{4})")
_MON_Y = re.compile(r"([a-z]{3,10}) (\d{4}|\d{2})")
_Y_MON = re.compile(r"(\d{4}) ([a-z]{3,10})")  # "2025-Sep", "2025 SEP"

_MONTH_WORDS = {
    1: "enero ene janeiro jan january",
    2: "febrero feb fevereiro fev february",
    3: "marzo mar marco march",
    4: "abril abr april apr",
    5: "mayo may maio mai",
    6: "junio jun junho june",
    7: "julio jul julho july",
    8: "agosto ago august aug",
    9: "septiembre setiembre sep set sept setembro september",
    10: "octubre oct outubro out october",
    11: "noviembre nov novembro november",
    12: "diciembre dic dezembro dez december dec",
}
MONTHS = {word: month for month, words in _MONTH_WORDS.items() for word in words.split()}
_CONNECTORS = re.compile(r"\b(?:de|del)\b")
# Weekdays that open a long date ("lunes, 1 de diciembre de 2025", "segunda-feira, 1 de ...").
_WEEKDAYS = frozenset({
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "lun", "mar", "mie", "jue", "vie", "sab", "dom",
    "segunda", "terca", "quarta", "quinta", "sexta", "seg", "ter", "qua", "qui", "sex",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})

DATE_HELP = "write YYYY-MM-DD or DD/MM/YYYY"
PERIOD_HELP = "write YYYY-MM, e.g. 2025-03"


def _year(text: str) -> int:
    """Read a year, expanding two digits (25 -> 2025, 98 -> 1998)."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _from_serial(number: float) -> dt.date | None:
    """Turn a plausible Excel serial number into a date."""
    if _SERIAL_MIN <= number <= _SERIAL_MAX:
        return EXCEL_EPOCH + dt.timedelta(days=int(number))
    return None


def parse_date(value: object) -> dt.date | str:
    """Parse one cell into a date, or return the reason it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        found = _from_serial(float(value))
        return found if found else f"not a date: {value!r} ({DATE_HELP})"
    text = str(value).strip()
    try:
        if m := _YMD.fullmatch(text):
            return dt.date(int(m[1]), int(m[3]), int(m[4]))
        if m := _DMY.fullmatch(text):
            if _month_first(m):
                return f"not a real date: {text!r} (month first? dates are read day first, " \
                       f"DD/MM/YYYY; {DATE_HELP})"
            return dt.date(_year(m[4]), int(m[3]), int(m[1]))
        if m := _COMPACT.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if _SERIAL.fullmatch(text) and (found := _from_serial(float(text))):
            return found
        words = _CONNECTORS.sub(" ", fold_words(text)).split()
        if len(words) >= 4 and words[0] in _WEEKDAYS:  # Excel's long date: "lunes, 1 de ..."
            words = words[2:] if words[1] == "feira" else words[1:]
        if (m := _D_MON_Y.fullmatch(" ".join(words))) and m[2] in MONTHS:
            return dt.date(_year(m[3]), MONTHS[m[2]], int(m[1]))
    except ValueError:
        return f"not a real date: {text!r}"
    return f"not a date: {text!r} ({DATE_HELP})"


def _month_first(m: re.Match) -> bool:
    """Say whether a DD/MM match can only be a month-first date (`09/17/2025`)."""
    return int(m[1]) <= 12 < int(m[3]) <= 31


def _either_way(value: object) -> bool:
    """Say whether a cell reads as a date both day first and month first (`09/10/2025`)."""
    if not isinstance(value, str):
        return False
    m = _DMY.fullmatch(value.strip())
    return m is not None and int(m[1]) <= 12 and int(m[3]) <= 12 and int(m[1]) != int(m[3])


def _day_first(value: object) -> bool:
    """Say whether a cell can only be a day-first date (`17/09/2025`)."""
    m = _DMY.fullmatch(value.strip()) if isinstance(value, str) else None
    return m is not None and int(m[3]) <= 12 < int(m[1])


def _month_words(text: str) -> str:
    """Reduce a written period to its words ("Septiembre de 2025" -> "septiembre 2025")."""
    return " ".join(_CONNECTORS.sub(" ", fold_words(text)).split())


def parse_period(value: object) -> str:
    """Parse one cell into a period `YYYY-MM`; raise ValueError with the reason otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if number == value and 190001 <= number <= 210012 and 1 <= number % 100 <= 12:
            return f"{number // 100:04d}-{number % 100:02d}"
    text = str(value).strip() if not isinstance(value, dt.date) else ""
    year = month = None
    if m := _YM.fullmatch(text):
        year, month = int(m[1]), int(m[2])
    elif m := _MY.fullmatch(text):
        year, month = int(m[2]), int(m[1])
    elif (m := _MON_Y.fullmatch(words := _month_words(text))) and m[1] in MONTHS:
        year, month = _year(m[2]), MONTHS[m[1]]
    elif (m := _Y_MON.fullmatch(words)) and m[2] in MONTHS:
        year, month = int(m[1]), MONTHS[m[2]]
    else:
        found = parse_date(value)
        if isinstance(found, dt.date):
            year, month = found.year, found.month
    if year is None or not (1 <= month <= 12 and 1900 <= year <= 2100):
        raise ValueError(f"not a period: {cell_repr(value)} ({PERIOD_HELP})")
    return f"{year:04d}-{month:02d}"


def cell_repr(value: object) -> str:
    """Quote a cell for a message the way the user typed it."""
    return repr(value.isoformat() if isinstance(value, dt.date) else value)


class DateColumn:
    """Parses a column of dates through a per-file cache of distinct values.

    Dates are day first. When the column shows a date that can only be month first
    (`09/17/2025`, a US-format export) and none that can only be day first, its dates that
    read both ways (`09/10/2025`) are refused: read day first they would be silently wrong.
    (One month-first typo among day-first dates, `17/09` beside `09/18`, changes nothing.)
    """

    def __init__(self) -> None:
        self._cache: dict[object, dt.date | str] = {}
        self.month_first: str | None = None  # the first cell proving month-first dates
        self.day_first = False  # some cell proves day-first dates

    def parse(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return datetime64[D] dates, a mask of good ones, and the reasons (None: all good)."""
        codes, uniques = pd.factorize(values)
        parsed = [self._cached(u) for u in uniques]
        if self.month_first is None:
            self.month_first = next(
                (u.strip() for u, p in zip(uniques, parsed, strict=True)
                 if isinstance(p, str) and "month first?" in p),
                None,
            )
        self.day_first = self.day_first or any(_day_first(u) for u in uniques)
        if self.month_first is not None and not self.day_first:
            parsed = [
                self._either_way_reason(u) if isinstance(p, dt.date) and _either_way(u) else p
                for u, p in zip(uniques, parsed, strict=True)
            ]
        nat = np.datetime64("NaT")
        days = np.array(
            [np.datetime64(p, "D") if isinstance(p, dt.date) else nat for p in parsed],
            dtype="datetime64[D]",
        )
        reasons = np.array([None if isinstance(p, dt.date) else p for p in parsed], dtype=object)
        if not len(uniques):
            return np.full(len(values), np.datetime64("NaT"), "M8[D]"), np.zeros(0, bool), None
        dates = days[codes]
        good = ~np.isnat(days)
        if good.all():
            return dates, np.ones(len(values), dtype=bool), None
        return dates, good[codes], reasons[codes]

    def _either_way_reason(self, value: str) -> str:
        """Explain why a date that reads both ways is refused in a month-first column."""
        m = _DMY.fullmatch(value.strip())
        day_first = dt.date(_year(m[4]), int(m[3]), int(m[1]))
        month_first = dt.date(_year(m[4]), int(m[1]), int(m[3]))
        return (
            f"{value.strip()!r} could be {day_first.isoformat()} or {month_first.isoformat()}: "
            f"this column also holds {self.month_first!r}, written month first; "
            "write YYYY-MM-DD"
        )

    def _cached(self, value: object) -> dt.date | str:
        """Parse a distinct value once per file."""
        key = (type(value), value)
        if key not in self._cache:
            self._cache[key] = parse_date(value)
        return self._cache[key]


def to_date_objects(days: np.ndarray) -> np.ndarray:
    """Turn datetime64[D] values into datetime.date objects (None for missing), in C speed."""
    return days.astype("datetime64[D]").astype(object)  # numpy gives None for NaT
