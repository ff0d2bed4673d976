"""The executive summary: one period against the one before, as KPIs and findings (``tk.report.summary``).

Everything here is computed by the toolkit's tested functions (engagement formulas, reply
times, sentiment, best times, content effects, negative spikes); this module only chooses the
periods, compares them and words the result. Public through :mod:`toolkit.report`.
"""

from __future__ import annotations

import functools
import html
import json
import math
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._stats import bootstrap_samples, wilson_interval
from .errors import ParameterError

__all__ = ["summary", "Summary", "parse_period", "check_period", "summary_shown", "MIME"]

#: Output type under which a displayed summary keeps its data in a notebook: the report writes
#: ``summary.json`` from the overview's executed output, so the file holds what the page shows.
MIME = "application/vnd.toolkit.summary+json"

#: The pages the findings link to (curated notebook stems; the report writes ``<stem>.html``).
PAGES = {
    "overview": "00-overview",
    "data": "01-what-is-in-my-data",
    "channels": "02-how-do-our-channels-perform",
    "timing": "03-when-should-we-post",
    "sentiment": "04-how-does-the-community-feel",
    "content": "05-what-content-works",
    "care": "06-is-the-community-looked-after",
}
_PAGE_TITLES = {
    "channels": "How do our channels perform?",
    "timing": "When should we post?",
    "sentiment": "How does the community feel?",
    "content": "What content works?",
    "care": "Is the community looked after?",
}
_DENOMINATORS = ("reach", "impressions", "views")
_INTERACTION_PARTS = "likes, comments, shares, saves or clicks"


# ----------------------------------------------------------------------------------------------
# display strings: every number on the overview's summary is formatted here, once


# The page's formatting layer (toolkit._format.Format) while a summary in another language than
# English is made; None: English, formatted below.
_CUR = None


def _t(template: str, **values) -> str:
    """``template`` in the summary's language (gettext catalog, toolkit/locale), filled with ``values``."""
    if _CUR is not None:
        template = _CUR.lookup(template) or template
    return template.format(**values) if values else template


def _fmt(value, unit: str, *, signed: bool = False) -> str:
    """The display string of one figure, by the page's formatting layer (toolkit._format, Babel).

    ``unit`` is "count" (``18,450``), "share" (a 0..1 fraction shown as ``7.5 %``; a signed
    share is a difference in percentage points, ``+0.6 pp``), "minutes" (``5 h 12 min``),
    "pct" (an already 0..100 relative change, ``+11.8 %``) or "ratio" (``2.1x``).
    ``signed`` adds ``+`` to positive values (changes). Missing values give an en dash.
    Number and unit are joined by a no-break space.

    >>> [_fmt(18450, "count"), _fmt(0.0754, "share"), _fmt(312.4, "minutes"), _fmt(-11.84, "pct", signed=True)]
    ['18,450', '7.5\xa0%', '5 h 12 min', '-11.8\xa0%']
    >>> [_fmt(0.006, "share", signed=True), _fmt(0.0004, "share"), _fmt(2.08, "ratio"), _fmt(None, "count")]
    ['+0.6\xa0pp', '0.04\xa0%', '2.1x', '–']
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or value is pd.NA:
        return "–"
    if unit not in ("count", "share", "pct", "ratio", "minutes"):
        raise ParameterError(f"_fmt(unit={unit!r}): expected count, share, pct, ratio or minutes.")
    v = float(value)
    sign = "+" if signed and v > 0 else ("-" if v < 0 else "")
    return sign + _fmt_local(abs(v), unit, signed)


@functools.lru_cache(maxsize=1)
def _english():
    from ._format import Format

    return Format("en")


def _fmt_local(a: float, unit: str, signed: bool) -> str:
    f, nbsp = _CUR or _english(), "\u00a0"
    if unit == "count":
        return f.number(a, 0)
    if unit == "share":
        pct = a * 100
        return f.number(pct, 1 if pct >= 0.1 or pct == 0 else 2) + nbsp + (_t("pp") if signed else "%")
    if unit == "pct":
        return f.number(a, 1) + nbsp + "%"
    if unit == "ratio":
        return f.number(a, 1 if a >= 0.95 or a == 0 else 2) + "x"
    return f.duration(a)


def _day(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d")


def _weekday_day(ts: pd.Timestamp) -> str:
    day = ts.strftime("%a")
    return f"{_CUR.weekday(day) if _CUR is not None else day} {_day(ts)}"


def _slot(label: str) -> str:
    """A slot label such as "Thu 12-15" with the weekday in the summary's language."""
    head, _, rest = str(label).partition(" ")
    return f"{_CUR.weekday(head)} {rest}" if _CUR is not None else str(label)


# ----------------------------------------------------------------------------------------------
# periods

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_LAST = re.compile(r"^last-(\d+)d$", re.I)
_PERIOD_HELP = ("expected a month ('2026-08'), a quarter ('2026-Q3'), a year ('2026') or the last N days of "
                "the data ('last-28d'); None = the last full calendar month in the data")


