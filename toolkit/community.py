"""Is the community looked after: replies, response times, unanswered questions, members, spikes.

All functions take the canonical comments table (one row per comment or reply). A *user comment* is
one with ``is_owner == False``; an *account reply* is a comment with ``is_owner == True`` and a
``parent_id``. Everything is vectorised with pandas (no loops over rows), so a million comments take
seconds.

Examples
--------
>>> import pandas as pd, toolkit as tk
>>> c = pd.DataFrame({"platform": ["x", "x"], "account": ["a", "a"], "post_id": ["p", "p"],
...     "comment_id": ["1", "2"], "parent_id": [pd.NA, "1"], "author": ["ann", "a"],
...     "is_owner": [False, True], "text": ["Wann?", "Morgen"],
...     "published_at": pd.to_datetime(["2026-03-02 10:00", "2026-03-02 10:30"], utc=True)})
>>> tk.community.response_rate(c, tz="UTC", freq=None)[["reply_rate", "median_minutes"]].iloc[0].tolist()
[1.0, 30.0]
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import warnings

import numpy as np
import pandas as pd

from ._dates import parse_days
from ._engine import is_dask
from .errors import ParameterError
from ._compat import renamed
from ._time import freq_code, period_start
from ._validate import check_choice, check_kind, check_tz, need_tz
from .schema import require_columns
from .text import is_question

__all__ = [
    "reply_times",
    "response_rate",
    "unanswered_questions",
    "pseudonymize",
    "top_members",
    "negative_spikes",
    "workload",
    "care_summary",
    "tone",
    "worst_posts",
    "thread",
    "top_emoji",
]

#: Salt used when ``salt=None``: random per Python session, so pseudonyms are stable within one
#: report but cannot be recomputed from known names by someone else.
_SESSION_SALT = secrets.token_hex(16)
_WEEKDAYS = (0, 1, 2, 3, 4)


# ----------------------------------------------------------------------------------------------
# helpers


def _check(comments: pd.DataFrame, needed, where: str) -> None:
    require_columns(comments, needed, where=where, table="comments")


def _str(s: pd.Series) -> pd.Series:
    return s.astype("string")


def _hours(business_hours, where: str) -> tuple[int, int]:
    try:
        start, end = business_hours
        sh, sm = (int(x) for x in str(start).split(":"))
        eh, em = (int(x) for x in str(end).split(":"))
    except (TypeError, ValueError):
        raise ParameterError(f"{where}(business_hours={business_hours!r}): expected two 'HH:MM' "
                             "strings such as ('09:00', '17:00').") from None
    a, b = sh * 60 + sm, eh * 60 + em
    if not 0 <= a < b <= 24 * 60:
        raise ParameterError(f"{where}(business_hours={business_hours!r}): the start must be "
                             "before the end, within one day.")
    return a, b


def _weekmask(weekdays, where: str) -> str:
    days = set(int(d) for d in weekdays)
    if not days or not days <= set(range(7)):
        raise ParameterError(f"{where}(weekdays={weekdays!r}): expected weekday numbers 0 (Monday)"
                             " .. 6 (Sunday).")
    return "".join("1" if d in days else "0" for d in range(7))


def _local(ts: pd.Series, tz: str) -> pd.Series:
    """Local wall-clock times in ``tz`` (the input check has made sure ``ts`` carries a zone)."""
    return ts.dt.tz_convert(check_tz(tz)).dt.tz_localize(None)


def _business_clock(local: pd.Series, start: int, end: int, weekmask: str,
                    holidays) -> np.ndarray:
    """Business minutes elapsed between 1970-01-01 and each local naive time (NaN for NaT)."""
    out = np.full(len(local), np.nan)
    ok = local.notna().to_numpy()
    if not ok.any():
        return out
    t = local[ok]
    days = t.dt.normalize().to_numpy().astype("datetime64[D]")
    hol = [] if holidays is None else np.asarray(parse_days(holidays, parameter="holidays"), dtype="datetime64[D]")
    before = np.busday_count(np.datetime64("1970-01-01"), days, weekmask=weekmask, holidays=hol)
    is_bus = np.is_busday(days, weekmask=weekmask, holidays=hol)
    minutes = (t - t.dt.normalize()).dt.total_seconds().to_numpy() / 60
    within = np.clip(minutes - start, 0, end - start) * is_bus
    out[ok] = before * (end - start) + within
    return out


def _in_hours(local: pd.Series, start: int, end: int, weekdays) -> np.ndarray:
    minutes = local.dt.hour * 60 + local.dt.minute
    return (local.dt.day_of_week.isin(list(weekdays)) & (minutes >= start) & (minutes < end)).fillna(
        False).to_numpy(dtype=bool)


def _key(platform: pd.Series, ids: pd.Series):
    """``platform + US + id`` as an array whose dtype does not depend on the number of rows
    (merge keys of both sides must match, also when one side is empty)."""
    return (_str(platform).fillna("") + "\x1f" + _str(ids).fillna("")).astype(str).array


def _thread_root(comments: pd.DataFrame) -> pd.Series:
    """Top-level comment id of each comment's thread (follows parents up to two levels)."""
    plat = _str(comments["platform"]).fillna("").astype(str)
    cid = _str(comments["comment_id"])
    pid = _str(comments["parent_id"])
    parent_of = pd.Series(pid.to_numpy(), index=(plat + "\x1f" + cid.fillna("").astype(str)).to_numpy())
    parent_of = parent_of[~parent_of.index.duplicated()]
    grand = pd.Series(parent_of.reindex((plat + "\x1f" + pid.fillna("").astype(str)).to_numpy())
                      .to_numpy(), index=comments.index, dtype="string")
    return grand.where(pid.notna()).fillna(pid).fillna(cid)


# ----------------------------------------------------------------------------------------------
# replies and response rate


