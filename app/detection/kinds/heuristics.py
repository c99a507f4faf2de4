"""The usual suspicious-order heuristics: above the last six months' maximum or 2× the average.

They are what authorities already know (US suspicious order monitoring practice) and the
reference the statistical kinds must beat; the default rule files run them in monitor mode.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from app.detection.base.common import kg
from app.detection.base.kind import Kind, Param
from app.detection.base.rule_context import Context
from app.detection.findings import Finding
from app.detection.statistics.common import month_span, month_window
from app.detection.statistics.panel import Panel, build_panel, window_evidence
from lexicon.movements import INFLOWS
from lexicon.severities import raise_severity


def _trailing(panel: Panel, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return, per pair and month, the max, mean and known count of the previous months."""
    values = panel.values
    padded = np.concatenate([np.full((values.shape[0], months), np.nan), values], axis=1)
    past = sliding_window_view(padded, months, axis=1)[:, : values.shape[1], :]
    known = np.isfinite(past)
    count = known.sum(axis=2)
    filled = np.where(known, past, 0.0)
    mean = np.divide(filled.sum(axis=2), count, out=np.zeros(values.shape), where=count > 0)
    high = np.where(known, past, -np.inf).max(axis=2)
    return high, mean, count


def evaluate_max(ctx: Context) -> list[Finding]:
    """Flag months above the maximum of the previous months (six by default)."""
    params = ctx.params
    panel = build_panel(ctx.data, tuple(params["movements"]))
    if panel.values.size == 0:
        return []
    months = params["months"]
    high, _mean, count = _trailing(panel, months)
    values = panel.values
    with np.errstate(invalid="ignore"):
        flagged = (count >= months) & np.isfinite(values) & (values > high) & (values > 0)
    return [_finding(ctx, panel, int(p), int(t), values[p, t], high[p, t], "above_max",
                     f"the largest of its previous {months} months", names=_names(panel))
            for p, t in zip(*np.nonzero(flagged), strict=True)]


def _names(panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """Return the licence numbers and substance codes of the panel's pairs, as arrays."""
    return panel.pairs["licence_no"].to_numpy(), panel.pairs["substance_code"].to_numpy()


def evaluate_average(ctx: Context) -> list[Finding]:
    """Flag months above a factor of the trailing average (2×; 3× is 'extraordinary')."""
    params = ctx.params
    panel = build_panel(ctx.data, tuple(params["movements"]))
    if panel.values.size == 0:
        return []
    _high, mean, count = _trailing(panel, params["months"])
    values = panel.values
    with np.errstate(invalid="ignore"):
        flagged = ((count >= params["min_history"]) & np.isfinite(values) & (mean > 0)
                   & (values > params["factor"] * mean))
    findings = []
    names = _names(panel)
    for p, t in zip(*np.nonzero(flagged), strict=True):
        extraordinary = values[p, t] > params["extraordinary_factor"] * mean[p, t]
        findings.append(_finding(
            ctx, panel, int(p), int(t), values[p, t], mean[p, t],
            "extraordinary" if extraordinary else "above_average",
            f"its average month over the previous {params['months']} months",
            factor=params["extraordinary_factor"] if extraordinary else params["factor"],
            names=names))
    return findings


def _finding(ctx: Context, panel: Panel, pair: int, column: int, observed: float,
             expected: float, situation: str, compared: str, factor: float | None = None,
             *, names: tuple[np.ndarray, np.ndarray]) -> Finding:
    """Describe one flagged month."""
    licence_no, substance = names[0][pair], names[1][pair]
    start, end = month_window(panel.label(column), 1)
    months = ctx.params["months"]
    history = month_span(panel.label(max(0, column - months)), panel.label(column - 1))
    trace = [
        f"{ctx.names.who(licence_no)} ({licence_no}) acquired {kg(observed)} of "
        f"{ctx.names.substance.get(substance, substance)} in "
        f"{start:%B %Y}.",
        f"Compared with {compared} ({history}): {kg(expected)}"
        + (f"; the rule's factor is {factor:g}." if factor else "."),
    ]
    severity = raise_severity(ctx.rule.severity) if situation == "extraordinary" else None
    ids = window_evidence(panel, pair, column, column)
    return ctx.finding(
        situation=situation, licence_no=licence_no, substance_code=substance,
        start=start, end=end, observed=observed, expected=expected,
        evidence={"declaration_line": ids}, trace=trace, severity=severity,
        measures={"expected": expected, "statistic": observed / expected if expected else None,
                  "history_months": months},
        fields={"compared_with": compared},
    )


FIELDS = {"compared_with": "what the month was compared with, in words"}
MOVEMENTS = Param("choices", INFLOWS, "movements counted as acquisitions", choices=INFLOWS)

MAX6 = Kind(
    name="sar_max6",
    title="A month above the maximum of the previous six (heuristic)",
    help="The usual suspicious-order heuristic: an operator's acquisitions of a substance in "
         "a month above the largest of its previous months (six by default), all declared.",
    params={
        "movements": MOVEMENTS,
        "months": Param("integer", 6, "previous months compared", "months", minimum=1,
                        maximum=24),
    },
    situations={"above_max": "{operator} acquired {observed_kg} kg of {substance} in {window}, "
                             "above {compared_with} ({expected_kg} kg)"},
    fields=FIELDS,
    evaluate=evaluate_max,
)

AVG12 = Kind(
    name="sar_avg12",
    title="A month above a multiple of the trailing average (heuristic)",
    help="The usual suspicious-order heuristic: an operator's acquisitions of a substance in "
         "a month above `factor` times its average month over the previous twelve; above "
         "`extraordinary_factor` times it is 'extraordinary' (severity one step higher).",
    params={
        "movements": MOVEMENTS,
        "months": Param("integer", 12, "previous months averaged", "months", minimum=1,
                        maximum=36),
        "min_history": Param("integer", 12, "declared months among them needed", "months",
                             minimum=1, maximum=36),
        "factor": Param("number", 2.0, "multiple of the average that makes a finding",
                        "ratio", minimum=1),
        "extraordinary_factor": Param("number", 3.0, "multiple of the average that is "
                                      "'extraordinary'", "ratio", minimum=1),
    },
    situations={
        "above_average": "{operator} acquired {observed_kg} kg of {substance} in {window}, "
                         "{ratio_pct} of {compared_with} ({expected_kg} kg)",
        "extraordinary": "{operator} acquired {observed_kg} kg of {substance} in {window}, "
                         "an extraordinary {ratio_pct} of {compared_with} ({expected_kg} kg)",
    },
    fields=FIELDS,
    evaluate=evaluate_average,
)
