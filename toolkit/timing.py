"""When to post, and when the audience is active.

Three computations over the canonical tables (see :mod:`toolkit.schema`):

:func:`best_times`
    Which (weekday, clock-time) slots did better than the account's usual post, with a
    bootstrap interval and a recommendation that survives a multiple-comparison guard.
:func:`audience_activity`
    When the community writes comments (weekday x hour, per clock hour that occurred), the
    proxy for "followers online" that exports lack.
:func:`comment_lag`
    How quickly comments arrive after a post (quantiles of minutes, per platform).

All clock times are local times in the IANA zone passed as ``tz=``; conversion goes through
``Series.dt.tz_convert`` so daylight-saving changes are handled (a post at 16:00 UTC on
2024-03-31 and one at 17:00 UTC on 2024-03-30 were both published at 18:00 in Berlin).

What the usual "best time" heatmaps get wrong, and what this module does instead:

* summing views or likes per slot shows *when you post*, not *when posts do well*: here every
  post is compared with its own account's baseline and slots are averaged per post;
* UTC shown as local time: here ``tz`` is required;
* "best time" from three posts: here small slots are shrunk towards the account's mean, carry
  a bootstrap interval, and are never recommended below ``min_posts`` or without passing a
  false-discovery-rate guard;
* a fixed grid (4-hour blocks from midnight) cutting a posting routine such as 18:00-21:00 in
  two: here the blocks follow where the account's posting density changes, per weekday,
  chosen from the publish times alone (never from the outcomes);
* undeclared denominators: every result carries ``metric`` and ``formula`` columns.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from scipy.special import stdtr, stdtrit
from tqdm.auto import tqdm

from ._progress import wanted
from . import _effects
from .errors import ParameterError, SchemaError
from ._compat import renamed
from ._engine import is_dask
from ._time import WEEKDAY_NAMES as _WEEKDAY_NAMES
from ._validate import check_tz
from .schema import require_columns

__all__ = ["best_times", "audience_activity", "comment_lag", "INTERACTIONS", "WEEKDAY_NAMES",
           "slot_summary", "busiest_hours"]

#: Columns summed by ``metric="interactions"``: the toolkit's one definition (see
#: ``toolkit._effects`` and ``tk.performance.formulas()``), clicks included.
INTERACTIONS = _effects.INTERACTIONS
#: Weekday names, index 0 = Monday (as ``Series.dt.day_of_week``); defined once in toolkit._time.
WEEKDAY_NAMES = _WEEKDAY_NAMES

_SLOT_CHOICES = (1, 2, 3, 4, 6, 12, 24)
_RATE_DENOMINATORS = _effects.DENOMINATORS
_PRIOR_DF = 4.0           # degrees of freedom of the pooled variance in the moderated t-test
_FACTOR_SHRINK = 1.0      # ridge penalty on adjust_for effects (a level seen once: halfway)
_RATE_SHARE = 0.9         # share of the error budget for the rate tests (the rest: reach)
_BOOT_CELLS = 2_000_000   # random draws held in memory at once during the bootstrap

_SLOT_COLUMNS = ["platform", "account", "weekday", "weekday_name", "hour", "hour_end",
                 "slot_hours", "slot", "n_posts", "lift_raw", "lift", "ci_low", "ci_high",
                 "p_value", "recommended", "reach_lift", "reach_ci_low", "reach_ci_high",
                 "reach_p_value", "reach_differs", "n_account_posts", "n_excluded_young",
                 "metric", "per", "formula", "tz"]


# --------------------------------------------------------------------------------------------
# best_times
# --------------------------------------------------------------------------------------------

@renamed(random_state="seed")
def best_times(posts: pd.DataFrame, *, tz: str, metric: str | Sequence[str] = "interactions",
               per: str | None = "auto", adjust_for: Sequence[str] = ("media_type",),
               slot_hours: int | None = None, target_posts: int = 8, min_posts: int = 8,
               min_age_days: float = 3, as_of=None,
               baseline_days: int = _effects.BASELINE_DAYS, shrinkage: float | None = None,
               alpha: float = 0.05, n_boot: int = 1000, seed: int | None = 0,
               progress: bool | None = None) -> pd.DataFrame:
    """Rank posting slots by how much better posts in them did than the account's usual.

    The method is the toolkit's one effects engine (``toolkit._effects``, shared with
    :func:`toolkit.performance.content_effects`). Each post is compared with its own account:
    its performance is ``y = log(1 + interactions) - log(denominator)``, the denominator being
    the engagement rate's (``per="auto"``: reach, else impressions, else views, per platform;
    raw ``log(1 + interactions)`` where none is reported or with ``per=None``), minus the
    median ``y`` of the same account's posts published within +/- ``baseline_days`` days
    (the account's usual post: growth or a quiet month does not favour the slots used at that
    time). Residuals are winsorised per account at median +/- 3 robust SDs (1.4826 x MAD), so
    one viral post cannot carry a slot. With a denominator, the same is done for the
    denominator itself (``reach_*`` columns), so a slot whose posts reach more people is
    found too. The effects of the columns in ``adjust_for`` (by default
    the media type: a slot full of reels must not look good because reels do) are removed by
    backfitting them jointly with the slot effects, then residuals are centred on the
    account's mean.

    For a slot with ``n`` posts and mean residual ``m``:

    * ``lift_raw = exp(m)``: ratio of the slot's geometric-mean performance to the account's
      usual post (1.3 = 30 % better);
    * ``lift = exp(m * n / (n + k))``: the same, shrunk towards 1 (empirical Bayes); ``k`` is
      the within-slot variance divided by the between-slot variance of true slot effects,
      estimated per account by the method of moments and capped at ``2 * target_posts`` (or
      fixed with ``shrinkage=k``). The cap keeps a slot with twice the target number of posts
      at least half its effect: real time effects are sparse (a few good slots among many
      ordinary ones), which the normal prior behind the estimate would shrink to nothing;
    * ``ci_low``, ``ci_high``: 2.5 % and 97.5 % quantiles of the shrunk lift over ``n_boot``
      bootstrap resamples of the slot's posts, widened (before shrinking) to at least the
      moderated-t interval below, since the percentile bootstrap is too narrow for a handful of
      posts, and by the uncertainty of the ``adjust_for`` effects where a slot is confounded
      with them;
    * ``p_value``: one-sided moderated t-test of ``m > 0`` (slot variance pooled with the
      account's within-slot variance, 4 prior degrees of freedom);
    * ``reach_lift``, ``reach_ci_low``, ``reach_ci_high``: the same for the denominator
      (reach, impressions or views) of the slot's posts (moderated-t interval, no bootstrap); ``reach_p_value`` two-sided;
      ``reach_differs``: the slot's reach clearly differs (interval excludes 1 and the test
      passes the false-discovery-rate procedure below);
    * ``recommended``: ``n >= min_posts`` and either the rate (``ci_low > 1``) or the reach
      (``reach_differs``, ``reach_ci_low > 1`` and ``lift_raw * reach lift > 1``: more
      interactions per post) passes the weighted Benjamini-Hochberg procedure at ``alpha``
      over the account's slots with at least ``min_posts`` posts (the others can never be
      recommended, so they are not tested). Weights are proportional to the slot's posts
      (fixed before any outcome is seen; well-filled slots get more of the error budget);
      the rate tests get 9/10 of the budget, the reach tests 1/10. On data without a time
      effect this recommends any slot at all in at most about ``alpha`` of the accounts.

    Slots follow the account's posting routine unless ``slot_hours`` fixes a grid. The blocks
    are chosen from the publish times alone, never from the outcomes (so the choice cannot
    favour a slot that happened to do well, and the tests below stay valid):

    1. the widest block ``H``: the smallest of 1, 2, 3, 4, 6, 12 or 24 hours such that, on a
       fixed grid, the median post sits in a (weekday, block) slot with at least
       ``target_posts`` posts (a post-weighted median: hours nobody posts in do not count);
    2. per weekday, the day is cut into contiguous hour ranges where the posting density
       changes: for each number of blocks ``K`` the cut maximising the Poisson log-likelihood
       of the hourly post counts, ``sum n_b * log(n_b / width_b)``, with no block that holds
       posts wider than ``H``; ``K`` maximises the Bayesian information criterion
       ``loglik - K * log(n_day) / 2`` among the cuts whose median post still sits in a block
       of at least ``target_posts`` posts (on a thin weekday where no cut qualifies: among
       all cuts, so a window of one post a week is not merged into a whole-day block).

    A routine such as "Saturdays 17:00-20:00" so becomes one slot instead of being cut in two
    by a fixed grid (16-20 / 20-24), and a weekday with few posts gets wide blocks while a
    busy one gets narrow ones. Blocks can therefore differ between weekdays and in width
    (``slot_hours`` per row); empty night hours are merged into one block.

    Excluded posts (counted in ``result.attrs["excluded"]`` and announced with a warning):
    posts with ``date_only`` (no clock time), posts where the metric or denominator is not
    reported (or the denominator is 0), and posts younger than ``min_age_days`` days at
    ``as_of`` (default: the latest ``published_at`` in the table), whose counts are still
    growing.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table (``published_at`` in UTC).
    tz : str
        IANA time zone of the clock times, e.g. ``"Europe/Berlin"``.
    metric : str or sequence of str, default "interactions"
        ``"interactions"`` = likes + comments + shares + saves + clicks, each where the export
        reports it (the toolkit's one definition, as in ``tk.performance.formulas()``); any
        posts column (``"engagements"``, ``"likes"``); or a list of columns to sum.
    per : {"auto", "reach", "impressions", "views", None}, default "auto"
        Denominator of the performance: "auto" = the engagement rate's choice per platform;
        None = raw counts.
    adjust_for : sequence of str, default ("media_type",)
        Posts columns whose effect is removed before slots are compared; ``()`` for none.
    slot_hours : int, optional
        Force a fixed grid of blocks of this many hours (a divisor of 24), the same on every
        weekday, starting at midnight.
    target_posts : int, default 8
        Typical posts per slot the automatic blocks aim for (at least this many for the
        median post).
    min_posts : int, default 8
        Fewest posts a slot needs before it can be recommended.
    min_age_days : float, default 3
        Posts younger than this at ``as_of`` are left out.
    as_of : timestamp-like, optional
        End of the export; default is the latest ``published_at`` in ``posts``.
    baseline_days : int, default 28
        Half-width in days of the window that defines the account's usual post.
    shrinkage : float, optional
        Fixed shrinkage constant ``k``; default estimates it per account.
    alpha : float, default 0.05
        False discovery rate of the recommendation.
    n_boot : int, default 1000
        Bootstrap resamples.
    seed : int, optional
        Seed of the bootstrap (``random_state=`` still works, with a DeprecationWarning).
    progress : bool, optional
        Show a progress bar over accounts. Default None: only on a terminal or in a notebook.

    Returns
    -------
    pandas.DataFrame
        One row per (platform, account, weekday, slot), every slot of the week included
        (``n_posts`` 0 for empty ones, whose lift columns are NaN). Columns: platform, account,
        weekday (0 = Monday), weekday_name, hour (block start, local clock), hour_end (block
        end, exclusive), slot_hours (= hour_end - hour; may differ between rows), slot (label
        such as ``"Wed 18-21"``), n_posts, lift_raw,
        lift, ci_low, ci_high, p_value, recommended, reach_lift, reach_ci_low, reach_ci_high,
        reach_p_value, reach_differs (NaN / False without a denominator), n_account_posts
        (posts of the account used), n_excluded_young (per platform), metric (e.g.
        ``"interactions_per_reach"``), per (denominator used, <NA> = raw counts), formula, tz.
        ``attrs["excluded"]`` = ``{"date_only": n, "missing_metric": n, "too_young": n}``,
        ``attrs["as_of"]`` = the cut-off used.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> posts = tk.schema.POSTS.conform(pd.DataFrame({
    ...     "platform": ["x"] * 4, "account": ["a"] * 4, "post_id": list("1234"),
    ...     "published_at": pd.to_datetime(["2024-03-30 17:00", "2024-03-31 16:00",
    ...                                     "2024-04-06 08:00", "2024-04-20 08:00"], utc=True),
    ...     "likes": [10, 12, 3, 3], "source_file": "f"}))
    >>> res = tk.timing.best_times(posts, tz="Europe/Berlin", slot_hours=24, min_age_days=0,
    ...                            progress=False)
    >>> res.loc[res.n_posts > 0, ["weekday_name", "n_posts"]].to_numpy().tolist()
    [['Saturday', 3], ['Sunday', 1]]
    """
    zone = _check_tz(tz)
    _check_table(posts, ["platform", "post_id", "published_at"], "posts")
    metric_name = _metric_name(metric, posts)
    if per is not None and per != "auto" and per not in _RATE_DENOMINATORS:
        raise ParameterError(f"best_times(per={per!r}): expected 'auto' (the engagement rate's "
                             f"denominator), one of {list(_RATE_DENOMINATORS)} or None.")
    if slot_hours is not None and (slot_hours not in _SLOT_CHOICES and 24 % int(slot_hours) != 0):
        raise ParameterError(f"best_times(slot_hours={slot_hours!r}): expected a divisor of 24 "
                             f"such as 1, 2, 3, 4, 6, 12 or 24.")
    if not 0 < alpha < 1:
        raise ParameterError(f"best_times(alpha={alpha!r}): expected a number between 0 and 1, "
                             f"e.g. 0.05.")
    if n_boot < 100:
        raise ParameterError(f"best_times(n_boot={n_boot!r}): expected at least 100 resamples.")
    adjust_for = tuple(adjust_for or ())
    needed = ([] if isinstance(metric, str) and metric == "interactions"
              else [metric] if isinstance(metric, str) else list(metric))
    needed += ([per] if per and per != "auto" else []) + list(adjust_for)
    _check_table(posts, needed, "posts")
    y_all, logd_all, per_all = _effects.performance(posts, metric, per)

    df = pd.DataFrame({
        "platform": posts["platform"].astype("string").to_numpy(),
        "account": (posts["account"].astype("string").fillna("") if "account" in posts
                    else pd.Series("", index=posts.index, dtype="string")).to_numpy(),
        "published_at": _utc(posts["published_at"], "posts").array,
        "date_only": (posts["date_only"].fillna(False).astype(bool).to_numpy()
                      if "date_only" in posts else np.zeros(len(posts), bool)),
    })
    for c in set(adjust_for):
        df[c] = posts[c].to_numpy()
    df["y"] = y_all
    df["logd"] = logd_all
    df["per"] = per_all.to_numpy()
    excluded = {"date_only": 0, "missing_metric": 0, "too_young": 0}

    cutoff = (pd.Timestamp(as_of) if as_of is not None else df["published_at"].max())

    # 1. no clock time
    drop = df["date_only"].to_numpy() | df["published_at"].isna().to_numpy()
    excluded["date_only"] = int(drop.sum())
    df = df.loc[~drop].reset_index(drop=True)

    # 2. too young at the export's end
    if cutoff is not None and not pd.isna(cutoff):
        cutoff = cutoff.tz_localize("UTC") if cutoff.tzinfo is None else cutoff.tz_convert("UTC")
        young = (df["published_at"] > cutoff - pd.Timedelta(days=min_age_days)).to_numpy()
    else:
        young = np.zeros(len(df), bool)
    young_by_platform = df.loc[young, "platform"].value_counts().to_dict()
    excluded["too_young"] = int(young.sum())
    df = df.loc[~young].reset_index(drop=True)

    # 3. the metric (and its denominator, where one is used)
    missing = ~np.isfinite(df["y"].to_numpy(dtype=float))
    excluded["missing_metric"] = int(missing.sum())
    df = df.loc[~missing].reset_index(drop=True)
    per_of = {p: (g.dropna().iloc[0] if g.notna().any() else None)
              for p, g in df.groupby("platform", sort=False)["per"]}
    formula = "; ".join(sorted({_effects.describe(metric_name, d, baseline_days)
                               for d in per_of.values()})) or _effects.describe(
        metric_name, None if per is None or per == "auto" else per, baseline_days)

    if any(excluded.values()):
        warnings.warn("best_times left out " + ", ".join(
            f"{n} post(s) {why}" for why, n in [
                ("without a time of day (date_only)", excluded["date_only"]),
                (f"younger than {min_age_days} days at {cutoff:%Y-%m-%d %H:%M} UTC (metrics "
                 f"still growing)" if excluded["too_young"] else "", excluded["too_young"]),
                (f"where {formula.split(' = ')[0]} is not reported", excluded["missing_metric"]),
            ] if n) + ".", stacklevel=2)

    local = df["published_at"].dt.tz_convert(zone)
    df["weekday"] = local.dt.day_of_week.to_numpy()
    df["hour"] = local.dt.hour.to_numpy()

    rng = np.random.default_rng(seed)
    parts = []
    groups = list(df.groupby(["platform", "account"], sort=True))
    for (platform, account), g in tqdm(groups, desc="best_times", disable=not wanted(progress),
                                       leave=False):
        part = _account_slots(g, adjust_for=adjust_for, slot_hours=slot_hours,
                              target_posts=target_posts, min_posts=min_posts,
                              baseline_days=baseline_days, shrinkage=shrinkage, alpha=alpha,
                              n_boot=n_boot, rng=rng)
        part.insert(0, "account", account)
        part.insert(0, "platform", platform)
        part["n_excluded_young"] = int(young_by_platform.get(platform, 0))
        d = per_of.get(platform)
        part["metric"] = metric_name if d is None else f"{metric_name}_per_{d}"
        part["per"] = d
        part["formula"] = _effects.describe(metric_name, d, baseline_days)
        parts.append(part)
    if parts:
        out = pd.concat(parts, ignore_index=True)
    else:
        out = pd.DataFrame({c: [] for c in _SLOT_COLUMNS})
    out["tz"] = tz
    out = out[_SLOT_COLUMNS].astype({
        "platform": "string", "account": "string", "weekday": "int64",
        "weekday_name": "string", "hour": "int64", "hour_end": "int64", "slot_hours": "int64",
        "slot": "string", "n_posts": "int64", "lift_raw": "float64", "lift": "float64",
        "ci_low": "float64", "ci_high": "float64", "p_value": "float64", "recommended": "bool",
        "reach_lift": "float64", "reach_ci_low": "float64", "reach_ci_high": "float64",
        "reach_p_value": "float64", "reach_differs": "bool",
        "n_account_posts": "int64", "n_excluded_young": "int64", "metric": "string",
        "per": "string", "formula": "string", "tz": "string"})
    out.attrs["excluded"] = excluded
    out.attrs["as_of"] = None if cutoff is None or pd.isna(cutoff) else cutoff.isoformat()
    return out


def _account_slots(g: pd.DataFrame, *, adjust_for, slot_hours, target_posts, min_posts,
                   baseline_days, shrinkage, alpha, n_boot, rng) -> pd.DataFrame:
    """Slot table of one account (rows = every weekday x block of the week)."""
    g = g.sort_values("published_at", kind="stable")
    keys = np.zeros(len(g))
    r, _ = _effects.residuals(g["y"].to_numpy(float), g["published_at"], keys, baseline_days)
    has_den = g["per"].notna().to_numpy()
    r_reach = None
    if has_den.all() and len(g):
        r_reach, _ = _effects.residuals(g["logd"].to_numpy(float), g["published_at"], keys,
                                        baseline_days)

    hour, weekday = g["hour"].to_numpy(), g["weekday"].to_numpy()
    if slot_hours:
        bounds = [np.arange(0, 25, int(slot_hours))] * 7
    else:
        widest = _choose_block(weekday, hour, target_posts)
        bounds = [_choose_bounds(hour[weekday == d], target_posts, widest) for d in range(7)]
    n_blocks = np.array([len(b) - 1 for b in bounds])
    first = np.concatenate([[0], np.cumsum(n_blocks)[:-1]])
    slot = np.empty(len(hour), dtype=np.int64)
    for d in range(7):
        on = weekday == d
        slot[on] = first[d] + np.searchsorted(bounds[d], hour[on], side="right") - 1
    n_slots = int(n_blocks.sum())

    factors = [pd.factorize(g[c].astype("string").fillna("<NA>"))[0] for c in adjust_for]
    st = _slot_stats(r, slot, n_slots, factors, shrinkage, target_posts, n_boot, rng)
    n, occ = st["n"], st["n"] > 0
    eligible = n >= min_posts
    # one false-discovery-rate family per account: the rate test of every eligible slot and,
    # with a denominator, the test of its reach (a slot can do better either way). Weighted
    # Benjamini-Hochberg: weights proportional to the slot's posts (fixed before any outcome
    # is seen), the rate tests get 9/10 of the budget, the reach tests 1/10.
    p_fam = [np.where(eligible, st["p"], np.nan)]
    w_fam = [n.astype(float)]
    if r_reach is not None:
        sr = _slot_stats(r_reach, slot, n_slots, factors, shrinkage, target_posts, 0, rng)
        # two-sided: more reach is a reason to post there, less reach a warning
        p_reach2 = np.where(eligible, 2 * np.fmin(sr["p"], 1 - sr["p"]), np.nan)
        p_fam.append(p_reach2)
        w_fam = [_RATE_SHARE * n, (1 - _RATE_SHARE) * n]
    sig = _effects.weighted_bh_reject(np.concatenate(p_fam), np.concatenate(w_fam), alpha)
    sig = sig.reshape(len(p_fam), n_slots)
    rate_good = occ & (st["ci_low"] > 1) & eligible & sig[0]
    if r_reach is not None:
        reach_differs = occ & eligible & sig[1] & ((sr["ci_low"] > 1) | (sr["ci_high"] < 1))
        # more reach counts only if the rate does not lose it again (interactions per post up)
        reach_good = reach_differs & (sr["ci_low"] > 1) & (st["lift_raw"] * sr["lift_raw"] > 1)
        reach_cols = (sr["lift"], sr["ci_low"], sr["ci_high"], p_reach2)
    else:
        reach_differs = reach_good = np.zeros(n_slots, bool)
        reach_cols = (np.full(n_slots, np.nan),) * 4

    wd = np.repeat(np.arange(7), n_blocks)
    start = np.concatenate([b[:-1] for b in bounds])
    end = np.concatenate([b[1:] for b in bounds])
    return pd.DataFrame({
        "weekday": wd,
        "weekday_name": [WEEKDAY_NAMES[d] for d in wd],
        "hour": start,
        "hour_end": end,
        "slot_hours": end - start,
        "slot": [f"{WEEKDAY_NAMES[d][:3]} {s:02d}-{e:02d}" for d, s, e in zip(wd, start, end)],
        "n_posts": n,
        "lift_raw": st["lift_raw"],
        "lift": st["lift"],
        "ci_low": st["ci_low"],
        "ci_high": st["ci_high"],
        "p_value": st["p"],
        "recommended": rate_good | reach_good,
        "reach_lift": reach_cols[0],
        "reach_ci_low": reach_cols[1],
        "reach_ci_high": reach_cols[2],
        "reach_p_value": reach_cols[3],
        "reach_differs": reach_differs,
        "n_account_posts": len(r),
    })


def _slot_stats(r, slot, n_slots, factors, shrinkage, target_posts, n_boot, rng) -> dict:
    # n_boot = 0: the moderated-t interval only (used for the reach columns)
    """Per slot: n, lift_raw, shrunk lift, interval and one-sided moderated-t p of ``r``."""
    r, infl = _adjust(r, slot, n_slots, factors)
    r = r - r.mean()

    n = np.bincount(slot, minlength=n_slots)
    sums = np.bincount(slot, weights=r, minlength=n_slots)
    occ = n > 0
    mean = np.where(occ, sums / np.maximum(n, 1), np.nan)
    dev2 = np.bincount(slot, weights=(r - mean[slot]) ** 2, minlength=n_slots)
    df_within = int((n[occ] - 1).sum())
    pooled = dev2.sum() / df_within if df_within > 0 else np.var(r)
    pooled = pooled if pooled > 0 else 1e-12

    if shrinkage is None:
        tau2 = np.mean(mean[occ] ** 2 - pooled / n[occ]) if occ.any() else 0.0
        k = pooled / tau2 if tau2 > 0 else float(len(r))
        k = float(np.clip(k, 0.0, 2 * target_posts))
    else:
        k = float(shrinkage)
    w = np.where(occ, n / (n + k), np.nan)

    # moderated t-test of mean > 0 (slot variance pooled with the account's)
    s2 = (np.maximum(n - 1, 0) * np.where(n > 1, dev2 / np.maximum(n - 1, 1), 0.0)
          + _PRIOR_DF * pooled) / (np.maximum(n - 1, 0) + _PRIOR_DF)
    dof = np.maximum(n - 1, 0) + _PRIOR_DF
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / np.sqrt(s2 * infl / n)
    p = np.where(occ, 1.0 - stdtr(dof, np.nan_to_num(t)), np.nan)

    if n_boot:
        lo, hi = _bootstrap_ci(r, slot, n_slots, n_boot, rng)
    else:
        lo = hi = mean
    # widen the interval by the uncertainty of the adjust_for effects, and to at least the
    # moderated-t interval: the percentile bootstrap is too narrow for a handful of posts
    # (and has zero width for one post)
    lo, hi = mean + (lo - mean) * np.sqrt(infl), mean + (hi - mean) * np.sqrt(infl)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stdtrit(dof, 0.975) * np.sqrt(s2 * infl / n)
    lo, hi = np.fmin(lo, mean - half), np.fmax(hi, mean + half)
    return {"n": n, "lift_raw": np.exp(mean), "lift": np.exp(mean * w),
            "ci_low": np.exp(lo * w), "ci_high": np.exp(hi * w), "p": p}


def _choose_block(weekday: np.ndarray, hour: np.ndarray, target: int) -> int:
    """Widest block for the account: the smallest of 1, 2, 3, 4, 6, 12, 24 hours such that, on
    a fixed grid, the median post sits in a (weekday, block) slot with at least ``target``
    posts (a post-weighted median: hours nobody posts in do not force wider blocks)."""
    for h in _SLOT_CHOICES:
        counts = np.bincount(weekday * (24 // h) + hour // h)
        counts = counts[counts > 0]
        if len(counts) and np.median(np.repeat(counts, counts)) >= target:
            return h
    return 24


def _choose_bounds(hour: np.ndarray, target: int, widest: int = 24) -> np.ndarray:
    """Block boundaries of one weekday (local hours, 0 ... 24) from its posting times alone.

    For each number of blocks ``K`` (1 ... 24), the partition of the day into ``K``
    contiguous hour ranges that best describes when the account posts on this weekday: it
    maximises the Poisson log-likelihood of the hourly post counts under a rate that is
    constant within each block, ``sum_b n_b * log(n_b / width_b)`` (dynamic programming).
    Boundaries so fall where the posting density changes: a routine "Saturday 17:00-20:00"
    stays one block instead of being cut by a fixed grid. Among the ``K`` whose median post
    sits in a block with at least ``target`` posts (a post-weighted median: hours nobody posts
    in do not force wider blocks), the one with the best Bayesian information criterion,
    ``loglik - K * log(n) / 2`` (``n`` posts on the weekday), is used: a boundary is drawn
    only where the posting times support it; the whole day when no ``K`` qualifies. Outcomes
    are never looked at, so the choice cannot favour a slot that happened to do well, and the
    tests of the slots stay valid.
    """
    chosen = np.array([0, 24])
    if len(hour) == 0:
        return chosen
    cum = np.concatenate([[0.0], np.cumsum(np.bincount(hour, minlength=24)[:24])])
    a, b = np.triu_indices(25, k=1)
    n = cum[b] - cum[a]
    cost = np.full((25, 25), -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        cost[a, b] = np.where(n > 0, n * np.log(n / (b - a)), 0.0)
    # no block with posts wider than the account's fixed-grid block (hours without posts
    # may be merged freely): a day of evenly spread posts keeps the fixed grid's resolution
    cost[a[(n > 0) & (b - a > widest)], b[(n > 0) & (b - a > widest)]] = -np.inf
    best = np.full(25, -np.inf)
    best[0] = 0.0
    back = np.zeros((25, 25), dtype=np.int64)
    pen = 0.5 * np.log(len(hour))                             # BIC: one rate per block
    score = -np.inf
    fallback, fb_score = None, -np.inf
    # more blocks than occupied hours plus the gaps between them cannot raise the likelihood
    max_k = min(24, 2 * len(np.unique(hour)) + 1)
    for k in range(1, max_k + 1):
        cand = best[:, None] + cost                            # [start, end]
        back[k] = np.argmax(cand, axis=0)
        best = cand[back[k], np.arange(25)]
        if not np.isfinite(best[24]) or (best[24] - pen * k <= score
                                          and best[24] - pen * k <= fb_score):
            continue
        bounds = [24]
        for kk in range(k, 0, -1):
            bounds.append(int(back[kk][bounds[-1]]))
        bounds = np.array(bounds[::-1])
        c = np.bincount(np.searchsorted(bounds, hour, side="right") - 1)
        # the size of the block the median *post* sits in (empty blocks do not count)
        if np.median(np.repeat(c, c)) >= target:
            if best[24] - pen * k > score:
                chosen, score = bounds, best[24] - pen * k
        elif best[24] - pen * k > fb_score:
            fallback, fb_score = bounds, best[24] - pen * k
    if not np.isfinite(score) and fallback is not None and widest < 24:
        # no cut gives the median post a full block (a thin weekday): the best-supported cut
        # within the widest block, not one block for the whole day
        return fallback
    return chosen


def _adjust(r: np.ndarray, slot: np.ndarray, n_slots: int, factors: list
            ) -> tuple[np.ndarray, np.ndarray]:
    """Remove the effects of ``factors`` (integer codes), fitted jointly with slot effects.

    Least squares of ``r ~ slot + factor_1 + ...`` with a ridge penalty of
    ``_FACTOR_SHRINK`` on each factor level (so a level seen once is shrunk halfway), solved
    through the normal equations (size = occupied slots + levels, independent of the number
    of posts). Returns the adjusted residuals and, per slot, the variance inflation of the
    slot's contrast with the account mean (1 when the slot is not confounded with a factor;
    larger when, say, all reels were posted in one slot).
    """
    infl = np.ones(n_slots)
    if not factors:
        return r, infl
    occ = np.flatnonzero(np.bincount(slot, minlength=n_slots))
    slot_idx = np.searchsorted(occ, slot)
    cols = [slot_idx]
    offset = len(occ)
    for f in factors:
        cols.append(offset + f)
        offset += int(f.max()) + 1
    n_par = offset
    if n_par > 2000:
        raise ParameterError(f"best_times(adjust_for=...): {n_par - len(occ)} distinct values "
                             f"to adjust for in one account; expected a category column with "
                             f"few values such as 'media_type'.")
    a = np.zeros(n_par * n_par)
    for ca in cols:
        for cb in cols:
            a += np.bincount(ca * n_par + cb, minlength=n_par * n_par)
    a = a.reshape(n_par, n_par)
    a[np.arange(len(occ), n_par), np.arange(len(occ), n_par)] += _FACTOR_SHRINK
    b = np.zeros(n_par)
    for c in cols:
        b += np.bincount(c, weights=r, minlength=n_par)
    try:
        inv = np.linalg.inv(a)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(a)
    beta = inv @ b
    fac = sum(beta[c] for c in cols[1:])
    # variance of each slot's contrast with the account mean, e_s - w (w = n_s / N), relative
    # to the same without adjustment (1/n_s - 1/N); the contrast is blind to the common shift
    # between slot and factor effects that only the ridge penalty pins down.
    n_occ = np.diag(a)[: len(occ)]
    w = n_occ / n_occ.sum()
    inv_ss = inv[: len(occ), : len(occ)]
    iw = inv_ss @ w
    var = np.diag(inv_ss) - 2 * iw + w @ iw
    ref = 1 / n_occ - 1 / n_occ.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        infl[occ] = np.where(ref > 0, np.maximum(var / ref, 1.0), 1.0)
    return r - fac, infl


def _bootstrap_ci(r, slot, n_slots, n_boot, rng):
    """2.5 % and 97.5 % bootstrap quantiles of each slot's mean (resampling within slot)."""
    order = np.argsort(slot, kind="stable")
    vals = r[order]
    codes = slot[order]
    n = np.bincount(codes, minlength=n_slots)
    occ = np.flatnonzero(n)
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    pos_start = starts[codes]
    pos_n = n[codes]
    total = len(vals)
    lo = np.full(n_slots, np.nan)
    hi = np.full(n_slots, np.nan)
    if total == 0:
        return lo, hi
    chunk = max(1, _BOOT_CELLS // total)
    means = np.empty((n_boot, len(occ)))
    seg = starts[occ]
    for b0 in range(0, n_boot, chunk):
        b1 = min(n_boot, b0 + chunk)
        idx = pos_start + (rng.random((b1 - b0, total)) * pos_n).astype(np.int64)
        sums = np.add.reduceat(vals[idx], seg, axis=1)
        means[b0:b1] = sums / n[occ]
    q = np.quantile(means, [0.025, 0.975], axis=0)
    lo[occ], hi[occ] = q[0], q[1]
    return lo, hi


def _metric_name(metric, posts: pd.DataFrame) -> str:
    if isinstance(metric, str):
        if metric != "interactions":
            return metric
        if not any(c in posts.columns for c in INTERACTIONS):
            raise ParameterError(f"best_times(metric='interactions'): the posts table has none "
                                 f"of {list(INTERACTIONS)}; pass metric=<a count column>.")
        return "interactions"
    cols = tuple(metric)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise ParameterError(f"metric={metric!r}: expected 'interactions', a posts column such "
                             f"as 'engagements', or a list of posts columns to sum.")
    return "+".join(cols)


# --------------------------------------------------------------------------------------------
# audience_activity and comment_lag
# --------------------------------------------------------------------------------------------

def audience_activity(comments: pd.DataFrame, *, tz: str, include_owner: bool = False
                      ) -> pd.DataFrame:
    """When the community comments: weekday x hour of the local clock, per platform.

    Exports do not say when followers are online; the times at which people comment are the
    closest proxy available. Counts are divided by the number of times each (weekday, hour)
    occurred on the clock between the first and last comment of the platform, so a period
    with one Monday more, or the hour lost to the spring daylight-saving change, does not
    bias the picture. Comments also follow posts: read this together with
    :func:`comment_lag` (most comments arrive within hours of a post), and do not treat it
    as independent of your own posting times.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
        A Dask DataFrame runs on the Dask engine and gives the same table (:mod:`toolkit.scale`).
    tz : str
        IANA time zone, e.g. ``"Europe/Berlin"``.
    include_owner : bool, default False
        Count comments written by the account itself (``is_owner``).

    Returns
    -------
    pandas.DataFrame
        One row per (platform, weekday, hour), all 168 hours of the week for every platform.
        Columns: platform, weekday (0 = Monday), weekday_name, hour (local clock, 0-23),
        n_comments, n_hours (how often that weekday-hour occurred in the period),
        comments_per_hour = n_comments / n_hours, activity_index = comments_per_hour / mean of
        comments_per_hour over the platform's 168 cells (1 = average hour, 2 = twice as busy),
        share = n_comments / all comments of the platform, tz.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> c = tk.schema.COMMENTS.conform(pd.DataFrame({"platform": ["x", "x"],
    ...     "comment_id": ["1", "2"], "published_at": pd.to_datetime(
    ...     ["2024-03-30 17:10", "2024-03-31 16:20"], utc=True), "text": "", "source_file": "f"}))
    >>> a = tk.timing.audience_activity(c, tz="Europe/Berlin")
    >>> a.loc[a.n_comments > 0, ["weekday_name", "hour", "n_comments"]].to_numpy().tolist()
    [['Saturday', 18, 1], ['Sunday', 18, 1]]
    """
    zone = _check_tz(tz)
    if is_dask(comments):  # engine="dask": counts per partition, added up (toolkit/_dask.py)
        from ._dask import audience_activity as on_dask

        return on_dask(comments, tz=tz, include_owner=include_owner)
    _check_table(comments, ["platform", "published_at"], "comments")
    ts = _utc(comments["published_at"], "comments")
    keep = ts.notna().to_numpy().copy()
    if not include_owner and "is_owner" in comments:
        keep &= ~comments["is_owner"].fillna(False).astype(bool).to_numpy()
    n_missing = int(ts.isna().sum())
    if n_missing:
        warnings.warn(f"audience_activity ignored {n_missing} comment(s) without a time.",
                      stacklevel=2)
    return _activity_table(_activity_counts(comments["platform"], ts, keep, zone), tz=tz, zone=zone)


def _activity_counts(platform: pd.Series, ts: pd.Series, keep: np.ndarray, zone) -> pd.DataFrame:
    """Per platform: comments in each of the 168 local (weekday, hour) cells (``c0`` .. ``c167``) and the
    first and last time. Sums (and min/max) over parts of the table give the whole's: the Dask engine
    adds up its partitions' (toolkit/_dask.py)."""
    df = pd.DataFrame({"platform": platform.astype("string").to_numpy()[keep], "ts": ts.array[keep]})
    rows = {}
    for name, g in df.groupby("platform", sort=True):
        local = g["ts"].dt.tz_convert(zone)
        cell = (local.dt.day_of_week * 24 + local.dt.hour).to_numpy()
        rows[name] = [*np.bincount(cell, minlength=168), g["ts"].min(), g["ts"].max()]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[*(f"c{i}" for i in range(168)), "first", "last"])
    out.index.name = "platform"
    return out.astype({f"c{i}": "int64" for i in range(168)})


