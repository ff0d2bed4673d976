"""One engine for "how did posts with X do against the account's usual post".

Used by :func:`toolkit.timing.best_times` (X = a posting slot),
:func:`toolkit.performance.content_effects` (X = a format, hashtag, text length...) and
:func:`toolkit.performance.channel_fit` (X = a message cross-posted to several channels).
Every definition below exists once, here:

interactions
    likes + comments + shares + saves + clicks, each counted where the export reports it on
    the post (<NA> when none is reported). Clicks are in: most platforms' own engagement
    figures and the vendors' rates count them, and ignoring them would make the toolkit's rate
    disagree with the platform's. (Link posts collect clicks by design: content_effects
    estimates the link effect jointly, so it is reported as a link effect, not as a time or
    length effect.)
performance of a post
    ``log(1 + interactions) - log(denominator)`` when a denominator is used (``per``), else
    ``log(1 + interactions)``. ``per="auto"`` picks the same denominator as the engagement
    rate (:func:`toolkit.performance.formulas`, formula "auto"): per platform the first of
    reach, impressions, views reported on any post; raw interactions where none is.
the account's usual post (baseline)
    the median performance of the same account's posts published within +/- ``baseline_days``
    days (default 28): a local baseline, so growth or a quiet month favours nothing.
residual
    performance minus baseline, winsorised per account at median +/- 3 robust SDs
    (1.4826 x MAD) so one viral post cannot carry an effect.
effect
    the residuals are modelled jointly (all features of an account in one Huber-weighted
    least-squares fit), so an effect is credited to the feature that carries it and not to
    one that merely travels with it; ``lift = exp(coefficient)`` = ratio to the usual post
    (1.3 = 30 % better).
interval and p-value
    from the robust (HC3 sandwich) standard error and Student's t with the residual degrees of
    freedom, moderated for small groups; p-values are corrected for the many comparisons by
    Benjamini-Hochberg at ``alpha``; nothing is claimed for a group with fewer than
    ``min_posts`` posts on either side.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import stdtr, stdtrit

from ._stats import bh_adjust, bh_reject
from .errors import ParameterError

__all__ = ["INTERACTIONS", "DENOMINATORS", "BASELINE_DAYS", "METHOD", "interactions",
           "denominators", "performance", "residuals", "winsorise", "robust_fit",
           "t_interval", "bh_adjust", "bh_reject", "weighted_bh_reject", "renamed", "describe"]

#: The one definition of interactions (summed where reported).
INTERACTIONS = ("likes", "comments", "shares", "saves", "clicks")
#: Denominators of a rate, in the order "auto" tries them.
DENOMINATORS = ("reach", "impressions", "views")
#: Default half-width in days of the window that defines the account's usual post.
BASELINE_DAYS = 28
WINSOR_MADS = 3.0
HUBER_K = 1.345

#: One paragraph describing the method, shown in the notebooks (03 and 05) and the docs.
METHOD = (
    "Each post is compared with the account's usual post: its performance (interactions per "
    "reach, impressions or views where the export reports one, the same denominator as the "
    "engagement rate; otherwise interactions) minus the median of the same account's posts "
    "within four weeks either side. Extreme posts are capped (winsorised at 3 robust standard "
    "deviations), all features are estimated together in one robust model so an effect is not "
    "credited to something that merely travels with it, each effect carries a 95 % interval, "
    "and only effects that survive a false-discovery-rate correction (5 %) with enough posts on "
    "both sides are flagged.")


# --------------------------------------------------------------------------------------------
# what is measured

def _num(table: pd.DataFrame, col: str) -> np.ndarray:
    if col not in table.columns:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[col], errors="coerce").astype("Float64").to_numpy(
        dtype=float, na_value=np.nan)


def interactions(posts: pd.DataFrame) -> pd.Series:
    """likes + comments + shares + saves + clicks, each where reported (Int64, <NA> if none)."""
    parts = np.column_stack([_num(posts, c) for c in INTERACTIONS])
    have = ~np.isnan(parts)
    tot = np.where(have.any(axis=1), np.nansum(parts, axis=1), np.nan)
    return pd.Series(tot, index=posts.index, dtype="Float64").round().astype("Int64")


def denominators(posts: pd.DataFrame, per: str | None) -> pd.Series:
    """Name of the denominator used for each post (string, <NA> = raw counts).

    ``"auto"``: per platform the first of reach, impressions, views with a positive value on
    any post of the platform; a fixed name: that column for every post; None: <NA>.
    """
    if per is not None and per != "auto" and per not in DENOMINATORS:
        raise ParameterError(f"per={per!r}: expected 'auto' (the engagement rate's denominator), "
                             f"one of {list(DENOMINATORS)} or None (raw counts).")
    out = pd.Series(pd.NA, index=posts.index, dtype="string")
    if per is None:
        return out
    if per != "auto":
        out[:] = per
        return out
    plat = posts["platform"].astype("string").fillna("").to_numpy()
    for p in pd.unique(plat):
        sel = plat == p
        for d in DENOMINATORS:
            if (_num(posts, d)[sel] > 0).any():
                out[sel] = d
                break
    return out


def performance(posts: pd.DataFrame, metric, per: str | None
                ) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Per post: (y = log performance or NaN, log denominator or NaN, denominator name)."""
    if isinstance(metric, str):
        if metric == "interactions" and "interactions" not in posts.columns:
            m = interactions(posts).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        else:
            m = _num(posts, metric)
    else:
        cols = list(metric)
        parts = np.column_stack([_num(posts, c) for c in cols])
        m = np.where((~np.isnan(parts)).any(axis=1), np.nansum(parts, axis=1), np.nan)
    rate = isinstance(metric, str) and (metric == "engagement_rate" or metric.endswith("_rate"))
    names = denominators(posts, None if rate else per)
    with np.errstate(invalid="ignore", divide="ignore"):
        if rate:
            pos = m[m > 0]
            eps = float(pos.min()) / 2 if len(pos) else 1e-6
            y = np.log(np.where(m >= 0, m, np.nan) + eps)
        else:
            y = np.log1p(np.where(m >= 0, m, np.nan))
    logd = np.full(len(posts), np.nan)
    for d in DENOMINATORS:
        sel = (names == d).fillna(False).to_numpy()
        if sel.any():
            v = _num(posts, d)
            with np.errstate(divide="ignore", invalid="ignore"):
                logd[sel] = np.log(np.where(v[sel] > 0, v[sel], np.nan))
    has_den = names.notna().to_numpy()
    y = np.where(has_den, y - logd, y)
    return y, logd, names


