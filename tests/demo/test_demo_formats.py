"""Every file reads in its declared encoding and separator and has the spec's columns."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook

from demo.habits import (
    BASELINE_COLUMNS,
    CUSTOMS_COLUMNS,
    CUSTOMS_HABIT,
    DECLARATION_COLUMNS,
    NOTIFICATION_COLUMNS,
    REGISTRY_COLUMNS,
    REGISTRY_CSV,
    REGISTRY_XLSX,
)
from demo.readback import declaration_habit, read_table

MOVEMENTS = {"opening_stock", "purchase", "import", "production", "sale", "export",
             "consumption", "loss", "closing_stock"}


def test_declaration_files_use_every_habit(small_country):
    habits = {declaration_habit(p).key for p in small_country.declarations}
    assert habits == {"erp_en", "contable_es", "planilla_es", "planilha_pt"}


def test_declaration_files_parse_with_spec_columns(small_country):
    for path in small_country.declarations:
        habit = declaration_habit(path)
        if habit.kind == "csv":
            frame = pd.read_csv(path, sep=habit.sep, encoding=habit.encoding, dtype=str)
            assert list(frame.columns[: len(DECLARATION_COLUMNS)]) == [
                habit.headers[c] for c in DECLARATION_COLUMNS]
        else:
            wb = load_workbook(path, read_only=True)
            title, header = list(wb.active.iter_rows(min_row=1, max_row=2, values_only=True))
            wb.close()
            assert title[0].startswith(habit.title)
            assert list(header) == [habit.headers[c] for c in DECLARATION_COLUMNS]


def test_csv_habits_write_what_they_promise(small_country):
    spanish = next(p for p in small_country.declarations if p.name.endswith("contable_es.csv"))
    raw = spanish.read_bytes()
    assert b"\r\n" in raw
    text = raw.decode("cp1252")
    assert ";stock inicial;" in text and ";compra;" in text
    assert any(",0" in cell or "," in cell for cell in text.split(";")[20:200])
    english = next(p for p in small_country.declarations if p.name.endswith("erp_en.csv"))
    frame = pd.read_csv(english, dtype=str, keep_default_na=False)
    assert set(frame["movement"]) <= MOVEMENTS
    assert frame["date"].str.match(r"^\d{4}-\d{2}-\d{2}$").mean() > 0.99


def test_xlsx_declarations_have_real_date_cells(small_country):
    path = next(p for p in small_country.declarations if p.suffix == ".xlsx")
    frame = read_table(path, declaration_habit(path))
    assert frame["date"].map(lambda v: hasattr(v, "year")).mean() > 0.99


def test_registry_csv_and_xlsx_hold_the_same_lines(small_country):
    spanish = read_table(small_country.registry[0], REGISTRY_CSV)
    english = read_table(small_country.registry_alternate, REGISTRY_XLSX)
    assert list(spanish.columns[: len(REGISTRY_COLUMNS)]) == list(REGISTRY_COLUMNS)
    assert len(spanish) == len(english)
    assert list(spanish["licence_no"]) == list(english["licence_no"])
    assert list(spanish["tax_id"]) == [str(v) for v in english["tax_id"]]
    quota = spanish["annual_quota_kg"].str.replace(".", "").str.replace(",", ".")
    assert list(pd.to_numeric(quota.replace("", None))) == pytest.approx(
        list(pd.to_numeric(english["annual_quota_kg"])), nan_ok=True)
    assert set(english["status"]) <= {"active", "suspended", "revoked"}
    assert spanish["tax_id"].str.fullmatch(r"\d{11}").all()


@pytest.mark.parametrize("tax_id", ["20100070970", "20131312955"])
def test_ruc_check_digit_matches_sunat(tax_id):
    from demo.market import ruc

    class Fixed:
        def integers(self, low, high, size):
            return [int(d) for d in tax_id[2:10]]

    assert ruc(Fixed(), set()) == tax_id


def test_customs_baselines_and_notifications_have_spec_columns(small_country):
    for path in small_country.customs:
        habit = CUSTOMS_HABIT if path.suffix == ".csv" else replace(CUSTOMS_HABIT, kind="xlsx")
        frame = read_table(path, habit)
        assert set(CUSTOMS_COLUMNS) <= set(frame.columns)
        assert set(frame["flow"]) <= {"IMPORTACION", "EXPORTACION"}
    baselines = pd.read_csv(small_country.baselines[0])
    assert list(baselines.columns) == list(BASELINE_COLUMNS)
    assert (baselines["quantity_kg"] > 0).all()
    notices = pd.read_csv(small_country.export_notifications[0])
    assert list(notices.columns) == list(NOTIFICATION_COLUMNS)
    assert set(notices["status"]) <= {"approved", "objected", "pending", "withdrawn"}
