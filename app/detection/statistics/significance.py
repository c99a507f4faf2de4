"""Robust scores, p-values and false-discovery control shared by the statistical kinds."""

from __future__ import annotations

import numpy as np
from scipy import stats

from app.detection.base.kind import Param

# 1.4826 × MAD estimates the standard deviation of a normal sample.
MAD_SCALE = 1.4826


def fdr_param(default: float = 0.05) -> Param:
    """Return the false discovery rate parameter every statistical kind takes."""
    return Param(
        "number", default, "false discovery rate: the share of this rule's findings that may "
        "be chance among all the operator × substance tests of a run (Benjamini–Hochberg)",
        "ratio", minimum=0.0001, maximum=0.5)


def benjamini_hochberg(p_values: np.ndarray, level: float) -> np.ndarray:
    """Return which tests are discoveries at a false discovery rate (Benjamini–Hochberg)."""
    p = np.asarray(p_values, dtype=float)
    tested = np.isfinite(p)
    n = int(tested.sum())
    keep = np.zeros(p.shape, dtype=bool)
    if n == 0:
        return keep
    values = p[tested]
    order = np.argsort(values, kind="stable")
    limits = level * np.arange(1, n + 1) / n
    passed = np.flatnonzero(values[order] <= limits)
    if passed.size:
        chosen = np.zeros(n, dtype=bool)
        chosen[order[: passed[-1] + 1]] = True
        keep[np.flatnonzero(tested)[chosen]] = True
    return keep


def adjusted(p_values: np.ndarray) -> np.ndarray:
    """Return Benjamini–Hochberg adjusted p-values (q-values); NaN stays NaN."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(np.isfinite(p))
    if tested.size == 0:
        return q
    values = p[tested]
    order = np.argsort(values, kind="stable")
    n = tested.size
    scaled = values[order] * n / np.arange(1, n + 1)
    scaled = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(scaled, 1.0)
    q[tested] = out
    return q


def upper_p(z: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Return the one-sided p-value of a robust z from `count` reference values (Student t).

    A median and MAD from a handful of months are uncertain themselves; Student's t with
    count − 1 degrees of freedom widens the tail for short histories and small peer groups.
    """
    df = np.maximum(np.asarray(count, dtype=float) - 1, 1)
    return stats.t.sf(z, df)


def empirical_null(z: np.ndarray) -> tuple[float, float]:
    """Return the shift and scale that bring a run's z-scores to a standard null (Efron).

    Nearly all of a run's thousands of tests are of operators doing nothing unusual, so
    the bulk of their z-scores shows the null distribution the data really follow. When
    its median is above 0 or its robust spread (MAD × 1.4826) above 1, the theoretical
    null is too narrow for these data, and z is moved and scaled back before p-values are
    taken; a null that fits (or is narrower) is left alone, so this only ever makes the
    tests more cautious.
    """
    values = np.asarray(z, dtype=float)
    values = values[np.isfinite(values)]
    if values.size < 100:  # too few tests to see the null's shape
        return 0.0, 1.0
    centre = float(np.median(values))
    spread = MAD_SCALE * float(np.median(np.abs(values - centre)))
    return max(0.0, centre), max(1.0, spread)


def poisson_scan_p(count: np.ndarray, expected: np.ndarray, windows: np.ndarray) -> np.ndarray:
    """Return the p-value of the busiest window: Poisson tail × number of windows (capped at 1).

    Scanning many windows and keeping the busiest one inflates chance; multiplying the
    tail by the number of disjoint windows in the span is the usual conservative bound.
    """
    tail = stats.poisson.sf(np.asarray(count) - 1, np.maximum(expected, 1e-9))
    return np.minimum(1.0, tail * np.maximum(windows, 1))


def overdispersed_scan_p(count: np.ndarray, expected: np.ndarray, shape: np.ndarray,
                         windows: np.ndarray) -> np.ndarray:
    """Return the busiest window's p-value when orders clump: negative binomial tail × windows.

    Real orders are not a steady Poisson stream: a laboratory buys nothing for months, then
    five bottles at once. `shape` is the gamma shape of the gamma-Poisson mixture estimated
    from the party's own counts per window (variance = mean + mean² / shape); an infinite
    shape is the Poisson case.
    """
    count = np.asarray(count, dtype=float)
    mean = np.maximum(np.asarray(expected, dtype=float), 1e-9)
    shape = np.asarray(shape, dtype=float)
    finite = np.isfinite(shape) & (shape > 0)
    tail = stats.poisson.sf(count - 1, mean)
    if finite.any():
        r = shape[finite]
        tail[finite] = stats.nbinom.sf(count[finite] - 1, r, r / (r + mean[finite]))
    return np.minimum(1.0, tail * np.maximum(windows, 1))


def binomial_scan_p(hits: np.ndarray, trials: np.ndarray, rate: np.ndarray,
                    windows: np.ndarray) -> np.ndarray:
    """Return the p-value of the most lopsided window: binomial tail × windows (capped at 1).

    `hits` of `trials` in the window have the property (an order just under a round figure)
    that each has with probability `rate` elsewhere; the tail is scaled like the Poisson scan.
    """
    tail = stats.binom.sf(np.asarray(hits) - 1, np.asarray(trials),
                          np.clip(rate, 1e-9, 1 - 1e-9))
    return np.minimum(1.0, tail * np.maximum(windows, 1))


class _quiet:
    """Silence numpy's 'all-NaN slice' warnings (tests treat warnings as errors)."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)
        return self

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)
