"""missing_declaration: declarations overdue (administrative), or activity without declaration.

Two different things share a cause. A licence held but unused, an operator that forgot a
month: the declaration is **overdue**, an administrative matter for a reminder, listed
per operator and year in the administrative queue. An operator that customs shows
trading, or that other operators declare selling to or buying from, in a period it did
not declare: that is **activity without declaration**, a sign of diversion, with the
customs items and the counterparties' lines as evidence. Goods recorded around a month
end may sit in the next month's declaration: a record counts as undeclared activity only
when the operator declared none of the months it could have recorded it in.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from app.detection.base.common import (
    MAX_EVIDENCE,
    as_date,
    capped_note,
    evidence_ids,
    kg,
    period_end,
    period_start,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.licence_checks import check_rows
from app.detection.base.rule_context import Context
from app.detection.findings import Finding
from app.detection.matching import Window, reconcile
from app.detection.parties import document_key

KEYS = ["licence_no", "window"]


def evaluate(ctx: Context) -> list[Finding]:
    """List overdue periods per operator and year, or the undeclared periods with activity."""
    windows = _due_windows(ctx)
    if not windows:
        return []
    licensed = _licensed(ctx, windows)
    if licensed.empty:
        return []
    period = ctx.params["period"]
    declared = ctx.declared_periods()
    declared = declared.assign(window=period_start(declared["period"], period))
    declared = declared[KEYS].drop_duplicates()
    missing = licensed.merge(declared, on=KEYS, how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"][[*KEYS, "whole"]]
    if missing.empty:
        return []
    if ctx.params["check"] == "overdue":
        return _overdue(ctx, missing[missing["whole"]])
    return _activity(ctx, missing, declared)


def _due_windows(ctx: Context) -> list[pd.Timestamp]:
    """Return the periods in the look-back whose declaration deadline has passed."""
    params = ctx.params
    period = params["period"]
    as_of = ctx.data.as_of
    first = pd.Timestamp(as_of.replace(day=1)) - pd.DateOffset(months=params["lookback_months"])
    starts = period_start(pd.Series(pd.date_range(first, as_of, freq="MS")), period).unique()
    due = []
    for start in starts:
        end = period_end(as_date(start), period)
        if end + timedelta(days=params["deadline_days"]) < as_of:
            due.append(pd.Timestamp(start))
    return due


def _licensed(ctx: Context, windows: list[pd.Timestamp]) -> pd.DataFrame:
    """Return (licence_no, window, whole) where a licence line was valid at the start or end.

    `whole` says whether a licence was valid on the period's first day: a new licensee's
    first declaration is for its first full period.
    """
    pairs = {(s.licence_no, s.substance_code) for s in ctx.data.licences.states()}
    if ctx.licence_nos is not None:
        pairs = {p for p in pairs if p[0] in ctx.licence_nos}
    if not pairs:
        return pd.DataFrame(columns=[*KEYS, "whole"])
    period = ctx.params["period"]
    ends = [pd.Timestamp(period_end(as_date(w), period)) for w in windows]
    base = pd.DataFrame(sorted(pairs), columns=["licence_no", "substance_code"])
    queries = pd.concat([
        base.assign(window=w, on=day) for w, end in zip(windows, ends, strict=True)
        for day in (w, end)
    ], ignore_index=True).assign(need="any")
    answers = check_rows(ctx.data.licences, queries, "licence_no", "substance_code", "need", "on")
    valid = queries[answers["licensed"].to_numpy(dtype=bool)]
    whole = valid[valid["on"] == valid["window"]][KEYS].drop_duplicates()
    result = valid[KEYS].drop_duplicates().merge(whole.assign(whole=True), on=KEYS, how="left")
    return result.assign(whole=result["whole"].fillna(False).astype(bool))


def _overdue(ctx: Context, missing: pd.DataFrame) -> list[Finding]:
    """Report each operator's overdue periods of a calendar year as one notice."""
    params = ctx.params
    missing = missing.assign(year=missing["window"].dt.year).sort_values(KEYS)
    findings = []
    for (licence_no, _year), group in missing.groupby(["licence_no", "year"], sort=True):
        starts = [as_date(w) for w in group["window"]]
        dues = [period_end(s, params["period"]) + timedelta(days=params["deadline_days"])
                for s in starts]
        labels = [_label(s, params["period"]) for s in starts]
        trace = [f"No declaration from {ctx.names.who(licence_no)} ({licence_no}) for "
                 f"{label}; it was due by {due.isoformat()} and a licence of the operator was "
                 "valid in the period." for label, due in zip(labels, dues, strict=True)]
        start, end = starts[0].replace(month=1, day=1), starts[0].replace(month=12, day=31)
        findings.append(ctx.finding(
            situation="overdue", licence_no=licence_no, start=start, end=end,
            observed=None, expected=None, trace=trace,
            measures={"periods": ", ".join(s.isoformat()[:7] for s in starts),
                      "count": len(starts), "last_due": dues[-1].isoformat()},
            fields={"periods": ", ".join(labels), "count": str(len(starts)),
                    "due": dues[-1].isoformat()},
        ))
    return findings