def _activity_table(counts: pd.DataFrame, *, tz: str, zone) -> pd.DataFrame:
    """audience_activity's table from :func:`_activity_counts` (one row per platform)."""
    rows = []
    for platform, row in counts.sort_index().iterrows():
        n = row[[f"c{i}" for i in range(168)]].to_numpy(dtype="int64")
        hours = pd.date_range(row["first"].floor("h"), row["last"].floor("h"), freq="h",
                              tz="UTC").tz_convert(zone)
        n_hours = np.bincount(hours.day_of_week * 24 + hours.hour, minlength=168)
        with np.errstate(divide="ignore", invalid="ignore"):
            cph = np.where(n_hours > 0, n / np.maximum(n_hours, 1), np.nan)
        avg = np.nanmean(cph)
        rows.append(pd.DataFrame({
            "platform": platform,
            "weekday": np.repeat(np.arange(7), 24),
            "weekday_name": np.repeat(WEEKDAY_NAMES, 24),
            "hour": np.tile(np.arange(24), 7),
            "n_comments": n,
            "n_hours": n_hours,
            "comments_per_hour": cph,
            "activity_index": cph / avg if avg > 0 else np.nan,
            "share": n / n.sum(),
        }))
    cols = ["platform", "weekday", "weekday_name", "hour", "n_comments", "n_hours",
            "comments_per_hour", "activity_index", "share", "tz"]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame({c: [] for c in cols})
    out["tz"] = tz
    return out[cols].astype({"platform": "string", "weekday": "int64", "weekday_name": "string",
                             "hour": "int64", "n_comments": "int64", "n_hours": "int64",
                             "comments_per_hour": "float64", "activity_index": "float64",
                             "share": "float64", "tz": "string"})


