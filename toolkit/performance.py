"""What works: engagement-rate formulas, channel KPIs, content effects and channel fit.

Every engagement rate the toolkit computes comes from one registry (:func:`formulas`), and every table says
which formula it used (a ``formula`` column). Effects are measured against each account's own rolling
baseline, so an account that grows over the period does not make late features look good.

Examples
--------
>>> import toolkit as tk
>>> tk.performance.formulas()["name"].tolist()[:3]
['auto', 'reach', 'impressions']
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._compat import renamed
from ._time import freq_code, period_start
from ._validate import check_choice, did_you_mean, need_tz
from ._progress import wanted
from .errors import ParameterError
from . import _effects
from .schema import METRICS, require_columns
from .text import hashtags, is_question
from .text import patterns as _patterns

__all__ = [
    "INTERACTION_COLUMNS",
    "formulas",
    "add_engagement",
    "channel_kpis",
    "top_posts",
    "content_effects",
    "channel_fit",
    "channel_fit_summary",
    "platform_posts",
    "platform_means",
]

#: Counters summed into ``interactions`` (each only when reported).
INTERACTION_COLUMNS = _effects.INTERACTIONS
_DENOMINATORS = _effects.DENOMINATORS


@dataclass(frozen=True)
class _Formula:
    name: str
    numerator: str
    denominator: str
    applies_to: str
    description: str
    source: str


#: The one definition of interactions, stated in every formula that uses it.
_INTERACTIONS_TEXT = ("; interactions = " + " + ".join(_effects.INTERACTIONS)
                      + ", each where the export reports it")

_FORMULAS = (
    _Formula("auto", "interactions", "reach, else impressions, else views (chosen per platform)",
             "every platform that reports at least one of reach, impressions or views",
             "Per platform the first denominator reported on at least one post: reach, else "
             "impressions, else views. Rows without that denominator (or with 0) get <NA>.",
             "toolkit (Metricool-like choice, made explicit per platform)"),
    _Formula("reach", "interactions", "reach",
             "facebook, instagram, tiktok, youtube exports with reach",
             "interactions / reach: share of people reached who interacted.",
             "Metricool; Sprout 'Engagement %' (Facebook)"),
    _Formula("impressions", "interactions", "impressions",
             "x, linkedin, facebook (Insights), any export with impressions",
             "interactions / impressions: interactions per impression.",
             "Buffer; Sprout (per impression); Orlo"),
    _Formula("views", "interactions", "views",
             "tiktok, youtube, instagram (views replaced impressions)",
             "interactions / views: interactions per view.",
             "Metricool (Instagram views); TikTok/YouTube studio"),
    _Formula("native_engagements", "engagements", "impressions",
             "x (Tweet activity), linkedin (content analytics)",
             "the platform's own 'engagements' count / impressions; includes clicks the other "
             "formulas do not see (profile, hashtag, detail expands).",
             "X native; LinkedIn native"),
    _Formula("followers", "interactions", "followers on the publish day (daily table)",
             "any platform with a daily 'followers' series (pass daily=...)",
             "interactions / followers on or before the publish day. Inflated for accounts whose "
             "posts reach non-followers; comparable across public data only.",
             "minter.io; Keyhole/Stellar (public data)"),
    _Formula("weighted_followers", "likes + 2 x comments + 3 x shares",
             "followers on the publish day (daily table)",
             "any platform with a daily 'followers' series (pass daily=...)",
             "(1 x likes + 2 x comments + 3 x shares) / followers: weights harder interactions more.",
             "Fanpage Karma weighted engagement"),
)
_FORMULAS = tuple(_Formula(f.name, f.numerator, f.denominator, f.applies_to,
                           f.description + (_INTERACTIONS_TEXT if "interactions" in f.numerator
                                            else ""), f.source) for f in _FORMULAS)
_FORMULA_NAMES = tuple(f.name for f in _FORMULAS)

# URL, mention and emoji patterns: one definition each, in toolkit.text.patterns
_URL_RE, _MENTION_RE, _EMOJI_RE = _patterns.URL, _patterns.MENTION, _patterns.EMOJI


def formulas() -> pd.DataFrame:
    """List every engagement-rate formula the toolkit knows.

    Returns
    -------
    pandas.DataFrame
        One row per formula. Columns: name, numerator, denominator, applies_to, description, source.
        ``interactions`` = likes + comments + shares + saves + clicks, each counted only where the
        export reports it (<NA> when none of them is reported). This is the toolkit's one
        definition: the engagement rate, ``tk.timing.best_times``, ``content_effects`` and
        ``channel_fit`` all use it. Clicks are in, as in the platforms' own engagement figures.

    Examples
    --------
    >>> import toolkit as tk
    >>> f = tk.performance.formulas().set_index("name")
    >>> f.loc["impressions", "denominator"]
    'impressions'
    """
    return pd.DataFrame([f.__dict__ for f in _FORMULAS]).astype("string")


# ----------------------------------------------------------------------------------------------
# engagement


def _check_columns(table: pd.DataFrame, needed, where: str) -> None:
    require_columns(table, needed, where=where, table="posts")


def _num(table: pd.DataFrame, col: str) -> pd.Series:
    if col not in table.columns:
        return pd.Series(pd.NA, index=table.index, dtype="Float64")
    return pd.to_numeric(table[col], errors="coerce").astype("Float64")


def _interactions(posts: pd.DataFrame) -> pd.Series:
    return _effects.interactions(posts)


def _followers_at(posts: pd.DataFrame, daily: pd.DataFrame | None) -> pd.Series:
    """Followers on (or last reported before) each post's UTC publish day."""
    out = pd.Series(np.nan, index=posts.index, dtype="float64")
    if daily is None:
        return out.astype("Float64")
    fol = daily[daily["metric"] == "followers"][["platform", "account", "date", "value"]].dropna()
    if fol.empty:
        return out.astype("Float64")
    day = posts["published_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    left = pd.DataFrame({"_row": np.arange(len(posts)), "platform": posts["platform"].astype(str),
                         "account": posts["account"].astype("string").fillna("").astype(str),
                         "date": day.astype("datetime64[ns]").to_numpy()}).dropna(subset=["date"])
    right = pd.DataFrame({"platform": fol["platform"].astype(str),
                          "account": fol["account"].astype("string").fillna("").astype(str),
                          "date": pd.to_datetime(fol["date"]).astype("datetime64[ns]").to_numpy(),
                          "followers": fol["value"].astype("float64").to_numpy()})
    m = pd.merge_asof(left.sort_values("date"), right.sort_values("date"), on="date",
                      by=["platform", "account"], direction="backward")
    out.iloc[m["_row"].to_numpy()] = m["followers"].to_numpy()
    return out.astype("Float64")