def describe(metric_name: str, per_name, baseline_days: int) -> str:
    """The formula column: what was compared, in words and symbols."""
    num = _numerator(metric_name)
    if per_name is None or pd.isna(per_name):
        return (f"{metric_name} = {num}; compared as log(1 + {metric_name}) minus the account's "
                f"+/- {baseline_days}-day median")
    return (f"{metric_name}_per_{per_name} = {metric_name} / {per_name}, {metric_name} = {num}; "
            f"compared as log(1 + {metric_name}) - log({per_name}) minus the account's "
            f"+/- {baseline_days}-day median")


def _numerator(metric_name: str) -> str:
    if metric_name == "interactions":
        return " + ".join(INTERACTIONS) + " (as reported)"
    return metric_name


# --------------------------------------------------------------------------------------------
# the usual post

def residuals(y: np.ndarray, times: pd.Series, keys: np.ndarray, baseline_days: int,
              winsorised: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(residual, baseline) per row: y minus the account's +/- ``baseline_days`` median.

    ``keys`` identifies the account of each row; NaN in y stays NaN (and is not part of
    anyone's baseline). Residuals are winsorised per account unless ``winsorised=False``.
    """
    if not (isinstance(baseline_days, (int, np.integer, float)) and baseline_days > 0):
        raise ParameterError(f"baseline_days={baseline_days!r}: expected a positive number of "
                             f"days (half-width of the window that defines the usual post), "
                             f"e.g. {BASELINE_DAYS}.")
    y = np.asarray(y, dtype=float)
    base = np.full(len(y), np.nan)
    res = np.full(len(y), np.nan)
    t = pd.DatetimeIndex(pd.to_datetime(times, utc=True)).tz_convert("UTC").tz_localize(None)
    tv = t.asi8
    ok = ~np.isnan(y) & (tv != np.iinfo(np.int64).min)
    keys = np.asarray(keys)
    for k in pd.unique(keys[ok]):
        idx = np.flatnonzero(ok & (keys == k))
        idx = idx[np.argsort(tv[idx], kind="stable")]
        s = pd.Series(y[idx], index=t[idx])
        b = s.rolling(f"{2 * baseline_days + 1}D", center=True, min_periods=1).median()
        base[idx] = b.to_numpy()
        r = y[idx] - base[idx]
        res[idx] = winsorise(r) if winsorised else r
    return res, base


def winsorise(r: np.ndarray) -> np.ndarray:
    """Clip at median +/- 3 robust SDs (1.4826 x MAD)."""
    r = np.asarray(r, dtype=float)
    if len(r) < 3:
        return r
    med = np.median(r)
    mad = 1.4826 * np.median(np.abs(r - med))
    if mad <= 0:
        return r
    return np.clip(r, med - WINSOR_MADS * mad, med + WINSOR_MADS * mad)


# --------------------------------------------------------------------------------------------
# joint robust model

def robust_fit(r: np.ndarray, X: np.ndarray, *, level: float = 0.95, n_boot: int = 0,
               rng: np.random.Generator | None = None, huber: bool = False,
               iters: int = 20) -> dict:
    """Least squares of the (winsorised) residuals ``r ~ X``, with intervals and p-values.

    The residuals are already winsorised (:func:`winsorise`), which is what makes the fit
    robust; ``huber=True`` additionally down-weights large residuals (Huber's M-estimator,
    k = 1.345), which costs power when the tails are merely wide (measured on the samples).

    Standard errors: the M-estimator's sandwich (bread X' diag(psi') X, meat from psi(e)^2
    scaled HC3-like by 1 / (1 - leverage)^2: robust to unequal variances and to the leverage of
    small groups), floored at Huber's model-based error (sum psi^2 / (n - k) / mean(psi')^2
    times (X'X)^-1), so a group of a few similar posts does not get a tiny interval.
    With ``n_boot`` > 0 the interval is also a wild bootstrap (Rademacher signs on the
    leverage-corrected psi(e), one linearised step of the fit): percentile interval of the
    resampled coefficients, never narrower than the Student-t interval of the standard error.

    Returns a dict with ``coef``, ``se``, ``low``, ``high``, ``p`` (two-sided) and ``dof``.
    """
    n, k = X.shape
    w = np.ones(n)
    beta = np.zeros(k)
    for _ in range(iters if huber else 1):
        Xw = X * w[:, None]
        a = X.T @ Xw
        try:
            new = np.linalg.solve(a, Xw.T @ r)
        except np.linalg.LinAlgError:
            new = np.linalg.lstsq(a, Xw.T @ r, rcond=None)[0]
        e = r - X @ new
        s = 1.4826 * np.median(np.abs(e - np.median(e)))
        if s <= 0:
            s = float(np.std(e)) or 1e-12
        u = np.abs(e) / (HUBER_K * s)
        w = np.where(u <= 1, 1.0, 1.0 / np.maximum(u, 1e-12))
        done = np.max(np.abs(new - beta)) < 1e-8
        beta = new
        if done:
            break
    # sandwich of the M-estimator: bread X' diag(psi') X, meat sum x x' psi^2 (HC3-scaled)
    e = r - X @ beta
    s = 1.4826 * np.median(np.abs(e - np.median(e)))
    if s <= 0:
        s = float(np.std(e)) or 1e-12
    c = HUBER_K * s if huber else np.inf
    psi = np.clip(e, -c, c)
    dpsi = (np.abs(e) <= c).astype(float)
    dof = float(max(n - k, 1))
    bread = np.linalg.pinv(X.T @ (X * dpsi[:, None]))
    xtx_inv = np.linalg.pinv(X.T @ X)
    h = ((X @ xtx_inv) * X).sum(axis=1)                  # leverage of each post
    e_adj = psi / np.clip(1 - h, 1e-6, None)
    infl = bread @ X.T                                   # k x n: coefficient per unit psi
    hc3 = ((infl * e_adj) ** 2).sum(axis=1)
    m_dpsi = max(float(dpsi.mean()), 1e-6)
    s2 = float((psi ** 2).sum() / max(n - k, 1)) / m_dpsi ** 2
    se = np.sqrt(np.maximum(hc3, np.diag(xtx_inv) * s2))
    low, high, p = t_interval(beta, se, dof, level)
    if n_boot and rng is not None:
        draws = np.empty((n_boot, k))
        step = max(1, 4_000_000 // max(n, 1))
        for b0 in range(0, n_boot, step):
            b1 = min(n_boot, b0 + step)
            v = 2.0 * rng.integers(0, 2, (n, b1 - b0), dtype=np.int8) - 1.0
            draws[b0:b1] = (infl @ (e_adj[:, None] * v)).T
        qlo, qhi = np.quantile(draws, [0.5 - level / 2, 0.5 + level / 2], axis=0)
        low, high = np.fmin(low, beta + qlo), np.fmax(high, beta + qhi)
        se = np.maximum(se, draws.std(axis=0, ddof=1))
        _, _, p = t_interval(beta, se, dof, level)
        return {"coef": beta, "se": se, "low": low, "high": high, "p": p, "dof": dof,
                "draws": beta + draws}
    return {"coef": beta, "se": se, "low": low, "high": high, "p": p, "dof": dof, "draws": None}


def independent_columns(X: np.ndarray, tol: float = 0.01) -> list[int]:
    """Indices of columns kept in order: a column is dropped when the columns before it
    explain all but ``tol`` of its variance around its mean (it cannot be told apart from
    them). Works on the Gram matrix, so the cost does not grow with the number of posts."""
    G = X.T @ X
    n = X.shape[0]
    sums = X.sum(axis=0)
    keep: list[int] = []
    for j in range(X.shape[1]):
        ss = G[j, j] - (sums[j] ** 2 / n if keep else 0.0)
        if ss <= 1e-12:
            continue
        if keep:
            K = np.array(keep)
            b = np.linalg.lstsq(G[np.ix_(K, K)], G[K, j], rcond=None)[0]
            res = G[j, j] - G[K, j] @ b
            if res < tol * ss:
                continue
        keep.append(j)
    return keep


def weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted median along the last axis (lower median at ties)."""
    order = np.argsort(values, axis=-1, kind="stable")
    v = np.take_along_axis(values, order, axis=-1)
    w = np.broadcast_to(weights, values.shape)
    w = np.take_along_axis(w, order, axis=-1)
    cw = np.cumsum(w, axis=-1)
    idx = np.argmax(cw >= cw[..., -1:] / 2, axis=-1)
    return np.take_along_axis(v, idx[..., None], axis=-1)[..., 0]


def t_interval(est: np.ndarray, se: np.ndarray, dof, level: float
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, high, two-sided p) of estimates with Student-t errors."""
    q = stdtrit(dof, 0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = est / se
    p = 2 * (1 - stdtr(dof, np.abs(np.nan_to_num(t))))
    p = np.where(np.isfinite(t), p, np.where(est != 0, 0.0, 1.0))
    return est - q * se, est + q * se, p


def weighted_bh_reject(p: np.ndarray, w: np.ndarray, alpha: float) -> np.ndarray:
    """Weighted Benjamini-Hochberg (Genovese, Roeder & Wasserman 2006): True where rejected.

    ``w`` are weights fixed before looking at the outcomes (here: proportional to the number
    of posts, so well-filled groups get more of the error budget), rescaled to average 1 over
    the tested entries (NaN p = not tested); the false-discovery rate stays at ``alpha``.
    """
    p = np.asarray(p, dtype=float)
    w = np.asarray(w, dtype=float)
    ok = ~np.isnan(p) & (w > 0)
    out = np.zeros(len(p), bool)
    m = int((~np.isnan(p)).sum())
    if not ok.any():
        return out
    ww = w / w[~np.isnan(p)].mean()
    q = np.full(len(p), np.inf)
    q[ok] = p[ok] / ww[ok]
    order = np.argsort(q)
    passed = q[order] <= alpha * np.arange(1, len(q) + 1) / m
    if passed.any():
        k = int(np.max(np.flatnonzero(passed)))
        out[order[: k + 1]] = True
    return out & ok


# --------------------------------------------------------------------------------------------
# old option names (local shim until toolkit._compat lands)

def renamed(kwargs: dict, old: str, new: str, where: str, current):
    """Return the value to use for ``new``; warns when the old name ``old`` was passed."""
    if old not in kwargs:
        return current
    val = kwargs.pop(old)
    warnings.warn(f"{where}({old}=...) is deprecated; use {new}= instead (same meaning). The "
                  f"old name stops working in the next release.", DeprecationWarning,
                  stacklevel=3)
    return val


def no_unknown(kwargs: dict, where: str) -> None:
    if kwargs:
        raise TypeError(f"{where}() got unexpected keyword argument(s) {sorted(kwargs)}")