@renamed(top_level_only="top_level")
def comment_lag(comments: pd.DataFrame, posts: pd.DataFrame, *,
                quantiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9),
                include_owner: bool = False, top_level: bool = False) -> pd.DataFrame:
    """How quickly comments arrive after a post, per platform.

    The lag of a comment is ``comment.published_at - post.published_at`` in minutes, joining
    comments to posts on (platform, post_id). Left out and counted (``attrs["excluded"]`` and
    a warning): comments not linked to a post in ``posts``, comments on ``date_only`` posts
    (no publish time), comments dated before their post (clock or export errors), and, unless
    ``include_owner``, the account's own comments.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
    posts : pandas.DataFrame
        Canonical posts table.
    quantiles : sequence of float, default (0.1, 0.25, 0.5, 0.75, 0.9)
        Quantiles of the lag to report (between 0 and 1).
    include_owner : bool, default False
        Include comments written by the account itself (its replies).
    top_level : bool, default False
        Use only top-level comments (``parent_id`` missing), not replies in threads.

    Returns
    -------
    pandas.DataFrame
        One row per platform. Columns: platform, n_comments (comments measured), n_posts
        (posts they belong to), one column ``q{pct}_minutes`` per quantile (``q50_minutes`` =
        median lag), mean_minutes, within_1h_rate = comments with lag <= 60 min / n_comments,
        within_24h_rate = comments with lag <= 1440 min / n_comments.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> p = tk.schema.POSTS.conform(pd.DataFrame({"platform": ["x"], "post_id": ["p"],
    ...     "published_at": pd.to_datetime(["2024-01-01 10:00"], utc=True), "source_file": "f"}))
    >>> c = tk.schema.COMMENTS.conform(pd.DataFrame({"platform": "x", "post_id": "p",
    ...     "comment_id": ["1", "2", "3"], "published_at": pd.to_datetime(
    ...     ["2024-01-01 10:30", "2024-01-01 11:00", "2024-01-01 13:00"], utc=True),
    ...     "text": "", "source_file": "f"}))
    >>> tk.timing.comment_lag(c, p, quantiles=[0.5]).loc[0, "q50_minutes"]
    np.float64(60.0)
    """
    _check_table(comments, ["platform", "post_id", "published_at"], "comments")
    _check_table(posts, ["platform", "post_id", "published_at"], "posts")
    qs = [float(q) for q in quantiles]
    if not qs or not all(0 <= q <= 1 for q in qs):
        raise ParameterError(f"comment_lag(quantiles={quantiles!r}): expected numbers between "
                             f"0 and 1, e.g. (0.25, 0.5, 0.75).")
    c = pd.DataFrame({"platform": comments["platform"].astype("string").to_numpy(),
                      "post_id": comments["post_id"].astype("string").to_numpy(),
                      "c_at": _utc(comments["published_at"], "comments").array})
    keep = np.ones(len(c), bool)
    if not include_owner and "is_owner" in comments:
        keep &= ~comments["is_owner"].fillna(False).astype(bool).to_numpy()
    if top_level and "parent_id" in comments:
        keep &= comments["parent_id"].isna().to_numpy()
    c = c.loc[keep]
    p = pd.DataFrame({"platform": posts["platform"].astype("string").to_numpy(),
                      "post_id": posts["post_id"].astype("string").to_numpy(),
                      "p_at": _utc(posts["published_at"], "posts").array,
                      "date_only": (posts["date_only"].fillna(False).astype(bool).to_numpy()
                                    if "date_only" in posts else np.zeros(len(posts), bool))})
    p = p.drop_duplicates(["platform", "post_id"])
    m = c.merge(p, on=["platform", "post_id"], how="left")
    unlinked = m["p_at"].isna() & ~m["date_only"].fillna(False).astype(bool)
    date_only = m["date_only"].fillna(False).astype(bool)
    lag = (m["c_at"] - m["p_at"]).dt.total_seconds() / 60
    negative = (lag < 0).fillna(False)
    ok = ~(unlinked | date_only | negative | m["c_at"].isna())
    excluded = {"unlinked": int(unlinked.sum()), "date_only_post": int(date_only.sum()),
                "before_post": int(negative.sum())}
    if any(excluded.values()):
        warnings.warn("comment_lag left out " + ", ".join(f"{n} comment(s) {why}" for why, n in [
            ("not linked to a post in the posts table", excluded["unlinked"]),
            ("on posts without a time of day (date_only)", excluded["date_only_post"]),
            ("dated before their post", excluded["before_post"])] if n) + ".", stacklevel=2)
    m = m.loc[ok].assign(lag=lag[ok].astype(float))
    qcols = [f"q{round(q * 100):02d}_minutes" for q in qs]
    rows = []
    for platform, g in m.groupby("platform", sort=True):
        v = g["lag"].to_numpy()
        rows.append([platform, len(v), g["post_id"].nunique(), *np.quantile(v, qs), v.mean(),
                     np.mean(v <= 60), np.mean(v <= 1440)])
    cols = ["platform", "n_comments", "n_posts", *qcols, "mean_minutes", "within_1h_rate",
            "within_24h_rate"]
    out = pd.DataFrame(rows, columns=cols)
    out = out.astype({"platform": "string", "n_comments": "int64", "n_posts": "int64",
                      **{q: "float64" for q in qcols + ["mean_minutes", "within_1h_rate",
                                                        "within_24h_rate"]}})
    out.attrs["excluded"] = excluded
    return out