def _auto_denominator(posts: pd.DataFrame) -> pd.Series:
    """Per platform: the first of reach/impressions/views with a positive value on any post."""
    return _effects.denominators(posts, "auto")


def add_engagement(posts: pd.DataFrame, *, formula: str = "auto",
                   daily: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``interactions``, ``engagement_rate`` and the ``formula`` used to each post.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    formula : str
        A name from :func:`formulas`: "auto" (default), "reach", "impressions", "views",
        "native_engagements", "followers" or "weighted_followers".
    daily : pandas.DataFrame, optional
        Canonical daily table with a ``followers`` metric; needed for the follower formulas.

    Returns
    -------
    pandas.DataFrame
        The same rows (one per post) with new columns ``interactions`` (Int64, likes + comments +
        shares + saves + clicks as reported), ``engagement_rate`` (Float64, numerator /
        denominator of the formula, 0..1 for the reach formula; <NA> when the denominator is not
        reported or is 0, never 0 or inf) and ``formula`` (string: the formula applied to the row;
        for "auto" the chosen one such as "reach").

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> p = pd.DataFrame({"platform": ["x", "x"], "likes": [3, 1], "comments": [1, pd.NA],
    ...                   "impressions": [100, 0]})
    >>> tk.performance.add_engagement(p)["engagement_rate"].tolist()
    [0.04, <NA>]
    """
    return _add_engagement(posts, formula=formula, daily=daily, where="add_engagement")


def _check_formula(formula: str, where: str) -> None:
    if formula not in _FORMULA_NAMES:
        raise ParameterError(f"{where}: formula={formula!r} is not a known engagement-rate formula"
                             f"{did_you_mean(formula, _FORMULA_NAMES)}; valid: "
                             f"{', '.join(repr(f) for f in _FORMULA_NAMES)} (see tk.performance.formulas()).")


def _check_daily(daily, where: str) -> None:
    if daily is not None:
        require_columns(daily, ["platform", "date", "metric", "value"], where=f"{where}(daily=...)",
                        table="daily")


def _add_engagement(posts: pd.DataFrame, *, formula: str, daily, where: str) -> pd.DataFrame:
    """:func:`add_engagement` for the public function ``where`` (named in every message)."""
    _check_columns(posts, ["platform"], f"{where}(posts)")
    _check_formula(formula, f"{where}()")
    _check_daily(daily, where)
    out = posts.copy()
    out["interactions"] = _interactions(posts)
    if formula in ("followers", "weighted_followers"):
        if daily is None:
            raise ParameterError(f"{where}(formula={formula!r}): needs daily=... with a "
                                 "'followers' metric (the canonical daily table, ds.daily); none was given.")
        _check_columns(posts, ["published_at", "account"], f"{where}(posts)")
        den = _followers_at(posts, daily)
        if formula == "followers":
            num = out["interactions"].astype("Float64")
        else:
            num = pd.concat([_num(posts, "likes"), 2 * _num(posts, "comments"),
                             3 * _num(posts, "shares")], axis=1).sum(axis=1, min_count=1)
        names = pd.Series(formula, index=posts.index, dtype="string")
    elif formula == "native_engagements":
        num = _num(posts, "engagements")
        den = _num(posts, "impressions")
        names = pd.Series(formula, index=posts.index, dtype="string")
    else:
        num = out["interactions"].astype("Float64")
        names = (_auto_denominator(posts) if formula == "auto"
                 else pd.Series(formula, index=posts.index, dtype="string"))
        den = pd.Series(pd.NA, index=posts.index, dtype="Float64")
        for d in _DENOMINATORS:
            sel = (names == d).fillna(False).to_numpy()
            if sel.any():
                den[sel] = _num(posts, d)[sel]
    den = den.where(den > 0)
    out["engagement_rate"] = (num / den).astype("Float64")
    out["formula"] = names
    n_na = int(out["engagement_rate"].isna().sum())
    if n_na and n_na < len(out) and formula != "auto":
        warnings.warn(f"{where}(formula={formula!r}): {n_na} of {len(out)} posts have no "
                      "denominator reported; their engagement_rate is <NA>.", stacklevel=3)
    return out


# ----------------------------------------------------------------------------------------------
# KPIs


@renamed(period="freq")
def channel_kpis(posts: pd.DataFrame, *, tz: str | None = None, freq: str = "M",
                 daily: pd.DataFrame | None = None, formula: str = "auto") -> pd.DataFrame:
    """Per platform and period: posts, reach, impressions, engagement rate and growth.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    tz : str
        The audience's IANA time zone, whose calendar defines the periods (required; a call without
        it is read in UTC with a DeprecationWarning for one release).
    freq : str
        Bucket size: "M"/"month" (default), "W"/"week" (Monday start), "D"/"day", "Q"/"quarter",
        "Y"/"year". (Called ``period=`` before 0.2.)
    daily : pandas.DataFrame, optional
        Canonical daily table; its ``followers`` metric gives follower counts per period.
    formula : str
        Engagement-rate formula from :func:`formulas` ("auto" by default).

    Returns
    -------
    pandas.DataFrame
        One row per (platform, account, period_start). Columns: platform, account, period_start
        (naive local start of the period), posts, reach, impressions, views, interactions (sums
        over the period's posts; <NA> when no post reports them), engagement_rate (pooled: sum of
        numerators / sum of denominators over posts where both are reported), formula,
        followers (last daily value in the period, <NA> without ``daily``), posts_growth_rate,
        reach_growth_rate, engagement_rate_change_rate, followers_growth_rate (each
        = this period / previous period - 1, <NA> for the first period or a zero base).
    """
    _check_columns(posts, ["platform", "published_at"], "channel_kpis(posts)")
    tz = need_tz(tz, where="channel_kpis()")
    freq_code(freq, where="channel_kpis()")
    p = _add_engagement(posts, formula=formula, daily=daily, where="channel_kpis")
    if "account" not in p.columns:
        p["account"] = pd.NA
    p["account"] = p["account"].astype("string").fillna("")
    p["period_start"] = period_start(p["published_at"], freq, tz=tz, where="channel_kpis()")
    # numerator recovered from the rate so every formula pools the same way
    den_name = p["formula"]
    den = pd.Series(pd.NA, index=p.index, dtype="Float64")
    for d in _DENOMINATORS:
        sel = (den_name == d).fillna(False).to_numpy()
        den[sel] = _num(p, d)[sel]
    if formula == "native_engagements":
        den = _num(p, "impressions")
    elif formula in ("followers", "weighted_followers"):
        den = _followers_at(p, daily)
    ok = p["engagement_rate"].notna()
    p["_num"] = (p["engagement_rate"] * den).where(ok)
    p["_den"] = den.where(ok)
    keys = ["platform", "account", "period_start"]
    g = p.groupby(keys, sort=True)
    out = g.agg(posts=("post_id" if "post_id" in p.columns else "platform", "size"))
    for c in ("reach", "impressions", "views"):
        out[c] = p.assign(_v=_num(p, c)).groupby(keys)["_v"].sum(min_count=1).round().astype("Int64")
    out["interactions"] = g["interactions"].sum(min_count=1).astype("Int64")
    out["engagement_rate"] = (g["_num"].sum(min_count=1) / g["_den"].sum(min_count=1)).astype("Float64")
    out["formula"] = g["formula"].agg(lambda s: ", ".join(sorted(set(s.dropna())))).astype("string")
    out = out.reset_index()
    out["followers"] = pd.Series(pd.NA, index=out.index, dtype="Float64")
    if daily is not None and len(daily):
        fol = daily[daily["metric"] == "followers"].dropna(subset=["value"]).copy()
        if len(fol):
            fol["account"] = fol["account"].astype("string").fillna("")
            fol["period_start"] = period_start(fol["date"], freq, where="channel_kpis()")
            last = (fol.sort_values("date").groupby(["platform", "account", "period_start"])["value"]
                    .last().astype("Float64").rename("followers_d").reset_index())
            last["period_start"] = last["period_start"].astype("datetime64[ns]")
            out = out.merge(last, on=keys, how="left")
            out["followers"] = out.pop("followers_d").astype("Float64")
    out["posts"] = out["posts"].astype("Int64")
    by = out.groupby(["platform", "account"], sort=False)
    for col, new in (("posts", "posts_growth_rate"), ("reach", "reach_growth_rate"),
                     ("engagement_rate", "engagement_rate_change_rate"),
                     ("followers", "followers_growth_rate")):
        prev = by[col].shift(1).astype("Float64")
        out[new] = (out[col].astype("Float64") / prev.where(prev != 0) - 1).astype("Float64")
    out["platform"] = out["platform"].astype("string")
    out["account"] = out["account"].astype("string")
    return out


_SORT_KEYS = ("engagement_rate", "interactions", *METRICS)


def _old_top_posts_call(kwargs: dict) -> bool:
    # before 0.2 ``by`` was the sort key and ``per`` the group: a call with per=, or with by= naming a
    # metric (no one groups by a metric), is an old call; its names are mapped with a warning.
    return "per" in kwargs or ("sort" not in kwargs and kwargs.get("by") in _SORT_KEYS)


@renamed(by="sort", per="by", when=_old_top_posts_call)
def top_posts(posts: pd.DataFrame, *, n: int = 5, sort: str = "engagement_rate", flop: bool = False,
              formula: str = "auto", by: str | None = "platform") -> pd.DataFrame:
    """The best (or worst) posts per platform, with their links.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    n : int
        Posts per group.
    sort : str
        Column to rank by: "engagement_rate" (default), "interactions" or any metric column.
        (Called ``by=`` before 0.2.)
    flop : bool
        True gives the lowest-ranked posts (flops) instead of the top.
    formula : str
        Engagement-rate formula from :func:`formulas`.
    by : str or None
        Group to rank within ("platform", "account"), or None to rank all posts together.
        (Called ``per=`` before 0.2; ``by=<a metric>`` is still read as the sort key, with a
        DeprecationWarning, for one release.)

    Returns
    -------
    pandas.DataFrame
        One row per listed post. Columns: rank (1 = best, or worst with ``flop=True``), platform,
        account, post_id, published_at, media_type, text, permalink, the ``sort`` column,
        interactions, engagement_rate, formula. Posts without a value for ``sort`` are left out.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"top_posts(n={n!r}): expected a positive number of posts.")
    p = _add_engagement(posts, formula=formula, daily=None, where="top_posts")
    numeric = ["engagement_rate", "interactions",
               *[c for c in p.columns if c not in ("engagement_rate", "interactions")
                 and pd.api.types.is_numeric_dtype(p[c]) and not pd.api.types.is_bool_dtype(p[c])]]
    if sort not in numeric:
        check_choice(sort, numeric, parameter="sort", where="top_posts()", what="column to rank by")
    if by is not None and by not in p.columns:
        check_choice(by, [c for c in ("platform", "account", "media_type") if c in p.columns], parameter="by",
                     where="top_posts()", what="column to group by")
    per, by = by, sort
    p = p[p[by].notna()].copy()
    p["_v"] = pd.to_numeric(p[by]).astype("float64")
    p = p.sort_values(["_v", "post_id" if "post_id" in p.columns else "_v"],
                      ascending=[flop, True], kind="stable")
    if per:
        p["rank"] = p.groupby(per, sort=False).cumcount() + 1
    else:
        p["rank"] = np.arange(1, len(p) + 1)
    p = p[p["rank"] <= n]
    cols = ["rank", "platform", "account", "post_id", "published_at", "media_type", "text", "permalink",
            by, "interactions", "engagement_rate", "formula"]
    cols = list(dict.fromkeys(c for c in cols if c in p.columns))
    sort = [per, "rank"] if per else ["rank"]
    out = p.sort_values(sort, kind="stable")[cols].reset_index(drop=True)
    out["rank"] = out["rank"].astype("Int64")
    return out


