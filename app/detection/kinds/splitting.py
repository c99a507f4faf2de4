"""splitting: a burst of orders in a short window, from or to several counterparties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from app.detection.base.common import as_date, fill_text, kg
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.base.summary import format_kg
from app.detection.findings import Finding
from app.detection.statistics.common import STAT_FIELDS, format_p, stat_fields, stat_measures
from app.detection.statistics.significance import (
    adjusted,
    benjamini_hochberg,
    binomial_scan_p,
    fdr_param,
    overdispersed_scan_p,
)
from lexicon.severities import raise_severity

TRADES = ("purchase", "sale", "import", "export")
# Before a party's own history says otherwise, the share of orders that fall just under a
# round figure: on a log scale the bands below 1, 2 and 5 × 10^k cover about 14 % of a
# decade at a 10 % band. Weighed as PRIOR_ORDERS orders of history.
PRIOR_SHARE, PRIOR_ORDERS = 0.14, 10.0

PARAMS = {
    "movements": Param("choices", ("purchase",), "movements counted as orders",
                       choices=TRADES),
    "party": Param("choice", "declarant", "whose orders are counted: `declarant` (the operator "
                   "that declared the lines) or `counterparty` (the other side, e.g. a buyer "
                   "as all its sellers declared it, even one that declares nothing itself)",
                   choices=("declarant", "counterparty")),
    "window_days": Param("integer", 30, "length of the sliding window", "days", minimum=1,
                         maximum=366),
    "min_count": Param("integer", 5, "orders within the window needed, whatever the rate",
                       "orders", minimum=2),
    "min_counterparties": Param("integer", 2, "different counterparties within the window "
                                "needed", "counterparties", minimum=1),
    "max_counterparty_share": Param(
        "number", 0.6, "the largest share of the window's orders one counterparty may hold: "
        "orders spread over several counterparties, not one counterparty's own pattern",
        "ratio", minimum=0.0, maximum=1.0),
    "min_ratio": Param("number", 2.0, "the window's total must be at least this many times "
                       "what the party usually moves in as many days", "ratio", minimum=1),
    "min_history_days": Param("integer", 180, "days between the party's first order and the "
                              "end of the window before its usual rate is trusted", "days",
                              minimum=30),
    "round_band_pct": Param("number", 10.0, "an order 'just under a round threshold' lies "
                            "within this % below a round number (1, 2 or 5 × a power of ten)",
                            "%", minimum=0, maximum=50),
    "tests": Param("choices", ("burst", "round", "bunching"), "which tests run: `burst` (all "
                   "orders against the usual rate), `round` (orders just under a round figure "
                   "against the usual rate of such orders), `bunching` (the share of orders "
                   "just under a round figure against the party's usual share)",
                   choices=("burst", "round", "bunching")),
    "fdr": fdr_param(0.05),
}
SITUATIONS = {
    "burst": "{operator} {moved} {count} orders of {substance} ({observed_kg} kg) "
             "{direction} {counterparties} counterparties in {window}, where {compared_with} "
             "gives {expected_count} (p {p_value})",
    "bunched": "{operator} {moved} {count} orders of {substance} ({observed_kg} kg) "
               "{direction} {counterparties} counterparties in {window}, {hits} of them just "
               "under {just_under}, where its other orders lie there {usual_share} of the time "
               "(p {p_value})",
}
FIELDS = {**STAT_FIELDS, "count": "orders in the window", "counterparties": "how many",
          "expected_count": "orders expected in the window at the usual rate",
          "moved": "'bought', 'sold' ...", "direction": "'from' or 'to'",
          "just_under": "the round threshold most orders stayed under, e.g. 1,000 kg",
          "hits": "orders just under a round figure in the window (situation bunched)",
          "usual_share": "how often the party's other orders lie just under a round figure"}


def evaluate(ctx: Context) -> list[Finding]:
    """Scan each party's orders for the busiest window and test it against its usual rate."""
    params = ctx.params
    orders, members = _orders(ctx)
    if orders.empty:
        return []
    first = orders.groupby("group", sort=False)["day"].min()
    last_day = _day(pd.Timestamp(ctx.data.as_of))
    # Two views of the same orders: all of them, and only those just under a round figure
    # (a buyer of truckloads placing a dozen 990 kg orders hides in its own total, not in
    # its usual rate of orders like these).
    under = _just_under_each(orders["quantity_kg"].to_numpy(), params["round_band_pct"])
    if "declared" in orders.columns:  # 199 L is just under 200 in the unit it was declared in
        under |= _just_under_each(orders["declared"].to_numpy(), params["round_band_pct"])
    orders = orders.assign(under=under)
    views = {"all": orders, "round": orders[under].reset_index(drop=True)}
    chosen = set(params["tests"])
    scans = [_scan(view, first, last_day, params).assign(view=name)
             for name, view in views.items()
             if not view.empty and ("burst" if name == "all" else name) in chosen]
    if "bunching" in chosen:
        scans.append(_bunching(orders, first, last_day, params).assign(view="bunching"))
    scans = [t for t in scans if not t.empty]
    if not scans:
        return []
    tests = pd.concat(scans, ignore_index=True)
    tests = tests.assign(q=adjusted(tests["p"].to_numpy()))
    found = benjamini_hochberg(tests["p"].to_numpy(), params["fdr"])
    bunched = (tests["view"] == "bunching").to_numpy()
    large = np.where(bunched, tests["share"].to_numpy()
                     >= params["min_ratio"] * tests["usual_share"].to_numpy(),
                     tests["kg"].to_numpy() >= params["min_ratio"] * tests["usual_kg"].to_numpy())
    hits = tests[found & large].sort_values("p").drop_duplicates("group")
    findings = []
    bounds, line_ids = members
    for row in hits.itertuples():
        window_rows = views.get(row.view, orders).iloc[row.start:row.row + 1]
        spread = window_rows[window_rows["under"]] if row.view == "bunching" else window_rows
        shares = spread["counterparty"].value_counts(normalize=True)
        if (len(shares) < params["min_counterparties"]
                or shares.iloc[0] > params["max_counterparty_share"]):
            continue
        ids = [int(i) for o in window_rows["order"]
               for i in line_ids[bounds[o]:bounds[o + 1]]]
        make = _bunched if row.view == "bunching" else _finding
        findings.append(make(ctx, window_rows, row, len(tests), ids))
    return findings


