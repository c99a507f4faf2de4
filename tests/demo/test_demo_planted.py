"""planted.json is complete and every entry points at real files, operators and rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from demo.habits import REGISTRY_XLSX
from demo.products import SUBSTANCES
from demo.readback import declaration_habit, read_table

KINDS = {"quota", "licence", "unregistered_trader", "customs_reconciliation", "mass_balance",
         "mirror", "national_pace", "payment_delivery", "threshold", "export_notification",
         "mislabelling", "missing_declaration", "surge", "peer", "splitting", "seller_splitting",
         "new_operator"}
LOOKALIKES = {"seasonal", "growth", "raised_quota_one_off", "new_operator_normal"}
FIELDS = {"id", "kind", "licence_no", "tax_id", "substance_cas", "period_start", "period_end",
          "description"}


def _cell(path: Path, row: int, header: str) -> str:
    habit = declaration_habit(path)
    if habit.kind == "csv":
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode(habit.encoding)),
                               delimiter=habit.sep))
        return rows[row - 1][rows[habit.header_row - 1].index(header)]
    wb = load_workbook(path, read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    wb.close()
    value = rows[row - 1][list(rows[habit.header_row - 1]).index(header)]
    return value if isinstance(value, str) else str(value)


def test_every_kind_is_planted_in_the_default_country(default_country):
    country, _seconds = default_country  # speed is a benchmark, not a test
    planted = country.expectations()
    kinds = [p["kind"] for p in planted["planted"]]
    assert set(kinds) == KINDS
    assert all(kinds.count(k) >= 2 for k in KINDS - {"national_pace"})
    assert {p["kind"] for p in planted["lookalikes"]} == LOOKALIKES


def test_planted_entries_reference_real_operators(small_country, default_country):
    for country in (small_country, default_country[0]):
        planted = country.expectations()
        registry = read_table(country.registry_alternate, REGISTRY_XLSX)
        licences = set(registry["licence_no"])
        tax_ids = set(registry["tax_id"].astype(str))
        cas = {s.cas for s in SUBSTANCES.values()}
        periods = planted["periods"]
        entries = planted["planted"] + planted["lookalikes"]
        assert len({e["id"] for e in entries}) == len(entries)
        for entry in entries:
            assert set(entry) >= FIELDS, entry
            assert entry["substance_cas"] in cas
            assert entry["description"]
            assert periods[0] <= entry["period_start"][:7] <= entry["period_end"][:7] \
                <= periods[-1], entry
            if entry["licence_no"] is not None:
                assert entry["licence_no"] in licences
                assert entry["tax_id"] in tax_ids
            elif entry["kind"] != "national_pace":
                assert entry["tax_id"] not in tax_ids
            for other in entry.get("involved_licences", []):
                assert other in licences


def test_clean_operators_exclude_everything_planted(small_country, default_country):
    for country in (small_country, default_country[0]):
        planted = country.expectations()
        clean = set(planted["clean_operators"])
        touched = set()
        for entry in planted["planted"] + planted["lookalikes"]:
            touched.add(entry["licence_no"])
            touched |= set(entry.get("involved_licences", []))
        touched |= {b["licence_no"] for b in planted["bad_rows"]}
        touched |= {a["licence_no"] for a in planted["amendments"]}
        assert clean
        assert not clean & touched


def test_bad_rows_point_at_the_bad_cells(default_country):
    country = default_country[0]
    planted = country.expectations()
    reasons = {b["reason"] for b in planted["bad_rows"]}
    assert reasons == {"unknown substance", "quantity must be greater than zero",
                       "impossible date", "date outside the declared period"}
    assert {Path(b["file"]).suffix for b in planted["bad_rows"]} == {".csv", ".xlsx"}
    for bad in planted["bad_rows"]:
        path = country.out_dir / bad["file"]
        assert path in country.declarations
        assert _cell(path, bad["row"], bad["header"]) == bad["value"], bad
        licence_header = declaration_habit(path).headers["licence_no"]
        assert _cell(path, bad["row"], licence_header) == bad["licence_no"]


def test_amendments_come_later_and_replace_one_declaration(default_country, default_lines):
    country = default_country[0]
    amendments = country.expectations()["amendments"]
    assert len(amendments) == 2
    order = [str(p.relative_to(country.out_dir)) for p in country.declarations]
    for entry in amendments:
        assert order.index(entry["file"]) > order.index(entry["replaces"])
        lines = default_lines[default_lines["file"] == Path(entry["file"]).name]
        assert set(lines["licence_no"]) == {entry["licence_no"]}
        assert set(lines["period"]) == {entry["period"]}
        before = default_lines[(default_lines["file"] == Path(entry["replaces"]).name)
                               & (default_lines["licence_no"] == entry["licence_no"])]
        assert len(before) > 0
        assert len(before) != len(lines) or before["quantity"].sum() != lines["quantity"].sum()
