"""export_notification: exports without a cleared pre-export notification."""

from __future__ import annotations

import pandas as pd

from app.detection.base.common import (
    MAX_EVIDENCE,
    as_date,
    capped_note,
    evidence_ids,
    fill_text,
    kg,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.base.summary import month_end
from app.detection.findings import Finding
from lexicon.severities import SEVERITIES

BY = ["exporter", "country", "substance_code"]
KEYS = ["who", "substance_code", "month"]
# Worst first: the reason a group of exports is reported under.
REASONS = {
    "objected": "although the importing country objected to the notification",
    "none": "without a pre-export notification",
    "pending": "while the pre-export notification was still pending",
    "exceeds": "beyond the quantity of the approved notification",
}


def evaluate(ctx: Context) -> list[Finding]:
    """Match each export to the latest notification before it, and report those not covered."""
    exports = _exports(ctx)
    if exports.empty:
        return []
    notices = ctx.data.notifications.rename(columns={
        "exporter_licence": "exporter", "importing_country": "country", "date": "notified_on",
        "quantity_kg": "notified_kg"})
    notices = notices.assign(notified_on=notices["notified_on"].astype("datetime64[ns]"))
    window = pd.Timedelta(days=ctx.params["window_days"])
    tolerance = 1 + ctx.params["quantity_tolerance_pct"] / 100
    exports = _allocate(exports, notices[notices["status"] == "approved"], window, tolerance)
    for status in ("pending", "objected"):
        match = _latest_before(exports, notices[notices["status"] == status], window)
        found = (exports["reason"] == "none") & match["notification_id"].notna()
        exports.loc[found, "reason"] = status
        exports.loc[found, "notification"] = match.loc[found, "notification_id"]
    flagged = exports[exports["reason"] != ""]
    if flagged.empty:
        return []
    rank = flagged["reason"].map({r: i for i, r in enumerate(REASONS)})
    flagged = flagged.assign(rank=rank)
    totals = flagged.groupby(KEYS, sort=False).agg(
        quantity_kg=("quantity_kg", "sum"), rank=("rank", "min"), rows=("row_id", "size"),
        licence_no=("licence_no", "first"), tax_key=("tax_key", "first"),
        name=("name", "first"),
    ).reset_index()
    ids = evidence_ids(flagged, KEYS, "row_id", weight="quantity_kg")
    notified = flagged[flagged["notification"].notna()]
    notice_ids = evidence_ids(notified.drop_duplicates([*KEYS, "notification"]), KEYS,
                              "notification")
    covered = notified.drop_duplicates([*KEYS, "notification"]).groupby(KEYS)["notified_kg"].sum()
    details: dict[tuple, list] = {}
    for row in flagged.sort_values(["rank", "date"]).itertuples(index=False):
        details.setdefault((row.who, row.substance_code, row.month), []).append(row)
    return [_finding(ctx, row, ids, notice_ids, covered, details) for row in totals.itertuples()]


def _exports(ctx: Context) -> pd.DataFrame:
    """Return the exports of the chosen source in one shape: who, where, what, how much."""
    if ctx.params["source"] == "declarations":
        lines = ctx.data.lines
        rows = lines[lines["movement"] == "export"]
        frame = pd.DataFrame({
            "licence_no": rows["licence_no"], "tax_key": None, "name": None,
            "country": fill_text(rows["counterparty_country"]), "date": rows["date"],
            "substance_code": rows["substance_code"], "quantity_kg": rows["quantity_kg"],
            "row_id": rows["line_id"]})
    else:
        customs = ctx.data.customs
        rows = customs[(customs["flow"] == "export") & customs["substance_code"].notna()]
        first_licence = {k: v[0] for k, v in ctx.names.licences_by_tax_key.items()}
        # Customs net mass is product mass; notifications are in pure substance.
        share = rows["substance_code"].map(ctx.params["concentrations"]).astype(float)
        share = share.fillna(ctx.params["concentration_pct"]) / 100
        frame = pd.DataFrame({
            "licence_no": rows["tax_id_key"].map(first_licence), "tax_key": rows["tax_id_key"],
            "name": rows["trader_name"], "country": fill_text(rows["partner_country"]),
            "date": rows["date"], "substance_code": rows["substance_code"],
            "quantity_kg": rows["net_mass_kg"] * share, "row_id": rows["item_id"]})
    frame["exporter"] = fill_text(frame["licence_no"])
    frame["who"] = frame["exporter"].where(frame["exporter"] != "", fill_text(frame["tax_key"]))
    frame["date"] = frame["date"].astype("datetime64[ns]")
    frame["month"] = frame["date"].to_numpy().astype("datetime64[M]").astype("datetime64[ns]")
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def _latest_before(exports: pd.DataFrame, notices: pd.DataFrame, window: pd.Timedelta):
    """Return, per export, the latest notification within the window before it (or NaN)."""
    right = notices[[*BY, "notified_on", "notification_id", "notified_kg"]].sort_values(
        "notified_on", kind="stable")
    right = right.assign(notification_id=right["notification_id"].astype(float),
                         notified_kg=right["notified_kg"].astype(float))
    left = exports[[*BY, "date"]]
    # merge_asof wants the same dtype on both sides; text columns may be str or object.
    left = left.astype(dict.fromkeys(BY, object))
    right = right.astype(dict.fromkeys(BY, object))
    joined = pd.merge_asof(left, right, left_on="date", right_on="notified_on",
                           by=BY, direction="backward", tolerance=window)
    return joined.set_index(exports.index)


def _allocate(exports: pd.DataFrame, approved: pd.DataFrame, window: pd.Timedelta,
              tolerance: float) -> pd.DataFrame:
    """Draw each export on an approved notification; say '' (covered), 'none' or 'exceeds'.

    An exporter often notifies its next shipments ahead, so the latest notification before
    a shipment may be meant for a later one. Each export, in date order, draws on the oldest
    notification of the window whose unused quantity still covers it; several shipments
    may share one notification. With none able to cover it, the export draws on the one with
    the most left and is reported beyond the notified quantity; with none at all, as lacking.
    """
    notes: dict[tuple, list[list]] = {}
    for row in approved.sort_values("notified_on", kind="stable").itertuples(index=False):
        key = (row.exporter, row.country, row.substance_code)
        notes.setdefault(key, []).append(
            [row.notified_on, row.notification_id, float(row.notified_kg), 0.0])
    notification, notified_kg, reason = [], [], []
    for row in exports.itertuples(index=False):
        open_notes = [n for n in notes.get((row.exporter, row.country, row.substance_code), ())
                      if row.date - window <= n[0] <= row.date]
        fits = [n for n in open_notes if n[3] + row.quantity_kg <= n[2] * tolerance]
        chosen = fits[0] if fits else max(open_notes, key=lambda n: n[2] - n[3], default=None)
        if chosen is None:
            notification.append(None)
            notified_kg.append(float("nan"))
            reason.append("none")
            continue
        chosen[3] += row.quantity_kg
        notification.append(chosen[1])
        notified_kg.append(chosen[2])
        reason.append("" if fits else "exceeds")
    return exports.assign(notification=pd.Series(notification, index=exports.index,
                                                 dtype=object),
                          notified_kg=notified_kg, reason=reason)


def _finding(ctx: Context, row, ids, notice_ids, covered, details) -> Finding:
    """Build the finding of one exporter's uncovered exports of a substance in a month."""
    key = (row.who, row.substance_code, row.month)
    licence_no = row.licence_no if isinstance(row.licence_no, str) else None
    reason = list(REASONS)[row.rank]
    items = details[key]
    trace = []
    for item in items[:5]:
        trace.append(f"{as_date(item.date).isoformat()}: {kg(item.quantity_kg)} to "
                     f"{item.country or 'an unknown country'} {REASONS[item.reason]}.")
    if len(items) > 5:
        trace.append(f"And {len(items) - 5} more exports.")
    trace += capped_note(row.rows, MAX_EVIDENCE)
    evidence_kind = "declaration_line" if ctx.params["source"] == "declarations" else "customs_item"
    countries = ", ".join(sorted({i.country for i in items if i.country})) or "an unknown country"
    start = as_date(row.month)
    name = row.name if isinstance(row.name, str) and row.name else None
    who = ctx.names.who(licence_no) if licence_no else name or f"tax id {row.tax_key}"
    expected = float(covered.get(key, 0.0)) if key in covered.index else 0.0
    return ctx.finding(
        situation="uncovered", licence_no=licence_no,
        tax_id=None if licence_no else row.tax_key, substance_code=row.substance_code, who=who,
        start=start, end=month_end(start), observed=row.quantity_kg, expected=expected,
        evidence={evidence_kind: ids[key],
                  "export_notification": [int(i) for i in notice_ids.get(key, ())]},
        trace=trace, measures={"reason": reason, "exports": row.rows, "countries": countries},
        fields={"reason": REASONS[reason], "countries": countries},
        severity=ctx.params["objected_severity"] if reason == "objected" else None,
    )


KIND = Kind(
    name="export_notification",
    title="Export without a cleared pre-export notification",
    help="An export (declared, or recorded by customs) with no approved notification for the "
         "same exporter, country and substance in the days before it, beyond the notified "
         "quantity, or to a country that objected.",
    params={
        "source": Param("choice", "customs", "which exports are checked",
                        choices=("customs", "declarations")),
        "window_days": Param("integer", 180, "how long before an export a notification counts",
                             "days", minimum=1),
        "quantity_tolerance_pct": Param("number", 10.0, "exports may pass the notified quantity "
                                        "by this much", "%", minimum=0),
        "concentration_pct": Param(
            "number", 100.0, "customs source: customs net mass is product mass; the share of "
            "pure substance assumed in it", "%", minimum=0, maximum=100),
        "concentrations": Param(
            "pct_by_substance", {}, "customs source: typical concentration by substance CAS, "
            "where products travel diluted (hydrochloric acid about 33%)", "%"),
        "objected_severity": Param("choice", "critical", "severity when the importing country "
                                   "objected", choices=SEVERITIES),
    },
    situations={"uncovered": "{operator} exported {observed_kg} kg of {substance} to "
                             "{countries} in {window} {reason}"},
    fields={"reason": "why the export is not covered, in words",
            "countries": "destination countries"},
    evaluate=evaluate,
)