# ----------------------------------------------------------------------------------------------
# effects against each account's rolling baseline


def _window_days(window) -> int:
    """Old ``window="56D"`` (full width) as ``baseline_days`` (half-width)."""
    try:
        days = pd.Timedelta(window).total_seconds() / 86400
    except (ValueError, TypeError):
        raise ParameterError(f"window={window!r}: expected a width such as '56D'; better, pass "
                             f"baseline_days=28 (half-width in days).") from None
    return max(1, round(days / 2))


def _residuals(p: pd.DataFrame, metric, per, baseline_days: int, where: str) -> pd.DataFrame:
    """Rows of ``p`` with a measurable performance, plus ``_y``, ``_base``, ``_resid``, ``_per``.

    ``_resid`` = performance minus the account's usual post (:mod:`toolkit._effects`),
    winsorised per account.
    """
    y, logd, names = _effects.performance(p, metric, per)
    q = p.copy()
    q["_logd"] = np.where(names.notna().to_numpy(), logd, 0.0)
    q["account"] = (q["account"].astype("string").fillna("") if "account" in q.columns
                    else pd.Series("", index=q.index, dtype="string"))
    q["_y"] = y
    q["_per"] = names.to_numpy()
    q = q[np.isfinite(q["_y"].to_numpy(dtype=float)) & q["published_at"].notna()]
    keys = (q["platform"].astype(str) + "\x1f" + q["account"].astype(str)).to_numpy()
    r, base = _effects.residuals(q["_y"].to_numpy(dtype=float), q["published_at"], keys,
                                 baseline_days)
    q["_base"] = base
    q["_resid"] = r
    return q


