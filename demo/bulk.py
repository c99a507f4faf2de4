"""One big declarations file for intake benchmarks, generated with vectorised numpy/pandas."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from demo.habits import DECLARATION_COLUMNS, DECLARATION_HABITS, MOVEMENTS_ES, REGISTRY_CSV
from demo.market import Calendar
from demo.products import PRODUCTS, SUBSTANCES
from lexicon.movements import STOCK_MOVEMENTS

HABIT = DECLARATION_HABITS["contable_es"]
# Movement mix of a real month: mostly purchases, sales and consumption.
MOVEMENTS = ("purchase", "sale", "consumption", "opening_stock", "closing_stock", "import",
             "loss", "production")
MOVEMENT_SHARES = (0.28, 0.28, 0.24, 0.08, 0.08, 0.02, 0.01, 0.01)


@dataclass(frozen=True)
class BulkDeclarations:
    """A bulk declarations file and the registry whose licences it uses."""

    path: Path
    registry: Path
    rows: int


def generate_bulk_declarations(path: Path, *, rows: int, seed: int = 1,
                               registry: Path | None = None, operators: int = 300,
                               end_period: str = "2026-10",
                               months: int = 24) -> BulkDeclarations:
    """Write `rows` declaration lines (Windows-1252, `;`, decimal comma, Spanish headers).

    Licences and substances come from `registry` (a registry.csv written by
    generate_country); without one, a demo country's registry is generated next to path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if registry is None:
        from demo.country import generate_country

        country = generate_country(path.parent / f"{path.stem}_country", seed=seed,
                                   operators=operators, months=months, end_period=end_period)
        registry = country.registry[0]
    lines = _licence_lines(Path(registry))
    rng = np.random.default_rng([seed, 99])
    cal = Calendar.ending(end_period, months)
    pick = rng.integers(0, len(lines), rows)
    month = rng.integers(0, months, rows)
    movement = np.asarray(MOVEMENTS)[rng.choice(len(MOVEMENTS), rows, p=MOVEMENT_SHARES)]
    # One opening and one closing stock per licence line and month, as in a real declaration:
    # further stock draws become consumption.
    stocks = np.isin(movement, STOCK_MOVEMENTS)
    repeated = pd.DataFrame({"line": pick, "month": month, "movement": movement}).duplicated()
    movement = np.where(stocks & repeated.to_numpy(), "consumption", movement)
    # Dates: a table of every "DD/MM/YYYY" of the window, indexed without a Python loop.
    days_in = np.array([cal.end(t).day for t in range(months)])
    day = rng.integers(0, 28, rows)
    day = np.where(movement == "opening_stock", 0, day)
    day = np.where(movement == "closing_stock", days_in[month] - 1, day)
    date_table = np.array([[f"{d:02d}/{p[5:]}/{p[:4]}" for d in range(1, 32)]
                           for p in cal.periods])
    traded = np.isin(movement, ("purchase", "sale"))
    partner = rng.integers(0, len(lines), rows)
    hundredths = np.maximum(1, rng.lognormal(np.log(25_000), 1.4, rows)).astype(np.int64)
    columns = {
        "licence_no": lines["licence"].to_numpy()[pick],
        "period": np.asarray(cal.periods)[month],
        "movement": pd.Series(movement).map(MOVEMENTS_ES).to_numpy(),
        "date": date_table[month, day],
        "substance": lines["substance"].to_numpy()[pick],
        "quantity": _decimal_comma(hundredths),
        "unit": np.where(lines["liquid"].to_numpy()[pick] & (rng.random(rows) < 0.3),
                         "litros", "kilogramos"),
        "concentration_pct": lines["grade"].to_numpy()[pick],
        "counterparty_licence": np.where(traded, lines["licence"].to_numpy()[partner], ""),
        "counterparty_name": np.where(traded, lines["name"].to_numpy()[partner], ""),
        "counterparty_country": "",
        "document_ref": np.where(traded, _invoices(rng, rows), ""),
        "payment_method": np.where(traded, "transferencia", ""),
        "delivery": np.where(traded, "entregado", ""),
    }
    # The csv module writes plain lists faster than DataFrame.to_csv; encode once at the end.
    cells = [np.broadcast_to(columns[c], (rows,)).tolist() for c in DECLARATION_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([HABIT.headers[c] for c in DECLARATION_COLUMNS])
    writer.writerows(zip(*cells, strict=True))
    path.write_bytes(buffer.getvalue().encode(HABIT.encoding))
    return BulkDeclarations(path, Path(registry), rows)


def _licence_lines(registry: Path) -> pd.DataFrame:
    """Read licence, operator name and substance from a Spanish registry.csv."""
    table = pd.read_csv(registry, sep=";", encoding=REGISTRY_CSV.encoding, dtype=str,
                        keep_default_na=False)
    headers = REGISTRY_CSV.headers
    active = table[table[headers["status"]] == "activo"]
    liquids = {s.names["es"][0] for s in SUBSTANCES.values()
               if any(p.density for p in PRODUCTS.values() if p.substance == s.key)}
    # Acids are traded as water solutions (33 % hydrochloric, 98 % sulphuric): companies write
    # the grade, and without it a volume of acid cannot be converted to kg of pure substance.
    grades = {s.names["es"][0]: f"{max(p.concentration for p in liquid):g}"
              for s in SUBSTANCES.values()
              if (liquid := [p for p in PRODUCTS.values() if p.substance == s.key and p.density])
              and max(p.concentration for p in liquid) < 100}
    substance = active[headers["substance"]]
    return pd.DataFrame({"licence": active[headers["licence_no"]].to_numpy(),
                         "name": active[headers["operator_name"]].to_numpy(),
                         "substance": substance.to_numpy(),
                         "liquid": substance.isin(liquids).to_numpy(),
                         "grade": substance.map(grades).fillna("").to_numpy()})


PAD2 = np.array([f"{i:02d}" for i in range(100)])
PAD3 = np.array([f"{i:03d}" for i in range(1000)])
PAD4 = np.array([f"{i:04d}" for i in range(10000)])


def _join(*parts) -> np.ndarray:
    """Concatenate string arrays element-wise (numpy's vectorised string add)."""
    result = np.asarray(parts[0])
    for part in parts[1:]:
        result = np.strings.add(result, part)
    return result


def _decimal_comma(hundredths: np.ndarray) -> np.ndarray:
    """Format hundredths as `1.234,56` without a Python loop per value."""
    whole = hundredths // 100
    millions, thousands, units = whole // 1_000_000, (whole // 1000) % 1000, whole % 1000
    text = np.where(
        millions > 0, _join(millions.astype(str), ".", PAD3[thousands], ".", PAD3[units]),
        np.where(thousands > 0, _join(thousands.astype(str), ".", PAD3[units]),
                 units.astype(str)))
    return _join(text, ",", PAD2[hundredths % 100])


def _invoices(rng: np.random.Generator, rows: int) -> np.ndarray:
    series = PAD3[rng.integers(1, 5, rows)]
    return _join("F", series, "-", PAD4[rng.integers(0, 10000, rows)],
                 PAD4[rng.integers(0, 10000, rows)])