def _label(start, period: str) -> str:
    """Name a period in words: March 2025, or Q1 2025."""
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"{start:%B %Y}"


def _activity(ctx: Context, missing: pd.DataFrame, declared: pd.DataFrame) -> list[Finding]:
    """Report undeclared periods in which customs or other operators show the operator trading."""
    items = _customs_activity(ctx, missing, declared)
    lines = _counterparty_activity(ctx, missing, declared)
    if items.empty and lines.empty:
        return []
    item_ids = evidence_ids(items, KEYS, "item_id", weight="net_mass_kg") if len(items) else {}
    line_ids = evidence_ids(lines, KEYS, "line_id", weight="quantity_kg") if len(lines) else {}
    customs = {} if items.empty else items.groupby(KEYS, sort=False).agg(
        kg=("net_mass_kg", "sum"), n=("item_id", "size")).to_dict("index")
    others = {} if lines.empty else lines.groupby(KEYS, sort=False).agg(
        kg=("quantity_kg", "sum"), n=("line_id", "size"),
        parties=("licence_no_other", lambda s: tuple(sorted(set(s)))),
    ).to_dict("index")
    keys = sorted(set(customs) | set(others))
    return [_activity_finding(ctx, key, customs.get(key), others.get(key),
                              item_ids.get(key, ()), line_ids.get(key, ())) for key in keys]


def _customs_activity(ctx: Context, missing: pd.DataFrame,
                      declared: pd.DataFrame) -> pd.DataFrame:
    """Return controlled customs items in undeclared periods that no declared line accounts for.

    Each item is first matched with the operator's declared imports or exports, in any month,
    from `early_days` before to `lag_days` after it: an item entered into stock in the next
    (declared) month is accounted for.
    """
    params = ctx.params
    key_of = {lic: key for key, lics in ctx.names.licences_by_tax_key.items() for lic in lics}
    licence_of = {key: lics[0] for key, lics in ctx.names.licences_by_tax_key.items()}
    wanted = set(missing["licence_no"].map(key_of).dropna())
    customs = ctx.data.customs
    items = customs[customs["substance_code"].notna() & customs["tax_id_key"].isin(wanted)
                    & customs["flow"].isin(("import", "export"))]
    if items.empty:
        return items
    lines = ctx.data.lines
    own = lines[lines["movement"].isin(("import", "export"))]
    own = own.assign(tax_id_key=own["licence_no"].map(key_of)).dropna(subset=["tax_id_key"])
    group = ["tax_id_key", "substance_code", "flow"]
    a = items.assign(qty=items["net_mass_kg"].astype(float),
                     doc_key=items["declaration_no"].map(document_key).fillna(""))
    b = pd.DataFrame({"tax_id_key": own["tax_id_key"], "substance_code": own["substance_code"],
                      "flow": own["movement"], "date": own["date"],
                      "qty": own["product_kg"].astype(float), "doc_key": own["doc_key"]})
    a, _ = reconcile(a, b, group=group, window=Window(params["early_days"], params["lag_days"],
                                                      tolerance_pct=10.0))
    a = a[a["unmatched_kg"] > 0]
    a = a.assign(licence_no=a["tax_id_key"].map(licence_of),
                 window=period_start(a["date"], params["period"]))
    return a.merge(missing[KEYS], on=KEYS)


def _counterparty_activity(ctx: Context, missing: pd.DataFrame,
                           declared: pd.DataFrame) -> pd.DataFrame:
    """Return other operators' trades with it in undeclared periods that it never declared.

    Each trade another operator declared with it is first matched with its own lines of the
    other side of that trade (naming that operator, or no one), in any month, within
    `lag_days`: a purchase it recorded on receipt in the next (declared) month accounts for
    a sale invoiced at the end of an undeclared one.
    """
    params = ctx.params
    lines = ctx.data.lines
    wanted = set(missing["licence_no"])
    trades = lines[lines["movement"].isin(("sale", "purchase")) & lines["counterparty"].isin(wanted)
                   & (lines["counterparty"] != lines["licence_no"])]
    if trades.empty:
        return trades
    theirs = trades.assign(party=trades["counterparty"], other=trades["licence_no"],
                           direction=trades["movement"], qty=trades["quantity_kg"].astype(float))
    own = lines[lines["licence_no"].isin(wanted) & lines["movement"].isin(("sale", "purchase"))]
    own = own.assign(party=own["licence_no"], other=own["counterparty"],
                     direction=own["movement"].map({"sale": "purchase", "purchase": "sale"}),
                     qty=own["quantity_kg"].astype(float))
    window = Window(params["lag_days"], params["lag_days"], tolerance_pct=10.0)
    named = own[own["other"].notna()]
    a, _ = reconcile(theirs, named[["party", "other", "substance_code", "direction", "date",
                                    "qty", "doc_key"]],
                     group=["party", "other", "substance_code", "direction"], window=window)
    loose = own[own["counterparty_how"].isin(("unresolved", "none"))]
    rest = a[a["unmatched_kg"] > 0].drop(columns=["matched_kg", "match_how", "lag_days"])
    rest = rest.assign(qty=rest.pop("unmatched_kg"))
    a, _ = reconcile(rest, loose[["party", "substance_code", "direction", "date", "qty",
                                  "doc_key"]],
                     group=["party", "substance_code", "direction"], window=window)
    a = a[a["unmatched_kg"] > 0]
    a = a.rename(columns={"licence_no": "licence_no_other"}).assign(
        licence_no=a["party"], window=period_start(a["date"], params["period"]),
        quantity_kg=a["unmatched_kg"])
    return a.merge(missing[KEYS], on=KEYS)