@dataclass(frozen=True)
class _Window:
    """Local days ``[start, end)`` in ``tz`` (both tz-aware midnights) and how to name them."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    spec: str

    @property
    def last_day(self) -> pd.Timestamp:
        return self.end - pd.Timedelta(days=1)

    def as_dict(self, first: pd.Timestamp | None, last: pd.Timestamp | None) -> dict:
        covered = "none"
        start, end = self.start.tz_localize(None), self.end.tz_localize(None)
        if first is not None and last is not None and first < end and last >= start:
            covered = "full" if first <= start and last >= self.last_day.tz_localize(None) else "partial"
        return {"label": self.label, "spec": self.spec, "start": _day(self.start), "end": _day(self.last_day),
                "days": int(round((self.end - self.start) / pd.Timedelta(days=1))),
                "tz": str(self.start.tz), "data": covered}


def _month(year: int, month: int, tz: str) -> _Window:
    start = pd.Timestamp(year=year, month=month, day=1).tz_localize(tz)
    end = (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthBegin(1)).tz_localize(tz)
    if _CUR is not None:
        from babel.dates import format_date

        label = format_date(start.date(), "MMMM y", locale=_CUR.locale)
    else:
        label = start.strftime("%B %Y")
    return _Window(label, start, end, f"{year:04d}-{month:02d}")


def _quarter(year: int, q: int, tz: str) -> _Window:
    start = pd.Timestamp(year=year, month=3 * q - 2, day=1)
    end = start + pd.offsets.QuarterBegin(1, startingMonth=1)
    return _Window(f"Q{q} {year}", start.tz_localize(tz), end.tz_localize(tz), f"{year:04d}-Q{q}")


def _days(last_day: pd.Timestamp, n: int, tz: str, label: str) -> _Window:
    end = (last_day.tz_localize(None).normalize() + pd.Timedelta(days=1))
    start = end - pd.Timedelta(days=n)
    first, final = start, end - pd.Timedelta(days=1)
    return _Window(_t("{label} ({start} to {end})", label=label, start=_day(first), end=_day(final)),
                   start.tz_localize(tz), end.tz_localize(tz),
                   f"last-{n}d")


def parse_period(period: str | None, *, tz: str, last_day=None, first_day=None) -> tuple[_Window, _Window]:
    """The analysed window and the one it is compared with, for a ``period`` string.

    Parameters
    ----------
    period : str or None
        "2026-08" (a calendar month, compared with the month before), "2026-Q3" (a quarter vs
        the quarter before), "2026" (a year vs the year before), "last-28d" (the last 28 days
        of the data, ending on its last day, vs the 28 days before) or None: the last full
        calendar month in the data vs the month before (when the data holds no full month:
        the last month it reaches into).
    tz : str
        The calendar's zone: days start at local midnight.
    last_day, first_day : timestamp, optional
        The data's last and first local day (needed for None and "last-Nd").

    Returns
    -------
    (window, previous)
        Internal window objects (label, start, end).
    """
    spec = None if period is None else str(period).strip()
    if spec is None or spec == "":
        if last_day is None:
            raise ParameterError(f"period=None: the data holds no dated rows, so there is no last month; {_PERIOD_HELP}.")
        last = pd.Timestamp(last_day).tz_localize(None).normalize()
        month_end = (last + pd.offsets.MonthEnd(0)).normalize()
        ref = last if last == month_end else last.replace(day=1) - pd.Timedelta(days=1)
        cur = _month(ref.year, ref.month, tz)
        if first_day is not None and pd.Timestamp(first_day).tz_localize(None).normalize() >= cur.end.tz_localize(None):
            cur = _month(last.year, last.month, tz)  # no full month in the data: the last one it reaches
        prev_ref = cur.start.tz_localize(None) - pd.Timedelta(days=1)
        return cur, _month(prev_ref.year, prev_ref.month, tz)
    if m := _MONTH.match(spec):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ParameterError(f"period={period!r}: month {month} does not exist; {_PERIOD_HELP}.")
        prev = pd.Timestamp(year=year, month=month, day=1) - pd.Timedelta(days=1)
        return _month(year, month, tz), _month(prev.year, prev.month, tz)
    if m := _QUARTER.match(spec):
        year, q = int(m.group(1)), int(m.group(2))
        return _quarter(year, q, tz), (_quarter(year, q - 1, tz) if q > 1 else _quarter(year - 1, 4, tz))
    if m := _YEAR.match(spec):
        year = int(m.group(1))
        mk = lambda y: _Window(str(y), pd.Timestamp(year=y, month=1, day=1).tz_localize(tz),  # noqa: E731
                               pd.Timestamp(year=y + 1, month=1, day=1).tz_localize(tz), f"{y:04d}")
        return mk(year), mk(year - 1)
    if m := _LAST.match(spec):
        n = int(m.group(1))
        if n < 1:
            raise ParameterError(f"period={period!r}: expected at least one day; {_PERIOD_HELP}.")
        if last_day is None:
            raise ParameterError(f"period={period!r}: the data holds no dated rows to count back from.")
        cur = _days(pd.Timestamp(last_day), n, tz, _t("last {n} days", n=n))
        prev = _days(cur.start.tz_localize(None) - pd.Timedelta(days=1), n, tz, _t("{n} days before", n=n))
        return cur, _Window(prev.label, prev.start, prev.end, f"previous-{n}d")
    raise ParameterError(f"period={period!r}: not a period I can read; {_PERIOD_HELP}.")


# ----------------------------------------------------------------------------------------------
# one figure of one window


@dataclass
class _Figure:
    value: float | None = None
    n: int = 0
    note: str = ""
    boot: np.ndarray | None = None  # bootstrap resamples of the value (rates of sums, medians)
    k: int | None = None  # for shares: the count in the numerator (Wilson)


@dataclass(frozen=True)
class _Kpi:
    name: str
    label: str
    unit: str  # count, share, minutes
    kind: str  # "count" (a complete count, no sampling error), "share" (k of n), "boot" (bootstrapped)
    better: str  # "higher" or "lower"
    n_of: str  # what n counts (posts, comments, replies)
    definition: str


def _local(ts: pd.Series, tz: str) -> pd.Series:
    return ts.dt.tz_convert(tz)


def _in(frame: pd.DataFrame, w: _Window, col: str = "published_at") -> pd.DataFrame:
    if frame is None or not len(frame) or col not in frame.columns:
        return frame.iloc[0:0] if frame is not None else pd.DataFrame()
    when = frame[col]
    mask = (when >= w.start.tz_convert("UTC")) & (when < w.end.tz_convert("UTC"))
    return frame.loc[mask.fillna(False).to_numpy(dtype=bool)]


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[col], errors="coerce").astype("float64")


class _Data:
    """The dataset's tables prepared once for both windows (engagement, reply times, sentiment)."""

    def __init__(self, ds, tz: str, *, n_boot: int, seed: int, level: float) -> None:
        from .performance import add_engagement

        self.tz, self.n_boot, self.seed, self.level = tz, n_boot, seed, level
        posts = ds.posts
        self.posts = add_engagement(posts) if len(posts) else posts.assign(
            interactions=pd.Series(dtype="Int64"), engagement_rate=pd.Series(dtype="Float64"),
            formula=pd.Series(dtype="string"))
        self.comments = ds.comments
        self.daily = ds.daily
        owner = (self.comments["is_owner"].fillna(False).astype(bool) if "is_owner" in self.comments.columns
                 else pd.Series(False, index=self.comments.index))
        self.users = self.comments.loc[~owner.to_numpy()]
        self.has_owner_replies = bool(owner.any())
        self._replies = None
        self._scored = None
        self.denominator = next((d for d in _DENOMINATORS if (_num(self.posts, d) > 0).any()), None)

    @property
    def replies(self) -> pd.DataFrame:
        if self._replies is None:
            from .community import reply_times

            self._replies = reply_times(self.comments) if len(self.comments) else pd.DataFrame(
                columns=["published_at", "replied", "minutes_to_reply", "text"])
        return self._replies

    @property
    def scored(self) -> pd.DataFrame:
        """User comments with sentiment (the existing columns when the table already has them)."""
        if self._scored is None:
            users = self.users
            if "sentiment_label" not in users.columns and len(users):
                from .text import add_sentiment

                users = add_sentiment(users, progress=False)
            self._scored = users
        return self._scored


