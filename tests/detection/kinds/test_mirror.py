"""mirror: both sides of a trade between licensed operators, matched line by line."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.detection.kinds import mirror
from tests.detection.builders import data, licence, line, operator, run

OPERATORS = [operator(), operator(licence_no="LIC-002", legal_name="Beta S.R.L.",
                                  tax_id="20-2")]
LICENCES = [licence(), licence(licence_id=2, licence_no="LIC-002", operator_name="Beta S.R.L.")]
# Both operators declared February to May 2025.
DECLARED = [(lic, date(2025, month, 1)) for lic in ("LIC-001", "LIC-002") for month in range(2, 6)]


def sale(kg: float, **overrides) -> dict:
    values = {"movement": "sale", "quantity_kg": kg, "counterparty_licence": "LIC-002",
              "document_ref": "F001-00000101"}
    return line(**{**values, **overrides})


def purchase(kg: float, **overrides) -> dict:
    values = {"licence_no": "LIC-002", "movement": "purchase", "quantity_kg": kg,
              "counterparty_licence": "LIC-001", "date": date(2025, 3, 11),
              "document_ref": "F001-00000101"}
    return line(**{**values, **overrides})


def detection(*lines, declared=DECLARED, as_of=date(2025, 9, 1)):
    return data(lines=list(lines), operators=OPERATORS, licences=LICENCES, declarations=declared,
                as_of=as_of)


def test_a_sale_the_buyer_did_not_declare_in_a_month_it_declared_goes_to_the_seller():
    [finding] = run("mirror", detection(sale(1200.0)))

    assert finding.licence_no == "LIC-001"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert (finding.observed, finding.expected) == (1200.0, 0.0)
    assert finding.evidence == {"declaration_line": (1,)}
    assert finding.measures["missing_side"] == "the counterparty"
    assert finding.measures["missing_with"] == "LIC-002"
    assert finding.summary == (
        "ACME S.A. declared 1,200 kg of acetic anhydride sales to Beta S.R.L. (LIC-002) in "
        "March 2025; the other side's lines within 15 days confirm 0 kg"
    )
    codes = [e["code"] for e in finding.measures["excluded"]]
    assert codes[:4] == ["timing_lag", "tolerance", "declared_periods", "amendments"]


def test_purchases_beyond_the_sellers_sales_go_to_the_buyer_with_both_sides_as_evidence():
    [finding] = run("mirror", detection(sale(500.0), purchase(1200.0)))

    assert finding.licence_no == "LIC-002"
    assert (finding.observed, finding.expected) == (1200.0, 500.0)
    assert finding.evidence == {"declaration_line": (1, 2)}
    assert finding.measures["missing_side"] == "none"
    assert "purchases from ACME S.A. (LIC-001)" in finding.summary


def test_mirrored_trades_do_not_fire_within_tolerance():
    assert run("mirror", detection(sale(1200.0), purchase(1195.0))) == []


def test_a_receipt_days_later_in_the_next_month_mirrors_the_invoice():
    # Invoiced on 30 March, received on 3 April, written with other invoice numbers.
    lines = [sale(1200.0, date=date(2025, 3, 30), document_ref=None),
             purchase(1200.0, date=date(2025, 4, 3), period=date(2025, 4, 1),
                      document_ref=None)]

    assert run("mirror", detection(*lines)) == []


def test_the_same_invoice_number_matches_whatever_the_dates_within_weeks():
    lines = [sale(1200.0, date=date(2025, 3, 5), document_ref="F001-00000777"),
             purchase(1200.0, date=date(2025, 4, 15), period=date(2025, 4, 1),
                      document_ref="FACT 1-777")]

    assert run("mirror", detection(*lines)) == []


def test_one_invoice_received_in_two_deliveries_mirrors():
    lines = [sale(1200.0, date=date(2025, 3, 28)),
             purchase(700.0, date=date(2025, 3, 29), document_ref=None),
             purchase(500.0, date=date(2025, 4, 4), period=date(2025, 4, 1),
                      document_ref=None)]

    assert run("mirror", detection(*lines)) == []


def test_a_buyer_written_by_name_only_is_matched():
    lines = [sale(1200.0, counterparty_licence=None, counterparty_name="BETA SRL",
                  document_ref=None), purchase(1200.0, document_ref=None)]

    assert run("mirror", detection(*lines)) == []


def test_a_purchase_the_seller_declared_without_naming_the_buyer_is_confirmed():
    lines = [sale(1200.0, counterparty_licence=None, document_ref=None),
             purchase(1200.0, document_ref=None)]

    assert run("mirror", detection(*lines)) == []


def test_trades_far_apart_in_time_do_not_confirm_each_other():
    lines = [sale(1200.0, date=date(2025, 3, 1), document_ref=None),
             purchase(1200.0, date=date(2025, 4, 25), period=date(2025, 4, 1),
                      document_ref=None)]

    found = run("mirror", detection(*lines))

    assert sorted(f.licence_no for f in found) == ["LIC-001", "LIC-002"]


def test_nothing_is_judged_before_the_lag_has_passed_or_where_the_other_side_has_not_declared():
    recent = detection(sale(1200.0, date=date(2025, 5, 25), period=date(2025, 5, 1)),
                       as_of=date(2025, 6, 3))
    silent = detection(sale(1200.0), declared=[(lic, p) for lic, p in DECLARED
                                               if lic == "LIC-001"])

    assert run("mirror", recent) == []
    assert run("mirror", silent) == []


def test_a_months_purchases_declared_as_one_line_mirror_the_invoices():
    lines = [sale(400.0, date=date(2025, 3, 2), document_ref=None),
             sale(800.0, date=date(2025, 3, 20), document_ref=None),
             purchase(1200.0, date=date(2025, 3, 31), document_ref=None)]

    assert run("mirror", detection(*lines)) == []


def test_a_concentration_one_side_left_out_is_matched_by_the_products_mass():
    # 1,000 kg of 33 % acid: the seller declares 330 kg pure, the buyer 1,000 kg "pure".
    lines = [sale(330.0, concentration_pct=33.0, substance_code="acetic-anhydride"),
             purchase(1000.0, concentration_pct=100.0)]

    assert run("mirror", detection(*lines)) == []


def returned(kg: float, **overrides) -> dict:
    """The buyer sends part of the delivery back to its supplier, with a credit note."""
    values = {"licence_no": "LIC-002", "movement": "sale", "quantity_kg": kg,
              "counterparty_licence": "LIC-001", "date": date(2025, 3, 20),
              "document_ref": "NC01-00000007"}
    return line(**{**values, **overrides})


def received_back(kg: float, **overrides) -> dict:
    """The seller books the goods its customer sent back."""
    values = {"movement": "purchase", "quantity_kg": kg, "counterparty_licence": "LIC-002",
              "date": date(2025, 3, 20), "document_ref": "NC01-00000007"}
    return line(**{**values, **overrides})


def test_a_return_booked_by_the_buyer_and_netted_by_the_seller_matches():
    # The buyer books the whole invoice (1,000 kg) and the 200 kg it sent back; the seller
    # only declares its sale net of the credit note.
    assert run("mirror", detection(sale(800.0), purchase(1000.0), returned(200.0))) == []


def test_a_return_booked_by_the_seller_and_netted_by_the_buyer_matches():
    assert run("mirror", detection(sale(1000.0), received_back(200.0), purchase(800.0))) == []


def test_a_return_booked_by_both_sides_matches_by_its_credit_note():
    assert run("mirror", detection(sale(1000.0), purchase(1000.0), returned(200.0),
                                   received_back(200.0))) == []


def test_a_return_the_supplier_never_received_is_still_reported():
    # Purchase and sale agree; the buyer's "return" of 300 kg is confirmed by no one, and no
    # over-declared purchase explains it: 300 kg left the buyer's books unaccounted for.
    [finding] = run("mirror", detection(sale(1000.0), purchase(1000.0), returned(300.0)))
    assert finding.licence_no == "LIC-002"
    assert finding.observed == 300.0
    assert "returns" in [e["code"] for e in finding.measures["excluded"]]


def test_a_return_among_many_rounded_deliveries_is_judged_on_the_months_net_flow():
    # Each delivery reads 1.3 % lower on the buyer's side (concentration, rounding); one
    # invoice is booked whole by the buyer (36,260 kg) and netted by the seller (28,788 kg),
    # the 7,889 kg sent back a sale back. Line matching pools the small differences with
    # the return's leftover; the month's net flows agree within tolerance.
    lines = []
    for day in range(1, 7):
        doc = f"F001-0000{day:04d}"
        lines += [sale(28788.0, date=date(2025, 3, day), document_ref=doc),
                  purchase(28420.0, date=date(2025, 3, day), document_ref=doc)]
    lines += [sale(28788.0, date=date(2025, 3, 9), document_ref="F001-00000099"),
              purchase(36260.0, date=date(2025, 3, 9), document_ref="F001-00000099"),
              returned(7889.0, date=date(2025, 3, 20))]
    assert run("mirror", detection(*lines)) == []
    # A sale back the supplier never booked, with purchases that agree, stays reported.
    [finding] = run("mirror", detection(*lines[:12], returned(7889.0)))
    assert finding.licence_no == "LIC-002"


def test_each_pairs_rows_are_walked_by_date_missing_dates_last_ties_in_row_order():
    import numpy as np

    from app.detection.kinds.mirror import _by_pair_and_date, _nanoseconds

    dates = pd.Series(pd.to_datetime(["2025-03-05", None, "2025-03-01", "2025-03-05",
                                      "2025-03-02", "2025-03-01"]))
    pairs = np.array([7, 7, 7, 7, 3, -1])  # -1: a party or substance missing
    walk = _by_pair_and_date(np.arange(6), pairs, _nanoseconds(dates),
                             dates.isna().to_numpy())
    assert {pair: rows.tolist() for pair, rows in walk.items()} == {7: [2, 0, 3, 1], 3: [4]}


# The offset of returns reads, for each line, only the other direction's lines within the
# return window (and the undated ones). It must offset exactly what reading every line of
# the pair did: the same lines, in the same order, by the same amounts.

def _all_pairs_offset(sales, purchases, days, tolerance_pct):
    """The walk as it was before the window: every line of a pair against every other."""
    sales, purchases = sales.copy(), purchases.copy()
    limit = pd.Timedelta(days=days)
    hit_s, hit_p = set(), set()
    for key in {tuple(k) for k in sales[["seller", "buyer", "substance_code"]].to_numpy()}:
        seller, buyer, code = key
        mine = sales[(sales["seller"] == seller) & (sales["buyer"] == buyer)
                     & (sales["substance_code"] == code) & (sales["unmatched_kg"] > 0)]
        theirs = purchases[(purchases["buyer"] == seller) & (purchases["seller"] == buyer)
                           & (purchases["substance_code"] == code)
                           & (purchases["unmatched_kg"] > 0)]
        by_date = {"by": "date", "na_position": "last", "kind": "stable"}
        for i in mine.sort_values(**by_date).index:
            for j in theirs.sort_values(**by_date).index:
                have, owe = sales.at[i, "unmatched_kg"], purchases.at[j, "unmatched_kg"]
                if have <= 0:
                    break
                far = (pd.notna(sales.at[i, "date"]) and pd.notna(purchases.at[j, "date"])
                       and abs(sales.at[i, "date"] - purchases.at[j, "date"]) > limit)
                if owe <= 0 or far:
                    continue
                take = min(have, owe)
                slack = max(sales.at[i, "qty"], purchases.at[j, "qty"]) * tolerance_pct / 100
                have, owe = have - take, owe - take
                sales.at[i, "unmatched_kg"] = 0.0 if have <= slack else have
                purchases.at[j, "unmatched_kg"] = 0.0 if owe <= slack else owe
                hit_s.add(i)
                hit_p.add(j)
    return sales["unmatched_kg"].tolist(), purchases["unmatched_kg"].tolist(), hit_s, hit_p


_SIDE_LINE = st.tuples(st.sampled_from(["A", "B"]), st.sampled_from(["A", "B"]),
                       st.sampled_from(["x", "x", "y"]),
                       st.one_of(st.none(), st.integers(0, 200), st.integers(0, 200)),
                       st.floats(1.0, 500.0), st.floats(0.0, 1.0))


def _side_frame(rows):
    return pd.DataFrame({
        "seller": [r[0] for r in rows], "buyer": [r[1] for r in rows],
        "substance_code": [r[2] for r in rows],
        "date": pd.to_datetime([None if r[3] is None
                                else pd.Timestamp("2025-01-01") + pd.Timedelta(days=r[3])
                                for r in rows]),
        "qty": [r[4] for r in rows],
        "unmatched_kg": [round(r[4] * r[5], 3) for r in rows],
        "matched_kg": [r[4] - round(r[4] * r[5], 3) for r in rows],
        "match_how": [""] * len(rows),
    })


@settings(max_examples=150, deadline=None)
@given(st.lists(_SIDE_LINE, max_size=25), st.lists(_SIDE_LINE, max_size=25),
       st.sampled_from([0.0, 2.0]))
def test_offsetting_returns_within_the_window_is_the_all_pairs_walk(sold, bought, tolerance):
    sales, purchases = _side_frame(sold), _side_frame(bought)
    expected_s, expected_p, hit_s, hit_p = _all_pairs_offset(sales, purchases, 60, tolerance)

    mirror._offset_returns(sales, purchases, 60, tolerance)

    assert sales["unmatched_kg"].tolist() == pytest.approx(expected_s)
    assert purchases["unmatched_kg"].tolist() == pytest.approx(expected_p)
    assert set(sales.index[sales["match_how"] == "return"]) == hit_s
    assert set(purchases.index[purchases["match_how"] == "return"]) == hit_p
