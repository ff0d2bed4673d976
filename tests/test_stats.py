"""Benjamini-Hochberg in toolkit/_stats.py: against scipy, by hand, and by what it promises."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from toolkit._stats import bh_adjust, bh_reject


def test_adjusted_p_values_equal_scipy():
    rng = np.random.default_rng(0)
    for size in (1, 2, 7, 50, 400):
        p = np.concatenate([rng.uniform(size=size), rng.uniform(0, 0.01, size=size // 3)])
        np.testing.assert_allclose(bh_adjust(p), stats.false_discovery_control(p, method="bh"), rtol=1e-12)


def test_by_hand_step_up_and_ties():
    # sorted p: 0.01, 0.02, 0.03, 0.5 -> p * m / rank: 0.04, 0.04, 0.04, 0.5; ties keep one value
    assert bh_adjust(np.array([0.03, 0.5, 0.01, 0.02])).tolist() == pytest.approx([0.04, 0.5, 0.04, 0.04])
    # step-up: the 2nd smallest is above its line (0.03 > 2/3 * 0.04) but the 3rd is below (0.04 <= 0.04),
    # so all three are rejected at alpha 0.04
    assert bh_reject(np.array([0.01, 0.03, 0.04]), 0.04).tolist() == [True, True, True]
    assert bh_reject(np.array([0.01, 0.03, 0.05]), 0.04).tolist() == [True, False, False]


def test_not_tested_values_are_left_out():
    with_nan = bh_adjust(np.array([0.01, np.nan, 0.02, np.nan]))
    assert np.isnan(with_nan[[1, 3]]).all()
    # m counts tested values only: the same as adjusting the two numbers alone
    assert with_nan[[0, 2]].tolist() == bh_adjust(np.array([0.01, 0.02])).tolist() == [0.02, 0.02]
    assert bh_reject(np.array([np.nan, 0.001]), 0.05).tolist() == [False, True]
    assert np.isnan(bh_adjust(np.array([np.nan, np.nan]))).all()
    assert bh_adjust(np.array([])).shape == (0,) and bh_reject(np.array([]), 0.05).shape == (0,)


def test_adjusted_values_are_monotone_capped_and_order_free():
    rng = np.random.default_rng(1)
    p = rng.uniform(size=200) ** 3
    adj = bh_adjust(p)
    order = np.argsort(p)
    assert (np.diff(adj[order]) >= 0).all() and (adj >= p).all() and adj.max() <= 1.0
    perm = rng.permutation(len(p))
    assert bh_adjust(p[perm]).tolist() == adj[perm].tolist()
    assert bh_adjust([0.9, 0.95]).tolist() == [0.95, 0.95]  # lists are accepted; never above 1


def test_false_discovery_rate_is_controlled():
    # 2,000 families of 20 tests, 15 true nulls (uniform p) and 5 real effects: the mean share of
    # false discoveries among discoveries stays at or below alpha * 15/20 (BH's guarantee)
    rng = np.random.default_rng(2)
    alpha, fdp = 0.1, []
    for _ in range(2000):
        null = rng.uniform(size=15)
        real = stats.norm.sf(rng.normal(3.0, 1.0, size=5))
        rejected = bh_reject(np.concatenate([null, real]), alpha)
        fdp.append(rejected[:15].sum() / max(rejected.sum(), 1))
    assert np.mean(fdp) <= alpha * 15 / 20 + 0.01
    # and it has power: most real effects are found
    hits = [bh_reject(np.concatenate([rng.uniform(size=15), stats.norm.sf(rng.normal(3.0, 1.0, size=5))]),
                      alpha)[15:].mean() for _ in range(200)]
    assert np.mean(hits) > 0.5


def test_wilson_interval_against_published_values():
    from toolkit._stats import wilson_interval

    # Newcombe (1998), table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson_interval(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    assert wilson_interval(0, 0) != wilson_interval(0, 0)  # NaN pair: nothing to estimate


def test_bootstrap_keeps_pairs_together_and_is_seeded():
    from toolkit._stats import bootstrap_interval, bootstrap_samples

    num, den = np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0, 20.0, 30.0, 40.0])
    ratio = lambda a, b: a.sum(axis=1) / b.sum(axis=1)  # noqa: E731
    # every row has the same ratio 0.1: resampled pairs can only give 0.1
    assert np.allclose(bootstrap_samples(ratio, num, den, n_boot=200), 0.1)
    x = np.random.default_rng(0).normal(size=50)
    a = bootstrap_interval(lambda v: v.mean(axis=1), x, seed=5)
    assert a == bootstrap_interval(lambda v: v.mean(axis=1), x, seed=5)
    assert a[0] < x.mean() < a[1]
