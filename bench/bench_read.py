"""Speed check of the feed readers (not a test): rows per second and peak memory.

    .venv/bin/python bench/bench_read.py [--rows 1000000] [--xlsx-rows 100000]

Generates a declarations CSV (Windows-1252, `;`, decimal comma, Spanish headers) in a
temporary folder and a declarations XLSX cached under bench/out/, then reads each in a
fresh child process with `iter_file` (read + validate + convert, records discarded as a
storage step would) and reports rows/s and the child's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

HEADERS = [
    "Nº licencia", "Período", "Movimiento", "Fecha", "Sustancia", "Cantidad", "Unidad",
    "Concentración %", "Licencia contraparte", "Razón social contraparte", "País",
    "Nº factura", "Forma de pago", "Entrega",
]
SUBSTANCES = [  # (as written, unit choices, concentration choices)
    ("Tolueno", ["kg", "L", "litros", "t"], ["", "100", "99,5"]),
    ("Acetona", ["kg", "L", "litros"], ["", "100", "99,8"]),
    ("Ácido clorhídrico", ["kg", "L", "litros", "t"], ["33", "37", "32,5"]),
    ("Ácido sulfúrico", ["kg", "t", "L"], ["98", "96", "98,5"]),
    ("Metiletilcetona", ["kg", "L"], ["", "100"]),
    ("Permanganato de potasio", ["kg", "g"], ["", "99"]),
    ("Éter etílico", ["L", "mL", "kg"], ["", "100"]),
    ("Clorhidrato de efedrina", ["g", "kg"], ["", "100"]),
]
MOVEMENTS = ["Compra"] * 6 + ["Venta"] * 8 + ["Consumo"] * 3 + [
    "Importación", "Exportación", "Merma", "Producción",
]


def _spanish_number(value: float) -> str:
    """Write 12345.6 as 12.345,60."""
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def write_declarations_csv(path: Path, rows: int) -> None:
    """Write a realistic declarations file line by line (constant memory)."""
    rng = random.Random(7)
    names = [f"Química Andina {i} S.A.C." for i in range(400)]
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(";".join(HEADERS) + "\r\n")
        for i in range(rows):
            licence = f"LIC-{rng.randint(1, 3000):05d}"
            month = 1 + (i * 12) // rows
            substance, units, concentrations = rng.choice(SUBSTANCES)
            if i % 500 == 0:
                movement, day = "Stock inicial", 1
            else:
                movement, day = rng.choice(MOVEMENTS), rng.randint(1, 28)
            counterparty = rng.randint(1, 3000)
            fields = [
                licence, f"2025-{month:02d}", movement, f"{day:02d}/{month:02d}/2025", substance,
                _spanish_number(rng.random() * 20000), rng.choice(units),
                rng.choice(concentrations), f"LIC-{counterparty:05d}" if counterparty % 3 else "",
                rng.choice(names), "PE" if i % 20 else "CO", f"F001-{i:08d}",
                rng.choice(["transferencia", "transferencia", "efectivo", "cheque", ""]),
                rng.choice(["entregado", "entregado", "retiro en planta", ""]),
            ]
            out.write(";".join(fields) + "\r\n")


def write_declarations_xlsx(path: Path, rows: int) -> None:
    """Write a declarations workbook with openpyxl's write-only mode (real dates and numbers)."""
    import datetime as dt

    import openpyxl

    rng = random.Random(11)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Declaración")
    sheet.append(["Declaración mensual de movimientos"])
    sheet.append([])
    sheet.append(HEADERS)
    for i in range(rows):
        month = 1 + (i * 12) // rows
        substance, units, concentrations = rng.choice(SUBSTANCES)
        concentration = rng.choice(concentrations)
        sheet.append([
            f"LIC-{rng.randint(1, 3000):05d}", f"2025-{month:02d}", rng.choice(MOVEMENTS),
            dt.date(2025, month, rng.randint(1, 28)), substance, round(rng.random() * 20000, 2),
            rng.choice(units), float(concentration.replace(",", ".")) if concentration else None,
            None, f"Cliente {rng.randint(1, 400)}", "PE", f"F001-{i:08d}", "transferencia",
            "entregado",
        ])
    workbook.save(path)