def _activity_finding(ctx: Context, key: tuple, customs, others, item_ids,
                      line_ids) -> Finding:
    """Build the finding of one operator's undeclared period with activity."""
    params = ctx.params
    licence_no, window = key
    start = as_date(window)
    end = period_end(start, params["period"])
    due = end + timedelta(days=params["deadline_days"])
    who = ctx.names.who(licence_no)
    trace = [f"No declaration from {who} ({licence_no}) for {start.isoformat()} to "
             f"{end.isoformat()}; it was due by {due.isoformat()} and a licence of the operator "
             "was valid in the period."]
    total = 0.0
    sources = []
    if customs:
        total += customs["kg"]
        sources.append("customs")
        trace.append(f"Customs shows it trading in the period: {customs['n']:,} items of "
                     f"controlled substances, {kg(customs['kg'])} net.")
        trace += capped_note(customs["n"], MAX_EVIDENCE)
    if others:
        total += others["kg"]
        sources.append("counterparties")
        names = ", ".join(f"{ctx.names.who(p)} ({p})" for p in others["parties"][:5])
        trace.append(f"Other operators declared {others['n']:,} sales to it or purchases from "
                     f"it in the period ({kg(others['kg'])}): {names}.")
        trace += capped_note(others["n"], MAX_EVIDENCE)
    evidence = {"customs_item": item_ids, "declaration_line": line_ids}
    return ctx.finding(
        situation="activity", licence_no=licence_no, start=start, end=end, observed=total,
        expected=None, evidence=evidence, trace=trace,
        measures={"due": due.isoformat(), "customs_items": customs["n"] if customs else 0,
                  "counterparty_lines": others["n"] if others else 0,
                  "seen_by": ", ".join(sources)},
        fields={"due": due.isoformat(), "seen_by": " and ".join(
            {"customs": "customs", "counterparties": "other operators"}[s] for s in sources)},
        excluded=[("declared_elsewhere", "Records the operator's own declarations account for "
                                         f"in any month (within {params['lag_days']} days, by "
                                         "document or by date) were left out: it may have "
                                         "recorded them in the next month."),
                  ("licence_valid", "A licence of the operator was valid in the period, so a "
                                    "declaration was due.")],
    )


def _queue(params) -> str:
    """Overdue declarations are an administrative matter; undeclared activity is not."""
    return "administrative" if params.get("check") == "overdue" else "diversion"


KIND = Kind(
    name="missing_declaration",
    title="Declarations overdue, or activity without declaration",
    help="check: overdue — an operator with a valid licence that has not declared a period "
         "some days after it ended, listed per operator and year (administrative queue); "
         "check: activity — a period it did not declare although customs or other operators' "
         "declarations show it trading then (diversion queue).",
    params={
        "check": Param("choice", "activity", "overdue: the periods not declared after their "
                       "deadline; activity: undeclared periods in which customs or other "
                       "operators show the operator trading", choices=("overdue", "activity")),
        "period": Param("choice", "month", "how often operators declare",
                        choices=("month", "quarter")),
        "deadline_days": Param("integer", 15, "days after the end of the period the declaration "
                               "is due", "days", minimum=0),
        "lookback_months": Param("integer", 12, "how far back missing periods are reported",
                                 "months", minimum=1),
        "lag_days": Param("integer", 15, "days a trade may be recorded after the customs date "
                          "or the counterparty's date (check: activity)", "days", minimum=0,
                          maximum=120),
        "early_days": Param("integer", 5, "days a trade may be recorded before the customs date "
                            "(check: activity)", "days", minimum=0, maximum=120),
    },
    situations={
        "overdue": "{operator} has not declared {periods} ({count} overdue; the last was due "
                   "by {due})",
        "activity": "{operator} has not declared {window} (due by {due}) although {seen_by} "
                    "recorded {observed_kg} kg of controlled substances it traded then",
    },
    fields={"due": "the date the (last) declaration was due",
            "periods": "the periods not declared (check: overdue)",
            "count": "how many periods are overdue (check: overdue)",
            "seen_by": "customs, other operators, or both (check: activity)"},
    evaluate=evaluate,
    scope_keys=("activities", "regions"),
    queue=_queue,
)
