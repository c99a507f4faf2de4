"""The bulk benchmark file is big, readable and uses licences of the registry."""

from __future__ import annotations

import pandas as pd

from demo import generate_bulk_declarations
from demo.habits import DECLARATION_COLUMNS, DECLARATION_HABITS, REGISTRY_CSV

HABIT = DECLARATION_HABITS["contable_es"]


def _read(path):
    return pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)


def test_bulk_file_uses_the_registry(small_country, tmp_path):
    bulk = generate_bulk_declarations(tmp_path / "bulk.csv", rows=20_000, seed=3,
                                      registry=small_country.registry[0])
    frame = _read(bulk.path)
    assert len(frame) == bulk.rows == 20_000
    assert list(frame.columns) == [HABIT.headers[c] for c in DECLARATION_COLUMNS]
    registry = _read(small_country.registry[0])
    pairs = set(zip(registry[REGISTRY_CSV.headers["licence_no"]],
                    registry[REGISTRY_CSV.headers["substance"]], strict=True))
    used = set(zip(frame["Nº licencia"], frame["Sustancia"], strict=True))
    assert used <= pairs
    quantity = frame["Cantidad"].str.replace(".", "", regex=False).str.replace(",", ".")
    assert (pd.to_numeric(quantity) > 0).all()
    assert frame["Fecha"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    days = pd.to_datetime(frame["Fecha"], format="%d/%m/%Y")
    assert (days.dt.strftime("%Y-%m") == frame["Periodo"]).all()
    assert b"\r\n" in bulk.path.read_bytes()[:2000]


def test_bulk_file_is_deterministic_and_brings_its_registry(tmp_path):
    first = generate_bulk_declarations(tmp_path / "a" / "bulk.csv", rows=5_000,
                                       operators=30, months=12)
    second = generate_bulk_declarations(tmp_path / "b" / "bulk.csv", rows=5_000,
                                        operators=30, months=12)
    assert first.registry.is_file()
    assert first.path.read_bytes() == second.path.read_bytes()


def test_bulk_file_is_all_valid_rows_with_one_stock_per_line_and_month(small_country, tmp_path):
    from app.catalogue import load_catalogue
    from importers import ReadContext, read_file

    bulk = generate_bulk_declarations(tmp_path / "bulk.csv", rows=20_000, seed=3,
                                      registry=small_country.registry[0])
    result = read_file("declarations", bulk.path, filename="bulk.csv",
                       context=ReadContext(catalogue=load_catalogue()))
    assert result.errors == []
    assert len(result.records) == 20_000
    stocks = result.records[result.records["movement"].str.endswith("_stock")]
    assert not stocks.duplicated(["licence_no", "period", "movement", "substance_code"]).any()
    acid = result.records[result.records["substance_code"] == "hydrochloric-acid"]
    assert len(acid) and (acid["concentration_pct"] == 33).all()