def reply_times(comments: pd.DataFrame, *, tz: str | None = None, match: str = "direct", top_level: bool = True,
                business_hours: tuple[str, str] | None = None,
                weekdays: tuple[int, ...] = _WEEKDAYS, holidays=None) -> pd.DataFrame:
    """Each user comment with the account's first reply to it.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
        A Dask DataFrame runs on the Dask engine and gives a lazy Dask DataFrame (:mod:`toolkit.scale`).
    top_level : bool
        True (default): only top-level user comments (``parent_id`` <NA>) expect a reply; user
        replies inside threads are often conversations among users. False: every user comment.
    match : str
        "direct": a reply is an account comment whose ``parent_id`` is the user comment.
        "thread": any account comment in the same thread (same top-level comment) published at or
        after the user comment also counts (for exports that flatten threads, such as Facebook).
    tz : str, optional
        The audience's IANA time zone, in which the business hours are read (needed with
        ``business_hours``; minutes to reply do not depend on it).
    business_hours : tuple of str, optional
        ("09:00", "17:00"): also compute the reply time counted in business minutes only.
    weekdays : tuple of int
        Business weekdays, 0 = Monday.
    holidays : list of dates, optional
        Days without business hours: dates, or text written ``YYYY-MM-DD`` or ``dd.mm.yyyy``.

    Returns
    -------
    pandas.DataFrame
        One row per user comment (``is_owner == False``; top-level only unless
        ``top_level=False``). Columns: platform, account, post_id,
        comment_id, parent_id, author, published_at, text, replied (bool), first_reply_at,
        minutes_to_reply (Float64, <NA> if not replied), business_minutes_to_reply (Float64, only
        with ``business_hours``: minutes inside business hours between comment and reply).
    """
    if is_dask(comments):  # engine="dask": lazy, partitions of whole posts (toolkit/_dask.py)
        from ._dask import reply_times as on_dask

        return on_dask(comments, tz=tz, match=match, top_level=top_level, business_hours=business_hours,
                       weekdays=weekdays, holidays=holidays)
    return _reply_times(comments, tz=tz, match=match, top_level=top_level, business_hours=business_hours,
                        weekdays=weekdays, holidays=holidays, where="reply_times")


def _reply_times(comments, *, tz, match, top_level, business_hours, weekdays, holidays, where: str):
    _check(comments, ["platform", "comment_id", "parent_id", "is_owner", "published_at"],
           f"{where}(comments)")
    check_choice(match, ("direct", "thread"), parameter="match", where=f"{where}()")
    owner = comments["is_owner"].fillna(False).astype(bool).to_numpy()
    cols = [c for c in ("platform", "account", "post_id", "comment_id", "parent_id", "author",
                        "published_at", "text") if c in comments.columns]
    users = comments.loc[~owner, cols].copy()
    if top_level:
        users = users[users["parent_id"].isna().to_numpy()]
    reps = comments.loc[owner & comments["parent_id"].notna().to_numpy(),
                        ["platform", "comment_id", "parent_id", "published_at"]]
    if match == "direct":
        ukey = _str(users["comment_id"])
        rkey = _str(reps["parent_id"])
    else:
        root = _thread_root(comments)
        ukey = root[users.index]
        rkey = root[reps.index]
    left = pd.DataFrame({"_i": np.arange(len(users)), "_k": _key(users["platform"], ukey),
                         "_t": users["published_at"].astype("datetime64[ns, UTC]").array})
    right = pd.DataFrame({"_k": _key(reps["platform"], rkey),
                          "first_reply_at": reps["published_at"].astype("datetime64[ns, UTC]").array})
    right["_t"] = right["first_reply_at"]
    left_ok = left[left["_t"].notna()].sort_values("_t", kind="stable")
    right = right[right["_t"].notna()].sort_values("_t", kind="stable")
    if len(left_ok) and len(right):
        m = pd.merge_asof(left_ok, right, on="_t", by="_k", direction="forward")
    else:  # pandas' merge_asof cannot join empty Arrow-backed keys; nothing to match anyway
        m = left_ok.assign(first_reply_at=pd.Series(pd.NaT, index=left_ok.index, dtype="datetime64[ns, UTC]"))
    first = pd.Series(pd.NaT, index=range(len(users)), dtype="datetime64[ns, UTC]")
    first.iloc[m["_i"].to_numpy()] = m["first_reply_at"].astype("datetime64[ns, UTC]").array
    out = users.reset_index(drop=True)
    out["first_reply_at"] = first.array
    out["replied"] = out["first_reply_at"].notna().to_numpy(dtype=bool)
    out["minutes_to_reply"] = ((out["first_reply_at"] - out["published_at"]).dt.total_seconds() / 60
                               ).astype("Float64")
    if business_hours is not None:
        a, b = _hours(business_hours, where)
        mask = _weekmask(weekdays, where)
        tz = need_tz(tz, where=f"{where}(business_hours=...)")
        c0 = _business_clock(_local(out["published_at"], tz), a, b, mask, holidays)
        c1 = _business_clock(_local(out["first_reply_at"], tz), a, b, mask, holidays)
        out["business_minutes_to_reply"] = pd.array(c1 - c0, dtype="Float64")
    order = [c for c in cols if c != "published_at"][:6] + ["published_at"]
    rest = [c for c in out.columns if c not in order]
    return out[order + rest]