def _scan(orders: pd.DataFrame, first_day: pd.Series, last_day: int, params) -> pd.DataFrame:
    """Return, per party and substance, its busiest window tested against its usual rate."""
    window = params["window_days"]
    group = orders["group"].to_numpy()
    days = orders["day"].to_numpy()
    stamp = group * 1_000_000 + days
    start = np.searchsorted(stamp, stamp - window + 1, side="left")
    end = np.arange(len(orders))
    count = end - start + 1
    cum = np.concatenate([[0.0], np.cumsum(orders["quantity_kg"].to_numpy())])
    in_window = cum[end + 1] - cum[start]
    sizes = orders.groupby("group", sort=False).agg(n=("day", "size"), kg=("quantity_kg", "sum"))
    first = first_day.reindex(group).to_numpy()
    observed_days = np.maximum(last_day - first + 1, days - first + 1)
    outside_days = np.maximum(observed_days - window, window)
    rate = (sizes["n"].reindex(group).to_numpy() - count) / outside_days
    usual_kg = (sizes["kg"].reindex(group).to_numpy() - in_window) / outside_days * window
    expected = rate * window
    shape = _shape(orders, first_day, last_day, window).reindex(group).to_numpy()
    p = overdispersed_scan_p(count, expected, shape, observed_days / window)
    trusted = (days - first + 1 >= params["min_history_days"]) & (count >= params["min_count"])
    scan = pd.DataFrame({"group": group, "row": end, "start": start, "count": count,
                         "kg": in_window, "expected": expected, "usual_kg": usual_kg,
                         "p": np.where(trusted, p, np.nan), "days": observed_days,
                         "shape": shape})
    scan = scan[np.isfinite(scan["p"])]
    # The scan statistic: one test per party and substance, its busiest window.
    return scan.sort_values(["p", "count"], ascending=[True, False]).drop_duplicates("group")