def _kpis(data: _Data) -> list[tuple[_Kpi, callable]]:
    from .performance import formulas

    auto = formulas().set_index("name").loc["auto"]
    den = data.denominator or "reach"
    where = ""
    if data.denominator is not None:
        plats = sorted(data.posts.loc[(_num(data.posts, den) > 0).to_numpy(), "platform"].astype(str).unique())
        where = f" (reported on {', '.join(plats)})"
    reach_label = _t({"reach": "Reach", "impressions": "Impressions", "views": "Views"}[den])
    out = [
        (_Kpi("posts", _t("Posts"), "count", "count", "higher", "posts",
              "posts published in the period"), _posts),
        (_Kpi(den, reach_label, "count", "count", "higher", "posts",
              f"sum of the {den} reported per post{where}, over the period's posts that report it"), _reach),
        (_Kpi("interactions", _t("Interactions"), "count", "count", "higher", "posts",
              "likes + comments + shares + saves + clicks, each where the export reports it, summed over "
              "the period's posts"), _interactions),
        (_Kpi("engagement_rate", _t("Engagement rate"), "share", "boot", "higher", "posts",
              f"{auto['numerator']} / {auto['denominator']}; pooled over the period's posts that report both "
              "(sum of interactions / sum of the denominator)"), _engagement_rate),
        (_Kpi("comments", _t("Comments"), "count", "count", "higher", "comments",
              "comments by users (not the account) published in the period"), _comments),
        (_Kpi("response_rate", _t("Response rate"), "share", "share", "higher", "comments",
              "top-level user comments of the period with a reply by the account / all top-level user "
              "comments of the period"), _response_rate),
        (_Kpi("median_reply_minutes", _t("Median reply time"), "minutes", "boot", "lower", "replies",
              "median time from a user comment of the period to the account's first reply, over replied "
              "comments"), _median_reply),
        (_Kpi("negative_share", _t("Negative comments"), "share", "share", "lower", "comments",
              "user comments of the period scored negative (tk.text.add_sentiment) / user comments scored"),
         _negative_share),
    ]
    return out


def _posts(data: _Data, w: _Window) -> _Figure:
    if not len(data.posts):
        return _Figure(note=_t("no posts export in the data"))
    n = len(_in(data.posts, w))
    return _Figure(float(n), n)


def _reach(data: _Data, w: _Window) -> _Figure:
    if not len(data.posts):
        return _Figure(note=_t("no posts export in the data"))
    if data.denominator is None:
        return _Figure(note=_t("no export reports reach, impressions or views per post"))
    p = _in(data.posts, w)
    v = _num(p, data.denominator).dropna()
    if not len(p):
        return _Figure(0.0, 0)  # no post, nobody reached
    if not len(v):
        return _Figure(n=0, note=_t("no post of {period} reports {metric}", period=w.label, metric=data.denominator))
    return _Figure(float(v.sum()), len(v))


def _interactions(data: _Data, w: _Window) -> _Figure:
    if not len(data.posts):
        return _Figure(note=_t("no posts export in the data"))
    if data.posts["interactions"].isna().all():
        return _Figure(note=_t("no export reports likes, comments, shares, saves or clicks per post"))
    p = _in(data.posts, w)
    v = _num(p, "interactions").dropna()
    if len(p) and not len(v):
        return _Figure(n=0, note=_t("no post of {period} reports likes, comments, shares, saves or clicks",
                                    period=w.label))
    return _Figure(float(v.sum()), len(v))


def _pairs(data: _Data, w: _Window) -> tuple[np.ndarray, np.ndarray]:
    p = _in(data.posts, w)
    num = _num(p, "interactions")
    den = pd.Series(np.nan, index=p.index)
    for d in _DENOMINATORS:
        sel = (p["formula"] == d).fillna(False).to_numpy(dtype=bool) if "formula" in p.columns else []
        if len(sel) and sel.any():
            den[sel] = _num(p, d)[sel]
    ok = num.notna() & den.notna() & (den > 0)
    return num[ok].to_numpy(), den[ok].to_numpy()


def _ratio(num, den):
    return num.sum(axis=1) / den.sum(axis=1)