# --------------------------------------------------------------------------------------------
# shared checks
# --------------------------------------------------------------------------------------------

def _check_tz(tz) -> ZoneInfo:
    if not isinstance(tz, str) or not tz:
        raise ParameterError(f"tz={tz!r}: expected an IANA time zone name such as "
                             f"'Europe/Berlin' (clock times are shown in this zone).")
    return ZoneInfo(check_tz(tz))


def _check_table(frame, columns, name: str) -> None:
    # named after the public function that called this check: "best_times(posts): ..."
    caller = sys._getframe(1).f_code.co_name
    require_columns(frame, columns, where=f"{caller}({name})", table=name)


def _utc(s: pd.Series, name: str) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC")
    if pd.api.types.is_datetime64_dtype(s.dtype):
        raise SchemaError(f"table '{name}', column 'published_at': timestamps have no time zone "
                          f"(expected UTC, datetime64[ns, UTC]). If they are UTC, cast with "
                          f"toolkit.schema.conform(df, '{name}'); if they are local time, use "
                          f"s.dt.tz_localize(<zone>).dt.tz_convert('UTC').",
                          problems=["published_at without time zone"])
    raise SchemaError(f"table '{name}', column 'published_at': dtype {s.dtype}, expected "
                      f"datetime64[ns, UTC]. Cast with toolkit.schema.conform(df, '{name}').",
                      problems=["published_at is not a timestamp"])