def _shape(orders: pd.DataFrame, first_day: pd.Series, last_day: int,
           window: int) -> pd.Series:
    """Return per group how its orders clump: the gamma shape of its counts per window.

    The party's span is cut into windows of `window_days`; the busiest one is left out (it is
    the one under test), and the mean and variance of the other counts, zeros included,
    give shape = mean² / (variance − mean). No more variance than a Poisson stream (or fewer
    than five windows to judge from): infinite, the Poisson case.
    """
    first = first_day.reindex(orders["group"].to_numpy()).to_numpy()
    bins = (orders["day"].to_numpy() - first) // window
    counts = pd.Series(1, index=[orders["group"].to_numpy(), bins]).groupby(level=[0, 1]).sum()
    per_group = counts.groupby(level=0)
    total, squares, most = per_group.sum(), (counts ** 2).groupby(level=0).sum(), per_group.max()
    span = (last_day - first_day.reindex(total.index)) // window + 1
    n = (span - 1).astype(float)
    mean = (total - most) / n.where(n > 0)
    var = (squares - most ** 2 - n * mean ** 2) / (n - 1).where(n > 1)
    shape = mean ** 2 / (var - mean).where(var > mean * 1.05)
    return shape.where(n >= 5).fillna(np.inf)


def _bunching(orders: pd.DataFrame, first_day: pd.Series, last_day: int,
              params) -> pd.DataFrame:
    """Return, per party and substance, the window whose orders bunch most under round figures.

    The share of the party's orders just under a round figure elsewhere (outside the window,
    before and after it, with a weak prior) is what it usually does: a distributor selling
    190 kg drums has most of its orders there and never alarms. A window where many orders,
    to or from several counterparties, sit just under a round figure far more often than
    that is tested with the binomial tail, scaled by the number of windows scanned.
    """
    window = params["window_days"]
    group = orders["group"].to_numpy()
    days = orders["day"].to_numpy()
    stamp = group * 1_000_000 + days
    start = np.searchsorted(stamp, stamp - window + 1, side="left")
    end = np.arange(len(orders))
    trials = end - start + 1
    cum = np.concatenate([[0], np.cumsum(orders["under"].to_numpy(dtype=np.int64))])
    hits = cum[end + 1] - cum[start]
    money = np.concatenate([[0.0], np.cumsum(orders["quantity_kg"].to_numpy())])
    in_window = money[end + 1] - money[start]
    totals = orders.groupby("group", sort=False).agg(n=("day", "size"), under=("under", "sum"))
    others = totals["n"].reindex(group).to_numpy() - trials
    other_hits = totals["under"].reindex(group).to_numpy() - hits
    usual = (other_hits + PRIOR_SHARE * PRIOR_ORDERS) / (others + PRIOR_ORDERS)
    first = first_day.reindex(group).to_numpy()
    observed_days = np.maximum(last_day - first + 1, days - first + 1)
    p = binomial_scan_p(hits, trials, usual, observed_days / window)
    trusted = (days - first + 1 >= params["min_history_days"]) & (hits >= params["min_count"])
    scan = pd.DataFrame({"group": group, "row": end, "start": start, "count": trials,
                         "kg": in_window, "expected": usual * trials, "usual_kg": np.nan,
                         "p": np.where(trusted, p, np.nan), "days": observed_days,
                         "hits": hits, "share": hits / trials, "usual_share": usual})
    scan = scan[np.isfinite(scan["p"])]
    return scan.sort_values(["p", "count"], ascending=[True, False]).drop_duplicates("group")


def _just_under_each(quantities: np.ndarray, band_pct: float) -> np.ndarray:
    """Return which quantities lie within band_pct below a round figure (1, 2, 5 × 10^k)."""
    q = np.asarray(quantities, dtype=float)
    flags = np.zeros(q.shape, dtype=bool)
    positive = q > 0
    if band_pct <= 0 or not positive.any():
        return flags
    power = 10.0 ** np.floor(np.log10(q[positive]))
    steps = power[:, None] * np.array([1.0, 2.0, 5.0, 10.0])[None, :]
    above = np.where(steps > q[positive, None], steps, np.inf).min(axis=1)
    flags[positive] = q[positive] >= above * (1 - band_pct / 100)
    return flags