def _engagement_rate(data: _Data, w: _Window) -> _Figure:
    if not len(data.posts):
        return _Figure(note=_t("no posts export in the data"))
    if data.denominator is None:
        return _Figure(note=_t("no export reports reach, impressions or views per post, so there is no "
                               "engagement rate to compute"))
    if data.posts["interactions"].isna().all():
        return _Figure(note=_t("no export reports likes, comments, shares, saves or clicks per post"))
    num, den = _pairs(data, w)
    if not len(num):
        return _Figure(n=0, note=_t("no post of {period} reports both interactions and reach, impressions or "
                                    "views", period=w.label))
    boot = bootstrap_samples(_ratio, num, den, n_boot=data.n_boot, seed=data.seed)
    return _Figure(float(num.sum() / den.sum()), len(num), boot=boot)


def _no_comments_note(data: _Data) -> str | None:
    if not len(data.comments):
        return _t("no comments export in the data")
    return None


def _comments(data: _Data, w: _Window) -> _Figure:
    if (note := _no_comments_note(data)):
        return _Figure(note=note)
    n = len(_in(data.users, w))
    return _Figure(float(n), n)


def _response_rate(data: _Data, w: _Window) -> _Figure:
    if (note := _no_comments_note(data)):
        return _Figure(note=note)
    if not data.has_owner_replies:
        return _Figure(note=_t("the comments exports hold no reply by the account, so answered and unanswered "
                               "comments cannot be told apart"))
    r = _in(data.replies, w)
    n, k = len(r), int(r["replied"].sum()) if len(r) else 0
    return _Figure(k / n if n else None, n, k=k, note="" if n else _t("no top-level user comment in {period}",
                                                                                   period=w.label))


def _median(x):
    return np.median(x, axis=1)


def _median_reply(data: _Data, w: _Window) -> _Figure:
    if (note := _no_comments_note(data)):
        return _Figure(note=note)
    if not data.has_owner_replies:
        return _Figure(note=_t("the comments exports hold no reply by the account"))
    r = _in(data.replies, w)
    m = pd.to_numeric(r.loc[r["replied"].astype(bool), "minutes_to_reply"], errors="coerce").dropna().to_numpy(
        dtype=float) if len(r) else np.array([])
    if not len(m):
        return _Figure(n=0, note=_t("no user comment of {period} got a reply", period=w.label))
    return _Figure(float(np.median(m)), len(m), boot=bootstrap_samples(_median, m, n_boot=data.n_boot,
                                                                        seed=data.seed))


def _negative_share(data: _Data, w: _Window) -> _Figure:
    if (note := _no_comments_note(data)):
        return _Figure(note=note)
    if not len(data.users):
        return _Figure(note=_t("no comments by users in the data"))
    s = _in(data.scored, w)
    lab = s["sentiment_label"].astype("string") if len(s) else pd.Series([], dtype="string")
    lab = lab.dropna()
    n, k = len(lab), int((lab == "negative").sum())
    return _Figure(k / n if n else None, n, k=k, note="" if n else _t("no user comment with text in {period}",
                                                                                   period=w.label))


# ----------------------------------------------------------------------------------------------
# comparing the two windows


def _quantiles(boot: np.ndarray, level: float) -> tuple[float, float]:
    boot = boot[np.isfinite(boot)]
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _interval(kpi: _Kpi, f: _Figure, level: float) -> list[float] | None:
    if f.value is None or not f.n:
        return None
    if kpi.kind == "share":
        lo, hi = wilson_interval(f.k, f.n, level)
        return [lo, hi]
    if kpi.kind == "boot" and f.boot is not None and np.isfinite(f.boot).any():
        return list(_quantiles(f.boot, level))
    return None


def _change_interval(kpi: _Kpi, cur: _Figure, prev: _Figure, level: float) -> list[float] | None:
    """Interval of ``cur - prev``: Newcombe's hybrid score interval for shares, the bootstrap for the rest."""
    if kpi.kind == "share":
        p1, p2 = cur.k / cur.n, prev.k / prev.n
        l1, u1 = wilson_interval(cur.k, cur.n, level)
        l2, u2 = wilson_interval(prev.k, prev.n, level)
        d = p1 - p2
        return [d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)]
    if kpi.kind == "boot" and cur.boot is not None and prev.boot is not None:
        return list(_quantiles(cur.boot - prev.boot, level))
    return None