@renamed(period="freq")
def response_rate(comments: pd.DataFrame, *, tz: str | None = None, freq: str | None = "W",
                  match: str = "direct", top_level: bool = True, business_hours: tuple[str, str] | None = None,
                  weekdays: tuple[int, ...] = _WEEKDAYS, holidays=None) -> pd.DataFrame:
    """Response rate and time to first reply per platform (and period).

    ``reply_rate`` = user comments with at least one account reply / user comments (top-level
    user comments by default, see ``top_level``).
    ``median_minutes`` and ``p90_minutes`` are the median and 90th percentile of the minutes from a
    user comment to the account's first reply, over replied comments. Periods follow the user
    comment's local time in ``tz``.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
        A Dask DataFrame runs on the Dask engine and gives the same table (:mod:`toolkit.scale`).
    tz : str
        The audience's IANA time zone, for periods and business hours (required; a call without
        it is read in UTC with a DeprecationWarning for one release).
    freq : str or None
        Bucket size: "W"/"week" (Monday start, default), "M"/"month", "D"/"day", "Q", "Y", or None
        for the whole time. (Called ``period=`` before 0.2.)
    match, top_level
        Which replies count and which comments expect one, see :func:`reply_times`.
    business_hours : tuple of str, optional
        ("09:00", "17:00") adds business-time columns.
    weekdays, holidays
        Business weekdays (0 = Monday) and days off.

    Returns
    -------
    pandas.DataFrame
        One row per (platform, account, period_start) (without ``period_start`` when
        ``freq=None``). Columns: platform, account, [period_start], user_comments, replied,
        reply_rate, median_minutes, p90_minutes; with ``business_hours`` also
        business_median_minutes, business_p90_minutes (reply time counted inside business hours
        only), account_replies (account comments with a parent, by their own time),
        replies_outside_hours, outside_hours_rate (= replies_outside_hours / account_replies).
    """
    _check(comments, ["platform", "comment_id", "parent_id", "is_owner", "published_at"],
           "response_rate(comments)")
    tz = need_tz(tz, where="response_rate()")
    if freq is not None:
        freq_code(freq, where="response_rate()")
    if is_dask(comments):  # engine="dask": computed partition-wise (toolkit/_dask.py)
        from ._dask import response_rate as on_dask

        return on_dask(comments, tz=tz, freq=freq, match=match, top_level=top_level,
                       business_hours=business_hours, weekdays=weekdays, holidays=holidays)
    rt = _reply_times(comments, match=match, top_level=top_level, tz=tz, business_hours=business_hours,
                      weekdays=weekdays, holidays=holidays, where="response_rate")
    return _rate_table(rt, comments, tz=tz, freq=freq, business_hours=business_hours, weekdays=weekdays,
                       holidays=holidays)


def _rate_table(rt: pd.DataFrame, comments: pd.DataFrame, *, tz: str, freq, business_hours, weekdays,
                holidays) -> pd.DataFrame:
    """response_rate's table from :func:`_reply_times` rows; ``comments`` gives the account replies (rows
    with ``is_owner`` and a parent). Groups never mix rows of different (platform, account, period), so the
    Dask engine runs this per partition after shuffling both by that key (toolkit/_dask.py)."""
    rt["account"] = _str(rt["account"]).fillna("") if "account" in rt.columns else ""
    keys = ["platform", "account"]
    if freq is not None:
        rt["period_start"] = period_start(rt["published_at"], freq, tz=tz, where="response_rate()")
        keys.append("period_start")
    rt["_m"] = rt["minutes_to_reply"].astype("float64")
    g = rt.groupby(keys, sort=True)
    out = g.agg(user_comments=("replied", "size"), replied=("replied", "sum"),
                median_minutes=("_m", "median"),
                p90_minutes=("_m", lambda s: s.quantile(0.9)))
    if business_hours is not None:
        rt["_b"] = rt["business_minutes_to_reply"].astype("float64")
        out["business_median_minutes"] = g["_b"].median()
        out["business_p90_minutes"] = g["_b"].quantile(0.9)
    out = out.reset_index()
    out["reply_rate"] = (out["replied"] / out["user_comments"]).astype("Float64")
    for c in ("user_comments", "replied"):
        out[c] = out[c].astype("Int64")
    cols = keys + ["user_comments", "replied", "reply_rate", "median_minutes", "p90_minutes"]
    if business_hours is not None:
        a, b = _hours(business_hours, "response_rate")
        owner = comments["is_owner"].fillna(False).astype(bool).to_numpy()
        reps = comments.loc[owner & comments["parent_id"].notna().to_numpy()].copy()
        reps["account"] = _str(reps["account"]).fillna("") if "account" in reps.columns else ""
        loc = _local(reps["published_at"], tz)
        reps["_out"] = ~_in_hours(loc, a, b, weekdays)
        if holidays is not None:
            hol = set(pd.to_datetime(parse_days(holidays, parameter="holidays")))
            reps["_out"] = reps["_out"] | loc.dt.normalize().isin(hol).to_numpy()
        if freq is not None:
            reps["period_start"] = period_start(reps["published_at"], freq, tz=tz, where="response_rate()")
        ra = reps.groupby(keys).agg(account_replies=("_out", "size"),
                                    replies_outside_hours=("_out", "sum")).reset_index()
        for k in keys[:2]:
            ra[k] = ra[k].astype(str)
            out[k] = out[k].astype(str)
        out = out.merge(ra, on=keys, how="left")
        for c in ("account_replies", "replies_outside_hours"):
            out[c] = out[c].fillna(0).astype("Int64")
        out["outside_hours_rate"] = (out["replies_outside_hours"].astype("Float64")
                                     / out["account_replies"].astype("Float64").where(
                                         out["account_replies"] > 0))
        cols += ["business_median_minutes", "business_p90_minutes", "account_replies",
                 "replies_outside_hours", "outside_hours_rate"]
    for c in ("median_minutes", "p90_minutes", "business_median_minutes", "business_p90_minutes"):
        if c in out.columns:
            out[c] = out[c].astype("Float64")
    out["platform"] = out["platform"].astype("string")
    out["account"] = out["account"].astype("string")
    return out[cols]


