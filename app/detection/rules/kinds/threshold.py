"""threshold: a single movement above a quantity set per substance."""

from __future__ import annotations

from app.detection.findings import Finding
from app.detection.rules.context import Context
from app.detection.rules.kinds.common import as_date, evidence_ids, kg
from app.detection.rules.params import MOVEMENTS, Kind, Param


def evaluate(ctx: Context) -> list[Finding]:
    """Find movements whose quantity passes the threshold of their substance."""
    params = ctx.params
    lines = ctx.data.lines
    rows = lines[lines["movement"].isin(params["movements"])]
    limit = rows["substance_code"].map(params["thresholds"]).astype(float)
    if params["default_kg"] is not None:
        limit = limit.fillna(params["default_kg"])
    rows = rows.assign(limit=limit)
    rows = rows[rows["quantity_kg"] > rows["limit"]]
    if rows.empty:
        return []
    rows = rows.assign(day=rows["date"].dt.normalize())
    keys = ["licence_no", "substance_code", "day"]
    totals = rows.groupby(keys, sort=False).agg(
        quantity_kg=("quantity_kg", "sum"), limit=("limit", "first"), lines=("line_id", "size"),
        movement=("movement", "first"), largest=("quantity_kg", "max"),
    ).reset_index()
    ids = evidence_ids(rows, keys, "line_id", weight="quantity_kg")
    details = rows.groupby(keys, sort=False)["movement"].unique().to_dict()
    findings = []
    for row in totals.itertuples():
        key = (row.licence_no, row.substance_code, row.day)
        day = as_date(row.day)
        kinds = sorted(details[key])
        article = "an" if kinds[0][0] in "aeiou" else "a"
        what = f"{article} {kinds[0]}" if row.lines == 1 else f"{row.lines} movements"
        trace = [
            f"{what.capitalize()} of {kg(row.quantity_kg)} on {day.isoformat()} "
            f"({', '.join(kinds)}); the largest is {kg(row.largest)}.",
            f"The threshold for {ctx.names.substance.get(row.substance_code)} is "
            f"{kg(row.limit)} per movement.",
        ]
        findings.append(ctx.finding(
            situation="above", licence_no=row.licence_no, substance_code=row.substance_code,
            start=day, end=day, observed=row.quantity_kg, expected=row.limit,
            evidence={"declaration_line": ids[key]}, trace=trace,
            measures={"lines": row.lines, "largest_kg": row.largest},
            fields={"movement": what},
        ))
    return findings


KIND = Kind(
    name="threshold",
    title="A single movement above a threshold",
    help="A declared movement whose quantity (kg of pure substance) passes the threshold set "
         "for its substance.",
    params={
        "thresholds": Param("kg_by_substance", {}, "threshold per movement, by substance CAS",
                            "kg"),
        "default_kg": Param("number", None, "threshold for substances not listed; null = "
                            "substances not listed are not checked", "kg", minimum=0),
        "movements": Param("choices", ("purchase", "import", "sale", "export"),
                           "movements checked", choices=MOVEMENTS),
    },
    situations={"above": "{operator} declared {movement} of {observed_kg} kg of {substance} "
                         "on {start}, above the threshold of {expected_kg} kg"},
    fields={"movement": "'a purchase', 'an import'... or 'N movements' on the same day"},
    evaluate=evaluate,
)