def _kpi_entry(kpi: _Kpi, cur: _Figure, prev: _Figure, cur_w: _Window, prev_w: _Window, *, level: float,
               min_n: int, first_day, last_day) -> dict:
    entry = {"name": kpi.name, "label": kpi.label, "value": cur.value, "previous": prev.value, "change": None,
             "change_pct": None, "unit": kpi.unit, "interval": _interval(kpi, cur, level),
             "previous_interval": _interval(kpi, prev, level), "change_interval": None, "level": level,
             "n": cur.n, "previous_n": prev.n, "n_of": kpi.n_of, "better": kpi.better,
             "definition": kpi.definition, "note": ""}
    change_text = ""
    if cur.note and cur.value is None and not cur.n and (cur.note == prev.note):
        entry["note"] = cur.note  # the data cannot give this figure at all: the note says why
    else:
        prev_covered = first_day is not None and first_day <= prev_w.start.tz_localize(None)
        prev_touched = first_day is not None and first_day < prev_w.end.tz_localize(None)
        if kpi.kind == "count" and not prev_touched:
            entry["previous"] = None
            entry["previous_n"] = 0
            entry["note"] = (_t("no data for {period} (the data starts on {day})", period=prev_w.label,
                                day=_day(first_day)) if first_day is not None else _t("no dated data"))
            change_text = _t("no comparison")
        elif kpi.kind == "count" and last_day is not None and last_day < cur_w.last_day.tz_localize(None):
            entry["note"] = _t("the data ends on {day}, before {period} ends, so its count is not complete",
                               day=_day(last_day), period=cur_w.label)
            change_text = _t("period not complete")
        elif cur.value is None:
            entry["note"] = cur.note or _t("no data in {period}", period=cur_w.label)
        elif prev.value is None:
            entry["note"] = (prev.note or _t("no data in {period}", period=prev_w.label) if prev_touched
                             else _t("no data for {period} (the data starts on {day})", period=prev_w.label,
                                     day=_day(first_day)) if first_day is not None else "")
            change_text = _t("no comparison")
        elif kpi.kind != "count" and (cur.n < min_n or prev.n < min_n):
            entry["note"] = _t("a change needs at least {n} {what} in each period", n=min_n, what=_t(kpi.n_of))
            change_text = _t("n too small ({n} vs {previous} {what})", n=_fmt(cur.n, "count"),
                             previous=_fmt(prev.n, "count"), what=_t(kpi.n_of))
        else:
            if not prev_covered:
                entry["note"] = _t("the data starts on {day}, so {period} may be incomplete", day=_day(first_day),
                                   period=prev_w.label)
            entry["change"] = cur.value - prev.value
            entry["change_pct"] = (entry["change"] / prev.value * 100) if prev.value else None
            entry["change_interval"] = _change_interval(kpi, cur, prev, level)
            change_text = _fmt(entry["change"], kpi.unit, signed=True)
            if entry["change_pct"] is not None:
                change_text += f" ({_fmt(entry['change_pct'], 'pct', signed=True)})"
        if cur.value is None and not entry["note"]:
            entry["note"] = cur.note
    entry["display"] = _fmt(entry["value"], kpi.unit) if entry["value"] is not None else _t("not available")
    entry["display_previous"] = _fmt(entry["previous"], kpi.unit) if entry["previous"] is not None else "–"
    entry["display_change"] = change_text
    ci = entry["interval"]
    entry["display_interval"] = (_t("{level} % interval {low} to {high}", level=f"{level * 100:.0f}",
                                    low=_fmt(ci[0], kpi.unit), high=_fmt(ci[1], kpi.unit))
                                 if ci and all(math.isfinite(v) for v in ci) else "")
    cc = entry["change_interval"]
    entry["display_change_interval"] = ""
    if cc and all(math.isfinite(v) for v in cc):
        clear = _t("a clear change") if cc[0] > 0 or cc[1] < 0 else _t("within the noise")
        entry["display_change_interval"] = _t("change {low} to {high}: {verdict}",
                                              low=_fmt(cc[0], kpi.unit, signed=True),
                                              high=_fmt(cc[1], kpi.unit, signed=True), verdict=clear)
    return _jsonable(entry)


def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


# ----------------------------------------------------------------------------------------------
# findings: one sentence each, from the toolkit's tested functions


def _finding(text: str, n: int, page: str, **extra) -> dict:
    return _jsonable({"text": text, "n": int(n), "page": f"{PAGES[page]}.html", **extra})


def _best_slot(data: _Data, cur_w: _Window) -> dict | None:
    from .timing import best_times

    posts = data.posts
    if not len(posts) or posts["published_at"].isna().all():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slots = best_times(posts, tz=data.tz, n_boot=data.n_boot, progress=False)
    used = slots.drop_duplicates(["platform", "account"])["n_account_posts"].fillna(0).sum() if len(slots) else 0
    if not used:
        return None
    rec = slots[slots["recommended"].fillna(False).astype(bool)]
    if rec.empty:
        return _finding(_t("No posting slot did clearly better than the account's usual post ({n} posts checked, "
                           "all periods).", n=_fmt(used, "count")), used, "timing")
    best = rec.sort_values(["ci_low", "lift"], ascending=False, kind="stable").iloc[0]
    more = len(rec) - 1
    metric = str(best.get("metric", "interactions")).replace("_", " ")
    text = _t("Best time to post on {platform}: {slot} ({tz} time), where posts got {lift} the account's usual "
              "{metric} ({level} % interval {low} to {high}; {n} posts)", platform=str(best["platform"]).capitalize(),
              slot=_slot(best["slot"]), tz=data.tz, lift=_fmt(best["lift"], "ratio"), metric=_t(metric),
              level=f"{data.level * 100:.0f}", low=_fmt(best["ci_low"], "ratio"), high=_fmt(best["ci_high"], "ratio"),
              n=_fmt(best["n_posts"], "count"))
    text += _t("; {n} more recommended slot(s).", n=more) if more else "."
    return _finding(text, int(best["n_posts"]), "timing")


def _top_post(data: _Data, cur_w: _Window) -> dict | None:
    from .performance import top_posts

    p = _in(data.posts, cur_w)
    if not len(p):
        return None
    by = "engagement_rate" if p["engagement_rate"].notna().any() else "interactions"
    if p[by].isna().all():
        return None
    top = top_posts(p.drop(columns=["interactions", "engagement_rate", "formula"]), n=1, sort=by, by=None)
    if top.empty:
        return None
    t = top.iloc[0]
    n = int(p[by].notna().sum())
    kind = str(t.get("media_type") or "post").lower() if pd.notna(t.get("media_type")) else "post"
    kind = _t(kind)
    when = _weekday_day(pd.Timestamp(t["published_at"]).tz_convert(data.tz))
    words = str(t.get("text") or "").split() if pd.notna(t.get("text")) else []
    snippet = " ".join(words[:10]) + (" ..." if len(words) > 10 else "")
    quote = f' "{snippet}"' if snippet else ""
    median = p[by].astype("float64").median()
    if by == "engagement_rate":
        figure = _t("{rate} engagement rate (interactions / {denominator}), against a median of {median}",
                    rate=_fmt(t["engagement_rate"], "share"), denominator=_t(str(t["formula"])),
                    median=_fmt(median, "share"))
    else:
        figure = _t("{n} interactions, against a median of {median}", n=_fmt(t["interactions"], "count"),
                    median=_fmt(median, "count"))
    text = _t("Top post of {period}: the {platform} {kind} of {when}{quote}, with {figure} over the period's {n} "
              "posts.", period=cur_w.label, platform=str(t["platform"]).capitalize(), kind=kind, when=when,
              quote=quote, figure=figure, n=_fmt(n, "count"))
    link = t.get("permalink")
    return _finding(text, n, "channels", url=str(link) if pd.notna(link) else None)