def _orders(ctx: Context) -> tuple[pd.DataFrame, tuple]:
    """Return the orders (party, substance, day, counterparty), sorted, and their line ids."""
    params = ctx.params
    lines = ctx.data.lines
    rows = lines[lines["movement"].isin(params["movements"]) & lines["substance_code"].notna()]
    if rows.empty:
        return pd.DataFrame(), ()
    name = fill_text(rows["counterparty_label"])
    # The counterparty as resolved before the rules ran: a registered licence, or the
    # normalised name (`name:…`) of a party no registered one matches.
    other = fill_text(rows["counterparty_party"])
    if params["party"] == "declarant":
        party, counterparty = fill_text(rows["licence_no"]), other
    else:
        party, counterparty = other, fill_text(rows["licence_no"])
    keep = (party != "").to_numpy()
    if not keep.any():
        return pd.DataFrame(), ()
    # One integer key per order (party, substance, day, counterparty); sorting it orders the
    # orders by party and substance, then by day, as the scan needs.
    party_codes, parties = pd.factorize(party.to_numpy()[keep])
    substance_codes, substances = pd.factorize(rows["substance_code"].to_numpy()[keep])
    other_codes, others = pd.factorize(counterparty.to_numpy()[keep])
    days = _day(rows["date"])[keep]
    day_codes = days - days.min()
    group_key = party_codes.astype(np.int64) * len(substances) + substance_codes
    key = (group_key * (int(day_codes.max()) + 1) + day_codes) * len(others) + other_codes
    unique, first_line, order = np.unique(key, return_index=True, return_inverse=True)
    sort = np.argsort(order, kind="stable")
    members = (np.searchsorted(order[sort], np.arange(len(unique) + 1)),
               rows["line_id"].to_numpy()[keep][sort])
    group_of = group_key[first_line]
    quantity = np.bincount(order, weights=np.nan_to_num(
        rows["quantity_kg"].to_numpy(dtype=float)[keep]), minlength=len(unique))
    orders = pd.DataFrame({
        "party": np.asarray(parties, dtype=object)[party_codes[first_line]],
        "substance_code": np.asarray(substances, dtype=object)[substance_codes[first_line]],
        "day": days[first_line],
        "counterparty": np.asarray(others, dtype=object)[other_codes[first_line]],
        "quantity_kg": quantity,
        "movement": rows["movement"].to_numpy()[keep][first_line],
        "name": name.to_numpy()[keep][first_line],
        "order": np.arange(len(unique)),
        "group": np.unique(group_of, return_inverse=True)[1],
    })
    if "quantity" in rows.columns:  # the quantity as declared, in its own unit
        orders["declared"] = np.bincount(order, weights=np.nan_to_num(
            rows["quantity"].to_numpy(dtype=float)[keep]), minlength=len(unique))
        orders["unit"] = rows["unit"].to_numpy()[keep][first_line]
    return orders, members


def _day(values) -> np.ndarray:
    """Return days since 1970 of a date series or timestamp."""
    if isinstance(values, pd.Timestamp):
        return int(values.to_datetime64().astype("datetime64[D]").astype(np.int64))
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def just_under(quantities: np.ndarray, band_pct: float) -> tuple[float | None, int]:
    """Return the round number most orders stay just under, and how many do."""
    q = np.asarray(quantities, dtype=float)
    under = q[_just_under_each(q, band_pct)]
    if under.size == 0:
        return None, 0
    power = 10.0 ** np.floor(np.log10(under))
    steps = power[:, None] * np.array([1.0, 2.0, 5.0, 10.0])[None, :]
    above = np.where(steps > under[:, None], steps, np.inf).min(axis=1)
    values, counts = np.unique(above, return_counts=True)
    return float(values[np.argmax(counts)]), int(counts.max())