def unanswered_questions(comments: pd.DataFrame, *, posts: pd.DataFrame | None = None,
                         match: str = "direct", top_level: bool = True, as_of=None
                         ) -> pd.DataFrame:
    """User comments that ask a question and got no reply from the account, newest first.

    Questions are detected by :func:`toolkit.text.is_question` (English and German) when
    available, else by a question mark.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
    posts : pandas.DataFrame, optional
        Canonical posts table; gives the ``permalink`` of the post commented on.
    match, top_level
        Which replies count and which comments expect one, see :func:`reply_times`.
    as_of : timestamp, optional
        Reference time for ``age_hours`` (default: the newest comment in the table).

    Returns
    -------
    pandas.DataFrame
        One row per unanswered question. Columns: platform, account, post_id, comment_id, author,
        published_at, text, age_hours (hours from the question to ``as_of``), permalink (of the
        post; <NA> without ``posts`` or for unlinked comments).
    """
    _check(comments, ["text"], "unanswered_questions(comments)")
    if posts is not None:
        check_kind(posts, "posts", where="unanswered_questions(posts=...)")
    rt = _reply_times(comments, match=match, top_level=top_level, tz=None, business_hours=None,
                      weekdays=_WEEKDAYS, holidays=None, where="unanswered_questions")
    q = rt[~rt["replied"] & is_question(rt["text"].astype("string").fillna("")).to_numpy(dtype=bool)].copy()
    ref = pd.Timestamp(as_of) if as_of is not None else comments["published_at"].max()
    if ref is not pd.NaT and ref.tzinfo is None:
        ref = ref.tz_localize("UTC")
    q["age_hours"] = ((ref - q["published_at"]).dt.total_seconds() / 3600).astype("Float64")
    q["permalink"] = pd.Series(pd.NA, index=q.index, dtype="string")
    if posts is not None and "permalink" in posts.columns and len(q):
        link = posts[["platform", "post_id", "permalink"]].drop_duplicates(["platform", "post_id"])
        key = _str(link["platform"]).astype(str) + "\x1f" + _str(link["post_id"]).astype(str)
        lk = pd.Series(_str(link["permalink"]).to_numpy(), index=key.to_numpy())
        qk = _str(q["platform"]).astype(str) + "\x1f" + _str(q["post_id"]).astype(str)
        q["permalink"] = pd.array(lk.reindex(qk.to_numpy()).to_numpy(), dtype="string")
    cols = [c for c in ("platform", "account", "post_id", "comment_id", "author", "published_at",
                        "text", "age_hours", "permalink") if c in q.columns]
    return q.sort_values(["published_at", "comment_id"], ascending=[False, True],
                         kind="stable")[cols].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# members


def _pseudonym_map(names: pd.Series, salt: str | None, prefix: str) -> pd.Series:
    uniq = pd.Series(names.dropna().astype(str).unique())
    key = (salt if salt is not None else _SESSION_SALT).encode()
    digests = uniq.map(lambda n: hmac.new(key, n.encode(), hashlib.sha256).hexdigest())
    length = 4
    while digests.str.slice(0, length).duplicated().any() and length < 64:
        length += 2
    return pd.Series((prefix + digests.str.slice(0, length)).to_numpy(), index=uniq.to_numpy())


@renamed(col="author_col")
def pseudonymize(comments: pd.DataFrame, *, salt: str | None = None, author_col: str = "author",
                 prefix: str = "member-", text_cols: tuple[str, ...] = ("text",)) -> pd.DataFrame:
    """Replace commenters' names with stable pseudonyms such as "member-3f9a".

    The pseudonym is the start of an HMAC-SHA256 of the name keyed with ``salt`` (4 hex digits,
    longer when two names in the table would collide). The same name gets the same pseudonym
    within a report; the account's own name (authors of ``is_owner`` comments) stays.
    ``@name`` mentions of these commenters inside ``text_cols`` get the same pseudonym, so a
    reply such as "@Jörg Kaya danke!" does not give the name away. (Names of people who never
    commented in the table cannot be recognised and stay.)

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table (or any table with ``author_col``).
    salt : str, optional
        Key of the hash. Without it a random key per Python session is used: stable within one
        report, not reproducible elsewhere. Pass your own secret to keep pseudonyms across reports.
    author_col : str
        Column holding the names. (Called ``col=`` before 0.2.)
    prefix : str
        Text before the hash.
    text_cols : tuple of str
        Text columns in which ``@name`` mentions of the pseudonymised commenters are replaced.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns; ``author_col`` holds pseudonyms for non-owner authors.
    """
    col = author_col
    _check(comments, [col], "pseudonymize(comments)")
    out = comments.copy()
    names = _str(out[col])
    owner_names = set()
    if "is_owner" in out.columns:
        owner_names = set(names[out["is_owner"].fillna(False).astype(bool)].dropna())
    keep = names.isin(owner_names) | names.isna()
    mapping = _pseudonym_map(names[~keep], salt, prefix)
    out[col] = names.where(keep, pd.array(mapping.reindex(names.astype(str).to_numpy()).to_numpy(),
                                          dtype="string"))
    if len(mapping):
        for tc in (c for c in text_cols if c in out.columns):
            out[tc] = _replace_mentions(_str(out[tc]), mapping)
    return out