@dataclass
class _Substance:
    """A substance of the bench stand-in catalogue."""
    code: str
    name: str
    density: float | None

    @property
    def cas(self) -> None:
        """Return no CAS number (not needed by the bench)."""
        return None

    def density_for(self, concentration_pct: float) -> float | None:
        """Return the one density the stand-in knows."""
        return self.density


@dataclass
class _Resolution:
    """A resolution of the bench stand-in catalogue."""
    substance: _Substance
    form: object = None
    base_fraction: float = 1.0


class _BenchCatalogue:
    """Stand-in used only while app.catalogue has no load_catalogue."""

    def __init__(self) -> None:
        from lexicon.text import fold_words

        self._norm = fold_words
        densities = {"tolueno": 0.867, "acetona": 0.79, "acido clorhidrico": 1.18,
                     "acido sulfurico": 1.84, "metiletilcetona": 0.805, "eter etilico": 0.713}
        self._known = {}
        for text, *_ in SUBSTANCES:
            key = fold_words(text)
            base = key.replace("clorhidrato de ", "")
            self._known[key] = _Resolution(
                _Substance(base.replace(" ", "_"), base, densities.get(key)),
                base_fraction=0.819 if "clorhidrato" in key else 1.0,
            )

    def resolve(self, text: str):
        """Resolve one of the bench's substance names."""
        try:
            return self._known[self._norm(text)]
        except KeyError:
            raise ValueError(f"unknown substance {text!r}") from None

    def substance_for_hs(self, hs_code: str):
        """Return nothing: the bench reads no customs file."""
        return None


def _catalogue():
    """Use the real catalogue when it is there."""
    try:
        from app.catalogue import load_catalogue
    except ImportError:
        return _BenchCatalogue(), "bench stand-in"
    return load_catalogue(), "app.catalogue"


def measure(kind: str, path: Path) -> dict:
    """Read one file with iter_file in this process; return rows, seconds and peak RSS.

    Then read it again without validating (the raw cells only) to split the time between
    the file parser (pandas' C parser, calamine) and the validation and conversion.
    """
    from importers import ReadContext, iter_file
    from importers.reader import FileReader

    catalogue, which = _catalogue()
    context = ReadContext(catalogue=catalogue, home_country="PE")
    start = time.perf_counter()
    rows = good = errors = 0
    for chunk in iter_file("declarations", path, filename=path.name, context=context):
        rows += chunk.rows_read
        good += len(chunk.records)
        errors += len(chunk.errors)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    for _ in FileReader("declarations", path, filename=path.name, context=context)._raw():
        pass
    parse_seconds = time.perf_counter() - start
    return {"kind": kind, "rows": rows, "good": good, "errors": errors, "seconds": seconds,
            "rows_per_s": rows / seconds, "peak_rss_mb": peak_mb, "catalogue": which,
            "parse_seconds": parse_seconds,
            "validate_rows_per_s": rows / max(seconds - parse_seconds, 1e-9)}


def _child(kind: str, path: Path) -> dict:
    """Measure in a fresh interpreter so the peak memory is the reader's alone."""
    result = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    """Generate the files, read them, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "declaraciones.csv"
        started = time.perf_counter()
        write_declarations_csv(csv_path, args.rows)
        size = csv_path.stat().st_size / 2**20
        took = time.perf_counter() - started
        print(f"generated {args.rows:,} rows CSV ({size:.0f} MB) in {took:.1f}s")
        report(_child("csv", csv_path))
    OUT.mkdir(exist_ok=True)
    xlsx_path = OUT / f"declaraciones_{args.xlsx_rows}.xlsx"
    if not xlsx_path.exists():
        write_declarations_xlsx(xlsx_path, args.xlsx_rows)
    report(_child("xlsx", xlsx_path))


def report(figures: dict) -> None:
    """Print one line of figures."""
    print(
        f"{figures['kind']}: {figures['rows']:,} rows ({figures['good']:,} kept, "
        f"{figures['errors']:,} row errors) in {figures['seconds']:.2f}s = "
        f"{figures['rows_per_s']:,.0f} rows/s, peak RSS {figures['peak_rss_mb']:.0f} MB; "
        f"of which file parsing {figures['parse_seconds']:.2f}s, validation+conversion "
        f"{figures['validate_rows_per_s']:,.0f} rows/s [catalogue: {figures['catalogue']}]"
    )


if __name__ == "__main__":
    main()
