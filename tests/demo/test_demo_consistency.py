"""The legitimate market is consistent: stocks balance, trades mirror, customs match."""

from __future__ import annotations

import pandas as pd
import pytest

from demo.readback import product_kg
from tests.demo.conftest import load_customs

SIGN = {"opening_stock": 1, "purchase": 1, "import": 1, "production": 1, "sale": -1,
        "export": -1, "consumption": -1, "loss": -1, "closing_stock": 0}
KEY = ["licence_no", "substance", "period"]


def _clean(lines: pd.DataFrame, country) -> pd.DataFrame:
    return lines[lines["licence_no"].isin(country.expectations()["clean_operators"])]


@pytest.mark.parametrize("which", ["small", "default", "usual", "heavy"])
def test_stocks_balance_for_clean_operators(which, request):
    if which in ("usual", "heavy"):  # one market written with record-keeping habits
        country = request.getfixturevalue("habit_countries")[which]
        lines = _clean(request.getfixturevalue("habit_lines")[which], country)
    else:
        country = request.getfixturevalue(f"{which}_country")
        country = country[0] if isinstance(country, tuple) else country
        lines = _clean(request.getfixturevalue(f"{which}_lines"), country)
    assert lines["unit"].nunique() >= 3
    signed = lines.assign(signed=lines["movement"].map(SIGN) * lines["quantity"])
    flows = signed.groupby(KEY)["signed"].sum()
    closing = (lines[lines["movement"] == "closing_stock"].groupby(KEY)["quantity"].sum()
               .reindex(flows.index, fill_value=0.0))
    assert (flows - closing).abs().max() < 0.006
    assert (lines["quantity"] > 0).all()


def test_opening_stock_carries_last_closing_stock(small_country, small_lines):
    lines = _clean(small_lines, small_country)
    stocks = lines[lines["movement"].isin(["opening_stock", "closing_stock"])]
    table = stocks.pivot_table(index=["licence_no", "substance", "period"], columns="movement",
                               values="quantity", aggfunc="sum", fill_value=0.0)
    for _, group in table.groupby(level=[0, 1]):
        closing = group["closing_stock"].to_numpy()[:-1]
        opening = group["opening_stock"].to_numpy()[1:]
        assert opening == pytest.approx(closing, abs=0.006)


def test_clean_trades_are_declared_by_both_sides(default_country, default_lines):
    country = default_country[0]
    clean = set(country.expectations()["clean_operators"])
    sales = default_lines[(default_lines["movement"] == "sale")
                          & default_lines["licence_no"].isin(clean)
                          & default_lines["counterparty_licence"].isin(clean)]
    purchases = default_lines[default_lines["movement"] == "purchase"]
    pairs = sales.merge(purchases, how="left", suffixes=("_sale", "_purchase"),
                        left_on=["counterparty_licence", "licence_no", "document_ref"],
                        right_on=["licence_no", "counterparty_licence", "document_ref"])
    assert len(pairs) > 500
    assert pairs["pure_kg_purchase"].notna().all()
    gap = (pairs["pure_kg_sale"] - pairs["pure_kg_purchase"]).abs() / pairs["pure_kg_sale"]
    assert gap.max() < 0.005
    assert (pairs["date_sale"] == pairs["date_purchase"]).all()
    assert (pairs["unit_sale"] != pairs["unit_purchase"]).any()


def test_clean_imports_match_customs_items(default_country, default_lines):
    country = default_country[0]
    customs = load_customs(country)
    lines = _clean(default_lines, country)
    imports = lines[lines["movement"] == "import"]
    assert len(imports) > 20
    items = customs.set_index("declaration_no")
    for row in imports.itertuples():
        item = items.loc[[row.document_ref]].iloc[0]
        declared = product_kg(row.substance, row.quantity, row.unit)
        assert item["net_mass_kg"] == pytest.approx(declared, rel=0.003)
        assert item["flow"] == "IMPORTACION"
        assert item["hs_code"][:4] in {"2807", "2806", "2914", "2902", "2841", "2909", "2915",
                                       "2939"}


def test_clean_exports_have_approved_notifications(default_country, default_lines):
    country = default_country[0]
    notices = pd.read_csv(country.export_notifications[0], dtype={"quantity_kg": float},
                          parse_dates=["date"])
    approved = notices[notices["status"] == "approved"]
    exports = _clean(default_lines, country)
    exports = exports[exports["movement"] == "export"]
    assert len(exports) > 5
    for row in exports.itertuples():
        match = approved[(approved["exporter_licence"] == row.licence_no)
                         & (approved["importing_country"] == row.counterparty_country)
                         & ((approved["quantity_kg"] - row.pure_kg).abs() < 1.0)
                         & (approved["date"] < row.date)
                         & (approved["date"] >= row.date - pd.Timedelta(days=45))]
        assert len(match) >= 1, row


def test_baselines_cover_legitimate_use(default_country):
    checks = default_country[0].expectations()["national_pace_checks"]
    planted = {(p["substance_cas"], int(p["period_start"][:4]))
               for p in default_country[0].expectations()["planted"]
               if p["kind"] == "national_pace"}
    for check in checks:
        if (check["substance_cas"], check["year"]) not in planted:
            assert check["ratio_to_pro_rata"] < 1.0, check
