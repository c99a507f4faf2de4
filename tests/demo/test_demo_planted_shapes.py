"""Each planted problem and look-alike shows in the files the way planted.json says."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest

from demo.habits import REGISTRY_XLSX
from demo.products import PRODUCTS, SUBSTANCES
from demo.readback import product_kg, read_table, substance_of_label
from tests.demo.conftest import load_customs

CONTROLLED_HS = {p.hs_code[:7] for p in PRODUCTS.values() if p.hs_code}
CAS_TO_KEY = {s.cas: s.key for s in SUBSTANCES.values()}


@pytest.fixture(scope="module")
def world(default_country, default_lines):
    """Return planted.json, registry, customs and lines of the default country."""
    country = default_country[0]
    registry = read_table(country.registry_alternate, REGISTRY_XLSX)
    registry["tax_id"] = registry["tax_id"].astype(str)
    customs = load_customs(country)
    lines = default_lines.assign(key=default_lines["substance"].map(substance_of_label))
    latest = lines.drop_duplicates(["licence_no", "period", "movement", "date", "substance",
                                    "document_ref", "quantity"], keep="last")
    return {"planted": country.expectations(), "registry": registry, "customs": customs,
            "lines": latest}


def _items(world, kind, lookalike=False):
    entries = world["planted"]["lookalikes" if lookalike else "planted"]
    found = [e for e in entries if e["kind"] == kind]
    assert found
    return found


def _window(lines, entry, movement=None):
    start, end = pd.Timestamp(entry["period_start"]), pd.Timestamp(entry["period_end"])
    chosen = lines[(lines["licence_no"] == entry["licence_no"])
                   & (lines["key"] == CAS_TO_KEY[entry["substance_cas"]])
                   & (lines["date"] >= start) & (lines["date"] <= end)]
    return chosen if movement is None else chosen[chosen["movement"] == movement]


def _quota(world, entry):
    registry = world["registry"]
    row = registry[(registry["licence_no"] == entry["licence_no"])
                   & (registry["substance"] == entry["substance_cas"])]
    return float(row["annual_quota_kg"].iloc[0]) if len(row) else None


def _acquired(lines, entry, year):
    mine = lines[(lines["licence_no"] == entry["licence_no"])
                 & (lines["key"] == CAS_TO_KEY[entry["substance_cas"]])
                 & lines["movement"].isin(["purchase", "import"])
                 & (lines["date"].dt.year == year)]
    return mine["pure_kg"].sum()


def test_quota_is_exceeded(world):
    for entry in _items(world, "quota"):
        year = int(entry["period_start"][:4])
        assert _acquired(world["lines"], entry, year) > 1.3 * _quota(world, entry)


@pytest.mark.parametrize("kind", ["surge", "peer", "growth", "seasonal", "new_operator"])
def test_statistical_shapes_stay_within_quota(world, kind):
    lookalike = kind in ("growth", "seasonal")
    for entry in _items(world, kind, lookalike):
        quota = _quota(world, entry)
        for year in {int(p[:4]) for p in world["planted"]["periods"]}:
            assert quota is None or _acquired(world["lines"], entry, year) <= quota


def test_surge_is_far_above_own_history(world):
    for entry in _items(world, "surge"):
        lines = world["lines"]
        mine = lines[(lines["licence_no"] == entry["licence_no"])
                     & (lines["key"] == CAS_TO_KEY[entry["substance_cas"]])
                     & (lines["movement"] == "consumption")]
        monthly = mine.groupby("period")["pure_kg"].sum()
        inside = monthly[(monthly.index >= entry["period_start"][:7])
                         & (monthly.index <= entry["period_end"][:7])]
        outside = monthly.drop(inside.index)
        assert inside.min() > 2.5 * outside.median()


def test_licence_problems_show_in_registry_or_counterparties(world):
    registry, lines = world["registry"], world["lines"]
    for entry in _items(world, "licence"):
        rows = registry[registry["licence_no"] == entry["licence_no"]]
        licensed = entry["substance_cas"] in set(rows["substance"])
        status = set(rows["status"])
        expired = (rows["valid_to"] < pd.Timestamp(entry["period_start"])).any()
        sales = _window(lines, entry, "sale")
        outsiders = (sales["counterparty_licence"] == "").any()
        assert not licensed or status != {"active"} or expired or outsiders, entry
        assert len(_window(lines, entry)) > 0


def test_customs_only_problems(world):
    customs, registry, lines = world["customs"], world["registry"], world["lines"]
    for entry in _items(world, "unregistered_trader"):
        assert entry["tax_id"] not in set(registry["tax_id"])
        mine = customs[customs["trader_tax_id"] == entry["tax_id"]]
        assert mine["hs_code"].str[:7].isin(CONTROLLED_HS).any()
    for entry in _items(world, "mislabelling"):
        mine = customs[(customs["trader_tax_id"] == entry["tax_id"])
                       & ~customs["hs_code"].str[:7].isin(CONTROLLED_HS)]
        name = SUBSTANCES[CAS_TO_KEY[entry["substance_cas"]]].names["es"][0]
        plain = unicodedata.normalize("NFKD", name.upper()).encode("ascii", "ignore").decode()
        assert mine["goods_description"].str.contains(plain).any()
    kinds_of_activity = set()
    for entry in _items(world, "missing_declaration"):
        declared = lines[(lines["licence_no"] == entry["licence_no"])
                         & (lines["period"] >= entry["period_start"][:7])]
        assert declared.empty
        imported = customs[(customs["trader_tax_id"] == entry["tax_id"])
                           & customs["hs_code"].str[:7].isin(CONTROLLED_HS)
                           & (customs["date"] >= pd.Timestamp(entry["period_start"]))]
        sold_to = lines[(lines["counterparty_licence"] == entry["licence_no"])
                        & (lines["movement"] == "sale")
                        & (lines["period"] >= entry["period_start"][:7])]
        # Activity without declaration: customs still sees it, or its suppliers still sell.
        assert len(imported) >= 2 or len(sold_to) >= 2, entry
        kinds_of_activity |= {"customs"} if len(imported) >= 2 else {"suppliers"}
    assert kinds_of_activity == {"customs", "suppliers"}
    for entry in _items(world, "customs_reconciliation"):
        start, end = pd.Timestamp(entry["period_start"]), pd.Timestamp(entry["period_end"])
        seen = customs[(customs["trader_tax_id"] == entry["tax_id"])
                       & customs["hs_code"].str[:7].isin(CONTROLLED_HS)
                       & (customs["date"] >= start) & (customs["date"] <= end)]
        declared = _window(lines, entry, "import")
        kg = sum(product_kg(r.substance, r.quantity, r.unit) for r in declared.itertuples())
        assert seen["net_mass_kg"].sum() > 2 * kg


def test_trade_patterns(world):
    lines = world["lines"]
    for entry in _items(world, "payment_delivery"):
        bought = _window(lines, entry, "purchase")
        assert len(bought) >= 3
        assert (bought["payment_method"] == "cash").all()
        assert (bought["delivery"] == "collected").all()
    for entry in _items(world, "splitting"):
        bought = _window(lines, entry, "purchase")
        small = bought[(bought["quantity"] >= 900) & (bought["quantity"] < 1000)]
        assert len(small) >= 8 and small["counterparty_licence"].nunique() >= 3
        assert (small["unit"] == "kg").all()
    for entry in _items(world, "seller_splitting"):
        sold = _window(lines, entry, "sale")
        small = sold[(sold["quantity"] >= 190) & (sold["quantity"] < 200)]
        assert len(small) >= 8 and (small["unit"] == "kg").all()
        assert small["counterparty_licence"].nunique() == 3
        assert set(small["counterparty_licence"]) == set(entry["involved_licences"])
        assert (small["date"].max() - small["date"].min()).days <= 14
    for entry in _items(world, "mirror"):
        sold = _window(lines, entry, "sale")
        buyer = entry["involved_licences"][0]
        to_buyer = sold[sold["counterparty_licence"] == buyer]
        bought = lines[(lines["licence_no"] == buyer) & (lines["movement"] == "purchase")]
        # Five monthly sales the buyer never declares (it may also buy from it openly).
        assert len(set(to_buyer["document_ref"]) - set(bought["document_ref"])) >= 5
    for entry in _items(world, "threshold"):
        key = CAS_TO_KEY[entry["substance_cas"]]
        big = _window(lines, entry, "purchase")["pure_kg"].max()
        others = lines[(lines["key"] == key) & (lines["movement"] == "purchase")
                       & (lines["licence_no"] != entry["licence_no"])]
        assert big >= 2.5 * others["pure_kg"].max()


def test_stock_problems(world):
    lines = world["lines"]
    sign = {"opening_stock": 1, "purchase": 1, "import": 1, "production": 1, "sale": -1,
            "export": -1, "consumption": -1, "loss": -1, "closing_stock": -1}
    for entry in _items(world, "mass_balance"):
        mine = _window(lines, entry)
        gap = (mine["movement"].map(sign) * mine["quantity"]).groupby(mine["period"]).sum()
        losses = mine[mine["movement"] == "loss"]["quantity"].sum()
        outflow = mine[mine["movement"].isin(["consumption", "sale"])]["quantity"].sum()
        assert gap.abs().max() > 0.01 or losses > 0.05 * outflow, entry


def test_export_without_clearance(world, default_country):
    notices = pd.read_csv(default_country[0].export_notifications[0], parse_dates=["date"])
    for entry in _items(world, "export_notification"):
        exports = _window(world["lines"], entry, "export")
        assert len(exports) >= 1
        for row in exports.itertuples():
            cleared = notices[(notices["exporter_licence"] == row.licence_no)
                              & (notices["status"] == "approved")
                              & ((notices["quantity_kg"] - row.pure_kg).abs() < 1)
                              & (notices["date"] < row.date)
                              & (notices["date"] > row.date - pd.Timedelta(days=45))]
            assert cleared.empty


def test_newcomers_and_raised_quota(world):
    registry = world["registry"]
    for kind, lookalike in (("new_operator", False), ("new_operator_normal", True)):
        for entry in _items(world, kind, lookalike):
            rows = registry[registry["licence_no"] == entry["licence_no"]]
            assert (rows["valid_from"] >= pd.Timestamp(world["planted"]["periods"][0])).all()
            first = world["lines"][world["lines"]["licence_no"] == entry["licence_no"]]
            assert first["period"].min() == entry["period_start"][:7]
    for entry in _items(world, "raised_quota_one_off", True):
        year = int(entry["period_start"][:4])
        row = registry[(registry["licence_no"] == entry["licence_no"])
                       & (registry["substance"] == entry["substance_cas"])].iloc[0]
        acquired = _acquired(world["lines"], entry, year)
        assert row["previous_quota_kg"] < acquired <= row["annual_quota_kg"]
        assert not np.isnan(row["previous_quota_kg"]) and row["quota_changed_on"] is not None


def test_designed_national_pace_is_clearly_exceeded(world):
    designed = [e for e in _items(world, "national_pace") if "newcomer" in e["description"]]
    assert len(designed) == 1
    check = next(c for c in world["planted"]["national_pace_checks"]
                 if c["substance_cas"] == designed[0]["substance_cas"]
                 and c["year"] == int(designed[0]["period_start"][:4]))
    assert check["ratio_to_pro_rata"] > 1.5