def _features(p: pd.DataFrame) -> pd.DataFrame:
    """One row per (post row label, feature, value) for every post feature content_effects tests."""
    text = p["text"].astype("string").fillna("") if "text" in p.columns else pd.Series(
        "", index=p.index, dtype="string")
    plain = text.str.replace(_URL_RE, "", regex=True).str.strip()
    length = plain.str.len()
    tags = hashtags(text)  # one row per (post, hashtag); id = the post's row label
    n_tags = tags.groupby("id").size().reindex(p.index, fill_value=0)
    feats = {
        "media_type": (p["media_type"].astype("string").str.lower() if "media_type" in p.columns
                       else pd.Series(pd.NA, index=p.index, dtype="string")),
        "text_length": pd.cut(length, [-1, 0, 79, 199, np.inf],
                              labels=["none", "short (<80)", "medium (80-199)", "long (200+)"]
                              ).astype("string"),
        "hashtags": pd.cut(n_tags, [-1, 0, 2, 5, np.inf], labels=["0", "1-2", "3-5", "6+"]
                           ).astype("string"),
        "emoji": text.str.contains(_EMOJI_RE, regex=True).map({True: "yes", False: "no"}),
        "link": text.str.contains(_URL_RE, regex=True).map({True: "yes", False: "no"}),
        "question": is_question(text).map({True: "yes", False: "no"}),
    }
    rows = [pd.DataFrame({"_row": p.index, "feature": k, "value": v.astype("string")})
            for k, v in feats.items()]
    if len(tags):
        hs = pd.DataFrame({"_row": tags["id"].to_numpy(), "feature": "hashtag", "value": tags["hashtag"].to_numpy()})
        rows.append(hs.drop_duplicates())
    out = pd.concat(rows, ignore_index=True)
    return out[out["value"].notna()]


_BINARY = ("emoji", "link", "question")
_EFFECT_COLUMNS = ["platform", "account", "feature", "value", "reference", "n_posts", "n_other",
                   "lift", "ci_low", "ci_high", "p_value", "p_adjusted", "flagged", "metric",
                   "per", "formula", "baseline"]


def _design(feats: pd.DataFrame, rows: np.ndarray, min_posts: int, min_hashtag_uses: int):
    """Groups of columns of one account's joint model: [(feature, kind, ref, n_ref, levels)],
    ``levels`` = [(value, indicator), ...].

    Categorical features (media type, text length band, number of hashtags): every level with
    at least ``min_posts`` posts with and without it (the most common level is the model's
    reference; rare levels stay with it). Yes/no features (emoji, link, question): "yes"
    against "no". Hashtags: each tag used at least ``min_hashtag_uses`` times, against posts
    without it (rarer tags first, so of two tags that always alternate the rarer is kept).
    """
    n = len(rows)
    groups, tag_cols = [], []
    pos_all = pd.Series(np.arange(n), index=rows)
    f = feats[feats["_row"].isin(rows)]
    f = f.assign(_pos=pos_all.reindex(f["_row"].to_numpy()).to_numpy())
    order = {k: i for i, k in enumerate(("media_type", "text_length", "hashtags") + _BINARY)}
    for feat, fg in sorted(f.groupby("feature", sort=True), key=lambda t: order.get(t[0], 99)):
        where = {v: np.unique(g.to_numpy()) for v, g in fg.groupby("value", sort=True)["_pos"]}
        counts = pd.Series({v: len(ix) for v, ix in where.items()}).sort_index()
        if feat == "hashtag":
            kind, ref = "hashtag", "not used"
            levels = [v for v, c in counts.sort_values(kind="stable").items()
                      if c >= max(min_hashtag_uses, min_posts)]
        elif feat in _BINARY:
            kind, ref = "binary", "no"
            levels = ["yes"] if "yes" in counts.index else []
        else:
            kind = "categorical"
            ref = str(counts.sort_values(ascending=False, kind="stable").index[0])
            levels = [v for v in counts.index if v != ref]
        cols = []
        for v in levels:
            x = np.zeros(n)
            x[where[v]] = 1.0
            k = int(x.sum())
            if k >= min_posts and n - k >= min_posts:
                cols.append((str(v), x))
        if cols:
            n_ref = n - int(sum(x.sum() for _, x in cols)) if kind == "categorical" else 0
            if kind == "hashtag":
                tag_cols.append((feat, kind, ref, n_ref, cols))
            else:
                groups.append((feat, kind, ref, n_ref, cols))
    return groups + tag_cols


def _account_effects(grp: pd.DataFrame, groups, *, level, n_boot, rng) -> list[tuple]:
    """Rows (feature, value, reference, n_posts, lift, ci_low, ci_high, p) of one account.

    Two joint fits: every feature together gives the rows of all features but single hashtags;
    the rows of single hashtags come from the same fit without the number-of-hashtags band
    (the band is a re-description of which tags a post carries, and with it in the model no
    single tag could be told apart from it). Each row so comes from a model that holds every
    other feature of the post equal.
    """
    rows = []
    full = [g for g in groups]
    tags = [g for g in groups if g[0] != "hashtags"]
    rows += _fit_rows(grp, full, level=level, n_boot=n_boot, rng=rng,
                      only=lambda feat: feat != "hashtag")
    if any(g[1] == "hashtag" for g in groups):
        rows += _fit_rows(grp, tags, level=level, n_boot=n_boot, rng=rng,
                          only=lambda feat: feat == "hashtag")
    return rows


