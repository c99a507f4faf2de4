"""licence: movements, or sales to domestic buyers, without a valid licence on that date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.detection.base.common import (
    MAX_EVIDENCE,
    as_date,
    capped_note,
    evidence_ids,
    fill_text,
    kg,
    period_end,
    period_param,
    period_start,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.licence_checks import NEEDED_ACTIVITY, check_rows
from app.detection.base.rule_context import Context
from app.detection.findings import Finding
from lexicon.severities import SEVERITIES
from lexicon.tables import TABLES

KEYS = ["licence_no", "substance_code", "period"]
# How a buyer whose licence is not valid was identified, said after the licence's answer.
HOW_FOUND = {"tax_id": " (buyer identified by its tax id)",
             "name": " (buyer identified by its name)",
             "similar_name": " (buyer identified by a name close to its registered one)",
             "document": " (buyer identified by the invoice it declared too)"}
SEARCHED = ("The buyer as declared was looked up by licence number (ignoring spacing, case and "
            "leading zeros), by tax id, by name (ignoring case, accents, punctuation and legal "
            "form; abbreviated or with one slip) and by the invoice number a registered operator "
            "declared buying under: no registered operator matches.")
CHECKED_MOVEMENTS = tuple(NEEDED_ACTIVITY)
# How many distinct reasons or buyers a trace spells out; the rest are counted.
TRACE_ITEMS = 5

PARAMS = {
    "check": Param("choice", "operator", "operator: the declaring operator's own licence; "
                   "buyer: the licence of the domestic buyers it sold to",
                   choices=("operator", "buyer")),
    "movements": Param("choices", CHECKED_MOVEMENTS, "movements checked (check: operator)",
                       choices=CHECKED_MOVEMENTS),
    "buyer_tables": Param("choices", TABLES, "check sales without a buyer licence number only "
                          "for substances of these tables (check: buyer)", choices=TABLES),
    "start_grace_days": Param("integer", 15, "a movement dated up to this many days before a "
                              "licence starts (a new licensee, a renewal after a gap) counts as "
                              "covered when the licence is valid by then: the goods were invoiced "
                              "before and received after", "days", minimum=0, maximum=60),
    "period": period_param("month", "uncovered movements are added up and reported (one alert "
                           "per operator, substance and period: `year` keeps one alert for a "
                           "lapsed licence however many months it goes on)"),
    "buyer_min_kg": Param("number", 0.0, "check sales without a buyer licence number only from "
                          "this quantity up (check: buyer)", "kg", minimum=0),
}
SITUATIONS = {
    "operator": "{operator} declared {observed_kg} kg of {substance} movements in {window} "
                "without a valid licence: {reasons}",
    "buyer": "{operator} sold {observed_kg} kg of {substance} in {window} to buyers without a "
             "valid licence: {buyers}",
    "unlicensed_buyer": "{operator} bought {observed_kg} kg of {substance} in {window} without "
                        "a valid licence, as its sellers declared: {sellers}",
}
FIELDS = {
    "reasons": "why the licence did not cover the movements, in words",
    "buyers": "the buyers concerned and why",
    "sellers": "the sellers that declared the sales, and why the buyer's licence did not "
               "cover them (situation unlicensed_buyer)",
}


def evaluate(ctx: Context) -> list[Finding]:
    """Check every movement (or sale) against the licence in force on its date."""
    if ctx.params["check"] == "operator":
        return _operator(ctx)
    return _buyers(ctx)


def _operator(ctx: Context) -> list[Finding]:
    """Find movements the declaring operator's own licence does not cover."""
    lines = ctx.data.lines
    # Only the columns the check reads: the uncovered few are taken whole afterwards (a copy
    # of every column of a million and a half lines held 390 MB more).
    rows = _narrow(lines, lines["movement"].isin(ctx.params["movements"]),
                   "movement", "is_return", "licence_no", "substance_code", "date")
    need = rows["movement"].map(NEEDED_ACTIVITY)
    if "is_return" in rows:  # goods sent back to the supplier are not trade
        need = need.where(~(rows["is_return"].astype(bool) & (rows["movement"] == "sale")), "any")
    rows = rows.assign(need=need)
    answers = check_rows(ctx.data.licences, rows, "licence_no", "substance_code", "need", "date")
    answers = _with_grace(ctx, rows, answers, "licence_no")
    uncovered = ~answers["licensed"].to_numpy(dtype=bool)
    bad = lines.loc[rows.index[uncovered]].assign(reason=answers["reason"].to_numpy()[uncovered],
                                                  message=answers["message"].to_numpy()[uncovered])
    return _findings(ctx, bad, "operator")


