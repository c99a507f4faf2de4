"""Record-keeping habits: each at the rate its intensity says, innocent, and ground truth intact.

One market (120 operators, 12 months) is written tidy (`none`), `usual` and `heavy`. The
habits an operator has are read from planted.json; every check below then looks in the
files themselves for the habit's trace, and for its absence where the operator lacks it.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from demo import generate_country
from demo.bookkeeping.levels import INTENSITIES, Share
from demo.bookkeeping.substances import all_forms
from demo.habits import REGISTRY_XLSX
from demo.readback import read_table, substance_of_label
from tests.demo.conftest import HABITS, load_customs

LEVELS = ("usual", "heavy")
INVOICE = re.compile(r"^F\d{3}-\d{8}$")
CUSTOMS_NUMBER = re.compile(r"^\d{3}-\d{4}-\d{2}-\d{6}$")
TRADES = ("purchase", "sale")


def _record(country) -> dict:
    return country.expectations()["habits"]


def _having(country, habit: str) -> set[str]:
    return {lic for lic, habits in _record(country)["operators"].items() if habit in habits}


def _registry(country) -> pd.DataFrame:
    frame = read_table(country.registry_alternate, REGISTRY_XLSX)
    frame["tax_id"] = frame["tax_id"].astype(str)
    return frame


def _clean(country, lines: pd.DataFrame) -> pd.DataFrame:
    return lines[lines["licence_no"].isin(country.expectations()["clean_operators"])]


def _invoice_numbers(doc: str) -> list[int]:
    """Return the invoice numbers a document cell names, whatever its format."""
    numbers = []
    for part in doc.split(" / "):
        digits = re.findall(r"\d+", part)
        if digits:  # F00100012345 glues series and number: the number is the last 8 digits
            numbers.append(int(digits[-1]) % 10 ** 8)
    return numbers


def test_unknown_habits_level_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown habits level 'messy'"):
        generate_country(tmp_path, seed=1, operators=40, months=12, habits="messy")


def test_none_writes_no_habit(habit_countries):
    country = habit_countries["none"]
    assert "habits" not in country.expectations()
    assert not [p for p in country.declarations if "extemporanea" in p.name]
    spanish = next(p for p in country.declarations if p.name.endswith("contable_es.csv"))
    assert "RUC contraparte" not in spanish.read_bytes().decode("cp1252").splitlines()[0]


@pytest.mark.parametrize("level", LEVELS)
def test_share_of_operators_with_each_habit_follows_the_intensity(habit_countries, level):
    record = _record(habit_countries[level])
    operators = len(_registry(habit_countries[level])["licence_no"].unique())
    for habit, rate in INTENSITIES[level].to_json().items():
        if habit in ("name", "receipt_days", "stock_entry_days", "dispatch_days", "idle",
                     "successions", "renewals"):
            continue
        share = rate["operators"] if isinstance(rate, dict) else rate
        seen = sum(habit in h for h in record["operators"].values()) / operators
        spread = 4 * math.sqrt(share * (1 - share) / operators) + 0.02
        assert abs(seen - share) <= spread, (habit, seen, share)


def test_a_heavier_intensity_keeps_every_habit_of_a_lighter_one(habit_countries):
    usual, heavy = (_record(habit_countries[level])["operators"] for level in LEVELS)
    joined = {e["joining"] for level in LEVELS
              for e in _record(habit_countries[level])["successions"]}
    base = set(_registry(habit_countries["none"])["licence_no"]) - joined
    for licence in base & set(usual):
        assert set(usual[licence]) <= set(heavy.get(licence, ())), licence


@pytest.mark.parametrize("level", LEVELS)
def test_counterparties_are_named_as_each_clerk_writes_them(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    rates: Share = INTENSITIES[level].counterparty
    registry = _registry(country)
    licences = set(registry["licence_no"])
    names = dict(zip(registry["licence_no"], registry["operator_name"], strict=True))
    identities = _record(country)["written_identities"]
    having = _having(country, "counterparty")
    trades = _clean(country, lines)
    trades = trades[trades["movement"].isin(TRADES)]
    exact = trades["counterparty_licence"].isin(licences)
    assert exact[~trades["licence_no"].isin(having)].all()
    share = 1 - exact.mean()
    expected = rates.operators * rates.rows
    assert 0.4 * expected < share < 1.6 * expected, (share, expected)
    other = trades[~exact]
    assert (other["counterparty_licence"] == "").any()  # name, tax id column or document only
    assert (other["counterparty_licence"] != "").any()  # licence retyped or tax id
    for text in set(other["counterparty_licence"]) - {""}:
        assert identities[text] in licences, text
    styled = trades[exact & (trades["counterparty_name"] != trades["counterparty_licence"].map(
        names))]
    assert len(styled) > 0
    for row in styled.itertuples():
        assert identities[row.counterparty_name] == row.counterparty_licence, row


@pytest.mark.parametrize("level", LEVELS)
def test_a_line_naming_only_its_document_is_declared_by_the_other_side(
        habit_countries, habit_lines, level):
    lines = habit_lines[level]
    trades = lines[lines["movement"].isin(TRADES)]
    bare = trades[(trades["counterparty_licence"] == "") & (trades["counterparty_name"] == "")
                  & (trades.get("RUC contraparte", "").fillna("") == "")]
    assert len(bare) > 0
    by_other = {}
    for row in trades.itertuples():
        for number in _invoice_numbers(row.document_ref):
            by_other.setdefault((row.period, number), set()).add(row.licence_no)
    for row in bare.itertuples():
        numbers = _invoice_numbers(row.document_ref)
        sides = set().union(*(by_other.get((p, n), set()) for n in numbers
                              for p in {row.period, _next(row.period), _previous(row.period)}))
        assert sides - {row.licence_no}, row


def _next(period: str) -> str:
    return (pd.Period(period, "M") + 1).strftime("%Y-%m")


def _previous(period: str) -> str:
    return (pd.Period(period, "M") - 1).strftime("%Y-%m")


def _plain_buyers(country) -> set[str]:
    """Return operators that write counterparties and invoices exactly (so they can be paired)."""
    plain = set(country.expectations()["clean_operators"])
    for habit in ("counterparty", "documents", "partial"):
        plain -= _having(country, habit)
    return plain


@pytest.mark.parametrize("level", LEVELS)
def test_buyers_date_receipts_after_the_invoice(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    shifts = _record(country)["date_shifts_days"]
    lagging = _having(country, "receipt_lag")
    sales = lines.loc[lines["movement"] == "sale", ["licence_no", "document_ref", "date",
                                                     "period"]]
    purchases = lines[(lines["movement"] == "purchase")
                      & lines["licence_no"].isin(_plain_buyers(country))]
    matched = purchases.merge(sales, how="left", left_on=["counterparty_licence", "document_ref"],
                              right_on=["licence_no", "document_ref"], suffixes=("", "_sale"))
    assert matched["date_sale"].notna().mean() > 0.99
    lag = (matched["date"] - matched["date_sale"]).dt.days
    mine = matched["licence_no"].isin(lagging)
    assert (lag[~mine] == 0).all()
    assert (lag[mine] > 0).any()
    most = matched["licence_no"].map(lambda lic: shifts.get(lic, {"later": 0})["later"])
    assert ((lag >= 0) & (lag <= most)).all()
    if level == "heavy":  # up to a week late: some receipts fall in the next month
        assert (matched["period"] != matched["period_sale"]).any()


@pytest.mark.parametrize("level", LEVELS)
def test_importers_and_exporters_book_their_own_dates(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    customs = load_customs(country).drop_duplicates("declaration_no")[["declaration_no", "date"]]
    styled = _having(country, "customs_refs")
    crossings = lines[lines["movement"].isin(["import", "export"])
                      & ~lines["licence_no"].isin(styled)]
    matched = crossings.merge(customs, how="left", left_on="document_ref",
                              right_on="declaration_no", suffixes=("", "_customs"))
    assert matched["date_customs"].notna().all()
    offset = (matched["date"] - matched["date_customs"]).dt.days
    imports = matched["movement"] == "import"
    entering = matched["licence_no"].isin(_having(country, "stock_entry"))
    dispatching = matched["licence_no"].isin(_having(country, "dispatch"))
    assert (offset[imports & ~entering] == 0).all()
    assert offset[imports & entering].between(0, 10).all()
    assert (offset[imports & entering] > 0).any()
    assert (offset[~imports & ~dispatching] == 0).all()
    assert offset[~imports & dispatching].between(-5, 5).all()


@pytest.mark.parametrize("level", LEVELS)
def test_document_numbers_are_retyped_by_the_other_side(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    retyping, merging = _having(country, "documents"), _having(country, "partial")
    purchases = lines[lines["movement"] == "purchase"]
    purchases = purchases[~purchases["document_ref"].str.startswith("NC")]  # goods sent back
    canonical = purchases["document_ref"].str.match(INVOICE)
    plain = ~purchases["licence_no"].isin(retyping | merging)
    assert canonical[plain].all()
    assert not canonical[purchases["licence_no"].isin(retyping - merging)].all()
    sold = set(lines.loc[lines["movement"] == "sale", "document_ref"].map(
        lambda d: _invoice_numbers(d)[0]))
    assert all(n in sold for d in purchases["document_ref"] for n in _invoice_numbers(d))
    crossings = lines[lines["movement"].isin(["import", "export"])]
    numbered = crossings["document_ref"].str.match(CUSTOMS_NUMBER)
    styled = crossings["licence_no"].isin(_having(country, "customs_refs"))
    assert numbered[~styled].all()
    assert not numbered[styled].any()


@pytest.mark.parametrize("level", ["usual", "heavy"])
def test_returns_go_back_to_the_supplier_with_a_credit_note(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    credit = lines["document_ref"].str.startswith("NC")
    assert credit.any()
    back = lines[credit & (lines["movement"] == "sale")]
    # Only buyers with the habit send goods back, each to a party it bought that from.
    assert set(back["licence_no"]) <= _having(country, "returns")
    bought = set(zip(*(lines.loc[lines["movement"] == "purchase", c]
                       for c in ("licence_no", "counterparty_name", "substance")), strict=True))
    assert all(key in bought for key in zip(back["licence_no"], back["counterparty_name"],
                                            back["substance"], strict=True))
    # A seller that books the return does so with the same credit note.
    received = lines[credit & (lines["movement"] == "purchase")]
    assert set(received["document_ref"]) <= set(back["document_ref"])
    assert 0 < len(received) < len(back)


@pytest.mark.parametrize("level", LEVELS)
def test_substance_names_in_other_forms(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    forms = all_forms()
    written = lines["substance"].isin(forms)
    mine = lines["licence_no"].isin(_having(country, "substance_forms"))
    assert not written[~mine].any()
    assert written[mine].mean() > 0.5
    assert lines.loc[written, "substance"].map(substance_of_label).notna().all()


@pytest.mark.parametrize("level", LEVELS)
def test_partial_deliveries(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    partial = _having(country, "partial")
    purchases = lines[lines["movement"] == "purchase"]
    merged = purchases["document_ref"].str.contains(" / ", regex=False)
    assert merged.any()
    assert purchases.loc[merged, "licence_no"].isin(partial).all()
    split = purchases.duplicated(["file", "licence_no", "counterparty_name", "document_ref"],
                                 keep=False)
    split &= ~merged
    assert split.any()
    assert purchases.loc[split, "licence_no"].isin(partial).all()
    remarks = lines.get("Observaciones")
    assert remarks is not None and remarks.fillna("").str.startswith("Entrega parcial").any()


@pytest.mark.parametrize("level", LEVELS)
def test_late_declarations_come_in_files_of_their_own(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    record = _record(country)
    late = record["late_declarations"]
    assert late and {e["licence_no"] for e in late} <= _having(country, "late")
    sent = [record["sent_on"][str(p.relative_to(country.out_dir))] for p in country.declarations]
    assert sent == sorted(sent)
    for entry in late:
        assert entry["sent_on"] > entry["deadline"]
        mine = lines[lines["file"] == Path(entry["file"]).name]
        assert set(mine["licence_no"]) == {entry["licence_no"]}
        assert set(mine["period"]) == {entry["period"]}
        monthly = lines[(lines["period"] == entry["period"]) & (lines["licence_no"] ==
                                                                 entry["licence_no"])]
        assert set(monthly["file"]) == {Path(entry["file"]).name}


@pytest.mark.parametrize("level", LEVELS)
def test_opening_stock_dated_the_day_before(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    openings = lines[lines["movement"] == "opening_stock"]
    first = pd.to_datetime(openings["period"] + "-01")
    early = openings["date"] == first - timedelta(days=1)
    mine = openings["licence_no"].isin(_having(country, "stock_dates"))
    assert early[mine].all() and (openings.loc[~mine, "date"] == first[~mine]).all()


@pytest.mark.parametrize("level", LEVELS)
def test_registry_life(habit_countries, habit_lines, level):
    country, lines = habit_countries[level], habit_lines[level]
    record, registry = _record(country), _registry(country)
    clean = set(country.expectations()["clean_operators"])
    for entry in record["idle_licences"]:
        assert entry["licence_no"] in set(registry["licence_no"]) and entry["licence_no"] in clean
        mine = lines[lines["licence_no"] == entry["licence_no"]]
        if entry["kind"] == "never_declares":
            assert mine.empty
        else:
            assert set(mine["movement"]) == {"opening_stock", "closing_stock"}
            assert mine["quantity"].nunique() == 1
    assert {e["kind"] for e in record["idle_licences"]} == {"never_declares", "stock_only"}
    for entry in record["successions"]:
        old = lines[lines["licence_no"] == entry["leaving"]]
        new = lines[lines["licence_no"] == entry["joining"]]
        assert old["period"].max() == _previous(entry["period"])
        assert new["period"].min() == entry["period"]
        closing = old[(old["movement"] == "closing_stock")
                      & (old["period"] == old["period"].max())]
        opening = new[(new["movement"] == "opening_stock")
                      & (new["period"] == entry["period"])]
        kept = closing.assign(key=closing["substance"].map(substance_of_label))
        taken = opening.assign(key=opening["substance"].map(substance_of_label))
        assert dict(zip(kept["key"], kept["quantity"], strict=True)) == dict(
            zip(taken["key"], taken["quantity"], strict=True))
        assert entry["leaving_valid_to"] >= f"{_previous(entry['period'])}-28"
        assert entry["joining_valid_from"] < f"{entry['period']}-01"
        assert {entry["leaving"], entry["joining"]} <= clean
    for entry in record["renewals"]:
        rows = registry[(registry["licence_no"] == entry["licence_no"])
                        & (registry["substance"] == entry["substance"])]
        assert len(rows) == 2
        gap = (rows["valid_from"].iloc[1] - rows["valid_to"].iloc[0]).days
        assert 3 <= gap <= 12
        assert len(lines[lines["licence_no"] == entry["licence_no"]]) > 0


@pytest.mark.parametrize("level", LEVELS)
def test_customs_writes_traders_as_their_brokers_did(habit_countries, level):
    country = habit_countries[level]
    record = _record(country)
    customs = load_customs(country)
    none = load_customs(habit_countries["none"])
    known = set(none["trader_tax_id"])
    written = record["customs_tax_ids"]
    assert written
    assert set(customs["trader_tax_id"]) <= known | set(written)
    for text, tax_id in written.items():
        digits = "".join(ch for ch in text if ch.isdigit())
        assert tax_id.startswith(digits) and len(digits) >= 10, text
    assert set(customs["trader_name"]) != set(none["trader_name"])
    assert len(customs) == len(none)  # the same items, written another way


@pytest.mark.parametrize("level", LEVELS)
def test_habits_leave_the_ground_truth_as_it_was(habit_countries, level):
    tidy, messy = (habit_countries[x].expectations() for x in ("none", level))
    for key in ("planted", "lookalikes"):
        assert len(tidy[key]) == len(messy[key])
        for before, after in zip(tidy[key], messy[key], strict=True):
            fixed = {k: v for k, v in before.items() if k not in ("period_start", "period_end")}
            assert fixed == {k: after[k] for k in fixed}
            assert after["period_start"] <= before["period_start"] <= before["period_end"] \
                <= after["period_end"]
            assert (pd.Timestamp(after["period_end"]) - pd.Timestamp(before["period_end"])).days \
                <= 10
    added = {e["licence_no"] for e in messy["habits"]["idle_licences"]}
    added |= {e["joining"] for e in messy["habits"]["successions"]}
    assert added <= set(messy["clean_operators"])
    busy = {e["licence_no"] for e in messy["planted"] + messy["lookalikes"]}
    assert not busy & set(messy["clean_operators"])


def test_same_seed_and_level_give_identical_bytes(habit_countries, tmp_path):
    again = generate_country(tmp_path / "again", habits="heavy", **HABITS)
    first = habit_countries["heavy"].out_dir
    mine = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    theirs = {p.relative_to(again.out_dir): p.read_bytes()
              for p in again.out_dir.rglob("*") if p.is_file()}
    assert mine.keys() == theirs.keys()
    assert [name for name in mine if mine[name] != theirs[name]] == []


def test_the_demo_command_offers_every_level_and_defaults_to_usual():
    from app.cli import demo_command
    from demo.bookkeeping import LEVELS as ALL_LEVELS

    option = next(p for p in demo_command.params if p.name == "habits")
    assert tuple(option.type.choices) == ALL_LEVELS
    assert option.default == "usual"