def _fit_rows(grp: pd.DataFrame, groups, *, level, n_boot, rng, only) -> list[tuple]:
    n = len(grp)
    flat = [(gi, v, x) for gi, g in enumerate(groups) for v, x in g[4]]
    X = np.column_stack([np.ones(n)] + [x for _, _, x in flat])
    keep = _effects.independent_columns(X)
    if 0 not in keep or len(keep) < 2 or n < len(keep) + 5:
        return []
    fit = _effects.robust_fit(grp["_resid"].to_numpy(dtype=float), X[:, keep], level=level,
                              n_boot=n_boot, rng=rng)
    col = {j: i for i, j in enumerate(keep)}                 # design column -> fitted column
    rows = []
    for gi, (feat, kind, ref, n_ref, _) in enumerate(groups):
        if not only(feat):
            continue
        members = [(j, v, x) for j, (g2, v, x) in enumerate(flat, start=1) if g2 == gi and j in col]
        if not members:
            continue
        if kind == "categorical" and fit["draws"] is not None:
            rows += _against_usual_post(feat, ref, n_ref, members, fit, col, level)
            continue
        for j, v, x in members:
            i = col[j]
            rows.append((feat, v, ref, int(x.sum()), fit["coef"][i], fit["low"][i],
                         fit["high"][i], fit["p"][i]))
    return rows


def _against_usual_post(feat, ref, n_ref, members, fit, col, level) -> list[tuple]:
    """Every level of a categorical feature against the account's usual post.

    The model's reference level (the most common) is not a usual post: when reels are the most
    common format and do better, photos and carousels would all look worse against them. Each
    level is instead compared with the post-weighted average of all levels (the account's
    average post, other features held equal): ``c_l = b_l - sum_j (n_j / N) b_j``. Intervals
    come from the bootstrap draws of the same contrast, never narrower than the Student-t
    interval of their standard deviation.
    """
    names = [ref] + [v for _, v, _ in members]
    sizes = np.array([n_ref] + [int(x.sum()) for _, _, x in members], dtype=float)
    idx = [col[j] for j, _, _ in members]
    est = np.concatenate([[0.0], fit["coef"][idx]])
    draws = np.column_stack([np.zeros(len(fit["draws"])), fit["draws"][:, idx]])
    w = sizes / sizes.sum()
    c = est - est @ w
    cd = draws - (draws @ w)[:, None]
    se = cd.std(axis=0, ddof=1)
    low, high, p = _effects.t_interval(c, se, fit["dof"], level)
    qlo, qhi = np.quantile(cd, [0.5 - level / 2, 0.5 + level / 2], axis=0)
    low, high = np.fmin(low, qlo), np.fmax(high, qhi)
    return [(feat, names[i], _USUAL, int(sizes[i]), c[i], low[i], high[i], p[i])
            for i in range(len(names)) if sizes[i] > 0]


_USUAL = "average post"