def _narrow(lines: pd.DataFrame, mask: pd.Series, *columns: str) -> pd.DataFrame:
    """Return the rows of the mask with those of the columns the frame has."""
    return lines.loc[mask.to_numpy(dtype=bool), [c for c in columns if c in lines.columns]]


# Reasons a licence starting a few days later does not excuse.
UNEXCUSED = ("suspended", "revoked", "activity_not_licensed", "unknown_operator")


def _with_grace(ctx: Context, rows: pd.DataFrame, answers: pd.DataFrame,
                licence: str) -> pd.DataFrame:
    """Count as covered what a licence valid `start_grace_days` later covers.

    A new licensee's first delivery is invoiced before its licence starts and received
    after; a renewal granted a few days after the old licence ended leaves a gap the
    operator did not trade in. Suspended or revoked licences are never excused.
    """
    grace = ctx.params["start_grace_days"]
    open_ = ~answers["licensed"].to_numpy(dtype=bool) & ~answers["reason"].isin(UNEXCUSED)
    if not grace or not open_.any():
        return answers
    later = rows[open_].assign(date=rows.loc[open_, "date"] + pd.Timedelta(days=grace))
    again = check_rows(ctx.data.licences, later, licence, "substance_code", "need", "date")
    forgiven = again.index[again["licensed"].to_numpy(dtype=bool)]
    answers = answers.copy()
    answers.loc[forgiven, "licensed"] = True
    return answers


def _buyers(ctx: Context) -> list[Finding]:
    """Find domestic sales to buyers without a valid licence for the substance.

    The buyer is the registered party the sale's counterparty resolved to (`parties`): by
    licence number, tax id, name or the invoice the buyer declared too. Only a buyer that
    resolves to no one, or to a party not licensed for the substance on the day, is reported.
    """
    lines = ctx.data.lines
    sale = (lines["movement"] == "sale") & lines["domestic"]
    named = _narrow(lines, sale & lines["counterparty"].notna(), "counterparty", "substance_code",
                    "date", "counterparty_how")
    named = named.assign(need="any")
    answers = check_rows(ctx.data.licences, named, "counterparty", "substance_code",
                         "need", "date")
    answers = _with_grace(ctx, named, answers, "counterparty")
    how = named["counterparty_how"].map(HOW_FOUND).fillna("")
    uncovered = ~answers["licensed"].to_numpy(dtype=bool)
    bad_named = lines.loc[named.index[uncovered]].assign(
        reason=answers["reason"].to_numpy()[uncovered],
        message=(answers["message"] + how).to_numpy()[uncovered])
    # A registered buyer whose licence is not valid is the party: one finding per buyer and
    # month, every seller that declared selling to it in the evidence.
    to_buyer = bad_named.assign(seller=bad_named["licence_no"],
                                licence_no=bad_named["counterparty"])
    anonymous = lines[(sale & lines["counterparty"].isna()
                       & (lines["quantity_kg"] >= ctx.params["buyer_min_kg"])).to_numpy(dtype=bool)]
    tables = anonymous["substance_code"].map(ctx.names.table)
    anonymous = anonymous[tables.isin(ctx.params["buyer_tables"])]
    written = anonymous["counterparty_how"] == "unresolved"
    anonymous = anonymous.assign(
        reason=np.where(written, "no_registered_buyer", "no_buyer_named"),
        message=np.where(written, "no registered operator matches the buyer as declared",
                         "no buyer was named"))
    # The sellers are named in the buyer's finding: one case, not one alert per seller.
    return (_findings(ctx, to_buyer, "unlicensed_buyer")
            + _findings(ctx, anonymous, "buyer"))


def _findings(ctx: Context, bad: pd.DataFrame, situation: str) -> list[Finding]:
    """Group uncovered lines per operator, substance and period into findings."""
    if bad.empty:
        return []
    label = {"buyer": _buyer_label, "unlicensed_buyer": _seller_label}.get(situation)
    bad = bad.assign(buyer=label(ctx, bad) if label else "")
    if "severity" not in bad.columns:
        bad = bad.assign(severity=ctx.rule.severity)
    bad = bad.assign(period=period_start(pd.to_datetime(bad["period"]), ctx.params["period"]))
    rank = bad["severity"].map(SEVERITIES.index)
    totals = bad.assign(rank=rank).groupby(KEYS, sort=False).agg(
        quantity_kg=("quantity_kg", "sum"), lines=("line_id", "size"), rank=("rank", "max"),
    ).reset_index()
    ids = evidence_ids(bad, KEYS, "line_id", weight="quantity_kg")
    how = bad["counterparty_how"] if "counterparty_how" in bad.columns else ""
    bad = bad.assign(how=how)
    reasons = bad.groupby([*KEYS, "buyer", "message"], sort=False).agg(
        quantity_kg=("quantity_kg", "sum"), reason=("reason", "first"), lines=("line_id", "size"),
        first=("date", "min"), how=("how", "first"),
    ).reset_index().sort_values("quantity_kg", ascending=False)
    details: dict[tuple, list] = {}
    for row in reasons.itertuples(index=False):
        details.setdefault((row.licence_no, row.substance_code, row.period), []).append(row)
    return [_finding(ctx, row, ids, details, situation) for row in totals.itertuples()]