_FEATURE_WORDS = {
    "media_type": lambda v: _t("{value} posts", value=_t(v)),
    "hashtag": lambda v: _t("posts with #{value}", value=v),
    "hashtags": lambda v: _t("posts with {value} hashtags", value=v),
    "text_length": lambda v: _t("posts with {value} text", value=_t(v)),
    "emoji": lambda v: _t("posts with emoji") if v == "yes" else _t("posts without emoji"),
    "link": lambda v: _t("posts with a link") if v == "yes" else _t("posts without a link"),
    "question": lambda v: _t("posts asking a question") if v == "yes" else _t("posts without a question"),
}


def _content_effect(data: _Data, cur_w: _Window) -> dict | None:
    from .performance import content_effects

    posts = data.posts
    if not len(posts):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eff = content_effects(posts.drop(columns=["interactions", "engagement_rate", "formula"]),
                              n_boot=data.n_boot, seed=data.seed, progress=False)
    if eff.empty:
        return None
    n_tested = int(len(posts))
    flagged = eff[eff["flagged"].fillna(False).astype(bool)]
    if flagged.empty:
        return _finding(_t("No content feature (media type, hashtags, text length, links, ...) made a clear "
                           "difference ({n} posts, all periods).", n=_fmt(n_tested, "count")), n_tested, "content")
    # what works first: the largest lift above 1; only when every clear effect is a drop, the largest drop
    lift = flagged["lift"].astype("float64")
    best = flagged.loc[lift.idxmax()] if (lift > 1).any() else flagged.loc[lift.idxmin()]
    what = _FEATURE_WORDS.get(str(best["feature"]),
                              lambda v: _t("posts with {feature} {value}", feature=best["feature"], value=v)
                              )(str(best["value"]))
    metric = str(best.get("metric", "interactions")).replace("_", " ")
    more = len(flagged) - 1
    text = _t("Strongest content effect: on {platform}, {what} got {lift} the account's usual {metric} ({level} % "
              "interval {low} to {high}; {n} posts against {others} others)",
              platform=str(best["platform"]).capitalize(), what=what, lift=_fmt(best["lift"], "ratio"),
              metric=_t(metric), level=f"{data.level * 100:.0f}", low=_fmt(best["ci_low"], "ratio"),
              high=_fmt(best["ci_high"], "ratio"), n=_fmt(best["n_posts"], "count"),
              others=_fmt(best["n_other"], "count"))
    text += _t("; {n} more clear effect(s).", n=more) if more else "."
    return _finding(text, int(best["n_posts"]), "content")


def _unanswered(data: _Data, cur_w: _Window) -> dict | None:
    from .text import is_question

    if not len(data.comments) or not data.has_owner_replies:
        return None
    r = _in(data.replies, cur_w)
    if not len(r):
        return None
    q = r[is_question(r["text"].astype("string").fillna("")).to_numpy(dtype=bool)]
    if not len(q):
        return None
    open_q = q[~q["replied"].astype(bool)]
    if open_q.empty:
        return _finding(_t("All {n} questions users asked in {period} got a reply.", n=_fmt(len(q), "count"),
                           period=cur_w.label), len(q), "care")
    ref = data.comments["published_at"].max()
    oldest = (ref - open_q["published_at"].min()) / pd.Timedelta(minutes=1)
    text = _t("{open} of the {n} questions users asked in {period} have no reply from the account ({share}; the "
              "oldest had waited {wait} by the last comment in the data).", open=_fmt(len(open_q), "count"),
              n=_fmt(len(q), "count"), period=cur_w.label, share=_fmt(len(open_q) / len(q), "share"),
              wait=_fmt(oldest, "minutes"))
    return _finding(text, len(q), "care")


def _spike(data: _Data, cur_w: _Window) -> dict | None:
    from .community import negative_spikes

    if not len(data.users):
        return None
    scored = data.scored
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spikes = negative_spikes(scored, tz=data.tz)
    if spikes.empty:
        return None
    day = pd.to_datetime(spikes["date"])
    inside = spikes[((day >= cur_w.start.tz_localize(None)) & (day < cur_w.end.tz_localize(None))).to_numpy()]
    n_comments = int(inside["comments"].sum()) if len(inside) else 0
    if not n_comments:
        return None
    flagged = inside[inside["flagged"].fillna(False).astype(bool)]
    if flagged.empty:
        return _finding(_t("No day in {period} with an unusual pile-up of negative comments ({n} comments "
                           "checked).", period=cur_w.label, n=_fmt(n_comments, "count")), n_comments, "sentiment")
    top = flagged.sort_values(["ratio", "negative"], ascending=False, kind="stable").iloc[0]
    more = len(flagged) - 1
    text = _t("Negativity spike on {day} on {platform}: {negative} of {n} comments negative ({share}, {ratio} the "
              "usual share)", day=_weekday_day(pd.Timestamp(top["date"])), platform=str(top["platform"]).capitalize(),
              negative=_fmt(top["negative"], "count"), n=_fmt(top["comments"], "count"),
              share=_fmt(top["negative_rate"], "share"), ratio=_fmt(top["ratio"], "ratio"))
    text += _t("; {n} more such day(s) in {period}.", n=more, period=cur_w.label) if more else "."
    return _finding(text, int(top["comments"]), "sentiment")


_FINDERS = (_best_slot, _top_post, _content_effect, _unanswered, _spike)


# ----------------------------------------------------------------------------------------------
# the public object