def content_effects(posts: pd.DataFrame, *, metric: str = "interactions", per: str | None = "auto",
                    baseline_days: int = _effects.BASELINE_DAYS, min_posts: int = 8,
                    min_hashtag_uses: int = 8, n_boot: int = 1000, level: float = 0.95,
                    alpha: float = 0.05, seed: int | None = 0, progress: bool | None = None,
                    **deprecated) -> pd.DataFrame:
    """How posts with a feature did against the same account's usual post, all features jointly.

    Method (the same engine as :func:`toolkit.timing.best_times`, see ``toolkit._effects``):

    1. performance of each post = ``log(1 + interactions) - log(denominator)`` with ``per``
       (default "auto": the engagement rate's denominator, reach / impressions / views where
       the platform reports one; raw interactions elsewhere);
    2. minus the account's usual post: the median performance of its posts within +/-
       ``baseline_days`` days (growth or a quiet month creates no effect); residuals
       winsorised at 3 robust SDs (one viral post cannot carry an effect);
    3. per account, one robust (Huber-weighted) regression of the residual on all features at
       once: media type, text length band, number of hashtags, emoji, link, question and each
       hashtag used at least ``min_hashtag_uses`` times. A hashtag whose posts are also longer
       is so credited to the hashtag, not to the length. Each level of a categorical feature
       (media type, text length, number of hashtags) is compared with the account's average
       post (``reference`` "average post"), a yes/no feature or a hashtag with the posts
       without it (``reference`` "no" / "not used"), the other features held equal;
    4. ``lift = exp(coefficient)``: 1.3 = posts with the value did 30 % better than otherwise
       similar usual posts. Interval: wild bootstrap (``n_boot`` resamples, ``seed``), never
       narrower than the robust (HC3) Student-t interval; p-value two-sided; ``p_adjusted`` =
       Benjamini-Hochberg over every row of the table.

    ``flagged`` = ``p_adjusted < alpha`` and the interval excludes 1. A level is only
    estimated with at least ``min_posts`` posts with it and without it.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    metric : str
        "interactions" (default; likes + comments + shares + saves + clicks where reported) or
        any count column (likes, shares, ...); "engagement_rate" is accepted (then ``per`` is
        not applied again).
    per : {"auto", "reach", "impressions", "views", None}
        Denominator of the performance; "auto" = the engagement rate's choice per platform.
    baseline_days : int
        Half-width in days of the window defining the account's usual post (default 28).
        Replaces ``window`` (a full width such as "56D"), which still works with a warning.
    min_posts : int
        Fewest posts with and without a value before it is estimated (default 8).
    min_hashtag_uses : int
        Fewest uses of a hashtag on the account for it to be estimated.
    n_boot : int
        Wild-bootstrap resamples (0 = Student-t interval only).
    level : float
        Confidence level of the interval.
    alpha : float
        False-discovery rate for ``flagged``.
    seed : int
        Seed of the bootstrap.
    progress : bool, optional
        Show a progress bar. Default None: only on a terminal or in a notebook.

    Returns
    -------
    pandas.DataFrame
        One row per (platform, account, feature, value) estimated. Columns: platform, account,
        feature (media_type, text_length, hashtags, emoji, link, question, hashtag), value (the
        level; for ``hashtag`` the casefolded tag without '#'), reference (the level it is
        compared with), n_posts (posts with the value), n_other (the account's other posts),
        lift, ci_low, ci_high, p_value, p_adjusted, flagged, metric, per (denominator used,
        <NA> = raw counts), formula (what was compared), baseline (description). Sorted by
        platform, feature, lift descending.
    """
    where = "content_effects"
    if "window" in deprecated:
        baseline_days = _window_days(_effects.renamed(deprecated, "window", "baseline_days",
                                                      where, None))
    _effects.no_unknown(deprecated, where)
    _check_columns(posts, ["platform", "published_at"], "content_effects(posts)")
    if not (isinstance(metric, str) and (metric == "interactions" or metric in posts.columns
                                        or metric == "engagement_rate")):
        raise ParameterError(f"content_effects(metric={metric!r}): no such column; use "
                             "'interactions', 'engagement_rate' or a count column such as 'likes'.")
    if not 0 < alpha < 1 or not 0 < level < 1:
        raise ParameterError(f"content_effects(alpha={alpha!r}, level={level!r}): expected "
                             f"numbers between 0 and 1, e.g. alpha=0.05, level=0.95.")
    p = posts
    if metric == "engagement_rate" and metric not in posts.columns:
        p = add_engagement(posts)
    q = _residuals(p, metric, per, baseline_days, where)
    dropped = len(p) - len(q)
    if dropped:
        what = metric if per is None else f"{metric} or its denominator"
        warnings.warn(f"content_effects: ignored {dropped} posts without {what} or publish time.",
                      stacklevel=2)
    q = q.reset_index(drop=True)              # row labels must be unique (a concatenated input)
    feats = _features(q)
    acct = pd.Series(q.groupby(["platform", "account"], sort=True).ngroup().to_numpy())
    feats_of = dict(tuple(feats.groupby(acct.to_numpy()[feats["_row"].to_numpy()], sort=False)))
    rng = np.random.default_rng(seed)
    groups = list(q.groupby(["platform", "account"], sort=True))
    it = groups
    if groups and wanted(progress):
        from tqdm.auto import tqdm  # noqa: PLC0415
        it = tqdm(groups, desc="content effects", leave=False)
    rows = []
    for (plat, acc), grp in it:
        mine = feats_of.get(int(acct.iloc[grp.index[0]]), feats.iloc[:0])
        groups = _design(mine, grp.index.to_numpy(), min_posts, min_hashtag_uses)
        n = len(grp)
        per_name = grp["_per"].dropna().iloc[0] if grp["_per"].notna().any() else pd.NA
        formula = _effects.describe(metric, per_name, baseline_days)
        for feat, val, ref, k, coef, lo, hi, pv in _account_effects(
                grp, groups, level=level, n_boot=n_boot, rng=rng):
            rows.append((plat, acc, feat, val, ref, k, n - k, math.exp(coef), math.exp(lo),
                         math.exp(hi), pv, per_name, formula))
    out = pd.DataFrame(rows, columns=["platform", "account", "feature", "value", "reference",
                                      "n_posts", "n_other", "lift", "ci_low", "ci_high",
                                      "p_value", "per", "formula"])
    out["p_adjusted"] = _effects.bh_adjust(out["p_value"].to_numpy(dtype=float))
    out["flagged"] = ((out["p_adjusted"] < alpha) & ((out["ci_low"] > 1) | (out["ci_high"] < 1))
                      ).astype(bool)
    out["metric"] = metric
    out["baseline"] = (f"account's median of the performance over +/- {baseline_days} days "
                       f"(the usual post)")
    for c in ("platform", "account", "feature", "value", "reference", "metric", "per", "formula",
              "baseline"):
        out[c] = out[c].astype("string")
    for c in ("n_posts", "n_other"):
        out[c] = out[c].astype("Int64")
    for c in ("lift", "ci_low", "ci_high", "p_value", "p_adjusted"):
        out[c] = out[c].astype("float64")  # also when nothing could be tested (empty table)
    out = out[_EFFECT_COLUMNS].sort_values(["platform", "feature", "lift"],
                                           ascending=[True, True, False], kind="stable")
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# channel fit


def _clean_for_match(text: pd.Series) -> pd.Series:
    t = text.astype("string").fillna("").str.casefold()
    t = t.str.replace(_URL_RE, " ", regex=True)
    t = t.map(lambda s: _MENTION_RE.sub(" ", s) if "@" in s or "＠" in s else s, na_action="ignore")
    # hashtags keep their word: the '#' goes with the other punctuation below
    t = t.str.replace(r"[^\w\s]", " ", regex=True).str.replace(r"\s+", " ", regex=True).str.strip()
    return t


def _norm_links(text: pd.Series) -> pd.Series:
    """First URL in each text, normalised (scheme, www, query and trailing slash dropped)."""
    u = text.astype("string").fillna("").str.extract("(" + _URL_RE.pattern + ")", flags=_URL_RE.flags, expand=False)
    u = u.str.casefold().str.replace(_patterns.URL_PREFIX, "", regex=True)
    u = u.str.replace(r"[?#].*$", "", regex=True).str.rstrip("/.,;:!")
    return u.where(u.str.len() > 0)


