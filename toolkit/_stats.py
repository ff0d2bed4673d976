"""Small statistics shared by the analyses (multiple-comparison control, intervals)."""

from __future__ import annotations

import numpy as np

__all__ = ["bh_adjust", "bh_reject", "wilson_interval", "bootstrap_samples", "bootstrap_interval"]


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaN stays NaN: not tested).

    >>> bh_adjust(np.array([0.01, 0.04, np.nan, 0.03])).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    p = np.asarray(p, dtype=float)
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    pv = p[ok]
    order = np.argsort(pv)
    ranked = pv[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    tested = np.empty(m)
    tested[order] = adj
    out[ok] = tested
    return out


def bh_reject(p: np.ndarray, alpha: float) -> np.ndarray:
    """True where Benjamini-Hochberg at false-discovery rate ``alpha`` rejects (NaN = not tested).

    >>> bh_reject(np.array([0.01, 0.04, np.nan, 0.03]), 0.05).tolist()
    [True, True, False, True]
    """
    adj = bh_adjust(p)
    return np.where(np.isnan(adj), False, adj <= alpha)


# ----------------------------------------------------------------------------------------------
# intervals of a single figure (the executive summary's rates and medians)


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` (NaN, NaN when ``n == 0``).

    Better than the normal ("Wald") interval for small ``n`` and for shares near 0 or 1: it
    never leaves 0..1 and is not empty at ``k == 0``.

    >>> [round(v, 3) for v in wilson_interval(0, 10)]
    [0.0, 0.278]
    >>> [round(v, 3) for v in wilson_interval(45, 100)]
    [0.356, 0.548]
    """
    from scipy.stats import norm

    if n <= 0:
        return float("nan"), float("nan")
    z = float(norm.ppf(0.5 + level / 2))
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def bootstrap_samples(stat, *arrays: np.ndarray, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """``stat`` over ``n_boot`` resamples of the rows, drawn with replacement (seeded).

    ``arrays`` are columns of the same length, resampled together (pairs stay pairs, so a
    ratio of sums keeps each row's numerator with its denominator). ``stat`` receives the
    resampled columns as 2-D arrays (one resample per row) and returns one value per resample,
    e.g. ``lambda x: np.median(x, axis=1)``. Empty columns give an empty array.

    >>> bootstrap_samples(lambda a: a.mean(axis=1), np.ones(5), n_boot=3).tolist()
    [1.0, 1.0, 1.0]
    """
    n = len(arrays[0]) if arrays else 0
    if n == 0:
        return np.empty(0)
    rng = np.random.default_rng(seed)
    out = np.empty(n_boot)
    step = max(1, 2_000_000 // n)  # resamples per chunk: bounded memory for long columns
    for i in range(0, n_boot, step):
        k = min(step, n_boot - i)
        idx = rng.integers(0, n, size=(k, n))
        out[i:i + k] = stat(*(np.asarray(a)[idx] for a in arrays))
    return out


def bootstrap_interval(stat, *arrays: np.ndarray, n_boot: int = 1000, level: float = 0.95,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of ``stat`` (see :func:`bootstrap_samples`); NaN, NaN without rows.

    >>> x = np.arange(1.0, 101.0)
    >>> lo, hi = bootstrap_interval(lambda a: np.median(a, axis=1), x, seed=1)
    >>> bool(35 < lo < 50.5 < hi < 65)
    True
    """
    out = bootstrap_samples(stat, *arrays, n_boot=n_boot, seed=seed)
    out = out[np.isfinite(out)]
    if not len(out):
        return float("nan"), float("nan")
    lo, hi = np.quantile(out, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)