def slot_summary(slots: pd.DataFrame) -> pd.DataFrame:
    """Per platform: how many posts :func:`best_times` compared, slots it formed and slots it recommends.

    Parameters
    ----------
    slots : pandas.DataFrame
        The result of :func:`best_times`.

    Returns
    -------
    pandas.DataFrame
        One row per platform, sorted by platform. Columns: platform, posts (posts compared),
        slots (time slots formed, empty ones included), recommended (slots recommended).
    """
    require_columns(slots, ["platform", "n_account_posts", "slot", "recommended"], where="slot_summary(slots)")
    out = (slots.groupby("platform", sort=True, observed=True)
           .agg(posts=("n_account_posts", "first"), slots=("slot", "size"), recommended=("recommended", "sum"))
           .reset_index())
    return out.astype({"slots": "int64", "recommended": "int64"})


def busiest_hours(activity: pd.DataFrame, *, n: int = 3) -> pd.DataFrame:
    """The ``n`` weekday-hours with the highest activity index per platform.

    Parameters
    ----------
    activity : pandas.DataFrame
        The result of :func:`audience_activity`.
    n : int
        Rows per platform.

    Returns
    -------
    pandas.DataFrame
        The columns of ``activity``; up to ``n`` rows per platform, platforms in order, the
        busiest hour first (ties: earlier in the week first).
    """
    require_columns(activity, ["platform", "weekday", "hour", "activity_index"], where="busiest_hours(activity)")
    if n < 1:
        raise ParameterError(f"busiest_hours(n={n}): expected a number of rows per platform, at least 1.")
    ordered = activity.sort_values(["platform", "activity_index", "weekday", "hour"],
                                   ascending=[True, False, True, True], kind="stable")
    return ordered.groupby("platform", sort=False, observed=True).head(n).reset_index(drop=True)


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