def _components(n: int, pairs_a: np.ndarray, pairs_b: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix  # noqa: PLC0415
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415
    g = coo_matrix((np.ones(len(pairs_a)), (pairs_a, pairs_b)), shape=(n, n))
    return connected_components(g, directed=False)[1]


def channel_fit(posts: pd.DataFrame, *, metric: str = "interactions", match: str = "both",
                min_similarity: float = 0.97, max_days: float = 2, min_chars: int = 30,
                per: str | None = "auto", baseline_days: int = _effects.BASELINE_DAYS,
                **deprecated) -> pd.DataFrame:
    """Find messages posted on several channels and how each channel received them.

    Posts are grouped when they share a link (normalised URL) or when their cleaned text (URLs,
    mentions, '#' and punctuation removed, casefolded) is a near duplicate (cosine similarity of
    character 3-5-gram TF-IDF vectors >= ``min_similarity``), and were published within
    ``max_days`` of each other. A link used over a longer span (an evergreen shop link) does not
    group posts. Groups that reach at least two platforms are kept.

    ``lift`` of a (group, platform) = exp(mean over the platform's posts in the group of
    their residual against the channel's usual post), with the performance, baseline and
    winsorising of :func:`content_effects` (per reach / impressions / views where reported,
    ``per``; the account's median over +/- ``baseline_days`` days): how the message did on
    that channel compared with the channel's usual post.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    metric : str
        "interactions" (default), "engagement_rate" or a count column.
    match : str
        "link", "text" or "both".
    min_similarity : float
        Text similarity threshold (0..1).
    max_days : float
        Maximum span in days of one group.
    min_chars : int
        Cleaned texts shorter than this are not matched by text.
    per : {"auto", "reach", "impressions", "views", None}
        Denominator of the performance ("auto" = the engagement rate's choice per platform).
    baseline_days : int
        Half-width in days of the window defining the channel's usual post (replaces
        ``window``, a full width such as "56D", which still works with a warning).

    Returns
    -------
    pandas.DataFrame
        One row per (group, platform). Columns: group (e.g. "g001", ordered by first publish time),
        platform, account, n_posts, post_ids (comma-separated), permalink (first post),
        published_at (first post), matched_by ("link", "text" or "link+text"), message (first 80
        characters of the group's first text), value (metric summed over the platform's posts),
        baseline (what the channel's usual post would have got: with a denominator, at these
        posts' reach / impressions / views), lift, metric, per (denominator used), formula.
    """
    if "window" in deprecated:
        baseline_days = _window_days(_effects.renamed(deprecated, "window", "baseline_days",
                                                      "channel_fit", None))
    _effects.no_unknown(deprecated, "channel_fit")
    if match not in ("link", "text", "both"):
        raise ParameterError(f"channel_fit(match={match!r}): expected 'link', 'text' or 'both'.")
    _check_columns(posts, ["platform", "published_at", "text"], "channel_fit(posts)")
    p = posts
    if metric in ("interactions", "engagement_rate") and metric not in posts.columns:
        p = add_engagement(posts)
    q = _residuals(p, metric, per, baseline_days, "channel_fit").reset_index(drop=True)
    n = len(q)
    if n == 0:
        return _empty_fit()
    t_sec = q["published_at"].astype("int64").to_numpy() / 1e9
    max_s = max_days * 86400
    a_parts, b_parts, via = [], [], []
    if match in ("link", "both"):
        link = _norm_links(q["text"])
        lk = pd.DataFrame({"link": link, "t": t_sec, "i": np.arange(n)}).dropna(subset=["link"])
        cl = lk.groupby("link").agg(size=("i", "size"), span=("t", lambda s: s.max() - s.min()))
        n_ever = int(((cl["span"] > max_s) & (cl["size"] >= 2)).sum())
        if n_ever:
            warnings.warn(f"channel_fit: {n_ever} link(s) posted over more than {max_days} days "
                          "(evergreen links such as a shop page) do not group posts.", stacklevel=2)
        good = cl.index[(cl["size"] >= 2) & (cl["span"] <= max_s)]
        lk = lk[lk["link"].isin(good)]
        first = lk.groupby("link")["i"].transform("min").to_numpy()
        a_parts.append(lk["i"].to_numpy())
        b_parts.append(first)
        via.append(("link", lk["i"].to_numpy()))
    if match in ("text", "both"):
        clean = _clean_for_match(q["text"])
        ok = np.flatnonzero(clean.str.len().fillna(0).to_numpy() >= min_chars)
        if len(ok) > 1:
            from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
            X = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=1).fit_transform(
                clean.iloc[ok].astype(str).tolist())
            ta, tb = [], []
            chunk = 2000
            for s in range(0, len(ok), chunk):
                sim = (X[s:s + chunk] @ X.T).tocoo()
                i = sim.row + s
                keep = (sim.data >= min_similarity) & (i < sim.col)
                i, j = i[keep], sim.col[keep]
                close = np.abs(t_sec[ok[i]] - t_sec[ok[j]]) <= max_s
                ta.append(ok[i[close]])
                tb.append(ok[j[close]])
            ta = np.concatenate(ta) if ta else np.array([], dtype=int)
            tb = np.concatenate(tb) if tb else np.array([], dtype=int)
            a_parts.append(ta)
            b_parts.append(tb)
            via.append(("text", np.concatenate([ta, tb])))
    pa = np.concatenate(a_parts) if a_parts else np.array([], dtype=int)
    pb = np.concatenate(b_parts) if b_parts else np.array([], dtype=int)
    comp = _components(n, pa.astype(int), pb.astype(int))
    q["_comp"] = comp
    q["_via_link"] = False
    q["_via_text"] = False
    for kind, idx in via:
        q.loc[np.unique(idx), f"_via_{kind}"] = True
    # split components at gaps longer than max_days; drop pieces that still span longer
    # (chained near-duplicates such as a weekly template are not one message)
    q = q.sort_values(["_comp", "published_at"], kind="stable")
    t_sorted = q["published_at"].astype("int64").to_numpy() / 1e9
    new = (q["_comp"] != q["_comp"].shift()).to_numpy() | (np.diff(t_sorted, prepend=-np.inf) > max_s)
    q["_comp"] = np.cumsum(new)
    span = q.groupby("_comp")["published_at"].transform(lambda s: (s.max() - s.min()).total_seconds())
    nplat = q.groupby("_comp")["platform"].transform("nunique")
    g = q[(nplat >= 2) & (span <= max_s)].copy()
    if g.empty:
        return _empty_fit()
    order = g.groupby("_comp")["published_at"].min().sort_values(kind="stable")
    names = {c: f"g{k + 1:03d}" for k, c in enumerate(order.index)}
    g["group"] = g["_comp"].map(names)
    g = g.sort_values(["group", "platform", "published_at"], kind="stable")
    first_text = g.groupby("group")["text"].first().astype("string").str.slice(0, 80)
    val = pd.to_numeric(g[metric], errors="coerce").astype("float64")
    g["_val"] = val
    g["_expected"] = np.expm1(g["_base"].to_numpy(dtype=float) + g["_logd"].to_numpy(dtype=float))
    agg = g.groupby(["group", "platform"], sort=True).agg(
        account=("account", "first"), n_posts=("_resid", "size"),
        post_ids=("post_id", lambda s: ",".join(map(str, s))),
        permalink=("permalink", "first") if "permalink" in g.columns else ("post_id", lambda s: pd.NA),
        published_at=("published_at", "min"), via_link=("_via_link", "any"),
        via_text=("_via_text", "any"), value=("_val", "sum"), base=("_expected", "sum"),
        resid=("_resid", "mean"), per=("_per", "first")).reset_index()
    agg["matched_by"] = np.where(agg["via_link"] & agg["via_text"], "link+text",
                                 np.where(agg["via_link"], "link", "text"))
    agg["message"] = agg["group"].map(first_text)
    if metric == "engagement_rate" or metric.endswith("_rate"):
        agg["baseline"] = np.nan
    else:
        agg["baseline"] = agg["base"]
    agg["lift"] = np.exp(agg["resid"])
    agg["metric"] = metric
    agg["formula"] = [_effects.describe(metric, d, baseline_days) for d in agg["per"]]
    out = agg[_FIT_COLUMNS].copy()
    for c in ("group", "platform", "account", "post_ids", "permalink", "matched_by", "message",
              "metric", "per", "formula"):
        out[c] = out[c].astype("string")
    out["n_posts"] = out["n_posts"].astype("Int64")
    return out.reset_index(drop=True)