def _seller_label(ctx: Context, bad: pd.DataFrame) -> pd.Series:
    """Name each seller of a sale to a registered buyer without a valid licence."""
    return bad["seller"].map(lambda lic: f"{ctx.names.who(lic)} ({lic})")


def _buyer_label(ctx: Context, bad: pd.DataFrame) -> pd.Series:
    """Name each buyer: the registered name and licence it resolved to, else as declared."""
    name = fill_text(bad["counterparty_label"])
    licence = fill_text(bad["counterparty"])
    written = fill_text(bad["counterparty_licence"])
    licence = licence.where(licence != "", written)
    both = name + " (" + licence + ")"
    label = both.where((name != "") & (licence != "") & (name != licence), name)
    label = label.where(label != "", licence)
    return label.where(label != "", "an unnamed buyer")


def _finding(ctx: Context, row, ids, details, situation: str) -> Finding:
    """Turn one operator's uncovered movements of a period into a finding."""
    key = (row.licence_no, row.substance_code, row.period)
    items = details[key]
    start = as_date(row.period)
    trace, words = [], []
    for item in items[:TRACE_ITEMS]:
        if situation == "buyer":
            trace.append(f"Sold {kg(item.quantity_kg)} to {item.buyer} from "
                         f"{as_date(item.first).isoformat()} ({item.lines} lines): {item.message}.")
            words.append(f"{item.buyer} ({item.message})")
        elif situation == "unlicensed_buyer":
            trace.append(f"{item.buyer} declared selling it {kg(item.quantity_kg)} from "
                         f"{as_date(item.first).isoformat()} ({item.lines} lines): "
                         f"{item.message}.")
            words.append(f"{item.buyer} ({item.message})")
        else:
            trace.append(f"{kg(item.quantity_kg)} in {item.lines} lines from "
                         f"{as_date(item.first).isoformat()}: {item.message}.")
            words.append(item.message)
    if len(items) > TRACE_ITEMS:
        trace.append(f"And {len(items) - TRACE_ITEMS} more.")
    trace += capped_note(row.lines, MAX_EVIDENCE)
    reasons = sorted({item.reason for item in items})
    field = {"buyer": "buyers", "unlicensed_buyer": "sellers"}.get(situation, "reasons")
    return ctx.finding(
        situation=situation, licence_no=row.licence_no, substance_code=row.substance_code,
        start=start, end=period_end(start, ctx.params["period"]), observed=row.quantity_kg,
        expected=None,
        evidence={"declaration_line": ids[key]}, trace=trace,
        measures={"lines": row.lines, "reasons": ", ".join(reasons)},
        fields={field: "; ".join(dict.fromkeys(words))},
        excluded=_excluded(items) if situation != "operator" else (),
        severity=SEVERITIES[int(row.rank)],
    )


def _excluded(items: list) -> list[tuple[str, str]]:
    """Say which innocent explanations of an unlicensed buyer were ruled out."""
    ruled_out = []
    if any(item.reason == "no_registered_buyer" for item in items):
        ruled_out.append(("counterparty_searched", SEARCHED))
    found = sorted({HOW_FOUND[item.how].strip(" ()") for item in items if item.how in HOW_FOUND})
    if found:
        ruled_out.append(("counterparty_resolved",
                          "Buyers declared without their licence number were "
                          f"identified ({'; '.join(found)}) and their licence checked on the "
                          "day of each sale."))
    if any(item.reason not in ("no_registered_buyer", "no_buyer_named") for item in items):
        ruled_out.append(("licence_on_the_day", "The buyer's licence was checked on the day of "
                                                "each sale, with every version the registry "
                                                "recorded (renewals and raised quotas)."))
    return ruled_out


KIND = Kind(
    name="licence",
    title="Movements without a valid licence",
    help="A declared movement not covered by a valid licence for that substance and activity "
         "on its date (none, expired, suspended, revoked, another activity), or a domestic "
         "sale to a buyer without one.",
    params=PARAMS,
    situations=SITUATIONS,
    fields=FIELDS,
    evaluate=evaluate,
)
