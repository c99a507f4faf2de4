"""Hostile files at full size through `vigia import` (not a test): seconds and peak memory.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_hostile.py [--only NAME ...]

Writes (once, into bench/out/hostile/) the worst files of issue 12's attack run and the
largest files the limits still accept, then imports each with the real command in a
child process on a fresh SQLite database holding the demo registry, and prints one JSON
line per file: exit status, seconds, the child's peak resident memory (ru_maxrss, which
includes its reader process only when that is the larger), and the summary line.
docs/security.md reports the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "hostile"
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

HEADER = ["Nº licencia", "Periodo", "Tipo de movimiento", "Fecha", "Sustancia", "Cantidad",
          "Unidad", "Concentración %", "Licencia contraparte", "Razón social contraparte",
          "País contraparte", "Nº documento", "Forma de pago", "Entrega"]


def _letters(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


def _workbook(path: Path, rows) -> Path:
    """Stream a one-sheet XLSX: `rows` yields lists of cell texts (row 1 first)."""
    from tests.builders import write_sheet_xml

    write_sheet_xml(path, {1: [("A1", "x")]})  # the package parts; the sheet is replaced
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if "worksheets" not in n}
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
                        "<sheetData>".encode())
            for number, cells in rows:
                sheet.write((f'<row r="{number}">' + "".join(
                    f'<c r="{_letters(i + 1)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
                    for i, text in enumerate(cells) if text) + "</row>").encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _declaration(i: int, licences: list[str]) -> list[str]:
    """Return one valid declaration line (as cell texts)."""
    month = 1 + i % 12
    return [licences[i % len(licences)], f"2025-{month:02d}", "compra",
            f"{1 + i % 28:02d}/{month:02d}/2025", "acetona", f"{1 + i % 997},5", "kg", "",
            "", f"Distribuidora {i % 50}", "PE", f"F001-{i:08d}", "transferencia", ""]


def make_files(licences: list[str]) -> dict[str, Path]:
    """Write the hostile and largest accepted files (cached)."""
    OUT.mkdir(parents=True, exist_ok=True)
    files = {}

    def cached(name: str, build) -> None:
        path = OUT / name
        if not path.exists():
            build(path)
        files[name] = path

    cached("far_cell_XFD1048576.xlsx", lambda p: _workbook(p, [
        (1, HEADER), (2, _declaration(0, licences)), (1048576, [""] * 16383 + ["x"])]))
    cached("far_cell_row1048576_col200.xlsx", lambda p: _workbook(p, [
        (1, HEADER), (2, _declaration(0, licences)), (1048576, [""] * 199 + ["x"])]))
    rng = random.Random(3)
    cached("one_gigabyte_sheet.xlsx", lambda p: _workbook(p, (
        (n, [str(rng.randint(0, 10**9)) for _ in range(17)]) for n in range(1, 1_000_001))))
    cached("two_cell_rows_300_mb.xlsx", lambda p: _workbook(p, (
        (n, ["LIC", str(n)]) for n in range(1, 4_000_001))))
    cached("largest_accepted_sheet_570000_rows.xlsx", lambda p: _workbook(p, [
        (1, HEADER), *((n, _declaration(n, licences)) for n in range(2, 570_001))]))

    def all_bad_csv(path: Path) -> None:
        with path.open("w", encoding="utf-8") as out:
            out.write(";".join(HEADER) + "\n")
            for i in range(1_999_000):
                out.write(";".join(_declaration(i, licences)).replace("acetona", "xyz") + "\n")

    cached("all_rows_bad_1999000.csv", all_bad_csv)

    def oversize_csv(path: Path) -> None:
        with path.open("wb") as out:
            out.write((";".join(HEADER) + "\n").encode())
            line = (";".join(_declaration(1, licences)) + "\n").encode()
            block = line * (4 * 2**20 // len(line))
            while out.tell() < 600 * 2**20:
                out.write(block)

    cached("oversize_600_mb.csv", oversize_csv)
    return files


def run(name: str, path: Path, registry: Path, work: Path) -> dict:
    """Import one file with the real command in a fresh instance; return the figures."""
    instance = work / name
    env = os.environ | {"VIGIA_INSTANCE_PATH": str(instance), "SECRET_KEY": "b",
                        "DATABASE_URL": f"sqlite:///{instance / 'v.sqlite3'}"}
    vigia = str(Path(sys.executable).with_name("vigia"))
    subprocess.run([vigia, "import", "registry", str(registry)], env=env, check=True,
                   capture_output=True)
    started = time.perf_counter()
    child = subprocess.Popen([vigia, "import", "declarations", str(path), "--max-errors", "1"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    # This process's children are the registry import and this one: the larger is this one's.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    text = (out or err).strip().splitlines()
    return {"file": name, "bytes": path.stat().st_size, "exit": child.returncode,
            "seconds": round(seconds, 1), "peak_mb_so_far": round(peak),
            "summary": text[0][:300] if text else "", "lines": len(text)}


def main() -> None:
    """Write the files, import each in a child, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--child", nargs=4, default=None)
    args = parser.parse_args()
    if args.child:
        name, path, registry, work = args.child
        print(json.dumps(run(name, Path(path), Path(registry), Path(work)), ensure_ascii=False))
        return
    sys.path.insert(0, str(HERE))
    from bench_intake import prepare

    _, registry = prepare(1_000_000)
    import csv

    with registry.open(encoding="cp1252") as handle:
        licences = sorted({row[0] for row in list(csv.reader(handle, delimiter=";"))[1:]})
    files = make_files(licences)
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        for name, path in files.items():
            if args.only and name not in args.only:
                continue
            # One child per file, so that its peak is its own (ru_maxrss of the children).
            done = subprocess.run([sys.executable, __file__, "--child", name, str(path),
                                   str(registry), work], capture_output=True, text=True)
            print(done.stdout.strip() or done.stderr.strip()[-500:], flush=True)


if __name__ == "__main__":
    main()
