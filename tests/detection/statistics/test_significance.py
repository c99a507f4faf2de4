"""The statistics the kinds share: Benjamini–Hochberg, the empirical null, the scan bound."""

import numpy as np

from app.detection.statistics.significance import (
    adjusted,
    benjamini_hochberg,
    empirical_null,
    poisson_scan_p,
    upper_p,
)


def test_benjamini_hochberg_keeps_the_step_up_discoveries():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])

    # The textbook example at q = 0.05: the two smallest pass (0.008 <= 0.05 × 2 / 10).
    assert benjamini_hochberg(p, 0.05).tolist() == [True, True] + [False] * 8
    assert np.allclose(adjusted(p)[:2], [0.01, 0.04])


def test_benjamini_hochberg_ignores_untested_values():
    p = np.array([np.nan, 0.0001, np.nan, 0.5])

    assert benjamini_hochberg(p, 0.05).tolist() == [False, True, False, False]
    assert np.isnan(adjusted(p)[0])


def test_the_empirical_null_widens_a_too_narrow_null_and_never_narrows_one():
    rng = np.random.default_rng(1)

    shift, scale = empirical_null(rng.normal(0, 2, 5000))
    assert shift >= 0 and 1.8 < scale < 2.2
    shift, scale = empirical_null(rng.normal(0, 0.5, 5000))
    assert shift < 0.05 and scale == 1.0
    assert empirical_null(rng.normal(0, 3, 50)) == (0.0, 1.0)  # too few tests to tell


def test_student_t_tails_are_wider_for_short_histories():
    assert upper_p(np.array([4.0]), np.array([4]))[0] > upper_p(np.array([4.0]),
                                                                 np.array([40]))[0]


def test_the_scan_bound_multiplies_the_poisson_tail_by_the_windows():
    one = poisson_scan_p(np.array([6]), np.array([1.0]), np.array([1]))[0]
    many = poisson_scan_p(np.array([6]), np.array([1.0]), np.array([12]))[0]

    assert np.isclose(one, 1 - 0.9994058151824183, rtol=1e-6)  # P(N >= 6 | mean 1)
    assert np.isclose(many, 12 * one)