_FIT_COLUMNS = ["group", "platform", "account", "n_posts", "post_ids", "permalink",
                "published_at", "matched_by", "message", "value", "baseline", "lift", "metric",
                "per", "formula"]


def _empty_fit() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="string") for c in _FIT_COLUMNS})
    out["n_posts"] = pd.Series(dtype="Int64")
    out["published_at"] = pd.Series(dtype="datetime64[ns, UTC]")
    for c in ("value", "baseline", "lift"):
        out[c] = pd.Series(dtype="float64")
    return out


def channel_fit_summary(fit: pd.DataFrame, *, n_boot: int = 2000, level: float = 0.95,
                        alpha: float = 0.05, min_groups: int = 5, seed: int = 0) -> pd.DataFrame:
    """Summarise :func:`channel_fit` per platform: how cross-posted messages do on each channel.

    ``lift = exp(mean over groups of log(lift))``, the geometric mean of the per-group lifts
    (each already winsorised against the channel's usual post by :func:`channel_fit`); a
    value of 1.6 means a message posted there did 1.6 times as well as the channel's usual
    post. Interval: the engine of :func:`content_effects` (seeded wild bootstrap over groups,
    never narrower than the robust Student-t interval); ``flagged`` needs the interval to exclude 1
    and the Benjamini-Hochberg adjusted p-value (across platforms) to be below ``alpha``.

    Parameters
    ----------
    fit : pandas.DataFrame
        Output of :func:`channel_fit`.
    n_boot, level, alpha, seed
        Bootstrap resamples, interval level, false-discovery rate, seed.
    min_groups : int
        Platforms with fewer groups get a row but no interval and are never flagged.

    Returns
    -------
    pandas.DataFrame
        One row per platform. Columns: platform, n_groups, lift, ci_low, ci_high, p_value,
        p_adjusted, flagged, metric, formula. Sorted by lift descending.
    """
    _check_columns(fit, ["group", "platform", "lift"], "channel_fit_summary(fit)")
    rng = np.random.default_rng(seed)
    rows = []
    for plat, grp in fit.groupby("platform", sort=True):
        x = np.log(grp["lift"].to_numpy(dtype=float))
        x = x[np.isfinite(x)]
        if len(x) >= min_groups:
            f = _effects.robust_fit(x, np.ones((len(x), 1)), level=level, n_boot=n_boot, rng=rng)
            lift, lo, hi, pv = (math.exp(f["coef"][0]), math.exp(f["low"][0]),
                                math.exp(f["high"][0]), float(f["p"][0]))
        else:
            lift, lo, hi, pv = (math.exp(x.mean()) if len(x) else np.nan), np.nan, np.nan, np.nan
        rows.append((plat, len(x), lift, lo, hi, pv))
    out = pd.DataFrame(rows, columns=["platform", "n_groups", "lift", "ci_low", "ci_high", "p_value"])
    pv = out["p_value"].to_numpy(dtype=float)
    adj = np.full(len(pv), np.nan)
    ok = ~np.isnan(pv)
    adj[ok] = _effects.bh_adjust(pv[ok])
    out["p_adjusted"] = adj
    out["flagged"] = ((out["p_adjusted"] < alpha) & ((out["ci_low"] > 1) | (out["ci_high"] < 1))
                      ).fillna(False).astype(bool)
    metric = fit["metric"].iloc[0] if "metric" in fit.columns and len(fit) else pd.NA
    out["metric"] = pd.Series(metric, index=out.index, dtype="string")
    formula = ("; ".join(sorted(set(fit["formula"].dropna().astype(str))))
               if "formula" in fit.columns and len(fit) else pd.NA)
    out["formula"] = pd.Series(formula, index=out.index, dtype="string")
    out["platform"] = out["platform"].astype("string")
    out["n_groups"] = out["n_groups"].astype("Int64")
    return out.sort_values("lift", ascending=False, kind="stable").reset_index(drop=True)


def platform_posts(posts: pd.DataFrame, *, platform: str | None = None, formula: str = "auto") -> pd.DataFrame:
    """The posts of one platform with their engagement (:func:`add_engagement`).

    For analyses that must not mix platforms (interactions differ by orders of magnitude between
    them), such as weighted keywords.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    platform : str, optional
        The platform; None = the one with the most posts (ties: the last in alphabetical order).
    formula : str
        Engagement-rate formula, see :func:`formulas`.

    Returns
    -------
    pandas.DataFrame
        The platform's posts (one row per post) with interactions, engagement_rate and formula
        added; empty when there are no posts.
    """
    require_columns(posts, ["platform"], where="platform_posts(posts)", table="posts")
    names = posts["platform"].dropna().astype(str)
    if platform is None:
        if names.empty:
            return add_engagement(posts.iloc[:0], formula=formula)
        counts = names.value_counts()
        platform = max(counts[counts == counts.max()].index)
    elif platform not in set(names):
        raise ParameterError(f"platform_posts(platform={platform!r}): no posts of that platform; the posts are "
                             f"from {sorted(set(names))}.")
    return add_engagement(posts[posts["platform"].astype(str) == platform].reset_index(drop=True), formula=formula)


def platform_means(posts: pd.DataFrame, *, metric: str = "interactions") -> pd.DataFrame:
    """The mean of a metric per platform: what a usual post of each platform gets.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table (with ``metric``, e.g. after :func:`add_engagement`).
    metric : str
        Numeric column; posts that do not report it are left out.

    Returns
    -------
    pandas.DataFrame
        One row per platform, sorted. Columns: platform, posts (posts reporting ``metric``),
        ``metric`` (their mean).
    """
    require_columns(posts, ["platform", metric], where="platform_means(posts)", table="posts")
    values = pd.to_numeric(posts[metric], errors="coerce").astype("Float64")
    frame = pd.DataFrame({"platform": posts["platform"].astype("string"), metric: values}).dropna()
    out = frame.groupby("platform", sort=True).agg(posts=(metric, "size"), mean=(metric, "mean")).reset_index()
    return out.rename(columns={"mean": metric})


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