def _finding(ctx: Context, rows: pd.DataFrame, row, tests: int, ids: list) -> Finding:
    """Describe one burst of orders, with every order and counterparty in the trace."""
    params = ctx.params
    head = rows.iloc[0]
    declarant = params["party"] == "declarant"
    party = head["party"]
    licence_no = party if not party.startswith("name:") else None
    who = ctx.names.who(licence_no) if licence_no else (head["name"] or party[5:])
    if not declarant and licence_no is None:
        who = rows["name"].iloc[0] or party[5:]
    what = ctx.names.substance.get(head["substance_code"], head["substance_code"])
    movement = head["movement"]
    moved = {"purchase": "bought", "sale": "sold", "import": "imported",
             "export": "exported"}[movement]
    if not declarant:
        moved = {"bought": "sold", "sold": "bought", "imported": "exported",
                 "exported": "imported"}[moved]
    direction = "from" if moved in ("bought", "imported") else "to"
    first, last = as_date(pd.Timestamp(int(rows["day"].min()), unit="D")), as_date(
        pd.Timestamp(int(rows["day"].max()), unit="D"))
    others = rows["counterparty"].map(lambda c: ctx.names.who(c) if not c.startswith("name:")
                                      else c[5:]).replace("", "(not named)")
    threshold, under = just_under(rows["quantity_kg"].to_numpy(), params["round_band_pct"])
    severity = None
    usual_per_window = row.expected
    of_kind = " just under a round figure" if row.view == "round" else ""
    compared = (f"its usual rate ({usual_per_window:.1f} orders{of_kind} per "
                f"{params['window_days']} days)")
    trace = [
        f"{who} {moved} {len(rows)} orders of {what} ({kg(row.kg)}) {direction} "
        f"{others.nunique()} counterparties between {first.isoformat()} and {last.isoformat()}: "
        + "; ".join(f"{as_date(pd.Timestamp(int(d), unit='D')).isoformat()} {kg(q)} {o}"
                    for d, q, o in zip(rows["day"], rows["quantity_kg"], others, strict=True))
        + ".",
        f"Its usual rate outside this window: {usual_per_window:.2f} orders{of_kind} and "
        f"{kg(row.usual_kg)} per {params['window_days']} days (over {int(row.days)} days "
        "observed).",
        f"{_tail_words(row.shape)} of {len(rows)} or more such orders in the busiest of "
        f"{math.ceil(row.days / params['window_days'])} windows: p = {format_p(row.p)}; "
        f"Benjamini–Hochberg q = {format_p(row.q)} over {tests:,} scans (per party and test), "
        f"below the rule's false discovery rate {params['fdr']}.",
    ]
    if threshold is not None and under * 2 >= len(rows):
        trace.append(f"{under} of the {len(rows)} orders lie just under {kg(threshold)}.")
        severity = raise_severity(ctx.rule.severity)
    z = _z(len(rows), usual_per_window)
    fields = stat_fields(z, row.p, compared)
    fields.update(count=str(len(rows)), counterparties=str(others.nunique()),
                  expected_count=f"{usual_per_window:.1f}", moved=moved, direction=direction,
                  just_under=f"{kg(threshold)}" if threshold else "")
    return ctx.finding(
        situation="burst", licence_no=licence_no, party=None if licence_no else party,
        who=who, substance_code=head["substance_code"], start=first, end=last,
        observed=row.kg, expected=row.usual_kg, evidence={"declaration_line": ids},
        trace=trace, severity=severity,
        measures=stat_measures(
            p=row.p, z=z, q=row.q, expected=usual_per_window,
            spread=math.sqrt(max(usual_per_window, 0)), group="own rate", tests=tests,
            statistic=float(len(rows)), orders=len(rows),
            counterparties=int(others.nunique()), just_under_kg=threshold or 0.0,
            orders_just_under=under),
        fields=fields,
    )


def _tail_words(shape: float) -> str:
    """Name the distribution a burst was tested against, with how much the orders clump."""
    if not np.isfinite(shape):
        return "Poisson probability"
    return (f"Its orders clump (counts per window vary more than a steady stream's: negative "
            f"binomial shape {shape:.2g}); negative binomial probability")