def _replace_mentions(text: pd.Series, mapping: pd.Series) -> pd.Series:
    """Replace ``@name`` (any of mapping's names, longest first, case-insensitive) by ``@pseudonym``."""
    names = sorted(mapping.index, key=len, reverse=True)
    pattern = re.compile("@(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE)
    lookup = {n.casefold(): v for n, v in mapping.items()}
    has_at = text.str.contains("@", regex=False).fillna(False).astype(bool)
    if not has_at.any():
        return text
    replaced = text[has_at].map(lambda t: pattern.sub(lambda m: "@" + lookup[m.group(1).casefold()], t))
    out = text.copy()
    out[has_at] = replaced.astype("string")
    return out


def _negative_flags(comments: pd.DataFrame, label_col: str, score_col: str,
                    negative_below: float) -> tuple[pd.Series, pd.Series]:
    """(is_negative as boolean with <NA>, score as Float64) with lazy sentiment scoring."""
    c = comments
    if label_col not in c.columns and score_col not in c.columns:
        try:
            from .text import add_sentiment  # noqa: PLC0415
        except (ImportError, AttributeError):
            raise ParameterError(f"comments have neither '{label_col}' nor '{score_col}' and "
                                 "toolkit.text.add_sentiment is not available; add a sentiment "
                                 "column first or pass label_col=/score_col=.") from None
        c = add_sentiment(c, overwrite=True)  # a working copy: only its scores are read
    score = (pd.to_numeric(c[score_col], errors="coerce").astype("Float64")
             if score_col in c.columns else pd.Series(pd.NA, index=c.index, dtype="Float64"))
    if label_col in c.columns:
        neg = _str(c[label_col]).str.casefold().eq("negative")
    else:
        neg = score < negative_below
    return neg.astype("boolean"), score


def top_members(comments: pd.DataFrame, *, n: int = 10, pseudonymize: bool = True,
                salt: str | None = None, label_col: str = "sentiment_label",
                score_col: str = "sentiment_score", negative_below: float = -0.05) -> pd.DataFrame:
    """The most active commenters and their tone.

    Ranked by number of comments (ties by name). Sentiment is read from ``label_col``/``score_col``;
    when neither exists, :func:`toolkit.text.add_sentiment` scores the texts.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
    n : int
        Members to list.
    pseudonymize : bool
        Replace names with keyed-hash pseudonyms (default), see :func:`pseudonymize`.
    salt : str, optional
        Key of the pseudonyms.
    label_col, score_col : str
        Sentiment columns; a comment is negative when the label is "negative" (or, without
        labels, when the score is below ``negative_below``).

    Returns
    -------
    pandas.DataFrame
        One row per member. Columns: rank, author, comments (count), posts (distinct posts
        commented on), platforms (comma-separated), first_at, last_at, replied_rate (= their
        comments with an account reply / their comments), mean_sentiment (mean score, <NA>
        without scores), negative_rate (= negative comments / comments with sentiment).
    """
    if n < 1:
        raise ParameterError(f"top_members(n={n}): expected a positive number.")
    _check(comments, ["author", "is_owner", "comment_id", "parent_id", "published_at"],
           "top_members(comments)")
    rt = _reply_times(comments, match="direct", top_level=False, tz=None, business_hours=None,
                      weekdays=_WEEKDAYS, holidays=None, where="top_members")
    owner = comments["is_owner"].fillna(False).astype(bool).to_numpy()
    users = comments.loc[~owner].reset_index(drop=True)
    neg, score = _negative_flags(users, label_col, score_col, negative_below)
    d = pd.DataFrame({"author": _str(users["author"]).to_numpy(),
                      "post": (_str(users["platform"]).astype(str) + "\x1f"
                               + _str(users["post_id"]).fillna("").astype(str)).to_numpy(),
                      "platform": _str(users["platform"]).to_numpy(),
                      "published_at": users["published_at"].array,
                      "replied": rt["replied"].to_numpy(dtype=bool),
                      "neg": neg.astype("Float64").to_numpy(),
                      "score": score.to_numpy()})
    d = d[d["author"].notna()]
    g = d.groupby("author", sort=True)
    out = g.agg(comments=("post", "size"), posts=("post", "nunique"),
                platforms=("platform", lambda s: ",".join(sorted(set(s)))),
                first_at=("published_at", "min"), last_at=("published_at", "max"),
                replied_rate=("replied", "mean"), mean_sentiment=("score", "mean"),
                negative_rate=("neg", "mean")).reset_index()
    out = out.sort_values(["comments", "author"], ascending=[False, True], kind="stable").head(n)
    out.insert(0, "rank", pd.array(np.arange(1, len(out) + 1), dtype="Int64"))
    if pseudonymize:
        mapping = _pseudonym_map(d["author"], salt, "member-")
        out["author"] = mapping.reindex(out["author"].astype(str).to_numpy()).to_numpy()
    out["author"] = out["author"].astype("string")
    out["platforms"] = out["platforms"].astype("string")
    for c in ("comments", "posts"):
        out[c] = out[c].astype("Int64")
    for c in ("replied_rate", "mean_sentiment", "negative_rate"):
        out[c] = out[c].astype("Float64")
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# negative spikes


def negative_spikes(comments: pd.DataFrame, *, tz: str | None = None, by: str = "day", window: int = 28,
                    min_history: int = 7, min_negative: int = 5, min_ratio: float = 2.0,
                    alpha: float = 0.01, label_col: str = "sentiment_label",
                    score_col: str = "sentiment_score", negative_below: float = -0.05
                    ) -> pd.DataFrame:
    """Days (or posts) where negative comments rise far above their usual share: early warnings.

    Per platform and account, each unit (a local day, or a post) gets a baseline negative share:
    the pooled share (negative / comments) over the previous ``window`` units, but never below half
    the pooled share over the whole table (so a quiet stretch with no negatives does not make one
    grumpy comment an alarm); before ``min_history`` units exist, the pooled share over the whole
    table. The unit itself is never part of its baseline, nor is any unit that already passes
    the count and ratio tests below against the whole table's share (so a three-day storm does
    not hide its own second and third day). The unit is flagged when

    * it has at least ``min_negative`` negative comments,
    * ``negative_rate >= min_ratio x baseline_rate``, and
    * the binomial tail probability P(X >= negative | comments, baseline_rate) is below
      ``alpha / m`` (Bonferroni over the m units tested).

    m counts the units of the whole table passed in, over all platforms: one call on all channels
    is stricter per day than one call per platform, and so can flag fewer days (call it once for
    the answer to "which days need attention", per platform for each channel's own view).

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table with a sentiment label or score (else scored lazily with
        :func:`toolkit.text.add_sentiment`). Only user comments count.
        A Dask DataFrame runs on the Dask engine and gives the same table (:mod:`toolkit.scale`).
    by : str
        "day" (local calendar day in ``tz``) or "post".
    tz : str
        The audience's IANA time zone, whose calendar days are the units of ``by="day"`` (required
        there; a call without it is read in UTC with a DeprecationWarning for one release).
    window : int
        Units in the rolling baseline.
    min_history : int
        Units needed before the rolling median is used (before that: the overall median).
    min_negative, min_ratio, alpha
        Flagging thresholds, see above.

    Returns
    -------
    pandas.DataFrame
        One row per (platform, account, date) for ``by="day"`` (every day from the first to the
        last comment, zero-filled) or per (platform, account, post_id) for ``by="post"``.
        Columns: platform, account, date or post_id (with first_comment_at), comments, negative,
        negative_rate (= negative / comments), baseline_rate, ratio (= negative_rate /
        baseline_rate), p_value, flagged. Filter ``flagged`` for the warnings.
    """
    _check(comments, ["platform", "is_owner", "published_at"], "negative_spikes(comments)")
    check_choice(by, ("day", "post"), parameter="by", where="negative_spikes()", what="unit")
    if by == "day":
        tz = need_tz(tz, where="negative_spikes()")
    if by == "post":
        _check(comments, ["post_id"], "negative_spikes(comments, by='post')")
    if is_dask(comments):  # engine="dask": counts per partition, added up (toolkit/_dask.py)
        from ._dask import negative_spikes as on_dask

        return on_dask(comments, by=by, tz=tz, label_col=label_col, score_col=score_col,
                       negative_below=negative_below,
                       test=dict(window=window, min_history=min_history, min_negative=min_negative,
                                 min_ratio=min_ratio, alpha=alpha))
    agg, n_un = _spike_counts(comments, by=by, tz=tz, label_col=label_col, score_col=score_col,
                              negative_below=negative_below)
    if n_un:
        warnings.warn(f"negative_spikes(by='post'): ignored {n_un} comments not linked to a "
                      "post.", stacklevel=2)
    return _spike_test(agg, by=by, window=window, min_history=min_history, min_negative=min_negative,
                       min_ratio=min_ratio, alpha=alpha)


def _spike_counts(comments: pd.DataFrame, *, by: str, tz, label_col: str, score_col: str,
                  negative_below: float) -> tuple[pd.DataFrame, int]:
    """(comments and negative comments per unit, indexed by (platform, account, date|post_id); with
    first_comment_at for posts), and the number of user comments not linked to a post (by="post").
    Sums (and the minimum) over parts of the table give the counts of the whole: the Dask engine
    adds up these tables of its partitions (toolkit/_dask.py)."""
    users = comments.loc[~comments["is_owner"].fillna(False).astype(bool).to_numpy()]
    neg, _ = _negative_flags(users, label_col, score_col, negative_below)
    d = pd.DataFrame({"platform": _str(users["platform"]).to_numpy(),
                      "account": (_str(users["account"]).fillna("") if "account" in users.columns
                                  else pd.Series("", index=users.index)).to_numpy(),
                      "published_at": users["published_at"].array,
                      "neg": neg.fillna(False).astype(bool).to_numpy()})
    d["published_at"] = d["published_at"].astype("datetime64[ns, UTC]")
    if by == "day":
        d["date"] = _local(d["published_at"], tz).dt.normalize().astype("datetime64[ns]")
        unit = ["platform", "account", "date"]
        return d.groupby(unit).agg(comments=("neg", "size"), negative=("neg", "sum")), 0
    d["post_id"] = _str(users["post_id"]).to_numpy()
    n_un = int(d["post_id"].isna().sum())
    d = d[d["post_id"].notna()]
    unit = ["platform", "account", "post_id"]
    return d.groupby(unit).agg(comments=("neg", "size"), negative=("neg", "sum"),
                               first_comment_at=("published_at", "min")), n_un


def _spike_test(agg: pd.DataFrame, *, by: str, window: int, min_history: int, min_negative: int,
                min_ratio: float, alpha: float) -> pd.DataFrame:
    """negative_spikes' table from :func:`_spike_counts` (days zero-filled, baselines, tests)."""
    from scipy.stats import binom  # noqa: PLC0415
    if by == "day":
        unit = ["platform", "account", "date"]
        full = []
        for (plat, acc), grp in agg.groupby(level=[0, 1], sort=True):
            days = grp.index.get_level_values(2)
            rng = pd.date_range(days.min(), days.max(), freq="D")
            idx = pd.MultiIndex.from_product([[plat], [acc], rng], names=unit)
            full.append(grp.reindex(idx, fill_value=0))
        agg = (pd.concat(full) if full else agg).reset_index()
        order_col = "date"
    else:
        agg = agg.reset_index()
        order_col = "first_comment_at"
    agg = agg.sort_values(["platform", "account", order_col], kind="stable").reset_index(drop=True)
    agg["negative_rate"] = agg["negative"] / agg["comments"].where(agg["comments"] > 0)
    by_acc = agg.groupby(["platform", "account"], sort=False)
    pooled0 = by_acc["negative"].transform("sum") / by_acc["comments"].transform("sum")
    # units that already look like spikes against the whole table do not feed any baseline
    screen = (agg["negative"] >= min_negative) & (agg["negative_rate"] >= min_ratio * pooled0)
    agg["_k"] = agg["negative"].where(~screen, 0)
    agg["_n"] = agg["comments"].where(~screen, 0)
    by_acc = agg.groupby(["platform", "account"], sort=False)
    pooled = (by_acc["_k"].transform("sum")
              / by_acc["_n"].transform("sum").where(lambda s: s > 0)).to_numpy(dtype=float)
    trail_k = by_acc["_k"].transform(lambda s: s.shift(1).rolling(window, min_periods=min_history).sum())
    trail_n = by_acc["_n"].transform(lambda s: s.shift(1).rolling(window, min_periods=min_history).sum())
    rolling = (trail_k / trail_n.where(trail_n > 0)).to_numpy(dtype=float)
    base = np.where(np.isnan(rolling), pooled, np.fmax(rolling, pooled / 2))
    agg = agg.drop(columns=["_k", "_n"])
    agg["baseline_rate"] = base
    agg["ratio"] = agg["negative_rate"] / agg["baseline_rate"].where(agg["baseline_rate"] > 0)
    k = agg["negative"].to_numpy(dtype=float)
    n = agg["comments"].to_numpy(dtype=float)
    p = np.where(n > 0, binom.sf(k - 1, n, np.clip(base, 1e-9, 1)), 1.0)
    agg["p_value"] = p
    tested = (agg["negative"] >= min_negative).to_numpy()
    m = max(int((agg["comments"] > 0).sum()), 1)
    ratio_ok = (agg["negative_rate"] >= min_ratio * agg["baseline_rate"]).fillna(False).to_numpy()
    agg["flagged"] = tested & ratio_ok & (p < alpha / m)
    for c in ("comments", "negative"):
        agg[c] = agg[c].astype("Int64")
    for c in ("negative_rate", "baseline_rate", "ratio", "p_value"):
        agg[c] = agg[c].astype("Float64")
    agg["platform"] = agg["platform"].astype("string")
    agg["account"] = agg["account"].astype("string")
    if by == "post":
        agg["post_id"] = agg["post_id"].astype("string")
    agg["flagged"] = agg["flagged"].astype(bool)
    return agg


# ----------------------------------------------------------------------------------------------
# workload


def workload(comments: pd.DataFrame, *, tz: str, business_hours: tuple[str, str] = ("09:00", "17:00"),
             weekdays: tuple[int, ...] = _WEEKDAYS) -> pd.DataFrame:
    """When comments arrive versus when the team replies, by weekday and hour in ``tz``.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
        A Dask DataFrame runs on the Dask engine and gives the same table (:mod:`toolkit.scale`).
    tz : str
        Time zone of the clock (e.g. "Europe/Berlin").
    business_hours : tuple of str
        Working hours ("09:00", "17:00").
    weekdays : tuple of int
        Working weekdays, 0 = Monday.

    Returns
    -------
    pandas.DataFrame
        One row per (platform, weekday, hour), all 7 x 24 slots per platform. Columns: platform,
        weekday (0 = Monday), hour (0..23, local), incoming (user comments), replies (account
        comments with a parent), in_business_hours (bool: the slot starts inside business hours),
        incoming_share, replies_share (= count / the platform's total; <NA> when the total is 0).
    """
    _check(comments, ["platform", "is_owner", "parent_id", "published_at"], "workload(comments)")
    a, b = _hours(business_hours, "workload")
    _weekmask(weekdays, "workload")
    if is_dask(comments):  # engine="dask": counts per partition, added up (toolkit/_dask.py)
        from ._dask import workload as on_dask

        return on_dask(comments, tz=tz, a=a, b=b, weekdays=weekdays)
    return _workload_table(_workload_counts(comments, tz=tz), a=a, b=b, weekdays=weekdays)


def _workload_counts(comments: pd.DataFrame, *, tz: str) -> pd.DataFrame:
    """Incoming comments and account replies per (platform, weekday, hour) that occur; sums over parts of
    the table give the whole's (the Dask engine adds up its partitions', toolkit/_dask.py)."""
    owner = comments["is_owner"].fillna(False).astype(bool).to_numpy()
    reply = owner & comments["parent_id"].notna().to_numpy()
    loc = _local(comments["published_at"], tz)
    d = pd.DataFrame({"platform": _str(comments["platform"]).to_numpy(),
                      "weekday": loc.dt.day_of_week.to_numpy(), "hour": loc.dt.hour.to_numpy(),
                      "incoming": ~owner, "replies": reply}).dropna(subset=["weekday"])
    return d.groupby(["platform", "weekday", "hour"])[["incoming", "replies"]].sum()


def _workload_table(counts: pd.DataFrame, *, a: int, b: int, weekdays) -> pd.DataFrame:
    """workload's table (all 7 x 24 slots of every platform, shares) from :func:`_workload_counts`."""
    plats = sorted(counts.index.get_level_values("platform").dropna().unique())
    idx = pd.MultiIndex.from_product([plats, range(7), range(24)],
                                     names=["platform", "weekday", "hour"])
    out = counts.reindex(idx, fill_value=0).reset_index()
    out["weekday"] = out["weekday"].astype("int64")
    out["hour"] = out["hour"].astype("int64")
    out["in_business_hours"] = (out["weekday"].isin(list(weekdays)) & (out["hour"] * 60 >= a)
                                & (out["hour"] * 60 < b)).astype(bool)
    for c in ("incoming", "replies"):
        tot = out.groupby("platform")[c].transform("sum")
        out[c] = out[c].astype("Int64")
        out[f"{c}_share"] = (out[c].astype("Float64") / tot.where(tot > 0)).astype("Float64")
    out["platform"] = out["platform"].astype("string")
    return out


def care_summary(comments: pd.DataFrame, *, tz: str, business_hours: tuple[str, str] | None = ("09:00", "17:00"),
                 match: str = "direct", top_level: bool = True) -> pd.DataFrame:
    """Is the community looked after, in one row per platform: reply rate, waits and open questions.

    The whole period's :func:`response_rate` (``freq=None``) with the number of
    :func:`unanswered_questions` per platform added.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
        A Dask DataFrame runs on the Dask engine and gives the same table (:mod:`toolkit.scale`).
    tz : str
        Time zone of the business hours.
    business_hours : tuple of str, optional
        ("09:00", "17:00") adds the business-time columns; None leaves them out.
    match, top_level
        Which replies count and which comments expect one, see :func:`reply_times`.

    Returns
    -------
    pandas.DataFrame
        One row per platform: the columns of :func:`response_rate` (without period_start) plus
        unanswered_questions (user comments asking a question without a reply by the account; 0
        where there are none).
    """
    if is_dask(comments):  # engine="dask": one pass over partitions of whole posts (toolkit/_dask.py)
        from ._dask import care_summary as on_dask

        _check(comments, ["platform", "comment_id", "parent_id", "is_owner", "published_at", "text"],
               "care_summary(comments)")
        return on_dask(comments, tz=need_tz(tz, where="care_summary()"), business_hours=business_hours,
                       match=match, top_level=top_level)
    care = response_rate(comments, tz=tz, freq=None, business_hours=business_hours, match=match,
                         top_level=top_level)
    questions = unanswered_questions(comments, match=match, top_level=top_level)
    open_q = questions["platform"].astype("string").value_counts()
    care["unanswered_questions"] = (care["platform"].astype("string").map(open_q).fillna(0)
                                    .astype("int64").to_numpy())
    return care


_LABELS = ("negative", "neutral", "positive")


def tone(comments: pd.DataFrame, *, by: str = "platform", share: bool = False,
         label_col: str = "sentiment_label") -> pd.DataFrame:
    """Comments per sentiment label and group: counts with totals, or each label's share.

    Parameters
    ----------
    comments : pandas.DataFrame
        Comments with a sentiment label (:func:`toolkit.text.add_sentiment`).
    by : str
        Column to group by ("platform", "lang", ...).
    share : bool
        False: counts, with a last row "All" and a last column "All" (totals). True: the share of
        each label within its group (rows add up to 1), no totals.
    label_col : str
        Column holding the labels.

    Returns
    -------
    pandas.DataFrame
        One row per value of ``by`` (sorted; comments without a label are left out). Columns:
        ``by``, then one per label (negative, neutral, positive, in that order, only those that
        occur), then "All" for counts.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> c = pd.DataFrame({"lang": ["de", "de", "en"], "sentiment_label": ["negative", "positive", "positive"]})
    >>> tk.community.tone(c, by="lang").to_dict("list")
    {'lang': ['de', 'en', 'All'], 'negative': [1, 0, 1], 'positive': [1, 1, 2], 'All': [2, 1, 3]}
    >>> tk.community.tone(c, by="lang", share=True)["positive"].tolist()
    [0.5, 1.0]
    """
    _check(comments, [by, label_col], "tone(comments)")
    labelled = comments[[by, label_col]].dropna().astype({by: str, label_col: str})
    table = pd.crosstab(labelled[by], labelled[label_col])
    order = [c for c in _LABELS if c in table.columns] + sorted(c for c in table.columns if c not in _LABELS)
    table = table[order].astype("int64")
    if share:
        out = table.div(table.sum(axis=1), axis=0)
    else:
        out = table.copy()
        out["All"] = out.sum(axis=1)
        out.loc["All"] = out.sum(axis=0)
    out = out.rename_axis(index=by, columns=None).reset_index()
    return out


def worst_posts(per_post: pd.DataFrame, *, posts: pd.DataFrame | None = None, n: int = 5) -> pd.DataFrame:
    """The ``n`` posts with the most negative comments, with the post's text and link.

    Parameters
    ----------
    per_post : pandas.DataFrame
        :func:`negative_spikes` with ``by="post"``.
    posts : pandas.DataFrame, optional
        Canonical posts table: adds the post's text and permalink.
    n : int
        Rows.

    Returns
    -------
    pandas.DataFrame
        The columns of ``per_post`` (plus text, permalink with ``posts``); most negative comments
        first, ties by post_id.
    """
    _check(per_post, ["platform", "post_id", "negative"], "worst_posts(per_post)")
    if n < 1:
        raise ParameterError(f"worst_posts(n={n}): expected a number of posts, at least 1.")
    worst = (per_post.sort_values(["negative", "post_id"], ascending=[False, True], kind="stable")
             .head(n).reset_index(drop=True))
    if posts is not None:
        require_columns(posts, ["platform", "post_id", "text", "permalink"], where="worst_posts(posts)",
                        table="posts")
        info = posts[["platform", "post_id", "text", "permalink"]].drop_duplicates(["platform", "post_id"])
        worst = worst.merge(info, on=["platform", "post_id"], how="left")
    return worst


def thread(comments: pd.DataFrame, *, posts: pd.DataFrame) -> pd.DataFrame:
    """The comments under the given posts, oldest first, the account's replies included.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table (any added columns are kept).
    posts : pandas.DataFrame
        The posts whose threads to show: any table with platform and post_id, such as
        ``worst_posts(...).head(1)``; an empty table gives an empty thread.

    Returns
    -------
    pandas.DataFrame
        The rows of ``comments`` on those posts, in order of ``published_at``.
    """
    _check(comments, ["platform", "post_id", "published_at"], "thread(comments)")
    require_columns(posts, ["platform", "post_id"], where="thread(posts)")
    wanted = set(zip(_str(posts["platform"]).astype(object), _str(posts["post_id"]).astype(object)))
    keys = pd.Series(list(zip(_str(comments["platform"]).astype(object), _str(comments["post_id"]).astype(object))),
                     index=comments.index, dtype=object)
    return (comments[keys.isin(wanted).to_numpy()].sort_values("published_at", kind="stable")
            .reset_index(drop=True))


def top_emoji(comments: pd.DataFrame, *, n: int = 10, text_col: str = "text") -> pd.DataFrame:
    """The most used emoji in the comments.

    Parameters
    ----------
    comments : pandas.DataFrame
        Comments (or any table with ``text_col``).
    n : int
        Rows.
    text_col : str
        Column holding the text.

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` rows, the most used first (ties: first seen first). Columns: emoji (as
        written, skin tones included), name, uses (occurrences over all comments).

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> tk.community.top_emoji(pd.DataFrame({"text": ["Toll 😍😍", "Na 😡", "😍"]}), n=2)["uses"].tolist()
    [3, 1]
    """
    from .text import emoji

    _check(comments, [text_col], "top_emoji(comments)")
    if n < 1:
        raise ParameterError(f"top_emoji(n={n}): expected a number of rows, at least 1.")
    found = emoji(comments[[text_col]].reset_index(drop=True), text_col=text_col, id_cols=())
    if found.empty:
        return pd.DataFrame({"emoji": pd.Series(dtype="string"), "name": pd.Series(dtype="string"),
                             "uses": pd.Series(dtype="int64")})
    out = (found.groupby("emoji", sort=False).agg(name=("name", "first"), uses=("emoji", "size"))
           .reset_index().sort_values("uses", ascending=False, kind="stable").head(n))
    return out.reset_index(drop=True).astype({"emoji": "string", "name": "string", "uses": "int64"})


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
