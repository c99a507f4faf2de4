"""mislabelling: customs goods described as a controlled chemical under another tariff code."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.catalogue.text import normalise_hs
from app.detection.base.common import (
    MAX_EVIDENCE,
    as_date,
    capped_note,
    evidence_ids,
    kg,
    period_end,
    period_param,
    period_start,
)
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.findings import Finding
from app.detection.kinds.unregistered_trader import FLOWS

KEYS = ["tax_id_key", "mentioned", "window"]


def evaluate(ctx: Context) -> list[Finding]:
    """Find items whose description names a controlled substance its tariff code is not for."""
    customs = ctx.data.customs
    items = customs[customs["flow"].isin(ctx.params["flows"])]
    if not ctx.params["include_other_controlled_codes"]:
        items = items[items["substance_code"].isna()]
    if items.empty:
        return []
    mentions = _mentions(ctx, items["goods_description"])
    items = items.assign(mentioned=items["goods_description"].map(mentions))
    items = items[items["mentioned"].map(len) > 0].explode("mentioned")
    # A description may name the substance its own tariff code is for ("ácido clorhídrico"
    # under 2806.10): that is correct labelling, as is a code the substance shares.
    own = _own_codes(ctx)
    codes = items["hs6"].astype(str)
    mismatch = np.array([code not in own.get(sub, ()) for code, sub in
                         zip(codes, items["mentioned"], strict=True)], dtype=bool)
    items = items[mismatch & (items["substance_code"].astype(object) != items["mentioned"])
                  .to_numpy()]
    if items.empty:
        return []
    period = ctx.params["period"]
    items = items.assign(window=period_start(items["date"], period))
    items = items.sort_values("net_mass_kg", ascending=False, kind="stable")
    totals = items.groupby(KEYS, sort=False).agg(
        net_mass_kg=("net_mass_kg", "sum"), items=("item_id", "size"),
        description=("goods_description", "first"), trader=("trader_name", "first"),
        raw_tax_id=("trader_tax_id", "first"),
    ).reset_index()
    ids = evidence_ids(items, KEYS, "item_id", weight="net_mass_kg")
    hs = items.groupby(KEYS, sort=False)["hs_code"].unique().to_dict()
    return [_finding(ctx, row, ids, hs, period) for row in totals.itertuples()]


def _mentions(ctx: Context, descriptions: pd.Series) -> dict[str, tuple[str, ...]]:
    """Scan each distinct description once for controlled substances in scope."""
    scope = ctx.substance_codes
    found = {}
    for text in descriptions.dropna().unique():
        codes = tuple(s.code for s in ctx.data.catalogue.mentions(text))
        found[text] = tuple(c for c in codes if scope is None or c in scope)
    return found


def _own_codes(ctx: Context) -> dict[str, set[str]]:
    """Return the 6-digit tariff headings each substance is declared under."""
    own = {}
    for substance in ctx.data.catalogue:
        digits = {normalise_hs(code) for code in substance.hs_codes}
        own[substance.code] = {d[:6] for d in digits if d}
    return own


def _finding(ctx: Context, row, ids, hs, period: str) -> Finding:
    """Turn one trader's mislabelled items of a substance and period into a finding."""
    key = (row.tax_id_key, row.mentioned, row.window)
    licences = ctx.names.licences_by_tax_key.get(row.tax_id_key, ())
    licence_no = licences[0] if licences else None
    trader = row.trader if isinstance(row.trader, str) and row.trader else None
    who = ctx.names.who(licence_no) if licence_no else trader or f"tax id {row.raw_tax_id}"
    codes = ", ".join(sorted(str(c) for c in hs[key]))
    name = ctx.names.substance.get(row.mentioned, row.mentioned)
    start = as_date(row.window)
    trace = [
        f"{row.items:,} customs items ({kg(row.net_mass_kg)} net) describe goods that name "
        f"{name}, e.g. '{row.description}'.",
        f"They were declared under tariff code(s) {codes}, not a code of {name}.",
        *capped_note(row.items, MAX_EVIDENCE),
    ]
    return ctx.finding(
        situation="mislabelled", licence_no=licence_no,
        tax_id=None if licence_no else row.tax_id_key, substance_code=row.mentioned, who=who,
        start=start, end=period_end(start, period), observed=row.net_mass_kg, expected=None,
        evidence={"customs_item": ids[key]}, trace=trace,
        measures={"items": row.items, "hs_codes": codes},
        fields={"description": str(row.description), "hs_codes": codes},
    )


KIND = Kind(
    name="mislabelling",
    title="Controlled chemical declared under another tariff code",
    help="A customs goods description names a controlled chemical (any synonym, language, "
         "case or accents) while the tariff code is not a controlled one.",
    params={
        "flows": Param("choices", ("import", "export", "transit"), "customs flows looked at",
                       choices=FLOWS),
        "period": period_param("month", "a trader's items are grouped and reported"),
        "include_other_controlled_codes": Param(
            "boolean", False, "also report descriptions naming a controlled substance under "
            "the code of another controlled substance (mixtures make this noisy)"),
    },
    situations={"mislabelled": "Customs goods described as '{description}' ({observed_kg} kg) "
                               "were declared by {operator} in {window} under tariff code "
                               "{hs_codes}, which is not a code of {substance}"},
    fields={"description": "the goods description of the largest item",
            "hs_codes": "the tariff codes used"},
    evaluate=evaluate,
    scope_keys=("substances", "tables"),
    # Mislabelled items carry no substance code: the scope applies to the names found.
    scoped_tables=(),
)
