"""Small statistics shared by the analyses (multiple-comparison control)."""

from __future__ import annotations

import numpy as np

__all__ = ["bh_adjust", "bh_reject"]


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
