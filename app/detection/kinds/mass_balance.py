"""mass_balance: stocks that do not add up, do not carry over, or losses beyond normal."""

from __future__ import annotations

import pandas as pd

from app.detection.base.common import (
    MAX_EVIDENCE,
    as_date,
    capped_note,
    evidence_ids,
    exceeds,
    kg,
    shift_months,
    tolerance_params,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.base.summary import month_end
from app.detection.findings import Finding
from lexicon.movements import INFLOWS, OUTFLOWS, STOCK_MOVEMENTS

KEYS = ["licence_no", "substance_code", "period"]
PAIR = ["licence_no", "substance_code"]
# What the evidence of a finding is read from: the whole lines are not copied for it.
EVIDENCE = [*KEYS, "line_id", "quantity_kg"]


def evaluate(ctx: Context) -> list[Finding]:
    """Run the chosen stock check over every operator, substance and month."""
    lines = ctx.data.lines
    if lines.empty:
        return []
    table = ctx.once("mass_balance.monthly", lines, _monthly)
    check = ctx.params["check"]
    if check == "balance":
        return _balance(ctx, table)
    if check == "continuity":
        return _continuity(ctx, table)
    return _losses(ctx, table)


def _monthly(lines: pd.DataFrame) -> pd.DataFrame:
    """Return each operator's stocks, inflows, outflows and losses per substance and month."""
    by_movement = lines.groupby([*KEYS, "movement"], sort=False)
    sums = by_movement["quantity_kg"].sum().unstack(fill_value=0.0)
    counts = by_movement.size().unstack(fill_value=0)
    for movement in ("opening_stock", "closing_stock", "loss", *INFLOWS, *OUTFLOWS):
        if movement not in sums.columns:
            sums[movement] = 0.0
            counts[movement] = 0
    table = pd.DataFrame({
        "opening": sums["opening_stock"],
        "closing": sums["closing_stock"],
        "inflows": sums[list(INFLOWS)].sum(axis=1),
        "outflows": sums[list(OUTFLOWS)].sum(axis=1),
        "loss": sums["loss"],
        "has_opening": counts["opening_stock"] > 0,
        "has_closing": counts["closing_stock"] > 0,
    }).reset_index()
    table["available"] = table["opening"] + table["inflows"]
    return table


def _balance(ctx: Context, table: pd.DataFrame) -> list[Finding]:
    """Opening + inflows - outflows should equal the declared closing stock."""
    table = table[table["has_opening"] | table["has_closing"]].copy()
    table["computed"] = table["available"] - table["outflows"]
    table["difference"] = table["closing"] - table["computed"]
    params = ctx.params
    flagged = table[exceeds(table["difference"], table["available"], table["closing"],
                            params["tolerance_kg"], params["tolerance_pct"])]
    rows = ctx.data.lines[EVIDENCE].merge(flagged[KEYS], on=KEYS)
    ids = evidence_ids(rows, KEYS, "line_id", weight="quantity_kg")
    findings = []
    for row in flagged.itertuples():
        key = (row.licence_no, row.substance_code, row.period)
        start = as_date(row.period)
        trace = [
            f"Opening stock {kg(row.opening)} + inflows {kg(row.inflows)} - outflows "
            f"{kg(row.outflows)} = {kg(row.computed)} expected at the end of the month.",
            f"The declared closing stock is {kg(row.closing)}: {kg(row.difference)} "
            f"{'unexplained' if row.difference < 0 else 'more than accounted for'}.",
        ]
        if not row.has_opening or not row.has_closing:
            trace.append(f"No {'opening' if not row.has_opening else 'closing'} stock was "
                         "declared; it is counted as zero.")
        findings.append(_finding(
            ctx, row, "balance", start, month_end(start), row.closing, row.computed,
            ids.get(key, ()), trace, {"difference_kg": row.difference, "opening_kg": row.opening,
                                      "inflows_kg": row.inflows, "outflows_kg": row.outflows},
        ))
    return findings


def _continuity(ctx: Context, table: pd.DataFrame) -> list[Finding]:
    """The closing stock of a month should be the opening stock of the next."""
    ended = table[table["has_closing"]][[*KEYS, "closing"]]
    following = table[[*KEYS, "opening", "has_opening"]].assign(
        previous=shift_months(table["period"], -1)
    )
    pairs = ended.merge(following.drop(columns="period").rename(columns={"previous": "period"}),
                        on=KEYS)
    pairs["difference"] = pairs["opening"] - pairs["closing"]
    params = ctx.params
    flagged = pairs[exceeds(pairs["difference"], pairs["opening"], pairs["closing"],
                            params["tolerance_kg"], params["tolerance_pct"])]
    lines = ctx.data.lines
    stock_lines = lines.loc[lines["movement"].isin(STOCK_MOVEMENTS).to_numpy(),
                            [*EVIDENCE, "movement"]]
    closing = stock_lines[stock_lines["movement"] == "closing_stock"].merge(flagged[KEYS], on=KEYS)
    opening = stock_lines[stock_lines["movement"] == "opening_stock"].assign(
        period=lambda f: shift_months(f["period"], -1)).merge(flagged[KEYS], on=KEYS)
    ids = evidence_ids(pd.concat([closing, opening]), KEYS, "line_id")
    findings = []
    for row in flagged.itertuples():
        key = (row.licence_no, row.substance_code, row.period)
        start = as_date(row.period)
        end = month_end(as_date(row.period + pd.Timedelta(days=31)))
        trace = [
            f"The closing stock declared for {start:%B %Y} is {kg(row.closing)}.",
            f"The opening stock declared for {end:%B %Y} is {kg(row.opening)}"
            + ("." if row.has_opening else " (none declared, counted as zero)."),
        ]
        findings.append(_finding(ctx, row, "continuity", start, end, row.opening, row.closing,
                                 ids.get(key, ()), trace, {"difference_kg": row.difference}))
    return findings


def _losses(ctx: Context, table: pd.DataFrame) -> list[Finding]:
    """Losses beyond the operator's own normal loss rate (its median share, with a floor)."""
    params = ctx.params
    floor = params["loss_floor_pct"] / 100
    table = table[table["available"] > 0].copy()
    table["share"] = table["loss"] / table["available"]
    history = table.groupby(PAIR, sort=False)["share"].agg(["median", "size"]).reset_index()
    table = table.merge(history, on=PAIR)
    enough = table["size"] >= params["loss_min_history"]
    table["rate"] = table["median"].where(enough, 0.0).clip(lower=floor)
    table["normal"] = table["rate"] * table["available"]
    table["excess"] = table["loss"] - table["normal"]
    flagged = table[(table["excess"] > 0) & exceeds(
        table["excess"], table["loss"], table["normal"], params["tolerance_kg"],
        params["tolerance_pct"])]
    lines = ctx.data.lines
    rows = lines.loc[(lines["movement"] == "loss").to_numpy(), EVIDENCE].merge(flagged[KEYS],
                                                                              on=KEYS)
    ids = evidence_ids(rows, KEYS, "line_id", weight="quantity_kg")
    findings = []
    for row in flagged.itertuples():
        key = (row.licence_no, row.substance_code, row.period)
        start = as_date(row.period)
        basis = (f"its median over {row.size} months" if row.size >= params["loss_min_history"]
                 else f"the floor (only {row.size} months of history)")
        trace = [
            f"Losses of {kg(row.loss)} out of {kg(row.available)} available "
            f"(opening plus inflows) are {row.share:.1%}.",
            f"The operator's normal loss rate is {row.rate:.1%}, {basis}; the floor is "
            f"{floor:.1%}. At that rate losses would be {kg(row.normal)}.",
            *capped_note(len(ids.get(key, ())), MAX_EVIDENCE),
        ]
        findings.append(_finding(
            ctx, row, "losses", start, month_end(start), row.loss, row.normal, ids.get(key, ()),
            trace, {"loss_share": row.share, "normal_rate": row.rate},
            {"normal_rate": f"{row.rate:.1%}"},
        ))
    return findings


def _finding(ctx, row, situation, start, end, observed, expected, ids, trace, measures,
             fields=None) -> Finding:
    """Build a stock finding for one operator and substance."""
    return ctx.finding(
        situation=situation, licence_no=row.licence_no, substance_code=row.substance_code,
        start=start, end=end, observed=observed, expected=expected,
        evidence={"declaration_line": ids}, trace=trace, measures=measures, fields=fields,
    )


KIND = Kind(
    name="mass_balance",
    title="Stocks that do not balance",
    help="Per operator, substance and month: opening + inflows - outflows against the declared "
         "closing stock (balance); closing stock against the next month's opening (continuity); "
         "losses against the operator's own normal loss rate (losses).",
    params={
        "check": Param("choice", "balance", "which stock check the rule runs",
                       choices=("balance", "continuity", "losses")),
        **tolerance_params(10.0, 2.0, "in stocks or losses"),
        "loss_floor_pct": Param("number", 1.0, "lowest normal loss rate assumed, as % of the "
                                "stock available in the month (check: losses)", "%",
                                minimum=0, maximum=100),
        "loss_min_history": Param("integer", 6, "months of history needed before the operator's "
                                  "own median loss rate is used (check: losses)", "months",
                                  minimum=1),
    },
    situations={
        "balance": "{operator}'s stock of {substance} does not balance in {window}: closing "
                   "stock declared {observed_kg} kg, movements account for {expected_kg} kg",
        "continuity": "{operator} declared an opening stock of {observed_kg} kg of {substance} "
                      "after closing the previous month with {expected_kg} kg ({window})",
        "losses": "{operator} declared losses of {observed_kg} kg of {substance} in {window}; "
                  "its normal loss rate of {normal_rate} would give {expected_kg} kg",
    },
    fields={"normal_rate": "the operator's normal loss rate (check: losses)"},
    evaluate=evaluate,
)
