"""Read the generator's own files back into spec columns and codes (for tests and checks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from demo.bookkeeping.substances import SALT_PRODUCTS, all_forms
from demo.habits import DECLARATION_HABITS, Habit
from demo.products import PRODUCTS, SUBSTANCES
from lexicon.units import MASS_UNITS, VOLUME_UNITS


def _labels() -> dict[str, tuple[str, float | None, float]]:
    """Map every substance text the generator writes to (substance, density, base fraction)."""
    labels: dict[str, tuple[str, float | None, float]] = {}
    for product in PRODUCTS.values():
        substance = SUBSTANCES[product.substance]
        texts = [substance.cas, *[n for names in substance.names.values() for n in names],
                 *[n for names in substance.trade_names.values() for n in names],
                 *[n for names in product.label_override.values() for n in names]]
        for text in texts:
            labels.setdefault(text, (product.substance, product.density, 1.0))
        for names in product.salt_names.values():
            for text in names:
                labels[text] = (product.substance, None, product.base_fraction)
    for text, key in all_forms().items():  # forms record-keeping habits write
        product = PRODUCTS[key]
        salt = key in SALT_PRODUCTS
        labels.setdefault(text, (product.substance, None if salt else product.density,
                                 product.base_fraction if salt else 1.0))
    return labels


LABELS = _labels()


def declaration_habit(path: Path) -> Habit:
    """Return the habit a declaration file was written in, from its header row."""
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        rows = list(wb.active.iter_rows(min_row=1, max_row=2, values_only=True))
        wb.close()
        header = [c for c in rows[1] if c]
    else:
        raw = path.read_bytes().split(b"\n", 1)[0]
        header = None
        for habit in DECLARATION_HABITS.values():
            if habit.kind == "csv":
                words = raw.decode(habit.encoding, errors="replace").strip().split(habit.sep)
                if words[0] == habit.headers["licence_no"]:
                    header = words
        header = header or []
    for habit in DECLARATION_HABITS.values():
        if header and header[0] == habit.headers["licence_no"] and habit.suffix == path.suffix:
            return habit
    raise ValueError(f"{path}: not a demo declaration file")


def read_table(path: Path, habit: Habit) -> pd.DataFrame:
    """Read a file as text cells with spec column names and a `row` (spreadsheet row) column."""
    if habit.kind == "csv":
        frame = pd.read_csv(path, sep=habit.sep, encoding=habit.encoding, dtype=str,
                            keep_default_na=False)
    else:
        wb = load_workbook(path, read_only=True)
        rows = list(wb.active.iter_rows(min_row=habit.header_row, values_only=True))
        wb.close()
        header = [c for c in rows[0] if c is not None]
        # Read-only sheets drop trailing empty cells: pad every row to the header's width.
        body = [tuple(row[: len(header)]) + (None,) * (len(header) - len(row)) for row in rows[1:]]
        frame = pd.DataFrame(body, columns=header, dtype=object)
    reverse = {word: column for column, word in habit.headers.items()}
    frame = frame.rename(columns=reverse)
    frame["row"] = np.arange(len(frame)) + habit.header_row + 1
    return frame


def _number(values: pd.Series, habit: Habit) -> pd.Series:
    if habit.kind == "xlsx":
        return pd.to_numeric(values, errors="coerce")
    text = values.astype(str)
    if habit.decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(text.replace("", np.nan), errors="coerce")


def _codes(values: pd.Series, habit: Habit, column: str) -> pd.Series:
    reverse = {word: code for code, word in habit.words.get(column, {}).items()}
    return values.map(lambda v: reverse.get(v, v) if isinstance(v, str) else "")


def read_declarations(path: Path) -> pd.DataFrame:
    """Return a declaration file in spec codes, numbers, dates and pure kg (NaN if unreadable)."""
    habit = declaration_habit(path)
    frame = read_table(path, habit)
    for column in ("movement", "unit", "payment_method", "delivery"):
        frame[column] = _codes(frame[column], habit, column)
    frame["quantity"] = _number(frame["quantity"], habit)
    frame["concentration_pct"] = _number(frame["concentration_pct"], habit)
    if habit.kind == "csv":
        frame["date"] = pd.to_datetime(frame["date"], format=habit.date_format, errors="coerce")
    else:
        frame["date"] = pd.to_datetime(frame["date"].where(
            frame["date"].map(lambda v: not isinstance(v, str)), None), errors="coerce")
    for column in ("counterparty_licence", "counterparty_name", "counterparty_country",
                   "document_ref", "substance"):
        frame[column] = frame[column].map(lambda v: "" if v is None or v != v else str(v))
    frame["pure_kg"] = [pure_kg(*args) for args in zip(
        frame["substance"], frame["quantity"], frame["unit"], frame["concentration_pct"],
        strict=True)]
    frame["file"] = path.name
    return frame


def pure_kg(label: str, quantity: float, unit: str, concentration: float) -> float:
    """Convert a declared quantity to kg of pure substance with the generator's own data."""
    if label not in LABELS or quantity != quantity:
        return float("nan")
    _substance, density, base_fraction = LABELS[label]
    if unit in MASS_UNITS:
        kg = quantity * MASS_UNITS[unit]
    elif unit in VOLUME_UNITS and density:
        kg = quantity * VOLUME_UNITS[unit] * density
    else:
        return float("nan")
    share = 1.0 if concentration != concentration else concentration / 100
    return kg * share * base_fraction


def product_kg(label: str, quantity: float, unit: str) -> float:
    """Convert a declared quantity to kg of product (what customs weighs)."""
    if label not in LABELS or quantity != quantity:
        return float("nan")
    density = LABELS[label][1]
    if unit in MASS_UNITS:
        return quantity * MASS_UNITS[unit]
    return quantity * VOLUME_UNITS[unit] * density if density else float("nan")


def substance_of_label(label: str) -> str | None:
    """Return the substance key a written substance text stands for."""
    return LABELS[label][0] if label in LABELS else None