class Summary(dict):
    """The executive summary: a plain ``dict`` (JSON-ready) that displays as KPI tiles and findings.

    Keys: ``period`` and ``previous`` (label, spec, start, end, days, tz, data: "full", "partial"
    or "none"), ``kpis`` (list of dicts: name, label, value, previous, change, change_pct, unit,
    interval, display and the other display strings, n, note, definition...), ``findings`` (list
    of dicts: text, n, page).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)

    def to_json(self, path: str | os.PathLike | None = None) -> str:
        """The summary as JSON text; written to ``path`` (UTF-8) when given."""
        text = json.dumps(dict(self), ensure_ascii=False, indent=2)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's plain-text display
        p.text(self.text())

    def text(self) -> str:
        """Plain-text version of the tiles and findings."""
        per, prev = self["period"], self["previous"]
        lines = [f"{per['label']} ({per['start']} to {per['end']}) compared with {prev['label']} "
                 f"({prev['start']} to {prev['end']})"]
        for k in self["kpis"]:
            extra = "; ".join(x for x in (k["display_change"], k["note"]) if x)
            lines.append(f"- {k['label']}: {k['display']} (previous {k['display_previous']}{'; ' + extra if extra else ''})")
        lines += [f"* {f['text']} (n = {f['n']:,}; {f['page']})" for f in self["findings"]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return summary_html(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        # JupyterLab and nbconvert show the HTML; the data rides along for summary.json
        return {"text/html": summary_html(self), "text/plain": self.text(), MIME: _jsonable(dict(self))}


def summary_shown(nb) -> dict | None:
    """The summary an executed notebook displayed (the last one), or None."""
    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME in data:
                found = json.loads(json.dumps(data[MIME]))
    return found


def check_period(period: str | None) -> None:
    """Raise ParameterError for a ``period`` string :func:`summary` cannot read (before any work)."""
    if period is not None:
        parse_period(period, tz="UTC", last_day=pd.Timestamp("2000-01-31"), first_day=pd.Timestamp("2000-01-01"))


_TILE_CSS = """
.tk-summary{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:.5rem 0 1.5rem;color:#222}
.tk-summary .tk-period{font-size:1.05rem;margin:0 0 .75rem}
.tk-summary .tk-tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(11.5rem,1fr));gap:.6rem}
.tk-summary .tk-tile{border:1px solid #d9d9d9;border-radius:6px;padding:.6rem .75rem;background:#fafafa}
.tk-summary .tk-name{font-size:.85rem;color:#555;margin:0}
.tk-summary .tk-value{font-size:1.6rem;font-weight:600;margin:.1rem 0}
.tk-summary .tk-small{font-size:.78rem;color:#555;margin:.1rem 0}
.tk-summary .tk-change{font-size:.95rem;margin:.1rem 0}
.tk-summary .tk-better{color:#1b7f3b}.tk-summary .tk-worse{color:#b42318}
.tk-summary ul{margin:.75rem 0 0;padding-left:1.2rem}.tk-summary li{margin:.3rem 0}
"""


_UNIT_GAP = re.compile(r"(?<=\d) (?=(?:%|pp|min|h|d)\b|%)|(?<=\d [hd]) (?=\d)")


def _keep(text: str) -> str:
    """Escaped text whose figures do not break between number and unit (``7.5&nbsp;%``)."""
    return _UNIT_GAP.sub("\u00a0", html.escape(text))


def summary_html(s: dict) -> str:
    """The HTML of a summary: the period line, one tile per KPI, the findings with their links."""
    global _CUR
    before, _CUR = _CUR, _formatter(s.get("lang", "en"))
    try:
        return _summary_html(s)
    finally:
        _CUR = before


def _summary_html(s: dict) -> str:
    esc = html.escape
    per, prev = s["period"], s["previous"]
    if per.get("start"):
        # a label with its days in one node: "August 2026" alone reads the same in English and German
        head = ("<p class='tk-period'><strong>"
                + esc(_t("{label} ({start} to {end})", label=per["label"], start=per["start"], end=per["end"]))
                + "</strong> " + esc(_t("compared with")) + " <strong>"
                + esc(_t("{label} ({start} to {end})", label=prev["label"], start=prev["start"], end=prev["end"]))
                + "</strong>, " + esc(_t("days in {tz}", tz=per["tz"])) + "</p>")
    else:
        head = f"<p class='tk-period'>{esc(per['label'])}</p>"
    tiles = []
    for k in s["kpis"]:
        cls = ""
        cc = k.get("change_interval")
        # coloured only when the change is real: a complete count, or an interval that excludes 0
        clear = cc is None or cc[0] > 0 or cc[1] < 0
        if k.get("change") and clear:
            good = (k["change"] > 0) == (k.get("better") == "higher")
            cls = " tk-better" if good else " tk-worse"
        parts = [f"<p class='tk-name' title='{esc(k.get('definition', ''))}'>{esc(k['label'])}</p>",
                 f"<p class='tk-value'>{_keep(k['display'])}</p>"]
        if k.get("display_change"):
            parts.append(f"<p class='tk-change{cls}'>{_keep(k['display_change'])}</p>")
        parts.append(f"<p class='tk-small'>{esc(_t('Previous:'))} {_keep(k['display_previous'])}</p>")
        if k.get("display_interval"):
            parts.append(f"<p class='tk-small'>{_keep(k['display_interval'])}</p>")
        if k.get("display_change_interval"):
            parts.append(f"<p class='tk-small'>{_keep(k['display_change_interval'])}</p>")
        if k.get("note"):
            parts.append(f"<p class='tk-small'>{esc(k['note'])}</p>")
        tiles.append(f"<div class='tk-tile' data-kpi='{esc(k['name'])}'>{''.join(parts)}</div>")
    items = []
    for f in s["findings"]:
        stem = f["page"].rsplit(".", 1)[0]
        title = next((_PAGE_TITLES[k] for k, v in PAGES.items() if v == stem and k in _PAGE_TITLES), stem)
        items.append(f"<li data-finding>{esc(f['text'])} <a href='{esc(stem)}.ipynb'>{esc(_t(title))}</a></li>")
    findings = f"<ul class='tk-findings'>{''.join(items)}</ul>" if items else ""
    return (f"<div class='tk-summary'><style>{_TILE_CSS}</style>{head}<div class='tk-tiles'>{''.join(tiles)}</div>"
            f"{findings}</div>")


def _dated_range(ds, tz: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last local day (naive midnights) with a post or comment; with neither, with a daily value.

    Page-level daily values often run on after the last post (an insights export of the whole
    year); a summary period without a single post would be no summary.
    """
    days = []
    for frame in (ds.posts, ds.comments):
        if len(frame) and "published_at" in frame.columns:
            ts = frame["published_at"].dropna()
            if len(ts):
                loc = ts.dt.tz_convert(tz).dt.tz_localize(None)
                days += [loc.min().normalize(), loc.max().normalize()]
    if not days and len(ds.daily) and "date" in ds.daily.columns:
        d = pd.to_datetime(ds.daily["date"]).dropna()
        if len(d):
            days += [d.min().normalize(), d.max().normalize()]
    return (min(days), max(days)) if days else (None, None)


def _formatter(lang: str | None):
    """The formatting layer for ``lang`` (None: the one the report installed in this kernel); None for English."""
    from . import _format

    if lang is None:
        active = _format.ACTIVE
        return active if active is not None and active.lang != "en" else None
    if lang == "en":
        return None
    return _format.Format(lang)


def summary(ds, *, period: str | None = None, tz: str | None = None, level: float = 0.95, n_boot: int = 1000,
            min_n: int = 20, seed: int = 0, lang: str | None = None) -> Summary:
    """Executive summary of a dataset: one period against the one before, as KPIs and findings.

    See :func:`_summary` for the parameters; ``lang`` ("en", "de", ...; None = the language of
    the report page being rendered, else English) sets the language of labels, notes, findings
    and number formats (``display`` strings).
    """
    global _CUR
    if lang is not None:
        from .locale import languages

        if lang not in languages():
            raise ParameterError(f"summary(lang={lang!r}): no translation for this language; expected one of "
                                 f"{languages()}.")
    fmt = _formatter(lang)
    before, _CUR = _CUR, fmt
    try:
        out = _summary(ds, period=period, tz=tz, level=level, n_boot=n_boot, min_n=min_n, seed=seed)
    finally:
        _CUR = before
    out["lang"] = fmt.lang if fmt is not None else "en"
    return out


def _summary(ds, *, period: str | None = None, tz: str | None = None, level: float = 0.95, n_boot: int = 1000,
             min_n: int = 20, seed: int = 0) -> Summary:
    """Executive summary of a dataset: one period against the one before, as KPIs and findings.

    Parameters
    ----------
    ds : toolkit.io.Dataset
        Loaded (and possibly selected) data, e.g. from :func:`toolkit.load`.
    period : str, optional
        "2026-08" (month), "2026-Q3" (quarter), "2026" (year) or "last-28d" (the last 28 days
        of the data); each is compared with the period of the same length before it. None
        (default): the last full calendar month in the data against the month before.
    tz : str, optional
        IANA zone whose calendar defines the periods; default ``ds.tz``.
    level : float
        Confidence level of the intervals.
    n_boot : int
        Bootstrap resamples (engagement rate, median reply time, best times, content effects).
    min_n : int
        Posts, comments or replies each period needs before the change of a rate or median is
        given; below it the change reads "n too small".
    seed : int
        Seed of every bootstrap: the same data gives the same summary.

    Returns
    -------
    Summary
        A ``dict`` with keys ``period``, ``previous``, ``kpis`` and ``findings`` (see
        :class:`Summary`); in a notebook it displays as KPI tiles with the findings.

    KPIs (each with previous value, change, and an interval for rates and medians: Wilson for
    shares, percentile bootstrap over posts or replies otherwise): posts; reach (else
    impressions, else views: the first the exports report, summed over posts); interactions;
    engagement rate (the "auto" formula of :func:`toolkit.performance.formulas`, pooled);
    user comments; response rate; median reply time; share of negative comments. A KPI the
    data cannot give keeps its tile with ``value`` None and a ``note`` saying why.

    Findings (each one sentence with its n and the page that shows it): best posting slot
    (:func:`toolkit.timing.best_times`), top post of the period
    (:func:`toolkit.performance.top_posts`), strongest content effect
    (:func:`toolkit.performance.content_effects`), unanswered questions
    (:func:`toolkit.community.reply_times`, :func:`toolkit.text.is_question`) and negativity
    spikes (:func:`toolkit.community.negative_spikes`). A function that flags nothing gives a
    "no clear ..." sentence; one without data is left out.
    """
    from ._validate import check_tz

    tz = tz if tz is not None else getattr(ds, "tz", None)
    if tz is None:
        raise ParameterError("summary(tz=None): the dataset was loaded without tz= and none was given; pass "
                             "tz='Europe/Berlin' (your audience's zone) so months start at local midnight.")
    tz = check_tz(tz, parameter="tz")
    if not 0 < level < 1:
        raise ParameterError(f"summary(level={level}): expected a confidence level between 0 and 1, e.g. 0.95.")
    if n_boot < 100:
        raise ParameterError(f"summary(n_boot={n_boot}): expected at least 100 bootstrap resamples.")
    first, last = _dated_range(ds, tz)
    if first is None and period is None:
        return Summary(period={"label": "No dated posts, comments or daily values in the data", "spec": None,
                               "start": None, "end": None, "days": 0, "tz": tz, "data": "none"},
                       previous={"label": "", "spec": None, "start": None, "end": None, "days": 0, "tz": tz,
                                 "data": "none"},
                       kpis=[], findings=[])
    cur_w, prev_w = parse_period(period, tz=tz, last_day=last, first_day=first)
    data = _Data(ds, tz, n_boot=n_boot, seed=seed, level=level)
    kpis = []
    for kpi, compute in _kpis(data):
        kpis.append(_kpi_entry(kpi, compute(data, cur_w), compute(data, prev_w), cur_w, prev_w, level=level,
                               min_n=min_n, first_day=first, last_day=last))
    findings = [f for f in (finder(data, cur_w) for finder in _FINDERS) if f]
    return Summary(period=cur_w.as_dict(first, last), previous=prev_w.as_dict(first, last), kpis=kpis,
                   findings=findings)