def _bunched(ctx: Context, rows: pd.DataFrame, row, tests: int, ids: list) -> Finding:
    """Describe a window of orders bunched just under a round figure, every order listed."""
    params = ctx.params
    head = rows.iloc[0]
    party = head["party"]
    licence_no = party if not party.startswith("name:") else None
    who = ctx.names.who(licence_no) if licence_no else (rows["name"].iloc[0] or party[5:])
    what = ctx.names.substance.get(head["substance_code"], head["substance_code"])
    moved = {"purchase": "bought", "sale": "sold", "import": "imported",
             "export": "exported"}[head["movement"]]
    if params["party"] != "declarant":
        moved = {"bought": "sold", "sold": "bought", "imported": "exported",
                 "exported": "imported"}[moved]
    direction = "from" if moved in ("bought", "imported") else "to"
    day = lambda d: as_date(pd.Timestamp(int(d), unit="D"))  # noqa: E731
    first, last = day(rows["day"].min()), day(rows["day"].max())
    others = rows["counterparty"].map(lambda c: ctx.names.who(c) if not c.startswith("name:")
                                      else c[5:]).replace("", "(not named)")
    flagged = rows["under"].to_numpy()
    threshold, unit = _threshold(rows[flagged], params["round_band_pct"])
    spread = others[flagged].nunique()
    listed = "; ".join(
        f"{day(d).isoformat()} {kg(q)}{' ←' if u else ''} {o}"
        for d, q, u, o in zip(rows["day"], rows["quantity_kg"], flagged, others, strict=True))
    trace = [
        f"{who} {moved} {len(rows)} orders of {what} ({kg(row.kg)}) {direction} "
        f"{others.nunique()} counterparties between {first.isoformat()} and {last.isoformat()}; "
        f"{int(row.hits)} of them (←), to or from {spread} counterparties, lie just under "
        f"{threshold}: {listed}.",
        f"Its other orders lie just under a round figure {row.usual_share:.0%} of the time "
        f"(outside this window, before and after it; weighed with a {PRIOR_SHARE:.0%} prior "
        f"worth {PRIOR_ORDERS:g} orders).",
        f"Binomial probability of {int(row.hits)} or more of {len(rows)} orders there in the "
        f"most lopsided of {math.ceil(row.days / params['window_days'])} windows: "
        f"p = {format_p(row.p)}; Benjamini–Hochberg q = {format_p(row.q)} over {tests:,} scans, "
        f"below the rule's false discovery rate {params['fdr']}.",
    ]
    z = float(stats_z(row.hits, len(rows), row.usual_share))
    compared = f"its usual share of such orders ({row.usual_share:.0%})"
    fields = stat_fields(z, row.p, compared)
    fields.update(count=str(len(rows)), counterparties=str(others.nunique()),
                  expected_count=f"{row.usual_share * len(rows):.1f}", moved=moved,
                  direction=direction, just_under=threshold, hits=str(int(row.hits)),
                  usual_share=f"{row.usual_share:.0%}")
    return ctx.finding(
        situation="bunched", licence_no=licence_no, party=None if licence_no else party,
        who=who, substance_code=head["substance_code"], start=first, end=last,
        observed=row.kg, expected=None, evidence={"declaration_line": ids}, trace=trace,
        severity=raise_severity(ctx.rule.severity),
        measures=stat_measures(
            p=row.p, z=z, q=row.q, expected=row.usual_share * len(rows),
            spread=math.sqrt(max(row.usual_share * (1 - row.usual_share) * len(rows), 0)),
            group="own orders", tests=tests, statistic=float(row.hits), orders=len(rows),
            counterparties=int(others.nunique()), orders_just_under=int(row.hits),
            usual_share=float(row.usual_share)),
        fields=fields,
        excluded=[("own_habit", "Orders that usually sit just under a round figure for this "
                                "party (a drum or bag size) were taken as its habit: only a "
                                "share well above its own was tested."),
                  ("single_counterparty", f"The orders just under it go to or come from "
                                          f"{spread} counterparties, not one.")],
    )


def _threshold(rows: pd.DataFrame, band_pct: float) -> tuple[str, str]:
    """Return the round figure most bunched orders stay under, with its unit, in words."""
    if "declared" in rows.columns:
        value, count = just_under(rows["declared"].to_numpy(), band_pct)
        unit = rows["unit"].mode().iloc[0] if len(rows) else "kg"
        if value is not None and count * 2 >= len(rows):
            return f"{format_kg(value)} {unit}", unit
    value, _ = just_under(rows["quantity_kg"].to_numpy(), band_pct)
    return (f"{format_kg(value)} kg" if value is not None else "a round figure"), "kg"


def stats_z(hits: float, trials: int, share: float) -> float:
    """Return how many standard deviations the hits lie above the binomial expectation."""
    spread = math.sqrt(max(trials * share * (1 - share), 1e-9))
    return (hits - trials * share) / spread


def _z(count: int, expected: float) -> float:
    """Return the Poisson count as a z-score (Anscombe's variance-stabilised form)."""
    return 2 * (math.sqrt(count + 3 / 8) - math.sqrt(max(expected, 0) + 3 / 8))


KIND = Kind(
    name="splitting",
    title="Many orders in a short window from or to several counterparties",
    help="For each operator (or each buyer, as its sellers declared it) and substance, the "
         "busiest window of orders against the party's usual rate (Poisson scan statistic), "
         "spread over several counterparties and adding up to far more than usual.",
    params=PARAMS,
    situations=SITUATIONS,
    fields=FIELDS,
    evaluate=evaluate,
    scope_keys=("substances", "tables"),
)
